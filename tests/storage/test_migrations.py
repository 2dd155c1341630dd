"""Alembic owns the schema: a database written by the release before it upgrades in place
without losing a row, a fresh one on either engine matches faqbot/storage/schema.py, and one a
newer faqbot wrote is refused with one line."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, text

from faqbot.storage.database import Storage, StorageError
from faqbot.storage.legacy import LEGACY_HEAD, MIGRATIONS
from faqbot.storage.migrate import (
    ALEMBIC_USER_VERSION,
    BASELINE,
    LEGACY_REVISIONS,
    head,
    newest_file,
    state,
)
from faqbot.storage.questions import keyed_hash
from faqbot.storage.schema import metadata
from faqbot.storage.stores import Stores

# The log's key and hashes as the version 9 release kept them (faqbot.storage.questions).
LOG_KEY = "ab" * 32
ASKER = 9
ASKER_HASH = keyed_hash(bytes.fromhex(LOG_KEY), "user", ASKER)
CHAT_HASH = keyed_hash(bytes.fromhex(LOG_KEY), "chat", ASKER)
# The question log as each release wrote it: version 9 added who asked (hashed), the card's
# message, the language, the tapped suggestion, 👍/👎 and what a 👎 was looking for.
QUESTION_ROWS = {
    8: """
INSERT INTO question_log (asked_at, chat_type, question, status, entry_id, score)
VALUES ('2026-11-01T08:00:00Z', 'private', 'what is jimex', 'answer', 'what-is-jimex', 97.5),
       ('2026-11-02T09:30:00Z', 'group', 'who won the cup', 'none', NULL, 12.0);
""",
    9: f"""
INSERT INTO meta (key, value) VALUES ('question_log_key', '{LOG_KEY}');
INSERT INTO question_log (asked_at, chat_type, question, status, entry_id, score, user_hash,
    chat_hash, message_id, language, tapped_id, rating, feedback, answer_version)
VALUES ('2026-11-01T08:00:00Z', 'private', 'what is jimex', 'answer', 'what-is-jimex', 97.5,
        '{ASKER_HASH}', '{CHAT_HASH}', 301, 'en', NULL, -1, 'the year it began', 'v1'),
       ('2026-11-02T09:30:00Z', 'group', 'who won the cup', 'none', NULL, 12.0, NULL, NULL,
        NULL, 'hi', NULL, NULL, NULL, NULL),
       ('2026-11-03T10:00:00Z', 'private', 'japan', 'suggest', NULL, 60.0, '{ASKER_HASH}',
        '{CHAT_HASH}', 302, 'en', 'what-is-jimex', 1, NULL, 'v2');
""",
}
# One row or more in every other table of legacy version 8, as that release wrote them.
RELEASE_ROWS = """
INSERT INTO daily_subscription (chat_id, kind, timezone, send_at, scheduled_since, active,
    stopped_reason, cycle, last_entry_id, last_sent_on)
VALUES (501, 'fact', 'Asia/Tokyo', '07:30:00', '2026-05-01T00:00:00+00:00', 1, NULL, 2, 'b',
        '2026-05-31'),
       (501, 'quiz', 'Asia/Tokyo', '20:00:00', '2026-05-01T00:00:00+00:00', 1, NULL, 1, NULL,
        NULL),
       (-1001234567890, 'fact', 'UTC', NULL, NULL, 0, 'Forbidden: blocked', 1, NULL, NULL);
INSERT INTO daily_sent (chat_id, kind, cycle, entry_id) VALUES (501, 'fact', 2, 'a'),
       (501, 'fact', 2, 'b');
INSERT INTO daily_pending (chat_id, kind, local_day, entry_id, cycle, parts, parts_sent,
    parts_unsure, sending, started_at)
VALUES (501, 'fact', '2026-06-01', 'c', 2, 2, 1, 0, 1, '2026-06-01T12:00:00+00:00');
INSERT INTO daily_delivery (at, chat_id, outcome, detail, kind)
VALUES ('2026-05-31T12:00:00+00:00', 501, 'sent', 'b', 'fact');
INSERT INTO quiz_poll (poll_id, chat_id, message_id, item_key, correct_option, opened_at,
    closes_at) VALUES ('p1', -4002, 77, 'jimex:1', 2, 1000.0, 1030.0);
