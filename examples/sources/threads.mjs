// Hand-written, fictional Slack and email threads for the `thread-summary` feature:
// incidents and product decisions, 10-30 lines each. All people are invented.

export const threads = [
  {
    source: "slack",
    channel: "#inc-checkout",
    text: `#inc-checkout — Tuesday
[14:02] nadia.k: PagerDuty firing: checkout 5xx rate 18% and climbing. Anyone deploy in the last 30 min?
[14:03] bram: yes, I shipped checkout-api v3.41.0 at 13:48. tax calc refactor
[14:03] nadia.k: errors started 13:51 so that lines up
[14:04] bram: looking. Stack trace is "TypeError: Cannot read properties of null (reading 'region')" in computeTax
[14:05] nadia.k: any reason not to roll back right now?
[14:05] bram: no, rolling back
[14:06] sofia (support): we're getting tickets, people see "something went wrong" on the pay button
[14:09] bram: rollback to v3.40.2 done, 5xx dropping
[14:12] nadia.k: 5xx back at baseline 0.2%. Declaring mitigated at 14:11
[14:15] bram: root cause: guest checkouts have no saved address so address is null, the old code handled it, the refactor didn't. Unit tests only covered logged-in users
[14:16] nadia.k: impact?
[14:20] lukas (data): ~1,240 failed checkout attempts between 13:51 and 14:11, about 310 unique sessions never came back. rough revenue estimate 18-22k
[14:22] sofia (support): I'll send a template reply to the tickets with a 10% code, ok?
[14:22] nadia.k: ok from me. Bram, fix + test for guest path before redeploy, and let's add guest checkout to the canary smoke test. Postmortem Thursday.
[14:23] bram: 👍 PR up by EOD`,
  },
  {
    source: "slack",
    channel: "#db-ops",
    text: `#db-ops
[03:12] pagerbot: ALERT pg-replica-2 disk usage 95%
[03:14] marco: ack. looking
[03:19] marco: WAL piling up on replica-2, it's 6h behind. replication slot for the analytics CDC connector is holding WAL on the primary too, primary at 81% disk
[03:20] marco: @jin are you awake? the CDC connector looks dead since ~21:00
[03:31] jin: here. connector crashed on a schema change (new column on orders), it's been crash-looping
[03:33] marco: options: 1) fix connector and let it catch up 2) drop the slot and re-snapshot analytics later. primary will hit 90% in maybe 2h at this rate
[03:35] jin: fix is a config change, 10 min. but catching up 6h of WAL could take another 1-2h
[03:36] marco: too tight. I'll add 200GB to the primary volume now as a buffer, you fix the connector
[03:52] marco: volume extended, primary at 62%
[04:05] jin: connector running, lag dropping
[05:40] jin: caught up. slot released WAL, replica-2 back to 48%
[05:42] marco: great. follow-ups: alert on replication slot lag (we only alert on disk), and the connector needs to not die on additive schema changes. I'll write it up
[09:10] elena (eng mgr): thanks both. please also check why replica-2 lag didn't page until disk was at 95%`,
  },
  {
    source: "email",
    channel: "api-deprecation",
    text: `From: Hamid Farouk (Product)
To: api-team, developer-relations, support-leads
Subject: Proposal: sunset API v1 on 30 September

Hi all, proposing we turn off API v1 on 30 Sept. Only 4% of requests still use v1, but it's 30% of our on-call pages because of the old auth code.

---
From: Claire Dubois (DevRel)
4% of requests is still ~310 accounts. About 40 of them are paying Team customers. Some are on self-hosted scripts nobody at those companies understands anymore. Six months notice minimum, please.

---
From: Hamid Farouk
Fair. What if: announce now, brownouts (v1 returns 410 for 1 hour) in July and August, hard shutdown 31 December?

---
From: Sven Aaltonen (API team)
Works for us. We'd also like to send a personal email to the top 40 with a migration guide. The biggest difference is pagination (offset → cursor), we can ship a small shim in the v2 SDKs.

---
From: Joy Mensah (Support)
Please give support a list of affected accounts and a macro before the first brownout. Last deprecation we found out from angry customers.

---
From: Hamid Farouk
Agreed. Decision: announce 1 June, brownouts 15 July and 15 Aug, shutdown 31 Dec. Sven owns the shim, Claire the emails and guide, Joy gets the account list by 1 July. I'll update the public changelog.`,
  },
  {
    source: "slack",
    channel: "#pricing",
    text: `#pricing
[10:01] oona (PM): Reminder: we need to decide today whether Team goes from $12 to $15/seat for new customers in Q3
[10:03] raj (finance): margin on Team is 41% after the infra cost increase, target is 60%. $15 gets us to ~58%
[10:04] lena (sales): 3 deals in pipeline were quoted at $12. if we change now I need those grandfathered
[10:05] oona: yes, anything quoted before the change keeps the quote for 12 months
[10:07] tobias (growth): I'm worried about conversion. Last time we raised prices, trial→paid dropped from 11% to 8.5% for a quarter
[10:09] raj: even at 8.5% revenue per trial goes up with $15. I ran it, net positive by month 2
[10:10] tobias: revenue yes, but fewer teams means fewer word-of-mouth signups. that's not in the model
[10:12] lena: competitors are at $14-18, we'd still be middle of the pack
[10:14] oona: proposal: $15 for new customers from 1 July, existing customers stay at $12 until their next annual renewal after 1 Jan, and we add SSO to Team (it's currently Enterprise-only) so it doesn't feel like a pure price hike
[10:15] raj: SSO costs us ~nothing per seat, fine
[10:16] tobias: ok if we A/B the pricing page copy and watch trial→paid weekly. if it drops below 8% for 4 weeks we revisit
[10:17] oona: agreed. Decision logged. I'll write the customer email, Lena handles grandfathered quotes, Tobias sets up the dashboard`,
  },
  {
    source: "slack",
    channel: "#inc-status-page",
    text: `#inc-status-page
[08:47] chloe: Twitter/X is full of people saying our status page shows a certificate error 🙃
[08:48] dev: confirmed, status.example.com cert expired at 08:00 UTC
[08:48] dev: the main site is fine, it's only the status subdomain
[08:50] chloe: isn't that supposed to auto-renew?
[08:53] dev: it's on the old load balancer that we never moved to the new cert manager. renewal emails went to ops@ which is... the mailbox we deleted in March
[08:55] ahmed: I can issue a cert manually, give me 10 min
[09:07] ahmed: new cert live, verified in 3 browsers
[09:08] chloe: posting an update on social
[09:15] dev: I grepped our DNS: 3 more subdomains on the old LB. docs., feedback., and legacy-api. Certs expire in 12, 40 and 71 days
[09:16] ahmed: I'll migrate all of them to the cert manager this week. also adding an expiry check to our synthetic monitoring
[09:18] chloe: can we also point cert emails to a real alias that isn't going to be deleted
[09:19] dev: yes, platform-alerts@. done`,
  },
  {
    source: "email",
    channel: "analytics-vendor",
    text: `From: Beatriz Costa
Subject: Analytics tool — Lumetric vs. Tallyhouse, need a decision by Friday

Team, we've trialled both for 3 weeks. My notes:
- Lumetric: better funnels and cohort UI, self-serve for PMs. $28k/yr. EU hosting extra $6k.
- Tallyhouse: SQL-first, warehouse-native (reads from our Postgres replica), $14k/yr. PMs found it harder.

---
From: Ian Whitfield (Data)
Strong preference for Tallyhouse. Lumetric means sending events to yet another place and keeping two definitions of "active user" in sync. We already have that problem with the CRM.

---
From: Kenji Mori (PM)
Respectfully, the point is PMs answering their own questions. With Tallyhouse every question becomes a ticket for Ian's team. That's what we have now.

---
From: Ian Whitfield
Fair. We could build 10-15 core dashboards in Tallyhouse up front, and I'd run a SQL basics session for PMs.

---
From: Priya Nair (Legal)
Reminder that Lumetric stores data in the US by default. If we go with them, it has to be the EU hosting tier, so $34k, not $28k.

---
From: Beatriz Costa
Thanks all. Going with Tallyhouse for a 12-month contract, on the condition that Ian's team delivers the core dashboards within 6 weeks and we review PM satisfaction at month 6. If it's not working we revisit Lumetric at renewal.`,
  },
  {
    source: "slack",
    channel: "#inc-email-delay",
    text: `#inc-email-delay
[16:20] support-bot: 27 tickets in the last hour mentioning "password reset email not received"
[16:22] yusuf: our email provider dashboard shows our sending is being throttled: 429s since 15:40
[16:23] yusuf: we hit our hourly quota. marketing's spring newsletter went out at 15:30 to 480k people from the same account as transactional mail
[16:24] amara (marketing): oh no. we've always used the same account?
[16:25] yusuf: yes, same account, same quota. it's never been this big a send before
[16:27] greta (eng mgr): can we pause the newsletter?
[16:28] amara: pausing now. ~310k already sent
[16:35] yusuf: throttling lifted, queued transactional emails draining. ~9k delayed password resets and receipts, oldest 55 min
[16:51] yusuf: queue empty
[16:53] greta: action items: separate sending accounts/subdomains for marketing vs transactional, priority queue for resets, and a heads-up to eng before big sends. Yusuf can you own the first?
[16:54] yusuf: yes, will need ~2 days incl. DNS/DKIM
[16:55] amara: and we resume the rest of the newsletter tomorrow morning, slower rate`,
  },
  {
    source: "slack",
    channel: "#product-ux",
    text: `#product-ux
[11:00] mei: dark mode is behind a flag for 5% of users for 3 weeks. Ready to decide on GA?
[11:02] arturo: numbers: 62% of the 5% turned it on, 9% turned it off again. No change in retention, slight increase in evening session length
[11:03] kofi (QA): 14 open bugs, 3 are contrast issues in charts that are basically unreadable (light grey on dark grey)
[11:04] mei: the chart ones are the real blockers imo. the others are cosmetic
[11:06] arturo: the chart library needs a new theme, that's ~1 week
[11:07] dana (accessibility): please also run the contrast checker across all screens, not just charts. WCAG AA minimum
[11:09] kofi: we can automate that in the visual regression suite, 2 days
[11:11] mei: also: default to system setting or default light?
[11:12] arturo: system setting. It's what users expect in 2025 and it's what 80% of the ones who turned it on have their OS set to
[11:13] dana: agree, but keep an explicit override in settings
[11:15] mei: ok decision: fix chart theme + automated contrast checks, then GA with "follow system" default and a manual override. Target the release after next. Cosmetic bugs can ship after GA`,
  },
  {
    source: "slack",
    channel: "#inc-worker-oom",
    text: `#inc-worker-oom
[22:03] alertmanager: report-worker pods restarting (OOMKilled) — 14 restarts in 30 min
[22:05] petra: ack. memory climbs linearly from ~300MB to the 2GB limit in about 15 min then OOM
[22:07] petra: started after today's 18:00 deploy. diff includes "cache tenant settings in memory"
[22:09] sam: that's mine. the cache is a Map keyed by tenant id... with no eviction. but there are only ~4k tenants, shouldn't be 2GB
[22:14] petra: heap snapshot: 1.7GB in Map entries. keys look like "tenant:8812:1711400000123" — there's a timestamp in the key
[22:15] sam: oh no. I used the request's cache key builder which appends the timestamp. so every request creates a new entry
[22:16] petra: rollback or hotfix?
[22:16] sam: rollback, I don't want to hotfix at 10pm
[22:22] petra: rolled back, memory flat at 310MB
[22:24] sam: reports that failed during the restarts — are they retried?
[22:26] petra: yes, queue retried all of them, 3 exceeded max attempts. I'll requeue those manually
[22:30] sam: fix tomorrow: proper key, LRU with max size, and a test that asserts the cache size stays bounded. sorry all
[22:31] petra: np. adding a memory-growth alert so we catch leaks before OOM next time`,
  },
  {
    source: "email",
    channel: "async-standup",
    text: `From: Leila Haddad (Eng Manager)
Subject: Trying async standups for a month?

Hi team — with people now in four time zones, the 9:30 standup is 5:30am for Diego and 6pm for Anjali. Proposal: written standup in Slack by 11am your local time (yesterday / today / blockers), and we keep one live 30-minute sync on Tuesdays.

---
From: Diego Alvarez
Very much in favour, for obvious reasons 😅

---
From: Martin Holm
I like the live standup, it's the only time I see some people. Worried blockers get missed in a wall of text.

---
From: Anjali Rao
What if blockers get their own emoji/tag and Leila (or whoever's on rotation) makes sure each one gets a reply the same day?

---
From: Leila Haddad
Good idea. And Martin, fair point — we'll keep Tuesday live, and I'll add an optional social call on Thursdays.

---
From: Martin Holm
OK, I'm in for a month trial.

---
From: Leila Haddad
Decision: async standup starting Monday for 4 weeks, blockers tagged :blocker: with same-day response, live sync Tuesdays, optional social Thursdays. We'll review in the retro at the end of the month.`,
  },
  {
    source: "slack",
    channel: "#inc-mobile-api",
    text: `#inc-mobile-api
[07:15] sara (support): app users can't load anything since ~07:00. web works fine
[07:17] ravi: mobile uses api-m.example.com, web uses api.example.com. api-m NXDOMAIN from here
[07:18] ravi: DNS change last night? 
[07:20] chen: I cleaned up "unused" CNAMEs in the DNS zone yesterday at 23:00. api-m was on my list because it had no traffic in the web analytics...
[07:20] chen: which obviously doesn't include the apps. restoring
[07:22] chen: record restored, TTL was 1h for the negative cache on some resolvers
[07:45] sara: most users back, some still failing
[08:10] ravi: all green now
[08:12] sara: ~2,300 support contacts this morning, app store rating dipped, we'll post an explanation
[08:20] chen: postmortem notes: no review on DNS changes, no inventory of which clients use which hostnames, and no synthetic check for api-m
[08:22] ravi: DNS changes should go through terraform with a PR like everything else. I'll move the zone this week
[08:23] chen: +1, and sorry everyone`,
  },
  {
    source: "slack",
    channel: "#growth-onboarding",
    text: `#growth-onboarding
[15:00] ines: A/B results for the new onboarding checklist are in, 4 weeks, ~18k signups per arm
[15:01] ines: activation (connected first sensor within 7 days): control 41.2%, checklist 44.9%. p < 0.01
[15:02] ines: but day-30 retention: control 28.1%, checklist 27.6%, not significant
[15:04] paulo: so more people activate but they don't stick around more?
[15:05] ines: looks like it. the checklist pushes people to connect a sensor, but the ones it "rescues" churn anyway
[15:07] hannah (PM): activation is still our Q2 goal. I'd ship it
[15:08] paulo: shipping something that moves a proxy metric but not retention feels like gaming our own OKR
[15:10] ines: it doesn't hurt retention either. and support tickets about "how do I connect" dropped 22% in the test arm
[15:11] hannah: that support drop alone is worth it
[15:12] paulo: ok, fair. Can we follow up with a test on what happens after activation? e.g. first-week alert setup
[15:14] hannah: yes. Decision: ship the checklist to 100%, and next experiment targets week-1 engagement with retention as primary metric`,
  },
  {
    source: "slack",
    channel: "#inc-revenue-dashboard",
    text: `#inc-revenue-dashboard
[09:02] cfo-office (Marta): the board deck shows March revenue 31% above plan. I'd love to believe it but can someone check before I send it
[09:10] luis (data): looking
[09:25] luis: found it. invoices that were refunded and re-issued (we did ~600 of those after the tax fix) are counted twice: original + reissue
[09:26] luis: the dbt model dedupes on invoice_id, but reissues get a new id. there's a "replaces_invoice_id" column we don't use
[09:27] marta: so what's the real number?
[09:41] luis: corrected March is 6% above plan. Feb was affected too, +2% instead of +4%
[09:42] marta: 6% is still good news, just less exciting. please fix before EOD, deck goes out tomorrow
[09:44] luis: fix is to exclude invoices that have been replaced. adding a test that revenue matches the payment processor's payout report within 0.5%
[09:45] nils (eng): the refund/reissue flow is ours. want us to void the original instead of refunding? it would also make the customer's invoice list less confusing
[09:47] luis: that would help a lot, but the dashboard fix shouldn't depend on it
[11:30] luis: fix merged, numbers updated, Marta you're good to go`,
  },
  {
    source: "email",
    channel: "enterprise-escalation",
    text: `From: Gwen Albright (Customer Success)
To: eng-leads, support-leads
Subject: FW: Escalation — Hollins Agritech (Enterprise, $180k ARR)

Forwarding below. Summary: their nightly export has failed 4 times in 2 weeks, their ops team missed irrigation alerts, and their VP is threatening not to renew in June.

> From: Martin Okeke (VP Operations, Hollins Agritech)
> This is the fourth failure this month. I need a root cause and a plan, not another apology.

---
From: Tariq Baig (Eng, Data Platform)
The export fails when their job runs into the 02:00 maintenance window on the replica. They have 9x the data of our next biggest customer and it now takes 3h. We can move them to a dedicated export worker reading from the primary snapshot — 1 week of work.

---
From: Gwen Albright
Can we do anything this week?

---
From: Tariq Baig
Yes — move their job start from 23:30 to 21:00 so it finishes before maintenance. Tonight.

---
From: Carla Dunne (Head of Support)
Also, missed alerts aren't the export. Alerts run independently. I checked: 2 of their 14 "missed" alerts were actually delivered to an email address of someone who left.

---
From: Gwen Albright
Great, that helps. Plan: schedule change tonight, dedicated worker within 2 weeks, I'll share the alert recipient findings with them, and I'll set up a call with Martin on Thursday with Tariq.`,
  },
  {
    source: "slack",
    channel: "#eng-oncall",
    text: `#eng-oncall
[13:00] yara: proposal for the on-call rotation changes, since the survey said people are burning out
[13:01] yara: 1) go from 1-week primary to 1-week primary + 1-week secondary so nobody's alone 2) pay on-call stipend per week, not per incident 3) follow-the-sun between Lisbon and Singapore for nights
[13:03] olu: +1 to stipend per week. per-incident pay means people feel bad for fixing root causes 😂
[13:04] ben: follow-the-sun needs Singapore to have enough context on the billing system. right now only 2 people there know it
[13:06] yara: we'd do 6 weeks of shadowing before switching
[13:08] ben: ok, with the shadowing I'm fine
[13:09] mila: what about the noisy alerts? 60% of pages last quarter were non-actionable. rotation changes won't fix that
[13:10] yara: agreed, separate workstream. Each team reviews their top 10 noisy alerts by end of month
[13:12] olu: can secondary be optional for teams with fewer than 4 people? we'd be on call every other week
[13:13] yara: yes, small teams can pool with a sister team instead
[13:15] yara: summary: primary+secondary, weekly stipend (finance approved), follow-the-sun after 6 weeks of shadowing, small teams pool, noisy alert review by the 30th. Starts next quarter`,
  },
  {
    source: "slack",
    channel: "#inc-payments",
    text: `#inc-payments
[19:40] pagerbot: payment success rate 61% (baseline 97%)
[19:41] fatima: our payment provider's status page says "degraded performance — card authorisations" since 19:32
[19:42] fatima: errors are timeouts, not declines. so customers aren't being told no, they're being left hanging
[19:44] jonas: our checkout retries twice synchronously, so users wait ~45s and then see an error. some click again → possible double charges when the provider recovers
[19:46] fatima: should we flip the feature flag to put orders in "payment pending" and retry async?
[19:47] jonas: yes, that's what it's for. flipping
[19:50] fatima: flag on. users now see "we're confirming your payment" and get an email when it goes through
[20:35] fatima: provider recovered at 20:28. async queue drained, 1,912 orders captured, 77 failed with real declines
[20:40] jonas: checking for doubles from the first 14 min before the flag: 23 customers with two authorisations, I'll void the duplicates tonight
[20:42] fatima: follow-ups: make async the automatic fallback when timeout rate > 20%, add idempotency keys on the client retry (it's only server-side today)`,
  },
  {
    source: "email",
    channel: "mobile-release",
    text: `From: Aiko Tanaka (Mobile)
Subject: iOS 5.8 rejected by App Store review

The 5.8 release was rejected under guideline 3.1.1: the new "Upgrade to Plus" link in the sensor settings opens our website checkout instead of using in-app purchase.

---
From: Rob Castellano (Product)
Annoying. Can we remove the link and resubmit? The marketing campaign for the new features starts Monday.

---
From: Aiko Tanaka
Removing the link is a one-line change, resubmit today, review usually 24-48h. But then iOS users have no way to upgrade from inside the app at all.

---
From: Nora Lindgren (Finance)
In-app purchase costs us 15-30% in fees. If we add it, I'd want the price on iOS to be higher or a smaller Plus tier.

---
From: Rob Castellano
Let's separate the two. Short term: remove the link, ship 5.8 so the campaign isn't blocked. Medium term: Nora and I look at IAP pricing and bring a proposal to the product review in two weeks.

---
From: Aiko Tanaka
OK, resubmitting this afternoon. I'll also add a test to our release checklist for external purchase links.`,
  },
  {
    source: "slack",
    channel: "#inc-duplicate-invoices",
    text: `#inc-duplicate-invoices
[08:05] helga (billing ops): ~90 customers got their monthly invoice email twice this morning. some got charged twice too??
[08:08] tom: checking. billing-run CronJob shows two pods started at 06:00:00 and 06:00:04
[08:10] tom: this is the first night since we moved the cron from the old VM to Kubernetes. concurrencyPolicy isn't set, default is Allow
[08:11] tom: and the previous pod got rescheduled after a node drain at 06:00 so the controller started a second one
[08:12] helga: how many double charges?
[08:20] tom: 88 customers charged twice, 2 of the double charges failed anyway. the job isn't idempotent per customer-month, it trusts that it only runs once
[08:22] wei: refunding the 86 duplicates now via the admin API, will take ~15 min
[08:40] wei: refunds done, sending an apology email with the support template
[08:45] tom: fixes: concurrencyPolicy: Forbid, and a unique constraint on (customer_id, billing_period) so a second run can't create a second charge even if it starts
[08:46] helga: please also add a check in the run that stops if it's already completed for this period and alerts us
[08:47] tom: will do, PR today`,
  },
];
