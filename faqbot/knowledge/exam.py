"""Exam questions: option lists and "consider the following statements", English and Hinglish.

`parse_exam` splits a message into its stem, statements and options; the matcher matches the
stem, and `choose_option` says which option the matched answer supports, if exactly one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from faqbot.knowledge.catalogue import say
from faqbot.knowledge.devanagari import MARKS, ascii_digits, fold, has_devanagari, stem
from faqbot.knowledge.normaliser import words
from faqbot.knowledge.schema import Entry

Verdict = Literal["one", "none", "several"]

_LETTERS = "abcdefghij"
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
# "(a)", "a)", "a.", "A.", "1.", "1)", "(1)", "(i)": a label, then space or the end. A bare
# letter or number needs its bracket or dot, and must not follow a letter, digit or dot.
_MARKER = re.compile(
    r"(?<![\w.])(?:\((?P<paren>[a-jA-J]|10|[1-9]|i{1,3}|iv|vi{0,3}|ix|x)\)"
    r"|(?P<bare>[a-jA-J]|10|[1-9])[).:]|(?P<roman>ii|iii|iv|vi{1,3}|ix)\))(?=\s|$)"
)
# Exam boilerplate that says nothing about the subject; it is dropped before matching.
_BOILERPLATE = re.compile(
    r"consider the following(?: statements?| pairs?)?(?: about| regarding| with reference to)?"
    r"|with reference to|which (?:one )?of the (?:following|statements?|above|given)"
    r"(?: statements?| options?| pairs?)?(?: given)?(?: above| below)?"
    r"(?: is/are| is| are| was| were)?(?: not)?(?: correct(?:ly)?| true| incorrect| false"
    r"| right| wrong| matched)?"
    r"|how many of the (?:above|following)(?: statements?)?(?: is| are| is/are)?"
    r"(?: correct| true)?"
    r"|select the correct (?:answer|option|code)(?: using the codes? given below)?"
    r"|choose the correct (?:answer|option)|correct (?:answer|option) (?:is|kya hai)"
    r"|statements? given (?:above|below)|given (?:above|below)|the following"
    r"|nimn ?likhit(?: me se| mein se)?|niche diye gaye(?: kathan| vikalp)?(?: me se| mein se)?"
    r"|in ?me se|inme se|kaun ?sa (?:sahi|galat) hai|sahi (?:uttar|jawab|option)"
    r"|kathan|vikalp|options?:|statements?:|\bcodes?:",
    re.IGNORECASE,
)
# A Devanagari word's edges: Python's \\b does not see its vowel signs as part of a word.
_HI_START = r"(?<![\w\u0900-\u097f])"
_HI_END = r"(?![\w\u0900-\u097f])"
# "Which of the following is NOT…": the wanted option is the one the answer does not support.
# Only exam wording counts: "kis desh ka naam nahi liya gaya" asks for what was not named.
_NEGATED = re.compile(
    r"\b(?:is|are|was|were|does|did) not\b|\bnot (?:correct|true|a|an)\b|\bincorrect\b"
    r"|\bexcept\b|\bgalat\b|\bfalse\b"
    # Hindi: "…शामिल नहीं है?", "कौन-सा कथन असत्य है?", "…को छोड़कर".
    rf"|{_HI_START}(?:नहीं|नहीँ|असत्य|[ग\u095a]\u093c?लत|सिवाय|छो[ड\u095c]\u093c?कर){_HI_END}",
    re.IGNORECASE,
)
# Where the question resumes after the last statement ("… Which of the above is correct?").
_QUESTION_RESUMES = re.compile(
    r"[.;]?\s+(?=(?:which|select|choose|identify|how many|in ?me se|inme se|kaun)\b"
    rf"|(?:उपर्युक्त|उपरोक्त|ऊपर दिए|नीचे दिए|इनमें से|कौन){_HI_END})",
    re.IGNORECASE,
)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "ek": 1, "do": 2, "teen": 3}
# Hindi options: "केवल एक", "केवल दो", "तीनों", "कोई नहीं" (how many); "केवल 1", "1 और 2 दोनों",
# "न तो 1 और न ही 2", "सभी" (which).
_HI_COUNT_WORDS = {"एक": 1, "दो": 2, "तीन": 3, "चार": 4}
_HI_NONE = re.compile(rf"{_HI_START}(?:न तो|कोई नहीं|कोई भी नहीं|इनमें से कोई नहीं){_HI_END}")
_HI_ALL = re.compile(rf"{_HI_START}(?:सभी|दोनों|तीनों|चारों){_HI_END}")
_NUMBER = re.compile(r"\b(10|[1-9])\b")
# Devanagari vowel signs are no \w: without them, "भारत की किन चार देशों" counted as one word.
_WORDS = re.compile(rf"(?:[^\W\d_]|[{MARKS}]){{2,}}")


@dataclass(frozen=True)
class Option:
    """One labelled option or statement."""

    label: str
    text: str


@dataclass(frozen=True)
class ExamQuestion:
    """A message split into its parts; `stem` is what the matcher should match."""

    stem: str
    options: tuple[Option, ...]
    statements: tuple[Option, ...] = ()
    negated: bool = False


@dataclass(frozen=True)
class OptionChoice:
    """Which options the matched answer supports."""

    verdict: Verdict
    option: Option | None = None  # the one supported option, when verdict is "one"
    supported: tuple[Option, ...] = ()

    def lead(self, language: str = "en") -> str:
        """The line that opens the reply, in `language`."""
        if self.verdict == "one" and self.option is not None:
            return say(language, "exam_answer", label=self.option.label, text=self.option.text)
        if self.verdict == "several":
            labels = ", ".join(f"({o.label})" for o in self.supported)
            return say(language, "exam_several", labels=labels)
        return say(language, "exam_none")


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    family: str
    index: int
    label: str


def _markers(text: str) -> list[_Marker]:
    found = []
    for m in _MARKER.finditer(text):
        raw = m.group("paren") or m.group("bare") or m.group("roman")
        lowered = raw.lower()
        # "(ii)" and "ii)" are roman; "(i)" and "i)" may be roman or the letter i.
        roman_closed = m.group("paren") or m.group(0).endswith(")")
        if lowered in _ROMAN and lowered not in ("i", "v", "x") and roman_closed:
            found.append(_Marker(m.start(), m.end(), "roman", _ROMAN.index(lowered), lowered))
            continue
        if lowered.isdigit():
            found.append(_Marker(m.start(), m.end(), "digit", int(lowered) - 1, lowered))
        else:
            found.append(_Marker(m.start(), m.end(), "letter", _LETTERS.index(lowered), lowered))
            if roman_closed and lowered in ("i", "v", "x"):
                index = _ROMAN.index(lowered)
                found.append(_Marker(m.start(), m.end(), "roman", index, lowered))
    return found


def _chain(markers: list[_Marker], family: str) -> list[_Marker]:
    """The longest run a, b, c… (or 1, 2, 3…) of one family, in text order."""
    best: list[_Marker] = []
    ours = [m for m in markers if m.family == family]
    for start, first in enumerate(ours):
        if first.index != 0:
            continue
        chain = [first]
        for marker in ours[start + 1 :]:
            if marker.index == chain[-1].index + 1 and marker.start >= chain[-1].end:
                chain.append(marker)
        if len(chain) > len(best):
            best = chain
    return best if len(best) >= 2 else []


def _items(text: str, chain: list[_Marker], stop: int) -> tuple[list[Option], int]:
    """The chain's labelled texts, and where the last one ends."""
    items = []
    end = stop
    for marker, after in zip(chain, [*chain[1:], None], strict=True):
        if after is not None:
            body = text[marker.end : after.start]
        else:
            body = text[marker.end : stop]
            newline = body.find("\n", 1 if body.startswith("\n") else 0)
            resumes = _QUESTION_RESUMES.search(body)
            cut = min(
                (
                    i
                    for i in (newline if newline > 0 else -1, resumes.start() if resumes else -1)
                    if i > 0
                ),
                default=len(body),
            )
            end = marker.end + cut
            body = body[:cut]
        items.append(Option(marker.label, " ".join(body.split()).strip(" ,;")))
    return items, end


