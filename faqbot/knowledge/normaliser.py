"""Turns what a student types into the tokens the matcher compares.

Generic language handling lives here (Unicode, casing, stop words, light stemming, Hinglish
question words); anything about the pack's subject, such as its acronyms, comes from the pack.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from faqbot.knowledge import devanagari

# Longer input is cut before matching: no real question is this long, and it bounds the work.
MAX_QUESTION_CHARS = 1000
# Texts a normaliser keeps folded (Normaliser.tokens), the least recently read dropped first.
TOKEN_MEMO = 65536

# A word is a run of Devanagari (matras included, which \w leaves out) or of other letters and
# digits, so "RPSSसमझौता" is two words.
WORD = re.compile(r"[\u0900-\u0963\u0966-\u097f]+|[^\W_\u0900-\u097f]+")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_US = re.compile(r"\bU\.?S\.?(?:A\b\.?)?(?![\w.])")

ENGLISH_STOPWORDS = frozenset(
    """
    a an the is are was were be been being am of in on at to for from by with about into as and
    or but if so than then also too very just only even what whats which who whom whose when
    where why how whether do does did done doing has have had having get got i me my mine we us
    our ours you your yours it its this that these those there here they them their he him his
    she her one can could would should will shall may might must tell explain please pls plz
    kindly know want wanted need give show let lets some any much many more most such same other
    another each every thing things something anything stuff info information regarding related
    type like up
    ok okay hi hello hey dear sir madam bro bhai yaar ji upsc ias exam exams mains prelims
    answer answers question questions say says said saying told mention mentioned mentions
    actually exactly basically really remember describe ever
    ll ve re
    """.split()
)

# Hinglish function words and question words, typed in Latin script.
HINGLISH_STOPWORDS = frozenset(
    """
    kya kyaa kab kahan kaha kaun kon koun kyun kyon kyu kaise kese kaisa kitne kitna kitni kis
    kisne kiske kisse kisko kaunsa konsa kaunse konse hai hain he hei tha thi the thay hota hoti
    hote hua hui hue huwa ka ki ke ko se me mein main mai par pe aur ya bhi ye yeh wo woh voh
    iska uska inka unka kiya kia kiye kari karo karna kar karte karta batao btao bataye bataiye
    bataiye samjhao samjhaiye mujhe hume humein hamein apna apne ho raha rahi rahe rha rhi hoga
    hogi honge hona tak wahan yahan kin saath sath bola bole boli liya liye diya chahiye gaya
    gaye gayi gya karenge karega karegi wala wali wale baat apni rahenge rahega rahegi dono
    bata btado batado
    """.split()
)

_STOPWORDS = ENGLISH_STOPWORDS | HINGLISH_STOPWORDS

# Hinglish content words a student mixes in, mapped to the English the pack is written in.
HINGLISH_WORDS = {
    **dict.fromkeys(("pehla", "pehli", "pahla", "pahli", "pehle", "pratham"), "first"),
    **dict.fromkeys(("dusra", "doosra", "dusri", "doosri", "dusre", "doosre"), "second"),
    **dict.fromkeys(("desh", "deshon", "desho", "mulk"), "country"),
    **dict.fromkeys(("badhana", "badhayega", "badhaya", "badhega", "badhane", "badha"), "increase"),
    **dict.fromkeys(("baithak", "mulakat", "mulaqat", "bethak"), "meeting"),
    **dict.fromkeys(("samjhauta", "samjhota", "sahmati", "qarar", "karar"), "agreement"),
    **dict.fromkeys(("raksha", "suraksha"), "defence"),
    **dict.fromkeys(("sainya", "sainik", "fauji", "fauj"), "military"),
    **dict.fromkeys(("sahyog", "sahayog"), "cooperation"),
    **dict.fromkeys(("takneek", "taknik", "technique"), "technology"),
    **dict.fromkeys(("vivaad", "vivad", "jhagda"), "dispute"),
    **dict.fromkeys(("shantipurn", "shantipurna", "shantipoorn"), "peaceful"),
    **dict.fromkeys(("mahamari", "mahamaari"), "pandemic"),
    **dict.fromkeys(("bimari", "rog"), "disease"),
    **dict.fromkeys(("tarikh", "tareekh", "tithi"), "date"),
    **dict.fromkeys(("jagah", "sthan", "shahar"), "place"),
    # "jaari rahenge", "chalte rahenge": will go on.
    **dict.fromkeys(("jaari", "jari", "chalte", "chalti"), "continue"),
    **dict.fromkeys(("maksad", "maqsad", "uddeshya", "udeshya", "prayojan"), "purpose"),
    **dict.fromkeys(("milte", "milna", "milenge", "milkar", "milke"), "meet"),
    "videsh": "foreign",
    "mantri": "minister",
    "sena": "army",
    "nausena": "navy",
    "saal": "year",
    "varsh": "year",
    "abhyas": "exercise",
    "shuru": "start",
    "samadhan": "resolution",
    "shanti": "peace",
    "kanoon": "law",
    "niyam": "rule",
    "kshetra": "region",
    "aapda": "disaster",
    "rahat": "relief",
    "bajat": "budget",
    "kshamta": "capability",
    "hathiyar": "weapon",
    "samudri": "maritime",
    "naam": "name",
    "matlab": "meaning",
}

_KEEP_S = ("ss", "us", "is", "os")
# Words whose ending is not a plural or a tense ("news" is not the plural of "new").
_BEFORE_PRONOUN_US = frozenset(
    """
    tell give help show let lets send teach explain ask make get for to with of about from
    told gave given gives showed shown sent taught explained asked made got helps helped tells
    among like than by at on upon toward towards between against without within before after
    """.split()
)
_UNSTEMMED = frozenset({"news", "series", "species", "politics", "economics", "always", "various"})


def stem(token: str) -> str:
    """Strip plural, -ing and -ed endings and a final 'e', so 'exercises', 'exercise' and
    'exercising' meet; short words and numbers are left alone."""
    if len(token) <= 3 or not token.isalpha() or token in _UNSTEMMED:
        return token
    if token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith("s") and not token.endswith(_KEEP_S):
        token = token[:-1]
    for suffix in ("ing", "ed"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            token = token[: -len(suffix)]
            break
    if token.endswith("e") and len(token) > 4:
        token = token[:-1]
    return token


def _invisible_table() -> dict[int, str | None]:
    """Format characters (zero-width joiners, direction marks) dropped; control characters and
    line or paragraph separators made spaces. One table, so a non-ASCII question is a single
    `str.translate` instead of a Unicode lookup per character."""
    table: dict[int, str | None] = {}
    # Beyond the first plane only these blocks hold such characters (Unicode 15).
    supplementary = (0x110BD, 0x110CD, *range(0x13430, 0x13440), *range(0x1BCA0, 0x1BCA4))
    rest = (*range(0x1D173, 0x1D17B), *range(0xE0000, 0xE0080))
    for code in itertools.chain(range(0x10000), supplementary, rest):
        category = unicodedata.category(chr(code))
        if category == "Cf":
            table[code] = None
        elif category in ("Cc", "Zl", "Zp"):
            table[code] = " "
    return table


_INVISIBLE = _invisible_table()


_CO_PREFIX = re.compile(r"\bco-(?=[a-z])")


def clean(text: str) -> str:
    """Unicode-normalise, casefold, and drop invisible and control characters."""
    text = unicodedata.normalize("NFKC", text[:MAX_QUESTION_CHARS])
    # Capitalised "US" is the country; once casefolded it would be the pronoun "us".
    text = _US.sub("usa", text).casefold()
    if text.isascii():
        text = _ASCII_CONTROL.sub(" ", text)
    elif not text.isprintable():  # printable text holds none of the table's characters
        text = text.translate(_INVISIBLE)
    # "co-operation" is "cooperation", not "co" and "operation" (a word of its own).
    return _CO_PREFIX.sub("co", _REPEATS.sub(r"\1\1", text))


@lru_cache(maxsize=65536)
def _base_token(word: str) -> str:
    if devanagari.has_devanagari(word):
        return word if word in devanagari.STOPWORDS else devanagari.stem(word)
    word = HINGLISH_WORDS.get(word, word)
    # Stop words stay whole so that they are still recognised ('does' must not become 'doe').
    return word if word in _STOPWORDS else stem(word)


def words(text: str) -> list[str]:
    """Cleaned, stemmed words, with Hinglish content words in English; no synonyms yet."""
    return list(_words(text))


# A question is read twice per match (its words, then what kind of fact it asks for).
@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    text = clean(text)
    if devanagari.has_devanagari(text):
        text = devanagari.fold(text)
    tokens = [_base_token(word) for word in WORD.findall(text)]
    # Lower-case "us" is the pronoun after a verb or preposition ("tell us", "for us") and the
    # country elsewhere ("india us 2+2", "us japan ties").
    return tuple(
        "usa" if token == "us" and (i == 0 or tokens[i - 1] not in _BEFORE_PRONOUN_US) else token
        for i, token in enumerate(tokens)
    )


class Normaliser:
    """Applies one pack's synonyms and stop words on top of the generic cleaning."""

    def __init__(
        self,
        synonyms: Mapping[str, Iterable[str]] | None = None,
        extra_stopwords: Iterable[str] = (),
        respell: Callable[[str], str] | None = None,
    ) -> None:
        # Applied to each word before synonyms: the Hindi matcher's `devanagari.Respeller`.
        self._respell = respell
        self.stopwords = (
            ENGLISH_STOPWORDS
            | HINGLISH_STOPWORDS
            | devanagari.STOPWORDS
            | {token for word in extra_stopwords for token in words(word)}
        )
        self._phrases: dict[tuple[str, ...], str] = {}
        for canonical, variants in (synonyms or {}).items():
            target = "_".join(words(canonical))
            for phrase in (canonical, *variants):
                key = tuple(words(phrase))
                if key:
                    self._phrases[key] = target
        self._longest = max((len(key) for key in self._phrases), default=0)
        self._starts = {key[0] for key in self._phrases}
        # An exam question's options and statements are read several times a question (the
        # stem's entry, each option's reading, each language's answer): folded once.
        self._folded = lru_cache(maxsize=TOKEN_MEMO)(self._fold_text)

    @property
    def canonical_words(self) -> frozenset[str]:
        """The words of the synonyms' canonical terms ("dharma", "guardian")."""
        return frozenset(word for target in self._phrases.values() for word in target.split("_"))

    @property
    def canonical_terms(self) -> frozenset[str]:
        """The tokens the synonyms fold into ("joint_servic_staff_talk")."""
        return frozenset(self._phrases.values())

    @property
    def abbreviated_terms(self) -> frozenset[str]:
        """Terms of several words whose synonyms include their initials ("jsst" for "joint
        service staff talks", "hadr" for "humanitarian assistance and disaster relief")."""
        found = set()
        for key, target in self._phrases.items():
            parts = target.split("_")
            if len(key) != 1 or len(parts) < 2:
                continue
            initials = {
                "".join(p[0] for p in parts),
                "".join(p[0] for p in parts if p not in self.stopwords),
            }
            if key[0] in initials:
                found.add(target)
        return frozenset(found)

    def tokens(self, text: str) -> list[str]:
        """All tokens, with each synonym phrase folded into its canonical token."""
        return list(self._folded(text))

    def _fold_text(self, text: str) -> tuple[str, ...]:
        return tuple(self.fold(words(text)))

    def cache_clear(self) -> None:
        """Forget the texts folded so far (for benchmarks)."""
        self._folded.cache_clear()

    def fold(self, raw: list[str]) -> list[str]:
        """Fold each synonym phrase in a list of `words` into its canonical token (respelling
        each word first, when the normaliser has a respeller)."""
        if self._respell is not None:
            raw = [self._respell(word) for word in raw]
        if not self._phrases:
            return raw
        out: list[str] = []
        i = 0
        while i < len(raw):
            if raw[i] in self._starts:
                for size in range(min(self._longest, len(raw) - i), 0, -1):
                    target = self._phrases.get(tuple(raw[i : i + size]))
                    if target is not None:
                        out.append(target)
                        i += size
                        break
                else:
                    out.append(raw[i])
                    i += 1
            else:
                out.append(raw[i])
                i += 1
        return out

    def content_tokens(self, text: str) -> list[str]:
        """Tokens that carry meaning: no stop words, and no stray single letters."""
        return [token for token in self.tokens(text) if self.is_content(token)]

    def is_content(self, token: str) -> bool:
        """Whether a token carries meaning: not a stop word, and not a stray single letter."""
        return token not in self.stopwords and (len(token) > 1 or token.isdigit())
