"""The quiz store: scores and leaderboard ranks, straight against SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqbot.storage.quiz import OpenPoll
from faqbot.storage.stores import Stores

GROUP = -4002


async def test_leaderboard_ties_share_a_rank_and_the_next_rank_skips(tmp_path: Path) -> None:
    stores = Stores.open(tmp_path / "scores.sqlite3")
    quiz = stores.quiz
    try:
        for number, key in enumerate(["a", "b"]):
            await quiz.add_poll(OpenPoll(f"p{number}", GROUP, number, key, 0, 100.0, 130.0))
        # Asha and Ravi: 2 right at 3.0 s on average; Meera: 2 right but slower; Dev: 1 right.
        answers = [
            ("p0", 1, "Asha", 0, 102.0),
            ("p1", 1, "Asha", 0, 104.0),
            ("p0", 2, "Ravi", 0, 103.0),
            ("p1", 2, "Ravi", 0, 103.0),
            ("p0", 3, "Meera", 0, 110.0),
            ("p1", 3, "Meera", 0, 110.0),
            ("p0", 4, "Dev", 0, 101.0),
            ("p1", 4, "Dev", 1, 101.0),
        ]
        for poll, user, name, option, at in answers:
            await quiz.record_answer(poll, user, name, option, at)
        board = await quiz.leaderboard(GROUP)
        assert [(row.rank, row.name) for row in board] == [
            (1, "Asha"),
            (1, "Ravi"),
            (3, "Meera"),
            (4, "Dev"),
        ]
        assert board[0].average_seconds == pytest.approx(3.0)
        ravi = await quiz.standing(GROUP, 2)
        assert ravi is not None and ravi.rank == 1
        assert await quiz.standing(GROUP, 9) is None
        top_two = await quiz.leaderboard(GROUP, limit=2)
        assert [row.name for row in top_two] == ["Asha", "Ravi"]
    finally:
        stores.close()
