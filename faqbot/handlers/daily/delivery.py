"""Daily-fact delivery: one job per chat, retries, and subscriptions that follow their chat."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import BaseHandler, ChatMemberHandler, MessageHandler, filters

from faqbot.bot.messaging import message_of, send
from faqbot.bot.rendering import render
from faqbot.bot.state import BotApplication, Context
from faqbot.knowledge.replies import answer_reply
from faqbot.knowledge.timetable import missed_today, zone
from faqbot.storage.daily import DailySubscription, Outcome, PlannedFact

log = logging.getLogger(__name__)

# Deliveries at once: when thousands of chats are due in the same second, unbounded deliveries
# flood the event loop, so sends the limiter spaced out leave the process in bursts and trip
# Telegram's limit; and after a RetryAfter pause every send queued inside the limiter fires
# at once.
DELIVERY_CONCURRENCY = 16
# Without a grace time, APScheduler drops a job that starts more than a second late, which is
# what happens when thousands of chats are due in the same minute.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}
# Waits before retrying a failed send (not counting RetryAfter, which says how long to wait).
RETRY_DELAYS: tuple[float, ...] = (2.0, 10.0, 30.0)
# RetryAfter rounds on top of AIORateLimiter's own retries, before giving up on today's fact.
MAX_RETRY_AFTER_ROUNDS = 10
GONE_STATUSES: frozenset[str] = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


def job_name(chat_id: int) -> str:
    """The one daily job of a chat."""
    return f"daily:{chat_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def schedule(
    application: BotApplication, subscription: DailySubscription, *, replace: bool = True
) -> None:
    """Replace the chat's job with one matching its subscription (or none, if it has none).

    replace=False skips looking for an old job: only for a job queue known to be empty.
    """
    if replace:
        unschedule(application, subscription.chat_id)
    if not subscription.active or subscription.send_at is None:
        return
    name = job_name(subscription.chat_id)
    application.job_queue.run_daily(
        daily_fact_job,
        time=subscription.send_at.replace(tzinfo=zone(subscription.timezone)),
        name=name,
        chat_id=subscription.chat_id,
        # The name doubles as APScheduler's job id, so finding a chat's job is a lookup.
        job_kwargs={**JOB_KWARGS, "id": name, "replace_existing": True},
    )


def unschedule(application: BotApplication, chat_id: int) -> None:
    """Remove a chat's daily job, if it has one."""
    scheduler = application.job_queue.scheduler
    if scheduler.get_job(job_name(chat_id)) is not None:
        scheduler.remove_job(job_name(chat_id))


async def daily_fact_job(context: Context) -> None:
    """Send the job's chat its fact for today."""
    chat_id = context.job.chat_id
    if chat_id is not None:  # every daily job is made with its chat's id
        await deliver_fact(context.application, chat_id)


async def deliver_fact(
    application: BotApplication, chat_id: int, now: datetime | None = None
) -> Outcome:
    """Send a chat today's fact unless it already had one; returns SENT, FAILED, STOPPED, or
    SKIPPED (not due, or a delivery to this chat is already under way)."""
    state = application.bot_data.daily
    if chat_id in state.in_flight:
        return Outcome.SKIPPED
    state.in_flight.add(chat_id)
    try:
        async with state.delivery_slots:
            return await _deliver(application, chat_id, now)
    finally:
        state.in_flight.discard(chat_id)


