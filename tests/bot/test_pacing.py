"""The rate limiter pauses only the chat a RetryAfter was for, and waits give their slot back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from faqbot.bot import pacing
from faqbot.bot.pacing import FOLLOW_UP, ChatRateLimiter, Pace, UpdateSlots

PRIVATE_A, PRIVATE_B, GROUP = 501, 502, -100501


class Endpoint:
    """A stand-in for the HTTP call: answers RetryAfter for the chats told to, once each."""

    def __init__(self, throttled: dict[int | None, int]) -> None:
        self.throttled = dict(throttled)
        self.sent: list[int | None] = []

    async def __call__(self, chat_id: int | None) -> bool:
        if chat_id in self.throttled:
            raise RetryAfter(self.throttled.pop(chat_id))
        self.sent.append(chat_id)
        return True


async def request(
    limiter: ChatRateLimiter, endpoint: Endpoint, chat_id: int | None, pace: Pace | None = None
) -> Any:
    data = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(endpoint, (chat_id,), {}, "sendMessage", data, pace)


@pytest.mark.slow
async def test_a_retry_after_pauses_only_its_chat() -> None:
    limiter = ChatRateLimiter(max_retries=1)
    endpoint = Endpoint({PRIVATE_A: 1})
    throttled = asyncio.create_task(request(limiter, endpoint, PRIVATE_A))
    await asyncio.sleep(0.05)
    assert await request(limiter, endpoint, PRIVATE_B)
    assert endpoint.sent == [PRIVATE_B] and not throttled.done()
    assert await throttled
    assert endpoint.sent == [PRIVATE_B, PRIVATE_A]


@pytest.mark.slow
async def test_a_retry_after_without_a_chat_pauses_every_chat() -> None:
    limiter = ChatRateLimiter(max_retries=1)
    endpoint = Endpoint({None: 1})
    loop = asyncio.get_running_loop()
    started = loop.time()
    chatless = asyncio.create_task(request(limiter, endpoint, None))
    await asyncio.sleep(0.05)
    await request(limiter, endpoint, PRIVATE_B)
    # B waited out the same one-second pause (which of the two goes first after it is the
    # scheduler's choice).
    assert loop.time() - started >= 0.95
    await chatless
    assert sorted(endpoint.sent, key=str) == sorted([None, PRIVATE_B], key=str)


async def test_past_max_retries_the_retry_after_is_raised() -> None:
    endpoint = Endpoint({PRIVATE_A: 1})
    with pytest.raises(RetryAfter):
        await request(ChatRateLimiter(max_retries=0), endpoint, PRIVATE_A)


async def test_an_update_waiting_for_its_groups_pace_gives_its_slot_back() -> None:
    slots = UpdateSlots(running=1, waiting=10)
    limiter = ChatRateLimiter(group_max_rate=1, group_time_period=60)
    endpoint = Endpoint({})
    await request(limiter, endpoint, GROUP)  # the group's bucket is now empty for a minute

    paced = asyncio.create_task(slots.process_update(object(), request(limiter, endpoint, GROUP)))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(
        slots.process_update(object(), request(limiter, endpoint, PRIVATE_B)), timeout=5
    )
    assert endpoint.sent == [GROUP, PRIVATE_B] and not paced.done()
    paced.cancel()


async def test_at_most_the_running_count_of_updates_run_at_once() -> None:
    slots = UpdateSlots(running=2, waiting=10)
    running, most = 0, 0

    async def work() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(*(slots.process_update(object(), work()) for _ in range(6)))
    assert most == 2


async def test_follow_ups_wait_for_the_whole_bots_bucket_behind_other_sends() -> None:
    # One send every 50 ms; the first empties the bucket.
    limiter = ChatRateLimiter(overall_max_rate=1, overall_time_period=0.05)
    endpoint = Endpoint({})
    await request(limiter, endpoint, 600)
    follow_ups = [
        asyncio.create_task(request(limiter, endpoint, chat, FOLLOW_UP)) for chat in (601, 602, 603)
    ]
    await asyncio.sleep(0)  # they queue first...
    firsts = [asyncio.create_task(request(limiter, endpoint, chat)) for chat in (701, 702, 703)]
    await asyncio.gather(*follow_ups, *firsts)
    # ...but only the one already waiting for the bucket goes before the others' first sends.
    assert endpoint.sent == [600, 601, 701, 702, 703, 602, 603]


async def test_follow_ups_wait_while_a_broadcast_has_first_sends_to_make() -> None:
    done = asyncio.Event()
    limiter = ChatRateLimiter(broadcast_done=done)
    endpoint = Endpoint({})
    follow_up = asyncio.create_task(request(limiter, endpoint, 601, FOLLOW_UP))
    await asyncio.sleep(0.3)  # the bucket is free all along, but the broadcast is not done
    await request(limiter, endpoint, 701)  # a first send goes at once
    assert endpoint.sent == [701] and not follow_up.done()
    done.set()
    await asyncio.wait_for(follow_up, 2)
    assert endpoint.sent == [701, 601]


async def test_a_broadcast_holds_a_follow_up_no_longer_than_the_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pacing, "FOLLOW_UP_HOLD_SECONDS", 0.05)
    limiter = ChatRateLimiter(broadcast_done=asyncio.Event())  # a broadcast that never ends
    endpoint = Endpoint({})
    await asyncio.wait_for(request(limiter, endpoint, 601, FOLLOW_UP), 5)
    assert endpoint.sent == [601]


async def test_a_cancelled_waiter_does_not_hold_up_the_lane() -> None:
    limiter = ChatRateLimiter(overall_max_rate=1, overall_time_period=0.05)
    endpoint = Endpoint({})
    await request(limiter, endpoint, 600)
    holder = asyncio.create_task(request(limiter, endpoint, 601))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(request(limiter, endpoint, 602))
    after = asyncio.create_task(request(limiter, endpoint, 603, FOLLOW_UP))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.wait_for(asyncio.gather(holder, after), timeout=2)
    assert endpoint.sent == [600, 601, 603]


async def test_a_pace_may_set_its_own_retries() -> None:
    endpoint = Endpoint({PRIVATE_A: 1})
    limiter = ChatRateLimiter(max_retries=0)
    assert await request(limiter, endpoint, PRIVATE_A, Pace(max_retries=1))
    assert endpoint.sent == [PRIVATE_A]
