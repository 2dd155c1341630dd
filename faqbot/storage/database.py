"""The database behind every store: a SQLite file or a PostgreSQL server, opened, checked and
brought to this faqbot's schema (Alembic, faqbot/storage/migrate.py) once at start-up.

Stores are written once, as functions of a SQLAlchemy Connection, and run in one transaction
per call on either engine:
- SQLite: on one dedicated thread holding one connection, as before SQLAlchemy, so the event
  loop never blocks on disk and one round trip to the thread carries a whole store call (WAL,
  a busy timeout and foreign keys on; a write begins IMMEDIATE, a read deferred).
- PostgreSQL: SQLAlchemy's asyncio engine over psycopg 3, a pool shared by the event loop.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from faqbot.storage import migrate
from faqbot.storage.migrate import NewerSchemaError, SchemaState
from faqbot.storage.target import DatabaseTarget, TargetError, parse_target

if TYPE_CHECKING:
    # Only PostgreSQL runs on the asyncio engine; its module brings in SQLAlchemy's ORM, a
    # tenth of what `faqbot run` imports, which a bot on SQLite never uses.
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The database cannot be used; the message says which file, why, and what to do."""


# What a store call may raise when the database fails: handlers catch these, log one line,
# and go on (sqlite3's own errors come from the legacy steps and raw pragmas).
DATABASE_ERRORS: tuple[type[Exception], ...] = (StorageError, SQLAlchemyError, sqlite3.Error)
# Connections PostgreSQL mode keeps open: the bot runs 8 updates and 16 deliveries at once.
POOL_SIZE = 10
POOL_OVERFLOW = 10
# Connection.info key: the current SQLite transaction only reads (see _on_sqlite_begin).
READ_ONLY = "faqbot_read_only"
# How long a connection to PostgreSQL may take before start-up gives up, in seconds.
CONNECT_TIMEOUT_SECONDS = 10
# While PostgreSQL is out of reach (restarting, failing over, a connection ended), a store
# call is tried again after each of these waits (about 10 s in all), then given up with
# StorageError. A transaction that failed was rolled back, so trying it again is safe.
RETRY_WAITS_SECONDS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.0)


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


def _driver_error(error: BaseException) -> BaseException:
    """The driver's own error inside SQLAlchemy's wrapper, whose text carries the statement."""
    return error.orig if isinstance(error, DBAPIError) and error.orig is not None else error


def describe_database_error(error: BaseException, where: Path | DatabaseTarget) -> str:
    """One line for the operator: the real cause, and what to do that keeps the data."""
    if isinstance(error, StorageError):
        return str(error)
    if isinstance(error, NewerSchemaError):
        return f"database {where} was written by a newer faqbot ({error}): upgrade faqbot; {KEPT}"
    if isinstance(where, DatabaseTarget):
        if where.path is None:
            return _describe_postgresql_error(error, where)
        where = where.path
    path = where
    error = _driver_error(error)
    text = str(error).lower()
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
            what = f"database {path} cannot be written" if exists else f"cannot create {path}"
            return f"{what}: {why}" + (f"; {KEPT}" if exists else "")
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


def _describe_postgresql_error(error: BaseException, target: DatabaseTarget) -> str:
    reason = (str(_driver_error(error)).strip().splitlines() or ["no reason given"])[0]
    if (isinstance(error, DBAPIError) and error.connection_invalidated) or "connect" in reason:
        return (
            f"cannot reach PostgreSQL at {target} ({reason}); check that the server runs and "
            "that the URL (FAQBOT_DATABASE, or the one given) names it, its user and its database"
        )
    return f"PostgreSQL at {target} refused the work ({reason}); {KEPT}"


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    """faqbot's settings on every SQLite connection; transactions begin in _on_sqlite_begin."""
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _on_sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE: take the write lock up front, so a transaction that reads and then writes
    # never fails halfway because another connection wrote in between. A read-only call
    # (Storage.read) begins deferred: a snapshot, without the write lock. Straight to the
    # driver: a statement through SQLAlchemy costs more than the BEGIN itself.
    begin = "BEGIN" if connection.info.get(READ_ONLY) else "BEGIN IMMEDIATE"
    connection.connection.dbapi_connection.execute(begin)  # type: ignore[union-attr]


