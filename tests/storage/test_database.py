"""Storage: opening and upgrading, the database thread, refusal to touch a bad file, and the
question log (on each engine)."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect
from sqlalchemy.exc import DBAPIError

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.storage import database, questions
from faqbot.storage.database import Storage, StorageError
from faqbot.storage.legacy import MIGRATIONS
from faqbot.storage.migrate import ALEMBIC_USER_VERSION
from faqbot.storage.schema import question_log

LATEST = MIGRATIONS[-1][0]


def tables(store: Storage) -> set[str]:
    return store.run_sync(lambda db: set(inspect(db).get_table_names()))


def test_legacy_migrations_are_numbered_one_by_one_from_one() -> None:
    assert [version for version, _ in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_a_new_database_is_created_at_the_latest_schema(tmp_path: Path) -> None:
    store = Storage(tmp_path / "new" / "folder" / "faqbot.sqlite3")
    store.open()
    try:
        assert store.schema().up_to_date
        assert "question_log" in tables(store)
        mode = store.run_sync(lambda db: db.exec_driver_sql("PRAGMA journal_mode").fetchone()[0])
        assert mode == "wal"
        # A faqbot from before Alembic reads this as "written by a newer faqbot", and stops.
        version = store.run_sync(lambda db: db.exec_driver_sql("PRAGMA user_version").scalar())
        assert version == ALEMBIC_USER_VERSION > LATEST
    finally:
        store.close()


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    first = Storage(path)
    first.open()
    first.run_sync(
        lambda db: db.exec_driver_sql(
            "INSERT INTO question_log (asked_at, chat_type, question, status, score) "
            "VALUES ('2026-01-01T00:00:00Z', 'private', 'q', 'none', 0)"
        )
    )
    first.close()

    second = Storage(path)
    second.open()
    try:
        assert second.schema().up_to_date
        count = second.run_sync(
            lambda db: db.exec_driver_sql("SELECT COUNT(*) FROM question_log").fetchone()[0]
        )
        assert count == 1
    finally:
        second.close()


def test_an_old_database_is_migrated_step_by_step(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(f"BEGIN;\n{MIGRATIONS[0][1]}\nPRAGMA user_version = 1;\nCOMMIT;")
    old.execute(
        "INSERT INTO question_log (chat_type, question, status, score) "
        "VALUES ('group', 'kept', 'none', 0)"
    )
    old.close()

    store = Storage(path)
    store.open()
    try:
        assert store.schema().up_to_date
        kept = store.run_sync(
            lambda db: db.exec_driver_sql("SELECT question FROM question_log").fetchall()
        )
        assert kept == [("kept",)]
    finally:
        store.close()


def test_a_database_from_a_newer_faqbot_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {LATEST + 1}")
    newer.close()
    before = path.read_bytes()

    with pytest.raises(StorageError) as raised:
        Storage(path).open()

    assert "upgrade faqbot" in str(raised.value)
    assert str(path) in str(raised.value)
    assert_keeps_the_data(str(raised.value), "corrupt")
    assert path.read_bytes() == before


def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    path.write_bytes(b"this is not a database, it is someone's notes\n" * 200)
    before = path.read_bytes()

    with pytest.raises(StorageError) as raised:
        Storage(path).open()

    message = str(raised.value)
    assert f"database {path} is corrupt" in message and "restore it from a backup" in message
    assert_keeps_the_data(message, "upgrade")
    assert path.read_bytes() == before


def assert_keeps_the_data(message: str, wrong_cause: str) -> None:
    """One line, no advice that would start an empty database, and not another cause."""
    assert "\n" not in message
    assert "new path" not in message and "FAQBOT_DATABASE" not in message
    assert wrong_cause not in message


def test_a_locked_database_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0)
    path = tmp_path / "faqbot.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE elsewhere (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError) as raised:
            Storage(path).open()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(raised.value)
    assert f"database {path} is locked by another connection" in message
    assert_keeps_the_data(message, "corrupt")


@contextlib.contextmanager
def read_only_mount(folder: Path) -> Iterator[None]:
    """A small tmpfs at `folder`, remounted read-only once the test has filled it."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a filesystem needs root (CAP_SYS_ADMIN)")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_read_only_filesystem_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "mounted"
    with read_only_mount(folder):
        path = folder / "faqbot.sqlite3"
        store = Storage(path)
        store.open()
        store.close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        with pytest.raises(StorageError) as raised:
            Storage(path).open()
    message = str(raised.value)
    assert f"database {path} cannot be written: {folder} is on a read-only filesystem" in message
    assert_keeps_the_data(message, "corrupt")


