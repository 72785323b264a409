// Hand-written customer support tickets for the `support-triage` feature.
// The product behind them is fictional: "Fernwise" sells soil/climate sensors for gardens and
// greenhouses, a companion app with a paid subscription (Plus / Team), and a REST API with webhooks.
// Every name, order number, email (example.com) and phone number (555) is invented.
//
// Each entry is either a string (the ticket text) or { text, channel } to pin the channel.

const fence = (lang, code) => "```" + lang + "\n" + code.trim() + "\n```";

export const tickets = [
  // --- short, mostly single-topic --------------------------------------------------------
  `I was charged twice for my March subscription, $14.99 on the 3rd and again on the 4th. Please refund the duplicate.`,

  `cant log in. reset password email never arrives, checked spam folder already. tried 4 times`,

  `Where is my order?? #A-48213. Website said 3-5 business days and it's been 2 weeks now`,

  `Would be really nice if the app had a dark mode. I check the greenhouse at night and the white screen is blinding.`,

  `The "Export CSV" button on the History page does nothing in Firefox 128. Same account works fine in Chrome.`,

  { text: `Hi there, do you have an office or showroom in Lisbon? We'll be in town in May and would love to see the sensors in person.`, channel: "web_form" },

  `why did my plan go from 9.99 to 12.99 this month?? nobody told me about a price increase`,

  `Locked out after too many login attempts. It says try again in 24 hours but I need to check my readings today, frost warning tonight. Can you unlock it?`,

  `Package says delivered yesterday at 2:14pm but nothing at my door, not with neighbours either. Order 1002-7781.`,

  `App crashes immediately on launch since the update this morning. Pixel 7, Android 14. Reinstalled, same thing.`,

  `Please add an option to turn off the weekly summary email but keep the frost alerts. Right now it's all or nothing.`,

  `Can I get an invoice with our company VAT number on it? Our accountant won't accept the receipt as is. VAT ID DE999999999, company Gruenhaus Planung GmbH.`,

  `lost my phone with the authenticator app on it. how do i get back into my account?`,

  `Received the wrong item. Ordered the 3-pack of Soil Probe S2, got a single probe. Order #A-50122`,

  `The moisture reading on all three of my sensors has shown 0% since firmware 2.3.1. Soil is definitely wet, I just watered.`,

  `Do you offer a nonprofit discount? We're a volunteer-run community garden with about 30 plots.`,

  `thanks so much to whoever fixed the graph thing last week, it's perfect now 🙏`,

  `Payment failed again. The card is fine, it works everywhere else. Error on the page just says "do_not_honor". Tried three times.`,

  `Is there any way to share a read-only view of my dashboard with a client? They don't need an account, just want to see the numbers.`,

  `The box arrived completely crushed and the hub inside has a cracked case. Not happy. Order A-49870, photos attached.`,

  `I changed my email address in settings last week and now I can't log in with either the old or the new one.`,

  `Refund status? I was told 5-7 business days on the 2nd and it's now the 20th. Your ref was REF-88213.`,

  `Notifications are coming through 3 times each on iPhone. Every single frost alert, triple buzz.`,

  `Can you change the shipping address on the order I placed 10 minutes ago? Typo in the street name. Order #A-51003, should be 14 Larch Crescent not 14 Lurch Crescent.`,

  `Do you ship to Norway? And if yes, will I have to pay customs on arrival?`,

  `How do I switch from monthly to yearly billing without losing the days left on my current month?`,

  `My account says "suspended" when I log in. No email, no explanation. What did I do??`,

  `Any plans for a Zapier integration? I want to push readings into a Google Sheet without writing code.`,

  `search box on the plants page eats the first letter i type. type "tomato" get "omato". every time`,

  `There's a charge on my statement from "FRNWS*DIGITAL" for $4.99 that I don't recognise. Is that you?`,

  `Tracking number 1Z999AA10123456784 says "not found" on the carrier site. It's been 4 days since the shipping email.`,

  { text: `Hello, I'm writing from a local radio station. Would someone from your team be available for a 10 minute interview about smart gardening next Thursday?`, channel: "email" },

  `The PDF report puts the plant names on top of each other in the table header when the name is long (e.g. "Solanum lycopersicum 'Black Krim'"). Unreadable.`,

  `I signed up with Google but now the app is asking me for a password that I never set?`,

  `Customs charged me €38 on delivery. Your checkout said duties included (DDP). I want that reimbursed.`,

  `Reminders fire exactly an hour late since the clocks changed on Sunday.`,

  `Can you send our receipts to ap@example.com instead of my personal email? We're expensing the Team plan.`,

  `Need to upgrade my shipping to express, I need the sensors before the 14th for a workshop. Order #A-51240. Happy to pay the difference.`,

  `It would be great to have keyboard shortcuts in the web app. j/k to move between sensors, e to edit. I'm in it all day.`,

  `Someone logged into my account from an IP in another country last night (I got the security email). I didn't do it. I've changed my password, what else should I do?`,

  `Uploading a floor plan image over about 20 MB fails at 99% with "413 Request Entity Too Large".`,

  `Coupon SPRING25 says "invalid code" at checkout but your email says it's valid until the 30th.`,

  `Only 2 of the 4 items in my order arrived. Packing slip lists all 4. Order 1002-8113.`,

  `Please add Brazilian Portuguese. My parents use the app and they struggle with the English.`,

  `The invite link my manager sent yesterday says "expired". Can it be resent or extended?`,

  `Hey I downgraded to Free last month but there's still a pending charge of 4.99. what's going on`,

  `Are the probes safe to leave in pots that my cat likes to dig in? Any batteries or chemicals she could get to?`,

  `The "Sort by date" option on the history page sorts alphabetically by month name. Apr, Aug, Dec, Feb... 😅`,

  `Hub has been stuck on "label created" for 9 days. Nobody at the carrier can tell me anything. #A-49511`,

  `Can I pay by bank transfer instead of card? Our procurement policy needs wire for anything over $5k and we want 60 units.`,

  `Emoji in plant notes get saved as "????". Tried 🌱 and 🍅.`,

  `Please delete my account. I don't use it anymore.`,

  `I upgraded to Team for 5 seats but the invoice is for 8. We have exactly 5 users, you can see them in the admin page.`,

  `Any chance of an Apple Watch complication showing current soil moisture? Would use it constantly.`,

  `Calendar sync creates every watering event twice in my Google Calendar.`,

  `I ordered the Plus kit but the confirmation email says Standard kit. Which one is actually coming? #A-51377`,

  `Where do you host the data? Our council needs to know it stays in the EU before we can sign up.`,

  `The magic login link opens the app and then says "link invalid or expired". Every single time, even if I tap it within seconds.`,

  `Gift card balance didn't get applied at checkout, I paid full price with my card instead. Card code ends in 7Q2L.`,

  `Widget on my iPhone home screen is stuck on "Loading..." forever.`,

  `Need the ability to bulk edit tags. I have 140 sensors across 6 greenhouses and editing them one by one is killing me.`,

  `what's the difference between the S2 probe and the S2 Pro? the page doesn't really say`,

  `Delivered to the wrong house. The label has 41 instead of 14 but my order confirmation clearly says 14.`,

  `Verification SMS never arrives. Portuguese number, +351. Tried for two days.`,

  `Sales tax was added to our latest invoice but we're tax exempt. We sent the certificate to billing in January.`,

  `My profile shows someone else's name and photo??? "Helga R." — I'm definitely not Helga.`,

  `I'd like to return the hub, it doesn't fit our setup. Can you send a return label? Order A-50788, bought 12 days ago.`,

  `Entering 2,5 in the target moisture field (German locale) saves it as 25. Then every plant gets a "too dry" alert.`,

  `On an iPhone SE the "Save" button on the sensor settings screen is hidden behind the keyboard and I can't scroll to it.`,

  { text: `Hi, I applied for the firmware engineer role three weeks ago and haven't heard anything. Is this the right place to ask?`, channel: "email" },

  `Can CSV import accept semicolons as the delimiter? Excel in our region exports with ; and your importer says "invalid format".`,

  `Bank shows three pending charges of $49 from you this morning. Are all three going through?? I only clicked buy once.`,

  `Got an email saying my S2 Pro is on backorder. When will it actually ship? Order #A-51502`,

  `Please support hardware security keys (WebAuthn / YubiKey) for 2FA. SMS is not good enough for our security team.`,

  `Our former admin left the company and we can't remove him from the workspace. The remove button gives "cannot remove the last owner".`,

  `Is there a student discount? I'm doing a horticulture degree and using the sensors for my thesis project.`,

  `Can I have the probe shipped to a parcel locker? I'm never home during the day.`,

  `the app logs me out every time I switch to another app and come back. super annoying, have to log in 10x a day`,

  { text: `Just wanted to say your support person Marisol was incredibly helpful last week with our greenhouse setup. Please pass on our thanks!`, channel: "email" },

  `You've got a typo on the pricing page: "recieve alerts" 🙂`,

  `Paid for express shipping ($18) but the order confirmation says Standard and it's been 6 days. Order 1002-8450. Either ship it express or refund the $18.`,

  `Need a W-9 form for our vendor onboarding, who can send that?`,

  `Password reset link says "token already used" even though I just got the email and clicked it once.`,

  `Readings stopped syncing on one sensor (the one in the back greenhouse, ID FW-S2-00419). Others are fine. It shows "last seen 3 days ago".`,

  `can u guys add a way to set different alert thresholds for day and night? tomatoes need different temps at night`,

  `Our card expired and we updated it, but the app still shows "payment overdue" and features are locked. Updated it yesterday morning.`,

  `Do your sensors work without WiFi? Our allotment has no internet, just a phone hotspot sometimes.`,

  `My 2FA codes are always rejected. Time on my phone is set automatically. Tried two different authenticator apps.`,

  `Hi dear, we are a leading SEO agency and can get your website to #1 on Google in 30 days guaranteed. Please reply for a free audit.`,

  `The box was opened and resealed with different tape and the hub is missing. Just the probes and the manual inside. #A-50604`,

  `Is it possible to merge two accounts? I accidentally made one with my Apple "hide my email" address and one with my real email, and my sensors are split between them.`,

  `The API docs say GET /v2/readings supports a "since" parameter but it is ignored, I always get the latest 100 no matter what.`,

  `Hi, I was billed in USD but I'm in Canada. Can I be billed in CAD going forward? The conversion fees from my bank are adding up.`,

  `URGENT: frost alert didn't fire last night, temp went to -2°C per the graph and I got nothing. Lost half my seedlings. Alerts are on, notifications allowed.`,

  `My order got cancelled automatically?? email says "payment could not be verified" but the money left my account. #A-51655`,

  `feature idea: let me rename the hub. I have two and they are both called "Fernwise Hub" in the app so I never know which is which`,

  `Hi! Just checking, is the S2 probe waterproof enough to leave outside over winter? We get a lot of snow here.`,

  `can't add a second admin to the workspace, the invite email bounces back saying the address doesn't exist but it definitely does (it's my colleague's work email)`,

  `The courier left a card saying they'd try again tomorrow, but I'm away for a week. Can you hold the parcel at the depot instead? Tracking FW7734102291GB`,

  `Why does the annual plan show $99 on the pricing page and $119 at checkout? Is VAT added or is it a different price?`,

  `Graph on the overview shows yesterday's data twice and then skips today completely. Started after the DST change I think.`,

  `Dear support, I cannot find where to download my invoices for last year. Under Billing I only see the last 3 months. We need all of 2024 for our audit. Thank you.`,

  `2FA recovery codes I saved don't work. "invalid code" on every one of the ten. I'm locked out.`,

  `Is there an API rate limit? We got a bunch of 429s while backfilling historical data and the docs don't mention a number.`,

  // --- longer / multi-paragraph / logs ---------------------------------------------------
  {
    channel: "email",
    text: `Subject: Invoice discrepancies Q1 — need a reconciliation

Hello,

I'm on the finance team at Pell & Rowan Landscaping and I'm trying to close our books for Q1. We have three invoices from you for what looks like the same period and I can't make them add up:

- INV-2025-01187, dated Jan 1, $480.00 (Team plan, 8 seats, monthly)
- INV-2025-01402, dated Jan 17, $142.45 ("proration adjustment")
- INV-2025-01955, dated Feb 1, $600.00 (Team plan, 10 seats)

We added two seats in mid-January, fine, but then in February we went back down to 8 seats (two seasonal workers left) and we were still billed for 10. March invoice is again $600.

Could you send me a breakdown of how the proration was calculated, and credit the difference for February and March? Ideally as a single credit note so I can match it against the bank statement.

Thanks,
Ingrid Voss
Accounts Payable`,
  },

  {
    channel: "email",
    text: `I'm writing for the THIRD time now and I'm honestly furious.

On the 2nd I deleted my account. I got the "we're sorry to see you go" email, I have it right here. On the 5th you charged my card $79.00 for an annual renewal. For an account that doesn't exist anymore!!

The first time I wrote, someone called "Alex" told me it would be refunded in 5-7 days. The second time, I got an automated reply and nothing since. It's now been almost three weeks.

I don't want a coupon, I don't want a "win-back offer", I want my $79 back on the card it came from. If I don't hear back by Friday I'm filing a chargeback with my bank and leaving a review everywhere I can.`,
  },

  {
    channel: "web_form",
    text: `App crashes on start after updating to 4.12.0. Android 14, Samsung Galaxy A54. I got the log with adb because I'm a developer myself:

${fence("", `
03-14 07:41:02.118 12873 12873 E AndroidRuntime: FATAL EXCEPTION: main
03-14 07:41:02.118 12873 12873 E AndroidRuntime: Process: com.fernwise.app, PID: 12873
03-14 07:41:02.118 12873 12873 E AndroidRuntime: java.lang.IllegalStateException: Room cannot verify the data integrity. Looks like you've changed schema but forgot to update the version number.
03-14 07:41:02.118 12873 12873 E AndroidRuntime: 	at androidx.room.RoomOpenHelper.checkIdentity(RoomOpenHelper.kt:154)
03-14 07:41:02.118 12873 12873 E AndroidRuntime: 	at androidx.room.RoomOpenHelper.onOpen(RoomOpenHelper.kt:135)
03-14 07:41:02.118 12873 12873 E AndroidRuntime: 	at com.fernwise.app.data.AppDatabase_Impl.createOpenHelper(AppDatabase_Impl.java:88)
03-14 07:41:02.118 12873 12873 E AndroidRuntime: 	at com.fernwise.app.MainActivity.onCreate(MainActivity.kt:41)
`)}

Clearing app data fixes it but then I lose my offline notes, so I'd rather not. Looks like a migration is missing between the last two versions.`,
  },

  {
    channel: "email",
    text: `Subject: Python SDK pagination breaks on last page

Hi team,

We pull readings nightly with fernwise-python 2.4.0. Since around Tuesday the job fails on the last page of results:

${fence("", `
Traceback (most recent call last):
  File "/opt/jobs/sync_readings.py", line 58, in <module>
    main()
  File "/opt/jobs/sync_readings.py", line 44, in main
    for reading in client.readings.list(sensor_id=sid, since=last_run):
  File "/usr/local/lib/python3.11/site-packages/fernwise/pagination.py", line 31, in __iter__
    cursor = page["meta"]["next_cursor"]
KeyError: 'next_cursor'
`)}

It looks like the API stopped sending "next_cursor": null on the final page and now omits the key entirely. Either the API or the SDK needs to handle that. We've pinned a workaround but a fix would be appreciated.

Regards,
Tomasz`,
  },

  {
    channel: "email",
    text: `Our webhook endpoint has rejected every delivery from you since roughly 09:00 UTC yesterday because the signature check fails. Nothing changed on our side (last deploy was a week ago). From our logs:

${fence("", `
2025-03-13T09:02:17.441Z WARN  webhook-consumer signature mismatch event=reading.created id=evt_01HQ9ZK3 expected=sha256=9f2c...e1 got=sha256=4ab0...7d
2025-03-13T09:02:17.442Z WARN  webhook-consumer responding 401 to Fernwise-Webhooks/2.0
2025-03-13T09:07:20.003Z WARN  webhook-consumer signature mismatch event=reading.created id=evt_01HQ9ZK3 (retry 1)
`)}

We verify against the raw body with the secret from Settings > Developers. Did the signing secret rotate, or did the payload format change (e.g. whitespace)? We're missing a day of data now.`,
  },

  {
    channel: "chat",
    text: `dashboard is blank for me since this morning. just the header, no sensors, no graphs. opened the console and there's this:

Uncaught TypeError: Cannot read properties of undefined (reading 'map')
    at SensorGrid (sensor-grid.4f81c2.js:1:20833)
    at renderWithHooks (vendor.a12e07.js:2:61811)
    at mountIndeterminateComponent (vendor.a12e07.js:2:64977)

chrome 122 on mac, tried incognito too. my partner's account on the same laptop works so it's something about my account? I have a sensor with no name, maybe that's it`,
  },

  {
    text: `We're getting intermittent 502s from the API, maybe 1 in 20 requests, since about 14:00 UTC. Example:

${fence("", `
$ curl -sS -w '\\nHTTP %{http_code} in %{time_total}s\\n' -H "Authorization: Bearer $FW_TOKEN" https://api.fernwise.example.com/v2/sensors?limit=50
<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>
HTTP 502 in 30.012s
`)}

Always right around 30 seconds, so it smells like an upstream timeout. Your status page is all green. We're a Team plan customer with about 300 sensors and this breaks our nightly export. Can you check?`,
  },

  {
    channel: "email",
    text: `Subject: SSO broken for whole team — "SAML response not valid"

Hi,

None of our 23 users can log in via SSO since this morning; everyone lands on an error page saying "SAML response not valid". Password login is disabled for our workspace so we're completely locked out.

Our IdP is Okta. I downloaded the SAML trace and the assertion looks fine to me, but the NotOnOrAfter is only 60 seconds after IssueInstant:

<saml:Conditions NotBefore="2025-03-18T08:14:02Z" NotOnOrAfter="2025-03-18T08:15:02Z">

Is it possible your servers' clock is off, or that something changed in how you validate this? We rotated the signing certificate on Friday, but we uploaded the new one to your admin page the same day.

This is urgent, the whole operations team is blocked.

— Priya Ramanathan, IT, Coldframe Growers Co-op`,
  },

  {
    channel: "email",
    text: `Hello,

Our workspace owner, Daniel Okafor, left the company last month. His account (daniel.okafor@example.com) is the only owner on the workspace "Westfield Nursery". His mailbox has been deactivated by our IT so he cannot receive any confirmation emails.

I am the operations manager and an admin on the workspace. I need to be made owner so I can manage billing and remove his account. I can provide a letter on company letterhead signed by our director, or whatever you need to verify this.

Please let me know the process.

Kind regards,
Ruth Achterberg`,
  },

  {
    channel: "web_form",
    text: `Long-time Plus user, some wishes in order of importance:

1. Let me group sensors by "zone" (bed 1, bed 2, polytunnel) and see a zone average instead of 14 individual lines on one graph.
2. Custom alert rules: "moisture below 30% for more than 6 hours" instead of the instant alert that fires when I water and the reading spikes for a minute.
3. Export the raw readings (every 5 min), not only the hourly averages.
4. A notes timeline on the graph, so I can see "fed with tomato feed" next to the curve.
5. Dark mode (sorry, I know everyone asks).

None of these are bugs and I love the product. Just things that would make me use it every day instead of every few days.`,
  },

  {
    channel: "email",
    text: `Subject: PO 4471 — split delivery to three sites

Hi,

We placed order #B-20931 for 40 x Soil Probe S2 and 6 x Hub for our three nurseries. At checkout there was only one delivery address, so I added a note asking to split as follows:

- 16 probes + 2 hubs to Marsh Lane site
- 14 probes + 2 hubs to Kiln Road
- 10 probes + 2 hubs to the Eastfield depot

Today everything turned up at Marsh Lane, 9 boxes on a pallet. The other two sites are an hour's drive away and we need them installed next week. Can you either arrange collection and re-delivery to the other two sites, or reimburse the courier costs if we move them ourselves? Also please confirm whether future B2B orders can be split at checkout.

Thanks,
Felix Baumann, Purchasing`,
  },

  {
    channel: "email",
    text: `Hi, a few things, sorry for putting them in one email:

1) Order A-51118 arrived but the hub was the US plug version and I'm in the UK. Do I need to send it back?
2) I was charged for Plus on the 1st even though the order page said the first 3 months of Plus were included with the kit.
3) Since I set up the hub the app shows the temperature in Fahrenheit even though I set Celsius. Switching back and forth doesn't stick.

Mainly want to sort out the plug thing first because I can't use it at all right now.

Cheers,
Owen`,
  },

  {
    channel: "email",
    text: `Importing my plant list from a spreadsheet drops some rows without any error. I compared and it's exactly the rows that have accented characters. For example these three vanish:

  Café tomato — Bed 3
  José's chillies — Polytunnel
  Müller-Thurgau vine — South wall

while "Cafe tomato" without the accent imports fine. The file is UTF-8 (saved from LibreOffice, I checked). 212 rows in the file, 197 imported, no warning at all. That's the scary part — I only noticed by accident.`,
  },

  {
    channel: "email",
    text: `Subject: Request for erasure under Article 17 GDPR

To whom it may concern,

I hereby request the erasure of all personal data relating to me that you hold, in accordance with Article 17 of the General Data Protection Regulation. This includes my account (registered under lena.hartmann@example.com), all sensor readings, location data associated with my devices, support correspondence, and any data shared with third-party processors.

Please also confirm whether my data has been disclosed to any third parties and, if so, to whom.

I expect a response within one month of receipt of this request, as required by the Regulation.

Yours faithfully,
Lena Hartmann`,
  },

  {
    channel: "email",
    text: `Hello Fernwise team,

I run a small garden-centre chain (four stores in the north-west) and we've had a lot of customers asking about soil sensors. I'd like to find out whether you have a reseller or wholesale programme.

Specifically:
- minimum order quantities and wholesale pricing
- whether you supply point-of-sale material / display stands
- how warranty returns work when sold through a retailer
- whether customers who buy in store can still get the first months of Plus free

Happy to jump on a call. We'd be looking at stocking from late summer.

Best,
Harriet Quayle
Quayle's Garden Centres`,
  },

  {
    channel: "email",
    text: `Our annual Team renewal auto-charged on the 1st ($2,160). We're closing the business at the end of next month — the owner is retiring and the nursery has been sold to a developer. I realise the terms say annual plans are non-refundable, but we used the service for barely a week of the new term. Is there any way to get a pro-rated refund for the unused months, or at least move us to monthly until we close? We've been customers for five years.

Thank you for considering it,
Margaret Ellery`,
  },

  {
    channel: "web_form",
    text: `Our self-hosted connector (fernwise-bridge 1.8.2, talks to our own Postgres) stopped ingesting after your API change on Monday. Logs:

${fence("", `
[bridge] 2025-03-17 06:00:01 INFO  pulling readings since 2025-03-16T06:00:00Z
[bridge] 2025-03-17 06:00:03 INFO  fetched 12840 readings (129 pages)
[bridge] 2025-03-17 06:00:04 ERROR insert failed: duplicate key value violates unique constraint "readings_pkey"
DETAIL:  Key (sensor_id, taken_at)=(FW-S2-00102, 2025-03-16 06:00:00+00) already exists.
[bridge] 2025-03-17 06:00:04 ERROR batch rolled back, 0 rows written
`)}

It seems the "since" filter is now inclusive (>=) instead of exclusive (>), so the boundary reading comes back twice and our whole batch rolls back. Was that intentional? If so, please mention it in the changelog; if not, please revert.`,
  },

  {
    channel: "chat",
    text: `ok so I'm not sure who to ask. bought the starter kit as a gift for my dad, he set it up on his phone but used MY email because he doesn't have one (long story), and now I'm getting all his frost alerts at 4am lol. can we move the sensors to a new account for him without losing his history? also is the subscription transferable or does he have to pay again`,
  },

  {
    channel: "email",
    text: `Hello,

since updating the hub firmware to 2.3.1 two weeks ago, the hub reboots roughly every 6 hours. I can see it because the LED goes white and the app shows "hub offline" for ~2 minutes. I've attached the diagnostics export from the app (Settings > Hub > Export diagnostics), relevant lines:

  [  21604.118] wdt: watchdog timeout, task=lora_rx stack_hw=12
  [  21604.119] panic: stack overflow in task lora_rx
  [  21604.120] rebooting...

Router and power supply unchanged. I have 11 probes connected, which is more than most people I guess. Is there a way to roll back to 2.2.x until this is fixed?

Thanks, Jonas`,
  },
];
