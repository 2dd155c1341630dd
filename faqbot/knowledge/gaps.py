"""Gaps in a pack: logged questions it did not answer outright, grouped into clusters of
near-identical wordings, each with the entry it most likely belongs to and the 👎 feedback.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final, Literal, TypeVar, get_args

import numpy as np
from rapidfuzz import fuzz, process

from faqbot.knowledge.matcher import Matcher
from faqbot.knowledge.normaliser import words

# "downvoted": answered outright, and the asker pressed 👎 under the answer.
Outcome = Literal["answered", "suggested", "tapped", "none", "smalltalk", "downvoted"]
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
# "answered" was answered outright and "smalltalk" was never a question about the pack; an
# answer its asker turned down with 👎 is a gap too.
GAP_OUTCOMES: Final[frozenset[Outcome]] = frozenset({"suggested", "tapped", "none", "downvoted"})

# Two wordings belong together when fuzz.ratio of their keys reaches this. Chosen on the
# labelled pairs of tests/data/gap-pairs-dev.yaml (benchmarks/tune_gaps.py; docs/benchmarks.md).
CUTOFF: Final = 75.0
MAX_VARIANTS: Final = 5  # wordings shown besides the representative
MAX_FEEDBACK: Final = 5  # 👎 replies shown per cluster (all are counted)
# Wordings kept per normalised question: bounds memory when a question is typed many ways.
WORDINGS_PER_KEY: Final = 4
WORDING_CHARS: Final = 300
# Words one key has and the other lacks must be at least this alike: one slip in a word of four
# letters ("qaud", "quad") scores 75; different words rarely do ("iran", "israel": 60).
WORD_CUTOFF: Final = 75.0
# Candidates tried per key, best first, before it is left on its own.
LINK_TRIES: Final = 3
# Each key is compared with the keys of its block asked more often, up to the BLOCK_ANCHORS most
# asked: that bounds the work per block, and a rare wording that meets none of them is rare.
BLOCK_ANCHORS: Final = 2048
CHUNK: Final = 256  # rows per cdist call: at most a CHUNK x BLOCK_ANCHORS matrix of uint8
# A typo makes a word rare, so the rarest word alone would keep a typo from its original.
BLOCK_WORDS: Final = 3
KEY_CACHE: Final = 1 << 16

# Question words that change what is asked ("when" vs "where" the first meeting was held).
# The normaliser treats them as stop words, which is right for matching but not for grouping.
_ASKS: Final = {
    **dict.fromkeys(("when", "kab"), "when"),
    **dict.fromkeys(("where", "kahan", "kaha"), "where"),
    **dict.fromkeys(("who", "whom", "kaun", "kon", "koun"), "who"),
    **dict.fromkeys(("why", "kyun", "kyon", "kyu"), "why"),
    **dict.fromkeys(("kitne", "kitna", "kitni"), "howmany"),
}
# Chat spellings of question words, which the normaliser keeps as content ("wat is jimex").
_CHAT_FILLER: Final = frozenset({"wat", "wht", "wut", "abt", "ur", "plss", "plzz"})
_ORDINALS: Final = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split()
)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """One question from the log, as gaps needs it; `entry_id` is the best candidate, if any."""

    question: str
    outcome: Outcome
    entry_id: str | None
    score: float
    language: str
    feedback: str | None
    asked_at: datetime  # naive times are read as UTC
    tapped_id: str | None = None  # the suggestion the asker pressed, if any


@dataclass(frozen=True)
class GapCluster:
    """Near-identical questions the pack did not answer outright."""

    representative: str  # the most asked wording
    count: int
    variants: tuple[str, ...]  # other wordings, most asked first
    wordings: int  # distinct normalised wordings in the cluster
    entry_id: str | None  # the entry the cluster most likely belongs to
    entry_share: float  # share of the cluster's questions whose best candidate it was
    outcomes: dict[Outcome, int]
    languages: dict[str, int]
    feedback: tuple[str, ...]
    feedback_count: int
    first_seen: datetime
    last_seen: datetime
    # The suggestions pressed under "Did you mean…?", entry id → presses, most pressed first.
    tapped: dict[str, int] = field(default_factory=dict)


def question_key(question: str, matcher: Matcher) -> str:
    """What a question asks, for grouping, as "content|asks|numbers": its content words with
    typos corrected, in sorted order so that word order does not matter; the question words
    that change what it asks ("when", "where"...); and its numbers and ordinals."""
    raw = words(question)
    content = {
        matcher.correct(token) or token
        for token in matcher.normaliser.content_tokens(question)
        if token not in _CHAT_FILLER
    }
    asks = {_ASKS[token] for token in raw if token in _ASKS}
    if "how" in raw and ("many" in raw or "much" in raw):
        asks.add("howmany")
    numbers = {token for token in content if token.isdigit() or token in _ORDINALS}
    content -= numbers
    if not (content or asks or numbers):  # only stop words ("what is this?")
        content = set(raw)
    return "|".join(" ".join(sorted(part)) for part in (content, asks, numbers))


def compatible(first: str, second: str) -> bool:
    """Whether two keys may share a cluster: the same question words and the same numbers,
    where one side saying none is no conflict ("first 2+2" and "when was the first 2+2")."""
    _, asks, numbers = first.split("|")
    _, other_asks, other_numbers = second.split("|")
    return (not asks or not other_asks or asks == other_asks) and (
        not numbers or not other_numbers or numbers == other_numbers
    )


def similarity(first: str, second: str, matcher: Matcher) -> float:
    """How alike two questions are for grouping, 0-100; CUTOFF and above share a cluster."""
    key, other = question_key(first, matcher), question_key(second, matcher)
    content, other_content = key.partition("|")[0], other.partition("|")[0]
    if not compatible(key, other) or not _words_agree(content, other_content):
        return 0.0
    return fuzz.ratio(content, other_content)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`--since`: an ISO date ("2026-11-01", from midnight UTC), an ISO date-time, or a number
    of days back ("30d"). Raises ValueError with a message fit for the operator."""
    value = text.strip()
    if value[:-1].isdigit() and value[-1:].lower() == "d":
        return (now or datetime.now(UTC)) - timedelta(days=int(value[:-1]))
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"--since {text!r}: expected a date (2026-11-01), a date and time "
            "(2026-11-01T08:00) or a number of days (30d)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _seconds(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class _Tally:
    """Per normalised question: counts, wordings, candidates and feedback, in flat tables."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        self.wordings: list[dict[str, int]] = []
        self.counts = array("q")
        self.first = array("d")
        self.last = array("d")
        self.entries: Counter[tuple[int, str]] = Counter()
        self.outcomes: Counter[tuple[int, Outcome]] = Counter()
        self.languages: Counter[tuple[int, str]] = Counter()
        self.tapped: Counter[tuple[int, str]] = Counter()
        self.feedback: dict[int, list[str]] = defaultdict(list)
        self.feedback_count: Counter[int] = Counter()

    def add(self, key: str, record: LoggedQuestion, seconds: float) -> None:
        at = self.index.get(key)
        if at is None:
            at = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.wordings.append({})
            self.counts.append(0)
            self.first.append(seconds)
            self.last.append(seconds)
        self.counts[at] += 1
        if seconds < self.first[at]:
            self.first[at] = seconds
        elif seconds > self.last[at]:
            self.last[at] = seconds
        wordings = self.wordings[at]
        wording = " ".join(record.question[:WORDING_CHARS].split()).lower()
        if wording in wordings:
            wordings[wording] += 1
        elif len(wordings) < WORDINGS_PER_KEY:
            wordings[wording] = 1
        if record.entry_id is not None:
            self.entries[at, record.entry_id] += 1
        self.outcomes[at, record.outcome] += 1
        self.languages[at, record.language] += 1
        if record.tapped_id is not None:
            self.tapped[at, record.tapped_id] += 1
        if record.feedback and record.feedback.strip():
            self.feedback_count[at] += 1
            if len(self.feedback[at]) < MAX_FEEDBACK:
                self.feedback[at].append(" ".join(record.feedback[:WORDING_CHARS].split()))


def find_gaps(
    records: Iterable[LoggedQuestion],
    matcher: Matcher,
    *,
    since: datetime | None = None,
    cutoff: float = CUTOFF,
    limit: int | None = None,
) -> list[GapCluster]:
    """Cluster the questions of `records` (asked at or after `since`) that were not answered
    outright, most asked cluster first. `records` is read once, as a stream."""
    key_of: Callable[[str], str] = lru_cache(maxsize=KEY_CACHE)(
        lambda question: question_key(question, matcher)
    )
    since_seconds = None if since is None else _seconds(since)
    tally = _Tally()
    for record in records:
        if record.outcome not in GAP_OUTCOMES:
            continue
        seconds = _seconds(record.asked_at)
        if since_seconds is not None and seconds < since_seconds:
            continue
        tally.add(key_of(record.question), record, seconds)
    if not tally.keys:
        return []
    roots = _cluster(tally, cutoff)
    clusters = _summaries(tally, _groups(roots, tally.counts))
    clusters.sort(key=lambda c: (-c.count, -c.last_seen.timestamp(), c.representative))
    return clusters if limit is None else clusters[:limit]


def _blocks(tally: _Tally, contents: Sequence[str]) -> list[list[int]]:
    """Keys worth comparing: those whose questions share a best candidate entry, and those
    that share one of their BLOCK_WORDS rarest content words."""
    best: dict[int, tuple[int, str]] = {}
    for (at, entry_id), votes in tally.entries.items():
        if at not in best or (votes, entry_id) > best[at]:
            best[at] = (votes, entry_id)
    by_entry: defaultdict[str, list[int]] = defaultdict(list)
    for at, (_, entry_id) in best.items():
        by_entry[entry_id].append(at)

    split = [content.split() for content in contents]
    frequency = Counter(token for tokens in split for token in tokens)
    by_token: defaultdict[str, list[int]] = defaultdict(list)
    for at, tokens in enumerate(split):
        for token in sorted(tokens, key=lambda t: (frequency[t], t))[:BLOCK_WORDS]:
            by_token[token].append(at)
    return [block for block in (*by_entry.values(), *by_token.values()) if len(block) > 1]


def _cluster(tally: _Tally, cutoff: float) -> list[int]:
    """Each key's cluster root: its representative, the cluster's most asked key.

    cdist scores each key, within its blocks, against the keys asked more often and keeps
    the best few as candidates. Then, most asked first, a key joins the cluster of its best
    candidate whose representative it also matches (`_matches`), or leads a cluster of its
    own. Every member thus matches its representative: clusters cannot chain through shared
    frames ("india iran relations" ~ "india israel relations" ~ ...), as union-find over all
    pairs above the cutoff did.
    """
    contents: list[str] = []
    codes: dict[str, int] = {"": 0}  # interned question words and numbers; 0 is "none"
    asks = array("q")
    numbers = array("q")
    for key in tally.keys:
        content, ask, number = key.split("|")
        contents.append(content)
        asks.append(codes.setdefault(ask, len(codes)))
        numbers.append(codes.setdefault(number, len(codes)))
    ask_code = np.frombuffer(asks, dtype=np.int64)
    number_code = np.frombuffer(numbers, dtype=np.int64)
    order = np.argsort(-np.frombuffer(tally.counts, dtype=np.int64), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))

    found_key: list[np.ndarray] = []
    found_other: list[np.ndarray] = []
    found_score: list[np.ndarray] = []
    for block in _blocks(tally, contents):
        ids = np.asarray(block, dtype=np.int64)
        ids = ids[np.argsort(rank[ids])]  # most asked first
        texts = [contents[i] for i in ids]
        for start in range(1, len(ids), CHUNK):
            stop = min(start + CHUNK, len(ids))
            width = min(stop, BLOCK_ANCHORS)
            scores = process.cdist(
                texts[start:stop],
                texts[:width],
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=cutoff,
                dtype=np.uint8,
                workers=-1,
            )
            rows, above = ids[start:stop, None], ids[None, :width]
            scores[
                (np.arange(start, stop)[:, None] <= np.arange(width)[None, :])
                | ~_agree(ask_code[rows], ask_code[above])
                | ~_agree(number_code[rows], number_code[above])
            ] = 0
            best = np.argsort(-scores.astype(np.int16), axis=1, kind="stable")[:, :LINK_TRIES]
            best_scores = np.take_along_axis(scores, best, axis=1)
            row, column = np.nonzero(best_scores)
            found_key.append(ids[start + row])
            found_other.append(ids[best[row, column]])
            found_score.append(best_scores[row, column])
    root = list(range(len(tally.keys)))
    if not found_key:
        return root
    keys, others, scores_found = (
        np.concatenate(part) for part in (found_key, found_other, found_score)
    )
    by_rank = np.lexsort((-scores_found.astype(np.int16), rank[keys]))
    linked = -1
    for key, other in zip(keys[by_rank].tolist(), others[by_rank].tolist(), strict=True):
        if key == linked:
            continue
        leader = root[other]  # final already: `other` is asked more often than `key`
        if _words_agree(contents[key], contents[other]) and (
            leader == other or _matches(key, leader, contents, ask_code, number_code, cutoff)
        ):
            root[key] = leader
            linked = key
    return root


def _matches(
    key: int,
    leader: int,
    contents: Sequence[str],
    ask_code: np.ndarray,
    number_code: np.ndarray,
    cutoff: float,
) -> bool:
    """`similarity` for two keys already in the tally."""
    return (
        bool(_agree(ask_code[key], ask_code[leader]))
        and bool(_agree(number_code[key], number_code[leader]))
        and _words_agree(contents[key], contents[leader])
        and fuzz.ratio(contents[key], contents[leader], score_cutoff=cutoff) > 0
    )


def _agree(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The vector form of `compatible` for one part of the key."""
    agree: np.ndarray = (first == second) | (first == 0) | (second == 0)
    return agree


