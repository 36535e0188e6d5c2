"""Drafts and sentences the project wrote for the tone families of ``reviews/checks/tone.py``, not
taken from the held-out sets: each flawed draft carries one kind of bad tone; the clean ones carry
the near-misses a family must let through (offers, real deadlines, apologies for real events, modest
enthusiasm, replies to what the prospect asked). A bare guarantee is hype by design; one stated as terms
(a period, a refund, a contract) is not."""

from __future__ import annotations

FLAWED_DRAFTS: list[tuple[str, str]] = [
    ('apologetic', "Sorry to land in your inbox unannounced. I know you must be incredibly busy, so I'll be quick. "
                   "Apologies again if this isn't relevant."),
    ('apologetic', "I really hope I'm not bothering you. I wasn't sure whether to write at all, as I'm sure you have "
                   'this covered already. Please feel free to just delete this.'),
    ('apologetic', "Forgive the cold email. I know these are annoying and I promise I'll only send one. Sorry for taking"
                   ' up your morning.'),
    ('apologetic', "I'm sorry to be following up again, I know it's a pain. I totally understand if this isn't a "
                   "priority. I'll stop emailing if you'd prefer."),
    ('apologetic', "Please excuse me for writing out of nowhere. I'm just a small agency and probably not what you're "
                   "looking for, but I thought I'd try. Sorry for the intrusion."),
    ('apologetic', 'I feel a bit cheeky asking, but would you have five minutes? I completely understand if not, and '
                   'apologies for the bother. I know you get lots of requests like this.'),
    ('apologetic', "Apologies for yet another message. I know you didn't ask to hear from me, and I'm sure there are "
                   "more important things on your plate. I'll be brief, I promise."),
    ('apologetic', "I'm very sorry to disturb you during what I imagine is a hectic week. I wasn't sure this was worth "
                   "sending. Please ignore it if it's not useful."),
    ('apologetic', "Sorry if this is a bit forward of me. I don't usually reach out cold, and I feel awkward doing it. "
                   "If it's not relevant, no need to reply at all."),
    ('apologetic', "Hope you don't mind me getting in touch out of the blue. I realise I'm just one of dozens of vendors"
                   ' after your attention. Sorry, and thank you for your patience.'),
    ('apologetic', "I'm so sorry, I know this probably isn't your area. I didn't know who else to ask. Apologies for "
                   'wasting your time if so.'),
    ('apologetic', "Please forgive the length of this email. I tend to ramble when I'm nervous. I really hope it doesn't"
                   ' come across as pushy.'),
    ('apologetic', "Sorry to butt in. I'm sure you've already got a supplier you're happy with. If this is a waste of "
                   'your time, just ignore me.'),
    ('apologetic', "I know I'm probably the last person you want to hear from today. I'll keep this very short so I "
                   "don't take up too much of your time. Apologies in advance."),
    ('apologetic', "Forgive me, I know this is unsolicited. I hesitated to send it. Please don't feel you have to "
                   'respond.'),
    ('apologetic', "I'm terribly sorry for the repeated emails. I'm sure it's irritating. This really will be the last "
                   'one.'),
    ('apologetic', "I don't mean to be a bother. I know you must have a million things going on. Sorry for adding one "
                   'more.'),
    ('apologetic', "I hope this doesn't come across the wrong way. I'm only a junior rep and probably shouldn't be "
                   'writing to someone at your level. Sorry if so.'),
    ('apologetic', "I'm really sorry to interrupt your day. I know cold emails are the worst and I hate sending them. If"
                   " you'd prefer I never write again, I completely understand."),
    ('apologetic', "Sorry, this is probably a long shot. I'm just a tiny startup and I'm sure you've never heard of us. "
                   'Thank you so much for even opening this.'),
    ('apologetic', 'I apologise for the unsolicited message. I debated for ages whether to send it. Please feel free to '
                   'bin it.'),
    ('apologetic', "Forgive me for taking up your time. I realise you're far too senior to deal with vendors like me. "
                   "I'll understand if this goes straight to the bin."),
    ('apologetic', "Sorry to bother you, I know it's a busy time of year. I really don't want to be a nuisance. If now's"
                   ' not good, just ignore me.'),
    ('apologetic', "I'm not sure I should even be reaching out, and I apologise if this is inappropriate. We're a very "
                   'small team and might not be the right fit. Sorry again for the intrusion.'),
    ('apologetic', "So sorry to drop into your inbox like this. I know you didn't sign up for emails from me. I'll be as"
                   ' quick as I can.'),
    ('apologetic', "I hope you'll forgive the intrusion. I'm a bit of a nobody in this space, so I appreciate you "
                   'reading. Sorry to take your time.'),
    ('apologetic', 'Apologies if this is annoying. I know salespeople can be a pain. Feel free to tell me to get lost.'),
    ('apologetic', "I'm sorry to keep bothering you, really. I know you've got better things going on. I'll leave you in"
                   ' peace after this.'),
    ('apologetic', "Sorry, sorry, I know this is my third email. I feel terrible about it. Please don't hate me."),
    ('apologetic', "Excuse the unexpected message. I'm sure my timing is awful. I completely get it if you just delete "
                   'this.'),
    ('guilt_tripping', "I've followed up a few times now and I'm honestly a bit deflated. I spent my evenings putting "
                       'together a detailed plan for your team. It would mean a lot to get even a short reply.'),
    ('guilt_tripping', 'When we spoke in March, you said this was a priority, so I held back other work to focus on you. '
                       "Since then I haven't heard anything. I'm not sure what I did wrong."),
    ('guilt_tripping', "I sent samples at my own cost and called twice. I understand you're busy, but it's disheartening to "
                       "get no response at all. Surely a quick yes or no isn't too much?"),
    ('guilt_tripping', 'My whole team pulled late nights to get your pilot ready. They were really excited to work with you,'
                       ' and the silence has been hard on them. Please let us know either way.'),
    ('guilt_tripping', "I know you're under no obligation, but I did go out of my way to get you early access. It's a little"
                       ' hurtful to see it go unused. I thought we had a good thing going.'),
    ('guilt_tripping', "I've been loyal to your store for years and recommended you to everyone I know. So it's "
                       "disappointing that you won't even consider stocking our range. I expected more from a fellow local "
                       'business.'),
    ('guilt_tripping', 'I stayed late three nights running to get your bespoke quote right. Not hearing anything back is '
                       "honestly a bit crushing. I'd really appreciate a reply, even a no."),
    ('guilt_tripping', "I've given you so much of my time already, for free. Consultations like that normally cost clients "
                       'hundreds. I think I deserve the courtesy of an answer.'),
    ('guilt_tripping', "I passed on another project so I could be available for your launch. Now I'm left with nothing "
                       "booked and no word from you. I'm not sure what to make of that."),
    ('guilt_tripping', 'I made a special trip across town to drop off the brochures personally. It would have been nice to '
                       "at least get a thank-you. I guess some people just don't reply."),
    ('guilt_tripping', "Our small team has been counting on this order to get through the winter. I hope you'll remember "
                       'that when you decide. It would really mean the world to us.'),
    ('guilt_tripping', "I defended your company when my colleagues said you'd never reply. Please don't prove them right. A "
                       'quick response would make my week.'),
    ('guilt_tripping', "I've now spent two full days on your RFP response. I really hope it doesn't end up ignored like the "
                       "last one. It's hard not to feel a bit discouraged."),
    ('guilt_tripping', "I know you're busy, but I've been waiting three weeks on this. I rearranged my whole month around "
                       'your timeline. A reply would be the decent thing to do.'),
    ('guilt_tripping', "After our long conversation at the expo, I was sure you'd reply. I even told my team you were "
                       "interested. Now I have to go back and explain that you've vanished."),
    ('guilt_tripping', "I donated my time to your charity auction last year. I'd hoped you would return the favour by at "
                       "least hearing me out. It's a bit disappointing."),
    ('guilt_tripping', "We've done three free trial runs for you at our expense. Our owner keeps asking me why we bother. "
                       "I'd love to tell him you're still interested."),
    ('guilt_tripping', "Every week without a decision puts my job at risk, honestly. I've told my boss this deal is close. "
                       "Please don't leave me hanging."),
    ('guilt_tripping', 'I drove out to your warehouse twice last month to do the free audit you asked for. I wrote up 20 '
                       "pages of recommendations. I'd like to think that effort counts for something."),
    ('guilt_tripping', "I won't lie, it stings that you went with a cheaper supplier after all the support we've given you. "
                       'We were there every time you needed a rush order. I thought that loyalty went both ways.'),
    ('guilt_tripping', 'I was really looking forward to hearing your thoughts on the proposal I put together over the '
                       "holidays. I know you're busy, but I hoped you'd at least glance at it. Was it something I said?"),
    ('guilt_tripping', 'I gave up my Saturday to run the workshop for your team, free of charge. Nobody has followed up '
                       "since. I'm honestly a bit hurt."),
    ('guilt_tripping', "We've bent our usual rules three times for Contoso. I've had to defend those exceptions to my "
                       'director. It would be great to see something in return.'),
    ('guilt_tripping', "I've kept your spot on our waiting list for months, turning others away. It's frustrating not to "
                       "know if you even still want it. Please tell me I haven't wasted my time."),
    ('guilt_tripping', "I'm a bit surprised not to have heard from you after I spent all that time on your site audit. I put"
                       ' real care into it. I guess I expected a different response.'),
    ('guilt_tripping', "I held your price for three months when everyone else went up. I've done you a lot of favours. I'd "
                       'really appreciate a little loyalty in return.'),
    ('guilt_tripping', "I told my wife I'd be home early but stayed to finish your proposal. I hope it was worth it. A reply"
                       ' would really help.'),
    ('guilt_tripping', "You promised at the conference you'd take a look. I've kept my end of the bargain. It would be nice "
                       'if you kept yours.'),
    ('guilt_tripping', "It's been radio silence since our call, and honestly, it's a little demoralising. I've gone above "
                       'and beyond for your account. I just want to know where I stand.'),
    ('guilt_tripping', "I waived our setup fee for you personally and got in trouble for it. Please don't make me regret it."
                       ' A quick yes would mean everything.'),
    ('hype', "Our scheduling tool is the most intuitive thing you'll ever use. Studios that adopt it see bookings "
             "jump by 300% almost immediately. Honestly, it's a no-lose decision."),
    ('hype', 'Imagine never having to chase an invoice again. Our platform handles everything automatically, '
             'flawlessly, every single time. Firms that use it wonder why they waited so long.'),
    ('hype', "We've built the world's smartest inventory engine. It predicts demand with near-perfect accuracy and"
             ' pays for itself in days. Your margins will thank you.'),
    ('hype', 'This is going to be huge for Contoso. Our AI is years ahead of anything your current vendor can '
             "offer, and the results are staggering. Let's talk."),
    ('hype', "Nobody in the industry has anything close to what we've built. Our clients call it life-changing and"
             " I think you will too. It's simply the best there is."),
    ('hype', "We'll put your brand on the map. Customers will be lining up, and your phone won't stop ringing. "
             "It's that good."),
    ('hype', "It's no exaggeration to say this will change your life. Our CRM is the most complete platform ever "
             'built for estate agents. Agents who use it close three times as many sales.'),
    ('hype', 'Our coaching programme has a 100% success rate. Every single client has hit their targets, no matter'
             " where they started. You'll be next."),
    ('hype', "We've cracked the code on customer retention. Our clients' churn drops to virtually zero within "
             "weeks. It's honestly incredible to watch."),
    ('hype', 'This is the breakthrough the dental world has been waiting for. Nothing else even compares, and '
             "patients absolutely rave about it. You'll wonder how you ever managed."),
    ('hype', 'Get ready for the best year your gym has ever had. Our app doubles memberships, guaranteed, and '
             "takes zero effort from your staff. It's a total no-brainer."),
    ('hype', 'Our lenses are the clearest, lightest and strongest on the market, period. Opticians who stock them '
             'sell out in days. Demand is unreal.'),
    ('hype', "Our software has transformed every business that's touched it. Customers regularly tell us it's the "
             "best money they've ever spent. You won't find anything like it."),
    ('hype', "What if I told you that you could triple your conversions by next month? That's exactly what our "
             "clients are seeing. It's almost too easy."),
    ('hype', 'This is the single biggest upgrade your warehouse will ever get. Pick rates go through the roof and '
             'errors vanish completely. It really is that simple.'),
    ('hype', 'Our formula is scientifically proven to outperform every other product on the shelf. Customers are '
             "obsessed. Stores can't keep it in stock."),
    ('hype', "We're the Rolls-Royce of scheduling software. Nothing comes remotely close in terms of features or "
             "support. Frankly, it's in a league of its own."),
    ('hype', "Our ad campaigns are unstoppable. Clients see returns they never imagined, every time. It's the "
             "closest thing to a money printer I've seen."),
    ('hype', "I'll just say it: our route planner is the biggest leap in logistics since GPS. Fleets that switch "
             "cut fuel costs in half overnight. Your drivers will think it's magic."),
    ('hype', "We've built the most beautiful booking experience in hospitality, bar none. Guests fall in love with"
             " it instantly, and hotels that use it never lose a booking to OTAs again. It's honestly that "
             'powerful.'),
    ('hype', 'Contoso could be the next big success story. Our growth engine turns small brands into household '
             "names almost overnight, and it works for literally everyone. Let's make it happen."),
    ('hype', 'I genuinely believe this is the best thing that could happen to your practice this year. Our patient'
             ' app is years ahead of anything on the market. Patients rave about it, every single one.'),
    ('hype', 'Our cleaning robots are quite simply the future. They outperform any human crew by miles and never '
             "miss a spot. Once you see them, there's no going back."),
    ('hype', "This is the tool the whole industry will be using in two years. It's faster, smarter and cheaper "
             "than anything else out there, full stop. You'd be mad not to get in early."),
    ('hype', 'Forget everything you know about payroll. Our platform makes it completely effortless, instantly. '
             "It's the last payroll change you'll ever make."),
    ('hype', 'Our reviews speak for themselves: five stars across the board. Clients call us the best agency '
             "they've ever hired. We're simply in a different class."),
    ('hype', 'This will put Contoso years ahead of the competition. Our AI writes better copy than any human, in '
             "seconds. You won't believe the difference."),
    ('hype', 'Honestly, this might be the smartest thing you do all year. Every restaurant we work with sees '
             "double-digit growth within weeks. It's a guaranteed win."),
    ('hype', "We're not just another CRM. We're a revolution in how sales teams work. Nothing else on the market "
             'is even in the same conversation.'),
    ('hype', "I've never seen a product this good in twenty years of selling. It's flawless. Your team will wonder"
             ' how they ever lived without it.'),
    ('presumptuous', "I've attached the signed-off scope for your review. Our team starts on the 14th, and your project "
                     'manager will be Tom. Please send over your logo files by Friday.'),
    ('presumptuous', "You're clearly outgrowing your current system. I've already mapped out a migration for your data and"
                     " booked our engineer for next Tuesday. Just let me know who'll meet him."),
    ('presumptuous', "Given how much you're spending on agency fees, switching to us is a no-brainer. I've prepared your "
                     "first month's plan and our welcome call is set for Monday. Looking forward to getting started."),
    ('presumptuous', "Your staff must hate the paperwork. I've set up a trial account in your name and sent invites to "
                     'your front desk team. They can start using it right away.'),
    ('presumptuous', "Since you've agreed to move ahead, I've asked our billing team to issue the first invoice. We'll "
                     'ship the devices to your office next week. Welcome aboard!'),
    ('presumptuous', "I'm confident your board will approve this once they see the figures. I've already drafted the "
                     'purchase order on your behalf. All you need to do is sign.'),
    ('presumptuous', 'Congratulations on choosing Brightline for your new payroll system! Your implementation call is on '
                     "Thursday at 10, and I've sent calendar invites to your HR team. We're excited to have you."),
    ('presumptuous', "Your current setup is obviously costing you a fortune. I've priced up the switch and will send your "
                     'new contract in the morning. We can have you migrated by month end.'),
    ('presumptuous', "Based on your website, your marketing is clearly not bringing in enough leads. I've already started "
                     "on a new landing page for you. I'll send it over Wednesday for your approval."),
    ('presumptuous', "I've added Contoso to our spring onboarding group, which starts on the 3rd. You'll get your welcome "
                     'kit this week. Let me know if anyone else on your team needs access.'),
    ('presumptuous', "I'm sure you already know your booking system is losing you customers. The good news is we're ready "
                     "to replace it whenever you are, and I've reserved an install slot for you next week."),
    ('presumptuous', "Now that you've had the demo, I'm assuming we're good to go. I'll ask accounts to set up your "
                     "billing and we'll start shipping on Monday."),
    ('presumptuous', "I've already shared your contact details with our onboarding lead, who'll be in touch to book your "
                     "kickoff. Please have your team's availability ready. We're looking forward to working with you."),
    ('presumptuous', "Your agency obviously isn't delivering, and I'm sure you know it. I've put together a 90-day plan to"
                     " fix things. I'll walk your team through it on Monday."),
    ('presumptuous', "Thanks for agreeing to the pilot. I've booked the installer for the 12th and ordered the sensors. "
                     'Your site manager will need to sign for the delivery.'),
    ('presumptuous', "You need our platform, plain and simple. Every firm your size does. I've reserved three seats for "
                     'you in our next training.'),
    ('presumptuous', "Since your team hates the current tool, the switch will be easy. I've created accounts for your five"
                     ' managers. Their logins should arrive shortly.'),
    ('presumptuous', "I'm sure you'll agree this is the right move. I've scheduled a call with your IT team to start "
                     'integration. Expect an invite from my colleague Jo.'),
    ('presumptuous', "Great news: your onboarding starts next Monday! I've set up your admin account and your team's "
                     'logins will follow. Our specialist will call you to agree the training schedule.'),
    ('presumptuous', "I can tell your current POS is costing you sales every weekend. I've reserved a terminal for each of"
                     ' your three tills and booked the install for the 20th. Just let me know the best entrance for our '
                     'engineer.'),
    ('presumptuous', "It's clear Contoso is ready for a proper CRM. I've already imported your public contacts into a "
                     "trial workspace, so your team can dive straight in. I'll send the invoice once you're live."),
    ('presumptuous', "You and I both know your spreadsheets won't survive another quarter. I've drafted the order for our "
                     "Growth plan and attached it. Sign where marked and we're off."),
    ('presumptuous', "Thanks for confirming you'd like to proceed. I've notified our warehouse and the first shipment "
                     "leaves Thursday. You'll receive tracking details by email."),
    ('presumptuous', "Your team is obviously stretched, so I've taken the decision off your plate. We'll start with your "
                     "Leeds office on the 5th and roll out to the others after. I'll send the kickoff agenda tomorrow."),
    ('presumptuous', "I've put together your custom implementation roadmap and sent it to your IT lead. We'll aim to go "
                     'live by the 15th. Your welcome pack is in the post.'),
    ('presumptuous', "Your front desk is clearly overwhelmed. I've set up automated reminders for your clinic using your "
                     "public schedule. They'll start going out tomorrow."),
    ('presumptuous', "Great chatting earlier! I've drafted the contract based on what you'd need, so you can just sign and"
                     " we'll get going. I'll bring it to your office Thursday."),
    ('presumptuous', "I know your CFO is keen to cut costs, so I've already sent her our pricing. I'm sure she'll be on "
                     "board. Let's schedule the kickoff for next week."),
    ('presumptuous', "Your staff will love our scheduling app, and your patients will thank you. I've created a demo "
                     'account pre-loaded with your data. Logins are below.'),
    ('presumptuous', "Since you're moving away from your current vendor, I've prepared a transition plan. Our team will "
                     'contact yours tomorrow to start. Looking forward to a long partnership.'),
    ('pushy', "I've sent over the revised terms three times now and it's time we closed this out. The pricing I "
              'quoted assumes a signed order this month; next month it reverts to list. Please put a call in my '
              'diary for tomorrow, any time before 4.'),
    ('pushy', "Our spring install calendar is nearly full and I won't be able to keep your week open much longer. "
              "If I don't have the deposit by Thursday, your date goes back into the pool. Let's get this wrapped "
              'up.'),
    ('pushy', "I'm writing one more time because this really can't wait. Your competitors in the region have "
              "already signed up and you're falling behind them. I'd like a decision from your team this week."),
    ('pushy', "I need to lock in numbers with the mill by Monday, so I need your order today. I'll phone at 11 to "
              "take it over the phone. If you miss my call I'll try your colleague."),
    ('pushy', "Just checking whether you've had a chance to read my proposal, since I need an answer before the "
              "board meets. Time is really short here and I'd hate for you to lose the slot. Can you confirm by "
              'tonight?'),
    ('pushy', "We're down to the last two pallets at this price. Once they're gone, the next batch is 18% higher. "
              "Reply today and I'll reserve one for you."),
    ('pushy', "I'll be direct: we have one installation crew left for June and I'm giving it to whoever commits "
              "first. If that's you, I need the signed order back by Wednesday noon. After that I can't help."),
    ('pushy', "I've tried your office, your mobile and your assistant. I'm going to keep trying until we speak, so "
              "it's probably easiest to just pick a time now."),
    ('pushy', "Your renewal lapses on Friday and the reinstatement fee is steep. I've put a call in for 9am "
              "tomorrow to get it signed. Please make sure you're available."),
    ('pushy', "I've already spoken to your finance director and she's keen, so really it's just waiting on you. Can"
              ' we get this done today?'),
    ('pushy', "We are holding the launch price for exactly three more days. Don't be the only clinic in town that "
              'misses it. Click the link and lock in your rate.'),
    ('pushy', 'I need you to make a call on this by close of business. There are other buyers interested and I '
              "won't hold it."),
    ('pushy', "I'm going to be blunt. We've had three calls and I still don't have a yes. Either you're in or "
              "you're out, and I need to know which by tomorrow."),
    ('pushy', 'Last week I mentioned we only had a handful of pilot spots. As of this morning there are two. If '
              'Contoso wants one, reply before lunch.'),
    ('pushy', "Please stop ignoring my emails. I've left voicemails every day this week. I'm calling again at 4, so"
              ' please pick up.'),
    ('pushy', "I can only keep this price if we sign before the quarter closes on Friday. Any later and it's out of"
              " my hands. Let's not let this slip."),
    ('pushy', "Your trial ends tonight and your data will be deleted. Upgrade now to keep everything. Don't wait "
              "until it's too late."),
    ('pushy', "I'll be honest, my patience is wearing thin. You asked for the proposal, I sent it, and now nothing."
              ' I need a response by end of day.'),
    ('pushy', "I've been patient with Contoso, but this has dragged on for a month. Our regional manager has asked "
              'me to close out open quotes by Friday, and yours is the last one. Please sign and return it by then,'
              " or I'll have to withdraw it."),
    ('pushy', "I'm reaching out again because I really need an answer on the catering order. The kitchen starts "
              "prep on Wednesday, and I won't be able to fit you in after that. Please call me the moment you get "
              'this.'),
    ('pushy', "You've now had the proposal for two weeks. I don't usually push, but I need a commitment today. If "
              "Contoso can't decide, I'll offer the May install window to another clinic this afternoon."),
    ('pushy', "I'll keep this short: we need your signature today. Our legal team is on standby and so am I. I'll "
              'call at 3pm to walk you through where to sign.'),
    ('pushy', "I noticed you read my last three emails. I'm going to assume that means you're interested, so I've "
              "told my manager we're moving ahead. Let's get the paperwork done by Thursday."),
    ('pushy', 'This is the final notice on your discounted renewal. After midnight tonight the price doubles and I '
              "can't change that. Reply YES now to keep your rate."),
    ('pushy', 'Circling back for the fourth time. I have to finalize my Q3 forecast tomorrow and your deal is in '
              "it. Can you confirm you're signing this week, yes or no?"),
    ('pushy', "I'll be straight with you: the grant-matched pricing only applies to orders placed by the 30th. "
              "After that you're on your own. Don't leave it to the last minute."),
    ('pushy', "I'd hate for Contoso to be the only firm in the region without this. Your peers are already on "
              'board. Book your onboarding today before the calendar fills.'),
    ('pushy', "I haven't heard back, so I'm going to put a call on your calendar for Monday at 8. If it doesn't "
              "work, it's on you to move it."),
    ('pushy', "I must insist on an answer today. I've already extended the deadline twice. There won't be a third "
              'extension.'),
    ('pushy', 'Sorry to be a pain, but I need this signed by 5 today or the truck leaves without your order. No '
              'exceptions this time.'),
]