async def _deliver(application: BotApplication, chat_id: int, now: datetime | None) -> Outcome:
    state = application.bot_data
    store = state.stores.daily
    entry_ids = tuple(entry.id for entry in state.pack.entries)
    try:
        fact = await store.plan_fact(chat_id, entry_ids, now or _now())
    except sqlite3.Error as error:
        log.error(
            "daily fact for chat %s not sent: database %s: %s",
            chat_id,
            state.stores.database.path,
            error,
        )
        return Outcome.FAILED
    entry = state.pack.entry(fact.entry_id) if fact is not None else None
    if fact is None or entry is None:
        return Outcome.SKIPPED
    messages = render(answer_reply(entry, state.pack, kind="fact"))
    failures, retry_after_rounds = 0, 0
    delivered = 0  # parts of a long fact already sent: a retry goes on from the next one
    while delivered < len(messages):
        try:
            await send(application.bot, chat_id, messages[delivered : delivered + 1])
            delivered += 1
        except Forbidden as error:
            await store.stop(chat_id, error.message, _now())
            unschedule(application, chat_id)
            log.warning("daily facts to chat %s stopped: Telegram says %s", chat_id, error.message)
            return Outcome.STOPPED
        except ChatMigrated as error:
            if failures >= len(RETRY_DELAYS):
                return await _give_up(application, chat_id, error)
            failures += 1
            await move_subscription(application, chat_id, error.new_chat_id)
            chat_id = error.new_chat_id
            fact = PlannedFact(chat_id, fact.entry_id, fact.cycle, fact.local_day)
        except RetryAfter as error:
            retry_after_rounds += 1
            if retry_after_rounds > MAX_RETRY_AFTER_ROUNDS:
                return await _give_up(application, chat_id, error)
            delay = error.retry_after
            await asyncio.sleep(delay.total_seconds() if isinstance(delay, timedelta) else delay)
        except InvalidToken:
            raise
        except TelegramError as error:
            if failures >= len(RETRY_DELAYS):
                return await _give_up(application, chat_id, error)
            await asyncio.sleep(RETRY_DELAYS[failures])
            failures += 1
    await store.record_sent(fact, _now())
    return Outcome.SENT


async def _give_up(application: BotApplication, chat_id: int, error: TelegramError) -> Outcome:
    detail = f"{type(error).__name__}: {error.message}"
    await application.bot_data.stores.daily.record_failure(chat_id, detail, _now())
    log.error(
        "daily fact for chat %s not delivered after retries (%s); next try tomorrow",
        chat_id,
        detail,
    )
    return Outcome.FAILED


async def move_subscription(
    application: BotApplication, old_chat_id: int, new_chat_id: int
) -> None:
    """Follow a group that became a supergroup: its subscription and job move to the new id."""
    store = application.bot_data.stores.daily
    if not await store.move(old_chat_id, new_chat_id, _now()):
        return
    unschedule(application, old_chat_id)
    subscription = await store.get(new_chat_id)
    if subscription is not None:
        schedule(application, subscription)
    log.info("daily facts of chat %s moved to supergroup %s", old_chat_id, new_chat_id)


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: move its subscription to the new chat id."""
    message = message_of(update)
    old = message.migrate_from_chat_id or message.chat_id
    new = message.migrate_to_chat_id or message.chat_id
    if old != new:
        await move_subscription(context.application, old, new)


async def on_membership(update: Update, context: Context) -> None:
    """The bot was blocked or removed (stop the chat's facts), or let back in (resume them)."""
    change = update.my_chat_member
    chat_id = change.chat.id
    store = context.bot_data.stores.daily
    now_gone = change.new_chat_member.status in GONE_STATUSES
    was_gone = change.old_chat_member.status in GONE_STATUSES
    if now_gone and not was_gone:
        reason = f"bot {change.new_chat_member.status} in chat"
        if await store.stop(chat_id, reason, _now()):
            unschedule(context.application, chat_id)
            log.info("daily facts to chat %s stopped: %s", chat_id, reason)
    elif was_gone and not now_gone:
        found = await store.resume(chat_id)
        if found is not None and found.deliverable:
            schedule(context.application, found)
            log.info("daily facts to chat %s resumed", chat_id)


async def on_startup(application: BotApplication) -> None:
    """Rebuild every chat's job from the database, and send facts missed while the bot was down."""
    store = application.bot_data.stores.daily
    now = _now()
    await store.prune_deliveries(now)
    found = await store.deliverable()
    missed = 0
    for subscription in found:
        # The queue is empty at start-up; looking for old jobs would cost O(n) per chat.
        schedule(application, subscription, replace=False)
        if subscription.send_at is not None and missed_today(
            now,
            subscription.send_at,
            subscription.timezone,
            subscription.scheduled_since,
            subscription.last_sent_on,
        ):
            missed += 1
            application.job_queue.run_once(
                daily_fact_job,
                when=0,
                name=f"daily-missed:{subscription.chat_id}",
                chat_id=subscription.chat_id,
                job_kwargs={**JOB_KWARGS, "id": f"daily-missed:{subscription.chat_id}"},
            )
    log.info("daily facts: %d chats scheduled, %d missed today sent now", len(found), missed)


def observers() -> list[BaseHandler[Update, Context, None]]:
    """Handlers that keep subscriptions pointed at live chats; they must see every migration
    and membership change, so they go in a group of their own."""
    return [
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration),
        ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
