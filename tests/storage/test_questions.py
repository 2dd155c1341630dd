"""The question log's hashes, key, taps, ratings, figures and /forget, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.question_log import DOWN, UP
from faqbot.storage import questions
from faqbot.storage.database import MIGRATIONS
from faqbot.storage.stores import Stores

USER, OTHER, GROUP = 9001, 9002, -9003
KEY = "k" * 40


@pytest.fixture
def answerer(pack: Pack) -> Answerer:
    return Answerer.from_pack(pack)


def ask(stores: Stores, answerer: Answerer, text: str, user: int = USER, chat: int = USER) -> int:
    outcome = answerer.respond(text)
    asker = stores.questions.asker(chat, user)
    row = stores.database.run_sync(
        lambda db: questions.record(db, "private", outcome, asker=asker, language="en")
    )
    stores.database.run_sync(lambda db: questions.attach_message(db, row, 500 + row))
    return row


def test_a_made_key_is_kept_in_the_database_and_a_configured_one_never_is(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    first = Stores.open(path)
    made = first.questions.user_hash(USER)
    first.close()
    again = Stores.open(path)
    assert again.questions.user_hash(USER) == made  # the same key after a restart
    again.close()

    configured = Stores.open(path, log_key=KEY)
    assert configured.questions.user_hash(USER) != made
    stored = configured.database.run_sync(
        lambda db: db.execute("SELECT value FROM meta").fetchall()
    )
    configured.close()
    assert KEY not in str(stored) and len(stored) == 1


def test_the_log_names_no_one(tmp_path: Path, answerer: Answerer) -> None:
    stores = Stores.open(tmp_path / "log.sqlite3", log_key=KEY)
    ask(stores, answerer, "what is jimex")
    rows = stores.database.run_sync(lambda db: db.execute("SELECT * FROM question_log").fetchall())
    stores.close()
    assert str(USER) not in repr(rows)


def test_only_the_askers_first_tap_on_a_suggestion_is_kept(
    tmp_path: Path, answerer: Answerer
) -> None:
    stores = Stores.open(tmp_path / "log.sqlite3")
    row = ask(stores, answerer, "japan")
    answered = ask(stores, answerer, "what is jimex")
    db = stores.database

    def tap(user: int, message: int, entry: str) -> int | None:
        asker = stores.questions.asker(USER, user)
        return db.run_sync(lambda c: questions.record_tap(c, asker, message, entry, "v1"))

    assert tap(OTHER, 500 + row, "what-is-jimex") is None  # not the asker
    assert tap(USER, 500 + answered, "what-is-malabar") is None  # an answer, not a suggestion
    assert tap(USER, 500 + row, "what-is-jimex") == row
    assert tap(USER, 500 + row, "what-is-malabar") is None  # the first tap stays
    assert tap(USER, 500 + row, "what-is-jimex") == row
    card = db.run_sync(lambda c: questions.card(c, row))
    stores.close()
    assert card is not None and card.shown_id == "what-is-jimex" and card.answer_version == "v1"


def test_a_reply_is_kept_only_on_a_thumbs_down_and_cut(tmp_path: Path, answerer: Answerer) -> None:
    stores = Stores.open(tmp_path / "log.sqlite3")
    row = ask(stores, answerer, "what is jimex")
    db = stores.database
    assert not db.run_sync(lambda c: questions.keep_feedback(c, row, "before any rating"))
    db.run_sync(lambda c: questions.rate(c, row, UP))
    assert not db.run_sync(lambda c: questions.keep_feedback(c, row, "after a 👍"))
    db.run_sync(lambda c: questions.rate(c, row, DOWN))
    assert db.run_sync(lambda c: questions.keep_feedback(c, row, "y" * 4000))
    card = db.run_sync(lambda c: questions.card(c, row))
    stores.close()
    assert card is not None and card.feedback == "y" * 500 and card.rating == DOWN


def test_figures_cover_every_day_of_the_window(tmp_path: Path, answerer: Answerer) -> None:
    stores = Stores.open(tmp_path / "log.sqlite3")
    for text in ("what is jimex", "who won the cricket world cup", "hi"):
        ask(stores, answerer, text)
    row = ask(stores, answerer, "what is jimex")
    stores.database.run_sync(lambda c: questions.rate(c, row, DOWN))
    now = datetime.now(UTC)
    figures = stores.database.run_sync(lambda c: questions.figures(c, 7, now, 5))
    stores.close()
    assert [d.day for d in figures.days][-1] == now.date() and len(figures.days) == 7
    assert sum(d.questions for d in figures.days[:-1]) == 0
    today = figures.days[-1]
    assert (today.questions, today.answered, figures.smalltalk) == (3, 2, 1)
    assert figures.unanswered == (("who won the cricket world cup", 1),)
    assert figures.downvoted == (("what-is-jimex", 1),)


def test_forget_deletes_the_users_data_across_stores_but_not_group_scores(
    tmp_path: Path, answerer: Answerer
) -> None:
    stores = Stores.open(tmp_path / "log.sqlite3")
    ask(stores, answerer, "what is jimex")
    ask(stores, answerer, "what is jimex", user=OTHER, chat=OTHER)

    def seed(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO language_setting (id, chosen) VALUES (?, 'hi')", (USER,))
        db.execute(
            "INSERT INTO daily_subscription (chat_id, kind, timezone, send_at) "
            "VALUES (?, 'fact', 'Asia/Kolkata', '07:30:00')",
            (USER,),
        )
        db.execute(
            "INSERT INTO daily_sent (chat_id, kind, cycle, entry_id) VALUES (?, 'fact', 1, 'x')",
            (USER,),
        )
        for chat in (USER, GROUP):
            db.execute(
                "INSERT INTO quiz_result (chat_id, user_id, at, answered, correct, "
                "correct_seconds) VALUES (?, ?, 1, 1, 1, 2.0)",
                (chat, USER),
            )
        db.execute(
            "INSERT INTO review_box (user_id, item_key, box, due_at) VALUES (?, 'k', 1, 0)",
            (USER,),
        )

    stores.database.run_sync(seed)
    key = stores.database.run_sync(lambda db: questions.log_key(db, None))  # the one made
    gone = stores.database.run_sync(lambda db: questions.forget(db, key, USER))
    assert (gone.questions, gone.language, gone.daily, gone.quiz) == (1, 1, 1, 2)

    def count(sql: str) -> int:
        return int(stores.database.run_sync(lambda db: db.execute(sql).fetchone()[0]))

    assert count("SELECT COUNT(*) FROM daily_sent") == 0  # with its subscription
    assert count("SELECT COUNT(*) FROM quiz_result") == 1  # the group's standings keep theirs
    assert count("SELECT COUNT(*) FROM question_log") == 1  # the other user's
    again = stores.database.run_sync(lambda db: questions.forget(db, key, USER))
    stores.close()
    assert not again.anything


def test_an_older_database_migrates_to_the_log_with_its_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for version, script in MIGRATIONS[:-1]:
        old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    old.execute(
        "INSERT INTO question_log (chat_type, question, status, score) "
        "VALUES ('private', 'kept', 'none', 0)"
    )
    old.close()
    stores = Stores.open(path)
    rows = stores.database.run_sync(
        lambda db: db.execute("SELECT question, language, user_hash FROM question_log").fetchall()
    )
    stores.close()
    assert rows == [("kept", "en", None)]