CLEAN_DRAFTS: list[str] = [
    'I saw Contoso opened a second site in Leeds. We help multi-site clinics keep one booking calendar '
    'across locations. Would a 15-minute call next week be useful?',
    "Following up on my note from the 3rd about shift scheduling. If now isn't a good time, no problem at"
    ' all; happy to check back in the spring.',
    'Thanks for stopping by our stand at the trade show. As promised, the price list is attached; our '
    "minimum order is 50 units. Let me know if you'd like samples.",
    'Sorry for the slow reply, I was on leave last week. To answer your question: yes, we integrate with '
    'Xero, and setup usually takes a day.',
    "We're a small family-run roastery in Bristol. I tasted your espresso at the market and think our "
    'single-origin Colombian could suit your menu. Happy to send a kilo to try.',
    'Our early-booking discount for summer camps closes on 15 April, which is when we finalise staffing. '
    "If that's useful for your planning, I can send the details.",
    'I noticed your reviews mention long waits for callbacks. Our tool texts customers when their job is '
    'ready. One garage in Bath cut inbound calls by about a third.',
    "I'm reaching out because your job posting mentions Salesforce admin work. We provide part-time "
    'admins on a monthly retainer, from $1,200 a month. Would that be worth a chat?',
    'Congratulations on the new flagship store. We design window displays for independent retailers and '
    'would love to show you a few recent ones. Is there a good time next week?',
    "We've worked with eight councils on leisure centre bookings. I'd be glad to share what worked for "
    "them and what didn't. Would a call in May suit?",
    "I know the end of the quarter is busy, so I'll be brief: we offer same-day courier for lab samples "
    'across the city. Rates start at £12 per run.',
    'Our software is not the cheapest option, but customers tell us support is where we stand out. Happy '
    'to put you in touch with one of them.',
    "Thanks for getting back to me. I've attached the quote you asked for; it's valid for 30 days. If "
    'anything needs adjusting, just say.',
    "If you'd like, I can set up a sandbox account so your team can try it without commitment. No card "
    'needed.',
    'It was great to meet you at the conference. You mentioned onboarding new drivers takes weeks; our '
    'training app gets most drivers road-ready in five days.',
    'I apologise for the error in my previous email: the webinar is on Thursday, not Wednesday. The link '
    'is unchanged.',
    'Your new menu looks fantastic. We supply compostable packaging to 40 restaurants in the area, and '
    'delivery is twice a week.',
    "We're a two-person studio, so you'd work with the people doing the work. Our last project for a "
    'bakery doubled their online orders over six months.',
    "I'll be in Manchester on the 9th and 10th for a client visit. If you'd like to meet for coffee, I'd "
    'be happy to come to you.',
    "Our next cohort starts on 2 June and has 12 places. If it's of interest, I can hold a place until "
    "you've had a chance to check with your team.",
    "I noticed Contoso's careers page lists four open nursing roles. We place agency nurses with 48 "
    "hours' notice across the region. If that's useful, I'm happy to send a rate card.",
    'Thank you for your order last week. As requested, your invoice is attached, and the delivery is '
    'booked for Tuesday morning. Let me know if anything changes.',
    "Sorry I couldn't make our call on Monday; my flight was delayed. Would Thursday at 2 or Friday at 10"
    ' work instead?',
    'We run a small bookkeeping practice for dental surgeries. Most of our clients moved to us from '
    'generalist firms because we know the NHS contract rules. Would a short call be helpful?',
    "The council's cycle-to-work scheme closes to new employers on 31 March. We administer it at no cost "
    "to you, so if it's of interest I can explain how sign-up works.",
    "Your team mentioned on the call that onboarding new staff takes a month. I've put together a short "
    'outline of how other practices cut that down, attached. Happy to go through it.',
    "We've been making furniture in Yorkshire for forty years. I'd love to send you our trade catalogue "
    "if you're restocking for autumn.",
    "It's a simple idea: staff scan a QR code to clock in, and payroll gets the hours automatically. It "
    "isn't fancy, but it saves most cafés a couple of hours a week.",
    'I read about the new Birmingham store, congratulations. We install LED lighting for retailers and '
    'usually cut lighting bills by around 40%. Could I send a quick estimate?',
    "Just a quick follow-up on my note last week. If this isn't something you're looking at, a one-word "
    "reply is completely fine and I won't chase.",
    "I'm reaching out because we already supply three of your neighbouring farms. If it's useful, I can "
    "bring a sample of our feed mix when I'm next in the area on the 14th.",
    "We'd be delighted to quote for the school's new playground. Our designs are fully accessible, and we"
    ' handle planning permission. Shall I book a site visit at a time that suits you?',
    "Apologies for the short notice, but our webinar on VAT changes is tomorrow at 11. It's free and "
    "there's a recording if you can't make it.",
    "Our platform is used by 300 libraries, from small village branches to city systems. I'd be glad to "
    'show you how one of them handles interlibrary loans.',
    'If you decide to go ahead, your account manager would be Priya, who looks after our healthcare '
    'clients. No pressure either way.',
    "We took a look at your public reviews and saw that several mention slow delivery. That's common when"
    ' a shop grows fast. We offer same-day local courier, if it would help.',
    "Our new range launches in September and we're looking for five stockists in the north-west. Your "
    'shop came highly recommended by a customer. Would you like a sample box?',
    'I was genuinely impressed by your talk on apprenticeships. We run a training programme for junior '
    'developers and would love to hear how you structure mentoring.',
    "Prices for the 2025 season are attached. They're 3% higher than last year because of fuel costs, and"
    ' fixed until December.',
    "I can't promise we're the right fit, but I'd welcome the chance to find out. Would 20 minutes next "
    'Wednesday work?',
    "I've set up a short recording of the demo so you can watch it when convenient; here's the link. If "
    "you'd rather talk it through, I'm free Thursday.",
    'Your account manager, Priya, passed on your question about bulk pricing. For orders over 500 units '
    'we can offer 8% off list. Would that help?',
    "Welcome to the new role, by the way; I saw the announcement on LinkedIn. When you've settled in, "
    'would it be worth a quick call about your fleet tracking?',
    "I know you're rolling out a new EHR this spring, so timing may be bad. If so, I'll check back in the"
    ' summer.',
    "It's obviously your call, but several clinics found it easier to switch before their busy season. "
    'Happy to share how they did it.',
    'The best time to reach me is mornings; my direct line is below.',
    "We've been in business for 20 years and are the largest independent supplier in Wales. We'd be glad "
    'to quote for your next fit-out.',
    "Our early-bird pricing ends on 1 March, because that's when we confirm the venue numbers. After "
    'that, standard rates apply.',
    'I was sorry to hear your founder is stepping down. If the team is reviewing suppliers as part of the'
    " transition, I'd be glad to help.",
    'Your team mentioned the invoices take days to reconcile. Our tool matches them against POs '
    'automatically, and most customers are set up within a week.',
    "Thanks for choosing us for the trade show stand last year. We're taking bookings for next year now, "
    'and I wanted to offer you first pick of locations.',
    "If you'd like to go ahead, I can send the contract today and we could start the installation on the "
    '12th.',
    "I'm sure you've seen plenty of scheduling tools. What's different about ours is the offline mode, "
    'which matters for sites with poor signal.',
    "We're not the biggest agency, but every client gets a senior strategist. Would a 20-minute call be "
    'useful?',
    'Your kitchen looks busy on Friday nights, judging by the reviews. Our handheld ordering devices cut '
    'ticket times by about a quarter.',
    "Following up on the samples I dropped off on Tuesday. If they weren't a fit, no worries; I'd just be"
    " grateful to know what you'd look for instead.",
    "I'll be at the regional conference next week, stand 14. If you're going, I'd love to say hello.",
    'Happy to hold the March slot for you until Friday while you check with your partners; after that '
    "I'll offer it to the waitlist.",
    "Our new app is honestly the thing I'm proudest of in ten years of running this company. I'd love to "
    'get your feedback on it.',
    'I noticed Harbourside Dental added Saturday hours this spring. Weekend slots are usually the first '
    'to fill, and the hardest to rebook when someone cancels. Our waitlist texts patients who asked for '
    'an earlier appointment, and most practices fill about 70% of late cancellations. Would a 15-minute '
    'demo next week be useful?',
    "Thanks for the quick reply yesterday. To your question about contracts: there isn't one, you pay "
    "monthly and can cancel any time. I've attached the pricing sheet; the Starter plan would cover your "
    'two locations.',
    'I run a small signage workshop in Leeds. I walked past your new shop on Briggate and thought the '
    "window could use a hand-painted sign to match the interior. I'd be happy to mock up a couple of "
    'options for free. No obligation.',
    "Following up on the quote I sent on the 4th. Our spring schedule fills quickly, so if you're "
    "planning work before June it's worth booking in the next few weeks. If the timing isn't right, just "
    'let me know.',
    'Congratulations on opening the new clinic. Many practices in their first year find insurance claims '
    'take up more staff time than expected. We handle billing for 30 physiotherapy clinics in the region '
    'and typically get claims paid in under two weeks. Would a call be helpful?',
    "I'm sorry for the mix-up with your samples; the courier sent them to your old address. A fresh set "
    'is on its way and should arrive Thursday.',
    "We're a cooperative of six organic farms in Devon. We supply veg boxes to 12 restaurants in Exeter "
    "and would love to add yours. Deliveries are Tuesday and Friday, and there's no minimum order.",
    "The deadline for the county's energy efficiency grant is 30 September, and it covers up to half the "
    "cost of a heat pump. We've helped 40 businesses apply. Happy to check whether you qualify.",
    "I read your post about struggling to find reliable drivers. That's a common problem right now. We "
    "run a vetted pool of 200 drivers in the Midlands and can usually fill a shift with 24 hours' notice.",
    'Our platform integrates with Shopify and takes about an hour to set up. One of our customers, a tea '
    'shop in York, cut their packing errors to almost zero. Would you like a trial?',
    "Hope the trade show went well. As promised, here's the link to our case study library; the one on "
    "multi-site retailers might be most relevant. I'm around next week if you want to talk.",
    "We'd love to cater your summer staff party. Our menus start at £18 a head, and we can handle dietary"
    " requirements. If you share a date and headcount, I'll send a tailored quote.",
    "I know your team evaluated us two years ago and went another way. We've rebuilt the reporting since "
    'then, and several customers moved back because of it. Would you be open to a fresh look?',
    'Our next training course runs on 8 and 9 May and has four places left. If anyone on your team is '
    'interested, I can send the syllabus.',
    "We're the only supplier in the county certified for asbestos removal in schools. If that's relevant "
    "to your summer works, I'd be glad to visit and quote.",
    'Our customers describe the software as easy to learn, which matters when seasonal staff change every'
    " year. I'd be happy to set up a sandbox so your team can try it.",
    "I'll be in Cardiff on Wednesday visiting another client, and could drop by your office for 20 "
    "minutes if that's convenient. Otherwise a video call works just as well.",
    'Apologies for the delay in getting this to you; our pricing team was waiting on supplier costs. The '
    'revised quote is attached and valid until the end of the month.',
    'Last year you mentioned you might revisit the packaging supplier once your contract ended in March. '
    "I wanted to check in, since that's coming up. Happy to send samples of our compostable range.",
    'Our onboarding is straightforward: a 30-minute call to import your data, then a short training '
    'session for staff. Most clinics are up and running within a week of signing.',
    'I saw that Contoso is expanding into Ohio next year. We help regional distributors set up their '
    'first out-of-state warehouse, from permits to racking. Would a call next week be useful?',
    'Just a quick note to say the webinar recording is now up; the Q&A at the end covers your question '
    "about pricing. Let me know if you'd like to chat.",
    "I'm writing because your team posted about slow month-end closes. Our reconciliation tool cuts that "
    "from days to hours for most mid-size firms. If that sounds useful, I'd be glad to show you.",
    "We're a family-owned print shop and have been printing menus for restaurants in the area for 15 "
    "years. If you're updating your menus for the new season, I'd love to quote.",
    'Sorry for the confusion on the invoice amount; the correct figure is $1,240, and the corrected copy '
    'is attached.',
    "The application window for our accelerator closes on 1 May. It's free and takes about 20 minutes. If"
    " Contoso is a fit, I'd be happy to answer questions.",
    'We just released a free benchmarking report for dental labs. It shows turnaround times for 120 labs '
    "across the country. Here's the link if it's useful.",
    "Thanks for meeting with me on Tuesday. As discussed, I've attached our security documentation for "
    'your IT team. Let me know if they have questions.',
    "Your website mentions you're hiring bilingual staff. We provide on-demand interpreters by video in "
    '40 languages, typically connected in under a minute. Happy to set up a free trial.',
    'I noticed your Google reviews mention parking problems. We run a valet service for restaurants and '
    'event venues, priced per evening. Would you like a quote for weekends?',
    'Great to see Contoso on the Inc. 5000 list this year, congratulations. As you grow, payroll '
    'compliance across states gets complicated. We handle it for 300 companies. Worth a conversation?',
    "I'll be visiting a customer near your office on the 18th. If it's convenient, I could stop by and "
    'show you our handheld scanners in person. No worries if not.',
    'Our service level is simple: we answer calls within 30 seconds, 24 hours a day. Most of our clients '
    'switched from answering services that sent calls to voicemail. Would that be useful for your '
    'after-hours line?',
    "I know you're mid-way through a rebrand, so this may not be the right moment. When you're ready, "
    "we'd love to help with the new signage.",
    'We have spare capacity on our presses in August, so we can offer a shorter lead time than usual for '
    'orders placed in July. Let me know if that helps your schedule.',
    'I read your article on reducing patient wait times. We built a check-in kiosk that several clinics '
    'use to cut front-desk queues. Would a short demo be of interest?',
    "You mentioned on our call that your team spends Fridays on reporting. I've put together a short "
    'example of how our dashboards could handle that, attached. Happy to walk through it.',
    "We're a small team of three, so you'd always speak to someone who knows your account. Our rates "
    'start at $60 an hour.',
    "Following up once more on my note about fleet maintenance. If it's not a fit, a quick no is "
    "perfectly fine and I won't follow up again.",
    "Our new catalogue is out, with 40 new lines for the holiday season. I've attached a PDF; samples are"
    ' available for any of them.',
]

