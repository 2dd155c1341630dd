"""Chatter around a question ("sorry for silly doubt but", "my teacher said", "for prelims"):
dropped before matching, as exam boilerplate is, so that it does not dilute the question.
"""

from __future__ import annotations

import re

# Phrases that frame a question without saying what it is about. Each is generic to how
# students write, never a word of any pack's subject.
_CHATTER = re.compile(
    r"\b(?:"
    # apologies and hedges
    r"sorry(?: for| if)?(?: the| this| a| my)?(?: very)?(?: silly| stupid| dumb| basic| small"
    r"| noob| naive)?(?: doubt| question| query)?(?: but)?"
    r"|(?:this|it) (?:is|may be|might be) (?:a )?(?:very )?(?:silly|stupid|basic|dumb)"
    r"(?: doubt| question)?(?: but)?"
    r"|(?:just |quick |small )?(?:doubt|query)(?: hai| h)?:?"
    r"|quick one|new to \w+|(?:i am|i'm|im) (?:confused|curious|new)(?: about| here)?"
    # requests to the bot
    r"|(?:can|could|would|will) (?:you|someone|anyone|u)(?: please| pls| plz| kindly)?"
    r"(?: tell| explain| help| clarify| share| let)?(?: me| us)?(?: with| about| know)?"
    r"|(?:please|pls|plz|kindly) (?:help|explain|tell)(?: me)?"
    r"|(?:i|we) (?:want|wanted|need|needed|would like|wish) to (?:know|understand|quote|write"
    r"|learn|check|confirm)(?: about)?"
    r"|help me (?:understand|with)"
    # where the student heard it
    r"|(?:i|we|my \w+|someone|people|analysts|everyone) (?:have |had |keep |kept )?"
    r"(?:read|heard|saw|seen|seeing|reading|hearing|said|says|say|told me|remember|recall"
    r"|think|thought)(?: somewhere| online| in the news| that)*"
    r"|(?:in|from) (?:the |my |a |many |some )?(?:news(?:paper)? )?"
    r"(?:news(?:paper)?s?|editorials?|notes|coaching notes|current affairs(?: pdf| notes)?|pdf"
    r"|class|book|articles?)"
    # what it is for
    r"|(?:for|in) (?:my |the |a |an )?(?:upsc|ias|ssc|prelims|mains|exam|interview|essay|quiz"
    r"|gs ?\d|answer writing|assignment|project|current affairs quiz)"
    r"(?: answer(?: writing)?| prep(?:aration)?)?"
    r"|(?:need|needed) (?:it|this) for (?:an? |my )?\w+"
    r"|asking for (?:an? |my )?[\w ]{0,20}?(?:quiz|exam|test)"
    # greetings and fillers around the question
    r"|hi bot|hey bot|hello bot|lol|haha|guys|bro|dude|ok so|okay so|so basically"
    r"|^\W*(?:hey|hello|hii*|yo)(?: there)?"
    # an order instead of a question word: "name the exercises…", "list all the partners…"
    r"|^\W*(?:name|list|mention|state|enumerate)(?= (?:the|all|any|some|those|these)\b)"
    r"|like(?= (?:what|which|who|whom|when|where|how)\b)"
    r"|long story short|honestly|to be honest|tbh|this is a long one"
    # how to answer, or whether a claim heard is right: "in simple words", "is that right"
    r"|in (?:very )?(?:simple|easy|plain|short) (?:words|terms|language|english)"
    r"|(?:is|was) (?:that|this|it) (?:right|true|correct)"
    r"|in the first place"
    r"|in (?:our|my|a|the) (?:group discussion|gd|study group|whatsapp group|discussion)"
    # the student's situation
    r"|(?:i|we) (?:have|got|have got) (?:a|an|my|our) (?:class |unit |surprise |mock )?"
    r"(?:test|exam|quiz|viva|interview)"
    r"(?: tomorrow| today| soon| next week)?"
    r"|(?:and )?(?:i )?(?:totally|completely|kind of|kinda) forgot"
    r")\b",
    re.IGNORECASE,
)


def strip_chatter(text: str) -> str:
    """The message without the framing around its question; unchanged if that is all it is."""
    stripped = " ".join(_CHATTER.sub(" ", text).split())
    return stripped if re.search(r"\w", stripped) else text
