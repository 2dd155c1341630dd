"""Daily delivery under failure: outages, slow answers, lost answers, a full disk.

Each test runs the real application against the fake Bot API, on the real clock; with its job
queue started, the delivery loop claims the due chats and retries them as `faqbot run` does.
The chats' timezone puts their local time near midday, far from the change of date that would
end a fact's retries.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time as clock
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection

from faqbot.bot.state import BotApplication
from faqbot.bot.texts import SORRY
from faqbot.config import Settings
from faqbot.handlers.daily import deliver_fact, delivery
from faqbot.knowledge import Pack, load_pack
from faqbot.knowledge.timetable import local_date
from faqbot.storage.daily import Outcome
from tests.support import updates
from tests.support.application import feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.paths import MARKUP_PACK

ADMIN = 1000


def midday_offset(now: datetime) -> str:
    """A UTC offset in which it is about noon now, so no retry crosses a local midnight."""
    hours = 12 - now.hour
    if hours < -12:
        hours += 24
    if hours > 14:
        hours -= 24
    return f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"


ZONE = midday_offset(datetime.now(UTC))


def today() -> date:
    return local_date(datetime.now(UTC), ZONE)


async def subscribe_due(app: BotApplication, chat_ids: Iterable[int]) -> None:
    """Subscribe chats (since yesterday) to a fact due a minute ago, local time about noon."""
    now = datetime.now(UTC)
    local = (now - timedelta(minutes=1)).astimezone(datetime.strptime(ZONE, "%z").tzinfo)
    for chat_id in chat_ids:
        await app.bot_data.stores.daily.subscribe(
            chat_id, time(local.hour, local.minute), ZONE, now - timedelta(days=1)
        )


def facts_to(api: FakeBotAPI, chat_id: int) -> int:
    """Fact cards Telegram accepted for a chat."""
    return sum(
        1
        for call in api.calls_to("sendMessage")
        if call.params["chat_id"] == chat_id and call.params["text"].startswith("<b>📘")
    )


async def recorded(app: BotApplication, chat_id: int) -> bool:
    """The database knows the chat had today's fact."""
    found = await app.bot_data.stores.daily.get(chat_id)
    return found is not None and found.last_sent_on == today()


async def eventually(check: Callable[[], object], timeout: float, what: str) -> None:
    """Wait until check() (sync or async) is true."""
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting until {what}")


async def status_text(app: BotApplication, api: FakeBotAPI) -> str:
    await feed(app, updates.message(ADMIN, ADMIN, "/broadcast_status"))
    (call,) = [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == ADMIN][-1:]
    return str(call.params["text"])


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-off scaled from seconds-to-minutes down to tenths of a second, and claims' leases
    to a second (what is kept in memory is written again when its chat is claimed again)."""
    monkeypatch.setattr(delivery, "RETRY_FIRST_DELAY", 0.05)
    monkeypatch.setattr(delivery, "RETRY_MAX_DELAY", 0.4)
    monkeypatch.setattr(delivery, "DELIVERY_LEASE_SECONDS", 1.0)


@pytest.fixture
async def started(app: BotApplication) -> AsyncIterator[BotApplication]:
    """The application with its job queue running, as `faqbot run` has it."""
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    assert tracebacks == [], tracebacks


# Defect: an outage longer than the retries lost the day's fact.


@pytest.mark.slow
async def test_an_outage_longer_than_a_minute_of_retries_loses_nothing(
    started: BotApplication,
    api: FakeBotAPI,
    quick_retries: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every send answered 502 for several times the longest back-off (in production, 60 s of
    5xx against retries capped at minutes): every chat gets its fact once, that day."""
    chats = range(1, 41)
    outage_ends = clock.monotonic() + 3.0
    met: set[int] = set()

    def refused(call: Call) -> bool:
        """Every send for 3 s, and each chat's first, however late the loop comes to it."""
        chat_id = call.params["chat_id"]
        first = chat_id in chats and chat_id not in met
        met.add(chat_id)
        return first or call.time < outage_ends

    api.fail_when("sendMessage", refused, error_code=502, description="Bad Gateway")
    await subscribe_due(started, chats)
    await eventually(
        lambda: all(facts_to(api, chat_id) for chat_id in chats), 20, "every chat got its fact"
    )
    first_tries = {call.params["chat_id"] for call in api.rejected_calls_to("sendMessage")}
    assert first_tries == set(chats), "every first attempt met the outage"
    assert [facts_to(api, chat_id) for chat_id in chats] == [1] * 40
    for chat_id in chats:
        await eventually(lambda c=chat_id: recorded(started, c), 5, f"chat {chat_id} recorded")
    assert len(api.rejected_calls_to("sendMessage")) >= 40
    status = await status_text(started, api)
    assert "Facts sent today (UTC): 40" in status and "Failures today (UTC): 0 " in status
    no_tracebacks(caplog)


