"""`/daily quiz`: the schedule, and its delivery with the daily facts' guarantees, fed through
the real application against the fake Bot API."""

from __future__ import annotations

import asyncio
import time as clock
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, time, timedelta

import pytest

from faqbot.bot.state import BotApplication
from faqbot.handlers.daily import delivery
from faqbot.handlers.daily.delivery import deliver_daily
from faqbot.knowledge.timetable import local_date, next_due
from faqbot.storage.daily import DailyKind, DailySubscription, Outcome
from faqbot.storage.quiz import Setting, default_settings
from tests.support import updates
from tests.support.application import feed
from tests.support.daily import due, next_time
from tests.support.fake_bot_api import Call, FakeBotAPI

USER = 42
GROUP = -4001
OTHER_GROUP = -4002
SUPERGROUP = -1001234567890
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


def texts_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


def polls_to(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return [c for c in api.calls_to("sendPoll") if c.params["chat_id"] == chat_id]


async def command(app: BotApplication, api: FakeBotAPI, text: str, chat_id: int = GROUP) -> str:
    """Send a command as USER and return the bot's reply."""
    before = len(texts_to(api, chat_id))
    chat_type = "private" if chat_id > 0 else "group"
    await feed(app, updates.message(chat_id, USER, text, chat_type=chat_type))
    replies = texts_to(api, chat_id)
    assert len(replies) == before + 1, api.summary()
    return replies[-1]


async def stored(
    app: BotApplication, chat_id: int, kind: DailyKind = "quiz"
) -> DailySubscription | None:
    return await app.bot_data.stores.daily.get(chat_id, kind)


async def subscribe_due(
    app: BotApplication, chat_ids: Iterable[int], kind: DailyKind = "quiz"
) -> None:
    """Subscribe chats (since yesterday) to a quiz due a minute ago, local time about noon."""
    now = datetime.now(UTC)
    local = (now - timedelta(minutes=1)).astimezone(datetime.strptime(ZONE, "%z").tzinfo)
    for chat_id in chat_ids:
        await app.bot_data.stores.daily.subscribe(
            chat_id, time(local.hour, local.minute), ZONE, now - timedelta(days=1), kind
        )


async def recorded_today(app: BotApplication, chat_id: int, kind: DailyKind = "quiz") -> bool:
    found = await stored(app, chat_id, kind)
    return found is not None and found.last_sent_on == local_date(datetime.now(UTC), ZONE)


async def retried(app: BotApplication, chat_id: int) -> bool:
    """The chat's daily quiz was tried and is due again later today (a retry)."""
    when = await due(app, chat_id, "quiz")
    return (
        when is not None
        and when > datetime.now(UTC) - timedelta(seconds=1)
        and (when < datetime.now(UTC) + timedelta(hours=1))
    )


async def due_tomorrow(app: BotApplication, chat_id: int) -> datetime | None:
    """When the chat's quiz is due tomorrow, at its time in its timezone."""
    found = await stored(app, chat_id)
    assert found is not None and found.send_at is not None
    today = local_date(datetime.now(UTC), found.timezone)
    return next_due(datetime.now(UTC), found.send_at, found.timezone, None, today)[0]


async def set_round(app: BotApplication, chat_id: int, questions: int, seconds: int) -> None:
    store, defaults = app.bot_data.stores.quiz, default_settings(30)
    await store.change_setting(chat_id, Setting.ROUND_SIZE, questions, None, defaults)
    await store.change_setting(chat_id, Setting.OPEN_PERIOD, seconds, None, defaults)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-off scaled from seconds-to-minutes down to tenths of a second."""
    monkeypatch.setattr(delivery, "RETRY_FIRST_DELAY", 0.05)
    monkeypatch.setattr(delivery, "RETRY_MAX_DELAY", 0.4)


@pytest.fixture
async def started(app: BotApplication) -> AsyncIterator[BotApplication]:
    """The application with its job queue running, as `faqbot run` has it."""
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def eventually(check: object, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        result = check() if callable(check) else check
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting until {what}")


# The schedule


async def test_admins_set_and_stop_the_daily_quiz_and_daily_shows_both(
    app: BotApplication, api: FakeBotAPI
) -> None:
    assert "no daily quiz" in await command(app, api, "/daily quiz")
    assert "administrators" in await command(app, api, "/daily quiz 20:00")
    assert await stored(app, GROUP) is None and await due(app, GROUP, "quiz") is None
    api.set_chat_member_status(GROUP, USER, "administrator")
    await set_round(app, GROUP, 5, 45)
    text = await command(app, api, "/daily quiz 8pm")
    assert "daily quiz at <b>20:00</b> (Asia/Kolkata)" in text
    assert "questions per round: 5" in text and "seconds per question: 45" in text
    assert (await stored(app, GROUP)).send_at == time(20)
    assert await due(app, GROUP, "quiz") == next_time(time(20), "Asia/Kolkata")
    assert await due(app, GROUP, "fact") is None
    await command(app, api, "/daily 07:30")
    both = await command(app, api, "/daily")
    assert "daily fact at <b>07:30</b>" in both and "daily quiz at <b>20:00</b>" in both
    assert await due(app, GROUP, "fact") == next_time(time(7, 30), "Asia/Kolkata")
    assert await due(app, GROUP, "quiz") == next_time(time(20), "Asia/Kolkata")
    api.set_chat_member_status(GROUP, USER, "member")
    assert "administrators" in await command(app, api, "/daily quiz off")
    api.set_chat_member_status(GROUP, USER, "owner")
    assert "Daily quiz stopped" in await command(app, api, "/daily quiz off")
    assert await due(app, GROUP, "quiz") is None
    assert await due(app, GROUP, "fact") == next_time(time(7, 30), "Asia/Kolkata")
    assert (await stored(app, GROUP, "fact")).subscribed
    assert "had no daily quiz" in await command(app, api, "/daily quiz off")
    assert "no daily quiz" in await command(app, api, "/daily")


async def test_a_bad_time_gets_the_usage_and_changes_nothing(
    app: BotApplication, api: FakeBotAPI
) -> None:
    text = await command(app, api, "/daily quiz 25:00", chat_id=USER)
    assert "“25:00”" in text and "/daily quiz 20:00" in text
    assert await stored(app, USER) is None


async def test_the_quiz_keeps_the_chats_timezone_and_moves_with_it(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await command(app, api, "/timezone Asia/Tokyo", chat_id=USER)
    assert "(Asia/Tokyo)" in await command(app, api, "/daily quiz 20:00", chat_id=USER)
    await command(app, api, "/timezone Europe/London", chat_id=USER)
    found = await stored(app, USER)
    assert (found.timezone, found.send_at) == ("Europe/London", time(20))
    assert await due(app, USER, "quiz") == next_time(time(20), "Europe/London")
    after = datetime(2026, 1, 10, 12, tzinfo=UTC)
    assert next_due(after, time(20), "Europe/London", None, None, after=after)[0] == datetime(
        2026, 1, 10, 20, tzinfo=UTC
    )


# Delivery


async def test_a_due_quiz_posts_its_first_poll_once_a_day(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await set_round(app, GROUP, 3, 20)
    await subscribe_due(app, [GROUP])
    assert await deliver_daily(app, GROUP, "quiz") == Outcome.SENT
    (poll,) = polls_to(api, GROUP)
    assert poll.params["question"].startswith("[1/3] ") and poll.params["open_period"] == 20
    assert app.bot_data.quiz.rounds[GROUP].total == 3
    assert await recorded_today(app, GROUP)
    # Again the same day (a second claim, a restart's catch-up): nothing more.
    assert await deliver_daily(app, GROUP, "quiz") == Outcome.SKIPPED
    assert len(polls_to(api, GROUP)) == 1
    assert texts_to(api, GROUP) == [], "the quiz is not also a fact"
    await feed(app, updates.message(ADMIN, ADMIN, "/broadcast_status"))
    status = texts_to(api, ADMIN)[-1]
    assert "Rounds started today (UTC): 1" in status and "Facts sent today (UTC): 0" in status


async def test_a_fact_and_a_quiz_at_the_same_time_both_arrive(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await subscribe_due(app, [GROUP], "fact")
    await subscribe_due(app, [GROUP], "quiz")
    outcomes = await asyncio.gather(
        deliver_daily(app, GROUP, "fact"), deliver_daily(app, GROUP, "quiz")
    )
    assert outcomes == [Outcome.SENT, Outcome.SENT]
    assert len(polls_to(api, GROUP)) == 1 and len(texts_to(api, GROUP)) == 1
    assert await recorded_today(app, GROUP, "fact") and await recorded_today(app, GROUP)


@pytest.mark.slow
async def test_an_outage_on_send_poll_is_retried_until_it_arrives_once(
    started: BotApplication, api: FakeBotAPI, quick_retries: None
) -> None:
    chats = list(range(-5001, -5021, -1))
    await subscribe_due(started, chats)
    outage_ends = clock.monotonic() + 2.0
    api.fail_when(
        "sendPoll",
        lambda call: call.time < outage_ends,
        error_code=502,
        description="Bad Gateway",
    )
    # The delivery loop claims the due groups, meets the outage, and makes each due again.
    await eventually(
        lambda: all(polls_to(api, c) for c in chats), 20, "every group got its first poll"
    )
    for chat_id in chats:
        await eventually(lambda c=chat_id: recorded_today(started, c), 5, f"{chat_id} recorded")
    assert [len(polls_to(api, c)) for c in chats] == [1] * len(chats)
    assert len(api.rejected_calls_to("sendPoll")) >= len(chats)


@pytest.mark.slow
async def test_too_many_requests_is_waited_out(app: BotApplication, api: FakeBotAPI) -> None:
    """More 429s in a row than the rate limiter retries: the delivery waits and tries again."""
    await subscribe_due(app, [GROUP])
    api.fail("sendPoll", error_code=429, retry_after=1, times=7)
    assert await deliver_daily(app, GROUP, "quiz") == Outcome.SENT
    assert len(polls_to(api, GROUP)) == 1 and len(api.rejected_calls_to("sendPoll")) == 7


async def test_a_running_round_puts_the_daily_quiz_off_until_it_ends(
    started: BotApplication, api: FakeBotAPI, quick_retries: None
) -> None:
    await feed(started, updates.message(GROUP, USER, "/quiz", chat_type="group"))
    running = started.bot_data.quiz.rounds[GROUP]
    await subscribe_due(started, [GROUP])
    # The loop claims it, finds the group busy, and makes it due again after a back-off.
    await eventually(lambda: retried(started, GROUP), 5, "the daily quiz was put off")
    assert len(polls_to(api, GROUP)) == 1
    [poll] = polls_to(api, GROUP)  # its one poll closes, and the round ends
    await feed(started, {"poll": {**api.get_poll(poll.result["poll"]["id"]), "is_closed": True}})
    await eventually(lambda: len(polls_to(api, GROUP)) == 2, 10, "the daily round started")
    assert started.bot_data.quiz.rounds[GROUP] is not running
    await eventually(lambda: recorded_today(started, GROUP), 5, "recorded")


async def test_a_blocked_bot_stops_the_quiz_and_the_fact(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await subscribe_due(app, [GROUP], "fact")
    await subscribe_due(app, [GROUP], "quiz")
    api.fail(
        "sendPoll", error_code=403, description="Forbidden: bot was kicked from the group chat"
    )
    assert await deliver_daily(app, GROUP, "quiz") == Outcome.STOPPED
    assert GROUP not in app.bot_data.quiz.rounds
    for kind in ("quiz", "fact"):
        found = await stored(app, GROUP, kind)
        assert not found.active and "kicked" in found.stopped_reason
        assert await due(app, GROUP, kind) is None
    assert await deliver_daily(app, GROUP, "quiz") == Outcome.SKIPPED
    assert "paused" in await command(app, api, "/daily quiz")
    # Let back in: both come back.
    await feed(app, updates.my_chat_member(GROUP, USER, old_status="kicked", new_status="member"))
    assert await due(app, GROUP, "quiz") and await due(app, GROUP, "fact")


async def test_a_group_that_became_a_supergroup_gets_its_quiz_there(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await set_round(app, GROUP, 2, 30)
    await subscribe_due(app, [GROUP])
    api.fail("sendPoll", error_code=400, migrate_to_chat_id=SUPERGROUP)
    assert await deliver_daily(app, GROUP, "quiz") == Outcome.SENT
    assert polls_to(api, GROUP) == [] and len(polls_to(api, SUPERGROUP)) == 1
    assert polls_to(api, SUPERGROUP)[0].params["question"].startswith("[1/2] ")
    assert await stored(app, GROUP) is None and await recorded_today(app, SUPERGROUP)
    assert await due(app, GROUP, "quiz") is None
    assert await due(app, SUPERGROUP, "quiz") == await due_tomorrow(app, SUPERGROUP)
    assert SUPERGROUP in app.bot_data.quiz.rounds and GROUP not in app.bot_data.quiz.rounds
    settings = await app.bot_data.stores.quiz.settings(SUPERGROUP, default_settings(30))
    assert settings.round_size == 2, "the quiz settings moved with the group"


async def test_the_migration_message_moves_the_quiz_schedule(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await subscribe_due(app, [GROUP])
    before = await due(app, GROUP, "quiz")
    await feed(app, updates.migrate_to_chat(GROUP, SUPERGROUP, USER))
    assert await stored(app, GROUP) is None and (await stored(app, SUPERGROUP)).subscribed
    assert await due(app, GROUP, "quiz") is None and await due(app, SUPERGROUP, "quiz") == before


# First polls before follow-ups


async def test_a_closed_polls_reveal_waits_until_the_due_first_polls_have_gone(
    started: BotApplication, api: FakeBotAPI
) -> None:
    """While a daily quiz's first poll is still to go (here it waits out a 429), a closed
    poll's reveal elsewhere waits, though the loop found no more chats due; then it goes."""
    await feed(started, updates.message(OTHER_GROUP, USER, "/quiz", chat_type="group"))
    (running,) = polls_to(api, OTHER_GROUP)
    assert texts_to(api, OTHER_GROUP) == []
    api.fail("sendPoll", error_code=429, retry_after=1)
    await subscribe_due(started, [GROUP])
    await eventually(lambda: api.rejected_calls_to("sendPoll"), 5, "the first poll met a 429")
    assert polls_to(api, GROUP) == []
    # The other group's poll closes while the first poll waits for its retry.
    poll = api.get_poll(running.result["poll"]["id"])
    closing = asyncio.create_task(feed(started, {"poll": {**poll, "is_closed": True}}))
    await eventually(
        lambda: polls_to(api, GROUP) and texts_to(api, OTHER_GROUP), 10, "both were sent"
    )
    await closing
    sent = [(c.method, c.params["chat_id"]) for c in api.calls if c.method.startswith("send")]
    assert sent.index(("sendPoll", GROUP)) < sent.index(("sendMessage", OTHER_GROUP)), sent
