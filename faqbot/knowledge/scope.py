"""Signs that a question asks for more than an entry holds: another country's or dialogue's
thing, or a place, outcomes, examples or a mechanism where the entry gives something else.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from faqbot.knowledge.normaliser import Normaliser, words
from faqbot.knowledge.schema import Entry

# Countries and their adjectives: "Indian side" speaks for India, "Japan's budget" is Japan's.
# General English, not the pack's subject, so they live here.
_COUNTRIES = (
    ("india", "indian"),
    ("japan", "japanese"),
    ("us", "usa", "america", "american", "united states"),
    ("australia", "australian"),
    ("russia", "russian"),
    ("china", "chinese"),
    ("uk", "britain", "british"),
    ("france", "french"),
    ("germany", "german"),
    ("pakistan", "pakistani"),
    ("korea", "korean"),
    ("canada", "canadian"),
    ("israel", "israeli"),
)
# "India's X", "Japan ka X", "जापान का X": who X belongs to, then up to three words of X.
_POSSESSIVE = re.compile(
    r"([^\W\d_][\w.]*|[\u0900-\u097f]+)"
    r"(?:['’]s\b|\s+(?:ka|ki|ke)\b|\s+(?:का|की|के)(?![\u0900-\u097f]))\s+([^?.!,;:()।]*)"
)
# A cheap first look: most questions have no possessive at all.
_POSSESSIVE_MARK = re.compile(r"['’]s\b|\s(?:ka|ki|ke)\b|\s(?:का|की|के)(?![\u0900-\u097f])")
_JOINT = re.compile(r"(?:\band|&|\sऔर)\s*$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n\s*[-•*]?\s*")
_ORDINALS = {
    **dict.fromkeys(("first", "1st", "inaugural"), 1),
    **dict.fromkeys(("second", "2nd"), 2),
    **dict.fromkeys(("third", "3rd"), 3),
    **dict.fromkeys(("fourth", "4th"), 4),
    **dict.fromkeys(("fifth", "5th"), 5),
    **dict.fromkeys(("sixth", "6th"), 6),
}
# "held since 2018" says when the first one was.
_SINCE = "since"
# "Where is JIMEX held?" wants a place: "in Tokyo", "at New Delhi"; not "in November 2019".
# ("kaha" is also "said": "kya kaha".)
_WHERE = frozenset({"where", "kahan", "kahaan", "venue", "located"})
_PLACE = re.compile(
    r"\b(?:in|at)\s+(?!(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|The|That|This|Its|Their)\b)[A-Z][a-z]+"
)
# "How does X work?" wants a mechanism; an answer saying that X exists does not give one.
_HOW = frozenset({"how", "kaise", "kese", "kaisa", "kaisi"})
_WORK = frozenset({"work", "works", "kaam", "function", "functions", "operate", "operates"})
_EXPLAINS = re.compile(r"\b(?:by|through)\s+\w+ing\b|\bworks?\b", re.IGNORECASE)
# Words that say the question wants instances ("What HADR operations have they done?"): the
# entry must speak of them, not of a commitment to the field.
_INSTANCES = frozenset(
    {"example", "instance", "operation", "mission", "project", "case", "incident", "deploy"}
)
# What came of a meeting: asked by "outcomes", "results", "came out of" ("highlight" is also a
# verb: "what goal did they highlight").
_OUTCOMES = frozenset({"outcome", "outcomes", "result", "results", "takeaway", "takeaways"})
_OUTCOME_PAIRS = frozenset({("came", "out"), ("come", "out")})
# "Without naming Russia or China": a country named only to be left out is not spoken of.
_NEGATED_RUN = re.compile(r"\b(?:without|not|never|no)\b(?:\W+[\w'’-]+){1,5}", re.IGNORECASE)
# A question about that omission itself ("did they name China?", "China ka naam liya kya",
# "did they call out Russia") asks what the entry holds.
_NAMING = frozenset(
    """name named names naming naam mention mentioned mentions call called criticise criticised
    criticize criticized refer referred single singled target targeted omit omitted exclude
    excluded""".split()
)

Weight = Callable[[str], float]


def _stems(text: str) -> frozenset[str]:
    return frozenset(words(text))


_WHERE_STEMS = _stems(" ".join(_WHERE))
_HOW_STEMS = _stems(" ".join(_HOW))
_WORK_STEMS = _stems(" ".join(_WORK))
_INSTANCE_STEMS = _stems(" ".join(_INSTANCES))
_OUTCOME_STEMS = _stems(" ".join(_OUTCOMES))
_NAMING_STEMS = _stems(" ".join(_NAMING))


@dataclass(frozen=True)
class _Sentence:
    tokens: frozenset[str]
    countries: frozenset[str]


class Scope:
    """Checks a question against an entry for the signs above; built once per matcher."""

    def __init__(
        self,
        entries: Sequence[Entry],
        normaliser: Normaliser,
        weight: Weight,
        intents: Sequence[frozenset[str]],
    ) -> None:
        self.normaliser = normaliser
        self.weight = weight
        self._intents = intents
        self._country: dict[str, str] = {}
        for names in _COUNTRIES:
            tokens = [" ".join(normaliser.content_tokens(name)) for name in names]
            for token in tokens:
                if token:
                    self._country.setdefault(token, tokens[0])
        self._sentences: list[list[_Sentence]] = []
        self._possessed: list[dict[str, frozenset[str]]] = []
        self._subject_ordinals: list[frozenset[int]] = []
        self._subject: list[frozenset[str]] = []
        self._affirmed: list[frozenset[str]] = []
        self._left_out: list[frozenset[str]] = []
        self._words: list[frozenset[str]] = []
        self._explains: list[bool] = []
        self._places: list[bool] = []
        mentions: dict[str, int] = {}
        for entry in entries:
            sentences = [
                _Sentence(frozenset(tokens), self._countries(tokens))
                for piece in _SENTENCE.split(entry.answer)
                if piece.strip() and (tokens := normaliser.content_tokens(piece))
            ]
            self._sentences.append(sentences)
            self._possessed.append(self._possessions(entry.answer))
            self._subject_ordinals.append(self._ordinals(normaliser.content_tokens(entry.question)))
            subject = {
                t for text in (*entry.phrasings, *entry.keywords) for t in self._tokens(text)
            }
            self._subject.append(frozenset(subject))
            affirmed = subject | set(self._tokens(_NEGATED_RUN.sub(" ", entry.answer)))
            self._affirmed.append(self._countries(list(affirmed)))
            spoken = self._countries(self._tokens(_NEGATED_RUN.sub(" ", entry.answer)))
            negated = " ".join(m.group() for m in _NEGATED_RUN.finditer(entry.answer))
            self._left_out.append(self._countries(self._tokens(negated)) - spoken)
            every = subject | {t for s in sentences for t in s.tokens}
            self._words.append(frozenset(every))
            self._explains.append(bool(_EXPLAINS.search(entry.answer)))
            self._places.append(bool(_PLACE.search(entry.answer)))
            for country in self._countries(list(every)):
                mentions[country] = mentions.get(country, 0) + 1
        # The pack's own parties ("India", "Japan") are in most entries; others are not.
        self._home = frozenset(c for c, n in mentions.items() if n > len(entries) // 3)

    def _tokens(self, text: str) -> list[str]:
        return self.normaliser.content_tokens(text)

    def _countries(self, tokens: Sequence[str]) -> frozenset[str]:
        return frozenset(self._country[t] for t in tokens if t in self._country)

    @staticmethod
    def _ordinals(tokens: Sequence[str]) -> frozenset[int]:
        return frozenset(_ORDINALS[t] for t in tokens if t in _ORDINALS)

    def _possessions(self, text: str) -> dict[str, frozenset[str]]:
        """Country -> the tokens it possesses in a text ("Japan's defence budget")."""
        found: dict[str, set[str]] = {}
        for who, rest in _POSSESSIVE.findall(text):
            owner = self._countries(self._tokens(who))
            if len(owner) != 1:
                continue
            owned = self._tokens(" ".join(rest.split()[:3]))
            owned = list(itertools.takewhile(lambda t: t not in self._country, owned))
            found.setdefault(next(iter(owner)), set()).update(owned)
        return {country: frozenset(tokens) for country, tokens in found.items()}

    def beyond(
        self,
        question: str,
        entry_index: int,
        known: Sequence[str],
        unknown: Sequence[str],
        typed: set[str] | None = None,
    ) -> str | None:
        """Why the entry cannot answer the question in full, or None. `typed` is the
        question's content tokens as typed, before typo correction (made here if not given).

        - another possessor: "India's defence budget" where the answer's budget is Japan's;
        - another country's dialogue: "India Russia 2+2 …" where Russia is not what the entry
          is about, or the question asks something of it the entry does not hold;
        - another dialogue: "the first 2+2" where the answer's sentence is about the second;
        - outcomes, a place, examples or a mechanism that the entry does not give.
        """
        return (
            self._other_possessor(question, entry_index)
            or self._other_country(question, entry_index, known, unknown)
            or self._other_ordinal(entry_index, known)
            or self._other_ask(
                question,
                entry_index,
                typed if typed is not None else set(self._tokens(question)),
            )
        )

    def _other_possessor(self, question: str, entry_index: int) -> str | None:
        if not _POSSESSIVE_MARK.search(question):  # most questions: skip the costlier pattern
            return None
        possessed = self._possessed[entry_index]
        for found in _POSSESSIVE.finditer(question):
            who, rest = found.groups()
            owner = self._countries(self._tokens(who))
            # "India and Japan's commitment" is theirs together.
            if len(owner) != 1 or _JOINT.search(question[: found.start()]):
                continue
            (country,) = owner
            owned = [t for t in self._tokens(" ".join(rest.split()[:3])) if t not in self._country]
            if not owned:
                continue
            # The answer says whose it is: "India's foreign minister", "Japan's defence budget".
            for token in owned:
                owners = {c for c, tokens in possessed.items() if token in tokens}
                if owners and country not in owners:
                    return "another country's"
            # The sentence that holds it names who acts: "The Japanese side … counterstrike".
            scored = [
                (sum(self.weight(t) for t in owned if t in s.tokens), s)
                for s in self._sentences[entry_index]
            ]
            best = max((score for score, _ in scored), default=0.0)
            if best > 0:
                top = [s for score, s in scored if score == best]
                if all(s.countries and country not in s.countries for s in top):
                    return "another country's"
        return None

    def _other_country(
        self, question: str, entry_index: int, known: Sequence[str], unknown: Sequence[str]
    ) -> str | None:
        others = self._countries(known) - self._home
        if not others:
            return None
        if others <= self._left_out[entry_index] and _NAMING_STEMS.intersection(words(question)):
            return None
        # Named only to be left out ("without naming Russia"), it is not what the entry is about;
        # named, with a word the pack never uses ("Russia India 2+2 me kaun mile the"), the
        # question asks something of that country's dealings that the pack does not hold.
        # (A country the pack never names, "France" among the options, is no such word.)
        if not others <= self._affirmed[entry_index] or set(unknown) - self._country.keys():
            return "another country's dialogue"
        return None

    def _other_ordinal(self, entry_index: int, known: Sequence[str]) -> str | None:
        asked = self._ordinals(known)
        subject = self._subject_ordinals[entry_index]
        if not asked or not subject or asked & subject:
            return None
        rest = [t for t in known if t not in _ORDINALS]
        scored = [
            (sum(self.weight(t) for t in rest if t in s.tokens), s)
            for s in self._sentences[entry_index]
        ]
        best = max((score for score, _ in scored), default=0.0)
        top = [s for score, s in scored if score == best]
        if any(
            asked & self._ordinals(list(s.tokens)) or (1 in asked and _SINCE in s.tokens)
            for s in top
        ):
            return None
        return "another dialogue"

    def _other_ask(self, question: str, entry_index: int, tokens: set[str]) -> str | None:
        typed = words(question)
        said = set(typed)
        pairs = set(itertools.pairwise(typed))
        if (said & _OUTCOME_STEMS or _OUTCOME_PAIRS & pairs) and "outcome" not in self._intents[
            entry_index
        ]:
            return "outcomes"
        if said & _WHERE_STEMS and not self._places[entry_index]:
            return "a place"
        if said & _HOW_STEMS and said & _WORK_STEMS and not self._explains[entry_index]:
            return "how it works"
        wanted = tokens & _INSTANCE_STEMS
        if wanted - self._words[entry_index]:
            return "examples"
        return None
