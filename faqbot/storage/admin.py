"""What `faqbot db …` does: say where a database stands, upgrade it, copy it. Each returns the
lines to print; failures are StorageError, one line for the operator."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from faqbot.storage import migrate
from faqbot.storage.database import (
    Storage,
    StorageError,
    describe_database_error,
    sync_engine,
)
from faqbot.storage.target import DatabaseTarget
from faqbot.storage.transfer import copy_database


def current(target: DatabaseTarget) -> tuple[bool, str]:
    """Whether the database is at this faqbot's head, and one line saying where it stands."""
    if target.path is not None and not target.path.exists():
        return False, (
            f"database {target}: none yet (head {migrate.head()}); `faqbot db upgrade` or "
            "`faqbot run` creates it"
        )
    engine = sync_engine(target)
    try:
        with engine.connect() as connection:
            found = migrate.check_not_newer(connection)
            connection.rollback()
    except (SQLAlchemyError, migrate.NewerSchemaError) as error:
        raise StorageError(describe_database_error(error, target)) from None
    finally:
        engine.dispose()
    if found.up_to_date:
        return True, f"database {target}: revision {found.current} (head), up to date"
    if found.legacy_version is not None:
        at = f"schema version {found.legacy_version} from before Alembic"
    else:
        at = f"revision {found.current}" if found.current else "empty"
    return False, (
        f"database {target}: {at}, this faqbot's head is {found.head}; run `faqbot db upgrade`"
    )


def upgrade(target: DatabaseTarget) -> str:
    """Bring the database to this faqbot's head; one line saying where it is now."""
    storage = Storage(target)
    storage.open()
    try:
        found = storage.schema()
    finally:
        storage.close()
    return f"database {target}: revision {found.current} (head), up to date"


def copy(
    source: DatabaseTarget,
    destination: DatabaseTarget,
    *,
    replace: bool,
    progress: Callable[[str, int], None] | None = None,
) -> list[str]:
    """Copy every table; the lines to print: one per table, then the total."""
    report = copy_database(source, destination, replace=replace, progress=progress)
    lines = [f"{name}: {count} rows" for name, count in report.rows.items()]
    lines.append(f"copied {report.total} rows from {source} to {destination}")
    return lines
