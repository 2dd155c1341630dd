"""Alembic, configured in code: bring a database to this faqbot's schema, or say where it is.

The migrations ship inside the package (faqbot/storage/migrations), so `pip install` carries
them and no alembic.ini is needed. A SQLite file from before Alembic (PRAGMA user_version 1 to
legacy.LEGACY_HEAD) is first brought to LEGACY_HEAD with the SQL its release ran, then stamped
at the revision that is that schema (LEGACY_REVISIONS), and upgraded from there: no row is
copied or lost.

Adding a schema change: `faqbot/storage/schema.py` first, then a revision file in
migrations/versions/ (next number, `down_revision` = the current head), with op.* calls that
work on both engines; tests/storage/test_migrations.py checks the result matches schema.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, inspect, select, text

from faqbot.storage.legacy import LEGACY_HEAD, MIGRATIONS

if TYPE_CHECKING:
    # Alembic (with Mako and Pygments) is a fifth of `faqbot run`'s imports; a start on a
    # database already at this faqbot's head needs none of it (upgrade's quick check).
    from alembic.config import Config

# The oldest revision: the schema of legacy version 8.
BASELINE = "0001"
# The revision whose schema each legacy version is; a legacy file is stamped at the one of
# LEGACY_HEAD once the legacy steps have run (version 9 was released beside revision 0001).
LEGACY_REVISIONS = {8: BASELINE, 9: "0002"}
# PRAGMA user_version of a SQLite file Alembic owns: above any legacy version, so a faqbot from
# before Alembic refuses the file ("written by a newer faqbot") instead of misreading it.
ALEMBIC_USER_VERSION = 100
# pg_advisory_xact_lock key held while upgrading: replicas starting together upgrade once.
UPGRADE_LOCK_KEY = 0x66617162  # "faqb"


class NewerSchemaError(Exception):
    """The database was written by a newer faqbot than this one."""

    def __init__(self, found: str, known: str) -> None:
        super().__init__(f"schema revision {found}, this faqbot knows up to {known}")


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its revision (None: empty), and this faqbot's head."""

    current: str | None
    head: str
    legacy_version: int | None = None  # user_version of a SQLite file from before Alembic

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


# The revision files, named after their revision ("0002_question_log_feedback.py").
VERSIONS = Path(__file__).parent / "migrations" / "versions"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, without a file: the package's migrations and a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "faqbot.storage:migrations")
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this faqbot ships."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if found is None:
        raise RuntimeError("faqbot ships no schema revision")
    return found


def _legacy_version(connection: Connection) -> int | None:
    """A SQLite file's PRAGMA user_version while Alembic does not own it yet, else None."""
    if connection.dialect.name != "sqlite":
        return None
    if inspect(connection).has_table("alembic_version"):
        return None
    version = int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
    return version or None


def state(connection: Connection) -> SchemaState:
    """Where the database stands, without changing it."""
    from alembic.runtime.migration import MigrationContext

    newest = head()
    legacy = _legacy_version(connection)
    if legacy is not None:
        return SchemaState(LEGACY_REVISIONS.get(legacy), newest, legacy)
    current = MigrationContext.configure(connection).get_current_revision()
    return SchemaState(current, newest)


def check_not_newer(connection: Connection) -> SchemaState:
    """Raise NewerSchemaError for a database a newer faqbot wrote; else where it stands."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    found = state(connection)
    if found.legacy_version is not None and found.legacy_version > LEGACY_HEAD:
        raise NewerSchemaError(f"user_version {found.legacy_version}", found.head)
    if found.current is not None:
        try:
            ScriptDirectory.from_config(alembic_config()).get_revision(found.current)
        except CommandError:
            raise NewerSchemaError(found.current, found.head) from None
    return found


def run_legacy_steps(raw_sqlite: object, version: int) -> None:
    """Bring a pre-Alembic SQLite file from `version` to LEGACY_HEAD, each step atomic, exactly
    as its release would have (`raw_sqlite` is the sqlite3 connection, in autocommit)."""
    import sqlite3

    assert isinstance(raw_sqlite, sqlite3.Connection)
    for step, script in MIGRATIONS:
        if step <= version:
            continue
        try:
            raw_sqlite.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {step};\nCOMMIT;")
        except sqlite3.Error:
            if raw_sqlite.in_transaction:
                raw_sqlite.execute("ROLLBACK")
            raise


def upgrade(connection: Connection) -> SchemaState:
    """Bring the database to this faqbot's head, in one transaction (after any legacy steps,
    which commit one by one as they always did). The connection must not be in a transaction.
    """
    if (newest := _at_newest_file(connection)) is not None:
        connection.commit()
        return SchemaState(newest, newest)
    from alembic import command

    before = check_not_newer(connection)
    if connection.in_transaction():
        connection.commit()
    config = alembic_config(connection)
    if before.legacy_version is not None:
        run_legacy_steps(connection.connection.dbapi_connection, before.legacy_version)
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(UPGRADE_LOCK_KEY)))
        if before.legacy_version is not None:
            command.stamp(config, LEGACY_REVISIONS[LEGACY_HEAD])
        command.upgrade(config, "head")
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")
    after = state(connection)
    connection.commit()
    return after


def newest_file() -> str:
    """The revision of the newest revision file, by the number that starts its name: Alembic's
    head, found without Alembic (tests/storage/test_migrations.py checks they agree)."""
    return max((file.name.partition("_")[0] for file in VERSIONS.glob("[0-9]*_*.py")), default="")


def _at_newest_file(connection: Connection) -> str | None:
    """The database's revision, read without Alembic, if it is newest_file(); None when the
    database may need anything at all (no schema, a legacy file, another revision), which
    then goes the whole way through Alembic."""
    newest = newest_file()
    if not newest or not inspect(connection).has_table("alembic_version"):
        return None
    if connection.dialect.name == "sqlite":
        user_version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
        if user_version != ALEMBIC_USER_VERSION:
            return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return newest if found == [newest] else None


def revisions_before(revision: str) -> set[str]:
    """The revisions this faqbot ships that come before `revision`."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    older = {found.revision for found in script.iterate_revisions(revision, "base")}
    return older - {revision}
