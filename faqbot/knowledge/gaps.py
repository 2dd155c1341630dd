"""Gaps in a pack: logged questions it did not answer outright, grouped into clusters of
near-identical wordings, each with the entry it most likely belongs to and the 👎 feedback.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final, Literal, TypeVar, get_args

import numpy as np
from rapidfuzz import fuzz, process

from faqbot.knowledge.matcher import Matcher
from faqbot.knowledge.normaliser import words

Outcome = Literal["answered", "suggested", "tapped", "none", "smalltalk"]
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
# "answered" was answered outright and "smalltalk" was never a question about the pack.
GAP_OUTCOMES: Final[frozenset[Outcome]] = frozenset({"suggested", "tapped", "none"})

# Two wordings belong together when fuzz.ratio of their keys reaches this. Chosen on the
# labelled pairs of tests/data/gap-pairs-dev.yaml (benchmarks/tune_gaps.py; docs/benchmarks.md).
CUTOFF: Final = 84.0
MAX_VARIANTS: Final = 5  # wordings shown besides the representative
MAX_FEEDBACK: Final = 5  # 👎 replies shown per cluster (all are counted)
# Wordings kept per normalised question: bounds memory when a question is typed many ways.
WORDINGS_PER_KEY: Final = 4
WORDING_CHARS: Final = 300
# Blocks of up to BLOCK_ANCHORS keys are compared all against all; the rest of a larger block
# is compared only with its BLOCK_ANCHORS most asked keys, which bounds the work per block.
BLOCK_ANCHORS: Final = 2048
CHUNK: Final = 256  # rows per cdist call: a CHUNK x BLOCK_ANCHORS matrix of uint8
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
_SPACE = re.compile(r"\s+")
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
    if not compatible(key, other):
        return 0.0
    return fuzz.ratio(key.partition("|")[0], other.partition("|")[0])


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
        wording = _SPACE.sub(" ", record.question[:WORDING_CHARS]).strip().lower()
        if wording in wordings:
            wordings[wording] += 1
        elif len(wordings) < WORDINGS_PER_KEY:
            wordings[wording] = 1
        if record.entry_id is not None:
            self.entries[at, record.entry_id] += 1
        self.outcomes[at, record.outcome] += 1
        self.languages[at, record.language] += 1
        if record.feedback and record.feedback.strip():
            self.feedback_count[at] += 1
            if len(self.feedback[at]) < MAX_FEEDBACK:
                self.feedback[at].append(_SPACE.sub(" ", record.feedback[:WORDING_CHARS]).strip())


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
    that share their rarest content word. A key sits in up to two blocks."""
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
        if tokens:
            by_token[min(tokens, key=lambda t: (frequency[t], t))].append(at)
    return [block for block in (*by_entry.values(), *by_token.values()) if len(block) > 1]


def _cluster(tally: _Tally, cutoff: float) -> np.ndarray:
    """Each key's cluster root, from near-duplicate pairs found by cdist within blocks."""
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
    counts = np.frombuffer(tally.counts, dtype=np.int64)
    parent = np.arange(len(tally.keys), dtype=np.int64)
    for block in _blocks(tally, contents):
        ids = np.asarray(block, dtype=np.int64)
        ids = ids[np.argsort(-counts[ids], kind="stable")]  # most asked first: the anchors
        texts = [contents[i] for i in ids]
        anchors = min(len(ids), BLOCK_ANCHORS)
        for start in range(0, len(ids), CHUNK):
            # Within the anchors only the upper triangle is needed; later rows meet all anchors.
            low = start if start < anchors else 0
            scores = process.cdist(
                texts[start : start + CHUNK],
                texts[low:anchors],
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=cutoff,
                dtype=np.uint8,
                workers=-1,
            )
            rows, columns = np.nonzero(scores)
            first, second = ids[start + rows], ids[low + columns]
            keep = _agree(ask_code[first], ask_code[second]) & _agree(
                number_code[first], number_code[second]
            )
            _union(parent, first[keep], second[keep])
    return _find(parent, np.arange(len(parent)))


def _agree(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The vector form of `compatible` for one part of the key."""
    return (first == second) | (first == 0) | (second == 0)


def _find(parent: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Roots of `nodes`, by pointer jumping; parents always point to a smaller index."""
    roots = parent[nodes]
    while True:
        up = parent[roots]
        if np.array_equal(up, roots):
            return roots
        roots = up


def _union(parent: np.ndarray, first: np.ndarray, second: np.ndarray) -> None:
    """Union-find over many edges at once: hook the larger root under the smaller, and retry
    the edges whose hook lost a write race to another edge in the same round."""
    while first.size:
        a, b = _find(parent, first), _find(parent, second)
        apart = a != b
        a, b = a[apart], b[apart]
        if not a.size:
            return
        parent[np.maximum(a, b)] = np.minimum(a, b)
        first, second = a, b


def _groups(roots: np.ndarray, counts: array[int]) -> list[list[int]]:
    """Members of each cluster, most asked key first."""
    members: defaultdict[int, list[int]] = defaultdict(list)
    for at, root in enumerate(roots.tolist()):
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
    return [_summarise(tally, members, entries_of, outcomes_of, languages_of) for members in groups]


def _summarise(
    tally: _Tally,
    members: Sequence[int],
    entries_of: dict[int, list[tuple[str, int]]],
    outcomes_of: dict[int, list[tuple[Outcome, int]]],
    languages_of: dict[int, list[tuple[str, int]]],
) -> GapCluster:
    wordings: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    outcomes: Counter[Outcome] = Counter()
    languages: Counter[str] = Counter()
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
    )
