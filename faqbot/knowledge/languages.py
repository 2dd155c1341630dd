"""One matcher (and answerer) per language of a pack, and the choice of which one hears a
question.

A question with Devanagari in it goes to the Hindi matcher (whose synonyms also know the
English acronyms students mix in); any other goes to the pack's main language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from faqbot.knowledge import devanagari
from faqbot.knowledge.answering import Answerer, Outcome
from faqbot.knowledge.currency import Currency
from faqbot.knowledge.decision import Decision
from faqbot.knowledge.devanagari import Respeller, script_of
from faqbot.knowledge.exam import ExamQuestion, Option, OptionChoice
from faqbot.knowledge.matcher import Match, Matcher, Suggestion
from faqbot.knowledge.normaliser import Normaliser, words
from faqbot.knowledge.schema import Entry, Pack

HINDI = "hi"
# A Hindi MCQ labels its options (क) (ख) (ग) (घ); read as (a) (b) (c) (d), the exam parser
# splits it into stem, statements and options as it does an English one.
_HINDI_LABELS = dict(zip("कखगघङचछजझञ", "abcdefghij", strict=True))
_HINDI_LABEL = re.compile(r"(?<![\w\u0900-\u097f])(\(?)([कखगघङचछजझञ])([).])(?=\s|$)")


@dataclass(frozen=True)
class LanguageOutcome:
    """What to say to a message, and the language whose matcher decided it."""

    outcome: Outcome
    language: str

    @property
    def match(self) -> Match | None:
        return self.outcome.match


def question_language(pack: Pack, question: str) -> str:
    """The pack language a question is written in: Hindi for Devanagari, else the main one."""
    if script_of(question) == "devanagari" and HINDI in pack.languages:
        return HINDI
    return pack.info.language


def hindi_labels(question: str) -> str:
    """A Hindi question with its MCQ option labels in Latin letters: (क) -> (a)."""
    return _HINDI_LABEL.sub(
        lambda found: f"{found[1]}{_HINDI_LABELS[found[2]]}{found[3]}", question
    )


class LanguageAnswerers:
    """An Answerer for each language of a pack, each matching that language's phrasings and
    deciding with that language's fitted decision (`decision_<code>.yaml`, else the main)."""

    def __init__(self, pack: Pack, decisions: dict[str, Decision] | None = None) -> None:
        self.pack = pack
        chosen = decisions or {}
        self.answerers = {
            language: Answerer(
                language_matcher(
                    pack, language, chosen.get(language) or Decision.shipped(language)
                ),
                pack.in_language(language).smalltalk,
                Currency.from_pack(pack.in_language(language)),
            )
            for language in pack.languages
        }

    def language_of(self, question: str) -> str:
        return question_language(self.pack, question)

    def matcher(self, language: str) -> Matcher:
        """The matcher of `language`, or of the pack's main language if it has no such."""
        answerer = self.answerers.get(language) or self.answerers[self.pack.info.language]
        return answerer.matcher

    def respond(
        self, message: str, language: str | None = None, previous_id: str | None = None
    ) -> LanguageOutcome:
        """Answer in `language`, or in the language the message is written in."""
        if language not in self.answerers:
            language = self.language_of(message)
        text = hindi_labels(message) if language == HINDI else message
        outcome = self.answerers[language].respond(text, previous_id)
        view = self.pack.in_language(language)
        match = outcome.match
        if match is not None:
            # The matcher's entries carry the main language's phrasings too; show the view's.
            match = replace(
                match,
                question=message,
                entry=_in_view(view, match.entry),
                suggestions=tuple(_suggestion_in_view(view, s) for s in match.suggestions),
                ranked=tuple(_suggestion_in_view(view, s) for s in match.ranked),
                also=_suggestion_in_view(view, match.also) if match.also else None,
                language=language,
            )
        outcome = replace(outcome, question=message, match=match)
        if language == HINDI and outcome.exam is not None:
            outcome = _hindi_exam(outcome)
        return LanguageOutcome(outcome, language)

    def match(self, message: str, language: str | None = None) -> Match | None:
        """The matcher's verdict on a message (None for small talk)."""
        return self.respond(message, language).match


def language_matcher(pack: Pack, language: str, decision: Decision | None = None) -> Matcher:
    """A Matcher over one language's phrasings. Beside its own, another language's entries
    also carry the main language's phrasings and keywords, so "2+2 idea किसने initiate किया"
    meets the English words it mixes in; Devanagari words the pack does not use are respelled
    as the pack words they misspell or transliterate (`devanagari.Respeller`)."""
    view = pack.in_language(language)
    if view is pack:
        return Matcher.from_pack(pack, decision=decision)
    entries = []
    texts: list[str] = [*view.stopwords]
    for entry in view.entries:
        main = pack.entry(entry.id) or entry
        entries.append(
            replace(
                entry,
                alternates=(*entry.alternates, *main.phrasings),
                keywords=(*entry.keywords, *main.keywords),
            )
        )
        texts += [*entries[-1].phrasings, *entries[-1].keywords, entry.answer, main.answer]
    for canonical, variants in view.synonyms.items():
        texts += [canonical, *variants]
    plain = Normaliser(view.synonyms, view.stopwords)
    # English stop words are no loanwords to respell into ("their" for थीं).
    vocabulary = {
        word
        for text in texts
        for word in words(text)
        if devanagari.has_devanagari(word) or word not in plain.stopwords
    } | devanagari.STOPWORDS
    normaliser = Normaliser(view.synonyms, view.stopwords, respell=Respeller(vocabulary))
    return Matcher(entries, normaliser, decision=decision)


_LATIN_LABELS = {latin: hindi for hindi, latin in _HINDI_LABELS.items()}


def _hindi_option(option: Option) -> Option:
    return replace(option, label=_LATIN_LABELS.get(option.label, option.label))


def _hindi_exam(outcome: Outcome) -> Outcome:
    """The exam outcome with its option labels back in Devanagari. The option is not named for
    statement questions ("केवल 1", "न तो 1 और न ही 2"): their Hindi wording is not read, and
    a wrong option is worse than none."""
    assert outcome.exam is not None
    exam: ExamQuestion = replace(
        outcome.exam, options=tuple(_hindi_option(o) for o in outcome.exam.options)
    )
    choice: OptionChoice | None = outcome.choice
    if exam.statements:
        choice = None
    elif choice is not None:
        choice = replace(
            choice,
            option=_hindi_option(choice.option) if choice.option else None,
            supported=tuple(_hindi_option(o) for o in choice.supported),
        )
    return replace(outcome, exam=exam, choice=choice)


def _in_view(view: Pack, entry: Entry | None) -> Entry | None:
    return None if entry is None else view.entry(entry.id) or entry


def _suggestion_in_view(view: Pack, suggestion: Suggestion) -> Suggestion:
    return Suggestion(view.entry(suggestion.entry.id) or suggestion.entry, suggestion.score)
