"""Storage: migrations, the database thread, refusal to touch a bad file, and the question log."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.storage import questions
from faqbot.storage.database import MIGRATIONS, Storage, StorageError, transaction

LATEST = MIGRATIONS[-1][0]


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    store = Storage(tmp_path / "faqbot.sqlite3")
    store.open()
    yield store
    store.close()


def tables(store: Storage) -> set[str]:
    rows = store.run_sync(
        lambda db: db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    )
    return {name for (name,) in rows}


def test_migrations_are_numbered_one_by_one_from_one() -> None:
    assert [version for version, _ in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_a_new_database_is_created_at_the_latest_schema(tmp_path: Path) -> None:
    store = Storage(tmp_path / "new" / "folder" / "faqbot.sqlite3")
    store.open()
    try:
        assert store.schema_version == LATEST
        assert "question_log" in tables(store)
        mode = store.run_sync(lambda db: db.execute("PRAGMA journal_mode").fetchone()[0])
        assert mode == "wal"
    finally:
        store.close()


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    first = Storage(path)
    first.open()
    first.run_sync(
        lambda db: db.execute(
            "INSERT INTO question_log (chat_type, question, status, score) "
            "VALUES ('private', 'q', 'none', 0)"
        )
    )
    first.close()

    second = Storage(path)
    second.open()
    try:
        assert second.schema_version == LATEST
        count = second.run_sync(
            lambda db: db.execute("SELECT COUNT(*) FROM question_log").fetchone()[0]
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
        assert store.schema_version == LATEST
        kept = store.run_sync(lambda db: db.execute("SELECT question FROM question_log").fetchall())
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
    assert path.read_bytes() == before


def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "faqbot.sqlite3"
    path.write_bytes(b"this is not a database, it is someone's notes\n" * 200)
    before = path.read_bytes()

    with pytest.raises(StorageError) as raised:
        Storage(path).open()

    message = str(raised.value)
    assert str(path) in message and "FAQBOT_DATABASE" in message
    assert "\n" not in message
    assert path.read_bytes() == before


def test_a_path_that_cannot_be_a_database_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()

    with pytest.raises(StorageError) as raised:
        Storage(folder).open()

    assert "FAQBOT_DATABASE" in str(raised.value)


async def test_work_runs_on_the_one_database_thread(storage: Storage) -> None:
    names = {await storage.run(lambda db: threading.current_thread().name) for _ in range(5)}

    assert len(names) == 1
    assert names.pop().startswith("faqbot-db")
    assert threading.current_thread().name != "faqbot-db"


async def test_errors_in_work_reach_the_caller(storage: Storage) -> None:
    with pytest.raises(sqlite3.OperationalError):
        await storage.run(lambda db: db.execute("SELECT * FROM no_such_table"))


def test_a_transaction_commits_all_or_nothing(storage: Storage) -> None:
    def insert_two(db: sqlite3.Connection, fail: bool) -> None:
        with transaction(db):
            for question in ("one", "two"):
                db.execute(
                    "INSERT INTO question_log (chat_type, question, status, score) "
                    "VALUES ('private', ?, 'none', 0)",
                    (question,),
                )
                if fail:
                    raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        storage.run_sync(lambda db: insert_two(db, fail=True))
    storage.run_sync(lambda db: insert_two(db, fail=False))

    rows = storage.run_sync(lambda db: db.execute("SELECT question FROM question_log").fetchall())
    assert rows == [("one",), ("two",)]


def test_closing_twice_is_harmless(tmp_path: Path) -> None:
    store = Storage(tmp_path / "faqbot.sqlite3")
    store.open()
    store.close()
    store.close()
    with pytest.raises(StorageError):
        _ = store.connection


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
        lambda db: db.execute("SELECT MAX(length(question)) FROM question_log").fetchone()[0]
    )
    assert longest == 500


def test_popular_forgets_questions_older_than_thirty_days(storage: Storage, pack: Pack) -> None:
    storage.run_sync(
        lambda db: db.executemany(
            "INSERT INTO question_log (asked_at, chat_type, question, status, entry_id, score) "
            "VALUES (?, 'private', 'q', 'answer', ?, 100)",
            [("2000-01-01T00:00:00Z", "what-is-milan")] * 3,
        )
    )
    storage.run_sync(
        lambda db: db.execute(
            "INSERT INTO question_log (chat_type, question, status, entry_id, score) "
            "VALUES ('private', 'q', 'answer', 'what-is-jimex', 100)"
        )
    )

    assert storage.run_sync(lambda db: questions.popular(db, 5)) == ["what-is-jimex"]
