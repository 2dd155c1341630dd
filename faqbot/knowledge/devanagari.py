"""Hindi in Devanagari for matching: spelling variants folded, light stemming, stop words.

Students spell the same Hindi word several ways (ज़/ज, हिंदी/हिन्दी, हँ/हं, दी/दि), type
Devanagari digits, and end sentences with a danda; this folds all of those to one form.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

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
_FOLD_PAIRS = tuple((chr(old), new or "") for old, new in _FOLD.items())
_FOLDED = "".join(new for _, new in _FOLD_PAIRS)
assert not any(chr(old) in _FOLDED for old in _FOLD), "a folded character is folded again"
_DEVANAGARI_DIGIT = re.compile("[\u0966-\u096f]")
# A nasal consonant with a virama before another consonant is written as an anusvara by most
# (सम्बन्ध and संबंध are the same word).
_HALF_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
# Dependent vowel signs and other marks: Python's \w leaves them out, which would cut every
# Devanagari word apart at its matras.
MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"

# Function and question words, in folded spelling (applied through `fold`); "said", "will
# do", "gave", "can", "should" and the passive's जाता as the English list has say, will, give,
# can and should. Then what students add when they chat: "यार", "बता", "थोड़ा", "सुना है",
# "सच है?", "जल्दी", "कबसे", पे for पर, "सारे", and nouns that name no thing ("किस चीज़",
# "किस टाइप", "किस प्रकार", "किस तरह", as English has "type"); and the exam's "प्रकाश
# डालिए", "स्पष्ट कीजिए", "वर्णन कीजिए" (throw light on, make clear, describe: "explain").
# Left in, such a word is one the pack never uses, which lowers the chosen entry's coverage of
# the question and holds a right answer back. Words a pack wants ignored on top of these go
# in its `stopwords`.
_STOPWORDS = """
का की के को से में मे पर ने है हैं हे था थी थे थीं हो होता होती होते होना हुआ हुई हुए हुईं
और एवं व तथा या भी ही तो यह ये वह वे वो इस उस इन उन इसका इसकी इसके उसका उसकी उसके उनका उनकी
उनके अपना अपनी अपने क्या कब कहाँ कहां कौन कौनसा कौनसी कौनसे किस किसने किसके किसकी किसको किसे
किन किनके किनकी किनसे कैसे कैसा कैसी क्यों कितने कितना कितनी बताइए बताइये बताओ बताएँ बताएं
बताना समझाइए समझाइये समझाओ मुझे हमें मैं हम आप तुम जी कृपया लिए लिये द्वारा वाला वाली वाले
गया गई गए गयी गये रहा रही रहे कर करना करने करता करती करते करें किया किए किये बारे संबंधी
सा सी से संबंध संदर्भ लेकर बात बातें बीच हुआ हुआ था वाला कोई कुछ जो अब भी केवल सिर्फ़ सिर्फ
निम्नलिखित निम्न कथन कथनों विचार कीजिए करिए उपर्युक्त उपरोक्त सही गलत ग़लत नहीं न तो दोनों
कहा कहे कही कहीं कहते कहती कहना बोले बोला बोली बोलते बताया बताई बताते होगा होगी होंगे होंगी करेंगे
करेगा करेगी करो करके दिया दी दिए दिये लिया ली तक वहाँ यहाँ सबसे
सकता सकती सकते सके सकेगा सकेगी चाहिए जाता जाती जाते जाए जाएगा जाएगी जाएंगे जाएँगे
किससे किसका किसमें किसलिए किनका किनको किनमें इनमें उनमें इसमें उसमें सब सबका सबकी सबके
ऐसा ऐसी ऐसे जैसा जैसी जैसे आता आती आते
यार भाई ना ज़रा जरा थोड़ा थोड़ी थोड़े जल्दी असल असलमें वैसे प्लीज़ प्लीज सर मैडम मैंने हमने
सुना सुनी सुने सच सचमुच बता बताना बताइएगा समझा समझाना समझाइएगा दीजिए दीजिये देना दें
मिलकर
कबसे पे इसपे उसपे किसपे सारे सारी सारा कुल
शॉर्ट टॉपिक टाइप चीज़ चीज़ें चीज़ों हिसाब मुताबिक चुनिए चुनें
प्रकाश डालिए डालिये डालें स्पष्ट वर्णन प्रकार तरह
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
# Words whose inflections are other words: पहल is an initiative, पहली first, पहले before,
# पहलू an aspect.
_UNSTEMMED = """पहल पहला पहली पहले पहलू पहलुओं""".split()


