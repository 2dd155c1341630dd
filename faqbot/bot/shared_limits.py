"""Limits every replica of the bot shares through Redis (FAQBOT_REDIS_URL): the send budget,
per-user flood protection and the follow-up context.

Telegram's limits are per bot, not per process, and a user's next message may reach another
replica. The budgets are `limits`' moving windows over Redis: no one-second window ever holds
more sends than the budget, whichever replica sent them. While Redis is out of reach each
falls back to the in-process one it extends, with one warning, or, with FAQBOT_REDIS_REQUIRED,
waits for Redis instead, so the bot never paces itself on a partial view.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

import redis
import redis.asyncio
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from telegram.constants import FloodLimit

from faqbot.bot.flood import WINDOW_SECONDS, FloodGuard, Verdict
from faqbot.bot.pacing import ChatKey
from faqbot.bot.recent_answers import RecentAnswers

log = logging.getLogger(__name__)

T = TypeVar("T")

# Redis runs beside the bot: a second is long for it, and past it a send should not wait more.
TIMEOUT_SECONDS = 1.0
# While Redis is out of reach, how often to try it again; required, the longest back-off.
RECHECK_SECONDS = 5.0
# The shortest wait before asking a full window again, so a waiter never spins.
MIN_WAIT_SECONDS = 0.005
DEFAULT_NAMESPACE = "faqbot"
_FAILURES = (StorageError, redis.RedisError, OSError)


class RedisUnreachable(Exception):
    """Redis did not answer; the caller's in-process limit stands in."""


def where(url: str) -> str:
    """host:port/db of a Redis URL, for log lines: never its password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname or 'localhost'}{port}{parts.path or ''}"


def _limits_uri(url: str) -> str:
    """The URL as `limits` names its asyncio Redis storage."""
    scheme, _, rest = url.partition("://")
    return f"async+redis+unix://{rest}" if scheme == "unix" else f"async+{url}"


def check_reachable(url: str) -> str | None:
    """None if Redis at `url` answers PING now, else why not (one line, no password)."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        with client:
            client.ping()
    except (redis.RedisError, OSError) as error:
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    return None


