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
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    case,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

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
from faqbot.storage import migrate
from faqbot.storage.database import (
    DATABASE_ERRORS,
    Storage,
    StorageError,
    describe_database_error,
    sync_engine,
)
from faqbot.storage.schema import (
    daily_delivery,
    daily_subscription,
    language_setting,
    meta,
    quiz_player,
    quiz_result,
    quiz_settings,
    quiz_week,
    review_box,
)
from faqbot.storage.schema import question_log as log
from faqbot.storage.target import DatabaseTarget, TargetError, parse_target
from faqbot.storage.upserts import PerDialect

# Statuses that are not gaps in the pack: answered outright, or small talk ("hi", "thanks").
NOT_GAPS = ("answer", "smalltalk")
POPULAR_DAYS = 30
# The row of `meta` holding the generated key, as hex, when FAQBOT_LOG_KEY is not set.
KEY_NAME = "question_log_key"
# The first schema revision whose log has hashes, languages, taps and ratings.
FEEDBACK_REVISION = "0002"
STAMP = "%Y-%m-%dT%H:%M:%SZ"
# Rows fetched per step when streaming the log to `faqbot gaps`.
FETCH_ROWS = 5000
# Written for every question: built once.
_RECORD = insert(log)
_KEEP_KEY = PerDialect(lambda insert: insert(meta).on_conflict_do_nothing(index_elements=["key"]))


def _stamp(moment: datetime) -> str:
    """How question_log keeps a time: UTC, to the second, sortable as text."""
    return moment.astimezone(UTC).strftime(STAMP)


def log_key(connection: Connection, configured: str | None) -> bytes:
    """The hashing key: FAQBOT_LOG_KEY if set (never stored), else the one kept in `meta`,
    made on first use, so hashes stay the same across restarts."""
    if configured:
        return configured.encode()
    kept = select(meta.c.value).where(meta.c.key == KEY_NAME)
    found = connection.execute(kept).scalar()
    if found is None:
        # Replicas starting together: the first one's key wins, the others read it back.
        connection.execute(_KEEP_KEY(connection), {"key": KEY_NAME, "value": secrets.token_hex(32)})
        found = connection.execute(kept).scalar_one()
    return bytes.fromhex(found)


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


_CARD = select(
    log.c.id,
    log.c.user_hash,
    log.c.status,
    log.c.entry_id,
    log.c.tapped_id,
    log.c.rating,
    log.c.feedback,
    log.c.answer_version,
    log.c.language,
)


def record(
    connection: Connection,
    chat_type: str,
    outcome: Outcome,
    now: datetime | None = None,
    *,
    asker: Asker | None = None,
    language: str = "en",
    answer_version: str | None = None,
    message_id: int | None = None,
) -> int:
    """Keep one asked question; who asked only as keyed hashes, and `message_id`, the bot's
    message that carries the answer's card (and its buttons). Returns the row's id."""
    result = connection.execute(
        _RECORD,
        {
            "asked_at": _stamp(now or datetime.now(UTC)),
            "chat_type": chat_type,
            "question": outcome.question[:QUESTION_CHARS],
            "status": outcome.status,
            "entry_id": outcome.entry.id if outcome.entry else None,
            "score": outcome.match.score if outcome.match else 0.0,
            "user_hash": asker.user_hash if asker else None,
            "chat_hash": asker.chat_hash if asker else None,
            "language": language,
            "answer_version": answer_version,
            "message_id": message_id,
        },
    )
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


def card(connection: Connection, row_id: int) -> LoggedCard | None:
    """The logged question a rating button names, if it is still kept."""
    found = connection.execute(_CARD.where(log.c.id == row_id)).first()
    return LoggedCard(*found) if found else None


def card_on(connection: Connection, asker: Asker, message_id: int) -> LoggedCard | None:
    """The logged question whose answer is the bot's message `message_id` in the asker's
    chat, if it is still kept."""
    found = connection.execute(
        _CARD.where(log.c.chat_hash == asker.chat_hash, log.c.message_id == message_id)
        .order_by(log.c.id.desc())
        .limit(1)
    ).first()
    return LoggedCard(*found) if found else None


