"""Start-up calls (getMe, deleteWebhook) retried through a short outage of the Bot API.

A 5xx or a timeout at start used to exit the bot. Such calls are retried with back-off for
up to STARTUP_RETRY_SECONDS; a rejected token or a bad request is final at once, and a 429 is
waited out by the rate limiter before it ever gets here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long start-up keeps trying before it gives up and the bot exits 1.
STARTUP_RETRY_SECONDS = 60.0
FIRST_DELAY_SECONDS = 1.0
LONGEST_DELAY_SECONDS = 10.0


def is_transient(error: Exception) -> bool:
    """A 5xx, a timeout or a dropped connection; BadRequest is a NetworkError in PTB, but final."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def retried_at_start(call: Callable[[], Awaitable[T]], method: str) -> T:
    """Await `call()`, retrying transient failures with doubling delays until the time is up."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + STARTUP_RETRY_SECONDS
    delay = FIRST_DELAY_SECONDS
    while True:
        try:
            return await call()
        except Exception as error:
            left = give_up_at - loop.time()
            if not is_transient(error) or left <= 0:
                raise
            wait = min(delay, left)
            log.warning(
                "%s failed at start-up (%s: %s); trying again in %.0f s, for up to %.0f s more",
                method,
                type(error).__name__,
                error,
                wait,
                left,
            )
            await asyncio.sleep(wait)
            delay = min(delay * 2, LONGEST_DELAY_SECONDS)
