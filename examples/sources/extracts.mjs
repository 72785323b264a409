// Hand-written plain-text invoices, receipts and shipping notices (`invoice-extraction`)
// and email signatures (`contact-extraction`). Vendors, people, emails (example.com / example.org)
// and phone numbers (555) are invented.

export const invoices = [
  {
    doc: "invoice",
    text: `INVOICE

Brightwell Office Supply Ltd.
12 Cannery Row, Unit 4
Portside, PS3 8HT
VAT Reg: GB 000 1111 22

Bill to: Fernwise Ltd, Accounts Payable, 88 Mill Street, Harrowgate HG1 2AB

Invoice No: BOS-24-10781
Invoice Date: 14/03/2025
Due Date: 13/04/2025
PO Ref: FW-PO-3321

Qty  Description                          Unit      Amount
 10  A4 copier paper, 80gsm (box of 5)    £21.50    £215.00
  4  Whiteboard markers, assorted (12pk)   £8.25     £33.00
  2  Ergonomic footrest                   £34.99     £69.98
  1  Delivery                              £9.50      £9.50

                                  Subtotal          £327.48
                                  VAT 20%            £65.50
                                  TOTAL DUE         £392.98

Payment by BACS to sort code 00-00-00, account 12345678. Thank you for your business.`,
  },
  {
    doc: "receipt",
    text: `   THE COPPER KETTLE CAFÉ
   41 Bridge Street, Ellersby
   Tel 555-0142

   Table 7        Server: Jo
   22 Feb 2025    13:48
   Receipt #004417

   2  Flat white            7.00
   1  Oat latte             3.80
   1  Soup of the day       6.50
   1  Halloumi wrap         8.95
   2  Lemon drizzle slice   6.40
                         -------
   SUBTOTAL              32.65
   Service (optional 10%) 3.27
   TOTAL  GBP            35.92

   VISA ****4411   AUTH 08812C
   Thank you! See you soon :)`,
  },
  {
    doc: "invoice",
    text: `From: billing@cloudmeadow.example.com
Subject: Your Cloudmeadow invoice CM-2025-000391 for March 2025

Hi Fernwise Engineering,

Thanks for using Cloudmeadow. Your invoice for the billing period 1 Mar 2025 – 31 Mar 2025 is below.

Invoice number: CM-2025-000391
Issued: April 1, 2025
Account: fernwise-prod (acct_7hF20kQ)

  Compute (vCPU-hours)        18,240 h × $0.0210    $383.04
  Memory (GB-hours)           72,960 h × $0.0028    $204.29
  Managed Postgres (db-m2)         744 h × $0.310    $230.64
  Object storage                 2.4 TB × $20.00     $48.00
  Egress                        610 GB × $0.05       $30.50
  Support plan (Business)                           $100.00

  Credits applied (startup programme)              -$250.00
  ---------------------------------------------------------
  Amount due (USD)                                  $746.47

This amount will be charged to the card on file ending 0042 on April 5, 2025.`,
  },
  {
    doc: "invoice",
    text: `RECHNUNG / INVOICE

Kühn & Adler Messtechnik GmbH
Industriestraße 27, 70565 Stuttgart
USt-IdNr.: DE000000001

Kunde / Customer: Fernwise Ltd., 88 Mill Street, Harrowgate, UK
Rechnungsnummer / Invoice no.: RE-2025-0456
Datum / Date: 03.02.2025
Lieferdatum / Delivery: 29.01.2025

Pos. Artikel / Item                         Menge  Einzelpreis   Gesamt
1    Kapazitive Feuchtesensoren KF-12       500    3,40 €      1.700,00 €
2    Temperaturfühler NTC 10k, vergossen     500    0,95 €        475,00 €
3    Kalibrierzertifikat (Charge)             1    120,00 €      120,00 €

Nettobetrag / Net                                            2.295,00 €
Steuerfreie innergemeinschaftliche Lieferung / Reverse charge     0,00 €
Rechnungsbetrag / Total                                      2.295,00 €

Zahlbar innerhalb 30 Tagen ohne Abzug. IBAN DE00 0000 0000 0000 0000 00`,
  },
  {
    doc: "shipping_notice",
    text: `SHIPPING NOTICE — your order is on its way!

Order: #A-51240     Shipped: 11 March 2025
Carrier: ParcelFleet Express    Tracking: PF-88-2201-7734
Ship to: R. Castellano, 22 Quarry Lane, Ashgrove AG4 9PL

Items in this shipment:
  1 x Fernwise Hub (UK plug)
  3 x Soil Probe S2
  1 x Mounting stakes (pack of 6)

Items to follow: none
This shipment has no balance due — paid in full with order.
Estimated delivery: 13 March 2025 by 6pm

Questions? Reply to this email or visit help.fernwise.example.com`,
  },
  {
    doc: "invoice",
    text: `Freelance invoice

Tamsin Ogilvie — Illustration & Icon Design
tamsin.ogilvie@example.com | 555-0187

To: Fernwise Ltd (Attn: Marketing)
Invoice #: TO-0027
Date: 30 January 2025
Terms: Net 14

Work completed:
- Custom icon set for app onboarding (24 icons) — 1 @ 1,200.00
- Illustrated empty states (4 screens) — 4 @ 175.00 = 700.00
- Revisions beyond included round (3 hours) — 3 @ 60.00 = 180.00

Total: 2,080.00 GBP
(Not VAT registered.)

Bank: Example Bank, Sort 00-11-22, Acct 87654321, Ref TO-0027`,
  },
  {
    doc: "receipt",
    text: `HARDWARE HOUSE #112
1880 Route 9, Millbrook
(555) 010-3390

03/08/2025 10:22 AM  REG 04  TRANS 55921
CASHIER: DEVON

GALV PIPE 1/2IN X 10FT      2 @ 14.97    29.94
PVC TEE 1/2IN              6 @  0.89     5.34
TEFLON TAPE                            2.49
HOSE BIBB BRASS                       11.98
ZIP TIES 100PK                         6.47
                        SUBTOTAL     56.22
                        TAX 7.25%     4.08
                        TOTAL        60.30
MASTERCARD               ****9013    60.30

RETURNS WITH RECEIPT WITHIN 90 DAYS`,
  },
  {
    doc: "invoice",
    text: `Hotel Lindenhof — Folio
Guest: Mr. Samuel Adeyemi      Room 308
Arrival 17.03.2025   Departure 20.03.2025
Folio No. 2025-03-0915
Company: Fernwise Ltd (direct bill)

17.03  Accommodation Superior Double       EUR 139.00
17.03  City tax                            EUR   3.50
18.03  Accommodation Superior Double       EUR 139.00
18.03  City tax                            EUR   3.50
18.03  Restaurant (dinner, 2 pax)          EUR  86.40
19.03  Accommodation Superior Double       EUR 139.00
19.03  City tax                            EUR   3.50
19.03  Minibar                             EUR  12.00

Total                                      EUR 525.90
incl. VAT 7% on accommodation, 19% on F&B
Balance due: EUR 525.90 — invoiced to company account 40021`,
  },
  {
    doc: "invoice",
    text: `INVOICE  #INV-3390
Greenline Logistics Inc.
500 Harbor Blvd, Suite 210, Oakport, CA 94000 (fictional)

Date: 2025-02-28
Customer: Fernwise Inc. (US entity), customer ID C-1182

Description                                  Qty   Rate       Amount
Pallet storage (Feb)                          12   $18.00      $216.00
Pick & pack, per order                       843   $1.35     $1,138.05
Outbound packaging materials                   1   $164.20     $164.20
Returns processing                            37   $2.50        $92.50
Fuel surcharge (4%)                                              $64.43

TOTAL (USD)                                                   $1,675.18
Please remit within 30 days. Late payments incur 1.5% monthly interest.`,
  },
  {
    doc: "receipt",
    text: `Thanks for riding with Zipline Cabs

Receipt for your trip on Thu, Mar 6 2025
Trip ID: ZC-7731-KQ

Pickup:  Harrowgate Station, 08:12
Dropoff: 88 Mill Street, 08:31

Base fare             £4.20
Distance (9.4 km)    £11.28
Time (19 min)         £3.04
Airport/station fee   £1.50
Tip                   £2.00
----------------------------
Total charged        £22.02
Paid with Amex ••••1007`,
  },
  {
    doc: "invoice",
    text: `TOKYO SENSOR PARTS CO., LTD.
東京センサーパーツ株式会社
Commercial Invoice No. TSP-E-25-0142
Date: 2025/03/05

Sold to: Fernwise Ltd, Harrowgate, United Kingdom
Terms: FOB Yokohama, T/T in advance

Item                              Qty     Unit (JPY)     Amount (JPY)
LoRa module LM-920                1,000        1,150        1,150,000
Antenna, PCB, 868MHz              1,000           95           95,000
Enclosure gasket (silicone)       2,000           22           44,000

Total FOB value: JPY 1,289,000
Country of origin: Japan   HS code 8517.62`,
  },
  {
    doc: "invoice",
    text: `Maple & Pine Legal LLP
Suite 900, 100 King St W, Toronto ON (fictional address)

Invoice 2025-0311-FW
Date: March 11, 2025
Client: Fernwise Inc. — Matter: Canadian distribution agreement

Professional services:
  Review of draft distribution agreement       4.5 h @ CAD 420   1,890.00
  Call with client re: exclusivity terms       1.0 h @ CAD 420     420.00
  Redline and cover memo                        2.0 h @ CAD 310     620.00
Disbursements:
  Corporate registry search                                          45.00

Subtotal                                                          2,975.00
HST 13%                                                             386.75
Total due                                                     CAD 3,361.75`,
  },
  {
    doc: "shipping_notice",
    text: `DESPATCH NOTE / PACKING LIST

From: Fernwise Fulfilment, Unit 9 Longmoor Ind. Est.
To: Pell & Rowan Landscaping, Kiln Road Site
Despatch date: 19/03/2025
Our ref: DN-100442   Your PO: 4471   Order: B-20931 (part 2 of 3)

Carton  Contents                        Qty
1/3     Soil Probe S2                    8
2/3     Soil Probe S2                    6
3/3     Fernwise Hub                     2

Total cartons: 3    Gross weight: 11.2 kg
Back-ordered: none
Value for insurance only: GBP 1,146.00 (no payment due on delivery)`,
  },
  {
    doc: "receipt",
    text: `Green Thumb Garden Centre
Ellersby Road · 555-0199
VAT No 000 2222 33

15/03/2025 14:05   Till 2   Op: Kasia

Compost, peat-free 50L   3 x 7.99   23.97
Tomato plants 'Gardener's Delight' 9cm
                         6 x 2.49   14.94
Horticultural fleece 2x10m          9.99
Seed potatoes 2kg 'Charlotte'       5.49
Loyalty discount 10%               -5.44
                                ------
TOTAL                              48.95
Cash                               50.00
Change                              1.05

VAT included where applicable`,
  },
  {
    doc: "invoice",
    text: `Subject: Invoice 88231 — PrintPress Studio

Hello Fernwise team,

Please find the details of our invoice for the trade-show materials below (PDF attached as well).

Invoice: 88231
Date: 7 March 2025
Due: on receipt

  Roll-up banner 85x200cm, printed + stand    2 x €89.00    €178.00
  Flyers A5, 350gsm, double sided           2000 x €0.06    €120.00
  Business cards (3 names x 250)               3 x €24.00    €72.00
  Express production surcharge                               €45.00

  Net €415.00
  VAT 21% €87.15
  Total €502.15

Kind regards,
Lotte van Dijk
PrintPress Studio`,
  },
];