# A message is parsed twice as it is answered (its language, then its answer): once is enough.
@lru_cache(maxsize=64)
def parse_exam(text: str) -> ExamQuestion | None:
    """Split an exam question into stem, statements and options; None for other messages."""
    markers = _markers(text)
    if len(markers) < 2:
        return None
    chains = [c for c in (_chain(markers, f) for f in ("letter", "digit", "roman")) if c]
    if not chains:
        return None
    chains.sort(key=lambda c: c[0].start)
    # With two lists, the first is the statements and the last the options (UPSC style).
    options_chain = chains[-1]
    statements_chain = chains[0] if len(chains) > 1 else []
    if statements_chain and statements_chain[-1].end > options_chain[0].start:
        statements_chain = []
    options, _ = _items(text, options_chain, len(text))
    statements: list[Option] = []
    stem_parts = [text[: (statements_chain or options_chain)[0].start]]
    if statements_chain:
        statements, end = _items(text, statements_chain, options_chain[0].start)
        stem_parts.append(text[end : options_chain[0].start])
    options = [o for o in options if o.text]
    if len(options) < 2:
        return None
    stem = " ".join(" ".join(stem_parts).split())
    return ExamQuestion(
        stem=stem,
        options=tuple(options),
        statements=tuple(s for s in statements if s.text),
        negated=bool(_NEGATED.search(stem)),
    )


