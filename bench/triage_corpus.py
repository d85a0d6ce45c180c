"""A labelled corpus of news-site replies for the triage tests and bench/triage.py.

No registry package we could find ships labelled comment data (the one
"sms spam" package on PyPI ships only pickled models), and nothing may be
downloaded at test time, so the corpus is written here:

* ``HAM``, ``SPAM`` and ``REJECTED``: replies written by hand in the manner of
  real ones (readers arguing about a local story; SEO, casino, crypto, pharmacy,
  essay-mill and "great post" spam; abusive and off-topic replies);
* ``generate(n)``: that many replies assembled from hand-written fragments,
  with the variety of names, websites, links, markup and typing habits real
  traffic has. The hand-written replies are never among them, so
  bench/triage.py can hold them out as a test the model never saw the like of.

Every reply is a dict: name, email, website, body, label (ham / spam / rejected).
"""

import random

HAM = [
    "The harbour wall was last repaired in 1987, and the council minutes from that year already warned it would not take another storm like this.",
    "My father fished out of this harbour for forty years. He always said the north pier was the weak point, and it looks like he was right.",
    "Does anyone know whether the ferry to the island is still running? The article says the harbour is closed but not for how long.",
    "I think the reporter is being a bit unfair on the harbour master. Nobody could have predicted a surge that high.",
    "Good piece. It would help to have a map showing which moorings were damaged — hard to follow otherwise.",
    "We lost two dinghies on Tuesday night. Insurance says 'act of God'. Lovely.",
    "The forecast gave a full day's warning. Why were the boats not moved to the inner basin?",
    "Correction: the lifeboat station is on the east side, not the west, as the second paragraph says.",
    "This is the third closure in five years. At some point we have to talk about whether the harbour can be saved at all.",
    "Thanks for covering this. The national papers have ignored us completely.",
    "@Margaret I agree about the pier, but the funding for repairs was cut in 2019, not 2015.",
    "Here is the Met Office summary of the storm if anyone wants the wind speeds: https://www.metoffice.gov.uk/weather/warnings",
    "The volunteers who sandbagged the slipway deserve a mention. Dozens of people out at 2am in the rain.",
    "I'm not convinced closing the whole harbour was necessary. The fish market could have stayed open with the south gate.",
    "How much will the repairs cost, and who pays? The article doesn't say.",
    "As someone who lives on Quay Street: the flooding was worse than the photos show. The water came up through the drains.",
    "Interesting that the council statement came out at 11pm on a Friday. Make of that what you will.",
    "My grandmother remembers the 1953 flood. She says this was nothing like it, thankfully.",
    "Could the paper follow up in a month and see whether the promised repairs have actually started?",
    "The sea defences report from 2021 is public — <a href=\"https://www.gov.uk/government/publications\">link</a>. Worth reading before blaming anyone.",
    "Not everything is the council's fault. Half the boats in there weren't properly secured.",
    "I disagree with the comment above. The council was warned repeatedly and did nothing.",
    "Lovely photograph of the lighthouse in the spray, by the way. Who took it?",
    "The harbour trust meets on the 14th. Anyone who cares about this should go and ask questions.",
    "We were on holiday there last week and left just before it hit. Thinking of everyone in the town.",
    "The article says 'unprecedented' but the tide tables show a similar surge in 2014.",
    "Sad to see. The café on the pier was our favourite place for breakfast.",
    "Will the Sunday market still go ahead? Nothing on the council website yet.",
    "It's climate change, plain and simple. These storms are getting more frequent and we keep acting surprised.",
    "I'm a marine engineer. The damage to the breakwater looks cosmetic from the photos, but the toe of the wall is what matters.",
    "Spot on, Tom. The dredging stopped years ago and the silt makes every surge worse.",
    "Please stop calling it a 'freak' storm. We had three amber warnings.",
    "The fishermen's co-op has set up a fund for the families who lost gear. Details are at the co-op office on Harbour Road.",
    "My kids' school was closed too because of the road. No mention of that in the article.",
    "Why does the harbour master still not have a proper tide gauge? It's 2026.",
    "Excellent reporting, thank you. More of this and less celebrity news please.",
    "Anyone know if the coastal path is open between the harbour and the bay?",
    "I worked on the 1990s repair. We recommended a second breakwater; it was dropped to save money.",
    "The paper should have asked the harbour trust why the reserve fund was spent on the marina.",
    "<blockquote>nobody could have predicted</blockquote> Except the three reports that did.",
    "Just to add: the bus diversion is via the top road, which adds about 20 minutes.",
    "I'm surprised there's no comment from our MP. They were happy enough to open the marina.",
    "Honestly the best thing about this town is how people turned out to help. Proud of everyone.",
    "The storm drain on Mill Lane has been blocked for months, reported twice. No wonder it flooded.",
    "Is there any estimate of when the harbour will reopen to leisure boats?",
    "I read the full council report and it says the opposite of what the headline implies.",
    "Mixed feelings. Closing it was safe, but the fishing boats lose a week's income at the worst time.",
    "For context, the insurance excess for most moorings here is £500, which a lot of owners can't afford.",
    "Thank you to the lifeboat crew. They went out twice that night.",
    "Would be good to hear from the fishermen themselves rather than only council officials.",
    "My neighbour's basement flooded to knee height. The pumps only arrived the next afternoon.",
    "The harbour has been here for 300 years. It'll survive this too, if we look after it.",
    "I wonder how the new housing on the seafront fared. It was built on the old flood plain.",
    "The timeline in the third paragraph seems off — the gates were shut at 6pm, not 9pm.",
    "Can the paper publish the full statement from the harbour master rather than just quotes?",
    "Great to see local journalism doing its job. Subscribed.",
    "The comments here are more informative than some of the national coverage.",
    "There's a public meeting at the town hall on Thursday at 7pm about the repairs.",
    "Very worrying for the lobster season. Most of the pots were still out.",
    "I hope the council listens this time. We've been saying this for years.",
]

