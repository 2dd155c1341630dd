"""`faqbot db current|upgrade|copy`, through the real command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from faqbot.cli import main
from faqbot.storage.migrate import head
from faqbot.storage.stores import Stores
from tests.storage.test_migrations import every_row, write_release_database


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAQBOT_DATABASE", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_current_then_upgrade_a_release_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.sqlite3"
    write_release_database(path, version=3)
    monkeypatch.setenv("FAQBOT_DATABASE", str(path))

    code, out, _ = run(capsys, "db", "current")
    assert code == 1
    assert "schema version 3 from before Alembic" in out and "faqbot db upgrade" in out

    code, out, _ = run(capsys, "db", "upgrade")
    assert (code, out.strip()) == (0, f"database {path}: revision {head()} (head), up to date")
    code, out, _ = run(capsys, "db", "current")
    assert code == 0 and "up to date" in out


def test_a_bad_url_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAQBOT_DATABASE", "mysql://faqbot:hunter2@db.example/faqbot")
    code, out, err = run(capsys, "db", "current")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "hunter2" not in err and "neither a file path" in err


def test_postgresql_that_does_not_answer_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAQBOT_DATABASE", "postgresql://faqbot:hunter2@127.0.0.1:1/faqbot")
    code, _, err = run(capsys, "db", "upgrade")
    assert code == 1
    assert err.count("\n") == 1 and "hunter2" not in err
    assert err.startswith("faqbot: cannot reach PostgreSQL at postgresql://faqbot:***@127.0.0.1:1")


def test_copy_moves_every_row_and_refuses_a_non_empty_target(
    tmp_path: Path, database_target: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.sqlite3"
    write_release_database(source)
    Stores.open(source).close()  # upgraded, as a running bot leaves it
    before = every_row(source)
    destination = str(database_target)

    code, out, err = run(capsys, "db", "copy", str(source), destination)
    assert code == 0, err
    assert f"copied {sum(map(len, before.values()))} rows" in out

    stores = Stores.open(destination)
    try:
        for table, rows in before.items():
            copied = stores.database.run_sync(
                lambda c, t=table: c.exec_driver_sql(f"SELECT * FROM {t}").fetchall()
            )
            assert sorted(map(tuple, copied), key=repr) == rows, table
        # New rows get ids after the copied ones (PostgreSQL's sequences were moved on).
        stores.database.run_sync(
            lambda c: c.exec_driver_sql(
                "INSERT INTO question_log (asked_at, chat_type, question, status, score) "
                "VALUES ('2026-12-01T00:00:00Z', 'private', 'new', 'none', 0)"
            )
        )
    finally:
        stores.close()

    code, out, err = run(capsys, "db", "copy", str(source), destination)
    assert code == 1 and out == ""
    assert "already holds rows" in err and "--replace" in err and err.count("\n") == 1
    code, out, err = run(capsys, "db", "copy", "--replace", str(source), destination)
    assert code == 0, err

    # And back again: the way home from PostgreSQL is the same command.
    back = tmp_path / "back.sqlite3"
    code, out, err = run(capsys, "db", "copy", destination, str(back))
    assert code == 0, err
    assert every_row(back) == before


def test_copy_from_a_database_that_is_behind_says_to_upgrade_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.sqlite3"
    write_release_database(source, version=5)
    before = source.read_bytes()
    code, _, err = run(capsys, "db", "copy", str(source), str(tmp_path / "copy.sqlite3"))
    assert code == 1 and "faqbot db upgrade` first" in err
    assert source.read_bytes() == before
    assert sqlite3.connect(source).execute("PRAGMA user_version").fetchone()[0] == 5
