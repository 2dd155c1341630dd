"""Daily facts: /daily and /timezone, one job per chat, and delivery that survives restarts."""

from __future__ import annotations

import asyncio
import html
import logging
import sqlite3
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.error import ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from faqbot.bot import subscriptions
from faqbot.bot.chat_admins import is_chat_admin
from faqbot.bot.messaging import reply, send
from faqbot.bot.rendering import excerpt, html_message, render
from faqbot.bot.schedule import (
    TIME_USAGE,
    TIMEZONE_USAGE,
    missed_today,
    parse_time,
    parse_timezone,
    zone,
    zone_label,
)
from faqbot.bot.services import services
from faqbot.bot.subscriptions import DailySubscription
from faqbot.knowledge.replies import answer_reply

log = logging.getLogger(__name__)

# Observers of membership changes and group migrations run beside the feature handlers.
MEMBERSHIP_GROUP = 1
IN_FLIGHT_KEY = "daily_in_flight"
LOCKS_KEY = "daily_chat_locks"
SLOTS_KEY = "daily_delivery_slots"
DELIVERY_CONCURRENCY = 16
# Without a grace time, APScheduler drops a job that starts more than a second late, which is
# what happens when thousands of chats are due in the same minute.
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True}
# Waits before retrying a failed send (not counting RetryAfter, which says how long to wait).
RETRY_DELAYS: tuple[float, ...] = (2.0, 10.0, 30.0)
# RetryAfter rounds on top of AIORateLimiter's own retries, before giving up on today's fact.
MAX_RETRY_AFTER_ROUNDS = 10
GONE_STATUSES = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})
ADMINS_ONLY = "Only this group's administrators can change its daily fact."


def job_name(chat_id: int) -> str:
    """The one daily job of a chat."""
    return f"daily:{chat_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def _quoted(argument: str) -> str:
    """What the user typed, as a short escaped excerpt in quotes: never a reply too long."""
    return f"“{html.escape(excerpt(argument))}”"


def describe(subscription: DailySubscription | None, default_timezone: str) -> str:
    """A chat's subscription status in one short HTML message."""
    zone_name = subscription.timezone if subscription else default_timezone
    where = html.escape(zone_label(zone_name))
    if subscription is None or not subscription.subscribed:
        return (
            f"This chat gets no daily fact. Send /daily 07:30 for one every day at 07:30 "
            f"({where}); /timezone changes the timezone."
        )
    at = subscription.send_at.strftime("%H:%M")
    if not subscription.active:
        return (
            f"The daily fact at {at} ({where}) is paused: Telegram would not deliver it "
            f"here. Send /daily {at} to start it again."
        )
    return (
        f"This chat gets a daily fact at <b>{at}</b> ({where}). "
        f"/daily HH:MM changes the time, /daily off stops it, /timezone sets the timezone."
    )


def schedule(
    application: Application, subscription: DailySubscription, *, replace: bool = True
) -> None:
    """Replace the chat's job with one matching its subscription (or none, if it has none).

    replace=False skips looking for an old job: only for a job queue known to be empty.
    """
    if replace:
        unschedule(application, subscription.chat_id)
    if not subscription.deliverable:
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


def unschedule(application: Application, chat_id: int) -> None:
    """Remove a chat's daily job, if it has one."""
    scheduler = application.job_queue.scheduler
    if scheduler.get_job(job_name(chat_id)) is not None:
        scheduler.remove_job(job_name(chat_id))


def _changing(application: Application, chat_id: int) -> asyncio.Lock:
    """The lock that keeps one chat's database row and its job in step: updates run
    concurrently, and '/daily 07:30' racing '/daily off' must not leave a row without a job."""
    locks: weakref.WeakValueDictionary[int, asyncio.Lock] = application.bot_data.setdefault(
        LOCKS_KEY, weakref.WeakValueDictionary()
    )
    lock = locks.get(chat_id)
    if lock is None:
        lock = locks[chat_id] = asyncio.Lock()
    return lock


async def _change(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    change: Callable[[sqlite3.Connection], DailySubscription],
) -> DailySubscription | None:
    """Store a change to the chat's subscription and reschedule its job, if the sender may;
    otherwise say who may, and return None."""
    if not await is_chat_admin(update, context):
        await reply(update.effective_message, html_message(ADMINS_ONLY))
        return None
    async with _changing(context.application, update.effective_chat.id):
        subscription = await services(context).storage.run(change)
        schedule(context.application, subscription)
    return subscription


