"""Who may run what on one database: on SQLite, one `faqbot run` (an exclusive lock on a file
beside it, holding the PID); on PostgreSQL, any number of replicas, of which the one holding a
session advisory lock leads (runs the jobs that must run once; bot/leadership.py).

The kernel (or the server) drops either lock when its holder ends, however it ends, so a lock
left behind by a crash never blocks a start, and a leader that dies is replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from faqbot.storage.database import (
    StorageError,
    describe_database_error,
    describe_os_error,
    sync_engine,
)
from faqbot.storage.target import DatabaseTarget

# pg_try_advisory_lock(class, id) of the leading replica: the class says "faqbot run", the id
# is the schema's, so bots on separate schemas of one database lead each their own.
RUN_LOCK_CLASS = 0x66617162  # "faqb"


@contextlib.contextmanager
def instance_lock(target: DatabaseTarget) -> Iterator[None]:
    """On SQLite, hold the database's run lock for the block, or raise StorageError naming its
    holder; on PostgreSQL, where replicas share the database, nothing to hold."""
    if target.path is None:
        yield
        return
    with InstanceLock(target.path):
        yield


class LeaderLock:
    """PostgreSQL's session advisory lock of the leading replica, on a connection of its own.

    Blocking (psycopg's own connection, outside the pool): callers run it on a thread. Every
    method reports a failure to reach the server as SQLAlchemyError, after dropping the
    connection, so the next call starts afresh."""

    def __init__(self, target: DatabaseTarget) -> None:
        self.target = target
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self.held = False

    def try_acquire(self) -> bool:
        """Take the lock if no other session holds it; True if this one holds it now."""
        if self.held:
            return True
        try:
            if self._engine is None:
                self._engine = sync_engine(self.target)
            if self._connection is None:
                self._connection = self._engine.connect()
            got = self._connection.execute(
                select(
                    func.pg_try_advisory_lock(RUN_LOCK_CLASS, func.hashtext(func.current_schema()))
                )
            ).scalar_one()
            self._connection.commit()
        except SQLAlchemyError:
            self._drop()
            raise
        self.held = bool(got)
        return self.held

    def still_held(self) -> bool:
        """Whether the lock is still this session's: False once its connection is gone (the
        server restarted, or ended the session), when another replica may have taken it."""
        if not self.held or self._connection is None:
            return False
        try:
            self._connection.execute(select(1)).scalar_one()
            self._connection.commit()
        except SQLAlchemyError:
            self._drop()
            return False
        return True

    def release(self) -> None:
        """Give the lock up (closing the session releases it); harmless when not held."""
        self._drop()

    def describe(self, error: BaseException) -> str:
        """One line for the operator on a failure to reach the server (no password)."""
        return describe_database_error(error, self.target)

    def _drop(self) -> None:
        self.held = False
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with contextlib.suppress(SQLAlchemyError):
                connection.invalidate()
                connection.close()
        if self._engine is not None:
            engine, self._engine = self._engine, None
            engine.dispose()


class InstanceLock:
    """`with InstanceLock(database):` holds the lock, or raises StorageError naming its holder."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(f"{database.name}.lock")
        self._fd: int | None = None

    def __enter__(self) -> InstanceLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StorageError(
                f"cannot create the lock file {self.path} beside the database: "
                f"{describe_os_error(error, self.path)}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StorageError(
                f"database {self.database} is in use by another faqbot run (process {holder}, "
                f"per {self.path}); two bots on one database send every daily fact twice: stop "
                f"process {holder} first, then start this one"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            # The file stays: removing it could let a third process lock a new file while a
            # second still holds the old one.
            os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None
