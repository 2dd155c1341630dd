"""Hostile input cannot push a reply past Telegram's limits, fed through the real application."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from faqbot.handlers.errors import SORRY
from tests.conftest import feed
from tests.support import updates
from tests.support.fake_bot_api import FakeBotAPI

USER = 42
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def texts_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


async def command(app: Application, api: FakeBotAPI, text: str, user: int = USER) -> str:
    """Send a command in a private chat; the one reply the bot sent, which Telegram accepted."""
    before = len(texts_to(api, user))
    await feed(app, updates.message(user, user, text))
    replies = texts_to(api, user)
    assert not api.rejected_calls_to("sendMessage"), api.summary()
    assert len(replies) == before + 1, api.summary()
    assert replies[-1] != SORRY
    return replies[-1]


# Replies that echo what the user typed


HOSTILE_ARGUMENTS = {
    "4,000 letters": "x" * 4000,
    "2,000 zero-width spaces": "\u200b" * 2000,
    "zero-width characters around letters": (ZERO_WIDTH + "y") * 600,
    "HTML to escape": "<&>\"'" * 800,
}


@pytest.mark.parametrize("command_name", ["timezone", "daily"])
@pytest.mark.parametrize("argument", HOSTILE_ARGUMENTS.values(), ids=HOSTILE_ARGUMENTS.keys())
async def test_a_bad_argument_is_echoed_as_a_short_excerpt(
    app: Application, api: FakeBotAPI, command_name: str, argument: str
) -> None:
    text = await command(app, api, f"/{command_name} {argument}")
    assert "for example" in text  # the usage line still comes after the echo
    assert len(text) < 600
    assert not any(char in text for char in ZERO_WIDTH) and "\\u" not in text


async def test_a_short_bad_argument_is_echoed_whole(app: Application, api: FakeBotAPI) -> None:
    assert "“Mars/Olympus”" in await command(app, api, "/timezone Mars/Olympus")
    assert "“25 o&#x27;clock”" in await command(app, api, "/daily 25 o'clock")
