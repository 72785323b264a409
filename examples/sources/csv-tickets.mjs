// Hand-written support tickets for examples/jobs.csv (a different set from the JSONL tickets, so both
// files can be enqueued into the same batch without id clashes). Several contain commas, double quotes
// and line breaks on purpose, to exercise CSV quoting.

export const csvTickets = [
  `Hi, I was charged $14.99, then $14.99 again, then $2.50 "adjustment". What is the adjustment for?`,
  `App won't open on my iPad since the update.`,
  `Order #A-52011 still says "processing" after 8 days. Can someone tell me what's going on, please?`,
  `Feature request: let me export the alert history, not just the readings.`,
  `I can't log in.
Reset link says "expired".
Tried three times, same thing, even clicking it straight away.`,
  `Is there a discount for schools? We're a primary school, 4 classrooms, want 1 sensor each.`,
  `the hub keeps saying "firmware update failed, retry" and then retries forever, stuck at 37%`,
  `Please cancel my subscription at the end of this billing period, not now. Thanks, Corinne`,
  `Delivered to the parcel locker, but the code in the SMS ("4471-9") doesn't open it.`,
  `Two things:
1) my invoice has the wrong company name ("Fenwick Nurseries", we're "Fenwick's Nurseries Ltd")
2) can you add our PO number, 88-2217, to it?`,
  `My son changed the account email to his and now I can't get in, he's away at university. Help, please!`,
  `Your API returns temperatures in Fahrenheit even with ?units=metric, e.g. {"temp": 68.2, "units": "metric"}`,
  `Would love a "vacation mode", i.e. pause non-critical alerts for a week, but keep frost alerts on.`,
  `Ordered 2 probes, got 2 probes and a hub I didn't order (and wasn't charged for). Want me to send it back?`,
  `Refund please. Product is fine, just doesn't suit our allotment, no power, no WiFi, no signal.`,
  `Why is my "Plus" plan showing as "Free" in the app, but my bank says I paid £4.99 on the 1st?`,
  `Hello,
Is it possible to have the invoices addressed to our head office (Unit 3, Tannery Yard, Ellersby) rather than the site?
Kind regards, Mo`,
  `"Connection lost" on the dashboard every ~5 minutes, then it reconnects. Chrome, Windows 11, office network.`,
  `The courier says the address is "incomplete", but it's the same address, word for word, as my last 3 orders.`,
  `Can I transfer my sensors, history and all, to a new account? Selling the house, the new owners want them.`,
];
