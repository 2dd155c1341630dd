"""End to end: the real `faqbot run` process delivers daily facts on time, across restarts.

The clock. The bot runs on the real clock; the test controls the schedule instead. It writes
subscriptions into the database with a send time a few seconds after now (the store keeps
seconds, although /daily only offers minutes), in a fixed UTC offset chosen so that the chats'
local time is around midday, far from a change of date. That exercises the same code a real
morning does: `run_daily` jobs rebuilt from the database, the one-fact-a-day record, and the
catch-up at start-up. We chose this over libfaketime: faking the clock of the whole process
also moves asyncio's and httpx's timers (long polling and timeouts misbehave when time jumps),
it needs an extra system package in CI, and it tests the fake as much as the bot. Waiting for
a real send time costs a few seconds per test instead.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time as clock
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pytest

from faqbot.storage import daily
from faqbot.storage.database import Storage
from tests.support import updates
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI

ADMIN = 1000
# Counted from the bot's getMe (BotProcess.start_after), so only the end of its start-up
# (menus, scheduling) must fit; if it is slower still, the facts are sent as "missed today"
# at start-up, which the test accepts too.
LEAD = timedelta(seconds=3)


def midday_offset(now: datetime) -> str:
    """A UTC offset in which it is about noon now, so no test crosses a local midnight."""
    hours = 12 - now.hour
    if hours < -12:
        hours += 24
    if hours > 14:
        hours -= 24
    return f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"


def write_subscriptions(database: Path, due: datetime, offset: str, chat_ids: list[int]) -> None:
    """Subscribe chats (since yesterday) to a fact at `due`, as if they had sent /daily."""
    local = due.astimezone(datetime.strptime(offset, "%z").tzinfo).time()
    storage = Storage(database)
    storage.open()
    try:
        for chat_id in chat_ids:
            storage.run_sync(
                partial(
                    daily.subscribe,
                    chat_id=chat_id,
                    send_at=time(local.hour, local.minute, local.second),
                    default_timezone=offset,
                    now=datetime.now(UTC) - timedelta(days=1),
                )
            )
            # Subscribed since yesterday, due as of now (as if the bot had kept it since).
            storage.run_sync(
                partial(daily.refresh_due, chat_id=chat_id, kind="fact", now=datetime.now(UTC))
            )
    finally:
        storage.close()


def facts_to(api: FakeBotAPI, chat_id: int) -> int:
    return sum(
        1
        for call in api.calls_to("sendMessage")
        if call.params["chat_id"] == chat_id and call.params["text"].startswith("<b>📘")
    )


def wait_for_log(bot: BotProcess, pattern: str, timeout: float = 30.0) -> re.Match[str]:
    """Block until the bot's log has a line matching pattern."""
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        if found := re.search(pattern, bot.log):
            return found
        clock.sleep(0.1)
    raise AssertionError(f"no log line matching {pattern!r} in:\n{bot.log}")


@pytest.mark.slow
def test_facts_arrive_on_time_and_restarts_never_send_twice(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "faqbot.sqlite3"
    offset = midday_offset(datetime.now(UTC))

    def subscribe() -> None:
        now = datetime.now(UTC)
        write_subscriptions(database, now + LEAD, offset, [1, 2])
        write_subscriptions(database, now + timedelta(hours=2), offset, [4])

    bot = BotProcess(api, database, env={"FAQBOT_ADMIN_IDS": str(ADMIN)})
    try:
        bot.start_after(subscribe)
        wait_for_log(bot, r"daily facts: 3 chats scheduled, [0-2] missed")
        api.wait_for("sendMessage", lambda c: c.params["chat_id"] in (1, 2), timeout=30, count=2)
        assert bot.stop() == 0

        # While the bot is down, chat 3's time comes and goes.
        due = datetime.now(UTC) + timedelta(seconds=1)
        write_subscriptions(database, due, offset, [3])
        clock.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1)

        bot.start()
        wait_for_log(bot, r"daily facts: 4 chats scheduled, 1 missed today sent now")
        api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 3, timeout=30)
        assert bot.stop() == 0

        bot.start()
        wait_for_log(bot, r"daily facts: 4 chats scheduled, 0 missed")
        api.push_update(updates.message(ADMIN, ADMIN, "/broadcast_status"))
        (status,) = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == ADMIN)
        assert "Facts sent today (UTC): 3" in status.params["text"]
        assert [facts_to(api, chat_id) for chat_id in (1, 2, 3, 4)] == [1, 1, 1, 0]
    finally:
        bot.close()


