"""The log of questions asked: what the pack's maintainer reads to see what students miss.

Who asked is kept only as a keyed hash (HMAC-SHA256 of the user id, and of the chat id), so
the log can find a user's rows for /forget and a card's row for its buttons, but never says
who anyone is. The key is FAQBOT_LOG_KEY, or one made once and kept in the `meta` table.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import quote

from faqbot.knowledge.answering import Outcome
from faqbot.knowledge.gaps import LoggedQuestion
from faqbot.knowledge.question_log import (
    DOWN,
    FEEDBACK_CHARS,
    QUESTION_CHARS,
    DayCount,
    LogFigures,
    Rating,
    gap_outcome,
)
from faqbot.storage.database import (
    MIGRATIONS,
    Storage,
    StorageError,
    describe_database_error,
    transaction,
)

# Statuses that are not gaps in the pack: answered outright, or small talk ("hi", "thanks").
NOT_GAPS = ("answer", "smalltalk")
# The row of `meta` holding the generated key, as hex, when FAQBOT_LOG_KEY is not set.
KEY_NAME = "question_log_key"
# The first schema whose log has hashes, languages, taps and ratings.
FEEDBACK_SCHEMA = 9
STAMP = "%Y-%m-%dT%H:%M:%SZ"
# Rows fetched per step when streaming the log to `faqbot gaps`.
FETCH_ROWS = 5000


def log_key(connection: sqlite3.Connection, configured: str | None) -> bytes:
    """The hashing key: FAQBOT_LOG_KEY if set (never stored), else the one kept in `meta`,
    made on first use, so hashes stay the same across restarts."""
    if configured:
        return configured.encode()
    select = "SELECT value FROM meta WHERE key = ?"
    found = connection.execute(select, (KEY_NAME,)).fetchone()
    if found is None:
        connection.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            (KEY_NAME, secrets.token_hex(32)),
        )
        found = connection.execute(select, (KEY_NAME,)).fetchone()
    return bytes.fromhex(found[0])


def keyed_hash(key: bytes, kind: str, value: int) -> str:
    """HMAC-SHA256 of a user or chat id; `kind` keeps a user's and their chat's apart."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: hashed before anything is written."""

    key: bytes
    chat_id: int
    user_id: int

    @property
    def user_hash(self) -> str:
        return keyed_hash(self.key, "user", self.user_id)

    @property
    def chat_hash(self) -> str:
        return keyed_hash(self.key, "chat", self.chat_id)


@dataclass(frozen=True)
class LoggedCard:
    """A logged question as its card's buttons need it."""

    id: int
    user_hash: str | None
    status: str
    entry_id: str | None
    tapped_id: str | None
    rating: int | None
    feedback: str | None
    answer_version: str | None
    language: str

    @property
    def shown_id(self) -> str | None:
        """The entry whose answer the asker read: the suggestion they pressed, or the answer."""
        if self.tapped_id is not None:
            return self.tapped_id
        return self.entry_id if self.status == "answer" else None


_CARD = (
    "SELECT id, user_hash, status, entry_id, tapped_id, rating, feedback, answer_version, "
    "language FROM question_log"
)


def record(
    connection: sqlite3.Connection,
    chat_type: str,
    outcome: Outcome,
    *,
    asker: Asker | None = None,
    language: str = "en",
    answer_version: str | None = None,
) -> int:
    """Keep one asked question; who asked only as keyed hashes. Returns the row's id."""
    cursor = connection.execute(
        "INSERT INTO question_log (chat_type, question, status, entry_id, score, user_hash, "
        "chat_hash, language, answer_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            chat_type,
            outcome.question[:QUESTION_CHARS],
            outcome.status,
            outcome.entry.id if outcome.entry else None,
            outcome.match.score if outcome.match else 0.0,
            asker.user_hash if asker else None,
            asker.chat_hash if asker else None,
            language,
            answer_version,
        ),
    )
    return int(cursor.lastrowid or 0)


def attach_message(connection: sqlite3.Connection, row_id: int, message_id: int) -> None:
    """Note which message of the bot carries the question's card (and its buttons)."""
    connection.execute("UPDATE question_log SET message_id = ? WHERE id = ?", (message_id, row_id))