def matching_text(exam: ExamQuestion) -> str:
    """What to match: the stem without exam boilerplate, and the statements.

    When the stem says next to nothing ("Consider the following statements: 1. … 2. …" with no
    lettered options), the listed items are what the question is about, so they are matched.
    """
    parts = [exam.stem, *(s.text for s in exam.statements)]
    text = " ".join(_BOILERPLATE.sub(" ", " ".join(parts)).split())
    if len(_WORDS.findall(text)) < 3:
        text = " ".join([text, *(o.text for o in exam.options)])
    return text


def looks_like_exam(text: str) -> bool:
    """Whether a message without options still carries exam boilerplate to strip."""
    return bool(_BOILERPLATE.search(text))


def strip_boilerplate(text: str) -> str:
    """The message without exam boilerplate ("Consider the following statements…")."""
    return " ".join(_BOILERPLATE.sub(" ", text).split())


Tokens = Callable[[str], Sequence[str]]


def _passages(entry: Entry) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", entry.answer) if p.strip()]


def _holds(tokens: set[str], passage: set[str]) -> bool:
    return bool(tokens) and tokens <= passage


def choose_option(
    exam: ExamQuestion,
    entry: Entry,
    tokens: Tokens,
    pack_entries: Sequence[Entry] = (),
    weight: Weight | None = None,
    evidence: Sequence[Evidence] | None = None,
) -> OptionChoice:
    """Which option the entry's answer supports: exactly one, none or several.

    `tokens` is the pack's normaliser (content tokens), so "inaugural" meets "first". Options are
    checked against the short answer first, then against the answer paragraph that best fits
    the stem, so "where was the first one held" is not answered from a sentence about the
    second. Statements ("1. … 2. …") are each checked against every entry of the pack (its
    sentences, `evidence(pack_entries, tokens)`, which a caller may make once per pack).
    """
    tokens = _counted(tokens)
    if exam.statements:
        pieces = evidence if evidence is not None else _evidence(pack_entries or (entry,), tokens)
        return _choose_by_statements(exam, tokens, pieces, weight or (lambda _token: 1.0))
    option_tokens = [set(tokens(o.text)) for o in exam.options]
    choice = _choose_by_passages(exam, entry, tokens, option_tokens, _holds)
    if choice.verdict == "none" and weight is not None:
        # No option's every word is in the answer ("peacefully, without resorting to threat"):
        # then one that holds most of its weight, with its numbers exact. Words every option
        # shares ("It was held in") tell the options apart no better than nothing, so they
        # are not evidence for any of them.
        shared = set.intersection(*option_tokens) if len(option_tokens) > 1 else set()
        telling = [t - shared or t for t in option_tokens]

        def mostly(option: set[str], passage: set[str]) -> bool:
            return _mostly_holds(option, passage, weight)

        choice = _choose_by_passages(exam, entry, tokens, telling, mostly)
    return choice


def _counted(tokens: Tokens) -> Tokens:
    """The normaliser with numbers, ordinals and months in one form whatever their language or
    script: option "(ग) 4" meets "चार" in the answer, "(ख) छठी" meets "छठे", "(क) November
    2019" meets "नवंबर 2019"."""
    same = _same_forms(tokens)

    def counted(text: str) -> list[str]:
        return [same.get(t, _ORDINALS.get(t, t)) for t in tokens(text)]

    return counted


@lru_cache(maxsize=8)
def _same_forms(tokens: Tokens) -> dict[str, str]:
    """Each word of `_SAME` as the normaliser tokenises it, to its one form; a word the
    normaliser drops (a stop word) or splits is left out."""
    found = {}
    for one, forms in _SAME:
        for form in forms.split():
            said = list(tokens(form))
            if len(said) == 1 and not said[0][:1].isdigit():
                found[said[0]] = one
    return found


