"""End to end on PostgreSQL: two `faqbot run` replicas on one database share a daily broadcast,
one is killed with SIGKILL mid-way, and every chat still gets its fact, recorded once."""

from __future__ import annotations

import signal
import time as clock
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select

from faqbot.handlers.daily.delivery import DELIVERY_CONCURRENCY, DELIVERY_LEASE_SECONDS
from faqbot.storage import daily
from faqbot.storage.database import Storage
from faqbot.storage.schema import daily_delivery
from tests.support.bot_process import BotProcess
from tests.support.databases import postgresql_schema
from tests.support.fake_bot_api import FakeBotAPI

pytestmark = [pytest.mark.services, pytest.mark.slow]
CHATS = list(range(7001, 7301))
RATE = 40  # sends a second for the whole bot: the broadcast takes several seconds


def subscribe_all(url: str, due: datetime) -> None:
    """Every chat subscribed since yesterday to a fact due at `due` (UTC)."""
    storage = Storage(url)
    storage.open()
    try:
        for chat_id in CHATS:
            storage.run_sync(
                partial(
                    daily.subscribe,
                    chat_id=chat_id,
                    send_at=time(due.hour, due.minute, due.second),
                    default_timezone="UTC",
                    now=datetime.now(UTC) - timedelta(days=1),
                )
            )
            storage.run_sync(
                partial(daily.refresh_due, chat_id=chat_id, kind="fact", now=datetime.now(UTC))
            )
    finally:
        storage.close()


def closed_days(url: str) -> tuple[int, int]:
    """Delivery records, and the chats they are for."""
    storage = Storage(url)
    storage.open()
    try:
        found = storage.run_sync(
            lambda c: c.execute(
                select(func.count(), func.count(func.distinct(daily_delivery.c.chat_id)))
            ).one()
        )
        return int(found[0]), int(found[1])
    finally:
        storage.close()


def test_two_replicas_deliver_every_fact_once_though_one_is_killed(
    api: FakeBotAPI, tmp_path: Path, database_url: str
) -> None:
    if datetime.now(UTC).time() >= time(23, 58):
        pytest.skip("too close to midnight UTC: the facts would be for two days")
    with postgresql_schema(database_url) as url:
        env = {
            "FAQBOT_DATABASE": url,
            "FAQBOT_RATE_LIMIT": str(RATE),
            "FAQBOT_DAILY_DELIVERY": "at-least-once",
        }
        first = BotProcess(api, tmp_path / "first.sqlite3", env=env)
        second = BotProcess(api, tmp_path / "second.sqlite3", env=env)
        try:
            first.start(wait=False)
            second.start(wait=False)
            for bot in (first, second):
                deadline = clock.monotonic() + 60
                while "Application started" not in bot.log and clock.monotonic() < deadline:
                    clock.sleep(0.1)
                assert "Application started" in bot.log, bot.log
            subscribe_all(url, (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0))
            api.wait_for("sendMessage", timeout=60, count=len(CHATS) // 3)
            first.stop(signal.SIGKILL)
            # The killed replica's claims run out after their lease; the other takes them over.
            deadline = clock.monotonic() + DELIVERY_LEASE_SECONDS + 90
            while clock.monotonic() < deadline:
                if closed_days(url)[1] == len(CHATS):
                    break
                clock.sleep(0.5)
            clock.sleep(1)  # a duplicate would arrive now
            assert second.stop() == 0
        finally:
            first.close()
            second.close()
        records, chats = closed_days(url)
    sent = Counter(
        call.params["chat_id"]
        for call in api.calls_to("sendMessage")
        if call.params["chat_id"] in CHATS
    )
    assert (records, chats) == (len(CHATS), len(CHATS)), "every day closed exactly once"
    assert set(sent) == set(CHATS), "no chat went without its fact"
    duplicates = sum(count - 1 for count in sent.values())
    # Sent twice: at most what the killed replica had in flight (at-least-once).
    assert duplicates <= DELIVERY_CONCURRENCY, duplicates
