"""One matcher per language of a pack, and the choice of which one hears a question.

A question with Devanagari in it goes to the Hindi matcher (whose synonyms also know the
English acronyms students mix in); any other goes to the pack's main language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from faqbot.knowledge.devanagari import script_of
from faqbot.knowledge.matcher import Match, Matcher, Suggestion, Thresholds
from faqbot.knowledge.normaliser import Normaliser
from faqbot.knowledge.schema import Entry, Pack

HINDI = "hi"
# The options of a Hindi MCQ ("(क) … (ख) …") name wrong answers too; the stem before them is
# the question.
_HINDI_OPTIONS = re.compile(r"\s\(?क[).]\s")
# Chosen on tests/data/hindi-dev.yaml with benchmarks/tune_hindi.py (docs/matching.md).
HINDI_THRESHOLDS = Thresholds(answer=55.0, margin=8.0, coverage=0.65, information=0.5)


@dataclass(frozen=True)
class LanguageMatch:
    """A match, and the language whose matcher made it."""

    match: Match
    language: str


def question_language(pack: Pack, question: str) -> str:
    """The pack language a question is written in: Hindi for Devanagari, else the main one."""
    if script_of(question) == "devanagari" and HINDI in pack.languages:
        return HINDI
    return pack.info.language


def hindi_stem(question: str) -> str:
    """A Hindi question without its MCQ options, when it has them."""
    found = _HINDI_OPTIONS.search(question)
    return question[: found.start()] if found and found.start() > 0 else question


class LanguageMatchers:
    """A Matcher for each language of a pack, each over that language's phrasings."""

    def __init__(self, pack: Pack, thresholds: dict[str, Thresholds] | None = None) -> None:
        self.pack = pack
        chosen = {HINDI: HINDI_THRESHOLDS, **(thresholds or {})}
        self.matchers = {
            language: language_matcher(pack, language, chosen.get(language))
            for language in pack.languages
        }

    def language_of(self, question: str) -> str:
        return question_language(self.pack, question)

    def for_language(self, language: str) -> Matcher:
        """The matcher of `language`, or of the pack's main language if it has no such."""
        return self.matchers.get(language) or self.matchers[self.pack.info.language]

    def match(self, question: str, language: str | None = None) -> Match:
        """Match in `language`, or in the language the question is written in."""
        return self.match_language(question, language).match

    def match_language(self, question: str, language: str | None = None) -> LanguageMatch:
        language = language if language in self.matchers else self.language_of(question)
        assert language is not None
        text = hindi_stem(question) if language == HINDI else question
        match = self.for_language(language).match(text)
        view = self.pack.in_language(language)
        if view is not self.pack:
            # The matcher's entries carry the main language's phrasings too; show the view's.
            match = Match(
                question,
                match.status,
                _in_view(view, match.entry),
                match.score,
                tuple(_suggestion_in_view(view, s) for s in match.suggestions),
                tuple(_suggestion_in_view(view, s) for s in match.ranked),
            )
        elif text != question:
            match = replace(match, question=question)
        return LanguageMatch(match, language)


def language_matcher(pack: Pack, language: str, thresholds: Thresholds | None = None) -> Matcher:
    """A Matcher over one language's phrasings. Beside its own, another language's entries
    also carry the main language's phrasings and keywords, so "2+2 idea किसने initiate किया"
    meets the English words it mixes in."""
    view = pack.in_language(language)
    if view is pack:
        return Matcher.from_pack(pack, thresholds)
    entries = []
    for entry in view.entries:
        main = pack.entry(entry.id) or entry
        entries.append(
            replace(
                entry,
                alternates=(*entry.alternates, *main.phrasings),
                keywords=(*entry.keywords, *main.keywords),
            )
        )
    return Matcher(entries, Normaliser(view.synonyms, view.stopwords), thresholds)


def _in_view(view: Pack, entry: Entry | None) -> Entry | None:
    return None if entry is None else view.entry(entry.id) or entry


def _suggestion_in_view(view: Pack, suggestion: Suggestion) -> Suggestion:
    return Suggestion(view.entry(suggestion.entry.id) or suggestion.entry, suggestion.score)