SPAM = [
    "Great post! Very informative. I have bookmarked your site. Visit my blog for more: https://best-casino-bonus.xyz/free-spins",
    "Get 200 FREE SPINS today!!! No deposit needed: https://bit.ly/3xFreeSpins",
    "Buy cheap viagra online without prescription, fast delivery worldwide https://pharma-shop.top/viagra",
    "I earn $500 a day working from home with this simple trick. Check it out: https://tinyurl.com/easy-cash-now",
    "Nice article. We provide the best SEO services at cheap price. Contact us at https://seo-rank-fast.shop",
    "Bitcoin doubling guaranteed! Send 0.1 BTC and receive 0.2 BTC back in 24 hours. https://crypto-double.io",
    "Hello admin, your website has some SEO issues. We can fix them and bring you to page 1 of Google. https://rankboost.agency",
    "Essay writing service — get your essay done in 3 hours by professional writers! https://essay-pro-writers.net",
    "<a href=\"https://replica-watches.shop\">replica watches</a> <a href=\"https://replica-watches.shop/rolex\">cheap rolex</a> <a href=\"https://replica-watches.shop/omega\">omega replica</a>",
    "Thanks for sharing such a nice information. Keep it up! Also visit https://www.loans-instant-approval.com",
    "I was scammed by a fake broker, but a recovery expert got my money back. Contact RecoveryPro on WhatsApp +1 555 0199 8877",
    "Online casino with 100% welcome bonus and instant withdrawals — join now at https://vegas-royal-win.bet",
    "Wow this is amazing!!! Make money online easy, click here https://make-money-fast.click",
    "[url=https://cheap-pills.ru]cheap pills[/url] [url=https://cheap-pills.ru/cialis]cialis[/url]",
    "Very good write-up. I definitely love this website. Keep it up. https://movies-free-hd.stream",
    "Looking for a reliable hacker? Contact cyberhackpro for phone hacking, grade changes and account recovery.",
    "Hot singles in your area are waiting to meet you tonight https://date-local-girls.xyz",
    "Loan approved in 5 minutes, bad credit OK, no paperwork! Apply: https://quickcash-loans.top",
    "This paragraph gives clear idea for the new people of blogging, that in fact how to do blogging. https://blogging-tips-daily.info",
    "Buy Instagram followers and likes cheap, 100% real and instant https://followers-boost.shop",
    "Hi there! Do you know if they make any plugins to help with SEO? I'm trying to get my blog to rank. https://my-seo-blog.online",
    "FREE iPhone 17 giveaway — only 50 left, claim yours now!!! https://iphone-giveaway.win",
    "Download cracked software for free, all versions, no virus: https://crack-soft.download",
    "CBD gummies that melt stress away — 60% off this week only at https://cbd-relief-store.shop",
    "Invest in our AI trading bot and earn 30% monthly returns guaranteed https://ai-trade-profits.com",
    "Nice blog! Is your theme custom made or did you download it from somewhere? https://wp-themes-free.xyz",
    "Keto diet pills burn fat fast without exercise, doctors hate this https://keto-slim-now.top",
    "I like the valuable info you provide in your articles. I will bookmark your weblog and check again here regularly. https://webhosting-cheap.club",
    "Earn free crypto by watching videos, withdraw daily, join with my link https://earn-crypto-free.site/ref=7781",
    "Best escort service in town, available 24/7, call now https://vip-escorts-city.xyz",
    "Custom term papers, dissertations, homework help, guaranteed A+ grade https://homework-helpers.org",
    "Cheap flights and hotels, up to 80% off, book now https://cheap-travel-deals.click",
    "Get rid of debt today! Government program pays off your credit cards https://debt-relief-now.info",
    "Watch live football free HD stream no signup https://live-football-hd.stream",
    "Superb blog post, I have added this to my favourites. Check my site about casino games https://slots-online-real.bet",
    "Your article helped me a lot, is there any more related content? Thanks! https://vk.cc/ahd8Q",
    "Win big at the best online slots, 500 free spins for new players — https://spin-palace-bonus.xyz",
    "Need a loan urgently? Contact Mr. David Smith, loan lender, email on his site, 2% interest https://private-lender.online",
    "Магазин реплик часов, доставка по всему миру https://chasy-replica.ru",
    "Awesome! Its truly remarkable post, I have got much clear idea regarding from this post. https://article-spinner.pro",
    "Lose 10kg in 10 days with this one weird trick https://weight-loss-secret.top",
    "Buy verified PayPal accounts, bank accounts and credit cards online https://verified-accounts.shop",
    "Forex signals with 95% accuracy, join our Telegram group now https://t.me/forexsignals_vip",
    "Hey! Quick question that's entirely off topic. Do you know how to make your site mobile friendly? https://mobile-web-design.agency",
    "Male enhancement pills, results guaranteed or money back https://enhance-max.shop",
    "Great information. Lucky me I found your site by accident. https://random-backlinks.xyz",
    "Play poker online for real money — instant payouts https://poker-stars-real.bet",
    "Get your driving licence without exam, real documents https://buy-documents-online.com",
    "Amazing deals on designer handbags, Louis Vuitton and Gucci at 90% off https://designer-bags-outlet.shop",
    "Thank you for the good writeup. It in fact was a amusement account it. Look advanced to more added agreeable from you! https://seo-backlinks.ru",
]

