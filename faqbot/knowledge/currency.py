"""How current the pack is: its `as_of` date, questions about a later time, and the topics
it declines on purpose (`not_covered`). Read before answering, so an old answer is never
presented as the latest news.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from faqbot.knowledge.catalogue import say
from faqbot.knowledge.devanagari import ascii_digits
from faqbot.knowledge.normaliser import Normaliser, words
from faqbot.knowledge.schema import ANSWER_LIMIT, AsOf, NotCovered, Pack
from faqbot.knowledge.yaml_nodes import Node, Problem

NoticeKind = Literal["not_covered", "after_as_of", "as_of"]
# The `why` of a question declined before matching (`faqbot ask --json`).
RULE_NOT_COVERED = "rule: a topic the pack does not cover"
RULE_AFTER_AS_OF = "rule: asks about a time after the pack's as_of date"

# Words that ask for the state of things now. A question with one gets its answer with the
# pack's date stated, since "the latest" in the notes may not be the latest any more.
RECENCY_PHRASES = (
    # English
    *("latest", "recent", "recently", "last", "current", "currently", "now", "today"),
    *("nowadays", "so far", "till now", "until now", "to date", "as of now", "up to date"),
    "this year",
    # Hinglish
    *("abhi", "ab tak", "aajkal", "aaj kal", "filhaal", "filhal", "haal", "haliya", "halia"),
    *("taaza", "taza", "pichla", "pichli", "pichle", "aakhri", "akhri"),
    # Hindi
    *("हाल", "हालिया", "नवीनतम", "वर्तमान", "अभी", "अब तक", "आजकल", "मौजूदा", "ताज़ा"),
    *("पिछली", "पिछला", "पिछले", "आखिरी", "अंतिम", "फ़िलहाल"),
)
# Words that point past the notes when a meeting follows them closely ("next 2+2").
FUTURE_PHRASES = (
    *("next", "upcoming", "forthcoming", "agla", "agli", "agle", "aane wala", "aane wali"),
    *("अगला", "अगली", "अगले", "आगामी", "आने वाली", "आने वाला"),
)
MEETING_WORDS = (
    *("2+2", "dialogue", "meeting", "meet", "summit", "round", "edition", "session", "talks"),
    *("baithak", "vaarta", "varta", "वार्ता", "बैठक", "संवाद", "शिखर"),
)
# How many words may stand between a future word and the meeting it is about.
FUTURE_REACH = 4
# How many other content words may stand between the words of a not_covered pattern: none,
# so "india us 2+2" catches "India–US 2+2" and "India and the US 2+2" but not "Russia is
# not among India's 2+2 partners" read against "russia india 2+2".
PATTERN_GAP = 0

MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
MONTHS_HI = "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर".split()
MONTH_NAMES = {"en": MONTHS_EN, "hi": MONTHS_HI}
_MONTH_ALIASES = {
    **{name.casefold(): number for number, name in enumerate(MONTHS_EN, 1)},
    **{name.casefold()[:3]: number for number, name in enumerate(MONTHS_EN, 1)},
    "sept": 9,
    **{name: number for number, name in enumerate(MONTHS_HI, 1)},
    "फरवरी": 2,
    "सितम्बर": 9,
    "अक्तूबर": 10,
    "नवम्बर": 11,
    "दिसम्बर": 12,
}
_YEAR = re.compile(r"(?<![\d+])(?:19|20)\d\d(?![\d+])")
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def month_year(date: datetime.date, language: str) -> str:
    """'September 2022' in English, 'सितंबर 2022' in Hindi."""
    names = MONTH_NAMES.get(language, MONTHS_EN)
    return f"{names[date.month - 1]} {date.year}"


def _phrases(phrases: Iterable[str]) -> list[tuple[str, ...]]:
    """Each phrase as the words a question is read into, longest first."""
    found = {tuple(words(phrase)) for phrase in phrases} - {()}
    return sorted(found, key=len, reverse=True)


_RECENCY = _phrases(RECENCY_PHRASES)
_FUTURE = _phrases(FUTURE_PHRASES)
_MONTH_TOKENS = {tuple(words(name)): number for name, number in _MONTH_ALIASES.items()}


def _contains(tokens: Sequence[str], phrase: Sequence[str]) -> int:
    """Where `phrase` starts in `tokens`, or -1."""
    # Only where its first word is: slicing at every position cost long questions (exam stems
    # in Hindi, 50 words and more) half a millisecond over the recency and future phrases.
    size = len(phrase)
    if not size:
        return 0
    first, rest = phrase[0], tuple(phrase[1:])
    for start, token in enumerate(tokens[: len(tokens) - size + 1]):
        if token == first and tuple(tokens[start + 1 : start + size]) == rest:
            return start
    return -1


def follows_in_order(tokens: Sequence[str], pattern: Sequence[str], gap: int = PATTERN_GAP) -> bool:
    """Whether the pattern's words occur in order, each at most `gap` words after the last."""
    if not pattern:
        return False
    for start, token in enumerate(tokens):
        if token != pattern[0]:
            continue
        position = start
        for word in pattern[1:]:
            window = tokens[position + 1 : position + 2 + gap]
            if word not in window:
                break
            position += 1 + list(window).index(word)
        else:
            return True
    return False


