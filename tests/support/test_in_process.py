"""The in-process request class answers as the fake API does over HTTP, errors included."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from faqbot.bot.send_errors import may_have_arrived

from .fake_bot_api import FakeBotAPI
from .in_process import InProcessRequest, in_process_url, request_factory


@pytest.fixture
async def client(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(
        api.token,
        base_url=f"{in_process_url(api)}/bot",
        request=InProcessRequest(api),
        get_updates_request=InProcessRequest(api, connection_pool_size=1),
    ) as bot:
        yield bot


async def test_calls_are_encoded_and_answered_as_over_http(api: FakeBotAPI, client: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])
    sent = await client.send_message(-1001234567890, "12345", reply_markup=markup)
    assert sent.reply_markup == markup and sent.chat.type == "supergroup"
    [call] = api.calls_to("sendMessage")
    assert call.params["chat_id"] == -1001234567890 and call.params["text"] == "12345"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more:1"
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await client.send_message(1, "x" * 4097)
    assert api._server is None, "no socket was opened"


async def test_a_late_or_lost_answer_may_have_arrived(api: FakeBotAPI, client: Bot) -> None:
    api.answer_late("sendMessage", 0.5, times=1)
    with pytest.raises(TimedOut) as late:
        await client.send_message(1, "slow", read_timeout=0.1)
    api.drop_answer("sendMessage", times=1)
    with pytest.raises(NetworkError) as lost:
        await client.send_message(1, "lost")
    api.fail("sendMessage", error_code=502, description="Bad Gateway")
    with pytest.raises(TelegramError) as refused:
        await client.send_message(1, "refused")
    assert may_have_arrived(late.value) and may_have_arrived(lost.value)
    assert not may_have_arrived(refused.value)
    assert len(api.calls_to("sendMessage")) == 2  # both were carried out


def test_only_an_in_process_url_maps_to_its_api(api: FakeBotAPI) -> None:
    url = in_process_url(api)
    assert url == in_process_url(api) and url.endswith(".invalid")
    assert request_factory(url) is not None
    assert request_factory("https://api.telegram.org") is None
    assert request_factory(in_process_url(FakeBotAPI())) is not None