REJECTED = [
    "Anyone who believes the council is an idiot. You people deserve to drown.",
    "The harbour master is a useless fat clown and everyone knows it.",
    "Typical lefty rag, blaming climate change for everything. Go back to where you came from.",
    "Shut up Margaret, nobody asked for your opinion.",
    "This has nothing to do with the storm but has anyone seen the football last night? Ref was a disgrace.",
    "The reporter clearly can't write. Sack them.",
    "I know where the harbour master lives, someone should pay him a visit.",
    "Off topic but the parking charges in town are a scandal, who do I complain to?",
    "Muppets, the lot of you. Absolute muppets.",
    "The mayor is a crook and is taking bribes from the marina developers, everyone knows it.",
    "Why do you let these morons comment here?",
    "Who cares about some boats. Pathetic whining.",
]

_FIRST = ["Margaret", "Tom", "Aisha", "Dave", "Priya", "John", "Siobhan", "Kwame", "Ewan", "Li", "Hannah",
          "Mohammed", "Sarah", "Bill", "Fatima", "Gareth", "Olu", "Rachel", "Pete", "Ines", "Janet", "Marek"]
_LAST = ["Pritchard", "Evans", "Okafor", "Campbell", "Shah", "Murphy", "Nowak", "Jones", "Williams", "Chen",
         "Hughes", "O'Neill", "Bell", "Khan", "Fraser", "Davies", "Reid", "Morgan"]