def card(connection: sqlite3.Connection, row_id: int) -> LoggedCard | None:
    """The logged question a rating button names, if it is still kept."""
    found = connection.execute(f"{_CARD} WHERE id = ?", (row_id,)).fetchone()
    return LoggedCard(*found) if found else None


def record_tap(
    connection: sqlite3.Connection, asker: Asker, message_id: int, entry_id: str, version: str
) -> int | None:
    """Note the suggestion the asker pressed on their "Did you mean…?" card (the first one
    they pressed counts). Returns the row id while the pressed entry is the recorded one."""
    found = connection.execute(
        f"{_CARD} WHERE chat_hash = ? AND message_id = ? ORDER BY id DESC LIMIT 1",
        (asker.chat_hash, message_id),
    ).fetchone()
    if found is None:
        return None
    row = LoggedCard(*found)
    if row.user_hash != asker.user_hash or row.status not in ("suggest", "none"):
        return None
    if row.tapped_id is None:
        connection.execute(
            "UPDATE question_log SET tapped_id = ?, answer_version = ? WHERE id = ?",
            (entry_id, version, row.id),
        )
        return row.id
    return row.id if row.tapped_id == entry_id else None


def rate(connection: sqlite3.Connection, row_id: int, rating: Rating) -> None:
    """Keep a 👍 (1) or 👎 (-1); a later press replaces an earlier one."""
    connection.execute("UPDATE question_log SET rating = ? WHERE id = ?", (rating, row_id))


def keep_feedback(connection: sqlite3.Connection, row_id: int, text: str) -> bool:
    """Keep what a 👎 was looking for, cut to FEEDBACK_CHARS; False if the row is gone."""
    cursor = connection.execute(
        "UPDATE question_log SET feedback = ? WHERE id = ? AND rating = ?",
        (text[:FEEDBACK_CHARS], row_id, DOWN),
    )
    return cursor.rowcount > 0


@dataclass(frozen=True)
class Forgotten:
    """What /forget deleted, by kind; all zero when nothing was stored."""

    questions: int = 0
    language: int = 0
    daily: int = 0
    quiz: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.questions or self.language or self.daily or self.quiz)


def forget(connection: sqlite3.Connection, key: bytes, user_id: int) -> Forgotten:
    """Delete one user's data, in one transaction: their questions (found by hash), their
    /language, their private chat's daily subscriptions and delivery log, and their quiz
    results, review boxes and settings in their private chat (a private chat's id is the
    user's). Group scores stay: they are part of the group's standings."""

    def delete(sql: str, *values: object) -> int:
        return connection.execute(sql, values).rowcount

    with transaction(connection):
        asked = delete(
            "DELETE FROM question_log WHERE user_hash = ?", keyed_hash(key, "user", user_id)
        )
        # The row also notes the user's Telegram app language, seen on every message they send
        # (the guess for daily posts); only a /language choice counts as something kept.
        chosen = "SELECT COUNT(*) FROM language_setting WHERE id = ? AND chosen IS NOT NULL"
        language = connection.execute(chosen, (user_id,)).fetchone()[0]
        delete("DELETE FROM language_setting WHERE id = ?", user_id)
        # daily_sent and daily_pending go with their subscription (ON DELETE CASCADE).
        daily = delete("DELETE FROM daily_subscription WHERE chat_id = ?", user_id)
        delete("DELETE FROM daily_delivery WHERE chat_id = ?", user_id)
        quiz = delete("DELETE FROM quiz_result WHERE chat_id = ?", user_id)
        quiz += delete("DELETE FROM review_box WHERE user_id = ?", user_id)
        quiz += delete("DELETE FROM quiz_player WHERE chat_id = ?", user_id)
        quiz += delete("DELETE FROM quiz_settings WHERE chat_id = ?", user_id)
        quiz += delete("DELETE FROM quiz_week WHERE chat_id = ?", user_id)
    return Forgotten(asked, language, daily, quiz)