@dataclass(frozen=True)
class Notice:
    """What the bot says about time or scope before (or instead of) an answer."""

    kind: NoticeKind
    text: str
    topic: str | None = None  # the not_covered id
    entries: tuple[str, ...] = ()  # entries to offer instead

    @property
    def declines(self) -> bool:
        """Whether the question is declined rather than answered with the date stated."""
        return self.kind != "as_of"

    @property
    def rule(self) -> str | None:
        return {"not_covered": RULE_NOT_COVERED, "after_as_of": RULE_AFTER_AS_OF}.get(self.kind)

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "topic": self.topic}


class Currency:
    """Reads a question for scope and time, in one language of a pack."""

    def __init__(
        self,
        as_of: AsOf | None,
        not_covered: Sequence[NotCovered],
        language: str,
        normaliser: Normaliser,
    ) -> None:
        self.as_of = as_of
        self.language = language
        self.normaliser = normaliser
        self._meeting = {token for word in MEETING_WORDS for token in normaliser.tokens(word)}
        self._topics = [
            (topic, [tuple(normaliser.content_tokens(p)) for p in topic.patterns])
            for topic in not_covered
        ]

    @classmethod
    def from_pack(cls, view: Pack) -> Currency:
        """The currency rules of a pack as read in its language (`pack.in_language(code)`);
        a view in another language also knows the main language's not_covered patterns,
        since students mix scripts."""
        topics = list(view.not_covered)
        if view.base is not None:
            main = {topic.id: topic for topic in view.base.not_covered}
            topics = [
                NotCovered(
                    topic.id,
                    (*topic.patterns, *main[topic.id].patterns),
                    topic.reply,
                    topic.related,
                )
                if topic.id in main
                else topic
                for topic in topics
            ]
        return cls(
            view.as_of, topics, view.info.language, Normaliser(view.synonyms, view.stopwords)
        )

    def not_covered(self, question: str) -> NotCovered | None:
        """The declined topic the question names, if any."""
        tokens = self.normaliser.content_tokens(question)
        present = set(tokens)
        for topic, patterns in self._topics:
            if any(p and p[0] in present and follows_in_order(tokens, p) for p in patterns):
                return topic
        return None

    def after_as_of(self, question: str) -> bool:
        """Whether the question asks about a year, month or meeting later than `as_of`."""
        if self.as_of is None:
            return False
        date = self.as_of.date
        raw = words(ascii_digits(question))
        for index, token in enumerate(raw):
            if not _YEAR.fullmatch(token):
                continue
            year = int(token)
            month = _MONTH_TOKENS.get((raw[index - 1],)) if index else None
            if year > date.year or (year == date.year and month and month > date.month):
                return True
        tokens = self.normaliser.tokens(question)
        present = set(tokens)
        for phrase in _FUTURE:
            start = _contains(tokens, phrase) if phrase[0] in present else -1
            if start < 0:
                continue
            after = tokens[start + len(phrase) : start + len(phrase) + FUTURE_REACH]
            if self._meeting.intersection(after):
                return True
        return False

    def asks_for_latest(self, question: str) -> bool:
        """Whether the question asks how things stand now ("latest", "abhi", "वर्तमान")."""
        tokens = words(question)
        present = set(tokens)
        return any(phrase[0] in present and _contains(tokens, phrase) >= 0 for phrase in _RECENCY)

    def hold(self, question: str) -> Notice | None:
        """A notice that declines the question, or None to go on and match it."""
        topic = self.not_covered(question)
        if topic is not None:
            return Notice("not_covered", topic.reply, topic.id, topic.related)
        if self.as_of is not None and self.after_as_of(question):
            text = say(self.language, "after_as_of", date=self._date())
            latest = self._latest()
            if latest:
                text += " " + say(self.language, "as_of_then", latest=latest)
            return Notice("after_as_of", text, entries=self.as_of.entries)
        return None

    def date_note(self, question: str) -> Notice | None:
        """The pack's date, stated before an answer to a question about the latest news."""
        if self.as_of is None or not self.asks_for_latest(question):
            return None
        latest = self._latest()
        if latest:
            text = say(self.language, "as_of_note", date=self._date(), latest=latest)
        else:
            text = say(self.language, "as_of_plain", date=self._date())
        return Notice("as_of", text, entries=self.as_of.entries)

    def _date(self) -> str:
        assert self.as_of is not None
        return month_year(self.as_of.date, self.language)

    def _latest(self) -> str:
        assert self.as_of is not None
        latest = self.as_of.latest
        return latest.get(self.language) or next(iter(latest.values()), "")


