"""The knowledge pack's data model: plain, immutable records with no Telegram in sight."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

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
class EntryText:
    """An entry's words in one more language; the kind of its short answer is the entry's."""

    question: str
    alternates: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...] = ()
    short_answer: str | None = None
    quiz: tuple[QuizItem, ...] = ()


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
    # The entry in the pack's other languages, by language code.
    translations: Mapping[str, EntryText] = field(default_factory=dict, compare=False)
    # Ids of the pack's sources the answer rests on, then those of its background facts (facts
    # from the public record that the pack's source document does not state).
    cites: tuple[str, ...] = ()
    background: tuple[str, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question first, then the alternates."""
        return (self.question, *self.alternates)

    def in_language(self, language: str) -> Entry:
        """The entry with its words in `language`; itself when it has no such translation."""
        text = self.translations.get(language)
        if text is None:
            return self
        short_answer = self.short_answer
        if short_answer is not None and text.short_answer is not None:
            short_answer = ShortAnswer(short_answer.kind, text.short_answer)
        return replace(
            self,
            question=text.question,
            alternates=text.alternates,
            answer=text.answer,
            keywords=text.keywords,
            short_answer=short_answer,
            quiz=text.quiz,
        )


@dataclass(frozen=True)
class Topic:
    """A browsable section of the pack."""

    id: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SmallTalk:
    """A kind of small talk ("greeting", "thanks"): the phrases that say it, and the reply."""

    id: str
    patterns: tuple[str, ...]
    reply: str
    # (patterns, reply) in the pack's other languages, by language code.
    translations: Mapping[str, tuple[tuple[str, ...], str]] = field(
        default_factory=dict, compare=False
    )

    def in_language(self, language: str) -> SmallTalk:
        """The small talk in `language`; itself when it has no such translation."""
        text = self.translations.get(language)
        return self if text is None else replace(self, patterns=text[0], reply=text[1])


@dataclass(frozen=True)
class Source:
    """A document answers rest on: what a student can cite, and where to find it."""

    id: str
    title: str
    publisher: str
    date: str  # ISO: "2022-09-08", or "2022-09" when only the month is known
    # The short line students see after "Source:", by language code (the main language's too).
    citations: Mapping[str, str] = field(default_factory=dict, compare=False)
    url: str | None = None

    def citation(self, language: str) -> str:
        """The student-facing citation in `language`, else in the pack's main language."""
        return self.citations.get(language) or next(iter(self.citations.values()), self.title)


@dataclass(frozen=True)
class AsOf:
    """The date the pack's knowledge runs to, and what was latest then."""

    date: datetime.date
    # "the latest … was …", by language code: the clause the bot states the date with.
    latest: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Entries to offer when a question is about a later time.
    entries: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotCovered:
    """A topic the pack declines on purpose, with the phrases that name it and the reply."""

    id: str
    patterns: tuple[str, ...]
    reply: str
    related: tuple[str, ...] = ()
    # (patterns, reply) in the pack's other languages, by language code.
    translations: Mapping[str, tuple[tuple[str, ...], str]] = field(
        default_factory=dict, compare=False
    )

    def in_language(self, language: str) -> NotCovered:
        """The topic in `language`; itself when it has no such translation."""
        text = self.translations.get(language)
        return self if text is None else replace(self, patterns=text[0], reply=text[1])


@dataclass(frozen=True)
class PackInfo:
    """The pack's metadata; `language` is the one its entries are shown in."""

    title: str
    language: str
    source_document: str
    # Every language the pack is written in, its main language first.
    languages: tuple[str, ...] = ()

    @property
    def all_languages(self) -> tuple[str, ...]:
        return self.languages or (self.language,)


@dataclass(frozen=True)
class LanguageText:
    """The pack-wide words of one more language: its title, synonyms, stop words, distractors."""

    title: str
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stopwords: tuple[str, ...] = ()
    quiz_distractors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


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
    translations: Mapping[str, LanguageText] = field(default_factory=dict, compare=False)
    # The pack in its main language, when this is a view of it in another.
    base: Pack | None = field(default=None, repr=False, compare=False)
    smalltalk: tuple[SmallTalk, ...] = ()
    sources: tuple[Source, ...] = ()
    as_of: AsOf | None = None
    not_covered: tuple[NotCovered, ...] = ()
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _views: dict[str, Pack] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})
        object.__setattr__(self, "_views", {})

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the pack is written in, its main language first."""
        return self.info.all_languages

    def in_language(self, language: str) -> Pack:
        """The pack as a reader of `language` sees it: questions, answers, topics, quiz items
        and synonyms in that language. Itself for its own language or one it lacks."""
        if self.base is not None:
            return self.base.in_language(language)
        text = self.translations.get(language)
        if language == self.info.language or text is None:
            return self
        view = self._views.get(language)
        if view is None:
            # Synonyms add up: a Hindi question may carry English acronyms ("RPSS").
            synonyms = dict(self.synonyms)
            for term, variants in text.synonyms.items():
                synonyms[term] = (*synonyms.get(term, ()), *variants)
            view = Pack(
                info=replace(self.info, title=text.title, language=language),
                topics=tuple(
                    replace(topic, title=topic.titles.get(language, topic.title))
                    for topic in self.topics
                ),
                entries=tuple(entry.in_language(language) for entry in self.entries),
                synonyms=synonyms,
                stopwords=(*self.stopwords, *text.stopwords),
                quiz_distractors=dict(text.quiz_distractors),
                paths=self.paths,
                smalltalk=tuple(kind.in_language(language) for kind in self.smalltalk),
                sources=self.sources,
                as_of=self.as_of,
                not_covered=tuple(topic.in_language(language) for topic in self.not_covered),
                translations=self.translations,
                base=self,
            )
            self._views[language] = view
        return view

    def entry(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(entry_id)

    def source(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        return next((source for source in self.sources if source.id == source_id), None)

    def entries_in(self, topic_id: str) -> list[Entry]:
        """Entries of one topic, in pack order."""
        return [entry for entry in self.entries if entry.topic == topic_id]

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, or None."""
        return next((topic for topic in self.topics if topic.id == topic_id), None)
