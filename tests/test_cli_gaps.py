"""`faqbot gaps`: the question log read from a real SQLite file, clustered and printed."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from faqbot.config import Settings
from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.question_log import DOWN, answer_version
from faqbot.storage import migrate, questions
from faqbot.storage.database import Storage, sync_engine
from faqbot.storage.stores import Stores
from faqbot.storage.target import parse_target
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import FakeBotAPI
from tests.test_cli import faqbot

USER, OTHER = 7001, 7002


def fill_log(where: Path | str, pack: Pack) -> None:
    """A log: gaps asked several ways, a 👎 answer with its reply, a tap, answers, small talk."""
    stores = Stores.open(where)
    answerer = Answerer.from_pack(pack)
    message_ids = itertools.count(101)
    db = stores.database

    def ask(text: str, user: int = USER, age_days: int = 0) -> int:
        outcome = answerer.respond(text)
        asker = stores.questions.asker(user, user)
        asked = datetime.now(UTC) - timedelta(days=age_days)
        return db.run_sync(
            lambda c: questions.record(
                c, "private", outcome, asked, asker=asker, message_id=next(message_ids)
            )
        )

    for _ in range(3):
        ask("who won the cricket world cup")
    ask("who won cricket world cup", OTHER)
    ask("who won the cricket world cup", age_days=40)  # before --since 30d
    answered = ask("what is jimex")
    db.run_sync(lambda c: questions.rate(c, answered, DOWN))
    db.run_sync(lambda c: questions.keep_feedback(c, answered, "the year it began"))
    ask("what is jimex")  # answered and kept: not a gap
    ask("thanks a lot")  # small talk: never a gap
    suggested = ask("japan")
    entry = pack.entry("what-is-jimex")
    assert entry is not None
    asker = stores.questions.asker(USER, USER)
    db.run_sync(
        lambda c: questions.record_tap(c, asker, 100 + suggested, entry.id, answer_version(entry))
    )
    stores.close()


@pytest.fixture
def database(tmp_path: Path, pack: Pack) -> Path:
    """The filled log in a SQLite file."""
    path = tmp_path / "faqbot.sqlite3"
    fill_log(path, pack)
    return path


@pytest.fixture
def any_database(database_target: Path | str, pack: Pack) -> str:
    """The filled log on each engine: a SQLite path or a PostgreSQL URL, as --database."""
    fill_log(database_target, pack)
    return str(database_target)


def test_text_lists_clusters_with_feedback_and_taps(any_database: str) -> None:
    result = faqbot("gaps", "--database", any_database)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5× 'who won the cricket world cup'" in out
    assert "👎 'the year it began'" in out
    assert "tapped: what-is-jimex 1" in out
    assert "thanks" not in out


def test_json_counts_a_turned_down_answer_and_since_leaves_out_older_questions(
    any_database: str,
) -> None:
    result = faqbot("gaps", "--database", any_database, "--json", "--since", "30d")
    assert result.returncode == 0, result.stderr
    clusters = {c["representative"]: c for c in json.loads(result.stdout)}
    assert clusters["who won the cricket world cup"]["count"] == 4
    jimex = clusters["what is jimex"]
    assert jimex["outcomes"] == {"downvoted": 1} and jimex["feedback"] == ["the year it began"]
    assert clusters["japan"]["tapped"] == {"what-is-jimex": 1}
    assert clusters["japan"]["entry_id"] == "what-is-jimex"


def test_csv_has_a_header_and_a_row_per_cluster(database: Path) -> None:
    result = faqbot("gaps", "--database", str(database), "--csv", "--limit", "1")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["representative"] for r in rows] == ["who won the cricket world cup"]


def test_the_database_comes_from_faqbot_database_too(any_database: str) -> None:
    result = faqbot("gaps", "--json", env={"FAQBOT_DATABASE": any_database})
    assert result.returncode == 0 and json.loads(result.stdout)


def test_a_missing_database_or_a_bad_since_says_what_to_do(tmp_path: Path, database: Path) -> None:
    missing = faqbot("gaps", "--database", str(tmp_path / "nowhere.sqlite3"))
    assert missing.returncode == 1
    assert "no database at" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "nowhere.sqlite3").exists()  # never created by reading
    bad = faqbot("gaps", "--database", str(database), "--since", "last week")
    assert bad.returncode == 2 and "--since 'last week'" in bad.stderr


def test_a_database_at_an_older_revision_is_refused_and_left_alone(
    database_target: Path | str,
) -> None:
    """The check reads the Alembic revision: a database at 0001 has no log columns to read."""
    storage = Storage(database_target)
    storage.open()
    storage.run_sync(lambda c: c.execute(text("UPDATE alembic_version SET version_num = '0001'")))
    storage.close()
    result = faqbot("gaps", "--database", str(database_target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "schema revision 0001" in result.stderr and "faqbot db upgrade" in result.stderr
    engine = sync_engine(parse_target(database_target))
    with engine.connect() as connection:
        assert migrate.state(connection).current == "0001"  # not upgraded by reading
    engine.dispose()


def test_an_old_database_is_not_migrated_by_reading(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA user_version = 8")
    result = faqbot("gaps", "--database", str(path))
    assert result.returncode == 1 and "start the bot" in result.stderr


def test_accepted_lists_the_overlay_phrasings(database: Path) -> None:
    none = faqbot("gaps", "--database", str(database), "--accepted")
    assert none.returncode == 0 and "No accepted phrasings" in none.stdout
    overlay = database.parent / "overlay.yaml"
    overlay.write_text(
        "phrasings:\n  what-is-jimex:\n    - jimex kab shuru hua\n    - 'jimex: first year'\n",
        encoding="utf-8",
    )
    text = faqbot("gaps", "--database", str(database), "--accepted")
    assert 'what-is-jimex:\n  - "jimex kab shuru hua"\n  - "jimex: first year"' in text.stdout
    data = faqbot("gaps", "--database", str(database), "--accepted", "--json")
    assert json.loads(data.stdout) == {
        "what-is-jimex": ["jimex kab shuru hua", "jimex: first year"]
    }
    overlay.write_text("phrasings: [unclosed\n", encoding="utf-8")
    broken = faqbot("gaps", "--database", str(database), "--accepted")
    assert broken.returncode == 1 and "not valid YAML" in broken.stderr


async def test_gaps_reads_what_the_real_handlers_logged(
    settings: Settings, pack: Pack, api: FakeBotAPI
) -> None:
    """The log filled by the bot's own handlers (asks, a tap, a 👎 and its reply, small talk),
    read by `faqbot gaps` from the file while the bot still has it open."""

    def last(chat: int) -> dict[str, Any]:
        calls = [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat]
        return calls[-1].params | {"message_id": calls[-1].result["message_id"]}

    def data(card: dict[str, Any], label: str) -> str:
        rows = card["reply_markup"]["inline_keyboard"]
        return next(b["callback_data"] for row in rows for b in row if label in b["text"])

    async def press(user: int, card: dict[str, Any], pressed: str) -> None:
        await feed(app, u.callback_query(user, user, pressed, card["message_id"]))

    async with running(settings, pack) as app:
        await feed(app, u.message(USER, USER, "quad navies drill"))
        await press(USER, last(USER), data(last(USER), "Malabar"))
        await feed(app, u.message(OTHER, OTHER, "quad navy drill"))
        await feed(app, u.message(USER, USER, "who won the cricket world cup"))
        await feed(app, u.message(OTHER, OTHER, "who won cricket world cup"))
        await feed(app, u.message(USER, USER, "thanks"))
        await feed(app, u.message(OTHER, OTHER, "what is jimex"))
        await press(OTHER, last(OTHER), data(last(OTHER), "👎"))
        await feed(app, u.message(OTHER, OTHER, "the year it began"))
        result = faqbot("gaps", "--json", "--database", str(settings.database))
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    clusters = {min([c["representative"], *c["variants"]]): c for c in found}
    # Small talk ("thanks") and the outright answers are not gaps.
    assert set(clusters) == {"quad navies drill", "who won cricket world cup", "what is jimex"}
    quad = clusters["quad navies drill"]
    assert quad["count"] == 2 and quad["tapped"] == {"what-is-malabar": 1}
    assert quad["outcomes"] == {"tapped": 1, "suggested": 1}
    assert quad["entry_id"] == "what-is-malabar"  # the pressed suggestion counts for its entry
    cricket = clusters["who won cricket world cup"]
    assert cricket["count"] == 2 and cricket["entry_id"] is None
    jimex = clusters["what is jimex"]
    assert jimex["outcomes"] == {"downvoted": 1} and jimex["feedback"] == ["the year it began"]
    # What /gaps ignored or accepted is left out here too, and said so; --no-overlay lists it.
    overlay = settings.database.parent / "overlay.yaml"
    overlay.write_text(
        "phrasings:\n  what-is-malabar: [quad navies drill]\n"
        "ignored: [who won cricket world cup]\n",
        encoding="utf-8",
    )
    text = faqbot("gaps", "--database", str(settings.database)).stdout
    assert "cricket" not in text and "quad" not in text and "'what is jimex'" in text
    assert f"2 clusters accepted or ignored in {overlay} left out" in text
    everything = faqbot("gaps", "--json", "--no-overlay", "--database", str(settings.database))
    assert len(json.loads(everything.stdout)) == 3