def popular(connection: sqlite3.Connection, limit: int) -> list[str]:
    """Entry ids answered most often in the last 30 days, most asked first."""
    rows = connection.execute(
        "SELECT entry_id FROM question_log WHERE status = 'answer' "
        "AND asked_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-30 days') "
        "GROUP BY entry_id ORDER BY COUNT(*) DESC, entry_id LIMIT ?",
        (limit,),
    ).fetchall()
    return [entry_id for (entry_id,) in rows]


def unanswered(connection: sqlite3.Connection, limit: int) -> list[tuple[str, int]]:
    """Questions that got no outright answer, most frequent first: gaps in the pack.

    Small talk is not a gap: "thanks" is not a question the pack failed to answer.
    """
    return connection.execute(
        "SELECT lower(question), COUNT(*) FROM question_log WHERE status NOT IN (?, ?) "
        "GROUP BY lower(question) ORDER BY COUNT(*) DESC LIMIT ?",
        (*NOT_GAPS, limit),
    ).fetchall()


def counts_today(connection: sqlite3.Connection) -> dict[str, int]:
    """Questions asked since midnight UTC, by status."""
    rows = connection.execute(
        "SELECT status, COUNT(*) FROM question_log "
        "WHERE asked_at >= strftime('%Y-%m-%dT00:00:00Z', 'now') GROUP BY status"
    ).fetchall()
    return dict(rows)


def figures(connection: sqlite3.Connection, days: int, now: datetime, top: int) -> LogFigures:
    """/stats: the last `days` UTC days of the log, today included."""
    first = (now.astimezone(UTC) - timedelta(days=days - 1)).date()
    since = f"{first.isoformat()}T00:00:00Z"
    rows = connection.execute(
        "SELECT substr(asked_at, 1, 10), SUM(status != 'smalltalk'), SUM(status = 'answer'), "
        "SUM(status = 'smalltalk') FROM question_log WHERE asked_at >= ? GROUP BY 1",
        (since,),
    ).fetchall()
    by_day = {day: (questions, answered) for day, questions, answered, _ in rows}
    calendar = [first + timedelta(days=n) for n in range(days)]
    unanswered = connection.execute(
        "SELECT lower(question), COUNT(*) FROM question_log WHERE asked_at >= ? "
        "AND status NOT IN (?, ?) GROUP BY lower(question) ORDER BY COUNT(*) DESC, 1 LIMIT ?",
        (since, *NOT_GAPS, top),
    ).fetchall()
    downvoted = connection.execute(
        "SELECT coalesce(tapped_id, entry_id), COUNT(*) FROM question_log WHERE asked_at >= ? "
        "AND rating = ? AND coalesce(tapped_id, entry_id) IS NOT NULL "
        "GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT ?",
        (since, DOWN, top),
    ).fetchall()
    return LogFigures(
        days=tuple(DayCount(day, *by_day.get(day.isoformat(), (0, 0))) for day in calendar),
        unanswered=tuple(unanswered),
        downvoted=tuple(downvoted),
        smalltalk=sum(row[3] for row in rows),
    )


def open_read_only(path: Path) -> sqlite3.Connection:
    """The database for reading the log outside the bot (`faqbot gaps`); never migrates or
    creates it. Raises StorageError saying what to do."""
    if not path.is_file():
        raise StorageError(
            f"no database at {path}: set FAQBOT_DATABASE or --database to the file the bot "
            "writes (the bot creates it on its first start)"
        )
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as error:
        raise StorageError(
            f"cannot read database {path} ({error}); it was left untouched"
        ) from None
    if version < FEEDBACK_SCHEMA:
        connection.close()
        raise StorageError(
            f"database {path} is at schema version {version}, older than this faqbot's "
            f"{MIGRATIONS[-1][0]}: start the bot (`faqbot run`) once to upgrade it"
        )
    return connection


