"""Quiz state in SQLite: open polls, who answered them, scores per chat, and review boxes.

The functions take the sqlite3 connection and run on the database thread; QuizStore is what
the event loop awaits (`await stores.quiz.leaderboard(chat_id)`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial

from faqbot.knowledge.review import ReviewState, next_review
from faqbot.storage.database import Storage, transaction

LEADERBOARD_SIZE = 10


@dataclass(frozen=True)
class OpenPoll:
    """A quiz poll the bot sent and has not closed yet."""

    poll_id: str
    chat_id: int
    message_id: int
    item_key: str
    correct_option: int
    opened_at: float
    closes_at: float


@dataclass(frozen=True)
class AnswerOutcome:
    """What one counted answer was: right or wrong, and how long it took."""

    poll: OpenPoll
    correct: bool
    seconds: float


@dataclass(frozen=True)
class Standing:
    """One user's line on a chat's leaderboard."""

    rank: int
    user_id: int
    name: str
    correct: int
    answered: int
    average_seconds: float  # over correct answers; 0 when there are none


@dataclass(frozen=True)
class Record:
    """One user's totals over every chat they played in."""

    answered: int
    correct: int
    average_seconds: float
    chats: int


def add_poll(connection: sqlite3.Connection, poll: OpenPoll) -> None:
    """Remember a poll just sent, so answers to it count, even after a restart."""
    connection.execute(
        "INSERT INTO quiz_poll (poll_id, chat_id, message_id, item_key, correct_option, "
        "opened_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            poll.poll_id,
            poll.chat_id,
            poll.message_id,
            poll.item_key,
            poll.correct_option,
            poll.opened_at,
            poll.closes_at,
        ),
    )


def open_polls(connection: sqlite3.Connection) -> list[OpenPoll]:
    """Every poll not closed yet, oldest first."""
    rows = connection.execute(
        "SELECT poll_id, chat_id, message_id, item_key, correct_option, opened_at, closes_at "
        "FROM quiz_poll ORDER BY opened_at"
    ).fetchall()
    return [OpenPoll(*row) for row in rows]


def close_poll(connection: sqlite3.Connection, poll_id: str) -> None:
    """Forget a closed poll and its answers; later answers to it are ignored as stale."""
    connection.execute("DELETE FROM quiz_poll WHERE poll_id = ?", (poll_id,))


def record_answer(
    connection: sqlite3.Connection,
    poll_id: str,
    user_id: int,
    name: str,
    option: int,
    answered_at: float,
) -> AnswerOutcome | None:
    """Count one answer: its score and review box, atomically; None if unknown, stale or seen."""
    with transaction(connection):
        row = connection.execute(
            "SELECT poll_id, chat_id, message_id, item_key, correct_option, opened_at, closes_at "
            "FROM quiz_poll WHERE poll_id = ?",
            (poll_id,),
        ).fetchone()
        if row is None:
            return None
        poll = OpenPoll(*row)
        first = connection.execute(
            "INSERT OR IGNORE INTO quiz_answer (poll_id, user_id) VALUES (?, ?)",
            (poll_id, user_id),
        ).rowcount
        if not first:
            return None
        correct = option == poll.correct_option
        # Answers read from a backlog after a restart arrive late; the poll was open no longer.
        seconds = min(max(answered_at - poll.opened_at, 0.0), poll.closes_at - poll.opened_at)
        connection.execute(
            "INSERT INTO quiz_score (chat_id, user_id, name, answered, correct, correct_seconds) "
            "VALUES (?, ?, ?, 1, ?, ?) "
            "ON CONFLICT (chat_id, user_id) DO UPDATE SET name = excluded.name, "
            "answered = answered + 1, correct = correct + excluded.correct, "
            "correct_seconds = correct_seconds + excluded.correct_seconds",
            (poll.chat_id, user_id, name, int(correct), seconds if correct else 0.0),
        )
        current = connection.execute(
            "SELECT box, due_at FROM review_box WHERE user_id = ? AND item_key = ?",
            (user_id, poll.item_key),
        ).fetchone()
        state = next_review(ReviewState(*current) if current else None, correct, answered_at)
        connection.execute(
            "INSERT INTO review_box (user_id, item_key, box, due_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, item_key) DO UPDATE SET box = excluded.box, "
            "due_at = excluded.due_at",
            (user_id, poll.item_key, state.box, state.due_at),
        )
    return AnswerOutcome(poll, correct, seconds)


# Ties are what the board shows as equal: the same number right at the same average time,
# to a tenth of a second.
_RANKED = """
    SELECT RANK() OVER (ORDER BY correct DESC, tenths ASC) AS rank,
           user_id, name, correct, answered, average
    FROM (
        SELECT user_id, name, correct, answered,
               CASE WHEN correct > 0 THEN correct_seconds / correct ELSE 0 END AS average,
               CASE WHEN correct > 0
                    THEN CAST(ROUND(correct_seconds * 10.0 / correct) AS INTEGER)
                    ELSE 0 END AS tenths
        FROM quiz_score WHERE chat_id = ?
    )
"""


