"""Quiz items from a pack (hand-written and generated), and choosing them for a round."""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process, utils

from faqbot.knowledge.catalogue import say
from faqbot.knowledge.schema import (
    QUIZ_EXPLANATION_LIMIT,
    QUIZ_OPTION_LIMIT,
    QUIZ_QUESTION_LIMIT,
    Entry,
    Pack,
    QuizItem,
    Topic,
)

QUIZ_DISTRACTORS = 3
# WRatio of a typed topic against a topic's title or id: "exercises" scores 90 against
# "Exercises explained (background)", a typo such as "excercises" about 85, an unrelated word
# such as "cricket" under 60.
TOPIC_CUTOFF = 80.0
BLANK = "____"

# A sentence ends at ".", "!", "?" or the Devanagari danda "।", before a capital, digit or
# Devanagari letter (a Hindi answer's sentences are cloze questions of their own).
_SENTENCE_END = re.compile(r"(?<=[.!?।])(?<!\s[A-Z]\.)\s+(?=[\"'(A-Z0-9\u0900-\u097f])")
_SHAPE_WORD = re.compile(r"[^\W\d_]+")
_SHAPE_DIGIT = re.compile(r"\d")


def quiz_problems(item: QuizItem) -> list[str]:
    """What makes a quiz item unfit for a Telegram quiz poll."""
    problems = []
    if len(item.question) > QUIZ_QUESTION_LIMIT:
        problems.append(
            f"quiz question is {len(item.question)} characters; "
            f"Telegram's limit is {QUIZ_QUESTION_LIMIT}"
        )
    options = [item.correct, *item.distractors]
    for option in options:
        if not 1 <= len(option) <= QUIZ_OPTION_LIMIT:
            problems.append(
                f"quiz option '{option[:40]}' must be 1 to {QUIZ_OPTION_LIMIT} characters"
            )
    if len(item.distractors) != QUIZ_DISTRACTORS:
        problems.append(
            f"quiz needs exactly {QUIZ_DISTRACTORS} distractors, not {len(item.distractors)}"
        )
    folded = [option.casefold() for option in options]
    if len(set(folded)) != len(folded):
        problems.append("quiz options must all differ")
    if len(item.explanation) > QUIZ_EXPLANATION_LIMIT:
        problems.append(
            f"quiz explanation is {len(item.explanation)} characters; "
            f"Telegram's limit is {QUIZ_EXPLANATION_LIMIT}"
        )
    return problems


def mentions(text: str, value: str) -> bool:
    """Whether text states value as a whole phrase, ignoring case and the article 'the'."""
    return _phrase(value).search(text) is not None


# A reload checks every distractor against every true_elsewhere fact: thousands of patterns,
# more than re's own cache keeps.
@functools.lru_cache(maxsize=8192)
def _phrase(value: str) -> re.Pattern[str]:
    """A whole-phrase pattern for value; 'the' may appear or not between its words."""
    words = [re.escape(word) for word in value.split() if word.casefold() != "the"]
    gap = r"\s+(?:the\s+)?"
    return re.compile(rf"(?<!\w){gap.join(words)}(?!\w)", re.IGNORECASE)


def _sentences(answer: str) -> Iterable[str]:
    """The answer's sentences; bullet lines count as sentences of their own."""
    for line in answer.splitlines():
        line = line.strip().removeprefix("- ").strip()
        if line:
            yield from (part for part in _SENTENCE_END.split(line) if part)


def _shape(text: str) -> str:
    """A value's outline, so '2010' is offered among years and 'March 2015' among months."""
    return _SHAPE_DIGIT.sub("9", _SHAPE_WORD.sub("a", text))