def sync_engine(target: DatabaseTarget) -> Engine:
    """SQLAlchemy's blocking engine for the target: the stdlib sqlite3, or psycopg.

    StorageError, one line, when PostgreSQL is named and its driver is not installed."""
    if target.path is not None:
        engine = create_engine(target.sync_url())
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    try:
        return create_engine(
            target.sync_url(),
            pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
    except ModuleNotFoundError:
        raise StorageError(
            f"{target} needs the PostgreSQL driver: pip install 'faqbot[postgresql]'"
        ) from None


class Storage:
    """One database, opened and migrated once at start-up; `run` is every store's way in."""

    def __init__(self, where: Path | str | DatabaseTarget) -> None:
        try:
            self.target = where if isinstance(where, DatabaseTarget) else parse_target(where)
        except TargetError as error:
            raise StorageError(str(error)) from None
        self._executor: ThreadPoolExecutor | None = None
        self._engine: Engine | None = None
        self._connection: Connection | None = None  # SQLite's one connection, on its thread
        self._async_engine: AsyncEngine | None = None
        self._outage_since: float | None = None  # monotonic start of an outage being retried

    @property
    def path(self) -> Path | DatabaseTarget:
        """The SQLite file, or the PostgreSQL target: what operators' messages name."""
        return self.target.path if self.target.path is not None else self.target

    @property
    def is_sqlite(self) -> bool:
        return self.target.path is not None

    def open(self) -> None:
        """Connect, check the database is healthy, and upgrade it; never overwrite it."""
        if self.is_sqlite:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faqbot-db")
            self._executor.submit(self._open_sqlite).result()
        else:
            self._open_postgresql()

    def _open_sqlite(self) -> None:
        path = self.target.path
        assert path is not None
        try:
            if path.parent and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot create database {path}: {describe_os_error(error, path)}"
            ) from None
        engine = sync_engine(self.target)
        try:
            connection = engine.connect()
        except (SQLAlchemyError, sqlite3.Error) as error:
            engine.dispose()
            raise StorageError(describe_database_error(error, path)) from None
        try:
            raw = connection.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            check = raw.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {check}")
            migrate.upgrade(connection)
            # Only once the file is known to be ours: switching to WAL rewrites its header.
            raw.execute("PRAGMA journal_mode = WAL")
            raw.execute("PRAGMA synchronous = NORMAL")
        except (SQLAlchemyError, sqlite3.Error, NewerSchemaError) as error:
            connection.close()
            engine.dispose()
            raise StorageError(describe_database_error(error, path)) from None
        self._engine, self._connection = engine, connection

    def _open_postgresql(self) -> None:
        engine = sync_engine(self.target)
        try:
            with engine.connect() as connection:
                migrate.upgrade(connection)
        except (SQLAlchemyError, NewerSchemaError) as error:
            engine.dispose()
            raise StorageError(describe_database_error(error, self.target)) from None
        self._engine = engine

    def schema(self) -> SchemaState:
        """Where the database stands against this faqbot's migrations."""
        return self.run_sync(migrate.state)

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` in one transaction and await its result."""
        if self._executor is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._in_transaction, work)
        return await self._retrying(work, write=True)

    async def read(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)`, which only reads, in one transaction: on SQLite without
        the write lock (the hot reads, such as the language of every question, wait for no
        writer), on PostgreSQL without a COMMIT."""
        if self._executor is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._reading, work)
        return await self._retrying(work, write=False)

    async def _retrying(self, work: Callable[[Connection], T], *, write: bool) -> T:
        """PostgreSQL: run `work` in one transaction, tried again while the server is out of
        reach; one warning when an outage begins, one line when it ends."""
        waits = iter(RETRY_WAITS_SECONDS)
        while True:
            engine = self._async_engine or self._start_async_engine()
            try:
                if write:
                    async with engine.begin() as connection:
                        result = await connection.run_sync(work)
                else:
                    async with engine.connect() as connection:
                        result = await connection.run_sync(work)
            except (OperationalError, InterfaceError) as error:
                wait = next(waits, None)
                self._note_outage(error)
                if wait is None:
                    raise StorageError(
                        f"{describe_database_error(error, self.target)}; still failing after "
                        f"{sum(RETRY_WAITS_SECONDS):.0f} s of retries, so this "
                        f"{'write' if write else 'read'} was given up"
                    ) from None
                await asyncio.sleep(wait)
                continue
            if self._outage_since is not None:
                log.warning(
                    "PostgreSQL at %s answers again after %.1f s",
                    self.target,
                    time.monotonic() - self._outage_since,
                )
                self._outage_since = None
            return result

    def _note_outage(self, error: BaseException) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.warning(
                "%s; retrying for up to %.0f s per call",
                describe_database_error(error, self.target),
                sum(RETRY_WAITS_SECONDS),
            )

    def _start_async_engine(self) -> AsyncEngine:
        if self._engine is None:
            raise StorageError(f"database {self.target} is not open")
        from sqlalchemy.ext.asyncio import create_async_engine

        self._async_engine = create_async_engine(
            self.target.async_url(),
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        )
        return self._async_engine

    def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        connection = self._connection
        if connection is None:
            raise StorageError(f"database {self.target} is not open")
        with connection.begin():
            return work(connection)

    def _reading(self, work: Callable[[Connection], T]) -> T:
        connection = self._connection
        if connection is None:
            raise StorageError(f"database {self.target} is not open")
        connection.info[READ_ONLY] = True
        try:
            with connection.begin():
                return work(connection)
        finally:
            connection.info[READ_ONLY] = False

    def run_sync(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` in one transaction from synchronous code."""
        if self._executor is not None:
            return self._executor.submit(self._in_transaction, work).result()
        if self._engine is None:
            raise StorageError(f"database {self.target} is not open")
        with self._engine.begin() as connection:
            return work(connection)

    def close(self) -> None:
        """Close the connections (and stop SQLite's thread); closing twice is harmless."""
        if self._executor is not None:
            executor, self._executor = self._executor, None
            if self._connection is not None:
                connection, self._connection = self._connection, None
                executor.submit(connection.close).result()
            if self._engine is not None:
                engine, self._engine = self._engine, None
                executor.submit(engine.dispose).result()
            executor.shutdown(wait=True)
        if self._async_engine is not None:
            # Outside the event loop: drop the pool's connections without awaiting them.
            self._async_engine.sync_engine.dispose(close=False)
            self._async_engine = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    async def aclose(self) -> None:
        """Close from the event loop: PostgreSQL's pooled connections are closed properly."""
        if self._async_engine is not None:
            engine, self._async_engine = self._async_engine, None
            await engine.dispose()
        self.close()