def _words_agree(first: str, second: str) -> bool:
    """Whether the words one key has and the other lacks are typos of each other; words
    only one side adds are allowed (the character cutoff bounds how many)."""
    mine, theirs = set(first.split()), set(second.split())
    only_mine, only_theirs = mine - theirs, theirs - mine
    if not only_mine or not only_theirs:
        return True
    fewer, more = sorted((only_mine, only_theirs), key=len)
    return all(
        process.extractOne(word, more, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF) is not None
        for word in fewer
    )


def _groups(roots: list[int], counts: array[int]) -> list[list[int]]:
    """Members of each cluster, most asked key first."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for at, root in enumerate(roots):
        members[root].append(at)
    return [sorted(group, key=lambda at: -counts[at]) for group in members.values()]


def _per_key(pairs: Counter[tuple[int, T]]) -> dict[int, list[tuple[T, int]]]:
    """A (key, value) -> count table as each key's values and counts."""
    table: defaultdict[int, list[tuple[T, int]]] = defaultdict(list)
    for (at, value), count in pairs.items():
        table[at].append((value, count))
    return table


def _summaries(tally: _Tally, groups: Iterable[Sequence[int]]) -> list[GapCluster]:
    entries_of = _per_key(tally.entries)
    outcomes_of = _per_key(tally.outcomes)
    languages_of = _per_key(tally.languages)
    tapped_of = _per_key(tally.tapped)
    return [
        _summarise(tally, members, entries_of, outcomes_of, languages_of, tapped_of)
        for members in groups
    ]


