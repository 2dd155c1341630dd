"""INSERT … ON CONFLICT for whichever engine the connection is on: SQLite's and PostgreSQL's
statements are spelled alike (`on_conflict_do_update`, `on_conflict_do_nothing`, `excluded`),
but each dialect has its own construct."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import Executable

Insert = sqlite.Insert | postgresql.Insert


def insert(connection: Connection, table: Table) -> Insert:
    """An INSERT into `table` that can say what to do on a conflicting key, on this engine."""
    return _insert_for(connection.dialect.name)(table)


def _insert_for(dialect: str) -> Callable[[Table], Insert]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


class PerDialect:
    """A statement built once per engine, for the hot paths: building an upsert (its
    `excluded` alias above all) costs more than running it on SQLite. The statement takes
    its values as parameters: `connection.execute(UPSERT(connection), {...})`."""

    def __init__(self, build: Callable[[Callable[[Table], Insert]], Executable]) -> None:
        self._build = build
        self._built: dict[str, Executable] = {}

    def __call__(self, connection: Connection) -> Executable:
        dialect = connection.dialect.name
        statement = self._built.get(dialect)
        if statement is None:
            statement = self._built[dialect] = self._build(_insert_for(dialect))
        return statement


def inserted(connection: Connection, statement: sqlite.Insert | postgresql.Insert) -> int:
    """Run an INSERT … ON CONFLICT DO NOTHING and count the rows it wrote. The count comes
    from RETURNING: psycopg's asyncio cursor reports no rowcount for an INSERT."""
    return len(connection.execute(statement.returning(literal_column("1"))).all())
