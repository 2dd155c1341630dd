"""End to end: two real `faqbot run` replicas sharing one Redis hold a user to one flood limit
between them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.services

FLOOD_LIMIT = 3
FLOOD_NOTICE = "faster than I can keep up"


def replies_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


def test_two_replicas_hold_a_user_to_one_flood_limit(redis_url: str, tmp_path: Path) -> None:
    # A user of its own, so other runs on the same Redis never share its count.
    user = random.randrange(10**9, 2 * 10**9)
    env = {"FAQBOT_REDIS_URL": redis_url, "FAQBOT_FLOOD_LIMIT": str(FLOOD_LIMIT)}
    with FakeBotAPI() as first_api, FakeBotAPI() as second_api:
        replicas = [
            BotProcess(api, tmp_path / f"replica-{n}.sqlite3", env=env).start()
            for n, api in enumerate((first_api, second_api))
        ]
        try:
            for n in range(4 * FLOOD_LIMIT):  # alternating, as a load balancer spreads them
                api = (first_api, second_api)[n % 2]
                api.push_update(u.message(user, user, "what is the 2+2 dialogue?"))
                api.wait_for("getUpdates", timeout=10, count=2)  # taken before the next
            for replica in replicas:
                assert replica.stop() == 0
        finally:
            for replica in replicas:
                replica.close()
        replies = replies_to(first_api, user) + replies_to(second_api, user)
    notices = [text for text in replies if FLOOD_NOTICE in text]
    # Alone, each replica would answer three and say "too fast" once: six answers, two notices.
    assert len(notices) == 1, replies
    assert len(replies) == FLOOD_LIMIT + 1, replies
