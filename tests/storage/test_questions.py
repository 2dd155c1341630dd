"""The question log's hashes, key, taps, ratings, figures and /forget, on each engine."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select, text

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.question_log import DOWN, UP
from faqbot.storage import questions
from faqbot.storage.legacy import MIGRATIONS
from faqbot.storage.schema import question_log
from faqbot.storage.stores import Stores
from tests.support.application import knowledge_of

USER, OTHER, GROUP = 9001, 9002, -9003
KEY = "k" * 40


@pytest.fixture
def answerer(pack: Pack) -> Answerer:
    return knowledge_of(pack).answerer


def ask(
    stores: Stores,
    answerer: Answerer,
    text: str,
    user: int = USER,
    chat: int = USER,
    language: str = "en",
) -> int:
    outcome = answerer.respond(text)
    asker = stores.questions.asker(chat, user)
    # The reply's message is 500 + the row's id (ids count up from 1 in a new database).
    last = stores.database.run_sync(lambda db: db.scalar(select(func.max(question_log.c.id))))
    message_id = 500 + (last or 0) + 1
    return stores.database.run_sync(
        lambda db: questions.record(
            db, "private", outcome, asker=asker, language=language, message_id=message_id
        )
    )


def test_a_made_key_is_kept_in_the_database_and_a_configured_one_never_is(
    database_target: Path | str,
) -> None:
    first = Stores.open(database_target)
    made = first.questions.user_hash(USER)
    first.close()
    again = Stores.open(database_target)
    assert again.questions.user_hash(USER) == made  # the same key after a restart
    again.close()

    configured = Stores.open(database_target, log_key=KEY)
    assert configured.questions.user_hash(USER) != made
    stored = configured.database.run_sync(
        lambda db: db.execute(text("SELECT value FROM meta")).all()
    )
    configured.close()
    assert KEY not in str(stored) and len(stored) == 1


def test_the_log_names_no_one(database_target: Path | str, answerer: Answerer) -> None:
    stores = Stores.open(database_target, log_key=KEY)
    ask(stores, answerer, "what is jimex")
    rows = stores.database.run_sync(lambda db: db.execute(text("SELECT * FROM question_log")).all())
    stores.close()
    assert rows and str(USER) not in repr(rows)


def test_only_the_askers_first_tap_on_a_suggestion_is_kept(
    database_target: Path | str, answerer: Answerer
) -> None:
    stores = Stores.open(database_target)
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


async def test_a_reply_is_kept_only_on_a_thumbs_down_and_cut(
    database_target: Path | str, answerer: Answerer
) -> None:
    stores = Stores.open(database_target)
    try:
        log = stores.questions
        row = await log.record(
            "private", answerer.respond("what is jimex"), asker=log.asker(USER, USER)
        )
        assert not await log.keep_feedback(row, "before any rating")
        await log.rate(row, UP)
        assert not await log.keep_feedback(row, "after a 👍")
        await log.rate(row, DOWN)
        assert await log.keep_feedback(row, "y" * 4000)
        assert not await log.keep_feedback(row + 1000, "a row that is gone")
        card = await log.card(row)
    finally:
        await stores.aclose()
    assert card is not None and card.feedback == "y" * 500 and card.rating == DOWN


async def test_figures_cover_every_day_of_the_window(
    database_target: Path | str, answerer: Answerer
) -> None:
    stores = Stores.open(database_target)
    try:
        for question in ("what is jimex", "who won the cricket world cup", "hi"):
            ask(stores, answerer, question)
        row = ask(stores, answerer, "what is jimex")
        await stores.questions.rate(row, DOWN)
        now = datetime.now(UTC)
        figures = await stores.questions.figures(7, now, 5)
        gaps = await stores.questions.gaps("en")
        ask(stores, answerer, "who won the cricket world cup", language="hi")
        hindi_gaps = await stores.questions.gaps("hi")
    finally:
        await stores.aclose()
    assert [d.day for d in figures.days][-1] == now.date() and len(figures.days) == 7
    assert sum(d.questions for d in figures.days[:-1]) == 0
    today = figures.days[-1]
    assert (today.questions, today.answered, figures.smalltalk) == (3, 2, 1)
    assert figures.unanswered == (("who won the cricket world cup", 1),)
    assert figures.downvoted == (("what-is-jimex", 1),)
    # /gaps: the unanswered question and the 👎 answer, not the kept answer or the small talk
    assert [(g.question, g.outcome) for g in gaps] == [
        ("who won the cricket world cup", "none"),
        ("what is jimex", "downvoted"),
    ]
    # Each language's gaps on their own: /gaps offers phrasings for the pack's main language.
    assert [(g.question, g.language) for g in hindi_gaps] == [
        ("who won the cricket world cup", "hi")
    ]


def _seed(db: Connection) -> None:
    db.execute(
        text("INSERT INTO language_setting (id, chosen) VALUES (:user, 'hi')"), {"user": USER}
    )
    db.execute(
        text(
            "INSERT INTO daily_subscription (chat_id, kind, timezone, send_at) "
            "VALUES (:user, 'fact', 'Asia/Kolkata', '07:30:00')"
        ),
        {"user": USER},
    )
    db.execute(
        text(
            "INSERT INTO daily_sent (chat_id, kind, cycle, entry_id) VALUES (:user, 'fact', 1, 'x')"
        ),
        {"user": USER},
    )
    for chat in (USER, GROUP):
        db.execute(
            text(
                "INSERT INTO quiz_result (chat_id, user_id, at, answered, correct, "
                "correct_seconds) VALUES (:chat, :user, 1, 1, 1, 2.0)"
            ),
            {"chat": chat, "user": USER},
        )
    db.execute(
        text("INSERT INTO review_box (user_id, item_key, box, due_at) VALUES (:user, 'k', 1, 0)"),
        {"user": USER},
    )


async def test_forget_deletes_the_users_data_across_stores_but_not_group_scores(
    database_target: Path | str, answerer: Answerer
) -> None:
    stores = Stores.open(database_target)
    try:
        ask(stores, answerer, "what is jimex")
        ask(stores, answerer, "what is jimex", user=OTHER, chat=OTHER)
        stores.database.run_sync(_seed)
        gone = await stores.forget_user(USER)
        assert (gone.questions, gone.language, gone.daily, gone.quiz) == (1, 1, 1, 2)

        def count(table: str) -> int:
            return int(
                stores.database.run_sync(
                    lambda db: db.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                )
            )

        assert count("daily_sent") == 0  # with its subscription
        assert count("quiz_result") == 1  # the group's standings keep theirs
        assert count("question_log") == 1  # the other user's
        again = await stores.forget_user(USER)
    finally:
        await stores.aclose()
    assert not again.anything


def test_forget_is_one_transaction(database_target: Path | str, answerer: Answerer) -> None:
    """A delete failing halfway leaves every store as it was: the log's rows come back."""
    stores = Stores.open(database_target)
    try:
        ask(stores, answerer, "what is jimex")
        stores.database.run_sync(_seed)
        key = stores.database.run_sync(lambda db: questions.log_key(db, None))

        def forget_then_fail(db: Connection) -> None:
            questions.forget(db, key, USER)
            raise RuntimeError("the connection broke")

        with pytest.raises(RuntimeError):
            stores.database.run_sync(forget_then_fail)
        kept = stores.database.run_sync(
            lambda db: db.execute(
                text(
                    "SELECT (SELECT COUNT(*) FROM question_log), (SELECT COUNT(*) FROM daily_sent)"
                )
            ).one()
        )
    finally:
        stores.close()
    assert tuple(kept) == (1, 1)


def test_an_older_database_migrates_to_the_log_with_its_rows_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    for version, script in MIGRATIONS[:8]:
        old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    old.execute(
        "INSERT INTO question_log (asked_at, chat_type, question, status, score) "
        "VALUES ('2026-11-01T08:00:00Z', 'private', 'kept', 'none', 0)"
    )
    old.close()
    stores = Stores.open(path)
    rows = stores.database.run_sync(
        lambda db: db.execute(text("SELECT question, language, user_hash FROM question_log")).all()
    )
    stores.close()
    assert [tuple(row) for row in rows] == [("kept", "en", None)]
