"""One replica's sends through the bot's sending limiter over a shared Redis, for
tests/bot/test_shared_limits.py: run as a process, it prints the time of each send.

    python -m tests.support.shared_sender REDIS_URL NAMESPACE RATE COUNT START_AT
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from faqbot.app import sending_limiter
from faqbot.bot.shared_limits import RedisLink


async def send_all(
    url: str, namespace: str, rate: float, count: int, start_at: float
) -> list[float]:
    """Send `count` messages to private chats as fast as the limiter lets; their times."""
    link = RedisLink(url, required=True, namespace=namespace)
    limiter = sending_limiter(rate, link)  # the bot's own, as app.py makes it
    sent: list[float] = []

    async def endpoint() -> bool:
        sent.append(time.time())
        return True

    await asyncio.sleep(max(0.0, start_at - time.time()))
    await asyncio.gather(
        *(
            limiter.process_request(endpoint, (), {}, "sendMessage", {"chat_id": 1 + n}, None)
            for n in range(count)
        )
    )
    await link.close()
    return sent


if __name__ == "__main__":
    url, namespace, rate, count, start_at = sys.argv[1:6]
    times = asyncio.run(send_all(url, namespace, float(rate), int(count), float(start_at)))
    print(json.dumps(times))