def _fit(text: str, start: int, end: int, limit: int) -> str:
    """text cut to at most limit characters around [start, end), with ellipses where cut."""
    if len(text) <= limit:
        return text
    room = max(limit - (end - start) - 2, 0)
    left = max(start - room // 2, 0)
    right = min(left + (end - start) + room, len(text))
    left = max(min(left, right - (end - start) - room), 0)
    head = "…" if left > 0 else ""
    tail = "…" if right < len(text) else ""
    return f"{head}{text[left:right].strip()}{tail}"


def distractor_pool(pack: Pack, kind: str, excluding: Entry | None = None) -> list[str]:
    """Wrong-answer candidates of one kind: other entries' short answers, then the pack's list."""
    pool: dict[str, str] = {}
    values = [
        entry.short_answer.text
        for entry in pack.entries
        if entry.short_answer and entry.short_answer.kind == kind and entry is not excluding
    ]
    for value in (*values, *pack.quiz_distractors.get(kind, ())):
        pool.setdefault(value.casefold(), value)
    return list(pool.values())


def generation_blockers(entry: Entry, pack: Pack) -> list[str]:
    """Why an entry's short answer yields no quiz item (empty when it yields one)."""
    if entry.short_answer is None:
        return []
    if _cloze_sentence(entry) is None:
        return [
            f"short_answer '{entry.short_answer.text}' is not stated in the answer, "
            "so no quiz item can be generated from it"
        ]
    found = len(_distractors_for(entry, pack))
    if found < QUIZ_DISTRACTORS:
        kind = entry.short_answer.kind
        return [
            f"only {found} usable distractor(s) of kind '{kind}' for short_answer "
            f"'{entry.short_answer.text}' (values the answer itself mentions are left out); "
            f"add more under quiz_distractors: {kind}"
        ]
    return []


def _cloze_sentence(entry: Entry) -> tuple[str, re.Match[str]] | None:
    if entry.short_answer is None:
        return None
    pattern = _phrase(entry.short_answer.text)
    for sentence in _sentences(entry.answer):
        found = pattern.search(sentence)
        if found:
            return sentence, found
    return None


def _distractors_for(entry: Entry, pack: Pack) -> list[str]:
    """Usable distractors, most plausible first, in a fixed order per entry."""
    assert entry.short_answer is not None
    correct = entry.short_answer.text
    candidates = [
        value
        for value in distractor_pool(pack, entry.short_answer.kind, excluding=entry)
        if value.casefold() != correct.casefold()
        and not mentions(entry.answer, value)
        and not mentions(value, correct)
        and not mentions(correct, value)
    ]
    random.Random(entry.id).shuffle(candidates)
    shape = _shape(correct)
    return sorted(candidates, key=lambda value: _shape(value) != shape)


def generate_item(entry: Entry, pack: Pack) -> QuizItem | None:
    """A fill-in-the-blank item from the entry's short answer, or None if it cannot make one."""
    cloze = _cloze_sentence(entry)
    distractors = _distractors_for(entry, pack) if cloze else []
    if cloze is None or len(distractors) < QUIZ_DISTRACTORS:
        return None
    sentence, found = cloze
    blanked = f"{sentence[: found.start()]}{BLANK}{sentence[found.end() :]}"
    start = found.start()
    prompt = say(pack.info.language, "fill_in_the_blank")
    room = QUIZ_QUESTION_LIMIT - len(prompt)
    question = prompt + _fit(blanked, start, start + len(BLANK), room)
    explanation = _fit(sentence, found.start(), found.end(), QUIZ_EXPLANATION_LIMIT)
    assert entry.short_answer is not None
    return QuizItem(
        entry_id=entry.id,
        question=question,
        correct=entry.short_answer.text,
        distractors=tuple(distractors[:QUIZ_DISTRACTORS]),
        explanation=explanation,
    )


def generated_items(pack: Pack) -> list[QuizItem]:
    """Items generated from short answers that no hand-written item of the entry already asks."""
    items = []
    for entry in pack.entries:
        item = generate_item(entry, pack)
        if item is None:
            continue
        asked = {hand.correct.casefold() for hand in entry.quiz}
        if item.correct.casefold() not in asked and not quiz_problems(item):
            items.append(item)
    return items


def quiz_items(pack: Pack) -> list[QuizItem]:
    """Every distinct item the pack offers: hand-written first, then generated."""
    items: dict[str, QuizItem] = {}
    for item in (*(hand for entry in pack.entries for hand in entry.quiz), *generated_items(pack)):
        items.setdefault(item.question.casefold(), item)
    return list(items.values())


def generation_problems(pack: Pack) -> list[tuple[Entry, str]]:
    """What `faqbot validate` reports about generated items, per entry."""
    problems = []
    for entry in pack.entries:
        problems += [(entry, message) for message in generation_blockers(entry, pack)]
        item = generate_item(entry, pack)
        if item is not None:
            problems += [(entry, f"generated {message}") for message in quiz_problems(item)]
    return problems


@dataclass(frozen=True)
class QuizBank:
    """A pack's quiz items, looked up by their stable key, each under its entry's topic."""

    items: tuple[QuizItem, ...]
    topic_of: dict[str, str] = field(default_factory=dict, compare=False)  # item key → topic id
    _by_key: dict[str, QuizItem] = field(init=False, repr=False, compare=False)

    @classmethod
    def from_pack(cls, pack: Pack) -> QuizBank:
        items = quiz_items(pack)
        topics = {
            item.key: entry.topic
            for item in items
            if (entry := pack.entry(item.entry_id)) is not None
        }
        return cls(tuple(items), topics)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {item.key: item for item in self.items})

    def get(self, key: str) -> QuizItem | None:
        """The item with this key, or None if the pack no longer has it."""
        return self._by_key.get(key)

    def counts(self) -> dict[str, int]:
        """How many items each topic has, by topic id."""
        counts: dict[str, int] = {}
        for item in self.items:
            topic = self.topic_of.get(item.key)
            if topic is not None:
                counts[topic] = counts.get(topic, 0) + 1
        return counts

    def choose(
        self,
        count: int,
        rng: random.Random,
        avoid: Collection[str] = (),
        topic: str | None = None,
    ) -> list[QuizItem]:
        """count different items (of one topic, if given), those not in `avoid` first."""
        pool = [i for i in self.items if topic is None or self.topic_of.get(i.key) == topic]
        fresh = [item for item in pool if item.key not in avoid]
        stale = [item for item in pool if item.key in avoid]
        rng.shuffle(fresh)
        rng.shuffle(stale)
        return (fresh + stale)[:count]