def test_a_path_that_cannot_be_a_database_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()

    with pytest.raises(StorageError) as raised:
        Storage(folder).open()

    assert "FAQBOT_DATABASE" in str(raised.value)


async def test_sqlite_work_runs_on_the_one_database_thread(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "faqbot.sqlite3")
    storage.open()
    names = {await storage.run(lambda db: threading.current_thread().name) for _ in range(5)}
    storage.close()

    assert len(names) == 1
    assert names.pop().startswith("faqbot-db")
    assert threading.current_thread().name != "faqbot-db"


async def test_errors_in_work_reach_the_caller(storage: Storage) -> None:
    with pytest.raises(DBAPIError):
        await storage.run(lambda db: db.exec_driver_sql("SELECT * FROM no_such_table"))


def test_a_store_call_commits_all_or_nothing(storage: Storage) -> None:
    def insert_two(db: Connection, fail: bool) -> None:
        for question in ("one", "two"):
            db.execute(
                question_log.insert().values(
                    asked_at="2026-01-01T00:00:00Z",
                    chat_type="private",
                    question=question,
                    status="none",
                    score=0,
                )
            )
            if fail:
                raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        storage.run_sync(lambda db: insert_two(db, fail=True))
    storage.run_sync(lambda db: insert_two(db, fail=False))

    rows = storage.run_sync(
        lambda db: db.exec_driver_sql("SELECT question FROM question_log ORDER BY id").fetchall()
    )
    assert rows == [("one",), ("two",)]


def test_closing_twice_is_harmless(tmp_path: Path) -> None:
    store = Storage(tmp_path / "faqbot.sqlite3")
    store.open()
    store.close()
    store.close()
    with pytest.raises(StorageError):
        store.run_sync(lambda db: None)


def test_the_question_log_counts_what_students_ask(storage: Storage, pack: Pack) -> None:
    answerer = Answerer.from_pack(pack)
    asked = [
        ("what is jimex", "private"),
        ("what is jimex?", "group"),
        ("what is malabar", "private"),
        ("Who won the cricket world cup", "private"),
        ("who won the cricket world cup", "supergroup"),
        ("japan", "private"),
        ("x" * 900, "private"),
        ("thanks a lot", "private"),
        ("Thanks a lot", "group"),
    ]
    for question, chat_type in asked:
        outcome = answerer.respond(question)
        storage.run_sync(lambda db, o=outcome, c=chat_type: questions.record(db, c, o))

    assert storage.run_sync(lambda db: questions.popular(db, 5))[:2] == [
        "what-is-jimex",
        "what-is-malabar",
    ]
    gaps = storage.run_sync(lambda db: questions.unanswered(db, 10))
    assert gaps[0] == ("who won the cricket world cup", 2)
    assert ("japan", 1) in gaps
    # Small talk is counted, but it is not a gap in the pack.
    assert all(question != "thanks a lot" for question, _ in gaps)
    today = storage.run_sync(questions.counts_today)
    assert sum(today.values()) == len(asked)
    assert today["answer"] == 3
    assert today["smalltalk"] == 2
    longest = storage.run_sync(
        lambda db: db.exec_driver_sql("SELECT MAX(length(question)) FROM question_log").fetchone()[
            0
        ]
    )
    assert longest == 500


def test_popular_forgets_questions_older_than_thirty_days(storage: Storage, pack: Pack) -> None:
    row = {"chat_type": "private", "question": "q", "status": "answer", "score": 100}
    storage.run_sync(
        lambda db: db.execute(
            question_log.insert(),
            [{**row, "asked_at": "2000-01-01T00:00:00Z", "entry_id": "what-is-milan"}] * 3,
        )
    )
    storage.run_sync(
        lambda db: db.execute(
            question_log.insert().values(
                **row, asked_at=questions._stamp(datetime.now(UTC)), entry_id="what-is-jimex"
            )
        )
    )

    assert storage.run_sync(lambda db: questions.popular(db, 5)) == ["what-is-jimex"]
