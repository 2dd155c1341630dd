"""Several real `faqbot run --webhook` replicas on one PostgreSQL database and one Redis,
behind the round-robin forwarder, for end-to-end tests and benchmarks."""

from __future__ import annotations

import http.client
import json
import random
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.round_robin import RoundRobin

SECRET = "TEST-replicas-secret-0123456789abcdef"
URL = "https://bot.example.org/telegram"
PATH = "/telegram"
LEADS = "leadership: this replica leads"


def own_bot() -> FakeBotAPI:
    """A fake Bot API for a bot of its own id, so its Redis keys are its own too."""
    bot_id = random.randrange(10**9, 2 * 10**9)
    return FakeBotAPI(token=f"{bot_id}:TEST-token-for-tests-only", bot_id=bot_id)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ready(port: int) -> bool:
    """Whether the replica on `port` answers /readyz with 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/readyz")
        response = connection.getresponse()
        json.loads(response.read())
        return response.status == 200
    except (OSError, ValueError):
        return False
    finally:
        connection.close()


class Replicas:
    """`count` webhook replicas of one bot (`api`), their database `database_url` (PostgreSQL)
    and Redis `redis_url`, each on a port of its own, and a RoundRobin in front of them."""

    def __init__(
        self,
        api: FakeBotAPI,
        folder: Path,
        database_url: str,
        redis_url: str,
        count: int = 3,
        env: dict[str, str] | None = None,
    ) -> None:
        self.api = api
        self.ports = [free_port() for _ in range(count)]
        self.bots = [
            BotProcess(
                api,
                folder / f"replica-{n}.sqlite3",  # unused: FAQBOT_DATABASE names PostgreSQL
                env={
                    "FAQBOT_DATABASE": database_url,
                    "FAQBOT_REDIS_URL": redis_url,
                    "FAQBOT_REDIS_REQUIRED": "true",
                    "FAQBOT_WEBHOOK_URL": URL,
                    "FAQBOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                    "FAQBOT_WEBHOOK_SECRET": SECRET,
                    **(env or {}),
                },
                command=("run", "--webhook"),
                ready_method="setWebhook",
            )
            for n, port in enumerate(self.ports)
        ]
        self.forwarder = RoundRobin(self.ports)

    def start(self, timeout: float = 60.0) -> Replicas:
        """Start every replica at once and the forwarder; return once each is ready."""
        self.forwarder.start()
        for bot in self.bots:
            bot.start(wait=False)
        for port in self.ports:
            self.wait_ready(port, timeout)
        return self

    def wait_ready(self, port: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready(port):
            exited = [bot for bot in self.bots if bot.process and bot.process.poll() is not None]
            if time.monotonic() > deadline or exited:
                logs = "\n".join(bot.log[-2000:] for bot in self.bots)
                raise AssertionError(f"replica on port {port} not ready in {timeout} s:\n{logs}")
            time.sleep(0.1)

    def leaders(self) -> list[int]:
        """The indexes of the replicas whose log says they lead (now or before)."""
        return [n for n, bot in enumerate(self.bots) if LEADS in bot.log]

    def close(self) -> None:
        self.forwarder.stop()
        for bot in self.bots:
            bot.close()

    def __enter__(self) -> Replicas:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def busiest_second(calls: Iterable[Call]) -> int:
    """The most calls in any one-second window (sliding, by arrival time)."""
    times = sorted(call.time for call in calls)
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most
