"""`faqbot db copy`: every table of one faqbot database into another (SQLite → PostgreSQL, to
move an installation), in batches, in one transaction on the target.

The source is read in one read transaction (a consistent snapshot, which in WAL mode never
blocks a bot still writing to it); the target is brought to this faqbot's schema first and
must be empty unless `replace` is given. Row counts are checked before the commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from faqbot.storage import migrate
from faqbot.storage.database import (
    StorageError,
    describe_database_error,
    sync_engine,
)
from faqbot.storage.schema import metadata
from faqbot.storage.target import DatabaseTarget

BATCH_ROWS = 5_000


@dataclass(frozen=True)
class CopyReport:
    """Rows copied, per table, in the order they were copied."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _read_only_sqlite(target: DatabaseTarget) -> Engine:
    """The source file, read-only, in deferred (snapshot) transactions."""
    path = target.path
    assert path is not None
    if not path.is_file():
        raise StorageError(f"cannot copy from {path}: no such file")
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, timeout=5, check_same_thread=False
        ),
    )

    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    return engine


def _source_engine(source: DatabaseTarget) -> Engine:
    return _read_only_sqlite(source) if source.path is not None else sync_engine(source)


def _rows_in(connection: Connection) -> dict[str, int]:
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in metadata.sorted_tables
    }


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL's id sequences start after the copied ids, so new rows never collide."""
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )


def copy_database(
    source: DatabaseTarget,
    destination: DatabaseTarget,
    *,
    replace: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every table from `source` to `destination`; StorageError (one line) if it cannot."""
    if source.shown == destination.shown:
        raise StorageError(f"cannot copy {source} onto itself")
    reading = _source_engine(source)
    try:
        writing = sync_engine(destination)
    except StorageError:
        reading.dispose()
        raise
    where = source
    try:
        with reading.connect() as origin:
            found = migrate.state(origin)
            if not found.up_to_date:
                raise StorageError(
                    f"{source} is at schema {found.current or found.legacy_version or 'none'}, "
                    f"not {found.head}: run `FAQBOT_DATABASE={source} faqbot db upgrade` first "
                    "(with the bot stopped)"
                )
            origin.rollback()
            where = destination
            with writing.connect() as target:
                migrate.upgrade(target)
            with origin.begin(), writing.begin() as target:
                where = destination
                present = {name: n for name, n in _rows_in(target).items() if n}
                if present and not replace:
                    tables = ", ".join(f"{name} ({n})" for name, n in present.items())
                    raise StorageError(
                        f"{destination} already holds rows in {tables}; copy into an empty "
                        "database, or pass --replace to delete them first"
                    )
                for table in reversed(metadata.sorted_tables):
                    target.execute(delete(table))
                copied: dict[str, int] = {}
                for table in metadata.sorted_tables:
                    where = source
                    result = origin.execute(select(table)).mappings()
                    count = 0
                    while batch := result.fetchmany(BATCH_ROWS):
                        where = destination
                        target.execute(table.insert(), [dict(row) for row in batch])
                        count += len(batch)
                        where = source
                        if progress:
                            progress(table.name, count)
                    copied[table.name] = count
                where = destination
                _reset_sequences(target)
                landed = _rows_in(target)
                if landed != copied:
                    raise StorageError(
                        f"copy to {destination} did not land every row ({landed} != {copied}); "
                        "nothing was committed"
                    )
    except SQLAlchemyError as error:
        raise StorageError(describe_database_error(error, where)) from None
    except migrate.NewerSchemaError as error:
        raise StorageError(describe_database_error(error, where)) from None
    finally:
        reading.dispose()
        writing.dispose()
    return CopyReport(copied)
