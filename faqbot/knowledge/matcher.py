"""Finds the entry a question asks about, and how sure we are.

Candidates come from an inverted index over normalised tokens, weighted by how rare each token
is (so "jimex" counts for far more than "india"). Each candidate phrasing is scored by how much
of the question it explains and how much of it the question covers; rapidfuzz then re-scores the
few best entries on their whole phrasings. A question is answered outright only when the best
entry is likely right by a logistic model fitted on labelled questions (`decision.py`);
otherwise the student gets "Did you mean…?" suggestions or an honest "I don't know".
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from faqbot.knowledge.decision import Decision, Signals
from faqbot.knowledge.devanagari import has_devanagari
from faqbot.knowledge.normaliser import MAX_QUESTION_CHARS, WORD, Normaliser, clean, words
from faqbot.knowledge.schema import Entry, Pack
from faqbot.knowledge.scope import Scope

Status = Literal["answer", "suggest", "none"]
# Hard rules that hold an answer back whatever the model says (the `why` of a Match).
RULE_NO_WORDS = "rule: no word the pack knows"
RULE_WRONG_KIND = (
    "rule: asks for a date, duration, number, amount, full form or reason the answer lacks"
)
RULE_OTHER_YEAR = "rule: the answer gives another year for what is asked"
RULE_OFF_SUBJECT = "rule: one-word question not about the entry"
RULE_TIE = "rule: two entries tie"
RULE_UNKNOWN_CLOSE = "rule: a word the pack does not know, and a close second entry"
RULE_OTHER_NAME = "rule: names something the answer does not mention"
# Followed by what is asked: "another country's", "a place", "outcomes"… (knowledge/scope.py).
RULE_BEYOND = "rule: asks for more than the answer holds"
# A capitalised word, or a run of them ("Dharma Guardian"), in a pack's answers, with the
# small words that join a title ("Provision of Supplies and Services": none of its words is a
# name on its own).
_TITLE_RUN = re.compile(
    r"(?<![\w-])[A-Z][\w'’]*(?:(?:[ –-]|\s+(?:of|and|for|on|the|in|to)\s+)[A-Z][\w'’]*)*"
)

_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n\s*[-•*]?\s*")

# "When…?" wants a date, "how many…?" a number, "in yen" an amount and "full form" an
# expansion: an answer without one cannot be the answer, however well its words match ("how
# many UGVs…" must not get the UGV entry outright, nor "malabar full form" the Malabar card).
# Hindi too: कब (when), तारीख / तिथि / दिनांक (date), कितने (how many), as the normaliser gives
# them; and Hindi number words in an answer (दो, चार, पाँच, and चारों for "all four": Hindi
# says दोनों for "both sides").
_DATE_WORDS = frozenset({"when", "kab", "date", "year", "dat", *words("कब कबसे तारीख तिथि दिनांक")})
_COUNT_WORDS = frozenset({"kitne", "kitna", "kitni", *words("कितने कितना कितनी")})
_AMOUNT_WORDS = frozenset(
    {"yen", "dollar", "rupee", "rupees", "usd", "inr", "amount", "percent", "percentag", "gdp"}
    | set(words("येन डॉलर रुपये रुपए रुपया प्रतिशत जीडीपी"))
)
_EXPANSION_PAIRS = frozenset({("full", "form"), ("stand", "for"), ("stands", "for")})
_EXPANSION_WORDS = frozenset({"abbreviation", "acronym", "expansion"})
_HAS_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b",
    re.IGNORECASE,
)
# A count: not a year, not an ordinal, not the digits of a name like "2+2", and not "one" or
# "two", which answers mostly use otherwise ("one of", "the two sides").
_HAS_NUMBER = re.compile(
    r"(?<![+\d])\b(?!1[89]\d\d\b|20\d\d\b)\d+\b(?!\s?\+)|\b(three|four|five|six|seven|eight|"
    r"nine|ten|dozen|hundred|thousand|million|billion|crore|lakh)\b"
    r"|(?<![\u0900-\u097f])(?:दो|तीन|चार|पाँच|पांच|छह|सात|आठ|नौ|दस|दर्जन|सौ|हज़ार|हजार|लाख|करोड़"
    r"|तीनों|चारों|पाँचों|पांचों)(?![\u0900-\u097f])",
    re.IGNORECASE,
)
_HAS_AMOUNT = re.compile(
    r"[$¥₹€£%]|\b(yen|dollars?|rupees?|crores?|lakhs?|billion|trillion|million|per ?cent)\b"
    r"|(?<![\u0900-\u097f])(?:येन|डॉलर|रुपये|रुपए|करोड़|लाख|प्रतिशत)(?![\u0900-\u097f])",
    re.IGNORECASE,
)
# An acronym spelt out beside it: "JIMEX (Japan–India Maritime Exercise)", "(RPSS)".
_HAS_EXPANSION = re.compile(r"\b([A-Z][A-Z/-]+)\b\s*\(|\(([A-Z][A-Z/-]+)\)")
# "How long…?" wants a span of time: "for two days", "within the next five years", "since 2010"
# (a date alone, "on 30 November 2019", does not say how long anything lasted).
_DURATION_PAIRS = frozenset(
    {("how", "long"), ("kitne", "din"), ("kitna", "samay"), ("kitne", "samay"), ("kitna", "time")}
)
_HAS_DURATION = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few|many)\s+"
    r"(?:days?|weeks?|months?|years?|decades?|hours?)\b|\b(?:since|from)\s+(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
# "Why…?" wants a reason: an entry gives one when a phrasing asks why, or its answer says
# what something is for ("enables the partners to…", "because", "so that", "which is why").
_REASON_WORDS = frozenset({"why", "kyun", "kyon", "kyu"})
_HAS_REASON = re.compile(
    r"\b(?:because|so that|in order to|which is why|due to|enables?|allows?|aims? (?:at|to)|"
    r"purpose|meant to)\b",
    re.IGNORECASE,
)
_AUXILIARIES = frozenset("do does did is are was were can could will would has have had".split())
_ASKS_ABOUT_TIME = frozenset(
    "know tell me us say said mention mentioned remember idea sure wonder ask explain".split()
)
_WH_WORDS = frozenset({"what", "which", "who", "whom", "whose", "where", "why", "how"})
_COMPARED_YEAR = re.compile(
    r"\b(?:before|after|prior to|until|till|earlier than|later than)\s+((?:19|20)\d\d)\b"
    r"|\b((?:19|20)\d\d)\s+(?:se\s+)?(?:pehle|pahle|baad|bad)\b",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"\bas (?:of|at|on)\s+(?:\w+\s+){0,2}(?:1[89]|20)\d\d\b", re.IGNORECASE)
_NUMBER_WORD = re.compile(
    r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|some|coupl|ek|"
    r"do|teen|char|paanch|panch|das|kuch)$"
)
_CLAUSE = re.compile(r"[.?!;\n]+")
# What a "where", "who", "why" or "what came of it" question asks, in English, Hinglish and
# Hindi (as `words` gives it; कौन is left out, as कौन-सा is "which"); an entry none of whose
# phrasings asks it is less likely to be what is wanted (Matcher.INTENT).
_INTENTS = {
    **dict.fromkeys(("where", "kahan", "kaha", "kahaan", *words("कहाँ")), "where"),
    **dict.fromkeys(("who", "whom", "kaun", "kon", "koun", "kisne", *words("किसने")), "who"),
    **dict.fromkeys(("why", "kyun", "kyon", "kyu", *words("क्यों")), "why"),
    **dict.fromkeys(("outcom", "result", "highlight", "takeaway", "summary"), "outcome"),
    **dict.fromkeys(words("परिणाम नतीजे नतीजा हाइलाइट्स"), "outcome"),
}
# "क्या क्या हुआ", "what all happened": a doubled क्या asks for a summary, as "highlights" does;
# so do "kya hua" and "what happened" ("india japan 2+2 mein kya hua").
_WHAT_ALL = ("क्या", "क्या")
_WHAT_HAPPENED = frozenset({("kya", "hua"), ("what", "happen"), ("what", "happened")})


def intents(text: str) -> frozenset[str]:
    """Which of "where", "who", "why" and "outcome" a text asks."""
    tokens = words(text)
    found = {_INTENTS[w] for w in tokens if w in _INTENTS}
    if any(pair == _WHAT_ALL or pair in _WHAT_HAPPENED for pair in itertools.pairwise(tokens)):
        found.add("outcome")
    return frozenset(found)


def expected_kinds(question: str) -> frozenset[str]:
    """What kind of fact a question asks for, when its wording makes that plain."""
    tokens = words(question)
    kinds = set()
    pairs = set(itertools.pairwise(tokens))
    if _COUNT_WORDS.intersection(tokens) or {("how", "many"), ("how", "much")} & pairs:
        kinds.add("number")
    # Each sentence's words are the question's words, split up (a question no longer than
    # the normaliser reads whole): one without a date word has none in any sentence.
    might_date = len(question) > MAX_QUESTION_CHARS or not _DATE_WORDS.isdisjoint(tokens)
    if might_date and any(
        _asks_date(words(part), "number" in kinds) for part in _CLAUSE.split(question)
    ):
        kinds.add("date")
    if _REASON_WORDS.intersection(tokens):
        kinds.add("reason")
    if _DURATION_PAIRS & pairs:
        kinds.add("duration")
    if _AMOUNT_WORDS.intersection(tokens):
        kinds.add("amount")
    # "Which ministers do the 2s stand for" asks which, not for a full form.
    if _EXPANSION_WORDS.intersection(tokens) or (
        _EXPANSION_PAIRS & pairs and not {"which", "who"}.intersection(tokens)
    ):
        kinds.add("expansion")
    return frozenset(kinds)


def _asks_date(tokens: list[str], counting: bool) -> bool:
    """Whether one sentence of a question asks for a date.

    "When" after the sentence's own question word is a clause, not the question ("Which
    countries were not named when they reaffirmed…"); "year" in a count is a unit ("kitne
    saal me", "how many years").
    """
    for at, token in enumerate(tokens):
        if token not in _DATE_WORDS:
            continue
        if token == "when" and (
            _WH_WORDS.intersection(tokens[:at]) or _when_clause_of_yes_no(tokens, at)
        ):
            continue
        # "Within five years": a duration.
        if token == "year" and (counting or (at and _NUMBER_WORD.match(tokens[at - 1]))):
            continue
        return True
    return False


def _when_clause_of_yes_no(tokens: list[str], at: int) -> bool:
    """ "Did they say anything about not using threats when there are disputes": in a yes-no
    question, a "when" after what is asked about is a clause. Not after a word that asks for
    the time itself ("do you know when", "did they say when")."""
    return at >= 2 and tokens[0] in _AUXILIARIES and tokens[at - 1] not in _ASKS_ABOUT_TIME


def _compared_years(question: str) -> frozenset[str]:
    """Years a question compares with, not asks about: "before 2019", "2019 se pehle"."""
    return frozenset(a or b for a, b in _COMPARED_YEAR.findall(question))


def offered_kinds(answer: str) -> frozenset[str]:
    """What kinds of fact an answer contains."""
    kinds = set()
    # "As of September 2022, India had…" dates the statement, not an event: it does not say
    # when anything happened.
    if _HAS_DATE.search(_AS_OF.sub(" ", answer)):
        kinds.add("date")
    if _HAS_NUMBER.search(answer):
        kinds.add("number")
    if _HAS_AMOUNT.search(answer):
        kinds.add("amount")
    if _HAS_EXPANSION.search(answer):
        kinds.add("expansion")
    if _HAS_REASON.search(answer):
        kinds.add("reason")
    if _HAS_DURATION.search(answer):
        kinds.add("duration")
    return frozenset(kinds)


@dataclass(frozen=True)
class Thresholds:
    """When to suggest, and when to offer the runner-up beside an answer (docs/matching.md).

    Whether to answer outright is the fitted `Decision`'s call, not a threshold here.
    """

    suggest: float = 45.0  # final score needed to be offered as a suggestion
    # "Or did you mean:" beside an answer: the runner-up scores at least this share of the
    # best and at least `suggest`.
    also_share: float = 0.85
    # Two entries this close are a coin toss: the student chooses, whatever the model says.
    tie: float = 2.0
    # With a question word the pack does not know, a runner-up scoring at least this share of
    # the best is a coin toss too: the unknown word may be the one that tells the two entries
    # apart ("… किस प्रकार सहायता करता है", how does it help, between the partners card and the
    # purpose card). None: no such rule (the main language's matcher).
    unknown_close: float | None = None
    # A score this high means the question is one of the entry's phrasings, word for word.
    exact: float = 99.5


@dataclass(frozen=True)
class Suggestion:
    """A ranked candidate entry."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one question."""

    question: str
    status: Status
    entry: Entry | None
    score: float
    suggestions: tuple[Suggestion, ...] = ()
    ranked: tuple[Suggestion, ...] = field(default=(), repr=False)
    # Why an answer was held back: a rule (RULE_*) or the model's probability; None if answered.
    why: str | None = None
    # The model's probability that the best entry is right (None when a rule decided first).
    probability: float | None = None
    # A close runner-up offered beside an outright answer as "Or did you mean:".
    also: Suggestion | None = None
    language: str = "en"
    signals: Signals | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, object]:
        """The `faqbot ask --json` object (PRODUCT.md)."""
        return {
            "question": self.question,
            "status": self.status,
            "id": self.entry.id if self.entry else None,
            "answer": self.entry.answer if self.entry else None,
            "score": round(self.score, 2),
            "suggestions": [_suggestion_json(s) for s in self.suggestions],
            "why": self.why,
            "language": self.language,
            "probability": None if self.probability is None else round(self.probability, 3),
            "also": _suggestion_json(self.also) if self.also else None,
        }


