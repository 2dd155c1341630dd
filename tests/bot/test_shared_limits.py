"""Limits shared through Redis: replicas together stay under the send cap, a flooding user is
held back by every replica, a follow-up finds its context on any replica, and without Redis
each falls back to the in-process limit (or, required, waits or refuses)."""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import json
import logging
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from faqbot.app import SENDING_SHARE, build_application
from faqbot.bot.flood import FloodGuard, Verdict
from faqbot.bot.pacing import ChatRateLimiter
from faqbot.bot.recent_answers import RecentAnswers
from faqbot.bot.shared_limits import (
    RedisLink,
    SharedFloodGuard,
    SharedRecentAnswers,
    SharedSendBudget,
)
from faqbot.config import Settings, SettingsError
from faqbot.knowledge import Pack

ROOT = Path(__file__).resolve().parents[2]

RATE = 30  # FAQBOT_RATE_LIMIT of the replicas below, Telegram's own
SENDS_EACH = 60


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def most_in_any_second(times: list[float]) -> int:
    """The most sends any one-second window [t, t + 1) holds."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


@pytest.fixture
async def link(redis_url: str) -> AsyncIterator[RedisLink]:
    """A link to the test Redis, under a namespace of its own so parallel runs never meet."""
    shared = RedisLink(redis_url, required=False, namespace=f"faqbot-test:{uuid.uuid4()}")
    yield shared
    await shared.close()


@pytest.fixture
async def other_replica(link: RedisLink) -> AsyncIterator[RedisLink]:
    """A second link to the same Redis and namespace, as another replica has."""
    shared = RedisLink(link.url, required=False, namespace=link.namespace)
    yield shared
    await shared.close()


@pytest.fixture
async def unreachable() -> AsyncIterator[RedisLink]:
    """A link to a Redis that is not there."""
    shared = RedisLink(f"redis://127.0.0.1:{closed_port()}/0", required=False)
    yield shared
    await shared.close()


# --- the send budget --------------------------------------------------------------------------


@pytest.mark.services
def test_two_replica_processes_stay_under_the_cap_in_every_second(redis_url: str) -> None:
    namespace = f"faqbot-test:{uuid.uuid4()}"
    start_at = time.time() + 2.0  # both start importing first, then send together
    command = [sys.executable, "-m", "tests.support.shared_sender", redis_url, namespace]
    arguments = [str(RATE), str(SENDS_EACH), str(start_at)]
    replicas = [
        subprocess.Popen([*command, *arguments], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [replica.communicate(timeout=60)[0] for replica in replicas]
    assert all(replica.returncode == 0 for replica in replicas)
    first, second = (json.loads(output) for output in outputs)
    assert len(first) == len(second) == SENDS_EACH
    # Each alone would send up to 0.95 x 30 a second, 57 together; shared, never over 30.
    assert int(2 * SENDING_SHARE * RATE) > RATE
    assert most_in_any_second(first + second) <= RATE
    # And they did overlap: neither waited for the other to finish.
    assert min(second) < max(first) and min(first) < max(second)


@pytest.mark.services
async def test_a_groups_twenty_a_minute_is_shared_by_every_replica(
    link: RedisLink, other_replica: RedisLink
) -> None:
    here = SharedSendBudget(link, per_second=100, group_per_minute=3)
    there = SharedSendBudget(other_replica, per_second=100, group_per_minute=3)
    waits = [await budget.take_group(-100123) for budget in (here, there, here)]
    assert waits == [0.0, 0.0, 0.0]
    wait = await there.take_group(-100123)
    assert wait is not None and 55 < wait <= 60  # until the first of the three leaves
    assert await there.take_group(-100456) == 0.0  # another group has its own window


async def test_without_redis_the_limiter_paces_on_its_own_bucket(
    unreachable: RedisLink, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = ChatRateLimiter(
        overall_max_rate=2, overall_time_period=0.1, shared=SharedSendBudget(unreachable, 20)
    )
    sent: list[int] = []

    async def endpoint(chat: int) -> bool:
        sent.append(chat)
        return True

    with caplog.at_level(logging.WARNING):
        for chat in (1, 2, -1003, -1003):
            data = {"chat_id": chat}
            await asyncio.wait_for(
                limiter.process_request(endpoint, (chat,), {}, "sendMessage", data, None), 5
            )
    assert sent == [1, 2, -1003, -1003]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per outage, not once per send
    assert "does not answer" in warnings[0] and "in-process limits" in warnings[0]


# --- flood protection -------------------------------------------------------------------------


@pytest.mark.services
async def test_a_flooding_user_is_held_back_by_every_replica(
    link: RedisLink, other_replica: RedisLink
) -> None:
    here, there = SharedFloodGuard(3, link), SharedFloodGuard(3, other_replica)
    user, other_user = 7001, 7002
    verdicts = [await guard.check(user) for guard in (here, there, here, there, here, there)]
    # Three answered in all, not three per replica; one notice, from whichever saw it first.
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.NOTICE, Verdict.IGNORE, Verdict.IGNORE]
    assert await there.check(other_user) is Verdict.ANSWER


async def test_without_redis_flood_protection_is_the_in_process_one(
    unreachable: RedisLink,
) -> None:
    shared, local = SharedFloodGuard(2, unreachable), FloodGuard(2)
    assert [await shared.check(9) for _ in range(4)] == [await local.check(9) for _ in range(4)]


# --- the follow-up context --------------------------------------------------------------------


@pytest.mark.services
async def test_a_follow_up_finds_its_context_on_another_replica(
    link: RedisLink, other_replica: RedisLink
) -> None:
    here, there = SharedRecentAnswers(300, link), SharedRecentAnswers(300, other_replica)
    await here.remember(-4001, 5001, "exercises")
    assert await there.recall(-4001, 5001) == "exercises"
    assert await there.recall(-4001, 5002) is None  # another member of the group
    short = SharedRecentAnswers(0.2, other_replica)
    await short.remember(-4001, 5003, "hadr")
    await asyncio.sleep(0.4)
    assert await here.recall(-4001, 5003) is None  # expired, in Redis's own time


@pytest.mark.services
async def test_forgetting_a_user_drops_their_context_on_every_replica(
    link: RedisLink, other_replica: RedisLink
) -> None:
    here, there = SharedRecentAnswers(300, link), SharedRecentAnswers(300, other_replica)
    await here.remember(-4001, 5001, "exercises")
    await here.remember(5001, 5001, "hadr")
    await here.remember(-4001, 50011, "malabar")  # a user id that starts with the other's

    await there.forget_user(5001)

    assert await here.recall(-4001, 5001) is None and await here.recall(5001, 5001) is None
    assert await here.recall(-4001, 50011) == "malabar"


async def test_without_redis_the_context_is_kept_in_process(unreachable: RedisLink) -> None:
    recent = SharedRecentAnswers(300, unreachable)
    await recent.remember(1, 2, "exercises")
    assert await recent.recall(1, 2) == "exercises"
    assert len(recent) == 1 and isinstance(recent, RecentAnswers)
    await recent.forget_user(2)
    assert await recent.recall(1, 2) is None


# --- FAQBOT_REDIS_REQUIRED --------------------------------------------------------------------


async def test_required_waits_for_redis_instead_of_falling_back() -> None:
    link = RedisLink(f"redis://127.0.0.1:{closed_port()}/0", required=True)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(SharedFloodGuard(2, link).check(9), 0.5)
    finally:
        await link.close()


def test_required_and_unreachable_the_bot_refuses_to_start(settings: Settings, pack: Pack) -> None:
    url = f"redis://:hunter2secret@127.0.0.1:{closed_port()}/0"
    down = dataclasses.replace(settings, redis_url=url, redis_required=True)
    with pytest.raises(SettingsError) as refused:
        build_application(down, pack=pack)
    message = str(refused.value)
    assert "FAQBOT_REDIS_REQUIRED" in message and "127.0.0.1" in message
    assert "hunter2secret" not in message


@pytest.mark.services
async def test_with_redis_the_application_shares_its_limits(
    settings: Settings, pack: Pack, redis_url: str
) -> None:
    shared = dataclasses.replace(settings, redis_url=redis_url)
    application = build_application(shared, pack=pack)
    state = application.bot_data
    assert isinstance(state.flood, SharedFloodGuard)
    assert isinstance(state.recent_answers, SharedRecentAnswers)
    await application.post_shutdown(application)


async def test_unreachable_at_start_the_bot_starts_on_in_process_limits_with_one_warning(
    settings: Settings, pack: Pack, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"redis://:hunter2secret@127.0.0.1:{closed_port()}/0"
    down = dataclasses.replace(settings, redis_url=url)
    with caplog.at_level(logging.WARNING):
        application = build_application(down, pack=pack)
        state = application.bot_data
        assert [await state.flood.check(9) for _ in range(2)] == [Verdict.ANSWER] * 2
        await state.recent_answers.remember(1, 9, "exercises")
        assert await state.recent_answers.recall(1, 9) == "exercises"
    await application.post_shutdown(application)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "start-up check" in warnings[0] and "in-process limits" in warnings[0]
    assert "hunter2secret" not in warnings[0]