# --------------------------------------------------------------------------- reading the pack


def read_date(node: Node, subject: str, problems: list[Problem]) -> str | None:
    """An ISO date ('2022-09-08'), or a month ('2022-09') or year; YAML may give a date."""
    value = node.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        text = value.strip()
        try:
            datetime.date.fromisoformat((text + "-01-01")[:10])
        except ValueError:
            pass
        else:
            return text
    problems.append(
        Problem(node.location, subject, f"date {value!r} must be YYYY-MM-DD, YYYY-MM or YYYY")
    )
    return None


def read_as_of(
    node: Node | None, main_language: str, others: tuple[str, ...], entry_ids: set[str]
) -> tuple[AsOf | None, list[Problem]]:
    """`as_of: 2022-09-08`, or a mapping with `date`, `latest` (the clause the date is stated
    with), `entries` to offer, and a block per other language with its `latest`."""
    problems: list[Problem] = []
    if node is None:
        return None, problems
    if not isinstance(node.value, dict):
        node = Node({"date": node.value}, node.line, node.file, keys={"date": node})
    for key, child in node.keys.items():
        if key not in {"date", "latest", "entries", *others}:
            problems.append(Problem(child.location, "as_of", f"unknown key '{key}'"))
    date_node = node.keys.get("date")
    if date_node is None:
        problems.append(Problem(node.location, "as_of", "missing required field 'date'"))
        return None, problems
    text = read_date(date_node, "as_of", problems)
    if text is None:
        return None, problems
    if len(text) != 10:
        problems.append(Problem(date_node.location, "as_of", "as_of needs a full date: YYYY-MM-DD"))
        return None, problems
    latest: dict[str, str] = {}
    latest_node = node.keys.get("latest")
    if latest_node is not None:
        if isinstance(latest_node.value, str) and latest_node.value.strip():
            latest[main_language] = latest_node.value.strip()
        else:
            problems.append(Problem(latest_node.location, "as_of", "'latest' must be text"))
    for language in others:
        block = node.keys.get(language)
        if block is None:
            if latest_node is not None:
                problems.append(
                    Problem(node.location, "as_of", f"missing '{language}' translation of latest")
                )
            continue
        value = block.keys.get("latest") if isinstance(block.value, dict) else None
        if value is None or not isinstance(value.value, str) or not value.value.strip():
            problems.append(Problem(block.location, "as_of", f"'{language}' needs 'latest' text"))
        else:
            latest[language] = value.value.strip()
    entries: list[str] = []
    entries_node = node.keys.get("entries")
    for item in entries_node.items if entries_node is not None else []:
        if isinstance(item.value, str) and item.value in entry_ids:
            entries.append(item.value)
        else:
            problems.append(Problem(item.location, "as_of", f"entry '{item.value}' does not exist"))
    return AsOf(datetime.date.fromisoformat(text), latest, tuple(entries)), problems