@dataclass(frozen=True)
class TopicMatch:
    """What a typed topic name found: the topic, or else the closest one to suggest, and the
    topics it fits equally well when it fits several."""

    topic: Topic | None
    closest: Topic | None
    ambiguous: tuple[Topic, ...] = ()


def match_topic(pack: Pack, text: str) -> TopicMatch:
    """The pack's topic a user means by `text`, matched fuzzily on its title and its id."""
    names: list[str] = []
    owners: list[Topic] = []
    for topic in pack.topics:
        for name in (topic.title, topic.id.replace("-", " ")):
            names.append(name)
            owners.append(topic)
    if not names or not utils.default_process(text):
        return TopicMatch(None, None)
    found = process.extract(
        text, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=len(names)
    )
    # Ranked by the best of a topic's two names, then by both together: "defence" fits two
    # titles equally, and the topic whose id says it too ("japan-defence") comes first.
    scores: dict[str, list[float]] = {}
    for _, score, index in found:
        scores.setdefault(owners[index].id, []).append(score)
    by_id = {topic.id: topic for topic in pack.topics}
    ranked = sorted(
        ((max(s), sum(s), by_id[topic_id]) for topic_id, s in scores.items()),
        key=lambda row: (-row[0], -row[1]),
    )
    top_score, top_total, top = ranked[0]
    if top_score < TOPIC_CUTOFF:
        return TopicMatch(None, top)
    tied = tuple(t for score, total, t in ranked if (score, total) == (top_score, top_total))
    if len(tied) > 1:
        return TopicMatch(None, top, tied)
    return TopicMatch(top, top)


@dataclass(frozen=True)
class PollOptions:
    """One poll's options in the order shown, and which of them is right."""

    options: tuple[str, ...]
    correct: int


def shuffled_options(item: QuizItem, rng: random.Random) -> PollOptions:
    """The item's options in a fresh random order, so position gives nothing away."""
    options = [item.correct, *item.distractors]
    rng.shuffle(options)
    return PollOptions(tuple(options), options.index(item.correct))


def language_banks(pack: Pack) -> dict[str, QuizBank]:
    """A bank per language of the pack. Another language's items share the keys of the main
    language's: the n-th item of an entry is the n-th item of the same entry in the main
    language (its translation), so "asked recently" and review boxes hold across languages."""
    main = QuizBank.from_pack(pack)
    banks = {pack.info.language: main}
    by_entry: dict[str, list[QuizItem]] = {}
    for item in main.items:
        by_entry.setdefault(item.entry_id, []).append(item)
    for language in pack.languages[1:]:
        seen: dict[str, int] = {}
        items = []
        for item in quiz_items(pack.in_language(language)):
            index = seen[item.entry_id] = seen.get(item.entry_id, -1) + 1
            twins = by_entry.get(item.entry_id, [])
            items.append(replace(item, shared_key=twins[index].key) if index < len(twins) else item)
        topics = {
            item.key: entry.topic
            for item in items
            if (entry := pack.entry(item.entry_id)) is not None
        }
        banks[language] = QuizBank(tuple(items), topics)
    return banks
