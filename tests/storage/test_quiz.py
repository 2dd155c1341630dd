"""The quiz store, on each engine: scores and leaderboard ranks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from faqbot.storage.legacy import MIGRATIONS
from faqbot.storage.quiz import OpenPoll, QuizSettings, Record, Setting
from faqbot.storage.stores import Stores

GROUP = -4002


async def test_leaderboard_ties_share_a_rank_and_the_next_rank_skips(
    database_target: Path | str,
) -> None:
    stores = Stores.open(database_target)
    quiz = stores.quiz
    try:
        for number, key in enumerate(["a", "b"]):
            await quiz.add_poll(OpenPoll(f"p{number}", GROUP, number, key, 0, 100.0, 130.0), "UTC")
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
            await quiz.record_answer(poll, user, name, option, at, "UTC")
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
        await stores.aclose()


async def test_scores_of_schema_3_become_all_time_results_and_none_is_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    script = "\n".join(sql for version, sql in MIGRATIONS if version <= 3)
    old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = 3;\nCOMMIT;")
    rows = [
        (GROUP, 1, "Asha", 10, 7, 21.0),
        (GROUP, 2, "Ravi", 4, 0, 0.0),
        (-4003, 1, "Asha", 3, 3, 6.0),
    ]
    old.executemany(
        "INSERT INTO quiz_score (chat_id, user_id, name, answered, correct, correct_seconds) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    old.close()
    stores = Stores.open(path)
    try:
        board = await stores.quiz.leaderboard(GROUP)
        assert [(r.name, r.correct, r.answered, r.average_seconds) for r in board] == [
            ("Asha", 7, 10, 3.0),
            ("Ravi", 0, 4, 0.0),
        ]
        record = await stores.quiz.user_record(1)
        assert record == Record(answered=13, correct=10, average_seconds=2.7, chats=2)
        # Carried-over scores belong to no week: this week's board starts empty.
        assert await stores.quiz.leaderboard(GROUP, since=1.0) == []
    finally:
        await stores.aclose()


async def test_a_setting_changes_only_from_the_version_it_was_shown_at(
    database_target: Path | str,
) -> None:
    stores = Stores.open(database_target)
    defaults = QuizSettings(open_period=30, round_size=1, show_explanation=True)
    quiz = stores.quiz
    try:
        assert await quiz.settings(GROUP, defaults) == defaults
        first = await quiz.change_setting(GROUP, Setting.OPEN_PERIOD, 60, 0, defaults)
        assert first == QuizSettings(60, 1, True, None, 1)
        assert await quiz.change_setting(GROUP, Setting.ROUND_SIZE, 5, 0, defaults) is None
        second = await quiz.change_setting(GROUP, Setting.SHOW_EXPLANATION, 0, 1, defaults)
        assert second == QuizSettings(60, 1, False, None, 2)
        assert await quiz.settings(-4999, defaults) == defaults
    finally:
        await stores.aclose()