# Numbers from two (one and एक are also "a"), and months: "may" is left out, a verb far more
# often than a month in English.
_SAME: tuple[tuple[str, str], ...] = (
    ("2", "two दो"),
    ("3", "three तीन"),
    ("4", "four चार"),
    ("5", "five पाँच पांच"),
    ("6", "six छह छः"),
    ("7", "seven सात"),
    ("8", "eight आठ"),
    ("9", "nine नौ"),
    ("10", "ten दस"),
    ("month-1", "january jan जनवरी"),
    ("month-2", "february feb फ़रवरी फरवरी"),
    ("month-3", "march mar मार्च"),
    ("month-4", "april apr अप्रैल अप्रेल"),
    ("month-5", "मई"),
    ("month-6", "june jun जून"),
    ("month-7", "july jul जुलाई"),
    ("month-8", "august aug अगस्त"),
    ("month-9", "september sep sept सितंबर सितम्बर"),
    ("month-10", "october oct अक्टूबर अक्तूबर"),
    ("month-11", "november nov नवंबर नवम्बर"),
    ("month-12", "december dec दिसंबर दिसम्बर"),
)


def _mostly_holds(option: set[str], passage: set[str], weight: Weight) -> bool:
    total = sum(weight(t) for t in option)
    numbers = {t for t in option if t[:1].isdigit()}
    return (
        total > 0
        and numbers <= passage
        and _support(option, passage, weight) >= OPTION_SUPPORTED * total
    )


def _choose_by_passages(
    exam: ExamQuestion,
    entry: Entry,
    tokens: Tokens,
    option_tokens: list[set[str]],
    holds: Callable[[set[str], set[str]], bool],
) -> OptionChoice:
    if entry.short_answer is not None:
        short = set(tokens(entry.short_answer.text))
        hits = [o for o, t in zip(exam.options, option_tokens, strict=True) if holds(t, short)]
        if len(hits) == 1 and not exam.negated:
            return OptionChoice("one", hits[0], tuple(hits))
    stem = set(tokens(strip_boilerplate(exam.stem)))
    scored = []
    for passage in _passages(entry):
        words = set(tokens(passage))
        hits = [o for o, t in zip(exam.options, option_tokens, strict=True) if holds(t, words)]
        if hits:
            scored.append((len(stem & words), hits))
    if not scored:
        return OptionChoice("none")
    best = max(score for score, _ in scored)
    supported = list(dict.fromkeys(o for score, hits in scored if score == best for o in hits))
    if exam.negated:
        # "Which is NOT…": the one option the answer does not support, if all others hold.
        unsupported = [o for o in exam.options if o not in supported]
        if len(unsupported) == 1 and len(supported) == len(exam.options) - 1:
            return OptionChoice("one", unsupported[0], tuple(supported))
        return OptionChoice("several" if len(unsupported) > 1 else "none", None, tuple(supported))
    if len(supported) == 1:
        return OptionChoice("one", supported[0], tuple(supported))
    return OptionChoice("several", None, tuple(supported))


def _statement_sets(option: Option, count: int) -> set[int] | None:
    """The statements an option claims are correct: "1 only", "both 1 and 2", "none"."""
    text = ascii_digits(option.text.casefold())
    numbers = {int(n) for n in _NUMBER.findall(text) if 1 <= int(n) <= count}
    if re.search(r"\b(neither|none|koi nahi|koi bhi nahi)\b", text) or _HI_NONE.search(text):
        return set()
    if numbers:
        return numbers
    if re.search(r"\b(all|sabhi|teeno|both|dono)\b", text) or _HI_ALL.search(text):
        return set(range(1, count + 1))
    return None


def _statement_counts(option: Option, count: int) -> int | None:
    """How many of `count` statements an option says are correct: "only one", "all three",
    "none", "तीनों"."""
    text = option.text.casefold()
    if re.search(r"\b(none|koi nahi)\b", text) or _HI_NONE.search(text):
        return 0
    if re.search(r"\b(all|sabhi|teeno)\b", text) or _HI_ALL.search(text):
        return count
    for word, value in _COUNT_WORDS.items():
        if re.search(rf"\b{word}\b", text):
            return value
    for word, value in _HI_COUNT_WORDS.items():
        if re.search(rf"{_HI_START}{word}{_HI_END}", text):
            return value
    return None


