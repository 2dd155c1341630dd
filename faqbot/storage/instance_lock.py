"""One `faqbot run` per SQLite database: an exclusive lock on a file beside it, holding the PID.

Two bots on one database would both send every daily fact. The kernel drops the lock when the
process ends, however it ends, so a lock file left behind by a crash never blocks a start.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from faqbot.storage.database import StorageError, describe_os_error


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