class RedisLink:
    """One Redis for the shared limits, and what happens while it is out of reach: fall back
    (`required` False: one warning, Redis tried again every few seconds) or wait for it."""

    def __init__(self, url: str, *, required: bool, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.url = url
        self.required = required
        self.namespace = namespace
        self.client = redis.asyncio.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        storage = RedisStorage(
            _limits_uri(url),
            implementation="redispy",
            wrap_exceptions=True,
            key_prefix=namespace,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
        self.windows = MovingWindowRateLimiter(storage)
        self._retry_at = 0.0  # monotonic time to try Redis again after it failed
        self._down_since: float | None = None

    def key(self, *parts: object) -> str:
        """A key of the bot's own, beside the windows `limits` keeps."""
        return ":".join((self.namespace, *(str(part) for part in parts)))

    async def run(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """Run one Redis operation; RedisUnreachable if Redis is out of reach and not required
        (and, for RECHECK_SECONDS after a failure, without trying it)."""
        delay = MIN_WAIT_SECONDS
        while True:
            if not self.required and time.monotonic() < self._retry_at:
                raise RedisUnreachable
            try:
                result = await operation()
            except _FAILURES as error:
                self.note_failure(error, what)
                if not self.required:
                    raise RedisUnreachable from error
                delay = min(max(delay * 2, 0.1), RECHECK_SECONDS)
                await asyncio.sleep(delay)
                continue
            if self._down_since is not None:
                log.warning(
                    "Redis at %s answers again after %.0f s; limits are shared again",
                    where(self.url),
                    time.monotonic() - self._down_since,
                )
                self._down_since = None
            return result

    def note_failure(self, error: BaseException | str, what: str) -> None:
        """Redis failed the `what`: say so once per outage, and leave it alone for a while."""
        now = time.monotonic()
        self._retry_at = now + RECHECK_SECONDS
        if self._down_since is not None:
            return
        self._down_since = now
        if self.required:
            log.error(
                "Redis at %s does not answer (%s, for the %s); FAQBOT_REDIS_REQUIRED is set, "
                "so sends and questions wait until it does: check that Redis is running",
                where(self.url),
                error,
                what,
            )
        else:
            log.warning(
                "Redis at %s does not answer (%s, for the %s); this replica uses its own "
                "in-process limits until it does, so replicas together may exceed them: check "
                "that Redis is running (FAQBOT_REDIS_REQUIRED=true waits for it instead)",
                where(self.url),
                error,
                what,
            )

    async def close(self) -> None:
        """Close the bot's own connection (limits' storage closes with the process)."""
        await self.client.aclose()


class SharedSendBudget:
    """The whole bot's sends per second and each group's per minute, across replicas: the
    `SharedBudget` of bot/pacing.py's ChatRateLimiter."""

    def __init__(
        self,
        link: RedisLink,
        per_second: int,
        group_per_minute: int = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
    ) -> None:
        self._link = link
        self._overall = RateLimitItemPerSecond(per_second)
        self._group = RateLimitItemPerMinute(group_per_minute)

    async def take_overall(self) -> float | None:
        """Take one send from the whole bot's budget: 0, seconds to wait, or None (no Redis)."""
        return await self._take(self._overall, "send")

    async def take_group(self, chat: ChatKey) -> float | None:
        """Take one send from the group's budget: 0, seconds to wait, or None (no Redis)."""
        return await self._take(self._group, "group", str(chat))

    async def _take(self, item: RateLimitItem, *identifiers: str) -> float | None:
        async def attempt() -> float:
            if await self._link.windows.hit(item, *identifiers):
                return 0.0
            stats = await self._link.windows.get_window_stats(item, *identifiers)
            return max(stats.reset_time - time.time(), MIN_WAIT_SECONDS)

        try:
            return await self._link.run(attempt, "send budget")
        except RedisUnreachable:
            return None


class SharedFloodGuard(FloodGuard):
    """FloodGuard's verdicts with each user's count in Redis: `per_minute` questions in any
    60 seconds, then one notice (from whichever replica sees it first) and silence until the
    user has sent nothing answered for a whole window."""

    def __init__(self, per_minute: int, link: RedisLink) -> None:
        super().__init__(per_minute)
        self._link = link
        self._window = RateLimitItemPerMinute(per_minute)

    async def check(self, user_id: int) -> Verdict:
        """Count one question from this user and say whether to answer it."""
        try:
            return await self._link.run(lambda: self._check_shared(user_id), "flood check")
        except RedisUnreachable:
            return await super().check(user_id)

    async def _check_shared(self, user_id: int) -> Verdict:
        windows, client = self._link.windows, self._link.client
        flooded = self._link.key("flooded", user_id)
        if await client.exists(flooded):
            stats = await windows.get_window_stats(self._window, "flood", str(user_id))
            if stats.remaining < self.per_minute:
                return Verdict.IGNORE
            await client.delete(flooded)
        if await windows.hit(self._window, "flood", str(user_id)):
            return Verdict.ANSWER
        # Only the replica that sets the mark says so; the mark outlives a full window.
        noticed = await client.set(flooded, 1, nx=True, ex=2 * WINDOW_SECONDS)
        return Verdict.NOTICE if noticed else Verdict.IGNORE


class SharedRecentAnswers(RecentAnswers):
    """RecentAnswers kept in Redis (GET, SET … PX), so a follow-up may reach any replica."""

    def __init__(self, ttl: float, link: RedisLink) -> None:
        super().__init__(ttl)
        self._link = link

    async def recall(self, chat_id: int, user_id: int) -> str | None:
        """The entry id answered last to this user in this chat, unless it has expired."""
        key = self._link.key("recent", chat_id, user_id)
        try:
            found = await self._link.run(lambda: self._link.client.get(key), "follow-up context")
        except RedisUnreachable:
            return await super().recall(chat_id, user_id)
        return found.decode() if isinstance(found, bytes) else found

    async def remember(self, chat_id: int, user_id: int, entry_id: str) -> None:
        """Keep the entry just answered as this user's context in this chat, for `ttl` seconds."""
        key = self._link.key("recent", chat_id, user_id)
        milliseconds = max(1, int(self.ttl * 1000))
        try:
            await self._link.run(
                lambda: self._link.client.set(key, entry_id, px=milliseconds), "follow-up context"
            )
        except RedisUnreachable:
            await super().remember(chat_id, user_id, entry_id)

    async def forget_user(self, user_id: int) -> None:
        """Drop this user's context in every chat, in Redis and in process (after /forget).

        Keys are (chat, user), so this scans for the user's; /forget is rare."""
        await super().forget_user(user_id)
        pattern = self._link.key("recent", "*", user_id)

        async def delete() -> None:
            async for key in self._link.client.scan_iter(match=pattern, count=1000):
                await self._link.client.delete(key)

        # Out of reach: each replica's in-process fallback context still expires in minutes.
        with contextlib.suppress(RedisUnreachable):
            await self._link.run(delete, "follow-up context")