INSERT INTO quiz_answer (poll_id, user_id) VALUES ('p1', 9);
INSERT INTO review_box (user_id, item_key, box, due_at) VALUES (9, 'jimex:1', 3, 5000.5);
INSERT INTO quiz_result (chat_id, user_id, at, answered, correct, correct_seconds)
VALUES (-4002, 9, 0, 10, 7, 21.0), (-4002, 9, 1010.0, 1, 1, 10.0);
INSERT INTO quiz_player (chat_id, user_id, name, left_at) VALUES (-4002, 9, 'Asha', NULL);
INSERT INTO quiz_settings (chat_id, open_period, round_size, show_explanation, language, version)
VALUES (-4002, 60, 5, 0, 'hi', 3);
INSERT INTO quiz_week (chat_id, week_start, posted) VALUES (-4002, '2026-05-25', 0);
INSERT INTO language_setting (id, chosen, telegram) VALUES (9, 'hi', 'en'), (-4002, 'auto', NULL);
INSERT INTO webhook_update (update_id, received_at, claimed_at, handled_at)
VALUES (123456789, 1000.0, 1000.0, 1001.0);
"""


def write_release_database(path: Path, version: int = LEGACY_HEAD) -> None:
    """A file as the release before Alembic left it at `version`, with its own SQL."""
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA foreign_keys = ON")
    for step, script in MIGRATIONS[:version]:
        old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {step};\nCOMMIT;")
    if version in QUESTION_ROWS:
        old.executescript(f"BEGIN;\n{QUESTION_ROWS[version]}{RELEASE_ROWS}\nCOMMIT;")
    else:
        old.execute(
            "INSERT INTO question_log (chat_type, question, status, score) "
            "VALUES ('private', 'kept', 'none', 0)"
        )
    old.close()


def every_row(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Each table's rows, in a stable order, read with plain sqlite3."""
    connection = sqlite3.connect(path)
    try:
        present = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        return {
            table.name: sorted(
                connection.execute(f"SELECT * FROM {table.name}").fetchall(), key=repr
            )
            for table in metadata.sorted_tables
            if table.name in present
        }
    finally:
        connection.close()


def schema_differences(connection: Connection) -> list[object]:
    """What Alembic's autogenerate would change to make the database match schema.py."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [
        difference
        for difference in compare_metadata(context, metadata)
        # SQLite reports no names for unnamed CHECK constraints; nothing else is skipped.
        if not (isinstance(difference, tuple) and difference[0] == "add_constraint")
    ]


def _affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type (its own rules, section 3.1)."""
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def sqlite_shape(path: Path) -> dict[str, object]:
    """Every table's columns (affinity, not null, default, key), indexes and foreign keys."""
    connection = sqlite3.connect(path)
    try:
        shape: dict[str, object] = {}
        for table in metadata.sorted_tables:
            columns = [
                (name, _affinity(kind), bool(notnull) or bool(pk), pk)
                for _, name, kind, notnull, _default, pk in connection.execute(
                    f"PRAGMA table_info({table.name})"
                )
            ]
            indexes = sorted(
                (
                    name,
                    unique,
                    partial,
                    tuple(row[2] for row in connection.execute(f"PRAGMA index_info({name})")),
                )
                for _, name, unique, _origin, partial in connection.execute(
                    f"PRAGMA index_list({table.name})"
                )
                if not name.startswith("sqlite_autoindex")
            )
            keys = sorted(
                (row[2], row[3], row[4], row[5], row[6])
                for row in connection.execute(f"PRAGMA foreign_key_list({table.name})")
            )
            rowid = connection.execute(
                "SELECT sql NOT LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?",
                (table.name,),
            ).fetchone()[0]
            shape[table.name] = (columns, indexes, keys, rowid)
        return shape
    finally:
        connection.close()


