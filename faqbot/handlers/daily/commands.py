"""/daily and /timezone, which change a chat's subscription, and /broadcast_status."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.menu import ADMINS, PRIVATE, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import admin_only, is_chat_admin
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import BotApplication, Context
from faqbot.handlers.daily.delivery import schedule, unschedule
from faqbot.knowledge.timetable import parse_time, parse_timezone, zone_label
from faqbot.storage.daily import DELIVERY_LOG_DAYS, DailySubscription

ADMINS_ONLY = "Only this group's administrators can change its daily fact."
TIME_USAGE = (
    "Send the time of day for the daily fact, for example /daily 07:30 "
    "(7pm and 19:00 work too). /daily off stops it."
)
TIMEZONE_USAGE = (
    "Send a timezone name or a UTC offset, for example /timezone Asia/Tokyo or /timezone +05:30."
)
OFF_WORDS = ("off", "stop", "cancel", "unsubscribe")


def _now() -> datetime:
    return datetime.now(UTC)


def _quoted(argument: str) -> str:
    """What the user typed, as a short escaped excerpt in quotes: never a reply too long."""
    return f"“{html.escape(excerpt(argument))}”"


def describe(subscription: DailySubscription | None, default_timezone: str) -> str:
    """A chat's subscription status in one short HTML message."""
    zone_name = subscription.timezone if subscription else default_timezone
    where = html.escape(zone_label(zone_name))
    if subscription is None or subscription.send_at is None:
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


def _changing(application: BotApplication, chat_id: int) -> asyncio.Lock:
    """The lock that keeps one chat's database row and its job in step: updates run
    concurrently, and '/daily 07:30' racing '/daily off' must not leave a row without a job."""
    locks = application.bot_data.daily.locks
    lock = locks.get(chat_id)
    if lock is None:
        lock = locks[chat_id] = asyncio.Lock()
    return lock


async def _change(
    update: Update,
    context: Context,
    change: Callable[[], Awaitable[DailySubscription]],
) -> DailySubscription | None:
    """Store a change to the chat's subscription and reschedule its job, if the sender may;
    otherwise say who may, and return None."""
    if not await is_chat_admin(update, context):
        await reply(message_of(update), html_message(ADMINS_ONLY))
        return None
    async with _changing(context.application, update.effective_chat.id):
        subscription = await change()
        schedule(context.application, subscription)
    return subscription


@menu(PRIVATE, ADMINS)
async def daily(update: Update, context: Context) -> None:
    """Get one fact a day: /daily 07:30, /daily off, or /daily for the status"""
    message, chat = message_of(update), update.effective_chat
    state = context.bot_data
    store = state.stores.daily
    argument = " ".join(context.args or []).strip()
    if not argument:
        found = await store.get(chat.id)
        await reply(message, html_message(describe(found, state.settings.timezone)))
        return
    if argument.lower() in OFF_WORDS:
        if not await is_chat_admin(update, context):
            await reply(message, html_message(ADMINS_ONLY))
            return
        async with _changing(context.application, chat.id):
            ended = await store.unsubscribe(chat.id)
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
        lambda: store.subscribe(chat.id, send_at, state.settings.timezone, _now()),
    )
    if subscription is not None:
        await reply(message, html_message(describe(subscription, state.settings.timezone)))


@menu(PRIVATE, ADMINS)
async def timezone_command(update: Update, context: Context) -> None:
    """Set this chat's timezone for daily facts: /timezone Asia/Tokyo or +05:30"""
    message, chat = message_of(update), update.effective_chat
    state = context.bot_data
    store = state.stores.daily
    argument = " ".join(context.args or []).strip()
    if not argument:
        found = await store.get(chat.id)
        current = zone_label(found.timezone if found else state.settings.timezone)
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
        update, context, lambda: store.set_timezone(chat.id, zone_name, _now())
    )
    if subscription is None:
        return
    label = html.escape(zone_label(zone_name))
    await reply(
        message, html_message(f"Timezone set to {label}. {describe(subscription, zone_name)}")
    )


@admin_only
async def broadcast_status(update: Update, context: Context) -> None:
    """Daily-fact subscribers, and today's deliveries and failures"""
    counts = await context.bot_data.stores.daily.status(_now())
    unrecorded = len(context.bot_data.daily.unrecorded)
    sent = f"Facts sent today (UTC): {counts.sent_today}"
    if counts.ambiguous_today:
        sent += (
            f" ({counts.ambiguous_today} unconfirmed: a send went unanswered and was not repeated)"
        )
    text = "\n".join(
        [
            "<b>Daily facts</b>",
            f"Subscribers: {counts.subscribers} (active: {counts.active})",
            sent,
            f"Under way: {counts.pending} being sent or waiting for a retry; {unrecorded} "
            "delivered but not yet written to the database",
            f"Failures today (UTC): {counts.failed_today} undelivered when retries ran out, "
            f"{counts.stopped_today} chats that blocked or removed the bot",
            f"Undelivered in the last {DELIVERY_LOG_DAYS} days: {counts.failed_total}",
        ]
    )
    await reply(message_of(update), html_message(text))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/daily, /timezone and (hidden from the menu) /broadcast_status."""
    new_messages = filters.UpdateType.MESSAGE
    return [
        CommandHandler("daily", daily, filters=new_messages),
        CommandHandler("timezone", timezone_command, filters=new_messages),
        CommandHandler("broadcast_status", broadcast_status, filters=new_messages),
    ]
