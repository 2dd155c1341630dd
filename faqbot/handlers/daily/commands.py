"""/daily and /timezone, which change a chat's subscription, and /broadcast_status."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.menu import ADMINS, PRIVATE, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import admin_only, is_chat_admin
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import Context
from faqbot.handlers.daily.quiz_schedule import daily_quiz, describe_quiz, quiz_status
from faqbot.knowledge.catalogue import Key, say
from faqbot.knowledge.timetable import parse_time, parse_timezone, zone_label
from faqbot.storage.daily import DELIVERY_LOG_DAYS, DailySubscription

OFF_WORDS = ("off", "stop", "cancel", "unsubscribe")


def _now() -> datetime:
    return datetime.now(UTC)


def _quoted(argument: str) -> str:
    """What the user typed, as a short escaped excerpt in quotes: never a reply too long."""
    return f"“{html.escape(excerpt(argument))}”"


def _said(language: str, key: Key, **values: object) -> str:
    """A catalogue sentence as HTML; its values are HTML already (escaped where they must be)."""
    return say(language, key, **values)


def describe(
    subscription: DailySubscription | None, default_timezone: str, language: str = "en"
) -> str:
    """A chat's subscription status in one short HTML message."""
    zone_name = subscription.timezone if subscription else default_timezone
    where = html.escape(zone_label(zone_name))
    if subscription is None or subscription.send_at is None:
        return _said(language, "daily_none", zone=where)
    at = subscription.send_at.strftime("%H:%M")
    if not subscription.active:
        return _said(language, "daily_paused", at=at, zone=where)
    return _said(language, "daily_active", at=f"<b>{at}</b>", zone=where)


async def _change(
    update: Update,
    context: Context,
    change: Callable[[], Awaitable[DailySubscription]],
) -> DailySubscription | None:
    """Store a change to the chat's subscription (its due times move with it, in the same
    transaction), if the sender may; otherwise say who may, and return None."""
    if not await is_chat_admin(update, context):
        language = await language_for(update, context)
        await reply(message_of(update), html_message(_said(language, "daily_admins_only")))
        return None
    return await change()


@menu(PRIVATE, ADMINS)
async def daily(update: Update, context: Context) -> None:
    """A fact or a quiz a day: /daily 07:30, /daily quiz 20:00, /daily off, /daily for both"""
    message, chat = message_of(update), update.effective_chat
    state = context.bot_data
    store = state.stores.daily
    language = await language_for(update, context)
    args = context.args or []
    if args and args[0].casefold() == "quiz":
        await daily_quiz(update, context, " ".join(args[1:]).strip(), language)
        return
    argument = " ".join(args).strip()
    if not argument:
        found = await store.get(chat.id)
        quiz = await describe_quiz(
            context.application, chat.id, await store.get(chat.id, "quiz"), language
        )
        text = f"{describe(found, state.settings.timezone, language)}\n\n{quiz}"
        await reply(message, html_message(text))
        return
    if argument.lower() in OFF_WORDS:
        if not await is_chat_admin(update, context):
            await reply(message, html_message(_said(language, "daily_admins_only")))
            return
        ended = await store.unsubscribe(chat.id)
        text = _said(language, "daily_stopped" if ended else "daily_had_none")
        again = _said(language, "daily_start_again")
        await reply(message, html_message(f"{text} {again}"))
        return
    send_at = parse_time(argument)
    if send_at is None:
        unread = _said(language, "daily_bad_time", argument=_quoted(argument))
        usage = _said(language, "daily_time_usage")
        await reply(message, html_message(f"{unread} {usage}"))
        return
    subscription = await _change(
        update,
        context,
        lambda: store.subscribe(chat.id, send_at, state.settings.timezone, _now()),
    )
    if subscription is not None:
        status = describe(subscription, state.settings.timezone, language)
        await reply(message, html_message(status))


@menu(PRIVATE, ADMINS)
async def timezone_command(update: Update, context: Context) -> None:
    """Set this chat's timezone for daily facts: /timezone Asia/Tokyo or +05:30"""
    message, chat = message_of(update), update.effective_chat
    state = context.bot_data
    store = state.stores.daily
    language = await language_for(update, context)
    usage = _said(language, "daily_timezone_usage")
    argument = " ".join(context.args or []).strip()
    if not argument:
        found = await store.get(chat.id)
        current = zone_label(found.timezone if found else state.settings.timezone)
        now = _said(language, "daily_timezone_is", zone=html.escape(current))
        await reply(message, html_message(f"{now} {usage}"))
        return
    zone_name = parse_timezone(argument)
    if zone_name is None:
        unknown = _said(language, "daily_timezone_unknown", argument=_quoted(argument))
        await reply(message, html_message(f"{unknown} {usage}"))
        return
    subscription = await _change(
        update, context, lambda: store.set_timezone(chat.id, zone_name, _now())
    )
    if subscription is None:
        return
    label = html.escape(zone_label(zone_name))
    done = _said(language, "daily_timezone_set", zone=label)
    await reply(message, html_message(f"{done} {describe(subscription, zone_name, language)}"))


@admin_only
async def broadcast_status(update: Update, context: Context) -> None:
    """Daily-fact and daily-quiz subscribers, and today's deliveries and failures"""
    language = await language_for(update, context)
    counts = await context.bot_data.stores.daily.status(_now())
    unrecorded = sum(kind == "fact" for _, kind in context.bot_data.daily.unrecorded)
    sent = _said(language, "broadcast_sent", sent=counts.sent_today)
    if counts.ambiguous_today:
        sent += f" ({_said(language, 'broadcast_unconfirmed', count=counts.ambiguous_today)})"
    text = "\n".join(
        [
            f"<b>{_said(language, 'broadcast_title')}</b>",
            _said(
                language,
                "broadcast_subscribers",
                subscribers=counts.subscribers,
                active=counts.active,
            ),
            sent,
            _said(language, "broadcast_under_way", pending=counts.pending, unrecorded=unrecorded),
            _said(
                language,
                "broadcast_failures",
                failed=counts.failed_today,
                stopped=counts.stopped_today,
            ),
            _said(
                language, "broadcast_undelivered", days=DELIVERY_LOG_DAYS, count=counts.failed_total
            ),
            "",
            await quiz_status(context.application, language),
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
