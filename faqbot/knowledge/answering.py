"""One call from a message to what the bot should do: small talk, a follow-up, an exam
question or an ordinary question. Front ends (Telegram, the terminal, `faqbot ask`) use this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from faqbot.knowledge.chatter import strip_chatter
from faqbot.knowledge.currency import Currency, Notice
from faqbot.knowledge.exam import (
    Evidence,
    ExamQuestion,
    OptionChoice,
    choose_option,
    evidence,
    looks_like_exam,
    matching_text,
    parse_exam,
    strip_boilerplate,
)
from faqbot.knowledge.followups import FollowUp, has_reference, resolve_followup
from faqbot.knowledge.matcher import RULE_TIE, Match, Matcher
from faqbot.knowledge.schema import Entry, Pack, SmallTalk
from faqbot.knowledge.smalltalk import SmallTalkRecogniser

Status = Literal["answer", "suggest", "none", "smalltalk"]
# A message of this many words or more is also read by its last clause alone.
LONG_MESSAGE = 20
# An exam stem's option reading may name only an entry among the stem's best few, when the
# stem's own best entry already supports one option (Answerer._with_options).
RANKED_FOR_OPTIONS = 3
# A long message's last clause read alone may pick only among the whole message's best.
RANKED_FOR_CLAUSE = 2
_CLAUSE_BREAK = re.compile(r"\s+[—–-]+\s+|[;:]\s+|(?<=[.!?])\s+|,?\s+but\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What to say to one message, and why."""

    question: str
    status: Status
    match: Match | None = None  # None only for small talk
    smalltalk: SmallTalk | None = None
    exam: ExamQuestion | None = None
    choice: OptionChoice | None = None  # the option the answer supports, for exam questions
    followup: FollowUp | None = None  # set when the message was read through the context
    # The pack's date stated before an answer, or why the question was declined (currency.py).
    notice: Notice | None = None

    @property
    def entry(self) -> Entry | None:
        """The entry answered outright, or the best suggestion."""
        return self.match.entry if self.match else None

    @property
    def answered_id(self) -> str | None:
        """The entry id to keep as context for a follow-up: set only for outright answers."""
        if self.status == "answer" and self.match and self.match.entry:
            return self.match.entry.id
        return None

    def to_json(self) -> dict[str, object]:
        """The `faqbot ask --json` object (PRODUCT.md), extended for exams and follow-ups."""
        if self.match is None:
            return {
                "question": self.question,
                "status": self.status,
                "id": None,
                "answer": None,
                "score": 0.0,
                "suggestions": [],
                "why": None,
                "language": "en",
                "smalltalk": {
                    "id": self.smalltalk.id if self.smalltalk else None,
                    "reply": self.smalltalk.reply if self.smalltalk else None,
                },
            }
        data = self.match.to_json()
        data["question"] = self.question
        if self.exam is not None:
            data["exam"] = {
                "stem": self.exam.stem,
                "options": [{"label": o.label, "text": o.text} for o in self.exam.options],
                "verdict": self.choice.verdict if self.choice else None,
                "option": self.choice.option.label if self.choice and self.choice.option else None,
            }
        if self.followup is not None:
            data["followup_of"] = self.followup.previous.id
        data["notice"] = self.notice.to_json() if self.notice else None
        return data


