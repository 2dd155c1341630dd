"""/daily, /timezone and delivery, fed through the real application against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.handlers.daily import deliver_fact
from faqbot.knowledge import Pack
from faqbot.knowledge.timetable import due_at, local_date, next_due
from faqbot.storage.daily import DailySubscription, Outcome
from faqbot.storage.stores import Stores
from tests.support import updates
from tests.support.application import feed, running
from tests.support.daily import due, next_time, tomorrow_at
from tests.support.fake_bot_api import FakeBotAPI

USER = 42
GROUP = -4001
SUPERGROUP = -1001234567890
ADMIN = 1000


def texts_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    """Texts the bot sent to a chat, oldest first."""
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


async def command(app: BotApplication, api: FakeBotAPI, text: str, chat_id: int = USER) -> str:
    """Send a command as USER and return the bot's reply."""
    before = len(texts_to(api, chat_id))
    chat_type = "private" if chat_id > 0 else "group"
    await feed(app, updates.message(chat_id, USER, text, chat_type=chat_type))
    replies = texts_to(api, chat_id)
    assert len(replies) == before + 1, api.summary()
    return replies[-1]


async def stored(app: BotApplication, chat_id: int) -> DailySubscription | None:
    return await app.bot_data.stores.daily.get(chat_id)


def next_fire(zone_name: str, at: time, after: datetime) -> datetime:
    """When a chat subscribed long before `after` is next due after it."""
    return next_due(after, at, zone_name, None, None, after=after)[0]


async def subscribe(app: BotApplication, chat_id: int, at: time = time(7, 30)) -> None:
    await app.bot_data.stores.daily.subscribe(
        chat_id, at, "Asia/Kolkata", now=datetime(2026, 1, 1, tzinfo=UTC)
    )


# Commands


async def test_daily_without_a_subscription_says_so(app: BotApplication, api: FakeBotAPI) -> None:
    text = await command(app, api, "/daily")
    assert "no daily fact" in text and "Asia/Kolkata" in text and "/daily 07:30" in text


async def test_daily_subscribes_with_the_default_timezone(
    app: BotApplication, api: FakeBotAPI
) -> None:
    text = await command(app, api, "/daily 07:30")
    assert "<b>07:30</b> (Asia/Kolkata)" in text
    assert "<b>07:30</b> (Asia/Kolkata)" in await command(app, api, "/daily")
    found = await stored(app, USER)
    assert (found.send_at, found.timezone, found.active) == (time(7, 30), "Asia/Kolkata", True)
    # 07:30 in Kolkata is 02:00 UTC.
    after = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert next_fire("Asia/Kolkata", time(7, 30), after) == datetime(2026, 6, 2, 2, 0, tzinfo=UTC)
    assert await due(app, USER) == next_time(time(7, 30), "Asia/Kolkata")


async def test_a_second_daily_moves_the_one_due_time(app: BotApplication, api: FakeBotAPI) -> None:
    await command(app, api, "/daily 07:30")
    await command(app, api, "/daily 7pm")
    assert await due(app, USER) == next_time(time(19, 0), "Asia/Kolkata")


async def test_daily_off_ends_the_subscription(app: BotApplication, api: FakeBotAPI) -> None:
    await command(app, api, "/daily 07:30")
    assert "stopped" in await command(app, api, "/daily off")
    assert await due(app, USER) is None
    assert (await stored(app, USER)).subscribed is False
    assert "no daily fact" in await command(app, api, "/daily")
    assert "had no daily fact" in await command(app, api, "/daily off")


@pytest.mark.parametrize(
    ("argument", "meant"),
    [("7pm", "19:00"), ("7", "07:00"), ("7:30 pm", "19:30"), ("noon", "12:00")],
)
async def test_daily_accepts_what_is_clearly_meant(
    app: BotApplication, api: FakeBotAPI, argument: str, meant: str
) -> None:
    assert f"<b>{meant}</b>" in await command(app, api, f"/daily {argument}")


@pytest.mark.parametrize("argument", ["25:00", "tomorrow", "7:75", "13pm"])
async def test_daily_explains_a_bad_time(
    app: BotApplication, api: FakeBotAPI, argument: str
) -> None:
    text = await command(app, api, f"/daily {argument}")
    assert "for example /daily 07:30" in text and argument in text
    assert await stored(app, USER) is None and await due(app, USER) is None