def record_tap(
    connection: Connection, asker: Asker, message_id: int, entry_id: str, version: str
) -> int | None:
    """Note the suggestion the asker pressed on their "Did you mean…?" card (the first one
    they pressed counts). Returns the row id while the pressed entry is the recorded one."""
    row = card_on(connection, asker, message_id)
    if row is None:
        return None
    if row.user_hash != asker.user_hash or row.status not in ("suggest", "none"):
        return None
    if row.tapped_id is None:
        connection.execute(
            update(log).where(log.c.id == row.id).values(tapped_id=entry_id, answer_version=version)
        )
        return row.id
    return row.id if row.tapped_id == entry_id else None


def rate(connection: Connection, row_id: int, rating: Rating) -> None:
    """Keep a 👍 (1) or 👎 (-1); a later press replaces an earlier one."""
    connection.execute(update(log).where(log.c.id == row_id).values(rating=rating))


def keep_feedback(connection: Connection, row_id: int, text: str) -> bool:
    """Keep what a 👎 was looking for, cut to FEEDBACK_CHARS; False if the row is gone."""
    result = connection.execute(
        update(log)
        .where(log.c.id == row_id, log.c.rating == DOWN)
        .values(feedback=text[:FEEDBACK_CHARS])
    )
    return result.rowcount > 0


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


def forget(connection: Connection, key: bytes, user_id: int) -> Forgotten:
    """Delete one user's data, in the caller's one transaction: their questions (found by
    hash), their /language, their private chat's daily subscriptions and delivery log, and
    their quiz results, review boxes and settings in their private chat (a private chat's id
    is the user's). Group scores stay: they are part of the group's standings."""

    def gone(statement: object) -> int:
        return int(connection.execute(statement).rowcount)  # type: ignore[call-overload]

    asked = gone(delete(log).where(log.c.user_hash == keyed_hash(key, "user", user_id)))
    # The row also notes the user's Telegram app language, seen on every message they send
    # (the guess for daily posts); only a /language choice counts as something kept.
    language = connection.execute(
        select(func.count())
        .select_from(language_setting)
        .where(language_setting.c.id == user_id, language_setting.c.chosen.is_not(None))
    ).scalar_one()
    gone(delete(language_setting).where(language_setting.c.id == user_id))
    # daily_sent and daily_pending go with their subscription (ON DELETE CASCADE).
    daily = gone(delete(daily_subscription).where(daily_subscription.c.chat_id == user_id))
    gone(delete(daily_delivery).where(daily_delivery.c.chat_id == user_id))
    quiz = gone(delete(quiz_result).where(quiz_result.c.chat_id == user_id))
    quiz += gone(delete(review_box).where(review_box.c.user_id == user_id))
    quiz += gone(delete(quiz_player).where(quiz_player.c.chat_id == user_id))
    quiz += gone(delete(quiz_settings).where(quiz_settings.c.chat_id == user_id))
    quiz += gone(delete(quiz_week).where(quiz_week.c.chat_id == user_id))
    return Forgotten(asked, int(language), daily, quiz)


def popular(connection: Connection, limit: int) -> list[str]:
    """Entry ids answered most often in the last 30 days, most asked first."""
    since = _stamp(datetime.now(UTC) - timedelta(days=POPULAR_DAYS))
    asked = func.count()
    rows = connection.execute(
        select(log.c.entry_id)
        .where(log.c.status == "answer", log.c.asked_at >= since)
        .group_by(log.c.entry_id)
        .order_by(asked.desc(), log.c.entry_id)
        .limit(limit)
    )
    return [entry_id for (entry_id,) in rows]


def unanswered(connection: Connection, limit: int) -> list[tuple[str, int]]:
    """Questions that got no outright answer, most frequent first: gaps in the pack.

    Small talk is not a gap: "thanks" is not a question the pack failed to answer.
    """
    question = func.lower(log.c.question)
    asked = func.count()
    rows = connection.execute(
        select(question, asked)
        .where(log.c.status.not_in(NOT_GAPS))
        .group_by(question)
        .order_by(asked.desc())
        .limit(limit)
    )
    return [(text, int(count)) for text, count in rows]


