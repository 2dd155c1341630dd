"""A quiz round end to end: the real `faqbot run` process against the loopback Bot API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import Call, FakeBotAPI

GROUP = -4001
ASHA, RAVI = 5001, 5002
# Short, so the round's timer-driven closes happen within the test; answers still arrive well
# before, since the fake API hands a pushed update to the waiting getUpdates at once.
OPEN_PERIOD = "2"


@pytest.fixture
def quiz_bot(api: FakeBotAPI, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(
        api, tmp_path / "faqbot.sqlite3", env={"FAQBOT_QUIZ_OPEN_PERIOD": OPEN_PERIOD}
    )
    process.start()
    try:
        yield process
    finally:
        process.close()


def leaderboard(api: FakeBotAPI, count: int) -> str:
    """The text of the count-th leaderboard the bot has sent to the group."""
    calls = api.wait_for(
        "sendMessage", lambda c: "quiz standings" in c.params["text"], timeout=20, count=count
    )
    return calls[-1].params["text"]


def poll_answer(api: FakeBotAPI, poll: Call, user: int, name: str, right: bool) -> dict:
    [correct] = poll.params["correct_option_ids"]
    option = correct if right else (correct + 1) % len(poll.params["options"])
    update = u.poll_answer(poll.result["poll"]["id"], user, [option], first_name=name)
    api.push_update(update)
    return update


@pytest.mark.slow
def test_a_round_runs_on_its_timer_scores_answers_once_and_survives_a_restart(
    api: FakeBotAPI, quiz_bot: BotProcess, tmp_path: Path
) -> None:
    api.push_update(u.message(GROUP, ASHA, "/quiz 2", chat_type="group", first_name="Asha"))
    [first] = api.wait_for("sendPoll", timeout=20)
    assert first.params["type"] == "quiz" and first.params["is_anonymous"] is False
    twice = poll_answer(api, first, ASHA, "Asha", right=True)
    api.push_update(twice)  # Telegram may deliver the same answer again
    poll_answer(api, first, RAVI, "Ravi", right=False)

    [stopped] = api.wait_for("stopPoll", timeout=20)
    assert stopped.params["message_id"] == first.result["message_id"]
    second = api.wait_for("sendPoll", timeout=20, count=2)[1]
    assert second.params["question"].startswith("[2/2] ")
    poll_answer(api, second, RAVI, "Ravi", right=True)
    api.wait_for("stopPoll", timeout=20, count=2)
    [summary] = api.wait_for("sendMessage", lambda c: "Round over" in c.params["text"], timeout=20)
    assert "Ravi: 1 of 2 right" in summary.params["text"]
    assert "Asha: 1 of 1 right" in summary.params["text"]
    assert len(api.calls_to("sendPoll")) == 2

    # An answer to a poll that has closed is stale and changes nothing.
    poll_answer(api, first, ASHA, "Asha", right=True)
    api.push_update(u.message(GROUP, ASHA, "/top", chat_type="group", first_name="Asha"))
    before = leaderboard(api, 1)
    lines = before.splitlines()
    assert lines[1].startswith("1. Asha: 1 of 1 right")
    assert lines[2].startswith("1. Ravi: 1 of 2 right") or lines[2].startswith("2. Ravi")
    assert lines[-2].startswith("You: #1 of 2 players")
    # Each closed poll got a reply naming its right option.
    reveals = [c for c in api.calls_to("sendMessage") if c.params["text"].startswith("✅")]
    assert sorted(c.params["reply_parameters"]["message_id"] for c in reveals) == sorted(
        p.result["message_id"] for p in (first, second)
    )
    # The group's admin sets rounds of two questions; the setting outlives the restart.
    api.set_chat_member_status(GROUP, ASHA, "administrator")
    api.push_update(
        u.message(GROUP, ASHA, "/quizsettings questions 2", chat_type="group", first_name="Asha")
    )
    api.wait_for("sendMessage", lambda c: "Questions per round: 2" in c.params["text"], timeout=20)

    assert quiz_bot.stop() == 0
    restarted = BotProcess(
        api, tmp_path / "faqbot.sqlite3", env={"FAQBOT_QUIZ_OPEN_PERIOD": OPEN_PERIOD}
    )
    restarted.start()
    try:
        api.push_update(u.message(GROUP, ASHA, "/top", chat_type="group", first_name="Asha"))
        assert leaderboard(api, 2) == before
        api.push_update(u.message(GROUP, RAVI, "/quiz", chat_type="group", first_name="Ravi"))
        third = api.wait_for("sendPoll", timeout=20, count=3)[2]
        assert third.params["question"].startswith("[1/2] ")
        assert "Traceback" not in quiz_bot.log + restarted.log
    finally:
        restarted.close()
