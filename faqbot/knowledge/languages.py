"""One matcher (and answerer) per language of a pack, the choice of which one hears a
question, and which language the bot replies in.

A question with Devanagari in it goes to the Hindi matcher (whose synonyms also know the
English acronyms students mix in); any other goes to the pack's main language. The reply's
language is the user's `/language` choice, else the group's, else the question's script (for a
question) or Telegram's app language (for everything else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Literal, get_args

from faqbot.knowledge import devanagari
from faqbot.knowledge.answering import Answerer, Outcome
from faqbot.knowledge.currency import Currency
from faqbot.knowledge.decision import Decision
from faqbot.knowledge.devanagari import Respeller, script_of
from faqbot.knowledge.exam import ExamQuestion, Option, OptionChoice, parse_exam
from faqbot.knowledge.matcher import Match, Matcher, Suggestion, Thresholds
from faqbot.knowledge.normaliser import Normaliser, words
from faqbot.knowledge.schema import Entry, Pack, SmallTalk

HINDI = "hi"
# Another language's matcher offers a runner-up scoring this share of the best, beside an
# unknown word, instead of answering (`Thresholds.unknown_close`, docs/matching.md).
UNKNOWN_CLOSE = 0.9
# What `/language` stores for a user or a group: a language, or "auto" (decide per message).
Choice = Literal["en", "hi", "auto"]
AUTO: Final = "auto"
CHOICES: tuple[Choice, ...] = get_args(Choice)
# A Hindi MCQ labels its options (क) (ख) (ग) (घ), or (अ) (ब) (स) (द); read as (a) (b) (c)
# (d), the exam parser splits it into stem, statements and options as it does an English one.
_HINDI_LABELS = {
    **dict(zip("कखगघङचछजझञ", "abcdefghij", strict=True)),
    **dict(zip("अबसद", "abcd", strict=True)),
}
_HINDI_LABEL = re.compile(rf"(?<![\w\u0900-\u097f])(\(?)([{''.join(_HINDI_LABELS)}])([).])(?=\s|$)")


@dataclass(frozen=True)
class LanguageOutcome:
    """What to say to a message, and the language whose matcher decided it."""

    outcome: Outcome
    language: str

    @property
    def match(self) -> Match | None:
        return self.outcome.match


def question_language(pack: Pack, question: str) -> str:
    """The pack language a question is written in: Hindi for Devanagari, else the main one.

    An exam question is written in the language of its stem and statements: "Where was the
    second 2+2 held? (a) नई दिल्ली (b) टोक्यो" is an English question, matched in English,
    whose options are then checked against the Hindi answer as well."""
    if script_of(_asked(question)) == "devanagari" and HINDI in pack.languages:
        return HINDI
    return pack.info.language


def _asked(question: str) -> str:
    """An exam question's stem and statements, or the whole message if it is none (or its
    stem has no letters)."""
    exam = parse_exam(hindi_labels(question))
    if exam is None:
        return question
    asked = " ".join([exam.stem, *(s.text for s in exam.statements)])
    return asked if script_of(asked) != "none" else question


def parse_choice(text: str) -> Choice | None:
    """A `/language` argument as a choice ("HI", "hindi", "हिंदी" too), or None if it is none."""
    folded = " ".join(text.split()).casefold()
    return _CHOICE_WORDS.get(folded)


_CHOICE_WORDS: dict[str, Choice] = {
    **{choice: choice for choice in CHOICES},
    "english": "en",
    "अंग्रेज़ी": "en",
    "अंग्रेजी": "en",
    "hindi": "hi",
    "हिंदी": "hi",
    "हिन्दी": "hi",
    "automatic": "auto",
    "स्वचालित": "auto",
}


def telegram_guess(language_code: str | None, languages: tuple[str, ...]) -> str:
    """The language to guess from Telegram's `language_code` (an IETF tag such as "hi",
    "hi-IN" or "en-GB", or anything at all): its primary subtag if the pack has it, else the
    pack's main language."""
    primary = (language_code or "").strip().replace("_", "-").split("-")[0].casefold()
    return primary if primary in languages[1:] else languages[0]


def reply_language(
    languages: tuple[str, ...],
    *,
    user: Choice | None = None,
    group: Choice | None = None,
    telegram: str | None = None,
    question: str | None = None,
) -> str:
    """The language to reply in, among the pack's `languages` (main first).

    The user's own choice wins, then the group's (in a group); in "auto", a question is
    answered in its script's language, and anything else follows Telegram's app language.
    """
    for chosen in (user, group):
        if chosen is not None and chosen != AUTO:
            return chosen if chosen in languages else languages[0]
    if question is not None and script_of(question) == "devanagari" and HINDI in languages:
        return HINDI
    if question is not None:
        return languages[0]
    return telegram_guess(telegram, languages)


def hindi_labels(question: str) -> str:
    """A Hindi question with its MCQ option labels in Latin letters: (क) -> (a), (स) -> (c)."""
    return _HINDI_LABEL.sub(
        lambda found: f"{found[1]}{_HINDI_LABELS[found[2]]}{found[3]}", question
    )