def hold_write_lock(database: Path, start: datetime, seconds: float) -> threading.Thread:
    """From `start`, hold the database's write lock for `seconds` from another connection, as
    a backup tool or a second program writing to the file would."""

    def hold() -> None:
        clock.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()))
        locker = sqlite3.connect(database, isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")
            clock.sleep(seconds)
            locker.execute("ROLLBACK")
        finally:
            locker.close()

    thread = threading.Thread(target=hold, name="write-lock", daemon=True)
    thread.start()
    return thread


def recorded_today(database: Path) -> int:
    """Chats whose fact of today the database knows of."""
    reader = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        (count,) = reader.execute(
            "SELECT COUNT(*) FROM daily_subscription WHERE last_sent_on IS NOT NULL"
        ).fetchone()
    finally:
        reader.close()
    return int(count)


@pytest.mark.slow
def test_a_write_lock_at_the_due_time_loses_and_repeats_nothing(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    """Another connection holds the write lock for 12 s around the facts' time (the bot waits
    5 s for a lock, then gives up that write): every fact is delivered once and recorded, so
    a restart sends nothing again."""
    database = tmp_path / "faqbot.sqlite3"
    chats = list(range(1, 21))
    bot = BotProcess(api, database, env={"FAQBOT_ADMIN_IDS": str(ADMIN)})
    try:
        # Due 6 s after the bot is past the slow part of its start (its getMe), so it is up
        # well before the time however loaded the machine is.
        offset = midday_offset(datetime.now(UTC))
        due = datetime.now(UTC) + timedelta(days=1)

        def subscribe() -> None:
            nonlocal due
            due = datetime.now(UTC) + timedelta(seconds=6)
            write_subscriptions(database, due, offset, chats)

        bot.start_after(subscribe)
        wait_for_log(bot, r"daily facts: 20 chats scheduled, 0 missed")
        lock = hold_write_lock(database, due - timedelta(seconds=1), 12.0)
        api.wait_for("sendMessage", lambda c: c.params["chat_id"] in chats, timeout=90, count=20)
        lock.join()
        deadline = clock.monotonic() + 60
        while recorded_today(database) < 20 and clock.monotonic() < deadline:
            clock.sleep(0.2)
        assert recorded_today(database) == 20, bot.log
        assert bot.stop() == 0

        bot.start()
        wait_for_log(bot, r"daily facts: 20 chats scheduled, 0 missed")
        api.push_update(updates.message(ADMIN, ADMIN, "/broadcast_status"))
        (status,) = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == ADMIN)
        assert "Facts sent today (UTC): 20" in status.params["text"]
        assert [facts_to(api, chat_id) for chat_id in chats] == [1] * 20
        assert "Traceback" not in bot.log
    finally:
        bot.close()


def test_a_corrupt_database_stops_the_bot_and_is_left_untouched(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "faqbot.sqlite3"
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 64
    database.write_bytes(garbage)
    bot = BotProcess(api, database)
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=30) == 1
        lines = bot.log.strip().splitlines()
        assert len(lines) == 1, bot.log
        assert f"database {database} is corrupt" in lines[0]
        assert "restore it from a backup" in lines[0]
        assert database.read_bytes() == garbage
        assert not api.calls_to("getUpdates")
    finally:
        bot.close()
