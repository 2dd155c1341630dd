"""The knowledge pack's data model: plain, immutable records with no Telegram in sight."""

from __future__ import annotations

from dataclasses import dataclass, field

ANSWER_LIMIT = 4096
QUIZ_QUESTION_LIMIT = 300
QUIZ_OPTION_LIMIT = 100
QUIZ_EXPLANATION_LIMIT = 200
SHORT_ANSWER_KINDS = frozenset(
    {"date", "place", "name", "number", "exercise", "agreement", "organisation", "country"}
)


@dataclass(frozen=True)
class Location:
    """Where something was written: a file and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class QuizItem:
    """One multiple-choice question with a single correct option."""

    entry_id: str
    question: str
    correct: str
    distractors: tuple[str, ...]
    explanation: str

    @property
    def key(self) -> str:
        """A stable identifier, so review schedules survive pack edits that keep the question."""
        return f"{self.entry_id}:{self.question}"


@dataclass(frozen=True)
class ShortAnswer:
    """A clear, short fact an entry answers with, such as a date or a place."""

    kind: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One question and its answer, with the phrasings students use to ask it."""

    id: str
    topic: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    source: str
    related: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    short_answer: ShortAnswer | None = None
    quiz: tuple[QuizItem, ...] = ()
    location: Location = field(default=Location("<memory>", 0), compare=False)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question first, then the alternates."""
        return (self.question, *self.alternates)


@dataclass(frozen=True)
class Topic:
    """A browsable section of the pack."""

    id: str
    title: str


@dataclass(frozen=True)
class SmallTalk:
    """A kind of small talk ("greeting", "thanks"): the phrases that say it, and the reply."""

    id: str
    patterns: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class PackInfo:
    """The pack's metadata."""

    title: str
    language: str
    source_document: str


@dataclass(frozen=True)
class Pack:
    """A loaded, validated knowledge pack."""

    info: PackInfo
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stopwords: tuple[str, ...] = ()
    quiz_distractors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    paths: tuple[str, ...] = ()
    smalltalk: tuple[SmallTalk, ...] = ()
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def entries_in(self, topic_id: str) -> list[Entry]:
        """Entries of one topic, in pack order."""
        return [entry for entry in self.entries if entry.topic == topic_id]

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, or None."""
        return next((topic for topic in self.topics if topic.id == topic_id), None)