_HAM_OPEN = ["", "", "I think ", "Honestly, ", "To be fair, ", "As a local, ", "Good point, but ", "@{n} ",
             "Thanks for this. ", "Not sure about this: ", "For what it's worth, ", "Agree with the above — "]
_HAM_CLAIM = [
    "the {thing} has needed work since {year}",
    "nobody at the council took the {thing} seriously",
    "the {thing} was badly damaged on {day} night",
    "the article gets the {thing} wrong in the {nth} paragraph",
    "we should ask who pays for the {thing}",
    "the volunteers at the {thing} did an amazing job",
    "I remember when the {thing} flooded in {year}",
    "the report on the {thing} is worth reading before judging",
    "my family has used the {thing} for {k} years",
    "the {thing} reopening date is still unclear",
    "closing the {thing} cost the fishermen a week's income",
    "the forecast warned about the {thing} days before",
]
_HAM_THINGS = ["harbour wall", "north pier", "slipway", "lifeboat station", "fish market", "breakwater",
               "ferry terminal", "sea defences", "coastal path", "marina", "lighthouse", "harbour office",
               "storm drains", "quay", "moorings", "tide gauge", "school road", "bus route"]
_HAM_CLOSE = ["", "", ".", ".", ". Thanks for covering it.", ". Just my view.", "!", ". Any updates?",
              ". Hope it gets sorted.", ". Let's see what the trust says on Thursday.", " — worth a follow-up.",
              ". Source: {src}"]
_HAM_SOURCES = ["https://www.metoffice.gov.uk/", "https://www.gov.uk/flood-warning", "https://www.bbc.co.uk/news",
                "https://en.wikipedia.org/wiki/North_Sea_flood_of_1953", "https://www.rnli.org/"]
_SPAM_OPEN = ["", "Great post! ", "Nice article. ", "Hello admin, ", "Wow!!! ", "Thanks for sharing. ",
              "Very informative. ", "Hi there! ", "Superb blog. ", "I like your website. ", "Amazing! "]
_SPAM_OFFER = [
    "get {n} free spins at the best online casino", "buy cheap {drug} online without prescription",
    "earn ${k} a day working from home", "we provide cheap SEO services and backlinks",
    "double your bitcoin in 24 hours guaranteed", "professional essay writing in {k} hours",
    "replica {brand} watches at 90% off", "instant loans with bad credit approved", "buy real followers and likes",
    "hot singles near you tonight", "download cracked software free", "keto pills burn fat without exercise",
    "AI trading bot with {k}% monthly returns", "watch live football free in HD", "CBD gummies {k}% off today",
    "recover your lost crypto with our experts", "designer {brand} bags outlet sale",
]
_SPAM_CALL = ["check it out", "click here", "visit my site", "join now", "claim yours now", "contact us",
              "limited offer", "don't miss out", "sign up today", "more info here"]
_SPAM_TLDS = ["xyz", "top", "shop", "click", "bet", "online", "site", "info", "ru", "win", "club", "stream", "io",
              "com", "net"]
_SPAM_WORDS = ["casino", "bonus", "spins", "pharma", "pills", "loans", "crypto", "seo", "rank", "replica",
               "essay", "followers", "deals", "profit", "cash", "slots", "keto", "cbd"]
_DRUGS = ["viagra", "cialis", "tramadol", "xanax", "phentermine"]
_BRANDS = ["rolex", "omega", "gucci", "louis vuitton", "cartier"]
_SHORTENERS = ["bit.ly", "tinyurl.com", "t.co", "vk.cc", "is.gd", "cutt.ly"]
_SPAM_NAMES = ["Best Casino Bonus", "Cheap SEO Services", "Crypto Expert", "Loan Offer", "Essay Writer",
               "Buy Followers", "Free Spins", "Replica Watches", "CBD Store", "Make Money Online"]