async def test_a_fact_is_given_up_when_its_retry_window_closes(
    settings: Settings, pack: Pack, api: FakeBotAPI, quick_retries: None
) -> None:
    """FAQBOT_DAILY_RETRY_MINUTES bounds the retries; the give-up is counted, once."""
    async with running(dataclasses.replace(settings, daily_retry_minutes=1), pack) as app:
        await subscribe_due(app, [7])
        # Due a minute ago with a one-minute window: the first failure is the last.
        api.fail("sendMessage", error_code=500, description="Internal Server Error", times=1)
        assert await deliver_fact(app, 7) == Outcome.FAILED
        await app.start()
        try:
            await asyncio.sleep(1.5)  # a loop beat: the day is closed, nothing is due
            assert facts_to(api, 7) == 0 and not await recorded(app, 7)
            status = await status_text(app, api)
            assert "Failures today (UTC): 1 undelivered" in status
        finally:
            await app.stop()


async def test_a_long_fact_retried_midway_sends_each_part_once(
    settings: Settings, api: FakeBotAPI, quick_retries: None
) -> None:
    """Chat 42's first fact in the markup pack takes two messages; the second meets a 502."""
    async with running(settings, load_pack(MARKUP_PACK)) as app:
        api.fail_when(
            "sendMessage",
            lambda call: call.params["text"].startswith("Paragraph 7"),
            error_code=502,
            description="Bad Gateway",
            times=2,
        )
        await subscribe_due(app, [42])
        assert await deliver_fact(app, 42) == Outcome.PENDING
        await app.start()
        try:
            await eventually(lambda: recorded(app, 42), 10, "the fact was recorded")
        finally:
            await app.stop()
    texts = [c.params["text"] for c in api.calls_to("sendMessage")]
    assert len(api.rejected_calls_to("sendMessage")) == 2
    assert sum("Paragraph 1:" in text for text in texts) == 1
    assert sum(text.startswith("Paragraph 7") for text in texts) == 1
    assert len(texts) == 2


# Defect: answers slower than the client's timeout were taken for lost sends.


@pytest.mark.slow
async def test_slow_answers_are_waited_for_not_sent_twice(
    app: BotApplication, api: FakeBotAPI
) -> None:
    """Telegram carries out each send but answers after 6 s (past PTB's default 5 s)."""
    chats = range(1, 9)  # one per connection: the test waits for one slow answer, not two
    await subscribe_due(app, chats)
    api.answer_late("sendMessage", 6.0, times=8)
    outcomes = await asyncio.gather(*(deliver_fact(app, chat_id) for chat_id in chats))
    assert outcomes == [Outcome.SENT] * 8
    await asyncio.sleep(0.5)
    assert [facts_to(api, chat_id) for chat_id in chats] == [1] * 8


async def test_an_unanswered_send_is_not_repeated_by_default(
    app: BotApplication, api: FakeBotAPI, quick_retries: None
) -> None:
    """At most once: a send that may have arrived counts as delivered, and says so."""
    await subscribe_due(app, [5])
    api.drop_answer("sendMessage", times=1)
    assert await deliver_fact(app, 5) == Outcome.AMBIGUOUS
    await app.start()
    try:
        await asyncio.sleep(1.5)  # a loop beat: the day is closed
    finally:
        await app.stop()
    assert facts_to(api, 5) == 1
    assert await recorded(app, 5)
    assert await deliver_fact(app, 5) == Outcome.SKIPPED
    status = await status_text(app, api)
    assert "Facts sent today (UTC): 1 (1 unconfirmed" in status


async def test_at_least_once_repeats_an_unanswered_send(
    settings: Settings, pack: Pack, api: FakeBotAPI, quick_retries: None
) -> None:
    async with running(dataclasses.replace(settings, daily_delivery="at-least-once"), pack) as app:
        await subscribe_due(app, [5])
        api.drop_answer("sendMessage", times=1)
        assert await deliver_fact(app, 5) == Outcome.PENDING
        await app.start()
        try:
            await eventually(lambda: facts_to(api, 5) == 2, 5, "the fact was sent again")
            await eventually(lambda: recorded(app, 5), 5, "the fact was recorded")
            assert "Facts sent today (UTC): 1" in await status_text(app, api)
        finally:
            await app.stop()


