"""SQLite state (subscriptions, quiz scores, question log) behind a versioned, migrated schema.

All database work runs on one dedicated thread, so the event loop never blocks on disk and
sqlite3's connection is only ever used from the thread that made it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Each migration moves the schema from version N-1 to N. Never edit a released one: add another.
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE question_log (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            chat_type TEXT NOT NULL,
            question TEXT NOT NULL,
            status TEXT NOT NULL,
            entry_id TEXT,
            score REAL NOT NULL
        );
        CREATE INDEX question_log_status ON question_log (status, asked_at);
        """,
    ),
    (
        2,
        # Daily facts (faqbot.storage.daily).
        """
        CREATE TABLE daily_subscription (
            chat_id INTEGER PRIMARY KEY,
            timezone TEXT NOT NULL,
            -- local time of day, HH:MM:SS; NULL: the chat chose a timezone but gets no fact
            send_at TEXT,
            -- UTC moment send_at was set: a fact missed during downtime is owed only after it
            scheduled_since TEXT,
            -- 0 once Telegram refused delivery (bot blocked, kicked, account deactivated)
            active INTEGER NOT NULL DEFAULT 1,
            stopped_reason TEXT,
            cycle INTEGER NOT NULL DEFAULT 1,
            last_entry_id TEXT,
            -- the chat's local date of its last fact, YYYY-MM-DD: one fact per local day
            last_sent_on TEXT
        );
        CREATE TABLE daily_sent (
            chat_id INTEGER NOT NULL
                REFERENCES daily_subscription (chat_id) ON UPDATE CASCADE ON DELETE CASCADE,
            cycle INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            PRIMARY KEY (chat_id, cycle, entry_id)
        ) WITHOUT ROWID;
        CREATE TABLE daily_delivery (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            chat_id INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX daily_delivery_outcome ON daily_delivery (outcome, at);
        """,
    ),
    (
        3,
        # Quiz polls, answers, scores and review boxes (faqbot.storage.quiz).
        """
        -- open polls only: a row is deleted when its poll closes, with its answers
        CREATE TABLE quiz_poll (
            poll_id TEXT PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            correct_option INTEGER NOT NULL,
            opened_at REAL NOT NULL,
            closes_at REAL NOT NULL
        ) WITHOUT ROWID;
        -- who answered an open poll: a PollAnswer delivered twice counts once
        CREATE TABLE quiz_answer (
            poll_id TEXT NOT NULL REFERENCES quiz_poll (poll_id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            PRIMARY KEY (poll_id, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE quiz_score (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            answered INTEGER NOT NULL DEFAULT 0,
            correct INTEGER NOT NULL DEFAULT 0,
            -- summed answer time of the correct answers, in seconds
            correct_seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (chat_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX quiz_score_user ON quiz_score (user_id);
        -- one Leitner box per user and quiz item; item_key is QuizItem.key
        CREATE TABLE review_box (
            user_id INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            box INTEGER NOT NULL,
            due_at REAL NOT NULL,
            PRIMARY KEY (user_id, item_key)
        ) WITHOUT ROWID;
        """,
    ),
    (
        4,
        # A daily fact being delivered (faqbot.storage.daily): written before its first send,
        # removed in the same transaction that records its outcome.
        """
        CREATE TABLE daily_pending (
            chat_id INTEGER PRIMARY KEY
                REFERENCES daily_subscription (chat_id) ON UPDATE CASCADE ON DELETE CASCADE,
            -- the chat's local date the fact is for, YYYY-MM-DD
            local_day TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            cycle INTEGER NOT NULL,
            -- messages the fact takes, and how many of them Telegram has accepted
            parts INTEGER NOT NULL,
            parts_sent INTEGER NOT NULL DEFAULT 0,
            -- of parts_sent, those whose send went unanswered and counted as delivered
            parts_unsure INTEGER NOT NULL DEFAULT 0,
            -- 1 from just before a send until its outcome is written: after a crash, that
            -- part may or may not have reached the chat
            sending INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL
        );
        """,
    ),
    (
        5,
        # Updates the webhook took (faqbot.storage.webhook_updates): one Telegram delivers again
        # is handled once. Rows go once Telegram would no longer redeliver them.
        """
        CREATE TABLE webhook_update (
            update_id INTEGER PRIMARY KEY,
            -- Unix times: first arrival, and when handling last started
            received_at REAL NOT NULL,
            claimed_at REAL NOT NULL,
            -- NULL while being handled (or if the process handling it died)
            handled_at REAL
        );
        CREATE INDEX webhook_update_received ON webhook_update (received_at);
        """,
    ),
]


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run a block of statements atomically: all of them commit, or none do."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        # A failed COMMIT (disk full) leaves the transaction open, and every later BEGIN would
        # fail with it; SQLITE_FULL inside the block may already have rolled it back.
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


class StorageError(RuntimeError):
    """The database cannot be used; the message says which file and what to do."""


class Storage:
    """One SQLite database file, opened and migrated once at start-up."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faqbot-db")
        self._connection: sqlite3.Connection | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StorageError(f"database {self.path} is not open")
        return self._connection

    def open(self) -> None:
        """Connect, check the file is a healthy database, and migrate; never overwrite it."""
        self._executor.submit(self._open).result()

    def _open(self) -> None:
        where = str(self.path)
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(where, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StorageError(
                f"cannot open database {where}: {error}; check FAQBOT_DATABASE and its folder's "
                "permissions"
            ) from None
        try:
            connection.execute("PRAGMA busy_timeout = 5000")
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            connection.execute("PRAGMA foreign_keys = ON")
            self._migrate(connection)
            # Only once the file is known to be ours: switching to WAL rewrites its header.
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            connection.close()
            raise StorageError(
                f"database {where} is unreadable or corrupt ({error}); the file was left "
                "untouched: restore it from a backup, or set FAQBOT_DATABASE to a new path"
            ) from None
        self._connection = connection

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        current = connection.execute("PRAGMA user_version").fetchone()[0]
        latest = MIGRATIONS[-1][0]
        if current > latest:
            raise sqlite3.DatabaseError(
                f"schema version {current} is newer than this faqbot knows ({latest}); "
                "upgrade faqbot"
            )
        for version, script in MIGRATIONS:
            if version <= current:
                continue
            # The whole step, version bump included, commits or rolls back as one.
            try:
                connection.executescript(
                    f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
            except sqlite3.Error:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return self.run_sync(lambda db: int(db.execute("PRAGMA user_version").fetchone()[0]))

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` on the database thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work, self.connection)

    def run_sync(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` on the database thread from synchronous code."""
        return self._executor.submit(work, self.connection).result()

    def close(self) -> None:
        """Close the connection and stop the database thread."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            self._executor.submit(connection.close).result()
        self._executor.shutdown(wait=True)