def counts_today(connection: Connection) -> dict[str, int]:
    """Questions asked since midnight UTC, by status."""
    midnight = datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")
    rows = connection.execute(
        select(log.c.status, func.count()).where(log.c.asked_at >= midnight).group_by(log.c.status)
    )
    return {status: int(count) for status, count in rows}


def _counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of a group meet `condition` (SUM of a boolean is SQLite's own)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figures(connection: Connection, days: int, now: datetime, top: int) -> LogFigures:
    """/stats: the last `days` UTC days of the log, today included."""
    first = (now.astimezone(UTC) - timedelta(days=days - 1)).date()
    since = f"{first.isoformat()}T00:00:00Z"
    day = func.substr(log.c.asked_at, 1, 10)
    rows = connection.execute(
        select(
            day,
            _counted(log.c.status != "smalltalk"),
            _counted(log.c.status == "answer"),
            _counted(log.c.status == "smalltalk"),
        )
        .where(log.c.asked_at >= since)
        .group_by(day)
    ).all()
    by_day = {day: (int(questions), int(answered)) for day, questions, answered, _ in rows}
    calendar = [first + timedelta(days=n) for n in range(days)]
    question = func.lower(log.c.question)
    unanswered = connection.execute(
        select(question, func.count())
        .where(log.c.asked_at >= since, log.c.status.not_in(NOT_GAPS))
        .group_by(question)
        .order_by(func.count().desc(), question)
        .limit(top)
    ).all()
    shown = func.coalesce(log.c.tapped_id, log.c.entry_id)
    downvoted = connection.execute(
        select(shown, func.count())
        .where(log.c.asked_at >= since, log.c.rating == DOWN, shown.is_not(None))
        .group_by(shown)
        .order_by(func.count().desc(), shown)
        .limit(top)
    ).all()
    return LogFigures(
        days=tuple(DayCount(day, *by_day.get(day.isoformat(), (0, 0))) for day in calendar),
        unanswered=tuple((text, int(count)) for text, count in unanswered),
        downvoted=tuple((entry, int(count)) for entry, count in downvoted),
        smalltalk=sum(int(row[3]) for row in rows),
    )


def prune(connection: Connection, days: int, now: datetime) -> int:
    """Forget questions asked more than `days` days ago; returns how many went."""
    cutoff = _stamp(now - timedelta(days=days))
    return connection.execute(delete(log).where(log.c.asked_at < cutoff)).rowcount


def _possible_gaps(since: datetime | None = None, language: str | None = None) -> Select[Any]:
    """The log's possible gaps (not small talk, not answers kept without a 👎), oldest first;
    only those asked in `language`, when one is given."""
    query = (
        select(
            log.c.question,
            log.c.status,
            log.c.entry_id,
            log.c.score,
            log.c.language,
            log.c.feedback,
            log.c.asked_at,
            log.c.tapped_id,
            log.c.rating,
        )
        .where(log.c.status != "smalltalk", (log.c.status != "answer") | (log.c.rating == DOWN))
        .order_by(log.c.id)
    )
    if since is not None:
        query = query.where(log.c.asked_at >= _stamp(since))
    if language is not None:
        query = query.where(log.c.language == language)
    return query


def logged_questions(
    connection: Connection, since: datetime | None = None, language: str | None = None
) -> Iterator[LoggedQuestion]:
    """The log's possible gaps, oldest first, streamed FETCH_ROWS at a time (a server-side
    cursor on PostgreSQL) so a large log never sits in memory whole."""
    query = _possible_gaps(since, language)
    result = connection.execution_options(yield_per=FETCH_ROWS).execute(query)
    try:
        for question, status, entry_id, score, language, feedback, asked, tapped, rating in result:
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
    finally:
        result.close()


@dataclass
class LogReader:
    """A database opened to read the log outside the bot (`faqbot gaps`): a read-only SQLite
    file, or a PostgreSQL connection in a read-only transaction. Close it when done."""

    engine: Engine
    connection: Connection
    target: DatabaseTarget

    def questions(self, since: datetime | None = None) -> Iterator[LoggedQuestion]:
        return logged_questions(self.connection, since)

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            self.engine.dispose()


def _read_only_engine(target: DatabaseTarget) -> Engine:
    path = target.path
    if path is None:
        return sync_engine(target)
    if not path.is_file():
        raise StorageError(
            f"no database at {path}: set FAQBOT_DATABASE or --database to the file the bot "
            "writes (the bot creates it on its first start)"
        )
    uri = f"file:{quote(str(path))}?mode=ro"
    return create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
    )


