"""End to end: a busy chat never holds up another chat's answer (the real `faqbot run`)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.support.bot_process import BotProcess
from tests.support.busy_chats import (
    FIRST_BYSTANDER,
    SCENARIOS,
    SPAMMER,
    Scenario,
    bystander_seconds,
    make_busy,
    to_chat,
)
from tests.support.fake_bot_api import FakeBotAPI

# The target for a bystander, end to end; today's figures are in docs/benchmarks.md.
BYSTANDER_LIMIT_SECONDS = 2.0


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_bystander_is_answered_while_another_chat_is_busy(
    api: FakeBotAPI, tmp_path: Path, scenario: Scenario
) -> None:
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3").start()
    try:
        make_busy(api, scenario)
        waited = bystander_seconds(api, FIRST_BYSTANDER, timeout=30)
        assert waited < BYSTANDER_LIMIT_SECONDS, f"{scenario}: the bystander waited {waited:.1f} s"
    finally:
        # The busy chat still has replies paced minutes ahead; they are not what is tested.
        bot.stop(signal.SIGKILL)
        bot.close()


def test_private_command_spam_meets_the_flood_limit(api: FakeBotAPI, tmp_path: Path) -> None:
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3", env={"FAQBOT_FLOOD_LIMIT": "5"}).start()
    try:
        make_busy(api, "private-command-spam")
        bystander_seconds(api, FIRST_BYSTANDER)  # by now every /fact was handled
        assert bot.stop() == 0
    finally:
        bot.close()
    replies = [c.params["text"] for c in api.calls_to("sendMessage") if to_chat(SPAMMER)(c)]
    notices = [text for text in replies if "faster than I can keep up" in text]
    assert (len(replies), len(notices)) == (6, 1)  # five facts and one notice, of 200 commands
