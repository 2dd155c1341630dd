"""The Leitner review schedule: when a user should see a quiz item again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from faqbot.knowledge.quiz_items import QuizBank
from faqbot.knowledge.schema import QuizItem

# Leitner boxes 1..5: a wrong answer sends an item back to box 1, due again at once; each right
# answer moves it up one box and further out in time.
REVIEW_INTERVALS_DAYS = {1: 0.0, 2: 1.0, 3: 3.0, 4: 7.0, 5: 21.0}
TOP_BOX = max(REVIEW_INTERVALS_DAYS)
DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class ReviewState:
    """Where one item stands in one user's Leitner schedule."""

    box: int
    due_at: float


def next_review(current: ReviewState | None, correct: bool, now: float) -> ReviewState:
    """The schedule after an answer: wrong goes back to box 1 (due now), right moves up a box."""
    if not correct:
        box = 1
    elif current is None:
        box = 2
    else:
        box = min(current.box + 1, TOP_BOX)
    return ReviewState(box, now + REVIEW_INTERVALS_DAYS[box] * DAY_SECONDS)


def due_for_review(
    schedule: Mapping[str, ReviewState], bank: QuizBank, now: float, count: int
) -> list[QuizItem]:
    """Items due now, lowest box (most often wrong) first, then the longest overdue."""
    due = [
        (state, item)
        for key, state in schedule.items()
        if state.due_at <= now and (item := bank.get(key)) is not None
    ]
    due.sort(key=lambda pair: (pair[0].box, pair[0].due_at, pair[1].key))
    return [item for _, item in due[:count]]
