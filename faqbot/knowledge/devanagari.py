"""Hindi in Devanagari for matching: spelling variants folded, light stemming, stop words.

Students spell the same Hindi word several ways (ज़/ज, हिंदी/हिन्दी, हँ/हं, दी/दि), type
Devanagari digits, and end sentences with a danda; this folds all of those to one form.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Script = Literal["devanagari", "latin", "other", "none"]

NUKTA = "\u093c"
VIRAMA = "\u094d"
ANUSVARA = "\u0902"
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
# Folded spellings: chandrabindu to anusvara; long i/u matras to short ones (the commonest
# slip); candra o (ऑ, as in डॉलर) to aa, which is how many write it; the danda to a full stop;
# the nukta, avagraha and zero-width joiners dropped.
_FOLD = str.maketrans(
    {
        "\u0901": ANUSVARA,
        "\u0940": "\u093f",  # ी -> ि
        "\u0942": "\u0941",  # ू -> ु
        "\u0908": "\u0907",  # ई -> इ
        "\u090a": "\u0909",  # ऊ -> उ
        "\u0949": "\u093e",  # ॉ -> ा
        "\u0911": "\u0906",  # ऑ -> आ
        "\u0945": "\u0947",  # ॅ -> े
        "\u090d": "\u090f",  # ऍ -> ए
        "\u0964": ".",
        "\u0965": ".",
        NUKTA: None,
        "\u093d": None,
        "\u200c": None,
        "\u200d": None,
    }
)
# A nasal consonant with a virama before another consonant is written as an anusvara by most
# (सम्बन्ध and संबंध are the same word).
_HALF_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
# Dependent vowel signs and other marks: Python's \w leaves them out, which would cut every
# Devanagari word apart at its matras.
MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"

# Function and question words, in folded spelling (applied through `fold`). Words a pack
# wants ignored on top of these go in its `stopwords`.
_STOPWORDS = """
का की के को से में मे पर ने है हैं हे था थी थे थीं हो होता होती होते होना हुआ हुई हुए हुईं
और एवं व तथा या भी ही तो यह ये वह वे वो इस उस इन उन इसका इसकी इसके उसका उसकी उसके उनका उनकी
उनके अपना अपनी अपने क्या कब कहाँ कहां कौन कौनसा कौनसी कौनसे किस किसने किसके किसकी किसको किसे
किन किनके किनकी किनसे कैसे कैसा कैसी क्यों कितने कितना कितनी बताइए बताइये बताओ बताएँ बताएं
बताना समझाइए समझाइये समझाओ मुझे हमें मैं हम आप तुम जी कृपया लिए लिये द्वारा वाला वाली वाले
गया गई गए गयी गये रहा रही रहे कर करना करने करता करती करते करें किया किए किये बारे संबंधी
सा सी से संबंध संदर्भ लेकर बात बातें बीच हुआ हुआ था वाला कोई कुछ जो अब भी केवल सिर्फ़ सिर्फ
निम्नलिखित निम्न कथन कथनों विचार कीजिए करिए उपर्युक्त उपरोक्त सही गलत ग़लत नहीं न तो दोनों
""".split()

# Suffixes stripped by the light stemmer (after Ramanathan and Rao, "A Lightweight Stemmer for
# Hindi", 2003), longest first; a stem keeps at least three code points. Their short verb
# endings that start with a consonant (ना, ने, ता, ती, कर) are left out: on nouns they cut
# into the word (जापानी would lose its न and part from जापान).
_SUFFIXES = """
ाएंगी ाएंगे ाऊंगी ाऊंगा ाइयाँ ाइयों ाइयां
ाएगी ाएगा ाओगी ाओगे एंगी ेंगी एंगे ेंगे ूंगी ूंगा ातीं ियाँ ियों ियां
ाकर ाइए ाईं ाया ेगी ेगा ोगी ोगे ाने ाना ाते ाती ाता ाओं ाएं ुओं ुएं ुआं ाएँ
ाओ िए ाई ाए ीं ाँ ां ों ें
ो े ू ु ी ि ा
""".split()
MIN_STEM = 3
# Words whose inflections are other words: पहल is an initiative, पहली first, पहले before.
_UNSTEMMED = """पहल पहला पहली पहले""".split()


def has_devanagari(text: str) -> bool:
    """Whether any Devanagari character is in text."""
    return _DEVANAGARI.search(text) is not None


def fold(text: str) -> str:
    """One spelling for variants of the same Devanagari word; ASCII digits for Devanagari ones.

    Expects NFC or NFKC text, in which nukta letters (क़) are already a letter and a nukta.
    """
    return _HALF_NASAL.sub(ANUSVARA, text.translate(_FOLD)).translate(_DIGITS)


def ascii_digits(text: str) -> str:
    """Devanagari digits as ASCII ones (२०१९ -> 2019)."""
    return text.translate(_DIGITS)


STOPWORDS = frozenset(fold(word) for word in _STOPWORDS)
UNSTEMMED = frozenset(fold(word) for word in _UNSTEMMED)
_FOLDED_SUFFIXES = sorted({fold(suffix) for suffix in _SUFFIXES}, key=len, reverse=True)


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """A folded Devanagari word without its inflection (जापानी -> जापान, वार्ताओं -> वार्त)."""
    if token in UNSTEMMED:
        return token
    for suffix in _FOLDED_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            return token[: -len(suffix)]
    return token


def script_of(text: str) -> Script:
    """The script a message is written in: Devanagari as soon as it has a Devanagari word.

    "HADR cooperation भारत जापान" is a Hindi speaker's question, so any Devanagari letter
    counts; a message with no letters at all is "none".
    """
    latin = other = False
    for char in text:
        if "\u0900" <= char <= "\u097f":
            if char.isalpha():
                return "devanagari"
        elif char.isascii():
            latin = latin or char.isalpha()
        elif char.isalpha():
            other = True
    if latin:
        return "latin"
    return "other" if other else "none"
