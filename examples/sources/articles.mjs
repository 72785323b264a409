// Hand-written, fictional news-style articles for the `news-digest` feature (150-600 words each).
// Places, companies and people are invented; any resemblance to real ones is accidental.

export const articles = [
  {
    section: "local",
    text: `MARLOW BAY COUNCIL APPROVES 14-KILOMETRE BIKE-LANE EXPANSION AFTER MARATHON SESSION

Marlow Bay's city council voted 7-4 late on Tuesday night to approve a 14-kilometre expansion of the city's protected bike-lane network, ending a debate that had stretched over three public meetings and drawn more than 600 written submissions.

The plan, which will cost an estimated 22 million dollars over four years, connects the harbourfront to the university campus and the northern suburbs of Ashgrove and Pell Hill. Roughly 380 on-street parking spaces will be removed along Canal Street and Regent Avenue, the most contested part of the proposal.

Councillor Dana Whitlock, who chairs the transport committee, said the vote was "about giving people a safe choice, not forcing anyone out of their car." She pointed to the city's own counts, which show cycling trips on the existing harbourfront lane have tripled since it opened in 2021.

Business owners on Canal Street were less enthusiastic. Tomas Ferreira, who runs a hardware store that has been on the street for 31 years, told the council that many of his customers are tradespeople who "are not going to carry forty kilos of tiles on a bicycle." The council amended the plan to add twelve loading bays and two short-stay parking zones in response.

Four councillors voted against, citing cost overruns on the city's last major road project and asking for an independent review of the parking impact. An amendment to delay the Regent Avenue section by a year was defeated 6-5.

Construction on the first segment, between the ferry terminal and Marlow Bay Central station, is expected to begin in September. The council said it would publish a detailed timeline and detour maps by the end of July.`,
  },
  {
    section: "health",
    text: `GROCERY CHAIN RECALLS BAGGED SPINACH OVER POSSIBLE LISTERIA CONTAMINATION

Regional supermarket chain Greenstead Markets has recalled several batches of its own-brand baby spinach after routine testing at a supplier's packing facility found traces of Listeria monocytogenes.

The recall covers 200-gram and 400-gram bags with best-before dates between 3 and 9 June, sold at all 86 Greenstead stores in the region. Customers are advised not to eat the product and to return it to any store for a full refund; a receipt is not required.

No illnesses have been linked to the product so far, according to the regional food safety authority, which said the recall was "precautionary but necessary". Listeria infection can cause fever and muscle aches and is particularly dangerous for pregnant women, newborns, older adults and people with weakened immune systems. Symptoms can appear up to 70 days after exposure.

Greenstead said the affected spinach came from a single grower, Halden Valley Produce, and that it had suspended deliveries from the facility pending further testing. "Food safety is our first priority, and we're sorry for the inconvenience to our customers," a spokesperson said.

It is the second leafy-greens recall in the region this year, after a mixed-salad product was withdrawn in February over E. coli concerns.`,
  },
  {
    section: "business",
    text: `BATTERY-RECYCLING STARTUP CIRCUVOLT RAISES 64 MILLION IN SERIES B

Circuvolt, a four-year-old company that recovers lithium, nickel and cobalt from used electric-vehicle batteries, has raised 64 million dollars in a Series B round led by infrastructure investor Tamsin Ridge Capital, the company said on Monday.

The funding will go mainly towards a second processing plant, which Circuvolt says will be able to handle 18,000 tonnes of battery material a year when it reaches full capacity in 2027, roughly six times the output of its pilot facility.

Chief executive Mira Okonjo said the company's hydrometallurgical process recovers more than 95 percent of the key metals while using about a third of the energy of traditional smelting. Those figures have not been independently verified, though a university lab that tested the pilot line reported recovery rates "in the low to mid nineties" for nickel and cobalt.

The round comes as carmakers face tightening rules on recycled content in new batteries. Several manufacturers have signed supply agreements with recyclers in the past year to lock in future feedstock. Circuvolt said it has signed letters of intent with two unnamed automakers but declined to give details.

Not everyone is convinced the economics work yet. Analyst Rafael Sundqvist of Brightwater Research noted that lithium prices have fallen sharply from their 2022 peak, squeezing recyclers' margins. "The volume of end-of-life EV batteries won't really ramp until the early 2030s," he said. "Until then, companies like this are mostly processing manufacturing scrap, and that's a competitive, low-margin business."

Circuvolt, which employs 140 people, said it expects to be profitable on an operating basis by 2028.`,
  },
  {
    section: "local",
    text: `HEATWAVE PUSHES POWER GRID TO RECORD DEMAND; UTILITY ASKS CUSTOMERS TO CUT USE

Electricity demand hit an all-time high on Wednesday afternoon as temperatures across the region climbed above 41 degrees for the third day running, prompting the grid operator to issue its first "conservation alert" since 2019.

Northfield Power said demand peaked at 9,870 megawatts at 5:40 p.m., about 4 percent above the previous record set last August. The utility asked households to avoid running dishwashers, washing machines and electric vehicle chargers between 4 p.m. and 9 p.m., and to set air conditioners no lower than 25 degrees.

No rolling blackouts were ordered, but the operator said reserve margins had fallen to "uncomfortably thin" levels and that it had bought emergency power from two neighbouring grids. About 3,200 customers in the eastern suburbs lost power for up to two hours after a transformer failed, which the utility said was heat-related.

The heat has also strained hospitals. St. Brennan's reported a 35 percent rise in emergency visits for heat exhaustion, mostly among people over 70. The city has extended opening hours at its eleven cooling centres until midnight and is running free shuttle buses to them from senior housing complexes.

Forecasters expect temperatures to ease slightly on Friday before a cooler change arrives on Sunday.`,
  },
  {
    section: "business",
    text: `FOUR-DAY WEEK TRIAL: MOST FIRMS KEEP IT, BUT GAINS UNEVEN, STUDY FINDS

Thirty-one of the 40 companies that took part in a year-long four-day working week trial have decided to keep the arrangement, according to a report published on Thursday by researchers at Eastmoor University.

The trial, which began last spring, involved about 2,900 employees across sectors including software, marketing, manufacturing and healthcare administration. Staff worked roughly 32 hours a week for the same pay, with companies free to decide how to organise the reduced hours.

Researchers found that self-reported burnout fell by a third on average and staff turnover dropped from 14 percent to 9 percent across the participating firms. Revenue was "broadly stable" for most companies, rising slightly at 22 firms and falling at 11, with the rest unchanged. The report cautions that the trial did not have a control group, and that companies volunteered to participate, so the results may not apply to businesses in general.

The gains were not evenly spread. Three of the four manufacturers dropped out or reverted to five days, citing difficulty covering production shifts without hiring more staff. Two healthcare administration offices said the change shifted workload onto part-time colleagues who were not included in the trial.

"It's not a magic trick," said lead author Dr. Hannah Lisowski. "Where it worked, companies cut meetings hard, changed how they measured output, and let teams design their own schedules. Where they just squeezed five days into four, people were exhausted by month three."

Business groups said the findings were interesting but warned against legislation. "This should remain a decision for individual employers," said a spokesperson for the Regional Chamber of Commerce.

The researchers plan a follow-up survey in twelve months to see whether the benefits hold.`,
  },
  {
    section: "business",
    text: `PORT STRIKE ENDS AFTER NINE DAYS AS DOCKWORKERS ACCEPT NEW CONTRACT

Dockworkers at the Port of Kessington returned to work on Saturday morning after union members voted to accept a new four-year contract, ending a nine-day strike that left more than 60 container ships waiting offshore.

The agreement includes wage increases totalling 19 percent over the life of the contract, a one-off bonus, and, most significantly for the union, a commitment that any new automated cranes will be introduced only after a joint review and with no compulsory redundancies.

Automation had been the main sticking point. The port operator, Kessington Terminals, has been testing remote-controlled cranes at one berth since last year and had sought the right to roll them out across the terminal. Union leader Grace Adeyemi called the deal "a fair outcome that protects jobs while letting the port modernise."

Shipping analysts estimate the strike delayed about 210,000 containers. The backlog is expected to take two to three weeks to clear, and retailers have warned of patchy stock of some imported goods, including furniture and electronics, into next month.

The vote passed with 74 percent in favour, on a turnout of 88 percent.`,
  },
  {
    section: "community",
    text: `"LIBRARY OF THINGS" LETS RESIDENTS BORROW DRILLS, TENTS AND SEWING MACHINES

Residents of Ellersby can now borrow a pressure washer as easily as a paperback. The town's central library opened a "library of things" on Monday, with about 300 items ranging from power drills and ladders to camping gear, a sewing machine, board games and a carpet cleaner.

Items can be borrowed for up to a week with a regular library card. There is no charge, although some larger tools require a short safety briefing from volunteers the first time they are borrowed.

Librarian Sunita Rao said the idea came from a residents' survey in which many people said they owned tools they had used only once or twice. "A drill is used for something like thirteen minutes in its lifetime on average," she said. "It makes more sense for a whole street to share one."

The project was funded with a 40,000-pound grant from the county's waste-reduction programme, and much of the equipment was donated by local businesses. The most popular items in the first week were the carpet cleaner, a projector and a set of camping stoves, all of which now have waiting lists.`,
  },
  {
    section: "technology",
    text: `AIRLINE GROUNDS FLIGHTS FOR SIX HOURS AFTER CREW-SCHEDULING SYSTEM FAILURE

Skylark Airways cancelled 212 flights and delayed hundreds more on Friday after a failure in the software it uses to assign pilots and cabin crew to flights, leaving thousands of passengers stranded during one of the busiest travel weekends of the year.

The airline said the problem began shortly after 5 a.m. when a scheduled update to its crew-management system caused the system to stop accepting changes. Without it, the airline could not legally confirm that crews had enough rest time, and it halted all departures as a precaution.

Flights resumed at about 11 a.m., but knock-on effects continued into Saturday as aircraft and crews ended up in the wrong places. By Saturday evening the airline said 94 percent of flights were operating on time.

Skylark said the outage was not the result of a cyberattack. In a statement, chief operating officer Jens Albrecht apologised to customers and said the company would review "how and when we apply changes to critical systems." People familiar with the matter said the update had been tested in a staging environment that did not include the full volume of weekend schedule changes.

Passengers whose flights were cancelled are entitled to a refund or rebooking and, in many cases, compensation under passenger-rights rules. Consumer groups urged travellers to keep receipts for hotels and meals.

It is the second major IT disruption at the airline in 18 months; in late 2023 a check-in system outage caused hours-long queues at its main hub.`,
  },
  {
    section: "culture",
    text: `ROMAN MOSAIC FOUND UNDER SUPERMARKET CAR PARK IN MARKET TOWN

Archaeologists excavating the site of a former supermarket car park in Caddington Vale have uncovered a largely intact Roman mosaic floor, which experts believe dates from the late third or early fourth century.

The mosaic, about six metres by four, shows a geometric border surrounding a central panel with a figure thought to be Bacchus, the god of wine, riding a panther. It was found about 1.2 metres below the surface during a survey required before a housing development can go ahead.

"We expected some Roman material because the old road runs nearby, but nothing of this quality," said site director Dr. Owain Pritchard of Vale Archaeology Trust. He said the floor probably belonged to the dining room of a wealthy villa.

The developer, Harcourt Homes, said it was working with the council and heritage authorities on what happens next. Options include lifting the mosaic for display in a museum or redesigning part of the development so it can be preserved in place. The site will be opened to the public for two weekends next month before a decision is made.`,
  },
  {
    section: "technology",
    text: `CHIPMAKER PUSHES BACK NEW FACTORY BY TWO YEARS, CITING WEAK DEMAND AND LABOUR SHORTAGES

Semiconductor manufacturer Veratek said on Wednesday that it will delay the opening of its planned fabrication plant in the Oakridge industrial zone from 2026 to 2028, dealing a blow to a regional economic plan that had counted on the facility to create about 3,000 jobs.

The company blamed softer-than-expected demand for the mature-node chips the plant was designed to make, particularly in consumer electronics and industrial equipment, as well as a shortage of skilled construction workers and engineers. Construction will continue at a slower pace, and the shell of the main building is due to be completed next year.

Veratek chief financial officer Ines Dahl told analysts that the company remained "fully committed" to the site and that a 1.1 billion-dollar state subsidy tied to the project was not at risk, as the agreement allows milestones to be renegotiated. However, two local lawmakers said they would ask for the terms to be reviewed, noting that the subsidy was approved on the basis of the original timeline.

Shares in Veratek rose 3 percent after the announcement, as investors welcomed lower capital spending in the near term. The company also cut its annual capital expenditure forecast by 15 percent.

Local suppliers were more worried. "Several of us hired people and bought equipment in anticipation of this plant," said Bettina Loughran, who owns a precision-engineering firm in Oakridge. "Two years is a long time to carry that."`,
  },
  {
    section: "local",
    text: `EVACUATION ORDERS LIFTED AS FIREFIGHTERS CONTAIN HILLSIDE BLAZE

Evacuation orders for about 1,800 homes in the Granite Hill and Sorrel Creek areas were lifted on Monday afternoon after firefighters brought a wildfire that had burned for four days to 85 percent containment.

The Bracken Ridge fire burned about 2,400 hectares of scrub and forest and destroyed six outbuildings and one unoccupied holiday cabin. No homes were lost and no serious injuries were reported, although two firefighters were treated for heat exhaustion.

Fire chief Lorraine Osei credited cooler overnight temperatures, a change in wind direction on Sunday, and firebreaks cut by bulldozers along the ridge line. More than 400 firefighters from six agencies worked on the fire at its peak, supported by four water-bombing aircraft.

Residents returning home were warned that some roads remain closed, power may be intermittent, and hot spots could flare up for days. The cause of the fire is under investigation; officials said it started near a walking trail and that it was "likely human-caused," but gave no further details.`,
  },
  {
    section: "sport",
    text: `ROVERS PART WAYS WITH MANAGER AFTER SEVEN-GAME LOSING RUN

Harbourside Rovers have sacked manager Callum Reid after a 3-0 home defeat to Ashton Athletic on Saturday extended the club's losing streak to seven league games, leaving them one point above the relegation zone.

Reid, 47, was appointed in the summer on a three-year contract after guiding his previous club to promotion. Rovers started the season well, sitting fourth after ten games, but injuries to key defenders and the sale of top scorer Marco Lindqvist in January preceded a sharp decline. The team has scored just two goals in its last seven matches.

In a statement, chairman Philip Addo thanked Reid "for his hard work and commitment" but said the board had decided "a change is necessary to protect our league status." Assistant coach Ayesha Bello will take charge for Tuesday's match against Kingsmead, the club's first game in a run of three fixtures against other teams near the bottom.

Supporters had chanted against the board, rather than the manager, during Saturday's defeat, with many blaming the decision to sell Lindqvist without signing a replacement.`,
  },
  {
    section: "technology",
    text: `FITNESS APP BREACH EXPOSES DATA OF 2.1 MILLION USERS

Fitness-tracking app PaceLoop has disclosed a data breach affecting about 2.1 million accounts, after an unauthorised party accessed a database backup that had been left in a publicly accessible cloud storage bucket.

The exposed data included names, email addresses, dates of birth, height and weight, and, for about 600,000 users, GPS traces of runs and bike rides. Passwords were stored in hashed form and were not in the backup, the company said, and no payment card details were affected.

Security researchers warned that the location data was the most sensitive part of the leak, because many users start and finish their runs at home. "A heat map of where someone starts their morning run every day is, in practice, their home address," said independent researcher Lotte Brandt, who first noticed the exposed bucket and reported it to the company.

PaceLoop said the backup was created during a migration to a new hosting provider in March and was exposed for about five weeks. It has since been deleted, and the company said it had found no evidence that the data had been published or sold, though it could not rule it out.

The company is notifying affected users by email and has reported the incident to data-protection regulators. It recommended users be alert to phishing emails that mention their fitness data and consider setting a "privacy zone" around their home address in the app's settings, a feature that was turned off by default.

Regulators could impose fines of up to 4 percent of annual global turnover if the company is found to have failed to protect the data adequately.`,
  },
  {
    section: "transport",
    text: `HIGH-SPEED LINE OPENING DELAYED AGAIN AS SIGNALLING TESTS FAIL

The opening of the Northline high-speed railway between Castlebury and Wrenford has been postponed for a third time, to spring next year, after the new digital signalling system failed a series of safety tests, the project's operator said on Tuesday.

Northline Rail said that during test runs in March, trains occasionally lost contact with the signalling system for several seconds when passing through the 9-kilometre Harrow Fell tunnel, causing them to brake automatically. While the system behaved safely, the operator said the problem would make a reliable timetable impossible.

The line, which will cut journey times between the two cities from 2 hours 40 minutes to 68 minutes, was originally due to open two years ago. Its budget has risen from 7.8 billion to 10.4 billion, partly due to tunnelling difficulties and partly due to inflation in materials costs.

Transport minister Rachel Emenike said she was "deeply frustrated" and had asked for an independent review of the signalling contractor's work. Opposition politicians called for the review to cover the whole project's management.

Northline Rail said engineers were installing additional radio equipment in the tunnel and that testing would resume in the autumn.`,
  },
  {
    section: "business",
    text: `COFFEE PRICES CLIMB AS DROUGHT HITS HARVEST; ROASTERS WEIGH PRICE RISES

Wholesale prices for arabica coffee have risen by nearly 40 percent since January after a prolonged drought reduced harvests in several major growing regions, and independent roasters say higher prices for customers are now unavoidable.

Traders say the crop shortfall has been made worse by low stock levels in consumer countries and higher shipping costs. Robusta, the cheaper variety used in many instant coffees and blends, has also risen, though less sharply.

"We've absorbed as much as we can," said Pilar Mendoza, who owns Blackthorn Roasters, which supplies about 60 cafés. "We're going to have to raise our wholesale prices by around 15 percent next month, and I expect most cafés will pass some of that on." She estimated that the price of a flat white in the city could rise by 20 to 40 cents.

Large chains, which buy coffee months in advance and use financial hedging, are likely to be affected more slowly. Some have already introduced smaller cup sizes or cheaper blends.

Analysts say prices could ease if the next harvest recovers, but that a return to the levels of two years ago is unlikely in the short term.`,
  },
  {
    section: "technology",
    text: `POPULAR OPEN-SOURCE LIBRARY ARCHIVED AFTER MAINTAINER STEPS AWAY

The maintainer of "tidewater", a widely used open-source library for parsing date and time strings, has archived the project and stopped accepting changes, citing burnout and a lack of financial support from the companies that depend on it.

The library is downloaded about 40 million times a week and is used, directly or indirectly, by many large websites and developer tools. In a post announcing the decision, maintainer Ilse Kranenburg said she had worked on it "mostly alone, mostly at night" for nine years, and that in the past year she had received more than 1,400 issues and pull requests, along with a growing volume of demands from users at large companies.

"I was receiving security reports with 90-day disclosure deadlines from companies that have never contributed a line of code or a single euro," she wrote. "I can't do it any more, and I don't want to hand it to someone I don't know and can't vouch for."

Archiving means the existing code remains available and will keep working, but there will be no further bug fixes or security patches. Several developers have announced forks, and at least one foundation has offered to fund a new maintenance team.

The episode has renewed debate about how the software industry supports the volunteers behind widely used components. Previous incidents, in which unmaintained libraries were found to contain serious security flaws, led to calls for companies to fund the projects they rely on, but critics say progress has been slow.`,
  },
  {
    section: "education",
    text: `SCHOOL DISTRICT TO TEST LATER START TIMES AT THREE HIGH SCHOOLS

The Riverbend Unified School District will start classes 50 minutes later at three of its high schools next year as part of a two-year pilot aimed at improving students' sleep, attendance and grades.

From September, first period at Linden, Eastview and Marsh Road high schools will begin at 8:40 a.m. instead of 7:50 a.m. The district's other four high schools will keep the current schedule and serve as a comparison group.

The school board approved the pilot 5-2 on Thursday after hearing from parents, teachers and sleep researchers. Supporters cited studies showing teenagers' body clocks shift later during adolescence and that early starts are linked to lower attendance and more car accidents among teen drivers.

Opponents raised practical concerns. Bus routes will have to be redesigned, after-school sports will finish later, and some parents worry about younger siblings being dropped off at different times. "Many of our families work early shifts and rely on older children to get younger ones to school," said board member Gary Holm, who voted against.

The district said it would spend about 380,000 dollars on extra bus drivers and would publish attendance, grade and survey data at the end of each year. A decision on whether to extend the change to all high schools will be made in spring 2027.`,
  },
];
