"""Messages more than one feature sends, so that no feature imports another for its wording.

The sentences themselves are in the per-language catalogue (`knowledge/catalogue.py`); these
names are the English ones, for the features that do not speak Hindi yet.
"""

from faqbot.knowledge.catalogue import say

EXPIRED = say("en", "expired")
SORRY = say("en", "sorry")
NOT_ALLOWED = say("en", "not_allowed")