async def daily(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Get one fact a day: /daily 07:30, /daily off, or /daily for the status"""
    message, chat = update.effective_message, update.effective_chat
    svc = services(context)
    argument = " ".join(context.args or []).strip()
    if not argument:
        found = await svc.storage.run(partial(subscriptions.get, chat_id=chat.id))
        await reply(message, html_message(describe(found, svc.settings.timezone)))
        return
    if argument.lower() in ("off", "stop", "cancel", "unsubscribe"):
        if not await is_chat_admin(update, context):
            await reply(message, html_message(ADMINS_ONLY))
            return
        async with _changing(context.application, chat.id):
            ended = await svc.storage.run(partial(subscriptions.unsubscribe, chat_id=chat.id))
            unschedule(context.application, chat.id)
        text = "Daily facts stopped." if ended else "This chat had no daily fact."
        await reply(message, html_message(f"{text} Send /daily 07:30 to start again."))
        return
    send_at = parse_time(argument)
    if send_at is None:
        await reply(
            message,
            html_message(f"I can't read {_quoted(argument)} as a time of day. {TIME_USAGE}"),
        )
        return
    subscription = await _change(
        update,
        context,
        partial(
            subscriptions.subscribe,
            chat_id=chat.id,
            send_at=send_at,
            default_timezone=svc.settings.timezone,
            now=_now(),
        ),
    )
    if subscription is not None:
        await reply(message, html_message(describe(subscription, svc.settings.timezone)))


async def timezone_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set this chat's timezone for daily facts: /timezone Asia/Tokyo or +05:30"""
    message, chat = update.effective_message, update.effective_chat
    svc = services(context)
    argument = " ".join(context.args or []).strip()
    if not argument:
        found = await svc.storage.run(partial(subscriptions.get, chat_id=chat.id))
        current = zone_label(found.timezone if found else svc.settings.timezone)
        await reply(
            message,
            html_message(f"This chat's timezone is {html.escape(current)}. {TIMEZONE_USAGE}"),
        )
        return
    zone_name = parse_timezone(argument)
    if zone_name is None:
        await reply(
            message,
            html_message(f"I don't know the timezone {_quoted(argument)}. {TIMEZONE_USAGE}"),
        )
        return
    subscription = await _change(
        update,
        context,
        partial(subscriptions.set_timezone, chat_id=chat.id, zone_name=zone_name, now=_now()),
    )
    if subscription is None:
        return
    label = html.escape(zone_label(zone_name))
    await reply(
        message, html_message(f"Timezone set to {label}. {describe(subscription, zone_name)}")
    )


async def daily_fact_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the job's chat its fact for today."""
    await deliver_fact(context.application, context.job.chat_id)


async def deliver_fact(application: Application, chat_id: int, now: datetime | None = None) -> str:
    """Send a chat today's fact unless it already had one; returns what happened.

    The outcome is one of subscriptions.SENT, FAILED, STOPPED, or "skipped" (not due, or a
    delivery to this chat is already under way).
    """
    in_flight: set[int] = application.bot_data.setdefault(IN_FLIGHT_KEY, set())
    if chat_id in in_flight:
        return "skipped"
    in_flight.add(chat_id)
    try:
        async with _delivery_slots(application):
            return await _deliver(application, chat_id, now)
    finally:
        in_flight.discard(chat_id)


def _delivery_slots(application: Application) -> asyncio.Semaphore:
    """Bounds how many deliveries run at once; AIORateLimiter still sets the pace.

    When thousands of chats are due in the same second, unbounded deliveries flood the event
    loop, so sends the limiter spaced out leave the process in bursts and trip Telegram's
    limit; and after a RetryAfter pause every send queued inside the limiter fires at once.
    """
    slots = application.bot_data.get(SLOTS_KEY)
    if slots is None:
        slots = application.bot_data[SLOTS_KEY] = asyncio.Semaphore(DELIVERY_CONCURRENCY)
    return slots


async def _deliver(application: Application, chat_id: int, now: datetime | None) -> str:
    svc = services(application)
    entry_ids = tuple(entry.id for entry in svc.pack.entries)
    try:
        fact = await svc.storage.run(
            partial(
                subscriptions.plan_fact, chat_id=chat_id, entry_ids=entry_ids, now=now or _now()
            )
        )
    except sqlite3.Error as error:
        log.error(
            "daily fact for chat %s not sent: database %s: %s", chat_id, svc.storage.path, error
        )
        return subscriptions.FAILED
    if fact is None:
        return "skipped"
    messages = render(answer_reply(svc.pack.entry(fact.entry_id), svc.pack, kind="fact"))
    failures, retry_after_rounds = 0, 0
    delivered = 0  # parts of a long fact already sent: a retry goes on from the next one
    while delivered < len(messages):
        try:
            await send(application.bot, chat_id, messages[delivered : delivered + 1])
            delivered += 1
        except Forbidden as error:
            await svc.storage.run(
                partial(subscriptions.stop, chat_id=chat_id, reason=error.message, now=_now())
            )
            unschedule(application, chat_id)
            log.warning("daily facts to chat %s stopped: Telegram says %s", chat_id, error.message)
            return subscriptions.STOPPED
        except ChatMigrated as error:
            if failures >= len(RETRY_DELAYS):
                return await _give_up(application, chat_id, error)
            failures += 1
            await move_subscription(application, chat_id, error.new_chat_id)
            chat_id = error.new_chat_id
            fact = subscriptions.PlannedFact(chat_id, fact.entry_id, fact.cycle, fact.local_day)
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
    await svc.storage.run(partial(subscriptions.record_sent, fact=fact, now=_now()))
    return subscriptions.SENT


async def _give_up(application: Application, chat_id: int, error: TelegramError) -> str:
    detail = f"{type(error).__name__}: {error.message}"
    await services(application).storage.run(
        partial(subscriptions.record_failure, chat_id=chat_id, detail=detail, now=_now())
    )
    log.error(
        "daily fact for chat %s not delivered after retries (%s); next try tomorrow",
        chat_id,
        detail,
    )
    return subscriptions.FAILED


async def move_subscription(application: Application, old_chat_id: int, new_chat_id: int) -> None:
    """Follow a group that became a supergroup: its subscription and job move to the new id."""
    storage = services(application).storage
    moved = await storage.run(
        partial(subscriptions.move, old_chat_id=old_chat_id, new_chat_id=new_chat_id, now=_now())
    )
    if not moved:
        return
    unschedule(application, old_chat_id)
    subscription = await storage.run(partial(subscriptions.get, chat_id=new_chat_id))
    schedule(application, subscription)
    log.info("daily facts of chat %s moved to supergroup %s", old_chat_id, new_chat_id)


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: move its subscription to the new chat id."""
    message = update.effective_message
    old = message.migrate_from_chat_id or message.chat_id
    new = message.migrate_to_chat_id or message.chat_id
    if old != new:
        await move_subscription(context.application, old, new)


async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was blocked or removed (stop the chat's facts), or let back in (resume them)."""
    change: ChatMemberUpdated = update.my_chat_member
    chat_id = change.chat.id
    storage = services(context).storage
    now_gone = change.new_chat_member.status in GONE_STATUSES
    was_gone = change.old_chat_member.status in GONE_STATUSES
    if now_gone and not was_gone:
        reason = f"bot {change.new_chat_member.status} in chat"
        if await storage.run(
            partial(subscriptions.stop, chat_id=chat_id, reason=reason, now=_now())
        ):
            unschedule(context.application, chat_id)
            log.info("daily facts to chat %s stopped: %s", chat_id, reason)
    elif was_gone and not now_gone:
        found = await storage.run(partial(subscriptions.resume, chat_id=chat_id))
        if found is not None and found.deliverable:
            schedule(context.application, found)
            log.info("daily facts to chat %s resumed", chat_id)


async def on_startup(application: Application) -> None:
    """Rebuild every chat's job from the database, and send facts missed while the bot was down."""
    storage = services(application).storage
    now = _now()
    await storage.run(partial(subscriptions.prune_deliveries, now=now))
    found = await storage.run(subscriptions.deliverable)
    missed = 0
    for subscription in found:
        # The queue is empty at start-up; looking for old jobs would cost O(n) per chat.
        schedule(application, subscription, replace=False)
        if missed_today(
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


def register(application: Application) -> None:
    """Add /daily, /timezone, and the observers that keep subscriptions pointed at live chats."""
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("daily", daily, filters=new_messages))
    application.add_handler(CommandHandler("timezone", timezone_command, filters=new_messages))
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration), group=MEMBERSHIP_GROUP
    )
    application.add_handler(
        ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER), group=MEMBERSHIP_GROUP
    )
