"""Quiz state in SQLite: open polls, who answered them, dated results, players, settings, review.

The functions take the sqlite3 connection and run on the database thread; QuizStore is what
the event loop awaits (`await stores.quiz.leaderboard(chat_id)`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial

from faqbot.knowledge.periods import week_of
from faqbot.knowledge.review import ReviewState, next_review
from faqbot.storage.database import Storage, transaction

LEADERBOARD_SIZE = 10
# Results in a period start here for "all time": scores carried over from before dated
# results are dated 0.
EVER = -1.0
FOREVER = float("inf")


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
    """One user's line on a chat's leaderboard for a period."""

    rank: int
    user_id: int
    name: str
    correct: int
    answered: int
    average_seconds: float  # over correct answers; 0 when there are none
    left: bool = False  # left the chat (shown as such until the period ends)


@dataclass(frozen=True)
class Record:
    """One user's totals over every chat they played in."""

    answered: int
    correct: int
    average_seconds: float
    chats: int


class Setting(StrEnum):
    """A chat's quiz settings, by their column in quiz_settings."""

    OPEN_PERIOD = "open_period"
    ROUND_SIZE = "round_size"
    SHOW_EXPLANATION = "show_explanation"


@dataclass(frozen=True)
class QuizSettings:
    """How a chat's quiz runs: seconds per question, questions per round, explanations."""

    open_period: int
    round_size: int
    show_explanation: bool
    language: str | None = None
    version: int = 0  # changes so far; 0 until the chat changes anything


@dataclass(frozen=True)
class OwedWeek:
    """A closed-or-running week in which a group ran a quiz, whose standings are not posted."""

    chat_id: int
    week_start: date
    timezone: str


_POLL_COLUMNS = "poll_id, chat_id, message_id, item_key, correct_option, opened_at, closes_at"


def chat_timezone(connection: sqlite3.Connection, chat_id: int, default: str) -> str:
    """The timezone a chat chose with /timezone (kept with its daily settings), or the default."""
    row = connection.execute(
        "SELECT timezone FROM daily_subscription WHERE chat_id = ?", (chat_id,)
    ).fetchone()
    return str(row[0]) if row else default


def _note_week(connection: sqlite3.Connection, chat_id: int, at: float, zone_name: str) -> None:
    """Remember that a group quizzed in the week holding `at`, so its standings are posted."""
    if chat_id >= 0:
        return  # private chats get no weekly standings
    week = week_of(datetime.fromtimestamp(at, UTC), chat_timezone(connection, chat_id, zone_name))
    connection.execute(
        "INSERT OR IGNORE INTO quiz_week (chat_id, week_start) VALUES (?, ?)",
        (chat_id, week.isoformat()),
    )


