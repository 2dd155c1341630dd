"""Telegram's send limits, kept per chat: a wait for one chat's pace never holds up another chat.

`ChatRateLimiter` paces requests as PTB's AIORateLimiter does (a bucket for the whole bot, 20 a
minute per group), but a RetryAfter pauses only the chat it was for. `UpdateSlots` bounds how
many updates run at once, and a handler gives its slot back while it waits for its chat's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

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


class ChatRateLimiter(BaseRateLimiter[int]):
    """Paces requests under Telegram's limits; a RetryAfter pauses only the chat it was for.

    Requests with a chat share one bucket of `overall_max_rate` per `overall_time_period`;
    requests to a group or channel also take from that chat's bucket, `group_max_rate` per
    `group_time_period`. Telegram's retry_after for a chat is that chat's, so the pause it asks
    for delays the chat's later requests only; a RetryAfter on a method without a chat pauses
    every request, as it may be the bot's own limit. `rate_limit_args` (or `max_retries`) is how
    often a request is retried after a RetryAfter before it is raised.
    """

    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60,
        max_retries: int = 0,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, overall_time_period)
        self._group_rate = (group_max_rate, group_time_period)
        self._groups: dict[ChatKey, AsyncLimiter] = {}
        self._paused_until: dict[ChatKey, float] = {}  # loop time a chat may send again
        self._all_paused_until = 0.0
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Wait for the chat's turn, send, and on RetryAfter pause the chat and try again."""
        max_retries = rate_limit_args or self._max_retries
        chat = _chat_key(data.get("chat_id"))
        attempt = 0
        while True:
            await self._wait_for_turn(chat)
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

    async def _wait_for_turn(self, chat: ChatKey | None) -> None:
        await self._wait_out_pauses(chat)
        if chat is None:
            return
        group = self._group_bucket(chat)
        if group is not None:
            if group.has_capacity():
                await group.acquire()
            else:
                async with slot_given_back():
                    await group.acquire()
            # The chat may have been paused while this request waited for its turn.
            await self._wait_out_pauses(chat)
        # Short: the whole bot's bucket refills many times a second, so the slot is kept.
        await self._overall.acquire()

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

    def _group_bucket(self, chat: ChatKey) -> AsyncLimiter | None:
        # Private chats have positive ids; groups, supergroups and channels negative ones, and
        # only supergroups and channels have an @username.
        if isinstance(chat, int) and chat > 0:
            return None
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
