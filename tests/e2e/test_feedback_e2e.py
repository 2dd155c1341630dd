"""End to end: 👍/👎 and /forget through the real `faqbot run` process and its database file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from faqbot.knowledge.catalogue import say
from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import Call, FakeBotAPI

USER = 8601


def to_user(call: Call) -> bool:
    return call.params.get("chat_id") == USER


def logged(database: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT status, rating, feedback, user_hash FROM question_log").fetchall()


def wait_logged(database: Path, count: int, timeout: float = 10.0) -> list[tuple[object, ...]]:
    """The log once it holds `count` questions: a question is logged just after its reply is
    sent, so the reply can be seen here a moment before its row."""
    deadline = time.monotonic() + timeout
    while len(rows := logged(database)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return rows


def test_thumbs_down_keeps_the_reply_and_forget_deletes_it_once(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    api.push_update(u.message(USER, USER, "what is jimex"))
    [answer] = api.wait_for("sendMessage", to_user)
    wait_logged(bot.database, 1)  # as a person's tap comes after the answer arrived
    thumbs = {
        b["text"]: b["callback_data"]
        for row in answer.params["reply_markup"]["inline_keyboard"]
        for b in row
    }
    api.push_update(u.callback_query(USER, USER, thumbs["👎"], answer.result["message_id"]))
    [_, prompt] = api.wait_for("sendMessage", to_user, count=2)
    assert prompt.params["text"] == say("en", "feedback_ask")

    api.push_update(u.message(USER, USER, "when it started"))
    [*_, thanks] = api.wait_for("sendMessage", to_user, count=3)
    assert thanks.params["text"] == say("en", "feedback_kept")
    [(status, rating, feedback, user_hash)] = logged(bot.database)
    assert (status, rating, feedback) == ("answer", -1, "when it started")
    assert str(USER) not in str(user_hash)

    api.push_update(u.message(USER, USER, "/forget"))
    [*_, done] = api.wait_for("sendMessage", to_user, count=4)
    assert done.params["text"].startswith("Done. I deleted 1 of your logged questions")
    assert logged(bot.database) == []
    api.push_update(u.message(USER, USER, "/forget"))
    [*_, again] = api.wait_for("sendMessage", to_user, count=5)
    assert again.params["text"] == say("en", "forget_nothing")


def test_the_hash_of_a_user_stays_the_same_across_a_restart(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    api.push_update(u.message(USER, USER, "what is jimex"))
    api.wait_for("sendMessage", to_user)
    bot.stop()
    bot.start()
    api.push_update(u.message(USER, USER, "what is malabar"))
    api.wait_for("sendMessage", to_user, count=2)

    [first, second] = [row[3] for row in wait_logged(bot.database, 2)]
    assert first == second and len(str(first)) == 64