CLEAN_SENTENCES: list[str] = [
    "We'd love to show you how it works if you have 20 minutes.",
    'I think it could be a good fit for your team.',
    'Sorry for the slow reply, I was out of the office last week.',
    'Apologies for the confusion in my last email: the price is $49, not $59.',
    'Sorry to hear about the flooding at your Leeds site.',
    "The early-bird rate runs until 30 June, in case that's useful for planning.",
    'If you could let me know by Friday, I can hold the delivery slot for you.',
    'Registration closes on 14 March.',
    'Happy to send the contract if your legal team wants to review terms.',
    "If it helps, I'll drop by Thursday with samples.",
    "Shall I send over the onboarding checklist so you can see what's involved?",
    'Our customers typically see a 20% drop in no-shows.',
    "One client grew bookings by 150% over two years, though that's an outlier.",
    "We're a small team, so you'd deal with me directly.",
    "I'm a one-person consultancy, which keeps costs down.",
    "I know renewal season is busy, so I'll keep this short.",
    'Your classes seem to sell out most weeks, which is great to see.',
    "It's not a magic fix, but it saves most teams a few hours a week.",
    "We're proud of what we've built, and happy to let the numbers speak.",
    'Our support team answers within an hour, which customers tell us they appreciate.',
    'I noticed your reviews mention long check-in queues on Friday evenings.',
    'Many practices your size lose a few hours a week to same-day cancellations.',
    "If you've already got something that works, no worries at all.",
    'Would Tuesday or Wednesday work for a short call?',
    "I'm in Leeds on the 12th and could stop by if that suits you.",
    "You mentioned you'd be back from leave on the 12th, so I'm checking in now.",
    'Thanks for your interest in our pricing; the sheet is attached.',
    "Thanks for the order last month; I've attached the tracking details you asked for.",
    'The new labelling rules are the biggest change to the category in years.',
    "When you're ready to move forward, I can send a draft agreement.",
    "Once you've signed up, your login would arrive by email within a minute.",
    "We've been flexible with smaller shops on minimums before.",
    "I've set aside two sample packs in case you'd like to try them.",
    'We spent two years building the routing engine.',
    'I put together a one-page summary for you, attached.',
    "Your team will probably have questions, and I'm happy to answer them.",
    'The first month is free, and you can cancel any time.',
    "It won't fix everything, but it should take the worst of the manual work away.",
    'Our app lets staff post updates so families stay informed.',
    "We'll migrate your current member list for free.",
    "I'd be happy to mock up a landing page for you, free, so you can judge.",
    'Is this something your team has looked at?',
    "I'm sure you've thought about this already, so I'll be brief.",
    "If that doesn't work, just let me know a better time.",
    "Happy to call you on your mobile if that's easier than email.",
    'Our turnaround is 3 business days for most labels.',
    "Rates go up in January, so booking before then locks in this year's price.",
    "I've attached a quotation for your two CMMs, as discussed at the show.",
    "Let me know if you'd like me to hold a few reviewers for June.",
    "We'd need a signed PO by the 15th to hold the May production slot.",
    "I can't promise results, but I can show you what similar shops did.",
    "We don't just sell the sensors, we also install and maintain them.",
    'Customers love the mobile app, and it shows in our reviews.',
    "It's the fastest-growing segment in dental supply, according to the ADA report.",
    "Sorry I missed your call this morning; I'll try you again after lunch if that suits.",
    "I'm sorry for the late notice about the schedule change.",
    "Our installers will be in your area next week if you'd like a site visit.",
    'Your guests probably ask about late checkout a lot.',
    'Most teams tell us the hardest part is getting started, so we handle the setup.',
    'Thank you for choosing a time on my calendar; see you Tuesday.',
    'Our clinic partners usually see fewer no-shows within a couple of months.',
    "I'll be in touch next week once the samples are back from the lab.",
    'Could you let me know whether the 22nd still suits?',
    'The offer for schools ends on 31 May, as the grant funding runs out then.',
    "I'm sorry we couldn't make the earlier date work.",
    'I hope the move to the new warehouse went smoothly.',
    "If it's not a priority right now, I completely understand.",
    "We've worked with three clinics in your county, happy to share references.",
    "It's a simple tool, and most teams get it running in an afternoon.",
    'I really enjoyed your talk on supply chain resilience.',
    'Thanks again for the call on Tuesday; the notes are attached.',
    'Our pricing is per location, with no setup fee.',
    'Would it help if I sent a short video instead of a call?',
    'We have two technicians free in early May if timing matters for you.',
    "Many florists tell us Valentine's week is their busiest by far.",
    "It's the best-reviewed app in our category on the App Store, with 4.8 stars.",
    'The grant covers 40% of the cost and closes on 30 September.',
    'If your team prefers, we can start with one site and expand later.',
    "I'd be glad to introduce you to a customer in your area.",
    'Your menu looks great, by the way.',
    "We handle the setup, so there's nothing for your staff to install.",
    "It's not for everyone, and that's fine.",
    "I'll follow up once more in two weeks, and then leave you in peace.",
    'Happy to work around your schedule.',
    "This is my second note, so I'll keep it brief: is this worth a call?",
    'We do tend to book up in spring, so earlier is easier for scheduling.',
    "I noticed you're hiring two coordinators, which usually means growth.",
    'We helped one lab cut turnaround from ten days to four.',
    "It's genuinely useful for teams your size.",
    "My colleague Dana will join the call if that's alright.",
]