def leaderboard(
    connection: sqlite3.Connection, chat_id: int, limit: int = LEADERBOARD_SIZE
) -> list[Standing]:
    """The chat's best players; tied players share a rank."""
    rows = connection.execute(
        f"{_RANKED} ORDER BY rank, name COLLATE NOCASE, user_id LIMIT ?", (chat_id, limit)
    ).fetchall()
    return [Standing(*row) for row in rows]


def standing(connection: sqlite3.Connection, chat_id: int, user_id: int) -> Standing | None:
    """One user's place on the chat's leaderboard, or None if they never answered there."""
    row = connection.execute(
        f"SELECT * FROM ({_RANKED}) WHERE user_id = ?", (chat_id, user_id)
    ).fetchone()
    return Standing(*row) if row else None


def players(connection: sqlite3.Connection, chat_id: int) -> int:
    """How many users have answered in the chat."""
    (count,) = connection.execute(
        "SELECT COUNT(*) FROM quiz_score WHERE chat_id = ?", (chat_id,)
    ).fetchone()
    return int(count)


def user_record(connection: sqlite3.Connection, user_id: int) -> Record | None:
    """A user's totals across all chats, or None if they never answered."""
    answered, correct, seconds, chats = connection.execute(
        "SELECT SUM(answered), SUM(correct), SUM(correct_seconds), COUNT(*) "
        "FROM quiz_score WHERE user_id = ?",
        (user_id,),
    ).fetchone()
    if not chats:
        return None
    return Record(answered, correct, seconds / correct if correct else 0.0, chats)


def review_schedule(connection: sqlite3.Connection, user_id: int) -> dict[str, ReviewState]:
    """Every item the user has answered, with its Leitner box and when it is due."""
    rows = connection.execute(
        "SELECT item_key, box, due_at FROM review_box WHERE user_id = ?", (user_id,)
    ).fetchall()
    return {key: ReviewState(box, due_at) for key, box, due_at in rows}


def move_chat(connection: sqlite3.Connection, old_chat_id: int, new_chat_id: int) -> int:
    """Carry a group's scores over to the supergroup it became; returns the players moved."""
    with transaction(connection):
        moved = connection.execute(
            "INSERT INTO quiz_score (chat_id, user_id, name, answered, correct, correct_seconds) "
            "SELECT ?, user_id, name, answered, correct, correct_seconds FROM quiz_score "
            "WHERE chat_id = ? "
            "ON CONFLICT (chat_id, user_id) DO UPDATE SET "
            "answered = answered + excluded.answered, correct = correct + excluded.correct, "
            "correct_seconds = correct_seconds + excluded.correct_seconds",
            (new_chat_id, old_chat_id),
        ).rowcount
        connection.execute("DELETE FROM quiz_score WHERE chat_id = ?", (old_chat_id,))
    return moved


class QuizStore:
    """Quiz polls, scores and review boxes for the event loop, run on the database thread."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def add_poll(self, poll: OpenPoll) -> None:
        await self._database.run(partial(add_poll, poll=poll))

    async def open_polls(self) -> list[OpenPoll]:
        return await self._database.run(open_polls)

    async def close_poll(self, poll_id: str) -> None:
        await self._database.run(partial(close_poll, poll_id=poll_id))

    async def record_answer(
        self, poll_id: str, user_id: int, name: str, option: int, answered_at: float
    ) -> AnswerOutcome | None:
        return await self._database.run(
            partial(
                record_answer,
                poll_id=poll_id,
                user_id=user_id,
                name=name,
                option=option,
                answered_at=answered_at,
            )
        )

    async def leaderboard(self, chat_id: int, limit: int = LEADERBOARD_SIZE) -> list[Standing]:
        return await self._database.run(partial(leaderboard, chat_id=chat_id, limit=limit))

    async def standing(self, chat_id: int, user_id: int) -> Standing | None:
        return await self._database.run(partial(standing, chat_id=chat_id, user_id=user_id))

    async def players(self, chat_id: int) -> int:
        return await self._database.run(partial(players, chat_id=chat_id))

    async def user_record(self, user_id: int) -> Record | None:
        return await self._database.run(partial(user_record, user_id=user_id))

    async def review_schedule(self, user_id: int) -> dict[str, ReviewState]:
        return await self._database.run(partial(review_schedule, user_id=user_id))

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        return await self._database.run(
            partial(move_chat, old_chat_id=old_chat_id, new_chat_id=new_chat_id)
        )
