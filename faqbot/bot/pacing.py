"""Telegram's send limits, kept per chat: a wait for one chat's pace never holds up another chat.

`ChatRateLimiter` paces requests as PTB's AIORateLimiter does (a bucket for the whole bot, 20 a
minute per group), but a RetryAfter pauses only the chat it was for, and a request passed
`rate_limit_args=FOLLOW_UP` waits for the whole bot's bucket behind every other request (see
`Lane`). `UpdateSlots` bounds how many updates run at once, and a handler gives its slot back
while it waits for its chat's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Protocol

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
ChatKey = int | str  # a chat id, or a channel's or supergroup's @username
# Telegram's retry_after counts whole seconds; a little more keeps clear of its boundary.
RETRY_MARGIN_SECONDS = 0.1
# Past this many chats with a bucket or a pause, forget those that are idle again.
PRUNE_AT = 512


class SharedBudget(Protocol):
    """The whole bot's and each group's send budget, kept where every replica sees it.

    Each `take_*` takes one send from the budget and returns 0, or returns the seconds to wait
    before asking again, or None when the shared store is out of reach and the caller's own
    bucket should stand in for it.
    """

    async def take_overall(self) -> float | None: ...

    async def take_group(self, chat: ChatKey) -> float | None: ...


class Lane(IntEnum):
    """Which requests take the whole bot's next send first; lower goes first.

    A daily quiz to thousands of groups at one minute sends each group's first poll, and then,
    as polls close, each group's answer reveal and next poll: those follow-ups would otherwise
    share the bucket with the first polls still to go, and the last group would wait three
    times as long for its quiz to start (docs/benchmarks.md).
    """

    NORMAL = 0  # answers to people, daily facts, a round's first poll
    FOLLOW_UP = 1  # what follows in a chat that already has its round: reveals, next polls


@dataclass(frozen=True)
class Pace:
    """What a call passes as `rate_limit_args`: its lane, and how often to retry a RetryAfter
    (None: the limiter's `max_retries`)."""

    lane: Lane = Lane.NORMAL
    max_retries: int | None = None


FOLLOW_UP = Pace(Lane.FOLLOW_UP)
# How long a follow-up waits, at most, for a broadcast's first sends (ChatRateLimiter's
# `broadcast_done`).
FOLLOW_UP_HOLD_SECONDS = 180.0


async def follow_up_turn(broadcast_done: asyncio.Event | None) -> None:
    """Wait while a broadcast still has first sends to make: until `broadcast_done` is set,
    FOLLOW_UP_HOLD_SECONDS at most (None: no broadcast to wait for). An update waiting here
    gives its slot back."""
    if broadcast_done is None or broadcast_done.is_set():
        return
    async with slot_given_back():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(broadcast_done.wait(), FOLLOW_UP_HOLD_SECONDS)


class _Lanes:
    """Hands the turn at the whole bot's bucket to one waiter at a time, the first waiter of
    the lowest lane first; inside a lane, in the order they came."""

    def __init__(self) -> None:
        self._taken = False
        self._waiting: list[tuple[Lane, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def free(self) -> bool:
        """Whether a request would get the turn at once."""
        return not self._taken and not self._waiting

    @contextlib.asynccontextmanager
    async def turn(self, lane: Lane) -> AsyncIterator[None]:
        """Wait for this lane's turn; hold it for the block."""
        if self.free():
            self._taken = True
        else:
            handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (lane, next(self._order), handed))
            try:
                await handed
            except asyncio.CancelledError:
                # Cancelled just after being handed the turn: pass it on, or it is lost.
                if handed.done() and not handed.cancelled():
                    self._hand_on()
                raise
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        while self._waiting:
            _, _, handed = heapq.heappop(self._waiting)
            if not handed.done():  # a cancelled waiter's future is done
                handed.set_result(None)
                return
        self._taken = False


@dataclass
class _Slot:
    slots: UpdateSlots
    held: bool = True


_this_update: ContextVar[_Slot | None] = ContextVar("faqbot_update_slot", default=None)


class UpdateSlots(BaseUpdateProcessor):
    """Runs at most `running` updates at once; an update waiting for its chat's send pace gives
    its slot back (`slot_given_back`), so other chats are served meanwhile.

    PTB's own bound (`max_concurrent_updates`) counts every update under way, running or
    waiting: past `running + waiting`, new updates queue as they would without this class.
    """

    def __init__(self, running: int, waiting: int) -> None:
        super().__init__(running + waiting)
        self.running = running
        self._slots = asyncio.Semaphore(running)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update in a slot; the coroutine sees the slot through a context variable."""
        await self._slots.acquire()
        slot = _Slot(self)
        token = _this_update.set(slot)
        try:
            await coroutine
        finally:
            _this_update.reset(token)
            if slot.held:
                self._slots.release()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


@contextlib.asynccontextmanager
async def slot_given_back() -> AsyncIterator[None]:
    """Free the current update's slot while the block waits; outside an update, do nothing."""
    slot = _this_update.get()
    if slot is None or not slot.held:
        yield
        return
    slot.slots._slots.release()
    slot.held = False
    try:
        yield
    finally:
        # If this is cancelled, `held` stays False and the slot is not released twice.
        await slot.slots._slots.acquire()
        slot.held = True


class ChatRateLimiter(BaseRateLimiter[Pace]):
    """Paces requests under Telegram's limits; a RetryAfter pauses only the chat it was for.

    Requests with a chat share one bucket of `overall_max_rate` per `overall_time_period`;
    requests to a group or channel also take from that chat's bucket, `group_max_rate` per
    `group_time_period`. Telegram's retry_after for a chat is that chat's, so the pause it asks
    for delays the chat's later requests only; a RetryAfter on a method without a chat pauses
    every request, as it may be the bot's own limit. A call's `rate_limit_args` is a `Pace`: its
    lane at the whole bot's bucket, and how often it is retried after a RetryAfter before that
    is raised (`max_retries` by default).

    With `shared` (bot/shared_limits.py), both budgets are also kept in Redis, so every replica
    of the bot together stays under them; the local bucket still smooths this replica's sends.
    """

    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60,
        max_retries: int = 0,
        shared: SharedBudget | None = None,
        broadcast_done: asyncio.Event | None = None,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, overall_time_period)
        # Cleared while a broadcast still has first sends to make (the daily loop's backlog):
        # its sends leave between store writes, so the bucket is often briefly free of them,
        # and follow-ups would take those turns; they wait for it (FOLLOW_UP_HOLD_SECONDS at
        # most). None: no broadcast holds follow-ups.
        self.broadcast_done = broadcast_done
        self._lanes = _Lanes()
        self._shared = shared
        self._group_rate = (group_max_rate, group_time_period)
        self._groups: dict[ChatKey, AsyncLimiter] = {}
        self._paused_until: dict[ChatKey, float] = {}  # loop time a chat may send again
        self._all_paused_until = 0.0
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release (the shared budget's Redis is closed with the application)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pace | None,
    ) -> JSONResult:
        """Wait for the chat's turn, send, and on RetryAfter pause the chat and try again."""
        pace = rate_limit_args or Pace()
        max_retries = self._max_retries if pace.max_retries is None else pace.max_retries
        chat = _chat_key(data.get("chat_id"))
        attempt = 0
        while True:
            await self._wait_for_turn(chat, pace.lane)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt >= max_retries:
                    # Worded as PTB's AIORateLimiter words it, for operators who know that one.
                    log.warning(
                        "Rate limit hit after maximum of %d retries (%s %s)",
                        max_retries,
                        endpoint,
                        f"to chat {chat}" if chat is not None else "without a chat",
                    )
                    raise
                attempt += 1
                pause = error._retry_after.total_seconds() + RETRY_MARGIN_SECONDS
                self._pause(chat, pause)
                log.info(
                    "Telegram asked to wait %.0f s before %s %s; retrying then",
                    pause,
                    endpoint,
                    f"to chat {chat}" if chat is not None else "(every chat waits)",
                )

    def _pause(self, chat: ChatKey | None, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        if len(self._paused_until) >= PRUNE_AT:
            self._prune()
        if chat is None:
            self._all_paused_until = max(self._all_paused_until, until)
        else:
            self._paused_until[chat] = max(self._paused_until.get(chat, 0.0), until)

    async def _wait_for_turn(self, chat: ChatKey | None, lane: Lane) -> None:
        await self._wait_out_pauses(chat)
        if chat is None:
            return
        if _is_group(chat):
            await self._take_group_turn(chat)
            # The chat may have been paused while this request waited for its turn.
            await self._wait_out_pauses(chat)
        done = self.broadcast_done
        broadcasting = done is not None and not done.is_set()
        if lane is Lane.NORMAL or (self._lanes.free() and not broadcasting):
            # Short: the whole bot's bucket refills many times a second, so the slot is kept.
            await self._take_overall_turn(lane)
        else:
            # A follow-up may wait behind a whole broadcast.
            await follow_up_turn(done)
            async with slot_given_back():
                await self._take_overall_turn(lane)

    async def _take_group_turn(self, chat: ChatKey) -> None:
        if self._shared is not None:
            # None: Redis is out of reach, and this replica's own bucket stands in.
            while (wait := await self._shared.take_group(chat)) is not None:
                if wait <= 0:
                    return
                async with slot_given_back():
                    await asyncio.sleep(wait)
        group = self._group_bucket(chat)
        if group.has_capacity():
            await group.acquire()
        else:
            async with slot_given_back():
                await group.acquire()

    async def _take_overall_turn(self, lane: Lane) -> None:
        async with self._lanes.turn(lane):
            await self._overall.acquire()
            if self._shared is not None:
                while (wait := await self._shared.take_overall()) is not None and wait > 0:
                    await asyncio.sleep(wait)

    async def _wait_out_pauses(self, chat: ChatKey | None) -> None:
        loop = asyncio.get_running_loop()
        while True:
            until = self._all_paused_until
            if chat is not None:
                until = max(until, self._paused_until.get(chat, 0.0))
            delay = until - loop.time()
            if delay <= 0:
                return
            async with slot_given_back():
                await asyncio.sleep(delay)

    def _group_bucket(self, chat: ChatKey) -> AsyncLimiter:
        bucket = self._groups.get(chat)
        if bucket is None:
            if len(self._groups) >= PRUNE_AT:
                self._prune()
            bucket = self._groups[chat] = AsyncLimiter(*self._group_rate)
        return bucket

    def _prune(self) -> None:
        for chat, bucket in list(self._groups.items()):
            if bucket.has_capacity(bucket.max_rate):
                del self._groups[chat]
        now = asyncio.get_running_loop().time()
        for chat, until in list(self._paused_until.items()):
            if until <= now:
                del self._paused_until[chat]


def _is_group(chat: ChatKey) -> bool:
    """Whether Telegram's 20 a minute applies: private chats have positive ids; groups,
    supergroups and channels negative ones, and only supergroups and channels an @username."""
    return not (isinstance(chat, int) and chat > 0)


def _chat_key(chat_id: object) -> ChatKey | None:
    """The chat a request is for: an int id (also when passed as a string), or an @username."""
    if chat_id is None:
        return None
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    try:
        return int(text)
    except ValueError:
        return text