def logged_questions(
    connection: sqlite3.Connection, since: datetime | None = None
) -> Iterator[LoggedQuestion]:
    """The log's possible gaps (not small talk, not answers kept without a 👎), oldest first,
    streamed FETCH_ROWS at a time so a large log never sits in memory whole."""
    sql = (
        "SELECT question, status, entry_id, score, language, feedback, asked_at, tapped_id, "
        "rating FROM question_log WHERE status != 'smalltalk' "
        "AND (status != 'answer' OR rating = ?)"
    )
    values: tuple[object, ...] = (DOWN,)
    if since is not None:
        sql += " AND asked_at >= ?"
        values += (since.astimezone(UTC).strftime(STAMP),)
    cursor = connection.execute(sql + " ORDER BY id", values)
    while rows := cursor.fetchmany(FETCH_ROWS):
        for question, status, entry_id, score, language, feedback, asked, tapped, rating in rows:
            yield LoggedQuestion(
                question=question,
                outcome=gap_outcome(status, tapped, rating),
                # A pressed suggestion says best which entry the question was after.
                entry_id=tapped or entry_id,
                score=score,
                language=language,
                feedback=feedback,
                asked_at=datetime.fromisoformat(asked),
                tapped_id=tapped,
            )


def prune(connection: sqlite3.Connection, days: int, now: datetime) -> int:
    """Forget questions asked more than `days` days ago; returns how many went."""
    cutoff = (now - timedelta(days=days)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return connection.execute("DELETE FROM question_log WHERE asked_at < ?", (cutoff,)).rowcount


class QuestionLog:
    """The question log for the event loop, run on the database thread."""

    def __init__(self, database: Storage, key: str | None = None) -> None:
        self._database = database
        try:
            # The first start writes the key: another program's write lock is possible here.
            self._key = database.run_sync(partial(log_key, configured=key))
        except sqlite3.Error as error:
            raise StorageError(describe_database_error(error, database.path)) from None

    @property
    def path(self) -> Path:
        """The database file, for operators' messages."""
        return self._database.path

    def asker(self, chat_id: int, user_id: int) -> Asker:
        """Who asked where, ready to be hashed with the log's key."""
        return Asker(self._key, chat_id, user_id)

    async def record(
        self,
        chat_type: str,
        outcome: Outcome,
        *,
        asker: Asker | None = None,
        language: str = "en",
        answer_version: str | None = None,
    ) -> int:
        return await self._database.run(
            partial(
                record,
                chat_type=chat_type,
                outcome=outcome,
                asker=asker,
                language=language,
                answer_version=answer_version,
            )
        )

    async def attach_message(self, row_id: int, message_id: int) -> None:
        await self._database.run(partial(attach_message, row_id=row_id, message_id=message_id))

    async def card(self, row_id: int) -> LoggedCard | None:
        return await self._database.run(partial(card, row_id=row_id))

    async def record_tap(
        self, asker: Asker, message_id: int, entry_id: str, version: str
    ) -> int | None:
        return await self._database.run(
            partial(
                record_tap, asker=asker, message_id=message_id, entry_id=entry_id, version=version
            )
        )

    async def rate(self, row_id: int, rating: Rating) -> None:
        await self._database.run(partial(rate, row_id=row_id, rating=rating))

    async def keep_feedback(self, row_id: int, text: str) -> bool:
        return await self._database.run(partial(keep_feedback, row_id=row_id, text=text))

    async def forget(self, user_id: int) -> Forgotten:
        return await self._database.run(partial(forget, key=self._key, user_id=user_id))

    def user_hash(self, user_id: int) -> str:
        return keyed_hash(self._key, "user", user_id)

    async def figures(self, days: int, now: datetime, top: int) -> LogFigures:
        return await self._database.run(partial(figures, days=days, now=now, top=top))

    async def popular(self, limit: int) -> list[str]:
        return await self._database.run(partial(popular, limit=limit))

    async def unanswered(self, limit: int) -> list[tuple[str, int]]:
        return await self._database.run(partial(unanswered, limit=limit))

    async def counts_today(self) -> dict[str, int]:
        return await self._database.run(counts_today)

    async def prune(self, days: int, now: datetime) -> int:
        return await self._database.run(partial(prune, days=days, now=now))

    async def gaps(self, language: str) -> list[LoggedQuestion]:
        """The possible gaps asked in one language, for `/gaps` (the CLI streams them)."""
        return await self._database.run(
            lambda connection: [
                logged for logged in logged_questions(connection) if logged.language == language
            ]
        )
