"""Which database FAQBOT_DATABASE names: a path keeps meaning a SQLite file; a
`postgresql://` URL selects PostgreSQL. The password never leaves this module in any text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

Engine = Literal["sqlite", "postgresql"]
# Schemes an operator may write for PostgreSQL; all of them go through psycopg 3.
POSTGRESQL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
EXAMPLE_URL = "postgresql://USER:PASSWORD@HOST:5432/DATABASE"


class TargetError(ValueError):
    """FAQBOT_DATABASE cannot be used; one line, without the password."""


@dataclass(frozen=True)
class DatabaseTarget:
    """A SQLite file (`path`) or a PostgreSQL server (`url`), and how to name it in a log."""

    engine: Engine
    path: Path | None = None
    url: URL | None = field(default=None, repr=False)

    @property
    def shown(self) -> str:
        """The file, or the URL with its password masked: safe for logs and messages."""
        if self.url is not None:
            return self.url.set(drivername="postgresql").render_as_string(hide_password=True)
        return str(self.path)

    def __str__(self) -> str:
        return self.shown

    def sync_url(self) -> URL:
        """For SQLAlchemy's blocking engine: the stdlib sqlite3, or psycopg."""
        if self.url is not None:
            return self.url
        return URL.create("sqlite+pysqlite", database=str(self.path))

    def async_url(self) -> URL:
        """For SQLAlchemy's asyncio engine (PostgreSQL only): psycopg's async connection."""
        if self.url is None:
            raise TargetError(f"{self.shown} is a SQLite file, served on its own thread")
        return self.url


def _masked(value: str) -> str:
    """`value` with whatever stands between `//user:` and `@` replaced, for a message."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        return value
    credentials, at, host = rest.rpartition("@")
    if not at:
        return value
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else value


def parse_target(value: str | Path) -> DatabaseTarget:
    """Read FAQBOT_DATABASE; raises TargetError, one line with the password masked."""
    if isinstance(value, Path):
        return DatabaseTarget("sqlite", path=value)
    text = value.strip()
    if "://" not in text:
        if not text:
            raise TargetError("FAQBOT_DATABASE is empty: give a SQLite file path or a URL")
        return DatabaseTarget("sqlite", path=Path(text))
    scheme = text.partition("://")[0].lower()
    if scheme not in POSTGRESQL_SCHEMES:
        raise TargetError(
            f"FAQBOT_DATABASE={_masked(text)} is neither a file path nor a PostgreSQL URL "
            f"({EXAMPLE_URL}); for SQLite give the file's path"
        )
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as error:
        reason = str(error).replace(text, _masked(text))
        raise TargetError(
            f"FAQBOT_DATABASE={_masked(text)} is not a valid URL ({reason}); write it as "
            f"{EXAMPLE_URL}"
        ) from None
    if not url.host or not url.database:
        raise TargetError(
            f"FAQBOT_DATABASE={_masked(text)} names no host or no database; write it as "
            f"{EXAMPLE_URL}"
        )
    return DatabaseTarget("postgresql", url=url.set(drivername="postgresql+psycopg"))
