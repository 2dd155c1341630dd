"""The Leitner review schedule: boxes, due times, and which items a review asks."""

from __future__ import annotations

from faqbot.knowledge import Pack
from faqbot.knowledge.quiz_items import QuizBank
from faqbot.knowledge.review import DAY_SECONDS, ReviewState, due_for_review, next_review


def test_leitner_boxes_send_misses_back_soon_and_hits_further_out() -> None:
    now = 1_000_000.0
    first_right = next_review(None, True, now)
    assert first_right == ReviewState(2, now + DAY_SECONDS)
    second_right = next_review(first_right, True, now)
    assert second_right.box == 3 and second_right.due_at == now + 3 * DAY_SECONDS
    assert next_review(second_right, False, now) == ReviewState(1, now)
    top = ReviewState(5, now)
    assert next_review(top, True, now).box == 5


def test_review_picks_due_items_most_missed_first(pack: Pack) -> None:
    bank = QuizBank.from_pack(pack)
    a, b, c, d = (item.key for item in bank.items[:4])
    now = 5_000.0
    schedule = {
        a: ReviewState(3, now - 10),
        b: ReviewState(1, now - 5),
        c: ReviewState(2, now + 100),  # not due yet
        d: ReviewState(1, now - 50),
        "gone:from the pack": ReviewState(1, 0.0),
    }
    assert [item.key for item in due_for_review(schedule, bank, now, 5)] == [d, b, a]
    assert [item.key for item in due_for_review(schedule, bank, now, 1)] == [d]