# A statement counts as true when a sentence (or else a paragraph) of the pack explains this
# share of its words' weight, and its cues and numbers agree; below it, the pack does not say.
SUPPORTED = 0.75
# An option ("peacefully, without resorting to threat") is shorter than a statement: when none
# holds every word, the one holding this share of its weight, alone, is taken.
OPTION_SUPPORTED = 0.6
_PREFIX = 5
# Words that turn a claim round: a statement and its evidence must agree on them.
_NEGATION = frozenset(
    {"not", "no", "never", "neither", "nor", "without", "nahi", "na", "nhi"}
    | {fold(w) for w in ("नहीं", "न", "बिना", "बिन", "मत", "कभी")}
)
# Words that claim more than the evidence may say: without them in it, the pack does not say.
_QUALIFIERS = frozenset(
    {"only", "befor", "after", "explicitly", "directly", "ever", "all"}
    | {fold(w) for w in ("केवल", "सिर्फ", "पहले", "बाद", "सभी", "कभी", "सीधे", "सीध")}
)
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10",
    **{fold(w): n for w, n in (
        ("एक", "1"), ("दो", "2"), ("तीन", "3"), ("चार", "4"), ("पाँच", "5"), ("पांच", "5"),
        ("छह", "6"), ("छः", "6"), ("सात", "7"), ("आठ", "8"), ("नौ", "9"), ("दस", "10"),
    )},
}  # fmt: skip
# Ordinals from the third on, as tokens come out of the normaliser ("छठे", "छठी" and "sixth"
# are one): a count, which must match exactly. "First" and "second" are left out: they name
# which dialogue, and a paraphrase ("inaugural") stands for them.
_ORDINALS = {
    **{word: f"{n}th" for n, word in enumerate(
        ("third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), 3
    )},
    **{fold(word): f"{n}th" for word, n in (
        ("तिसर", 3), ("चौथ", 4), ("पांचव", 5), ("छठ", 6), ("छठा", 6), ("छठी", 6), ("छठे", 6),
        ("सातव", 7), ("आठव", 8), ("नौव", 9), ("दसव", 10),
    )},
}  # fmt: skip
_NUMBER_WORDS.update(_ORDINALS)
# Prepositions the stop words leave in: in a claim they relate its words and say nothing
# themselves ("Russia is not among India's partners").
_RELATIONS = frozenset({"among", "amongst", "between", "whil", "while", "whilst"})


def _hindi_token(word: str) -> str:
    """A Hindi word as the normaliser's tokens spell it (folded, stemmed)."""
    return stem(fold(word))


# Hindi pronouns with their postposition written as one word ("इसमें", in it): they point
# back to the subject and claim nothing, as "it" and "this" (stop words) do in English.
_POINTERS = frozenset(_hindi_token(w) for w in "इसमें उसमें इनमें उनमें जिसमें इससे उससे इसे उसे इन्हें उन्हें".split())
# Words that cannot both be true of one thing: "MILAN is a bilateral exercise" against "MILAN
# is a multilateral naval exercise" is false, not unknown.
_CONTRARY_PAIRS = (
    ("bilateral", "multilateral"),
    ("bilateral", "trilateral"),
    ("increas", "decreas"),
    ("increas", "cut"),
    ("acknowledg", "oppos"),
    ("welcom", "oppos"),
    ("support", "oppos"),
    ("acknowledg", "reject"),
    ("welcom", "reject"),
    ("support", "reject"),
    ("accept", "reject"),
    ("noted", "reject"),
    ("noted", "oppos"),
    ("welcom", "condemn"),
    ("support", "condemn"),
    ("continu", "ended"),
    ("continu", "halt"),
    ("continu", "suspend"),
    ("continu", "discontinu"),
    *(
        (_hindi_token(one), _hindi_token(other))
        for one, other in (
            ("द्विपक्षीय", "बहुपक्षीय"),
            ("द्विपक्षीय", "त्रिपक्षीय"),
            ("वृद्धि", "कमी"),
            ("वृद्धि", "कटौती"),
            ("बढ़ाना", "घटाना"),
            ("स्वीकार", "विरोध"),
            ("समर्थन", "विरोध"),
            ("स्वागत", "विरोध"),
            ("स्वीकार", "अस्वीकार"),
            ("समर्थन", "अस्वीकार"),
            ("स्वागत", "अस्वीकार"),
            ("स्वागत", "निंदा"),
            ("जारी", "समाप्त"),
        )
    ),
)
# An item of at most this many words is a name ("Cope India"), not a claim.
_NAME_ITEM_WORDS = 3
_CONTRARIES: dict[str, frozenset[str]] = {}
for _one, _other in _CONTRARY_PAIRS:
    _CONTRARIES[_one] = _CONTRARIES.get(_one, frozenset()) | {_other}
    _CONTRARIES[_other] = _CONTRARIES.get(_other, frozenset()) | {_one}
_NAME = re.compile(r"(?<![\w-])[A-Z][a-z]+(?:[ –-][A-Z][a-z]+)*")
# The danda (।) ends a Hindi sentence.
_SENTENCE = re.compile(r"(?<=[.;!?\u0964\u0965])\s+|\n\s*[-•*]\s*")

Weight = Callable[[str], float]


@dataclass(frozen=True)
class _Evidence:
    tokens: frozenset[str]
    words: frozenset[str]  # every word, stop words included, for numbers and qualifiers
    negated: frozenset[str]  # tokens a negation cue denies ("without resorting to threat")
    named: frozenset[str]  # tokens of its capitalised names ("Japanese side": japan)
    actor: frozenset[str]  # who does what: the names it opens with (`_actor`)
    does: str | None  # and what they do
    prefixes: frozenset[str]  # its tokens' first five letters, for names and deeds
    named_prefixes: frozenset[str]  # its names' first five letters


Evidence = _Evidence

_NEGATED_RUN = re.compile(
    r"\b(?:not|no|never|neither|nor|without|nahi|nhi)\b((?:\W+[\w'’-]+){1,4})", re.IGNORECASE
)
# Hindi denies what comes before its cue: "मिलन में भाग नहीं लिया", "नाम लिए बिना".
# The verb may go on after the cue ("भाग नहीं लिया" is "भाग लिया" denied), so the word after
# it is read with the run.
_HI_NEGATED_RUN = re.compile(rf"((?:\S+\s+){{1,3}})(?:नहीं|नहीँ|बिना|मत){_HI_END}(\s+\S+)?")


def _names(text: str, tokens: Tokens) -> frozenset[str]:
    if has_devanagari(text):
        # Devanagari has no capitals: the names are the words the Hindi matcher's synonyms
        # carry to the main language's terms (भारत -> india, जापानी पक्ष -> japan, मिलन ->
        # milan). Some are no names ("रक्षा" -> defence), which asks more of a piece, never less.
        return frozenset(t for t in tokens(text) if t.isascii() and not t[:1].isdigit())
    return frozenset(t for name in _NAME.findall(text) for t in tokens(name))


# Words that go with an actor's name and say nothing of who it is ("the Indian side").
_ACTOR_WORDS = frozenset(
    {"side", "sides", "government", _hindi_token("पक्ष"), _hindi_token("सरकार")}
)
# Hindi marks who did what with "ने": "भारतीय पक्ष ने … स्वीकार किया".
_HI_AGENT = re.compile(rf"{_HI_START}ने{_HI_END}")


def _dated(token: str) -> bool:
    """A number, year or month ("As of September 2022, India had…"): no actor, no deed."""
    return token[:1].isdigit() or token.startswith("month-")


def _actor(text: str, tokens: Tokens) -> tuple[frozenset[str], str | None]:
    """Who does what in a claim: the names it opens with ("The Indian side acknowledged…":
    india), or in Hindi the names before "ने"; and what they do, the word after them (in
    Hindi, the last word: "… को स्वीकार किया"). No actor when it opens otherwise ("The first
    2+2 was held…", "Both sides emphasised…"). Names are kept to their first five letters, so
    "Indian" and "India" are one actor."""
    names = _names(text, tokens)
    said = list(tokens(text))
    if has_devanagari(text):
        agent = _HI_AGENT.search(text)
        opening = [t for t in tokens(text[: agent.start()]) if t in names] if agent else []
        does = said[-1] if opening and said else None
    else:
        opening = []
        does = None
        for token in said:
            if token in names and not _dated(token):
                opening.append(token)
            elif token not in _ACTOR_WORDS and not _dated(token):
                does = token
                break
    # A name alone ("Russia", an item of a list to check) does nothing: it has no actor.
    if does is None:
        return frozenset(), None
    return _prefixes(opening), does if opening else None


def _negated(text: str, tokens: Tokens) -> frozenset[str]:
    """The first two content tokens after each negation cue (in Hindi, the last two before
    it): what the text denies."""
    return frozenset(
        t
        for run in _NEGATED_RUN.findall(text)
        for t in [t for t in tokens(run) if t not in _RELATIONS][:2]
    ) | frozenset(
        t for before, after in _HI_NEGATED_RUN.findall(text) for t in [*tokens(before + after)][-2:]
    )


def _numbers(words: Iterable[str]) -> set[str]:
    """Numbers and years, with number words as digits: they must match exactly."""
    found = {_NUMBER_WORDS.get(w, w) for w in words}
    return {w for w in found if w[:1].isdigit() and w != "2"}


def statement_truth(
    text: str, tokens: Tokens, weight: Weight, evidence: Sequence[_Evidence]
) -> bool | None:
    """True when the pack supports a statement, False when it says otherwise, None when it does
    not say. Support is IDF-weighted token overlap with one sentence (else one paragraph);
    negation cues must agree and numbers must match exactly."""
    said = set(words(text))
    # Negation cues and numbers are checked on their own (`_agrees`), not weighed.
    claimed = set(tokens(text)) - _NEGATION - _NUMBER_WORDS.keys() - _RELATIONS - _POINTERS
    claimed = {t for t in claimed if not t[:1].isdigit()} or claimed
    if not claimed:
        return None
    # Who does what is told by names: "India expressed its resolve…" is not held up by
    # "The Japanese side expressed its resolve…", however rare its other words are; "The
    # ministers emphasised…" names no one else, and may hold up "India and Japan emphasised…".
    # Names meet on their first five letters: "India" and "the Indian side" are one.
    named = _prefixes(claimed & _names(text, tokens))
    claimed_prefixes = _prefixes(claimed)
    total = sum(weight(t) for t in claimed)
    denied = _negated(text, tokens)
    actor, does = _actor(text, tokens)
    verdicts = {
        _same_actor(
            actor,
            does,
            claimed,
            piece,
            _agrees(said, claimed, denied, piece, contraries=_one_actor(actor, piece.actor)),
        )
        for piece in evidence
        if (named <= piece.prefixes or piece.named_prefixes <= claimed_prefixes)
        and _support(claimed, piece.tokens, weight, contrary=True, prefixes=piece.prefixes)
        >= SUPPORTED * total
    }
    # A sentence that says otherwise unsettles one that holds the claim up: an exam option
    # is never named on a statement the pack both supports and contradicts. A name item
    # ("Russia") claims only that it is among those listed, and one listing holds it up
    # ("without naming Russia or China" elsewhere says nothing against it).
    if True in verdicts:
        name_item = does is None and len(words(text)) <= _NAME_ITEM_WORDS
        return True if name_item or False not in verdicts else None
    return False if False in verdicts else None


def _holds_word(token: str, tokens: Set[str], prefixes: Set[str]) -> bool:
    """Whether a piece holds a word, or one sharing its first five letters."""
    return token in tokens or (len(token) >= _PREFIX and token[:_PREFIX] in prefixes)


def _prefixes(tokens: Iterable[str]) -> frozenset[str]:
    return frozenset(t[:_PREFIX] for t in tokens)


def _one_actor(actor: frozenset[str], by: frozenset[str]) -> bool:
    """Whether a claim's actor is (among) a piece's, or either names none."""
    return not actor or not by or actor <= by


def _same_actor(
    actor: frozenset[str],
    does: str | None,
    claimed: set[str],
    piece: _Evidence,
    verdict: bool | None,
) -> bool | None:
    """A piece's verdict on a claim, given who does what in each. "The Indian side rejected
    Japan's determination…" is not held up by "The Japanese side expressed its
    determination…" (another actor), nor "India expressed its determination…" by "The Indian
    side acknowledged Japan's determination…" (the same actor doing another thing), whatever
    words they share. A piece about another actor may still say otherwise ("Russia is not one
    of India's partners" against India's list of partners)."""
    if verdict is not True or not actor or not piece.actor:
        return verdict
    if not _one_actor(actor, piece.actor):
        return None
    if (
        does is not None
        and piece.does is not None
        and not _holds_word(does, piece.tokens, piece.prefixes)
        and not _holds_word(piece.does, claimed, _prefixes(claimed))
    ):
        return None
    return verdict


def _support(
    claimed: set[str],
    tokens: frozenset[str] | set[str],
    weight: Weight,
    contrary: bool = False,
    prefixes: frozenset[str] | None = None,
) -> float:
    """The weight of the claimed tokens a piece holds; a token also counts when it shares its
    first five letters with one of the piece's ("resolv" and "resolution", "peacefully" and
    "peaceful"), which the light stemmer does not join. With `contrary`, a token whose contrary
    the piece holds ("bilateral" against "multilateral") counts too: the piece speaks of it,
    and says otherwise. `prefixes`, the piece's tokens' first five letters made once, makes
    the second test a set lookup (a token's five letters are only ever a five-letter prefix)."""
    if prefixes is not None:
        held = 0.0
        for token in claimed:
            if (
                (contrary and _CONTRARIES.get(token, frozenset()) & tokens)
                or token in tokens
                or (len(token) >= _PREFIX and token[:_PREFIX] in prefixes)
            ):
                held += weight(token)
        return held
    held = 0.0
    for token in claimed:
        if (
            (contrary and _CONTRARIES.get(token, frozenset()) & tokens)
            or token in tokens
            or (
                len(token) >= _PREFIX
                and any(len(t) >= _PREFIX and t[:_PREFIX] == token[:_PREFIX] for t in tokens)
            )
        ):
            held += weight(token)
    return held


def _root(token: str) -> str:
    """A token without "-ing", "-ed" or a final "e", so "named", "naming" and "name" meet."""
    for suffix in ("ing", "ed", "e"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    return token


def _roots(tokens: Iterable[str]) -> set[str]:
    return {_root(t) for t in tokens}


def _agrees(
    said: set[str],
    claimed: set[str],
    denied: frozenset[str],
    piece: _Evidence,
    contraries: bool = True,
) -> bool | None:
    """Whether a piece that holds a statement's words says the same: what each denies, and
    numbers. "Russia is not among…" denies what "…partners: the US, Australia, Japan and
    Russia" asserts; "without resorting to threat" denies nothing of "peaceful resolution"."""
    if (denied & piece.tokens) - piece.negated or (_roots(piece.negated) & _roots(claimed)) - (
        _roots(denied)
    ):
        return False
    # Contrary deeds of two actors may both be true ("Japan resolved…", "India opposed…").
    if contraries and any(
        _CONTRARIES.get(t, frozenset()) & piece.tokens for t in claimed - piece.tokens
    ):
        return False
    wanted, given = _numbers(said), _numbers(piece.words)
    if wanted - given:
        # "within ten years" against "within the next five years": said otherwise.
        return False if given else None
    if (_QUALIFIERS & said) - piece.words:
        return None
    return True


def evidence(entries: Sequence[Entry], tokens: Tokens) -> Sequence[Evidence]:
    """The sentences statements are checked against: made once per pack by the answerer."""
    return _evidence(entries, _counted(tokens))


def _with_parts(tokens: Iterable[str]) -> frozenset[str]:
    """Tokens, with the words of each folded term beside it."""
    return frozenset(part for token in tokens for part in {token, *token.split("_")})


def _evidence(entries: Sequence[Entry], tokens: Tokens) -> list[_Evidence]:
    """The pack's sentences and list items: a paragraph may hold the words of a false
    statement in different claims ("Japan resolved… India acknowledged…")."""
    pieces = [
        piece
        for entry in entries
        for passage in _passages(entry)
        for piece in _SENTENCE.split(passage)
        if piece.strip()
    ]
    # A term the synonyms fold ("defence equipment and technology cooperation") also holds
    # its words, so a claim that writes part of it ("cooperation in defence equipment and
    # technology") meets it.
    return [
        _Evidence(
            _with_parts(tokens(p)),
            frozenset(words(p)),
            _negated(p, tokens),
            _names(p, tokens),
            *_actor(p, tokens),
            _prefixes(_with_parts(tokens(p))),
            _prefixes(_names(p, tokens)),
        )
        for p in dict.fromkeys(pieces)
    ]


def _choose_by_statements(
    exam: ExamQuestion, tokens: Tokens, evidence: Sequence[_Evidence], weight: Weight
) -> OptionChoice:
    count = len(exam.statements)
    verdicts = {
        position: statement_truth(statement.text, tokens, weight, evidence)
        for position, statement in enumerate(exam.statements, 1)
    }
    true = {p for p, v in verdicts.items() if v is True}
    false = {p for p, v in verdicts.items() if v is False}
    if exam.negated:
        true, false = false, true
    # An option fits when it names every statement known true and none known false; a
    # statement the pack does not settle may go either way. When some option only counts
    # ("Only two"), the question is how many: "All three" is then a count like the others,
    # not a set that fits while "Only two" goes unread.
    counting = any(
        _statement_sets(o, count) is None and _statement_counts(o, count) is not None
        for o in exam.options
    )
    fits = [
        o
        for o in exam.options
        if not counting
        and (claimed := _statement_sets(o, count)) is not None
        and true <= claimed
        and not claimed & false
    ]
    if not fits:
        fits = [
            o
            for o in exam.options
            if (n := _statement_counts(o, count)) is not None
            and len(true) <= n <= count - len(false)
        ]
    if len(fits) > 1 and true and not counting:
        # A listed name the pack's sentences do not hold ("France" among India's 2+2
        # partners, "Cope India" among the exercises to continue) is a distractor beside the
        # names the answer lists, when the items are names, not claims.
        unknown = set(verdicts) - true - false
        if all(len(words(exam.statements[p - 1].text)) <= _NAME_ITEM_WORDS for p in unknown):
            exact = [o for o in fits if _statement_sets(o, count) == true]
            if len(exact) == 1:
                return OptionChoice("one", exact[0], tuple(fits))
    if len(fits) == 1:
        return OptionChoice("one", fits[0], tuple(fits))
    return OptionChoice("several" if fits else "none", None, tuple(fits))