def has_devanagari(text: str) -> bool:
    """Whether any Devanagari character is in text."""
    return _DEVANAGARI.search(text) is not None


def fold(text: str) -> str:
    """One spelling for variants of the same Devanagari word; ASCII digits for Devanagari ones.

    Expects NFC or NFKC text, in which nukta letters (क़) are already a letter and a nukta.
    """
    # `str.translate` looks every character up in its table, and most are not there: a
    # replace per folded character that occurs is several times cheaper, and the same, as no
    # character is replaced by one that is folded itself (_FOLDED).
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    text = _HALF_NASAL.sub(ANUSVARA, text)
    return ascii_digits(text)


def ascii_digits(text: str) -> str:
    """Devanagari digits as ASCII ones (२०१९ -> 2019)."""
    return text.translate(_DIGITS) if _DEVANAGARI_DIGIT.search(text) else text


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


# Coarse sounds for comparing spellings: one letter per Devanagari consonant (aspiration,
# retroflex and sibilant distinctions merged: students and English loanwords blur them), and
# the inherent vowel left out, so a virama typed or not (गार्जियन, गारजियन) makes no difference.
_CONSONANT_SOUNDS = dict(
    zip(
        "कखगघङचछजझञटठडढणतथदधनपफबभमयरलळवशषसह",
        "kkggnccjjnttddnttddnpfbbmyrllvsssh",
        strict=True,
    )
)
_VOWEL_SOUNDS = {
    **dict.fromkeys("अआा\u0949\u0911", "a"),
    **dict.fromkeys("इईि\u0940", "i"),
    **dict.fromkeys("उऊु\u0942", "u"),
    **dict.fromkeys("एऐेै\u0945\u090d", "e"),
    **dict.fromkeys("ओऔोौ", "o"),
    "ऋ": "r",
    "\u0943": "r",
    ANUSVARA: "n",
    "\u0901": "n",
    "\u0903": "h",
}


# For slips in Hindi words, aspirated and retroflex consonants stay apart (कुल, खुल); the
# sibilants do not (सुरु for शुरू).
_HINDI_SOUNDS = {
    **_CONSONANT_SOUNDS,
    **dict(zip("खघछझठढथधफभ", "KGCJTDQWFB", strict=True)),
    **dict(zip("टड", "ṭḍ", strict=True)),
}


def sound_key(token: str) -> str:
    """A Devanagari word as Latin sounds, vowels kept, the inherent one left out."""
    return "".join(_HINDI_SOUNDS.get(c) or _VOWEL_SOUNDS.get(c, "") for c in token)


def coarse_sound_key(token: str) -> str:
    """As `sound_key`, with the consonants an English word in Devanagari blurs merged."""
    return "".join(_CONSONANT_SOUNDS.get(c) or _VOWEL_SOUNDS.get(c, "") for c in token)


def consonant_key(token: str) -> str:
    """The consonants of a Devanagari word as an English speller hears them (डिफेंस -> "dfns").

    Vowels are left out because English spells them so unlike Hindi does; य (ल्यू in
    रेज़ोल्यूशन, िय in टेरिटोरियल) and ह are left out for the same reason.
    """
    key = []
    for char in token:
        sound = _CONSONANT_SOUNDS.get(char)
        if sound is not None and sound not in "yh":
            key.append(sound)
        elif char in (ANUSVARA, "\u0901"):
            key.append("n")
    return _squeeze("".join(key))