NOT_COVERED_KEYS = {"id", "patterns", "reply", "related"}


def read_not_covered(
    node: Node | None, others: tuple[str, ...], entry_ids: set[str]
) -> tuple[list[NotCovered], list[Problem]]:
    """The pack's `not_covered:` list: id, patterns, reply, related entries, and a block per
    other language (`hi: {patterns, reply}`)."""
    problems: list[Problem] = []
    if node is None:
        return [], problems
    if not isinstance(node.value, list):
        problems.append(Problem(node.location, "not_covered", "'not_covered' must be a list"))
        return [], problems
    topics: list[NotCovered] = []
    seen: set[str] = set()
    for item in node.items:
        if not isinstance(item.value, dict):
            problems.append(Problem(item.location, "not_covered", "each item must be a mapping"))
            continue
        subject = str(item.value.get("id") or "not_covered")
        for key, child in item.keys.items():
            if key not in NOT_COVERED_KEYS and key not in others:
                problems.append(Problem(child.location, subject, f"unknown key '{key}'"))
        before = len(problems)
        ident = item.keys.get("id")
        if ident is None or not isinstance(ident.value, str) or not ident.value.strip():
            problems.append(Problem(item.location, subject, "missing required field 'id'"))
        elif ident.value in seen:
            problems.append(Problem(ident.location, subject, "duplicate not_covered id"))
        patterns, reply = _patterns_and_reply(item, subject, problems)
        related = []
        related_node = item.keys.get("related")
        for child in related_node.items if related_node is not None else []:
            if isinstance(child.value, str) and child.value in entry_ids:
                related.append(child.value)
            else:
                problems.append(
                    Problem(child.location, subject, f"related id '{child.value}' does not exist")
                )
        translations: dict[str, tuple[tuple[str, ...], str]] = {}
        for language in others:
            block = item.keys.get(language)
            if block is None or not isinstance(block.value, dict):
                problems.append(
                    Problem(item.location, subject, f"missing '{language}' translation")
                )
                continue
            for key, child in block.keys.items():
                if key not in {"patterns", "reply"}:
                    problems.append(Problem(child.location, subject, f"unknown key '{key}'"))
            translations[language] = _patterns_and_reply(block, subject, problems)
        if len(problems) == before:
            seen.add(subject)
            topics.append(NotCovered(subject, patterns, reply, tuple(related), translations))
    return topics, problems


def _patterns_and_reply(
    node: Node, subject: str, problems: list[Problem]
) -> tuple[tuple[str, ...], str]:
    patterns_node, reply_node = node.keys.get("patterns"), node.keys.get("reply")
    patterns: list[str] = []
    if (
        patterns_node is None
        or not isinstance(patterns_node.value, list)
        or not patterns_node.items
    ):
        problems.append(
            Problem((patterns_node or node).location, subject, "'patterns' must be a list")
        )
    else:
        for child in patterns_node.items:
            if isinstance(child.value, str) and words(child.value):
                patterns.append(child.value.strip())
            else:
                problems.append(Problem(child.location, subject, "each pattern must have a word"))
    if reply_node is None or not isinstance(reply_node.value, str) or not reply_node.value.strip():
        problems.append(Problem((reply_node or node).location, subject, "missing 'reply'"))
        return tuple(patterns), ""
    if len(reply_node.value) > ANSWER_LIMIT:
        problems.append(Problem(reply_node.location, subject, "reply is too long for Telegram"))
    return tuple(patterns), reply_node.value.strip()