async def test_timezone_moves_the_due_time_and_keeps_the_local_time(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await command(app, api, "/daily 07:30")
    text = await command(app, api, "/timezone Asia/Tokyo")
    assert "Timezone set to Asia/Tokyo" in text and "<b>07:30</b> (Asia/Tokyo)" in text
    assert await due(app, USER) == next_time(time(7, 30), "Asia/Tokyo")
    after = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert next_fire("Asia/Tokyo", time(7, 30), after) == datetime(2026, 6, 1, 22, 30, tzinfo=UTC)
    assert "UTC+05:30" in await command(app, api, "/timezone +05:30")
    assert await due(app, USER) == next_time(time(7, 30), "+05:30")


async def test_timezone_before_subscribing_is_kept(app: BotApplication, api: FakeBotAPI) -> None:
    await command(app, api, "/timezone Europe/London")
    assert await due(app, USER) is None
    assert "(Europe/London)" in await command(app, api, "/daily 8")


@pytest.mark.parametrize("argument", ["Mars/Olympus", "+25:00", "later"])
async def test_timezone_explains_a_bad_zone(
    app: BotApplication, api: FakeBotAPI, argument: str
) -> None:
    text = await command(app, api, f"/timezone {argument}")
    assert "for example /timezone Asia/Tokyo" in text
    assert await stored(app, USER) is None


async def test_daylight_saving_in_london_across_both_switch_days(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await command(app, api, "/timezone Europe/London")
    await command(app, api, "/daily 07:30")
    assert await due(app, USER) == next_time(time(7, 30), "Europe/London")
    # Due at 07:30 London time: 07:30 UTC in winter, 06:30 UTC in summer.
    at = time(7, 30)
    spring = [
        next_fire("Europe/London", at, datetime(2026, 3, day, 8, 0, tzinfo=UTC))
        for day in (27, 28, 29)
    ]
    assert spring == [
        datetime(2026, 3, 28, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 6, 30, tzinfo=UTC),
        datetime(2026, 3, 30, 6, 30, tzinfo=UTC),
    ]
    autumn = [
        next_fire("Europe/London", at, datetime(2026, 10, day, 8, 0, tzinfo=UTC))
        for day in (23, 24, 25)
    ]
    assert autumn == [
        datetime(2026, 10, 24, 6, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 7, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 7, 30, tzinfo=UTC),
    ]


async def test_a_time_repeated_by_the_autumn_switch_still_gets_one_fact(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await command(app, api, "/timezone Europe/London")
    await command(app, api, "/daily 01:30")
    # 01:30 happens twice in London on 25 October 2026: at 00:30 and at 01:30 UTC.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert await deliver_fact(app, USER, now=first) == Outcome.SENT
    assert await deliver_fact(app, USER, now=second) == Outcome.SKIPPED
    assert len(texts_to(api, USER)) == 3


async def test_group_members_see_the_status_but_only_admins_change_it(
    app: BotApplication, api: FakeBotAPI
) -> None:
    assert "no daily fact" in await command(app, api, "/daily", chat_id=GROUP)
    assert "administrators" in await command(app, api, "/daily 07:30", chat_id=GROUP)
    assert "administrators" in await command(app, api, "/timezone Asia/Tokyo", chat_id=GROUP)
    assert await stored(app, GROUP) is None
    assert api.calls_to("getChatMember")[-1].params["user_id"] == USER
    api.set_chat_member_status(GROUP, USER, "administrator")
    assert "<b>07:30</b>" in await command(app, api, "/daily 07:30", chat_id=GROUP)
    api.set_chat_member_status(GROUP, USER, "member")
    assert "administrators" in await command(app, api, "/daily off", chat_id=GROUP)
    assert (await stored(app, GROUP)).subscribed
    api.set_chat_member_status(GROUP, USER, "owner")
    assert "stopped" in await command(app, api, "/daily off", chat_id=GROUP)


async def test_daily_and_timezone_are_in_the_command_menu(
    app: BotApplication, api: FakeBotAPI
) -> None:
    for call in api.calls_to("setMyCommands"):
        if call.params.get("language_code"):
            continue  # the Hindi menu: tests/handlers/language
        names = {c["command"]: c["description"] for c in call.params["commands"]}
        if call.params["scope"]["type"] == "all_group_chats":
            # Only a group's admins may change its daily fact: it is in their menu.
            assert "daily" not in names and "timezone" not in names
            continue
        assert names["daily"].startswith("A fact or a quiz a day")
        assert names["timezone"].startswith("Set this chat's timezone")
        assert "broadcast_status" not in names


# Delivery


async def test_a_fact_is_a_card_with_related_buttons_once_a_day(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await subscribe(app, USER)
    day = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    assert await deliver_fact(app, USER, now=day) == Outcome.SENT
    (call,) = api.calls_to("sendMessage")
    assert call.params["text"].startswith("<b>📘 ")
    entry = next(e for e in pack.entries if e.question in call.params["text"])
    buttons = [
        b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == [f"a:{related}" for related in entry.related[:3]]
    assert await deliver_fact(app, USER, now=day + timedelta(hours=5)) == Outcome.SKIPPED
    assert await deliver_fact(app, USER, now=day + timedelta(days=1)) == Outcome.SENT
    assert len(api.calls_to("sendMessage")) == 2


async def test_a_whole_cycle_through_the_pack_has_no_repeats(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await subscribe(app, USER)
    start = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    for day in range(len(pack.entries)):
        await deliver_fact(app, USER, now=start + timedelta(days=day))
    titles = [text.split("\n", 1)[0] for text in texts_to(api, USER)]
    assert len(titles) == len(set(titles)) == len(pack.entries)


async def test_blocked_user_is_stopped_not_retried(app: BotApplication, api: FakeBotAPI) -> None:
    await command(app, api, "/daily 07:30")
    api.fail("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    assert await deliver_fact(app, USER) == Outcome.STOPPED
    assert len(api.rejected_calls_to("sendMessage")) == 1
    found = await stored(app, USER)
    assert not found.active and "blocked" in found.stopped_reason
    assert await due(app, USER) is None
    assert await deliver_fact(app, USER) == Outcome.SKIPPED
    assert "paused" in await command(app, api, "/daily")
    await feed(app, updates.message(ADMIN, ADMIN, "/broadcast_status"))
    status = texts_to(api, ADMIN)[-1]
    assert "Subscribers: 1 (active: 0)" in status and "1 chats that blocked" in status


async def test_kicked_and_deactivated_also_stop(app: BotApplication, api: FakeBotAPI) -> None:
    for chat_id, description in [
        (GROUP, "Forbidden: bot was kicked from the group chat"),
        (USER, "Forbidden: user is deactivated"),
    ]:
        await subscribe(app, chat_id)
        api.fail("sendMessage", error_code=403, description=description)
        assert await deliver_fact(app, chat_id) == Outcome.STOPPED


async def test_my_chat_member_stops_and_resumes(app: BotApplication, api: FakeBotAPI) -> None:
    await command(app, api, "/daily 07:30")
    await feed(app, updates.my_chat_member(USER, USER, old_status="member", new_status="kicked"))
    assert not (await stored(app, USER)).active and await due(app, USER) is None
    await feed(app, updates.my_chat_member(USER, USER, old_status="kicked", new_status="member"))
    assert (await stored(app, USER)).active
    assert await due(app, USER) == next_time(time(7, 30), "Asia/Kolkata")


async def test_chat_migrated_error_moves_the_subscription_and_delivers(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await subscribe(app, GROUP)
    api.fail("sendMessage", error_code=400, migrate_to_chat_id=SUPERGROUP)
    assert await deliver_fact(app, GROUP) == Outcome.SENT
    assert len(texts_to(api, SUPERGROUP)) == 1
    assert await stored(app, GROUP) is None
    assert (await stored(app, SUPERGROUP)).last_sent_on is not None
    assert await due(app, GROUP) is None
    assert await due(app, SUPERGROUP) == tomorrow_at(time(7, 30), "Asia/Kolkata")


async def test_migration_service_message_moves_the_subscription(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await subscribe(app, GROUP)
    before = await due(app, GROUP)
    await feed(app, updates.migrate_to_chat(GROUP, SUPERGROUP, USER))
    await feed(app, updates.migrate_from_chat(SUPERGROUP, GROUP, USER))
    assert await stored(app, GROUP) is None
    assert (await stored(app, SUPERGROUP)).send_at == time(7, 30)
    assert await due(app, GROUP) is None and await due(app, SUPERGROUP) == before


@pytest.mark.slow
async def test_retry_after_storm_delivers_each_fact_once(
    app: BotApplication, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """More 429s in a row than AIORateLimiter retries: the delivery waits and tries again."""
    chats = (USER, USER + 1, USER + 2)
    for chat_id in chats:
        await subscribe(app, chat_id)
    # Six rounds fail all three sends, exhausting the limiter's five retries; one more after.
    api.fail("sendMessage", error_code=429, retry_after=1, times=19)
    outcomes = await asyncio.gather(*(deliver_fact(app, chat_id) for chat_id in chats))
    assert outcomes == [Outcome.SENT] * 3
    assert "Rate limit hit after maximum of 5 retries" in caplog.text
    assert len(api.rejected_calls_to("sendMessage")) == 19
    assert sorted(c.params["chat_id"] for c in api.calls_to("sendMessage")) == sorted(chats)
    for chat_id in chats:
        assert (await stored(app, chat_id)).last_sent_on is not None


async def test_a_message_telegram_refuses_is_not_retried(
    app: BotApplication, api: FakeBotAPI
) -> None:
    """A 400 answer comes again for the same request: the day's fact fails at once, counted."""
    await subscribe(app, USER)
    api.fail("sendMessage", error_code=400, description="Bad Request: chat not found")
    assert await deliver_fact(app, USER) == Outcome.FAILED
    assert len(api.rejected_calls_to("sendMessage")) == 1
    # Closed for today, not due again until tomorrow's time.
    assert await due(app, USER) == tomorrow_at(time(7, 30), "Asia/Kolkata")
    assert (await stored(app, USER)).active, "a failure is not a block"
    await feed(app, updates.message(ADMIN, ADMIN, "/broadcast_status"))
    status = texts_to(api, ADMIN)[-1]
    assert "Facts sent today (UTC): 0" in status
    assert "1 undelivered when retries ran out" in status and "Under way: 0 " in status


async def test_broadcast_status_is_for_admins_only(app: BotApplication, api: FakeBotAPI) -> None:
    assert "operators" in await command(app, api, "/broadcast_status")


# Start-up


@pytest.fixture
async def restarted(settings: Settings, pack: Pack) -> AsyncIterator[BotApplication]:
    """The application started over a database that already holds subscriptions."""
    stores = Stores.open(settings.database)
    now = datetime.now(UTC)
    before = now - timedelta(days=2)
    for chat_id, at in [(1, time(0)), (2, time(0)), (3, time(23, 59, 59)), (4, time(0))]:
        await stores.daily.subscribe(chat_id, at, "UTC", before)
    await stores.daily.stop(4, "Forbidden", now)
    fact = await stores.daily.plan_fact(2, (pack.entries[0].id,), now)
    assert fact is not None
    await stores.daily.record_sent(fact, now)
    stores.close()
    async with running(settings, pack) as application:
        yield application


async def test_startup_owes_only_missed_facts_and_keeps_every_due_time(
    restarted: BotApplication, api: FakeBotAPI
) -> None:
    if datetime.now(UTC).time() >= time(23, 59, 50):
        pytest.skip("too close to midnight UTC to tell today's facts from tomorrow's")
    # Chat 1 was due at midnight and got nothing; chat 2 got today's; chat 3 is due tonight;
    # chat 4 is stopped. The delivery loop sends what is owed as soon as the bot starts.
    await restarted.start()
    try:
        for _ in range(100):
            if texts_to(api, 1):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.5)  # a loop beat more: nothing else goes out
    finally:
        await restarted.stop()
    assert [len(texts_to(api, chat_id)) for chat_id in (1, 2, 3, 4)] == [1, 0, 0, 0]
    assert await due(restarted, 1) == await due(restarted, 2) == tomorrow_at(time(0), "UTC")
    assert await due(restarted, 3) == due_at(
        local_date(datetime.now(UTC), "UTC"), time(23, 59, 59), "UTC"
    )
    assert await due(restarted, 4) is None
