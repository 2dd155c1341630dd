"""Flood protection: N questions a minute per user, then one notice, then silence."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram.ext import Application

from faqbot.bot.flood import WINDOW_SECONDS, FloodGuard, Verdict
from faqbot.bot.throttling import FLOOD_NOTICE
from faqbot.config import Settings
from faqbot.knowledge import Pack
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import FakeBotAPI


class SteppedClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock the test moves forward, so a minute passes instantly."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped = 0.0

    def time(self) -> float:
        return super().time() + self.skipped


@pytest.fixture
def clock() -> Iterator[tuple[asyncio.Runner, SteppedClockLoop]]:
    with asyncio.Runner(loop_factory=SteppedClockLoop) as runner:
        loop = runner.get_loop()
        assert isinstance(loop, SteppedClockLoop)
        yield runner, loop


def verdicts(runner: asyncio.Runner, guard: FloodGuard, user_id: int, count: int) -> list[str]:
    return [runner.run(guard.check(user_id)).value for _ in range(count)]


def test_limit_then_one_notice_then_silence(clock: tuple[asyncio.Runner, SteppedClockLoop]) -> None:
    runner, _ = clock
    guard = FloodGuard(per_minute=3)

    assert verdicts(runner, guard, 1, 6) == ["answer"] * 3 + ["notice"] + ["ignore"] * 2


def test_users_are_counted_separately(clock: tuple[asyncio.Runner, SteppedClockLoop]) -> None:
    runner, _ = clock
    guard = FloodGuard(per_minute=2)

    assert verdicts(runner, guard, 1, 3) == ["answer", "answer", "notice"]
    assert verdicts(runner, guard, 2, 2) == ["answer", "answer"]
    assert verdicts(runner, guard, 1, 1) == ["ignore"]


def test_silence_lasts_until_the_window_ends(
    clock: tuple[asyncio.Runner, SteppedClockLoop],
) -> None:
    runner, loop = clock
    guard = FloodGuard(per_minute=4)
    assert verdicts(runner, guard, 1, 5)[-1] == "notice"

    loop.skipped += WINDOW_SECONDS / 2
    assert verdicts(runner, guard, 1, 1) == ["ignore"]  # ignored questions do not count

    loop.skipped += WINDOW_SECONDS / 2 + 1
    assert verdicts(runner, guard, 1, 5) == ["answer"] * 4 + ["notice"]


def test_a_steady_asker_within_the_rate_is_never_stopped(
    clock: tuple[asyncio.Runner, SteppedClockLoop],
) -> None:
    runner, loop = clock
    guard = FloodGuard(per_minute=6)

    seen = []
    for _ in range(30):  # one question every 10 s for five minutes: exactly the rate
        seen += verdicts(runner, guard, 1, 1)
        loop.skipped += WINDOW_SECONDS / 6
    assert set(seen) == {Verdict.ANSWER.value}


@pytest.fixture
async def strict_app(settings: Settings, pack: Pack) -> AsyncIterator[Application]:
    """The real application with FAQBOT_FLOOD_LIMIT=2."""
    async with running(dataclasses.replace(settings, flood_limit=2), pack) as application:
        yield application


async def test_a_flooding_user_gets_one_polite_notice_and_others_are_unaffected(
    strict_app: Application, api: FakeBotAPI
) -> None:
    for _ in range(5):
        await feed(strict_app, u.message(7001, 7001, "what is jimex"))
    await feed(strict_app, u.message(7002, 7002, "what is jimex"))

    texts = [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == 7001]
    assert [t.startswith("<b>What is JIMEX?</b>") for t in texts] == [True, True, False]
    assert texts[2] == FLOOD_NOTICE.replace("'", "&#x27;")
    assert len([c for c in api.calls_to("sendMessage") if c.params["chat_id"] == 7002]) == 1


async def test_questions_count_across_chats_and_the_notice_stays_in_the_topic(
    strict_app: Application, api: FakeBotAPI
) -> None:
    group = -1001000007001
    await feed(strict_app, u.message(7003, 7003, "what is jimex"))
    await feed(strict_app, u.message(group, 7003, "/ask what is malabar", "supergroup"))
    await feed(
        strict_app,
        u.message(
            group,
            7003,
            f"@{u.BOT_USERNAME} what is milan",
            "supergroup",
            message_thread_id=5,
            is_topic_message=True,
        ),
    )
    await feed(strict_app, u.message(group, 7003, "/ask what is milan", "supergroup"))

    calls = api.calls_to("sendMessage")
    assert len(calls) == 3
    notice = calls[-1]
    assert notice.params["chat_id"] == group
    assert notice.params["message_thread_id"] == 5
    assert "faster than I can keep up" in notice.params["text"]


async def test_buttons_do_not_count_as_questions(strict_app: Application, api: FakeBotAPI) -> None:
    await feed(strict_app, u.message(7004, 7004, "/topics"))
    for _ in range(3):
        await feed(strict_app, u.callback_query(7004, 7004, "a:what-is-jimex", 3))
    await feed(strict_app, u.message(7004, 7004, "what is jimex"))

    texts = [c.params["text"] for c in api.calls_to("sendMessage")]
    assert len(texts) == 5
    assert not any("faster than I can keep up" in t for t in texts)


async def test_commands_count_like_questions(strict_app: Application, api: FakeBotAPI) -> None:
    group = -1001000007005
    for command in ("/fact", "/topics", "/fact", "/help", "/start"):
        await feed(strict_app, u.message(7005, 7005, command))
    await feed(strict_app, u.message(group, 7006, f"/fact@{u.BOT_USERNAME}", "supergroup"))
    await feed(strict_app, u.message(group, 7006, "/fact@another_bot", "supergroup"))
    await feed(strict_app, u.message(group, 7006, "/fact", "supergroup"))
    await feed(strict_app, u.message(group, 7006, "/ask what is jimex", "supergroup"))

    private = [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == 7005]
    assert len(private) == 3
    assert "faster than I can keep up" in private[-1]
    in_group = [
        c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == group
    ]
    assert len(in_group) == 3  # /fact@bot and /fact answered, /fact@another_bot not counted
    assert "faster than I can keep up" in in_group[-1]