def _labels_written(question: str) -> dict[str, str]:
    """The Latin label of each Devanagari one the question wrote: {"a": "क"} or {"c": "स"}.
    Labels it wrote in Latin letters ("(a) 2010") stay as written."""
    written: dict[str, str] = {}
    for found in _HINDI_LABEL.finditer(question):
        written.setdefault(_HINDI_LABELS[found[2]], found[2])
    return written


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
        self,
        message: str,
        language: str | None = None,
        previous_id: str | None = None,
        *,
        reply_in: str | None = None,
    ) -> LanguageOutcome:
        """Match with `language`'s matcher (by default the one of the message's script), and
        answer in `reply_in` (by default the same language).

        "JIMEX kya hai" from a user who chose Hindi is matched in English and answered in
        Hindi: entries are the same in every language, only their words differ.
        """
        if language not in self.answerers:
            language = self.language_of(message)
        if reply_in not in self.answerers:
            reply_in = language
        # Labels in Devanagari are read whichever matcher hears the question (`faqbot ask
        # --language en` may send a Hindi MCQ to the English one).
        text = hindi_labels(message)
        outcome = self._option_in_other_languages(
            self.answerers[language].respond(text, previous_id), language
        )
        if outcome.smalltalk is not None and reply_in != language:
            outcome = replace(outcome, smalltalk=_smalltalk_in(self.pack, outcome, reply_in))
        view = self.pack.in_language(reply_in)
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
                language=reply_in,
            )
        outcome = replace(outcome, question=message, match=match)
        labels = _labels_written(message)
        if labels and outcome.exam is not None:
            outcome = _labels_as_written(outcome, labels)
        return LanguageOutcome(outcome, reply_in)

    def _option_in_other_languages(self, outcome: Outcome, language: str) -> Outcome:
        """When no option holds in the answer in `language`, the same entry's answer in another
        language of the pack may hold one: "(ख) Tokyo" in a Hindi question meets "Tokyo" in
        the English answer, not "टोक्यो" in the Hindi one. Only a single supported option is
        taken; statements are read in the question's language alone.

        The entry is read both by the question's own answerer, whose normaliser knows the
        question's words and the synonyms that carry them to the other language's terms
        (पहली -> first, so the paragraph about the first dialogue is the one that counts), and
        by the other language's; a single option both agree on, or only one names, is taken."""
        choice, exam, match = outcome.choice, outcome.exam, outcome.match
        if (
            choice is None
            or choice.verdict != "none"
            or exam is None
            or exam.statements
            or match is None
            or match.entry is None
        ):
            return outcome
        asker = self.answerers[language]
        named = {}
        for other, answerer in self.answerers.items():
            entry = answerer.entry(match.entry.id) if other != language else None
            if entry is None:
                continue
            for reader in (asker, answerer):
                found = reader.choose(exam, entry)
                if found.verdict == "one" and found.option is not None:
                    named[found.option] = found
        if len(named) == 1:
            return replace(outcome, choice=next(iter(named.values())))
        return outcome

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
    # Unknown Devanagari words are commoner than unknown English ones (the pack's Hindi is a
    # translation, students' Hindi is not), and one of them decided the confident wrong
    # answers of fresh dev batches: a close runner-up is then offered, not outvoted.
    thresholds = Thresholds(unknown_close=UNKNOWN_CLOSE)
    return Matcher(entries, normaliser, thresholds=thresholds, decision=decision)


def _labels_as_written(outcome: Outcome, labels: dict[str, str]) -> Outcome:
    """The exam outcome with its option labels back as the question wrote them (`labels`)."""
    assert outcome.exam is not None

    def _hindi_option(option: Option) -> Option:
        return replace(option, label=labels.get(option.label, option.label))

    exam: ExamQuestion = replace(
        outcome.exam, options=tuple(_hindi_option(o) for o in outcome.exam.options)
    )
    choice: OptionChoice | None = outcome.choice
    if choice is not None:
        choice = replace(
            choice,
            option=_hindi_option(choice.option) if choice.option else None,
            supported=tuple(_hindi_option(o) for o in choice.supported),
        )
    return replace(outcome, exam=exam, choice=choice)


def _smalltalk_in(pack: Pack, outcome: Outcome, language: str) -> SmallTalk | None:
    """The small talk recognised, with its reply in `language`."""
    said = outcome.smalltalk
    if said is None:
        return None
    kind = next((kind for kind in pack.smalltalk if kind.id == said.id), None)
    return kind.in_language(language) if kind is not None else said


def _in_view(view: Pack, entry: Entry | None) -> Entry | None:
    return None if entry is None else view.entry(entry.id) or entry


def _suggestion_in_view(view: Pack, suggestion: Suggestion) -> Suggestion:
    return Suggestion(view.entry(suggestion.entry.id) or suggestion.entry, suggestion.score)
