"""End to end: an update python-telegram-bot cannot parse is skipped past, not retried forever."""

from __future__ import annotations

import time

from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI

ADMIN = 1000
PRIVATE_TEXT = "my secret exam notes"


def confirmed(api: FakeBotAPI, update_id: int) -> None:
    """Wait until the bot's offset has moved past an update."""
    api.wait_for("getUpdates", lambda c: int(c.params.get("offset") or 0) > update_id)


def test_an_unreadable_update_is_skipped_logged_once_and_counted(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    # A user PTB cannot read (no id), in the same batch as a question with user content.
    broken = u.message(8201, 8201, PRIVATE_TEXT)
    del broken["message"]["from"]["id"]
    broken_id = api.push_update(broken)
    question_id = api.push_update(u.message(8202, 8202, "what is jimex"))
    [answer] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 8202)
    assert answer.params["text"].startswith("<b>What is JIMEX?</b>")
    confirmed(api, question_id)
    polls_then = len(api.calls_to("getUpdates"))
    time.sleep(1)
    assert len(api.calls_to("getUpdates")) - polls_then <= 2  # long polls, not a hot loop

    api.push_update(u.message(ADMIN, ADMIN, "/stats"))
    [stats] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == ADMIN)
    assert "Unreadable updates skipped since start</b>: 1 (message 1)" in stats.params["text"]

    log = bot.log
    skipped = [line for line in log.splitlines() if "skipped update" in line]
    assert len(skipped) == 1
    assert f"skipped update {broken_id} (message)" in skipped[0]
    assert PRIVATE_TEXT not in log and "CRITICAL" not in log


def test_a_poll_answer_from_a_server_older_than_9_6_is_read(
    api: FakeBotAPI, bot: BotProcess
) -> None:
    answer = u.poll_answer("5900000000000000001", 8203, [0])
    del answer["poll_answer"]["option_persistent_ids"]
    api.push_update(answer)
    question_id = api.push_update(u.message(8204, 8204, "what is jimex"))
    api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 8204)
    confirmed(api, question_id)
    assert "skipped update" not in bot.log