@pytest.mark.parametrize("version", sorted(QUESTION_ROWS))
async def test_a_database_written_by_the_release_upgrades_in_place_without_losing_a_row(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "faqbot.sqlite3"
    write_release_database(path, version)
    before = every_row(path)
    assert all(before.values()), "every table starts with rows"
    assert ("meta" in before) == (version >= 9)

    stores = Stores.open(path)
    try:
        state = stores.database.schema()
        assert (state.current, state.up_to_date) == (head(), True)
        # Read back through the stores, as the bot will.
        fact = await stores.daily.get(501)
        assert fact is not None and (fact.timezone, fact.cycle) == ("Asia/Tokyo", 2)
        assert (await stores.daily.get(501, "quiz")) is not None
        [asha] = await stores.quiz.leaderboard(-4002)
        assert (asha.name, asha.correct, asha.answered) == ("Asha", 8, 11)
        assert [poll.poll_id for poll in await stores.quiz.open_polls()] == ["p1"]
        assert (await stores.languages.get(9)) is not None
        assert await stores.webhook_updates.claim(123456789, 2000.0, 120.0) == "handled"
        assert ("who won the cup", 1) in await stores.questions.unanswered(5)
        if version >= 9:
            # The kept key hashes as before: the rows stay the asker's for /forget and buttons.
            log = stores.questions
            assert log.user_hash(ASKER) == ASKER_HASH
            rated = await log.card(1)
            assert rated is not None
            assert (rated.rating, rated.feedback, rated.answer_version) == (
                -1,
                "the year it began",
                "v1",
            )
            assert await log.record_tap(log.asker(ASKER, ASKER), 302, "what-is-jimex", "v2") == 3
            gaps = await log.gaps("en")
            assert [(g.question, g.outcome) for g in gaps] == [
                ("what is jimex", "downvoted"),
                ("japan", "tapped"),
            ]
        assert (
            stores.database.run_sync(lambda c: c.exec_driver_sql("PRAGMA user_version").scalar())
            == ALEMBIC_USER_VERSION
        )
    finally:
        await stores.aclose()
    after = every_row(path)
    if version < 9:
        assert len(after.pop("meta")) == 1  # the log's key, made at the first start
        # Revision 0002's columns follow the release's, empty but for the default language.
        logged = after["question_log"]
        assert {row[7:] for row in logged} == {(None, None, None, "en", None, None, None, None)}
        after["question_log"] = [row[:7] for row in logged]
    # Revision 0003's columns: every deliverable subscription is due at a computed instant,
    # unclaimed, its last delivered day its last closed one; no old outcome closes a day.
    subscriptions = after["daily_subscription"]
    for row in subscriptions:
        send_at, active, last_sent_on = row[3], row[5], row[9]
        next_due, claim_until, token, attempts, closed_on = row[10:]
        assert (next_due is not None) == (send_at is not None and active == 1)
        assert (claim_until, token, attempts, closed_on) == (None, 0, 0, last_sent_on)
    after["daily_subscription"] = [row[:10] for row in subscriptions]
    assert {row[6:] for row in after["daily_delivery"]} == {(None,)}
    after["daily_delivery"] = [row[:6] for row in after["daily_delivery"]]
    # Revision 0004's: open polls are unclaimed and not closed; no round is running.
    assert {row[7:] for row in after["quiz_poll"]} == {(None, 0, None, None)}
    after["quiz_poll"] = [row[:7] for row in after["quiz_poll"]]
    assert after.pop("quiz_round") == []
    assert after == before
    fresh = tmp_path / "fresh.sqlite3"
    Storage(fresh).open()
    assert sqlite_shape(path) == sqlite_shape(fresh)


@pytest.mark.parametrize("version", range(1, LEGACY_HEAD + 1))
def test_every_release_schema_version_upgrades_and_keeps_its_rows(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "faqbot.sqlite3"
    write_release_database(path, version)
    storage = Storage(path)
    storage.open()
    try:
        assert storage.schema().up_to_date
        kept = storage.run_sync(
            lambda c: c.exec_driver_sql("SELECT question FROM question_log").fetchall()
        )
        assert ("kept",) in kept or version in QUESTION_ROWS
    finally:
        storage.close()


@pytest.mark.parametrize("version", sorted(LEGACY_REVISIONS))
def test_a_release_file_stands_at_the_revision_that_is_its_schema(
    tmp_path: Path, version: int
) -> None:
    """A version 8 file is revision 0001 and a version 9 file 0002, before anything is run;
    a version 9 file is stamped there, and only the revisions after it run."""
    path = tmp_path / "faqbot.sqlite3"
    write_release_database(path, version)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        found = state(connection)
    engine.dispose()
    assert (found.current, found.legacy_version) == (LEGACY_REVISIONS[version], version)
    assert int(LEGACY_REVISIONS[LEGACY_HEAD]) <= int(head())


def test_a_fresh_database_matches_the_tables_module(database_target: Path | str) -> None:
    storage = Storage(database_target)
    storage.open()
    try:
        assert storage.schema().current == head()
        assert storage.run_sync(schema_differences) == []
    finally:
        storage.close()


def test_the_newest_revision_file_is_alembics_head() -> None:
    assert newest_file() == head()


def test_a_database_at_the_head_opens_without_importing_alembic_or_the_orm(
    database_target: Path | str,
) -> None:
    """The quick check of a start on an up-to-date database: Alembic is not even imported
    (nor SQLAlchemy's ORM, which only the asyncio engine of PostgreSQL's store calls needs)."""
    Storage(database_target).open()  # the schema, made through Alembic
    opens = (
        "import sys\n"
        "from faqbot.storage.database import Storage\n"
        f"storage = Storage({str(database_target)!r})\n"
        "storage.open()\n"
        "storage.close()\n"
        "heavy = ('alembic', 'mako', 'sqlalchemy.orm')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    opened = subprocess.run(
        [sys.executable, "-c", opens], capture_output=True, text=True, check=True, timeout=60
    )
    assert opened.stdout.strip() == "[]", opened.stderr


def test_a_database_at_an_older_revision_is_upgraded_to_the_head(
    database_target: Path | str,
) -> None:
    """The quick check lets through only a database at the head: one at the baseline
    revision still goes through Alembic's upgrade."""
    from alembic import command

    from faqbot.storage.database import sync_engine
    from faqbot.storage.migrate import alembic_config
    from faqbot.storage.target import parse_target

    engine = sync_engine(parse_target(database_target))
    try:
        with engine.begin() as connection:  # as a faqbot whose head was the baseline left it
            command.upgrade(alembic_config(connection), BASELINE)
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")
    finally:
        engine.dispose()
    storage = Storage(database_target)
    storage.open()
    try:
        assert head() != BASELINE
        assert storage.schema().current == head()
        assert storage.run_sync(schema_differences) == []
    finally:
        storage.close()


async def test_open_polls_of_revision_0003_are_closed_by_claims_after_the_upgrade(
    database_target: Path | str,
) -> None:
    """Revision 0004 on each engine: a poll open at the upgrade keeps its row, unclaimed and
    not closed, so the close loop takes it; the round table starts empty."""
    from alembic import command

    from faqbot.storage.database import sync_engine
    from faqbot.storage.migrate import alembic_config
    from faqbot.storage.target import parse_target

    engine = sync_engine(parse_target(database_target))
    try:
        with engine.begin() as connection:  # as the faqbot whose head was 0003 left it
            command.upgrade(alembic_config(connection), "0003")
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")
            connection.execute(
                text(
                    "INSERT INTO quiz_poll (poll_id, chat_id, message_id, item_key,"
                    " correct_option, opened_at, closes_at)"
                    " VALUES ('p1', -4002, 77, 'jimex:1', 2, 1000.0, 1030.0)"
                )
            )
    finally:
        engine.dispose()
    stores = Stores.open(database_target)
    try:
        assert stores.database.schema().current == head()
        assert stores.database.run_sync(schema_differences) == []
        [held] = await stores.quiz.close_tick("a", 2000.0, 2015.0, 1990.0, 10)
        assert (held.poll.poll_id, held.poll.closes_at, held.token) == ("p1", 1030.0, 1)
        assert await stores.quiz.round_of(-4002) is None
    finally:
        await stores.aclose()


def test_downgrading_0004_keeps_the_polls_and_their_answers(database_target: Path | str) -> None:
    from alembic import command

    from faqbot.storage.database import sync_engine
    from faqbot.storage.migrate import alembic_config
    from faqbot.storage.target import parse_target

    storage = Storage(database_target)  # at the head
    storage.open()
    storage.close()
    engine = sync_engine(parse_target(database_target))
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO quiz_poll (poll_id, chat_id, message_id, item_key,"
                    " correct_option, opened_at, closes_at)"
                    " VALUES ('p1', -4002, 77, 'jimex:1', 2, 1000.0, 1030.0)"
                )
            )
            connection.execute(text("INSERT INTO quiz_answer VALUES ('p1', 5101)"))
            command.downgrade(alembic_config(connection), "0003")
            polls = connection.execute(text("SELECT COUNT(*) FROM quiz_poll")).scalar_one()
            answers = connection.execute(text("SELECT COUNT(*) FROM quiz_answer")).scalar_one()
    finally:
        engine.dispose()
    assert (polls, answers) == (1, 1)


def test_the_baseline_is_the_oldest_revision() -> None:
    from alembic.script import ScriptDirectory

    from faqbot.storage.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert [revision.revision for revision in script.walk_revisions()][-1] == BASELINE


def test_a_database_from_a_newer_faqbot_is_refused_with_one_line(
    database_target: Path | str,
) -> None:
    storage = Storage(database_target)
    storage.open()
    storage.run_sync(lambda c: c.execute(text("UPDATE alembic_version SET version_num = '9999'")))
    storage.close()

    with pytest.raises(StorageError) as raised:
        Storage(database_target).open()

    message = str(raised.value)
    assert "newer faqbot" in message and "9999" in message and "upgrade faqbot" in message
    assert "\n" not in message


def test_a_release_database_newer_than_the_legacy_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {LEGACY_HEAD + 1}")
    newer.close()
    with pytest.raises(StorageError, match="newer faqbot"):
        Storage(path).open()