export const signatures = [
  `Thanks again for the quick turnaround!

--
Marguerite Oyelaran
Head of Procurement | Coldframe Growers Co-op
m.oyelaran@coldframe.example.com
+44 555 0134 221`,

  `Best regards,

DR. KONSTANTIN VÖLKER
Senior Agronomist
Hollins Agritech · Research & Development
T: +49 555 88 120 44  |  M: +49 555 17 992 03
konstantin.voelker@hollins-agritech.example.com
www.hollins-agritech.example.com

This email and any attachments are confidential and intended solely for the addressee.`,

  `Sent from my iPhone

On Tue, 4 Mar 2025 at 09:14, Fernwise Support <support@fernwise.example.com> wrote:
> Hi Ben, could you confirm the best number to reach you for the installation call?

Sure — call me on 555-0163 any time after 10. It's Ben Achterberg, I'm the site manager at Westfield Nursery. ben@westfield-nursery.example.com if you need to email.`,

  `Cheers,
Priya

Priya Ramanathan | IT Systems Lead
Coldframe Growers Co-op
📞 (555) 013-8870   ✉ priya.r@coldframe.example.com
🌱 Growing together since 1987`,

  `Kind regards / Met vriendelijke groet,

Lotte van Dijk
PrintPress Studio
Studio manager
lotte@printpress.example.org
tel. +31 555 203 118`,

  `—
Harriet Quayle
Managing Director
Quayle's Garden Centres Ltd
harriet@quayles.example.com
Office 555-0110 · Mobile 555-0175
Registered in England No. 00000000`,

  `thx
-j

Jonas Lindqvist
(no title, I just fix the computers)
Lindqvist Family Farms
jonas.lindqvist@example.com`,

  `Regards,
Capt. (ret.) Aurelio Benedetti
Facilities Coordinator — Marlow Bay Botanic Garden
Phone: 555-0128 ext. 4
Email: a.benedetti@marlowbaybotanic.example.org
Pronouns: he/him`,

  `Many thanks,

Wen-Li Zhao, PhD
Assistant Professor of Plant Sciences
Eastmoor University, Dept. of Agriculture
wzhao@eastmoor.example.edu | Lab: 555-0191

Office hours: Tue/Thu 2-4pm, Room B214`,

  `Sofía Martínez-Ruiz
COO, Huerta Viva S.L.
+34 555 412 907 (WhatsApp ok)
sofia@huertaviva.example.com
Calle del Olivo 12, 41001 Sevilla`,
];
