"""Which failed requests may have been carried out: real failures from a real PTB Bot."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import TelegramError

from faqbot.bot.send_errors import may_have_arrived
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture
async def client(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=f"{api.base_url}/bot") as bot:
        yield bot


async def failure(bot: Bot, **options: float) -> TelegramError:
    with pytest.raises(TelegramError) as raised:
        await bot.send_message(1, "x", **options)
    return raised.value


async def test_unanswered_sends_may_have_arrived(api: FakeBotAPI, client: Bot) -> None:
    api.answer_late("sendMessage", 0.5, times=1)
    assert may_have_arrived(await failure(client, read_timeout=0.1))
    api.drop_answer("sendMessage", times=1)
    assert may_have_arrived(await failure(client))
    assert len(api.calls_to("sendMessage")) == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize(
    ("error_code", "description"),
    [(502, "Bad Gateway"), (500, "Internal Server Error"), (400, "Bad Request: chat not found"),
     (429, None)],
)  # fmt: skip
async def test_telegram_s_error_answers_did_not_arrive(
    api: FakeBotAPI, client: Bot, error_code: int, description: str | None
) -> None:
    api.fail(
        "sendMessage",
        error_code=error_code,
        description=description,
        retry_after=1 if error_code == 429 else None,
    )
    assert not may_have_arrived(await failure(client))


async def test_a_request_that_never_connected_did_not_arrive() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    bot = Bot("123456789:TEST-token-for-tests-only", base_url=f"http://127.0.0.1:{port}/bot")
    with pytest.raises(TelegramError) as raised:
        async with bot:  # starting up asks getMe, which cannot connect
            pass
    assert not may_have_arrived(raised.value)