class Answerer:
    """The knowledge layer's front door: `respond(message, previous_id)` -> Outcome."""

    def __init__(
        self,
        matcher: Matcher,
        smalltalk: Sequence[SmallTalk] = (),
        currency: Currency | None = None,
    ) -> None:
        self.matcher = matcher
        self.smalltalk = SmallTalkRecogniser(smalltalk)
        self.currency = currency
        self._entries = {entry.id: entry for entry in matcher.entries}
        # Checking an option or statement, a word the pack never uses is most often a
        # paraphrase ("stressed" for "emphasised"): it weighs half a rare word. So, at most,
        # does a word only its questions use ("India *holds* 2+2 dialogues…" against "India
        # had 2+2 dialogues…"): no answer sentence can hold it.
        self._paraphrase = matcher.unknown_information / 2
        tokens = matcher.normaliser.content_tokens
        self._answer_words = frozenset(t for e in matcher.entries for t in tokens(e.answer))
        self._evidence: Sequence[Evidence] | None = None

    @classmethod
    def from_pack(cls, pack: Pack, matcher: Matcher | None = None) -> Answerer:
        """An answerer for a loaded pack (building its matcher unless one is given)."""
        return cls(matcher or Matcher.from_pack(pack), pack.smalltalk, Currency.from_pack(pack))

    def paraphrase_weight(self, token: str) -> float:
        """How telling a word of an option or statement is (the matcher's IDF over entries)."""
        found = self.matcher.information.get(token, self._paraphrase)
        return found if token in self._answer_words else min(found, self._paraphrase)

    def _with_options(self, match: Match, asked: str, exam: ExamQuestion) -> Match:
        """The best reading of an exam question: its stem alone, or the stem with one option.

        An option list is evidence of the topic ("India holds 2+2 dialogues with: A. US,
        Australia, Japan and Russia…" is about India's partners, not the first dialogue), and
        the right option read with the stem fits the right entry best. The reading the
        decision is surest of wins; the option is then chosen by what the answer supports.
        A stem answered outright whose answer supports exactly one option is kept: it is
        coherent. A stem only suggested whose best entry supports exactly one option is kept
        against an option reading that names an entry the stem did not even rank: that option
        only names another entry's fact ("(ग) September 2022" is the second dialogue's date, not
        when the idea came up).
        """
        coherent = (
            match.status != "none"
            and match.entry is not None
            and self.choose(exam, match.entry).verdict == "one"
        )
        if coherent and match.status == "answer":
            return match
        ranked = {s.entry.id for s in match.ranked[:RANKED_FOR_OPTIONS]}
        best = match
        for option in exam.options:
            reading = self.matcher.match(f"{asked} {option.text}")
            unranked = reading.entry is not None and reading.entry.id not in ranked
            if coherent and unranked:
                continue
            if _confidence(reading) > _confidence(best):
                best = reading
        if best is match:
            return match
        return replace(best, question=match.question)

    def _with_last_clause(self, match: Match, asked: str) -> Match:
        """A long message's own question, read alone: "I remember Japan made some big
        announcement … — what was Japan's determination regarding its defence budget?" The
        story before the question names things the question is not about; the reading the
        decision is surest of wins."""
        # A rule about meaning that held the whole message back ("names something the answer
        # does not mention") still holds: the story is part of what is asked.
        if len(asked.split()) < LONG_MESSAGE or (
            match.why is not None and match.why.startswith("rule:") and match.why != RULE_TIE
        ):
            return match
        pieces = [p for p in _CLAUSE_BREAK.split(asked) if len(p.split()) >= 3]
        if not pieces or pieces[-1].strip() == asked.strip():
            return match
        reading = self.matcher.match(pieces[-1])
        # The question read alone must be about what the whole message is about: "what
        # exactly did Japan commit to?" after a story about Japan's budget is not asking for
        # the exercises India and Japan committed to continuing.
        ranked = {s.entry.id for s in match.ranked[:RANKED_FOR_CLAUSE]}
        if reading.entry is not None and ranked and reading.entry.id not in ranked:
            return match
        if _confidence(reading) > _confidence(match):
            return replace(reading, question=match.question)
        return match

    def respond(self, message: str, previous_id: str | None = None) -> Outcome:
        """Decide what to say. `previous_id` is the entry answered last in this conversation
        (None when there is none or it has expired); a question that stands on its own wins."""
        kind = self.smalltalk.recognise(message)
        if kind is not None:
            return Outcome(message, "smalltalk", smalltalk=kind)
        exam = parse_exam(message)
        if exam is not None:
            asked = matching_text(exam)
        elif looks_like_exam(message):
            asked = strip_boilerplate(message)
        else:
            asked = message
        asked = strip_chatter(asked)
        # Read on the stem, so an exam's options ("(d) 2023") never decline its question.
        declined = self._declined(message, asked)
        if declined is not None:
            return declined
        match = self.matcher.match(asked, claims=exam is not None and bool(exam.statements))
        if exam is not None and not exam.statements:
            match = self._with_options(match, asked, exam)
        elif exam is None:
            match = self._with_last_clause(match, asked)
        if previous_id is not None and not (match.status == "answer" and not has_reference(asked)):
            followup = resolve_followup(self.matcher, self._entries, previous_id, asked)
            if followup is not None:
                match = Match(
                    message,
                    "answer",
                    followup.entry,
                    match.score,
                    (),
                    match.ranked,
                    signals=match.signals,
                )
                notice = self._date_note(message)
                return Outcome(message, "answer", match, followup=followup, notice=notice)
        choice = None
        if exam is not None and match.status == "answer" and match.entry is not None:
            choice = self.choose(exam, match.entry)
        notice = self._date_note(message)
        return Outcome(message, match.status, match, exam=exam, choice=choice, notice=notice)

    def choose(self, exam: ExamQuestion, entry: Entry) -> OptionChoice:
        """Which of an exam question's options `entry`'s answer supports, in this language."""
        tokens = self.matcher.normaliser.content_tokens
        if exam.statements and self._evidence is None:
            self._evidence = evidence(self.matcher.entries, tokens)
        return choose_option(
            exam, entry, tokens, self.matcher.entries, self.paraphrase_weight, self._evidence
        )

    def entry(self, entry_id: str) -> Entry | None:
        """This language's entry with that id, if the pack has one."""
        return self._entries.get(entry_id)

    # The currency hook (currency.py): topics the pack declines and times after its as_of are
    # turned away before matching; a question about "the latest" gets the pack's date stated.
    def _declined(self, message: str, asked: str) -> Outcome | None:
        notice = self.currency.hold(asked) if self.currency else None
        if notice is None:
            return None
        match = Match(message, "none", None, 0.0, why=notice.rule)
        return Outcome(message, "none", match, notice=notice)

    def _date_note(self, message: str) -> Notice | None:
        return self.currency.date_note(message) if self.currency else None


def _confidence(match: Match) -> tuple[bool, float, float]:
    """How sure a reading is: answered outright first, then the model's probability."""
    return (match.status == "answer", match.probability or 0.0, match.score)
