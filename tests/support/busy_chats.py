"""Busy chats for the real bot process, and a bystander whose private question is timed.

Each scenario pushes its traffic and returns once the bot is visibly busy with it, so that the
bystander's question arrives while the busy chat is still being served.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from tests.support import updates as u
from tests.support.fake_bot_api import Call, FakeBotAPI

Scenario = Literal["group-fact-spam", "group-members-ask", "private-command-spam", "retry-after"]
SCENARIOS: tuple[Scenario, ...] = (
    "group-fact-spam",
    "group-members-ask",
    "private-command-spam",
    "retry-after",
)
GROUP = -1001000009001
SPAMMER = 9001
FIRST_MEMBER = 9200
THROTTLED_CHAT = 9400
FIRST_BYSTANDER = 9500
RETRY_AFTER_SECONDS = 20


def to_chat(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.params.get("chat_id") == chat_id


def make_busy(api: FakeBotAPI, scenario: Scenario) -> None:
    """Push a scenario's traffic and wait until the bot is busy answering it."""
    if scenario == "group-fact-spam":  # one member sends 60 /fact in a group
        for _ in range(60):
            api.push_update(u.message(GROUP, SPAMMER, "/fact", "supergroup"))
        api.wait_for("sendMessage", to_chat(GROUP), count=15, timeout=30)
    elif scenario == "group-members-ask":  # 30 members each /ask once in one group
        for member in range(FIRST_MEMBER, FIRST_MEMBER + 30):
            api.push_update(u.message(GROUP, member, "/ask what is jimex", "supergroup"))
        api.wait_for("sendMessage", to_chat(GROUP), count=15, timeout=30)
    elif scenario == "private-command-spam":  # 200 /fact in one private chat
        for _ in range(200):
            api.push_update(u.message(SPAMMER, SPAMMER, "/fact"))
        api.wait_for("sendMessage", to_chat(SPAMMER), count=5, timeout=30)
    else:  # Telegram answers one chat "retry after 20"
        api.fail_when(
            "sendMessage",
            to_chat(THROTTLED_CHAT),
            error_code=429,
            retry_after=RETRY_AFTER_SECONDS,
            times=1,
        )
        api.push_update(u.message(THROTTLED_CHAT, THROTTLED_CHAT, "what is jimex"))
        api.wait_for("sendMessage", to_chat(THROTTLED_CHAT), rejected=True, timeout=30)


def bystander_seconds(api: FakeBotAPI, chat_id: int, timeout: float = 60.0) -> float:
    """Seconds from pushing a private question to the sendMessage that answers it."""
    pushed = time.monotonic()
    api.push_update(u.message(chat_id, chat_id, "what is malabar"))
    [answer] = api.wait_for("sendMessage", to_chat(chat_id), timeout=timeout)
    return answer.time - pushed