async def test_no_apology_after_a_reply_that_may_have_arrived(
    app: BotApplication, api: FakeBotAPI
) -> None:
    """The reply went out and its answer was lost: "Sorry" would follow a good answer."""
    api.drop_answer("sendMessage", times=1)
    await feed(app, updates.message(42, 42, "What is the 2+2 dialogue?"))
    texts = [c.params["text"] for c in api.calls_to("sendMessage")]
    assert len(texts) == 1 and SORRY not in texts


async def test_an_error_answer_still_gets_an_apology(app: BotApplication, api: FakeBotAPI) -> None:
    """Telegram answered 500: the reply surely did not arrive, so the user hears something."""
    api.fail("sendMessage", error_code=500, description="Internal Server Error", times=1)
    await feed(app, updates.message(42, 42, "What is the 2+2 dialogue?"))
    assert [c.params["text"] for c in api.calls_to("sendMessage")] == [SORRY]


# Defect: a fact sent but not recorded (disk full), and sent again after a restart.


def small_pages(database: Path) -> None:
    """Make the database file with 512-byte pages, so a few rows fill a table's page."""
    connection = sqlite3.connect(database)
    connection.executescript("PRAGMA page_size = 512; CREATE TABLE probe (x); DROP TABLE probe;")
    connection.close()


async def fill_disk(app: BotApplication) -> None:
    """No page may be added to the file: every write that needs one fails with SQLITE_FULL."""

    def full(connection: Connection) -> None:
        (pages,) = connection.exec_driver_sql("PRAGMA page_count").fetchone()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

    await app.bot_data.stores.database.run(full)


async def free_disk(app: BotApplication) -> None:
    await app.bot_data.stores.database.run(
        lambda connection: connection.exec_driver_sql("PRAGMA max_page_count = 1073741823")
    )


@pytest.mark.slow
async def test_a_full_disk_at_the_due_time_records_every_fact_once_space_returns(
    settings: Settings,
    pack: Pack,
    api: FakeBotAPI,
    quick_retries: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    small_pages(settings.database)
    chats = range(1, 21)
    async with running(settings, pack) as app:
        await subscribe_due(app, chats)
        await fill_disk(app)
        outcomes = await asyncio.gather(*(deliver_fact(app, chat_id) for chat_id in chats))
        assert Outcome.PENDING in outcomes
        await app.start()  # the delivery loop claims again what could not be written
        try:
            status = await status_text(app, api)
            assert "Facts sent today (UTC)" in status
            await asyncio.sleep(1)
            await free_disk(app)
            await eventually(
                lambda: all(facts_to(api, chat_id) for chat_id in chats), 20, "all facts sent"
            )
            for chat_id in chats:
                await eventually(lambda c=chat_id: recorded(app, c), 10, f"chat {chat_id} recorded")
            assert [facts_to(api, chat_id) for chat_id in chats] == [1] * 20
            assert "Facts sent today (UTC): 20" in await status_text(app, api)
        finally:
            await app.stop()
    no_tracebacks(caplog)


@pytest.mark.slow
async def test_a_full_disk_then_a_restart_sends_nothing_twice(
    settings: Settings, pack: Pack, api: FakeBotAPI, quick_retries: None
) -> None:
    """Stopped while the disk is still full, started again with space: no fact comes twice,
    and every chat's rotation moves past the fact it had."""
    small_pages(settings.database)
    chats = range(1, 21)
    async with running(settings, pack) as app:
        await subscribe_due(app, chats)
        await fill_disk(app)
        await asyncio.gather(*(deliver_fact(app, chat_id) for chat_id in chats))
        await app.start()
        try:
            await asyncio.sleep(0.5)
        finally:
            await app.stop()
    sent_before = [facts_to(api, chat_id) for chat_id in chats]
    assert sum(sent_before) > 0, "the full disk should let some sends through"
    async with running(settings, pack) as app:
        await app.start()
        try:
            for chat_id in chats:
                await eventually(lambda c=chat_id: recorded(app, c), 20, f"chat {chat_id} recorded")
            await asyncio.sleep(0.5)
            assert [facts_to(api, chat_id) for chat_id in chats] == [1] * 20

            def rotation(connection: Connection) -> list[tuple[int, int]]:
                return connection.exec_driver_sql(
                    "SELECT chat_id, COUNT(*) FROM daily_sent GROUP BY chat_id ORDER BY chat_id"
                ).fetchall()

            assert await app.bot_data.stores.database.run(rotation) == [(c, 1) for c in chats]
        finally:
            await app.stop()
