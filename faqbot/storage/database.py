"""SQLite state (subscriptions, quiz scores, question log) behind a versioned, migrated schema.

All database work runs on one dedicated thread, so the event loop never blocks on disk and
sqlite3's connection is only ever used from the thread that made it.
"""

from __future__ import annotations

import asyncio
import errno
import os
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
        # Scores become dated results, so a week's or a month's standings are a query; each
        # all-time counter of version 3 becomes one result dated 0 (before any week), so no
        # score is lost. Group quiz settings, and the weeks whose standings are owed.
        """
        CREATE TABLE quiz_result (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            -- Unix time the answer reached the bot; 0 for scores carried over from version 3
            at REAL NOT NULL,
            answered INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            -- summed answer time of the correct answers, in seconds
            correct_seconds REAL NOT NULL
        );
        CREATE INDEX quiz_result_chat ON quiz_result (chat_id, at);
        CREATE INDEX quiz_result_user ON quiz_result (user_id);
        -- who has played in a chat: the name last seen, and when they left the chat, if they did
        CREATE TABLE quiz_player (
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            left_at REAL,
            PRIMARY KEY (chat_id, user_id)
        ) WITHOUT ROWID;
        INSERT INTO quiz_result (chat_id, user_id, at, answered, correct, correct_seconds)
            SELECT chat_id, user_id, 0, answered, correct, correct_seconds FROM quiz_score;
        INSERT INTO quiz_player (chat_id, user_id, name)
            SELECT chat_id, user_id, name FROM quiz_score;
        DROP TABLE quiz_score;
        -- a chat's quiz settings; NULL: the bot's default. version counts changes, so a
        -- settings button pressed on an older message is refused instead of undoing a change
        CREATE TABLE quiz_settings (
            chat_id INTEGER PRIMARY KEY,
            open_period INTEGER,
            round_size INTEGER,
            show_explanation INTEGER,
            language TEXT,
            version INTEGER NOT NULL DEFAULT 0
        );
        -- the weeks (local Monday, YYYY-MM-DD) in which a group ran a quiz; posted once its
        -- standings went out after the week closed
        CREATE TABLE quiz_week (
            chat_id INTEGER NOT NULL,
            week_start TEXT NOT NULL,
            posted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (chat_id, week_start)
        ) WITHOUT ROWID;
        CREATE INDEX quiz_week_unposted ON quiz_week (week_start) WHERE posted = 0;
        """,
    ),
    (
        6,
        # The language the bot speaks to each user and in each group (faqbot.storage.languages).
        """
        CREATE TABLE language_setting (
            -- a user's id (also their private chat's) or a group's chat id (negative)
            id INTEGER PRIMARY KEY,
            -- what /language chose: a language code, or 'auto'; NULL: never chosen
            chosen TEXT CHECK (chosen = 'auto' OR length(chosen) = 2),
            -- a user's Telegram app language as last seen, reduced to one the pack has: the
            -- guess for what the bot posts unasked (daily facts) while chosen is auto or NULL
            telegram TEXT CHECK (length(telegram) = 2)
        ) WITHOUT ROWID;
        """,
    ),
    (
        7,
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
    (
        8,
        # Daily quizzes beside daily facts (faqbot.storage.daily): a chat's schedules, what a
        # chat has been sent this cycle and what is being delivered are keyed on (chat, kind).
        # Every row so far is a fact's. The old tables are renamed first, so their foreign keys
        # follow them and dropping them cascades into nothing new.
        """
        ALTER TABLE daily_pending RENAME TO daily_pending_old;
        ALTER TABLE daily_sent RENAME TO daily_sent_old;
        ALTER TABLE daily_subscription RENAME TO daily_subscription_old;
        CREATE TABLE daily_subscription (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL DEFAULT 'fact' CHECK (kind IN ('fact', 'quiz')),
            -- the chat's timezone; /timezone sets it on every kind of the chat at once
            timezone TEXT NOT NULL,
            -- local time of day, HH:MM:SS; NULL: the chat chose a timezone but gets none
            send_at TEXT,
            -- UTC moment send_at was set: a delivery missed during downtime is owed only after
            scheduled_since TEXT,
            -- 0 once Telegram refused delivery (bot blocked, kicked, account deactivated)
            active INTEGER NOT NULL DEFAULT 1,
            stopped_reason TEXT,
            cycle INTEGER NOT NULL DEFAULT 1,
            last_entry_id TEXT,
            -- the chat's local date of its last delivery, YYYY-MM-DD: one per local day
            last_sent_on TEXT,
            PRIMARY KEY (chat_id, kind)
        );
        CREATE TABLE daily_sent (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            cycle INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            PRIMARY KEY (chat_id, kind, cycle, entry_id),
            FOREIGN KEY (chat_id, kind) REFERENCES daily_subscription (chat_id, kind)
                ON UPDATE CASCADE ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE TABLE daily_pending (
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            -- the chat's local date the delivery is for, YYYY-MM-DD
            local_day TEXT NOT NULL,
            -- the fact's entry; a quiz's rounds are chosen by the quiz, so it is empty
            entry_id TEXT NOT NULL,
            cycle INTEGER NOT NULL,
            -- messages the delivery takes, and how many of them Telegram has accepted
            parts INTEGER NOT NULL,
            parts_sent INTEGER NOT NULL DEFAULT 0,
            -- of parts_sent, those whose send went unanswered and counted as delivered
            parts_unsure INTEGER NOT NULL DEFAULT 0,
            -- 1 from just before a send until its outcome is written: after a crash, that
            -- part may or may not have reached the chat
            sending INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, kind),
            FOREIGN KEY (chat_id, kind) REFERENCES daily_subscription (chat_id, kind)
                ON UPDATE CASCADE ON DELETE CASCADE
        );
        INSERT INTO daily_subscription (chat_id, kind, timezone, send_at, scheduled_since,
                active, stopped_reason, cycle, last_entry_id, last_sent_on)
            SELECT chat_id, 'fact', timezone, send_at, scheduled_since, active, stopped_reason,
                cycle, last_entry_id, last_sent_on
            FROM daily_subscription_old;
        INSERT INTO daily_sent (chat_id, kind, cycle, entry_id)
            SELECT chat_id, 'fact', cycle, entry_id FROM daily_sent_old;
        INSERT INTO daily_pending (chat_id, kind, local_day, entry_id, cycle, parts, parts_sent,
                parts_unsure, sending, started_at)
            SELECT chat_id, 'fact', local_day, entry_id, cycle, parts, parts_sent, parts_unsure,
                sending, started_at
            FROM daily_pending_old;
        DROP TABLE daily_pending_old;
        DROP TABLE daily_sent_old;
        DROP TABLE daily_subscription_old;
        ALTER TABLE daily_delivery ADD COLUMN kind TEXT NOT NULL DEFAULT 'fact';
        DROP INDEX daily_delivery_outcome;
        CREATE INDEX daily_delivery_outcome ON daily_delivery (kind, outcome, at);
        """,
    ),
    (
        9,
        # The question log's feedback and privacy (faqbot.storage.questions): who asked, as a
        # keyed hash only (HMAC-SHA256 with FAQBOT_LOG_KEY, or the key kept in `meta`); the
        # chat, hashed the same way, and the bot's reply, so a card's buttons find their row;
        # the language of the reply; the suggestion tapped; 👍/👎 and what a 👎 was looking for.
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        ALTER TABLE question_log ADD COLUMN user_hash TEXT;
        ALTER TABLE question_log ADD COLUMN chat_hash TEXT;
        -- the bot's message carrying the card's buttons
        ALTER TABLE question_log ADD COLUMN message_id INTEGER;
        ALTER TABLE question_log ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
        -- the entry whose button the asker pressed under "Did you mean…?" (the first one)
        ALTER TABLE question_log ADD COLUMN tapped_id TEXT;
        -- 1: 👍, -1: 👎, NULL: not rated
        ALTER TABLE question_log ADD COLUMN rating INTEGER CHECK (rating IN (-1, 1));
        -- what a 👎 said the asker was looking for
        ALTER TABLE question_log ADD COLUMN feedback TEXT;
        -- the answer shown, as a short digest: a rating of an answer since changed is refused
        ALTER TABLE question_log ADD COLUMN answer_version TEXT;
        CREATE INDEX question_log_user ON question_log (user_hash);
        CREATE INDEX question_log_card ON question_log (chat_hash, message_id);
        CREATE INDEX question_log_asked ON question_log (asked_at);
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
    """The database cannot be used; the message says which file, why, and what to do."""


class NewerSchemaError(sqlite3.DatabaseError):
    """The database was written by a newer faqbot than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema version {found}, this faqbot knows up to {known}")


# How long a statement waits for another connection's write lock before it gives up.
BUSY_TIMEOUT_SECONDS = 5
# The advice every message about existing data ends with: never a new path, which would start
# an empty database and silently drop every subscription and score.
KEPT = "the file was left untouched"


def describe_os_error(error: OSError, path: Path) -> str:
    """Why the operating system refused to let faqbot use `path`, for a one-line message."""
    if error.errno == errno.EROFS:
        return f"{path.parent} is on a read-only filesystem; mount it read-write"
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"permission denied (faqbot runs as user id {os.getuid()}); let that user write "
            f"{path} and its folder"
        )
    if error.errno == errno.ENOSPC:
        return f"the disk holding {path.parent} is full; free some space"
    return f"{error.strerror or error}"


def _why_read_only(path: Path) -> str | None:
    """Which of the file, its folder or its filesystem cannot be written, if one cannot."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"{folder} is on a read-only filesystem; mount it read-write"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file is read-only for user id {os.getuid()}; let that user write it"
    if not os.access(folder, os.W_OK):
        return (
            f"its folder {folder} is read-only for user id {os.getuid()} (SQLite writes its "
            "journal beside the file); let that user write the folder"
        )
    return None


def describe_database_error(error: sqlite3.Error, path: Path) -> str:
    """One line for the operator: the real cause, and what to do that keeps the data."""
    text = str(error).lower()
    if isinstance(error, NewerSchemaError):
        return f"database {path} was written by a newer faqbot ({error}): upgrade faqbot; {KEPT}"
    if "locked" in text or "busy" in text:
        return (
            f"database {path} is locked by another connection (a write lock held for over "
            f"{BUSY_TIMEOUT_SECONDS} s by another program or faqbot command); {KEPT}: let it "
            "finish, or stop it, then start faqbot again"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        if path.is_dir():
            return f"FAQBOT_DATABASE={path} is a folder; point it at a file inside it"
        if why := _why_read_only(path):
            exists = path.exists()
            where = f"database {path} cannot be written" if exists else f"cannot create {path}"
            return f"{where}: {why}" + (f"; {KEPT}" if exists else "")
        return (
            f"cannot open database {path} for writing ({error}); check the file's and its "
            f"folder's permissions; {KEPT}"
        )
    if "disk is full" in text or "disk full" in text:
        return (
            f"database {path} cannot be written: the disk holding it is full; free some "
            f"space, then start faqbot again; {KEPT}"
        )
    if isinstance(error, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "integrity check" in text
    ):
        return (
            f"database {path} is corrupt ({error}); {KEPT}: restore it from a backup, and "
            "keep this copy for recovery"
        )
    return f"database {path} cannot be used ({error}); {KEPT}"


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
        except OSError as error:
            raise StorageError(
                f"cannot create database {where}: {describe_os_error(error, self.path)}"
            ) from None
        except sqlite3.Error as error:
            raise StorageError(describe_database_error(error, self.path)) from None
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {check}")
            connection.execute("PRAGMA foreign_keys = ON")
            self._migrate(connection)
            # Only once the file is known to be ours: switching to WAL rewrites its header.
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            connection.close()
            raise StorageError(describe_database_error(error, self.path)) from None
        self._connection = connection

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        current = connection.execute("PRAGMA user_version").fetchone()[0]
        latest = MIGRATIONS[-1][0]
        if current > latest:
            raise NewerSchemaError(current, latest)
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