def _suggestion_json(suggestion: Suggestion) -> dict[str, object]:
    return {
        "id": suggestion.entry.id,
        "question": suggestion.entry.question,
        "answer": suggestion.entry.answer,
        "score": round(suggestion.score, 2),
    }


def _idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency: always positive, high for rare tokens."""
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


class Matcher:
    """An index over a pack's phrasings, built once; `match` is pure and thread-safe."""

    # Credit for a question token found elsewhere in the entry, not in the phrasing scored:
    # in another phrasing or its keywords (SIBLING), or only in its answer text (ANSWER).
    SIBLING = 0.85
    ANSWER = 0.5
    # Shortlist re-scored with rapidfuzz, and the weight of that re-score.
    SHORTLIST = 6
    FUZZ_WEIGHT = 0.2
    # Unknown words must be at least this alike to a known one to count as a typo of it. A
    # short word may be one edit away (a swap counts as one: "frist"); two edits in a short
    # word often make another word ("state", "start").
    TYPO_CUTOFF = 80.0
    SHORT_WORD = 6
    MAX_SUGGESTIONS = 3
    # Words in more phrasings than this do not propose candidates (see _candidates).
    CANDIDATE_DF = 1000
    # Up to this many cells (8 bytes each), the postings are also kept as dense matrices.
    DENSE_CELLS = 2_000_000
    UNKNOWN = 1.0
    # Score kept by an entry that lacks the kind of fact the question asks for.
    WRONG_KIND = 0.85
    # Score kept by an entry none of whose phrasings asks "where" / "who" / "why" as the
    # question does ("where did they meet for the 2nd 2+2" is not the highlights entry).
    INTENT = 0.93

    def __init__(
        self,
        entries: Sequence[Entry],
        normaliser: Normaliser | None = None,
        thresholds: Thresholds | None = None,
        decision: Decision | None = None,
    ) -> None:
        self.entries = tuple(entries)
        self.normaliser = normaliser or Normaliser()
        self.thresholds = thresholds or Thresholds()
        self.decision = decision or Decision.shipped()

        phrasing_tokens: list[list[str]] = []
        phrasing_entry: list[int] = []
        entry_strong: list[set[str]] = []
        entry_answer: list[set[str]] = []
        for index, entry in enumerate(self.entries):
            strong: set[str] = set()
            for phrasing in entry.phrasings:
                tokens = list(dict.fromkeys(self.normaliser.content_tokens(phrasing)))
                phrasing_tokens.append(tokens)
                phrasing_entry.append(index)
                strong.update(tokens)
            for keyword in entry.keywords:
                strong.update(self.normaliser.content_tokens(keyword))
            entry_strong.append(strong)
            entry_answer.append(set(self.normaliser.content_tokens(entry.answer)) - strong)

        documents = len(phrasing_tokens)
        frequency: dict[str, int] = defaultdict(int)
        for tokens in phrasing_tokens:
            for token in tokens:
                frequency[token] += 1
        for strong, answer in zip(entry_strong, entry_answer, strict=True):
            for token in (strong | answer) - frequency.keys():
                frequency[token] = 0
        self.idf = {token: _idf(df, documents) for token, df in frequency.items()}
        # How much a question says is measured across entries, not phrasings: a word in
        # every entry ("india") says little, however many phrasings repeat it.
        entry_frequency: dict[str, int] = defaultdict(int)
        for strong, answer in zip(entry_strong, entry_answer, strict=True):
            for token in strong | answer:
                entry_frequency[token] += 1
        self.information = {
            token: _idf(df, len(self.entries)) for token, df in entry_frequency.items()
        }
        # A one-word question is answered outright only by an entry that is about that word.
        self._subjects = [
            set(self.normaliser.content_tokens(" ".join((entry.question, *entry.keywords))))
            for entry in self.entries
        ]
        # A word the pack has never seen weighs as much as one it has seen once: it is
        # information the pack cannot account for.
        self.unknown_weight = self.UNKNOWN * _idf(1, documents)

        postings: dict[str, list[int]] = defaultdict(list)
        for phrasing_index, tokens in enumerate(phrasing_tokens):
            for token in tokens:
                postings[token].append(phrasing_index)
        strong_postings: dict[str, list[int]] = defaultdict(list)
        answer_postings: dict[str, list[int]] = defaultdict(list)
        for entry_index, (strong, answer) in enumerate(
            zip(entry_strong, entry_answer, strict=True)
        ):
            for token in strong:
                strong_postings[token].append(entry_index)
            for token in answer:
                answer_postings[token].append(entry_index)
        self._postings = {t: np.asarray(ids, dtype=np.int32) for t, ids in postings.items()}
        # Per token, the entries holding it and the credit each gets: SIBLING where it is in
        # a phrasing or keyword, ANSWER where only in the answer (the two sets are disjoint).
        self._elsewhere = {
            t: (
                np.asarray(strong_postings.get(t, []) + answer_postings.get(t, []), np.int32),
                np.asarray(
                    [self.SIBLING] * len(strong_postings.get(t, []))
                    + [self.ANSWER] * len(answer_postings.get(t, [])),
                ),
            )
            for t in strong_postings.keys() | answer_postings.keys()
        }
        # A small pack keeps the same postings as two dense token × phrasing and token ×
        # entry matrices: one matrix product per question instead of a Python loop of
        # scatters, which on a few hundred phrasings costs more than the arithmetic.
        self._row = {token: row for row, token in enumerate(self.idf)}
        self._dense: tuple[np.ndarray, np.ndarray] | None = None
        cells = len(self._row) * (documents + len(self.entries))
        if documents <= self.CANDIDATE_DF and cells <= self.DENSE_CELLS:
            own_matrix = np.zeros((len(self._row), documents))
            for token, ids in self._postings.items():
                own_matrix[self._row[token], ids] = 1.0
            elsewhere_matrix = np.zeros((len(self._row), len(self.entries)))
            for token, (ids, credit) in self._elsewhere.items():
                elsewhere_matrix[self._row[token], ids] = credit
            self._dense = (own_matrix, elsewhere_matrix)
        self._phrasing_entry = np.asarray(phrasing_entry, dtype=np.int32)
        self._entry_starts = np.flatnonzero(np.diff(self._phrasing_entry, prepend=-1))
        self._phrasing_weight = np.asarray(
            [sum(self.idf[t] for t in tokens) or 1.0 for tokens in phrasing_tokens]
        )
        # Each entry's phrasings with their tokens sorted, for the fuzzy re-score.
        self._sorted_texts: list[list[str]] = [[] for _ in self.entries]
        for tokens, entry_index in zip(phrasing_tokens, phrasing_entry, strict=True):
            self._sorted_texts[entry_index].append(" ".join(sorted(" ".join(tokens).split())))
        # Typos are corrected word by word, before synonyms are folded, so that "dharm
        # guardain" meets the phrase "dharma guardian". Targets are the words the pack itself
        # writes, not the misspellings its synonyms list ("dharm", "guardain" would each be
        # kept and then match no phrase), and start with the same letter as the typo.
        known_words = set(self.normaliser.canonical_words)
        # A typo often breaks the ending the stemmer cuts ("meanig" is not "meaning" stemmed
        # to "mean"): the pack's words as written are targets too, corrected to their stems.
        self._surface: dict[str, str] = {}
        for entry in self.entries:
            for text in (*entry.phrasings, *entry.keywords, entry.answer):
                bases = words(text)
                known_words.update(bases)
                # The words as typed, casefolded (the full clean-up is not needed to line
                # them up with their stems, and costs more than the rest of the build).
                raws = WORD.findall(text.casefold())
                if len(raws) == len(bases):  # one word each (not so after Devanagari folding)
                    for raw, base in zip(raws, bases, strict=True):
                        if base != raw:
                            self._surface.setdefault(raw, base)
        self._words = frozenset(known_words)
        self._vocabulary: dict[str, list[str]] = defaultdict(list)
        for word in sorted(known_words | self._surface.keys()):
            if self.normaliser.is_content(self._surface.get(word, word)):
                self._vocabulary[word[0]].append(word)
        self._corrections: dict[str, str | None] = {}
        # For `correct`: per first letter, the set of its words; made when first needed, the
        # letters those words use and, per first letter and length, the words alike in length.
        self._vocabulary_sets = {letter: frozenset(w) for letter, w in self._vocabulary.items()}
        self._letters: dict[str, str] = {}
        self._alike: dict[tuple[str, int], list[str]] = {}
        self._intents = [
            frozenset().union(*(intents(p) for p in entry.phrasings)) for entry in self.entries
        ]
        # An entry one of whose phrasings asks "why" gives a reason, whatever its answer says.
        self._offers = [
            offered_kinds(entry.answer) | ({"reason"} if "why" in asked else set())
            for entry, asked in zip(self.entries, self._intents, strict=True)
        ]
        self._answer_sentences: dict[int, list[frozenset[str]]] = {}
        # "X full form" is answered only by an entry that spells X out: "JIMEX (Japan–India
        # Maritime Exercise)", or the words of a term whose initials the synonyms list ("the
        # Joint Service Staff Talks" for "JSST full form").
        abbreviated = self.normaliser.abbreviated_terms
        self._expanded = [
            frozenset(
                t
                for pair in _HAS_EXPANSION.findall(entry.answer)
                for acronym in pair
                if acronym
                for t in self.normaliser.content_tokens(acronym)
            )
            | (
                abbreviated.intersection(self.normaliser.content_tokens(entry.answer))
                if abbreviated
                else frozenset()
            )
            for entry in self.entries
        ]
        self._entry_words = [
            frozenset(strong | answer)
            for strong, answer in zip(entry_strong, entry_answer, strict=True)
        ]
        # A word the pack has never seen is as telling as one found in a single entry.
        self.unknown_information = _idf(1, len(self.entries))
        self.names = self._names(entry_frequency)
        self.scope = Scope(self.entries, self.normaliser, self.weight, self._intents)

    def weight(self, token: str) -> float:
        """How telling a token is across entries (an unknown one counts as a rare one)."""
        return self.information.get(token, self.unknown_information)

    def _names(self, entry_frequency: dict[str, int]) -> frozenset[str]:
        """Words the answers use only as names: "Australia", "US", "JIMEX", "Tokyo".

        A question naming one its best entry lacks ("When was the first India–Australia 2+2
        held?") asks about something else, however well its other words match. A name is a
        single capitalised word (or an acronym) in the answers, never written there in lower
        case, and in at most a third of the entries (so "India" and "Japan" are not names).
        """
        capitalised_words: set[str] = set()
        lower_words: set[str] = set()
        for entry in self.entries:
            capitalised_words.update(
                run for run in _TITLE_RUN.findall(entry.answer) if not re.search(r"[ –-]", run)
            )
            lower_words.update(re.findall(r"(?<![\w-])[a-z][\w-]*", entry.answer))
        capitalised = {t for w in capitalised_words for t in self.normaliser.content_tokens(w)}
        lower = {t for w in lower_words for t in self.normaliser.content_tokens(w)}
        # A term the pack's synonyms define ("Joint Service Staff Talks", JSST) names one
        # thing, however it is written: "Where will the JSST take place?" is not about the
        # second dialogue's venue because "take place" matches it.
        terms = {t for t in self.normaliser.canonical_terms if "_" in t}
        limit = len(self.entries) // 3
        return frozenset(
            t
            for t in (capitalised - lower) | terms
            if not t.isdigit() and 0 < entry_frequency.get(t, 0) <= limit
        )

    @classmethod
    def from_pack(
        cls, pack: Pack, thresholds: Thresholds | None = None, decision: Decision | None = None
    ) -> Matcher:
        """Build the index for a loaded pack, with its synonyms and stop words."""
        return cls(pack.entries, Normaliser(pack.synonyms, pack.stopwords), thresholds, decision)

    def correct(self, word: str) -> str | None:
        """The known word an unknown one is a typo of, or None."""
        if word in self._words:
            return word
        if len(word) < 5 or word.isdigit():
            return None
        if word not in self._corrections:
            if len(self._corrections) > 100_000:
                self._corrections.clear()
            if len(word) > self.SHORT_WORD:
                alike = self._alike_lengths(word)
                found = process.extractOne(
                    word, alike, scorer=fuzz.ratio, score_cutoff=self.TYPO_CUTOFF
                )
                closest = found[0] if found else None
            else:
                closest = self._one_edit(word)
            self._corrections[word] = self._surface.get(closest, closest) if closest else None
        return self._corrections[word]

    def _alike_lengths(self, word: str) -> list[str]:
        """The known words with `word`'s first letter whose length allows a ratio of
        TYPO_CUTOFF with it, in alphabetical order, as the whole list would give them.

        ratio is at most 100 * (1 - |a - b| / (a + b)) for lengths a and b, so the words
        left out could not be chosen; the list is made once per first letter and length.
        """
        key = (word[0], len(word))
        found = self._alike.get(key)
        if found is None:
            size = len(word)
            share = 1 - self.TYPO_CUTOFF / 100
            found = [
                w
                for w in self._vocabulary.get(word[0], ())
                # A little slack, so that rounding never leaves out a word at the cut-off.
                if abs(len(w) - size) <= share * (len(w) + size) + 1e-6
            ]
            self._alike[key] = found
        return found

    def _one_edit(self, word: str) -> str | None:
        """The first known word (alphabetically) with `word`'s first letter at most one
        edit away (a swap of neighbours counts as one), as `OSA.distance` with a cut-off of 1
        over the whole list finds it; a large list is searched by the words one edit away
        instead, which on a large pack is several times cheaper than comparing every word."""
        choices = self._vocabulary.get(word[0])
        if not choices:
            return None
        letters = self._letters.get(word[0])
        if letters is None:
            letters = "".join(sorted({c for w in choices for c in w}))
            self._letters[word[0]] = letters
        if len(choices) < (2 * len(word) + 1) * len(letters):
            found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=1)
            return found[0] if found else None
        known = self._vocabulary_sets[word[0]]
        if word in known:
            return word
        edits = {word[:i] + word[i + 1 :] for i in range(len(word))}
        edits.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
        for i in range(len(word) + 1):
            head, tail = word[:i], word[i:]
            edits.update(head + c + tail for c in letters)
            if tail:
                edits.update(head + c + tail[1:] for c in letters)
        edits.discard(word)
        return min(edits & known, default=None)

    def analyse(self, question: str) -> tuple[list[str], int]:
        """The question's known content tokens, typos corrected, and how many words are unknown."""
        known, unknown, _, _ = self._analyse(question)
        return known, len(unknown)

    def _analyse(self, question: str) -> tuple[list[str], list[str], set[str], set[str]]:
        """As `analyse` (with the unknown tokens themselves), plus the known tokens typed as
        they are (not typo-corrected), and every content token as typed."""
        normaliser = self.normaliser
        typed = words(question)
        # A word the pack does not write may still be a synonym the pack lists ("nippon"):
        # kept as typed when no written word is close to it. A typo can also make the stemmer
        # cut the wrong ending ("exercies" -> "exercy"): then the word as typed is tried.
        unstemmed: list[str] | None = None
        fixed = []
        for at, word in enumerate(typed):
            if word in self._words or not normaliser.is_content(word):
                fixed.append(word)
                continue
            found = self.correct(word)
            if found is None and not has_devanagari(question):  # Hindi is folded first
                if unstemmed is None:
                    unstemmed = WORD.findall(clean(question))
                if len(unstemmed) == len(typed) and unstemmed[at] != word:
                    found = self.correct(unstemmed[at])
            fixed.append(found or word)
        tokens = normaliser.fold(fixed)
        as_typed = tokens if fixed == typed else normaliser.fold(typed)
        known: list[str] = []
        unknown: list[str] = []
        for token in dict.fromkeys(tokens):
            if not normaliser.is_content(token):
                continue
            if token in self.idf:
                known.append(token)
            else:
                unknown.append(token)
        content = {t for t in as_typed if normaliser.is_content(t)}
        return known, unknown, content.intersection(known), content

    def match(self, question: str, *, claims: bool = False) -> Match:
        """Rank the entries for one question and decide: answer, suggest, or none.

        `claims` marks text that states rather than asks (exam statements: "… within the next
        five years"), so its words do not say what kind of fact is wanted.
        """
        known, unknown_tokens, exact, typed = self._analyse(question)
        # A year the pack never mentions: it cannot speak of it. A year a question compares
        # with ("any 2+2 before 2019?") is not the year asked about.
        compared = _compared_years(question)
        new_year = any(len(t) == 4 and t.isdigit() and t not in compared for t in unknown_tokens)
        unknown = len(unknown_tokens)
        if not known:
            return Match(question, "none", None, 0.0, why=RULE_NO_WORDS)
        weights = np.asarray([self.idf[t] for t in known])
        total = float(weights.sum()) + unknown * self.unknown_weight

        if self._dense is not None:
            # A small pack: every phrasing is scored (one that shares no word scores 0), and
            # an entry's phrasings are contiguous, so its best is a fixed reduceat.
            rows = [self._row[t] for t in known]
            own = weights @ self._dense[0][rows]
            if not own.any():
                return Match(question, "none", None, 0.0, why=RULE_NO_WORDS)
            entry_of = self._phrasing_entry
            elsewhere = (weights @ self._dense[1][rows])[entry_of]
            phrasing_weight = self._phrasing_weight
            starts = self._entry_starts
        else:
            candidates = self._candidates(known)
            if candidates.size == 0:
                return Match(question, "none", None, 0.0, why=RULE_NO_WORDS)
            size = len(self._phrasing_entry)
            own = self._scatter(self._postings, known, weights, size)[candidates]
            entry_of = self._phrasing_entry[candidates]
            # One scatter for the rest of the entry: its other phrasings and keywords
            # (SIBLING) and its answer text (ANSWER) are disjoint, so their credits add.
            elsewhere = self._scatter(self._elsewhere, known, weights, len(self.entries))
            elsewhere = elsewhere[entry_of]
            phrasing_weight = self._phrasing_weight[candidates]
            # Candidates are in phrasing order, and an entry's phrasings are contiguous.
            changes = np.empty(len(entry_of), dtype=bool)
            changes[0] = True
            np.not_equal(entry_of[1:], entry_of[:-1], out=changes[1:])
            starts = np.flatnonzero(changes)

        explained = (1 - self.SIBLING) * own + elsewhere
        recall = explained / total
        precision = own / phrasing_weight
        lexical = np.divide(
            5 * precision * recall,
            4 * precision + recall,
            out=np.zeros_like(recall),
            where=precision + recall > 0,
        )
        entries = entry_of[starts]
        best = np.maximum.reduceat(lexical, starts)
        shortlist = self._top(best, self.SHORTLIST)
        kinds = frozenset() if claims else expected_kinds(question)
        asks = frozenset() if claims else intents(question)
        ranked, fuzzy = self._rescore(
            known, [(int(entries[i]), float(best[i])) for i in shortlist], kinds, asks
        )
        if not ranked:
            return Match(question, "none", None, 0.0, why=RULE_NO_WORDS)
        top_index, top_score = ranked[0]
        # The best entry's phrasings: from its start to the next entry's (or the end).
        at = {int(entries[i]): i for i in shortlist}[top_index]
        span = slice(int(starts[at]), int(starts[at + 1]) if at + 1 < len(starts) else None)
        words_of_top = self._entry_words[top_index]
        missing = max(
            [self.information[t] for t in known if t not in words_of_top]
            + [self.unknown_information] * (unknown > 0),
            default=0.0,
        )
        signals = Signals(
            score=top_score,
            runner_up=ranked[1][1] if len(ranked) > 1 else 0.0,
            coverage=float(recall[span].max()),
            precision=float(precision[span].max()),
            fuzzy=fuzzy[top_index],
            information=sum(self.information[t] for t in known if t in words_of_top),
            missing=missing,
            known=len(known),
            unknown=unknown,
            wrong_kind=not self._offers_kinds(top_index, kinds, known),
            # Exam statements name things to be judged false ("China is one of India's 2+2
            # partners"), as they give years: a claim is not what is asked about.
            other_name=not claims and any(t in self.names and t not in words_of_top for t in exact),
            other_year=not claims and (new_year or self._other_year(top_index, known, compared)),
            off_subject=len(known) == 1 and known[0] not in self._subjects[top_index],
            beyond=None
            if claims
            else self.scope.beyond(question, top_index, known, unknown_tokens, typed),
        )
        return self._decide(question, ranked, signals)

    def _candidates(self, known: list[str]) -> np.ndarray:
        """Phrasings that share a telling word with the question, in phrasing order.

        Words found in very many phrasings do not propose candidates (at scale they would
        propose most of the pack); they still count when the candidates are scored.
        """
        telling = [t for t in known if 0 < len(self._postings.get(t, ())) <= self.CANDIDATE_DF]
        if not telling:
            present = [t for t in known if t in self._postings]
            telling = sorted(present, key=lambda t: len(self._postings[t]))[:1]
        if not telling:
            return np.empty(0, dtype=np.int32)
        # Marked in a mask, not sorted by np.unique: the same ids in order, a quarter the cost.
        mask = np.zeros(len(self._phrasing_entry), dtype=bool)
        mask[np.concatenate([self._postings[t] for t in telling])] = True
        return np.flatnonzero(mask)

    @staticmethod
    def _scatter(
        postings: dict[str, np.ndarray] | dict[str, tuple[np.ndarray, np.ndarray]],
        tokens: list[str],
        weights: np.ndarray,
        size: int,
    ) -> np.ndarray:
        """For every id, the summed weight of the tokens whose posting list holds it (each
        times its credit, where the postings carry one).

        One `bincount` over the tokens' postings in turn: it adds each id's weights in the
        order the tokens come, as a scatter per token would, at half the cost.
        """
        found_ids: list[np.ndarray] = []
        found_weights: list[np.ndarray] = []
        for token, weight in zip(tokens, weights.tolist(), strict=True):
            found = postings.get(token)
            if found is None:
                continue
            if isinstance(found, tuple):
                ids, credit = found
                found_ids.append(ids)
                found_weights.append(weight * credit)
            else:
                found_ids.append(found)
                found_weights.append(np.full(len(found), weight))
        if not found_ids:
            return np.zeros(size)
        return np.bincount(np.concatenate(found_ids), np.concatenate(found_weights), minlength=size)

    @staticmethod
    def _top(scores: np.ndarray, count: int) -> list[int]:
        """Positions of the `count` highest positive scores, best first."""
        count = min(count, int(np.count_nonzero(scores)))
        if count == 0:
            return []
        if len(scores) <= 64:  # a small pack: a full sort is cheaper than partitioning
            return (-scores).argsort(kind="stable")[:count].tolist()  # type: ignore[no-any-return]
        top = np.argpartition(-scores, count - 1)[:count]
        return sorted(top.tolist(), key=lambda i: -scores[i])

    def _rescore(
        self,
        known: list[str],
        lexical: list[tuple[int, float]],
        kinds: frozenset[str],
        asks: frozenset[str] = frozenset(),
    ) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """Blend each shortlisted entry's lexical score with rapidfuzz over its phrasings."""
        # token_sort_ratio is the ratio of the token-sorted strings: the phrasings are sorted
        # once at load, so one vectorised `ratio` call scores the shortlist's phrasings.
        query = " ".join(sorted(" ".join(known).split()))
        choices: list[str] = []
        offsets: list[int] = []
        for e, _ in lexical:
            offsets.append(len(choices))
            choices += self._sorted_texts[e]
        scores = process.cdist([query], choices, scorer=fuzz.ratio, processor=None)[0]
        best = np.maximum.reduceat(scores, offsets).tolist()
        fuzzy = {e: value / 100 for (e, _), value in zip(lexical, best, strict=True)}
        weight = self.FUZZ_WEIGHT
        blended = []
        for e, score in lexical:
            value = 100 * ((1 - weight) * score + weight * fuzzy[e])
            if kinds and not self._offers_kinds(e, kinds, known):
                value *= self.WRONG_KIND
            if asks and not asks <= self._intents[e]:
                # Highlights asked of an entry that gives none are no answer at all ("india
                # japan 2+2 2022 highlights" is not the second dialogue's date and venue).
                value *= self.WRONG_KIND if "outcome" in asks - self._intents[e] else self.INTENT
            blended.append((e, value))
        blended.sort(key=lambda pair: -pair[1])
        return blended, fuzzy

    def _other_year(
        self, entry_index: int, known: list[str], compared: frozenset[str] = frozenset()
    ) -> bool:
        """Whether a year the question names is missing from the answer's sentence about the
        rest of the question ("the Modi–Abe summit of 2019": the summit's sentence says 2018)."""
        years = [t for t in known if len(t) == 4 and t.isdigit() and t not in compared]
        if not years:
            return False
        rest = [t for t in known if not (len(t) == 4 and t.isdigit())]  # compared ones too
        sentences = self._sentences(entry_index)
        if not rest or not sentences:
            return not set(years) <= self._entry_words[entry_index]
        best = max(sentences, key=lambda tokens: sum(self.weight(t) for t in tokens & set(rest)))
        # A sentence that dates nothing gives no other year ("military ties 2022" against a
        # sentence on the ties that names no year).
        return not set(years) <= best and any(len(t) == 4 and t.isdigit() for t in best)

    def _sentences(self, entry_index: int) -> list[frozenset[str]]:
        """The content tokens of each sentence of an entry's answer (made when first asked)."""
        found = self._answer_sentences.get(entry_index)
        if found is None:
            found = [
                frozenset(self.normaliser.content_tokens(sentence))
                for sentence in _SENTENCE.split(self.entries[entry_index].answer)
                if sentence.strip()
            ]
            self._answer_sentences[entry_index] = found
        return found

    def _offers_kinds(self, entry_index: int, kinds: frozenset[str], known: list[str]) -> bool:
        """Whether an entry's answer holds the kinds of fact the question wants."""
        # An expansion is offered for the words the entry spells out (self._expanded).
        if kinds - self._offers[entry_index] - {"expansion"}:
            return False
        return "expansion" not in kinds or not self._expanded[entry_index].isdisjoint(known)

    def _decide(self, question: str, ranked: list[tuple[int, float]], signals: Signals) -> Match:
        """Answer when no hard rule objects and the model is sure enough; else suggest or not."""
        limits = self.thresholds
        order = tuple(Suggestion(self.entries[e], score) for e, score in ranked)
        top = order[0]
        probability: float | None = None
        if signals.wrong_kind:
            why = RULE_WRONG_KIND
        elif signals.off_subject:
            why = RULE_OFF_SUBJECT
        elif signals.other_name:
            why = RULE_OTHER_NAME
        elif signals.other_year:
            why = RULE_OTHER_YEAR
        elif signals.beyond is not None:
            why = f"{RULE_BEYOND}: {signals.beyond}"
        elif signals.score - signals.runner_up < limits.tie:
            why = RULE_TIE
        elif (
            limits.unknown_close is not None
            and signals.unknown
            and signals.runner_up >= limits.unknown_close * signals.score
        ):
            why = RULE_UNKNOWN_CLOSE
        else:
            probability = self.decision.probability(signals)
            # A question that is, word for word, one of the entry's phrasings was answered by
            # the pack's author: the model's caution is for paraphrases.
            exact = signals.score >= limits.exact and signals.coverage >= 0.999
            if exact or probability >= self.decision.threshold:
                also = order[1] if len(order) > 1 else None
                if also is not None and not (
                    also.score >= limits.suggest and also.score >= limits.also_share * top.score
                ):
                    also = None
                return Match(
                    question,
                    "answer",
                    top.entry,
                    top.score,
                    (),
                    order,
                    probability=probability,
                    also=also,
                    signals=signals,
                )
            why = f"probability {probability:.2f} < {self.decision.threshold:.2f}"
        offered = tuple(s for s in order if s.score >= limits.suggest)[: self.MAX_SUGGESTIONS]
        status: Status = "suggest" if offered else "none"
        return Match(
            question,
            status,
            offered[0].entry if offered else None,
            top.score,
            offered,
            order,
            why=why,
            probability=probability,
            signals=signals,
        )