def open_read_only(where: Path | str | DatabaseTarget) -> LogReader:
    """The database for reading the log outside the bot (`faqbot gaps`); never upgrades or
    creates it. Raises StorageError saying what to do."""
    try:
        target = where if isinstance(where, DatabaseTarget) else parse_target(where)
    except TargetError as error:
        raise StorageError(str(error)) from None
    engine = _read_only_engine(target)
    try:
        connection = engine.connect()
        if target.path is None:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        found = migrate.state(connection)
    except DATABASE_ERRORS as error:
        engine.dispose()
        raise StorageError(describe_database_error(error, target)) from None
    if not _has_feedback_log(found):
        connection.close()
        engine.dispose()
        if found.legacy_version is not None:
            at = f"schema version {found.legacy_version} from before Alembic"
        else:
            at = f"schema revision {found.current}" if found.current else "empty"
        raise StorageError(
            f"database {target} is at {at}, older than this faqbot's {found.head}: start the "
            "bot (`faqbot run`) once, or run `faqbot db upgrade`, to upgrade it"
        )
    return LogReader(engine, connection, target)


def _has_feedback_log(found: migrate.SchemaState) -> bool:
    """Whether the database's revision is FEEDBACK_REVISION or later (a revision this faqbot
    does not know is a newer faqbot's, which keeps the log's columns)."""
    if found.current is None:
        return False
    return found.current not in migrate.revisions_before(FEEDBACK_REVISION)


class QuestionLog:
    """The question log for the event loop; each call is one transaction."""

    def __init__(self, database: Storage, key: str | None = None) -> None:
        self._database = database
        try:
            # The first start writes the key: another program's write lock is possible here.
            self._key = database.run_sync(partial(log_key, configured=key))
        except (SQLAlchemyError, sqlite3.Error) as error:
            raise StorageError(describe_database_error(error, database.path)) from None

    @property
    def path(self) -> Path | DatabaseTarget:
        """The database, for operators' messages."""
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
        message_id: int | None = None,
    ) -> int:
        return await self._database.run(
            partial(
                record,
                chat_type=chat_type,
                outcome=outcome,
                asker=asker,
                language=language,
                answer_version=answer_version,
                message_id=message_id,
            )
        )

    async def card(self, row_id: int) -> LoggedCard | None:
        return await self._database.read(partial(card, row_id=row_id))

    async def card_on(self, asker: Asker, message_id: int) -> LoggedCard | None:
        return await self._database.read(partial(card_on, asker=asker, message_id=message_id))

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
        """/forget: one transaction across the stores' tables (see forget)."""
        return await self._database.run(partial(forget, key=self._key, user_id=user_id))

    def user_hash(self, user_id: int) -> str:
        return keyed_hash(self._key, "user", user_id)

    async def figures(self, days: int, now: datetime, top: int) -> LogFigures:
        return await self._database.read(partial(figures, days=days, now=now, top=top))

    async def popular(self, limit: int) -> list[str]:
        return await self._database.read(partial(popular, limit=limit))

    async def unanswered(self, limit: int) -> list[tuple[str, int]]:
        return await self._database.read(partial(unanswered, limit=limit))

    async def counts_today(self) -> dict[str, int]:
        return await self._database.read(counts_today)

    async def prune(self, days: int, now: datetime) -> int:
        return await self._database.run(partial(prune, days=days, now=now))

    async def gaps(self, language: str) -> list[LoggedQuestion]:
        """The possible gaps asked in one language, for `/gaps` (the CLI streams them)."""
        return await self._database.read(
            lambda connection: list(logged_questions(connection, language=language))
        )