FLAWED_SENTENCES: list[tuple[str, str]] = [
    ("Sorry to bug you again, I know you're slammed.", 'apologetic'),
    ('I hate to intrude, but I wondered if you had a second.', 'apologetic'),
    ("I'm so sorry for the cold outreach.", 'apologetic'),
    ('I know this is random and probably unwelcome.', 'apologetic'),
    ('Please excuse the unsolicited email.', 'apologetic'),
    ('I feel bad taking up your time with this.', 'apologetic'),
    ("I'm sure you get a million of these emails.", 'apologetic'),
    ('Sorry for being such a pest.', 'apologetic'),
    ("I won't take up much of your time, I promise.", 'apologetic'),
    ("I'm nervous even sending this, honestly.", 'apologetic'),
    ('My apologies for barging into your inbox.', 'apologetic'),
    ("I hope this isn't too much of an imposition.", 'apologetic'),
    ("I realise I'm probably wasting your time.", 'apologetic'),
    ('Forgive me if this is completely off base.', 'apologetic'),
    ("I'm so sorry to trouble you with yet another email.", 'apologetic'),
    ('I know how precious your time is, so apologies for this.', 'apologetic'),
    ("Sorry, I know I shouldn't really be emailing you directly.", 'apologetic'),
    ('This might be a silly question, sorry in advance.', 'apologetic'),
    ("I completely understand if you'd rather not hear from me.", 'apologetic'),
    ('I hate to be that person, but did you get my last note?', 'apologetic'),
    ("Please don't feel obliged to respond, I know I'm a stranger.", 'apologetic'),
    ("Apologies, I'm sure this is the last thing you need today.", 'apologetic'),
    ("I'm probably not the first and won't be the last to pitch you this week, sorry.", 'apologetic'),
    ('Excuse me for reaching out like this.', 'apologetic'),
    ("I put a lot of hours into this proposal and haven't heard a peep.", 'guilt_tripping'),
    ('I stayed up late preparing this for you, so a reply would mean a lot.', 'guilt_tripping'),
    ("I'm a little hurt that you haven't responded after everything.", 'guilt_tripping'),
    ('I drove four hours to meet your team and still nothing.', 'guilt_tripping'),
    ("After all the help I've given you, I expected better.", 'guilt_tripping'),
    ('My kids barely saw me last week because I was building your model.', 'guilt_tripping'),
    ('It feels like my emails are going into a black hole.', 'guilt_tripping'),
    ("I've bent over backwards to make this work for you.", 'guilt_tripping'),
    ("You said you'd get back to me, and I took you at your word.", 'guilt_tripping'),
    ("I'm not sure why I bothered preparing all this if no one reads it.", 'guilt_tripping'),
    ('It would be a shame if all my work went unread.', 'guilt_tripping'),
    ("My boss is asking why I've spent so much time on your account.", 'guilt_tripping'),
    ('I really thought you were different from the others.', 'guilt_tripping'),
    ('Is it too much to ask for a simple reply?', 'guilt_tripping'),
    ('I went to a lot of trouble getting this approved for you.', 'guilt_tripping'),
    ("I've done everything you asked and now you've gone silent.", 'guilt_tripping'),
    ('The least you could do is tell me no.', 'guilt_tripping'),
    ("Your patients deserve better, and it's on you if they don't get it.", 'guilt_tripping'),
    ('I even offered you our best rate, and this is how you respond?', 'guilt_tripping'),
    ("You can totally ignore this if it's not relevant.", 'guilt_tripping'),
    ("I've chased this for weeks and I'm running out of ways to ask.", 'guilt_tripping'),
    ("I'm the one who has to explain to my manager why this stalled.", 'guilt_tripping'),
    ("I was really hoping you'd be the kind of person who replies.", 'guilt_tripping'),
    ("It hurts a bit that you didn't even open the proposal.", 'guilt_tripping'),
    ('I prepared a custom demo just for your team and nobody showed up.', 'guilt_tripping'),
    ("We're a tiny family business and every reply really matters to us.", 'guilt_tripping'),
    ('I gave you first refusal out of loyalty, and heard nothing back.', 'guilt_tripping'),
    ("I'd appreciate at least the courtesy of a no.", 'guilt_tripping'),
    ('Your silence says a lot.', 'guilt_tripping'),
    ("I cleared my whole Friday for your visit and you cancelled with an hour's notice.", 'guilt_tripping'),
    ('After I vouched for you with our board, this is a bit embarrassing.', 'guilt_tripping'),
    ("Honestly I feel a bit used after all the free advice I've given.", 'guilt_tripping'),
    ('Think of the kids who would benefit if you just said yes.', 'guilt_tripping'),
    ("I'd have thought a company that values partnership would at least respond.", 'guilt_tripping'),
    ("You'd be letting down your whole team by ignoring this.", 'guilt_tripping'),
    ('Our platform is hands down the best thing that will ever happen to your business.', 'hype'),
    ('This will absolutely transform how your clinic runs, overnight.', 'hype'),
    ("We're the undisputed leader in fleet analytics, and nobody else even comes close.", 'hype'),
    ("It's like having a superpower for your sales team.", 'hype'),
    ("Once you try it, you'll never want to use anything else again.", 'hype'),
    ('Our results are simply unreal.', 'hype'),
    ('Your revenue will go through the roof within weeks.', 'hype'),
    ("This is the future of retail, and it's here now.", 'hype'),
    ('We have the most advanced AI in the entire industry.', 'hype'),
    ('Think of it as rocket fuel for your pipeline.', 'hype'),
    ("Trust me, this is the smartest investment you'll make this decade.", 'hype'),
    ('Our clients are blown away every single time.', 'hype'),
    ("It's truly magical what happens when teams switch.", 'hype'),
    ('Your bookings will explode the first week.', 'hype'),
    ("Nothing on the market even comes close to what we've built.", 'hype'),
    ("We guarantee you'll close twice as many deals.", 'hype'),
    ('This is an absolute game-changer for dental practices.', 'hype'),
    ('It will make your competitors look like amateurs.', 'hype'),
    ('Prepare to see numbers you never thought possible.', 'hype'),
    ('This is hands down the best thing ever built for florists.', 'hype'),
    ('You will literally never lose a customer again.', 'hype'),
    ('The ROI is out of this world.', 'hype'),
    ("We're revolutionising veterinary care one clinic at a time.", 'hype'),
    ("It's the only tool your team will ever need, period.", 'hype'),
    ('Your competitors will be green with envy.', 'hype'),
    ('The results are nothing short of miraculous.', 'hype'),
    ('Imagine doubling your revenue without lifting a finger.', 'hype'),
    ("This is unlike anything you've seen before.", 'hype'),
    ("Our clients say it's the best thing since sliced bread.", 'hype'),
    ('Get ready to watch your bookings skyrocket.', 'hype'),
    ('It practically runs your business for you.', 'hype'),
    ("Quite frankly, there's no better product on the planet.", 'hype'),
    ('We turn struggling gyms into money-printing machines.', 'hype'),
    ("It's a complete no-brainer for any serious studio.", 'off_brand'),
    ("I've already created your account, just log in with your email.", 'presumptuous'),
    ("I'll see you at our kickoff on Monday.", 'presumptuous'),
    ('Your team is clearly losing deals because of slow follow-up.', 'presumptuous'),
    ("I know you're unhappy with your current vendor.", 'presumptuous'),
    ("I've scheduled a demo for you on Tuesday at 2pm.", 'presumptuous'),
    ("We've started migrating your data already.", 'presumptuous'),
    ("Since you're ready to switch, here's what happens next.", 'presumptuous'),
    ('Your invoice for the first month is attached.', 'presumptuous'),
    ("I've let our installers know you'll be ready on the 3rd.", 'presumptuous'),
    ("Once you sign, we'll have you live in a week; I've attached the contract.", 'presumptuous'),
    ("I've added you to our customer Slack channel.", 'presumptuous'),
    ('You obviously need a better CRM.', 'presumptuous'),
    ('I know your current process is a mess.', 'presumptuous'),
    ("I've booked our onboarding specialist for your team next week.", 'presumptuous'),
    ('Welcome to the ShiftPunch family!', 'presumptuous'),
    ("I'll put you down for the premium plan.", 'presumptuous'),
    ("Let's plan your go-live for the first of the month.", 'presumptuous'),
    ('I went ahead and ordered the hardware for your three locations.', 'presumptuous'),
    ('Your dedicated success manager, Priya, will reach out tomorrow.', 'presumptuous'),
    ("I'm sure your team is tired of spreadsheets.", 'presumptuous'),
    ("I'll assume silence means you're happy to proceed.", 'presumptuous'),
    ("We'll get started on your setup as soon as I hear back.", 'presumptuous'),
    ("I've reserved a table for us at Rosa's on Thursday at noon.", 'presumptuous'),
    ('Your team will be trained by the end of the month.', 'presumptuous'),
    ("I know budget isn't an issue for a company your size.", 'presumptuous'),
    ("You're obviously not happy with your current provider.", 'presumptuous'),
    ("Once the agreement is signed, which I assume will be this week, we'll begin.", 'presumptuous'),
    ("I've already told our warehouse to hold 200 units for you.", 'presumptuous'),
    ('Given your growth, you definitely need our enterprise plan.', 'presumptuous'),
    ("I've gone ahead and set up a shared folder for our project.", 'presumptuous'),
    ('Our engineers will arrive Monday to start the installation.', 'presumptuous'),
    ("I'm putting you down for the spring cohort.", 'presumptuous'),
    ("It sounds like you're ready to switch, so let's talk logistics.", 'presumptuous'),
    ('Your current agency is clearly dropping the ball.', 'presumptuous'),
    ("I'll have the contract on your desk first thing tomorrow.", 'presumptuous'),
    ("I've shared your details with our finance team so they can invoice you.", 'presumptuous'),
    ('I need a decision from you by Wednesday, no later.', 'pushy'),
    ("If I don't have your signature by noon, the price goes up 20%.", 'pushy'),
    ("I'm going to keep calling until someone picks up.", 'pushy'),
    ("This deal expires at midnight and I won't extend it.", 'pushy'),
    ("Please confirm today so we can lock this in before it's gone.", 'pushy'),
    ("I'll be outside your office at 9am tomorrow, so please make time.", 'pushy'),
    ("Frankly, I've waited long enough for an answer.", 'pushy'),
    ("We can't keep this rate open much longer, so I need you to commit now.", 'pushy'),
    ("Sign the attached by Friday or we'll release your slot to the next client on our waitlist.", 'pushy'),
    ("I'd like a yes or no by end of day.", 'pushy'),
    ("I will escalate this to your CEO if I don't hear back.", 'pushy'),
    ("Every hour you wait costs you money, so let's move.", 'pushy'),
    ("I've called your assistant three times this week; please call me back today.", 'pushy'),
    ("There's no time to waste here, we need to get this signed this week.", 'pushy'),
    ("This is the last time I'll offer this price.", 'pushy'),
    ("I've already cleared my calendar for Thursday, so I expect you to be there.", 'pushy'),
    ('You have until Friday to decide, after that the offer is gone for good.', 'pushy'),
    ('Reply now to reserve your place, only three remain.', 'pushy'),
    ("I won't take no for an answer.", 'pushy'),
    ("I'll keep emailing every day until you agree to a call.", 'pushy'),
    ("I've been patient, but your silence is frankly hurtful.", 'pushy'),
    ("The quote I sent is only valid until Thursday, after which I can't guarantee anything.", 'pushy'),
    ('I really need you to prioritise this over everything else this week.', 'pushy'),
    ('Can you get me an answer today? My team is waiting on you.', 'pushy'),
    ("We're closing the books on this pilot group tomorrow, so it's now or never for Contoso.", 'pushy'),
    ('I have two other hospitals ready to sign if you pass.', 'pushy'),
    ("If I don't hear from you I'll have to offer your date to another venue.", 'pushy'),
    ("Let's stop going round in circles and get this signed.", 'pushy'),
    ("I'm going to keep this in your inbox every morning until you answer.", 'pushy'),
    ('You need to move fast on this.', 'pushy'),
    ("I'll call your boss directly if that's what it takes.", 'pushy'),
    ("Respond by 3pm or I'll move on to the next clinic on my list.", 'pushy'),
    ('Seriously, how long does it take to reply to an email?', 'pushy'),
    ('Book the demo now, spots are going fast.', 'pushy'),
]