# English spellings for the sounds Hindi writes with one letter; applied in order.
_ENGLISH_SPELLINGS = (
    (re.compile(r"[st]ion"), "sn"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ch"), "C"),
    (re.compile(r"c(?=[eiy])|(?<=[nr])c\b"), "s"),  # a stemmed "defence" is "defenc"
    (re.compile(r"c"), "k"),
    (re.compile(r"C"), "c"),
    (re.compile(r"g(?=[eiy])"), "j"),
    (re.compile(r"q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "j"),
    (re.compile(r"gn\b"), "n"),
    (re.compile(r"h"), ""),
)
_VOWELS = re.compile(r"[aeiouy]")


def latin_sound_key(word: str) -> str:
    """An English word as a Hindi speaker hears it ("defence" -> "defense"); "" if not English."""
    if not (word.isascii() and word.isalpha()):
        return ""
    for pattern, sound in _ENGLISH_SPELLINGS:
        word = pattern.sub(sound, word)
    return _squeeze(word.replace("y", "i"))


def latin_consonant_key(word: str) -> str:
    """The consonants of an English word as a Hindi speaker writes them ("defence" -> "dfns")."""
    return _squeeze(_VOWELS.sub("", latin_sound_key(word)))


def _squeeze(key: str) -> str:
    return _SQUEEZE.sub(r"\1", key)


_SQUEEZE = re.compile(r"(.)\1+")


class Respeller:
    """Maps a Devanagari word the pack never uses to the pack word it misspells or transliterates.

    A slip is a word with the same coarse sounds as a known Devanagari one (वारता, वार्ता).
    An English word written in Devanagari (डिफेंस, कैपेबिलिटी) is found among the pack's
    English words by its consonants, so such loanwords need not be listed in the pack one by
    one. Words are compared as the normaliser gives them (folded, stemmed).
    """

    # A loanword's consonants: at least MIN_CONSONANTS of them, equal up to SHORT_KEY, at
    # least CONSONANT_CUTOFF alike (rapidfuzz ratio) beyond; and its vowels at least
    # SOUND_CUTOFF alike, so a Hindi word with an English word's consonants (निवेश, news) is
    # left alone more often than not.
    MIN_CONSONANTS = 3
    SHORT_KEY = 4
    CONSONANT_CUTOFF = 80.0
    SOUND_CUTOFF = 70.0

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.known = frozenset(vocabulary)
        by_sound: dict[str, set[str]] = defaultdict(set)
        by_consonants: dict[str, set[str]] = defaultdict(set)
        for word in self.known:
            if has_devanagari(word):
                by_sound[sound_key(word)].add(word)
            # Acronyms (jsst, ugv) are read out letter by letter in Devanagari (जेएसएसटी), and
            # the pack lists those spellings; a word without vowels is not said as written.
            elif _VOWELS.search(word):
                key = latin_consonant_key(word)
                if len(key) >= self.MIN_CONSONANTS:
                    by_consonants[key].add(word)
        # A sound shared by two known words says nothing about which one was meant.
        self._by_sound = {key: next(iter(w)) for key, w in by_sound.items() if len(w) == 1}
        self._by_consonants = {key: sorted(w) for key, w in by_consonants.items()}
        self._consonant_keys = list(self._by_consonants)
        self._memo: dict[str, str] = {}

    def cache_clear(self) -> None:
        """Forget the words respelled so far (for benchmarks)."""
        self._memo.clear()

    def __call__(self, token: str) -> str:
        if token in self.known or not has_devanagari(token):
            return token
        found = self._memo.get(token)
        if found is None:
            if len(self._memo) > 65536:
                self._memo.clear()
            found = self._memo[token] = self._respell(token)
        return found

    def _respell(self, token: str) -> str:
        same_sound = self._by_sound.get(sound_key(token))
        if same_sound is not None:
            return same_sound
        key = consonant_key(token)
        if len(key) < self.MIN_CONSONANTS:
            return token
        if len(key) <= self.SHORT_KEY:
            candidates = self._by_consonants.get(key, [])
        else:
            candidates = [
                word
                for found, _, _ in process.extract(
                    key,
                    self._consonant_keys,
                    scorer=fuzz.ratio,
                    score_cutoff=self.CONSONANT_CUTOFF,
                    limit=None,
                )
                for word in self._by_consonants[found]
            ]
        sounds = coarse_sound_key(token)
        best = max(
            candidates,
            key=lambda word: (
                fuzz.ratio(key, latin_consonant_key(word)),
                fuzz.ratio(sounds, latin_sound_key(word)),
                word,
            ),
            default=None,
        )
        if best is None or fuzz.ratio(sounds, latin_sound_key(best)) < self.SOUND_CUTOFF:
            return token
        return best