def _summarise(
    tally: _Tally,
    members: Sequence[int],
    entries_of: dict[int, list[tuple[str, int]]],
    outcomes_of: dict[int, list[tuple[Outcome, int]]],
    languages_of: dict[int, list[tuple[str, int]]],
    tapped_of: dict[int, list[tuple[str, int]]],
) -> GapCluster:
    wordings: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    outcomes: Counter[Outcome] = Counter()
    languages: Counter[str] = Counter()
    tapped: Counter[str] = Counter()
    feedback: dict[str, str] = {}
    for at in members:
        wordings.update(tally.wordings[at])
        for text in tally.feedback.get(at, ()):
            feedback.setdefault(text.casefold(), text)
        for entry_id, votes in entries_of.get(at, ()):
            entries[entry_id] += votes
        for outcome, votes in outcomes_of.get(at, ()):
            outcomes[outcome] += votes
        for language, votes in languages_of.get(at, ()):
            languages[language] += votes
        for entry_id, presses in tapped_of.get(at, ()):
            tapped[entry_id] += presses
    count = sum(tally.counts[at] for at in members)
    ranked = sorted(wordings.items(), key=lambda pair: (-pair[1], len(pair[0]), pair[0]))
    entry = min(entries.items(), key=lambda pair: (-pair[1], pair[0]), default=None)
    return GapCluster(
        representative=ranked[0][0],
        count=count,
        variants=tuple(text for text, _ in ranked[1 : 1 + MAX_VARIANTS]),
        wordings=len(members),
        entry_id=entry[0] if entry else None,
        entry_share=entry[1] / count if entry else 0.0,
        outcomes={outcome: outcomes[outcome] for outcome in OUTCOMES if outcomes[outcome]},
        languages=dict(sorted(languages.items(), key=lambda pair: (-pair[1], pair[0]))),
        feedback=tuple(feedback.values())[:MAX_FEEDBACK],
        feedback_count=sum(tally.feedback_count.get(at, 0) for at in members),
        first_seen=datetime.fromtimestamp(min(tally.first[at] for at in members), UTC),
        last_seen=datetime.fromtimestamp(max(tally.last[at] for at in members), UTC),
        tapped=dict(sorted(tapped.items(), key=lambda pair: (-pair[1], pair[0]))),
    )
