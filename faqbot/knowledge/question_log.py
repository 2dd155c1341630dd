"""What the question log keeps, in pack terms: which answer a rating was about, and how a
logged question reads for `faqbot gaps`. Pure Python; the log itself is faqbot.storage.questions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from faqbot.knowledge.gaps import Outcome
from faqbot.knowledge.schema import Entry

# What the bot did with a question (faqbot.knowledge.answering.Status), as logged.
LoggedStatus = Literal["answer", "suggest", "none", "smalltalk"]
Rating = Literal[1, -1]
UP: Final[Rating] = 1
DOWN: Final[Rating] = -1
# A 👎's "what were you looking for?" reply is kept up to this many characters.
FEEDBACK_CHARS: Final = 500
QUESTION_CHARS: Final = 500


def answer_version(entry: Entry) -> str:
    """A short digest of the answer a card showed: a rating pressed under an answer that has
    changed since (the pack was edited) is about words the bot no longer says."""
    shown = f"{entry.id}\n{entry.question}\n{entry.answer}".encode()
    return hashlib.sha256(shown).hexdigest()[:16]


def gap_outcome(status: str, tapped_id: str | None, rating: int | None) -> Outcome:
    """How a logged question counts for gaps: a pressed suggestion is "tapped", an outright
    answer turned down with 👎 is "downvoted"."""
    if status == "answer":
        return "downvoted" if rating == DOWN else "answered"
    if status == "smalltalk":
        return "smalltalk"
    if tapped_id is not None:
        return "tapped"
    return "suggested" if status == "suggest" else "none"


@dataclass(frozen=True)
class DayCount:
    """One UTC day of the log: questions (small talk not counted) and those answered outright."""

    day: date
    questions: int
    answered: int

    @property
    def answered_rate(self) -> float | None:
        return self.answered / self.questions if self.questions else None


@dataclass(frozen=True)
class LogFigures:
    """What /stats shows: questions per day, the gaps asked most, the answers turned down most."""

    days: tuple[DayCount, ...]  # every day of the window, oldest first, empty days included
    unanswered: tuple[tuple[str, int], ...]  # question (lower-cased) and times asked
    downvoted: tuple[tuple[str, int], ...]  # entry id and 👎 count
    smalltalk: int = 0

    @property
    def questions(self) -> int:
        return sum(day.questions for day in self.days)

    @property
    def answered_rate(self) -> float | None:
        questions = self.questions
        return sum(day.answered for day in self.days) / questions if questions else None

    @property
    def empty(self) -> bool:
        return not self.questions and not self.smalltalk