def _slug(rng, *words):
    return "-".join(rng.sample(words, k=min(2, len(words))))


def _spam_url(rng):
    if rng.random() < 0.2:
        return f"https://{rng.choice(_SHORTENERS)}/{rng.randrange(36**5):x}"
    host = f"{_slug(rng, *_SPAM_WORDS)}{rng.choice(['', '-now', '-24', '-best', '-online'])}.{rng.choice(_SPAM_TLDS)}"
    return f"https://{host}/{rng.choice(['', 'free', 'promo', 'ref=' + str(rng.randrange(9999))])}"


def _ham(rng, i):
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" if rng.random() < 0.8 else rng.choice(_FIRST)
    sentences = []
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        claim = rng.choice(_HAM_CLAIM).format(
            thing=rng.choice(_HAM_THINGS), year=rng.randrange(1950, 2025), day=rng.choice(["Monday", "Tuesday", "Friday"]),
            nth=rng.choice(["second", "third", "fourth"]), k=rng.randrange(2, 60),
        )
        opener = rng.choice(_HAM_OPEN).format(n=rng.choice(_FIRST))
        close = rng.choice(_HAM_CLOSE).format(src=rng.choice(_HAM_SOURCES))
        sentences.append((opener + claim)[:1].upper() + (opener + claim)[1:] + (close or "."))
    body = " ".join(sentences)
    if rng.random() < 0.05:
        body = f"<blockquote>{rng.choice(HAM)[:60]}</blockquote> {body}"
    website = f"https://{name.split()[0].lower()}{rng.randrange(99)}.blog" if rng.random() < 0.08 else ""
    return {"name": name, "website": website, "body": body, "label": "ham"}


def _spam(rng, i):
    name = rng.choice(_SPAM_NAMES) if rng.random() < 0.4 else f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    offer = rng.choice(_SPAM_OFFER).format(
        n=rng.choice([50, 100, 200, 500]), drug=rng.choice(_DRUGS), k=rng.randrange(3, 900), brand=rng.choice(_BRANDS)
    )
    body = f"{rng.choice(_SPAM_OPEN)}{offer[:1].upper()}{offer[1:]}, {rng.choice(_SPAM_CALL)}"
    body += rng.choice(["!", "!!!", ".", " :)", "!!"])
    links = rng.choice([0, 1, 1, 1, 2, 3])
    urls = [_spam_url(rng) for _ in range(links)]
    if urls and rng.random() < 0.3:
        body += " " + " ".join(f'<a href="{u}">{rng.choice(_SPAM_WORDS)}</a>' for u in urls)
    elif urls and rng.random() < 0.1:
        body += " " + " ".join(f"[url={u}]{rng.choice(_SPAM_WORDS)}[/url]" for u in urls)
    else:
        body += " " + " ".join(urls)
    if rng.random() < 0.15:
        body = body.upper()
    website = _spam_url(rng) if rng.random() < 0.6 else ""
    return {"name": name, "website": website, "body": body.strip(), "label": "spam"}


def generate(n, *, spam_share=0.4, seed=0):
    """`n` replies assembled from fragments, a `spam_share` of them spam, each with its own email."""
    rng = random.Random(seed)
    replies = []
    for i in range(n):
        reply = _spam(rng, i) if rng.random() < spam_share else _ham(rng, i)
        reply["email"] = f"reader{i}-{rng.randrange(10**6)}@example.{rng.choice(['org', 'com', 'net'])}"
        replies.append(reply)
    return replies


def hand_written(*, with_rejected=True):
    """The hand-written replies, labelled, each with an email of its own."""
    labelled = [(b, "ham") for b in HAM] + [(b, "spam") for b in SPAM]
    labelled += [(b, "rejected") for b in REJECTED] * with_rejected
    rng = random.Random(1)
    return [
        {
            "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" if label != "spam" or rng.random() < 0.5
            else rng.choice(_SPAM_NAMES),
            "email": f"hand{i}@example.org", "website": "", "body": body, "label": label,
        }
        for i, (body, label) in enumerate(labelled)
    ]