def add_poll(connection: sqlite3.Connection, poll: OpenPoll, default_timezone: str) -> None:
    """Remember a poll just sent, so answers to it count, even after a restart."""
    with transaction(connection):
        connection.execute(
            f"INSERT INTO quiz_poll ({_POLL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
        _note_week(connection, poll.chat_id, poll.opened_at, default_timezone)


def open_polls(connection: sqlite3.Connection) -> list[OpenPoll]:
    """Every poll not closed yet, oldest first."""
    rows = connection.execute(
        f"SELECT {_POLL_COLUMNS} FROM quiz_poll ORDER BY opened_at"
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
    default_timezone: str,
) -> AnswerOutcome | None:
    """Count one answer: its result and review box, atomically; None if unknown, stale or seen.

    The result is dated when the answer reached the bot, so an answer given on Sunday night
    counts for that week even if its round goes on into Monday.
    """
    with transaction(connection):
        row = connection.execute(
            f"SELECT {_POLL_COLUMNS} FROM quiz_poll WHERE poll_id = ?", (poll_id,)
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
            "INSERT INTO quiz_result (chat_id, user_id, at, answered, correct, correct_seconds) "
            "VALUES (?, ?, ?, 1, ?, ?)",
            (poll.chat_id, user_id, answered_at, int(correct), seconds if correct else 0.0),
        )
        # An answer from someone who left still counts, and does not make them a member again.
        connection.execute(
            "INSERT INTO quiz_player (chat_id, user_id, name) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id, user_id) DO UPDATE SET name = excluded.name",
            (poll.chat_id, user_id, name),
        )
        _note_week(connection, poll.chat_id, answered_at, default_timezone)
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
# to a tenth of a second. A player who left before the period began is not on its board.
_RANKED = """
    SELECT RANK() OVER (ORDER BY correct DESC, tenths ASC) AS rank,
           user_id, name, correct, answered, average, has_left
    FROM (
        SELECT r.user_id AS user_id, COALESCE(p.name, CAST(r.user_id AS TEXT)) AS name,
               SUM(r.correct) AS correct, SUM(r.answered) AS answered,
               CASE WHEN SUM(r.correct) > 0
                    THEN SUM(r.correct_seconds) / SUM(r.correct) ELSE 0 END AS average,
               CASE WHEN SUM(r.correct) > 0
                    THEN CAST(ROUND(SUM(r.correct_seconds) * 10.0 / SUM(r.correct)) AS INTEGER)
                    ELSE 0 END AS tenths,
               p.left_at IS NOT NULL AS has_left
        FROM quiz_result AS r
        LEFT JOIN quiz_player AS p ON p.chat_id = r.chat_id AND p.user_id = r.user_id
        WHERE r.chat_id = :chat AND r.at >= :since AND r.at < :until
              AND (p.left_at IS NULL OR p.left_at >= :since)
        GROUP BY r.user_id
    )
"""


def _standing(row: tuple[int, int, str, int, int, float, int]) -> Standing:
    rank, user_id, name, correct, answered, average, has_left = row
    return Standing(rank, user_id, name, correct, answered, average, bool(has_left))


def leaderboard(
    connection: sqlite3.Connection,
    chat_id: int,
    limit: int = LEADERBOARD_SIZE,
    since: float = EVER,
    until: float = FOREVER,
) -> list[Standing]:
    """The chat's best players over [since, until); tied players share a rank."""
    rows = connection.execute(
        f"{_RANKED} ORDER BY rank, name COLLATE NOCASE, user_id LIMIT :limit",
        {"chat": chat_id, "since": since, "until": until, "limit": limit},
    ).fetchall()
    return [_standing(row) for row in rows]


def standing(
    connection: sqlite3.Connection,
    chat_id: int,
    user_id: int,
    since: float = EVER,
    until: float = FOREVER,
) -> Standing | None:
    """One user's place on the chat's board for the period, or None if not on it."""
    row = connection.execute(
        f"SELECT * FROM ({_RANKED}) WHERE user_id = :user",
        {"chat": chat_id, "since": since, "until": until, "user": user_id},
    ).fetchone()
    return _standing(row) if row else None


def players(
    connection: sqlite3.Connection, chat_id: int, since: float = EVER, until: float = FOREVER
) -> int:
    """How many users are on the chat's board for the period."""
    (count,) = connection.execute(
        f"SELECT COUNT(*) FROM ({_RANKED})", {"chat": chat_id, "since": since, "until": until}
    ).fetchone()
    return int(count)


def user_record(connection: sqlite3.Connection, user_id: int) -> Record | None:
    """A user's totals across all chats, or None if they never answered."""
    answered, correct, seconds, chats = connection.execute(
        "SELECT SUM(answered), SUM(correct), SUM(correct_seconds), COUNT(DISTINCT chat_id) "
        "FROM quiz_result WHERE user_id = ?",
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


def mark_left(connection: sqlite3.Connection, chat_id: int, user_id: int, at: float) -> bool:
    """A player left the chat; True if they had played there."""
    return (
        connection.execute(
            "UPDATE quiz_player SET left_at = ? WHERE chat_id = ? AND user_id = ? "
            "AND left_at IS NULL",
            (at, chat_id, user_id),
        ).rowcount
        > 0
    )


def mark_back(connection: sqlite3.Connection, chat_id: int, user_id: int) -> bool:
    """A player who had left joined the chat again; True if they were marked as left."""
    return (
        connection.execute(
            "UPDATE quiz_player SET left_at = NULL WHERE chat_id = ? AND user_id = ? "
            "AND left_at IS NOT NULL",
            (chat_id, user_id),
        ).rowcount
        > 0
    )


def move_chat(connection: sqlite3.Connection, old_chat_id: int, new_chat_id: int) -> int:
    """Carry a group's results, players, settings, owed weeks and open polls over to the
    supergroup it became; returns the players moved. Moving twice moves nothing the second time.
    """
    with transaction(connection):
        moved = connection.execute(
            "INSERT INTO quiz_player (chat_id, user_id, name, left_at) "
            "SELECT ?, user_id, name, left_at FROM quiz_player WHERE chat_id = ? "
            "ON CONFLICT (chat_id, user_id) DO NOTHING",
            (new_chat_id, old_chat_id),
        ).rowcount
        connection.execute("DELETE FROM quiz_player WHERE chat_id = ?", (old_chat_id,))
        for table in ("quiz_result", "quiz_poll"):
            connection.execute(
                f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
        # The supergroup's own settings, if it already has some, are newer and win.
        connection.execute(
            "INSERT OR IGNORE INTO quiz_settings "
            "(chat_id, open_period, round_size, show_explanation, language, version) "
            "SELECT ?, open_period, round_size, show_explanation, language, version "
            "FROM quiz_settings WHERE chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        connection.execute("DELETE FROM quiz_settings WHERE chat_id = ?", (old_chat_id,))
        connection.execute(
            "INSERT OR IGNORE INTO quiz_week (chat_id, week_start, posted) "
            "SELECT ?, week_start, posted FROM quiz_week WHERE chat_id = ?",
            (new_chat_id, old_chat_id),
        )
        connection.execute("DELETE FROM quiz_week WHERE chat_id = ?", (old_chat_id,))
    return moved


def get_settings(
    connection: sqlite3.Connection, chat_id: int, defaults: QuizSettings
) -> QuizSettings:
    """A chat's quiz settings: what it chose, and the bot's defaults for the rest."""
    row = connection.execute(
        "SELECT open_period, round_size, show_explanation, language, version "
        "FROM quiz_settings WHERE chat_id = ?",
        (chat_id,),
    ).fetchone()
    if row is None:
        return defaults
    open_period, round_size, show_explanation, language, version = row
    return QuizSettings(
        open_period=defaults.open_period if open_period is None else open_period,
        round_size=defaults.round_size if round_size is None else round_size,
        show_explanation=(
            defaults.show_explanation if show_explanation is None else bool(show_explanation)
        ),
        language=language if language is not None else defaults.language,
        version=version,
    )


def change_setting(
    connection: sqlite3.Connection,
    chat_id: int,
    setting: Setting,
    value: int,
    seen_version: int | None,
    defaults: QuizSettings,
) -> QuizSettings | None:
    """Change one setting; None if seen_version is given and the settings changed since."""
    with transaction(connection):
        current = get_settings(connection, chat_id, defaults)
        if seen_version is not None and seen_version != current.version:
            return None
        connection.execute(
            f"INSERT INTO quiz_settings (chat_id, {setting.value}, version) VALUES (?, ?, 1) "
            f"ON CONFLICT (chat_id) DO UPDATE SET {setting.value} = excluded.{setting.value}, "
            "version = version + 1",
            (chat_id, value),
        )
        return get_settings(connection, chat_id, defaults)


def owed_weeks(connection: sqlite3.Connection, default_timezone: str) -> list[OwedWeek]:
    """Weeks in which a group quizzed and whose standings are not posted yet, oldest first."""
    rows = connection.execute(
        "SELECT w.chat_id, w.week_start, COALESCE(d.timezone, ?) FROM quiz_week AS w "
        "LEFT JOIN daily_subscription AS d ON d.chat_id = w.chat_id "
        "WHERE w.posted = 0 ORDER BY w.week_start, w.chat_id",
        (default_timezone,),
    ).fetchall()
    return [OwedWeek(chat_id, date.fromisoformat(day), zone) for chat_id, day, zone in rows]


def mark_week(connection: sqlite3.Connection, chat_id: int, week_start: date, posted: bool) -> bool:
    """Claim a week's standings for posting (posted=True), or give the claim back; True if the
    row changed, so two claims never both succeed."""
    return (
        connection.execute(
            "UPDATE quiz_week SET posted = ? WHERE chat_id = ? AND week_start = ? AND posted = ?",
            (int(posted), chat_id, week_start.isoformat(), int(not posted)),
        ).rowcount
        > 0
    )


class QuizStore:
    """Quiz polls, results, settings and review boxes for the event loop, on the database thread."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def add_poll(self, poll: OpenPoll, default_timezone: str) -> None:
        await self._database.run(partial(add_poll, poll=poll, default_timezone=default_timezone))

    async def open_polls(self) -> list[OpenPoll]:
        return await self._database.run(open_polls)

    async def close_poll(self, poll_id: str) -> None:
        await self._database.run(partial(close_poll, poll_id=poll_id))

    async def record_answer(
        self,
        poll_id: str,
        user_id: int,
        name: str,
        option: int,
        answered_at: float,
        default_timezone: str,
    ) -> AnswerOutcome | None:
        return await self._database.run(
            partial(
                record_answer,
                poll_id=poll_id,
                user_id=user_id,
                name=name,
                option=option,
                answered_at=answered_at,
                default_timezone=default_timezone,
            )
        )

    async def leaderboard(
        self,
        chat_id: int,
        limit: int = LEADERBOARD_SIZE,
        since: float = EVER,
        until: float = FOREVER,
    ) -> list[Standing]:
        return await self._database.run(
            partial(leaderboard, chat_id=chat_id, limit=limit, since=since, until=until)
        )

    async def standing(
        self, chat_id: int, user_id: int, since: float = EVER, until: float = FOREVER
    ) -> Standing | None:
        return await self._database.run(
            partial(standing, chat_id=chat_id, user_id=user_id, since=since, until=until)
        )

    async def players(self, chat_id: int, since: float = EVER, until: float = FOREVER) -> int:
        return await self._database.run(partial(players, chat_id=chat_id, since=since, until=until))

    async def user_record(self, user_id: int) -> Record | None:
        return await self._database.run(partial(user_record, user_id=user_id))

    async def review_schedule(self, user_id: int) -> dict[str, ReviewState]:
        return await self._database.run(partial(review_schedule, user_id=user_id))

    async def mark_left(self, chat_id: int, user_id: int, at: float) -> bool:
        return await self._database.run(partial(mark_left, chat_id=chat_id, user_id=user_id, at=at))

    async def mark_back(self, chat_id: int, user_id: int) -> bool:
        return await self._database.run(partial(mark_back, chat_id=chat_id, user_id=user_id))

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        return await self._database.run(
            partial(move_chat, old_chat_id=old_chat_id, new_chat_id=new_chat_id)
        )

    async def chat_timezone(self, chat_id: int, default: str) -> str:
        return await self._database.run(partial(chat_timezone, chat_id=chat_id, default=default))

    async def settings(self, chat_id: int, defaults: QuizSettings) -> QuizSettings:
        return await self._database.run(partial(get_settings, chat_id=chat_id, defaults=defaults))

    async def change_setting(
        self,
        chat_id: int,
        setting: Setting,
        value: int,
        seen_version: int | None,
        defaults: QuizSettings,
    ) -> QuizSettings | None:
        return await self._database.run(
            partial(
                change_setting,
                chat_id=chat_id,
                setting=setting,
                value=value,
                seen_version=seen_version,
                defaults=defaults,
            )
        )

    async def owed_weeks(self, default_timezone: str) -> list[OwedWeek]:
        return await self._database.run(partial(owed_weeks, default_timezone=default_timezone))

    async def mark_week(self, chat_id: int, week_start: date, posted: bool) -> bool:
        return await self._database.run(
            partial(mark_week, chat_id=chat_id, week_start=week_start, posted=posted)
        )
