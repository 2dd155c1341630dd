"""`/daily quiz HH:MM|off`: a chat's daily quiz, kept and delivered like its daily fact."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from telegram import Update

from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import BotApplication, Context
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.timetable import parse_time, zone_label
from faqbot.storage.daily import DailySubscription
from faqbot.storage.quiz import default_settings

OFF_WORDS = ("off", "stop", "cancel", "unsubscribe")


async def describe_quiz(
    application: BotApplication,
    chat_id: int,
    subscription: DailySubscription | None,
    language: str,
) -> str:
    """A chat's daily-quiz status in one short HTML paragraph, with the round it will get."""
    state = application.bot_data
    zone_name = (
        subscription.timezone
        if subscription
        else await state.stores.daily.chat_timezone(chat_id) or state.settings.timezone
    )
    where = html.escape(zone_label(zone_name))
    if subscription is None or subscription.send_at is None:
        return say(language, "daily_quiz_none", zone=where)
    at = subscription.send_at.strftime("%H:%M")
    if not subscription.active:
        return say(language, "daily_quiz_paused", at=at, zone=where)
    quiz = await state.stores.quiz.settings(
        chat_id, default_settings(state.settings.quiz_open_period)
    )
    return say(
        language,
        "daily_quiz_active",
        at=f"<b>{at}</b>",
        zone=where,
        questions=str(quiz.round_size),
        seconds=str(quiz.open_period),
    )


async def daily_quiz(update: Update, context: Context, argument: str, language: str) -> None:
    """`/daily quiz` (status), `/daily quiz 20:00`, `/daily quiz off`; changes are admins'."""
    message, chat = message_of(update), update.effective_chat
    application = context.application
    state = context.bot_data
    store = state.stores.daily
    if not argument:
        found = await store.get(chat.id, "quiz")
        await reply(
            message, html_message(await describe_quiz(application, chat.id, found, language))
        )
        return
    send_at = None if argument.lower() in OFF_WORDS else parse_time(argument)
    if send_at is None and argument.lower() not in OFF_WORDS:
        quoted = f"“{html.escape(excerpt(argument))}”"
        await reply(message, html_message(say(language, "daily_quiz_bad_time", argument=quoted)))
        return
    if not await is_chat_admin(update, context):
        await reply(message, html_message(say(language, "daily_quiz_admins_only")))
        return
    if send_at is None:
        ended = await store.unsubscribe(chat.id, "quiz")
        said = say(language, "daily_quiz_stopped" if ended else "daily_quiz_had_none")
        await reply(message, html_message(said))
        return
    if not state.knowledge.bank.items:
        await reply(message, html_message(say(language, "daily_quiz_no_items")))
        return
    subscription = await store.subscribe(
        chat.id, send_at, state.settings.timezone, datetime.now(UTC), "quiz"
    )
    text = await describe_quiz(application, chat.id, subscription, language)
    await reply(message, html_message(text))


async def quiz_status(application: BotApplication, language: str) -> str:
    """/broadcast_status's paragraph on daily quizzes: subscribers, today's rounds, failures."""
    counts = await application.bot_data.stores.daily.status(datetime.now(UTC), "quiz")
    unrecorded = sum(kind == "quiz" for _, kind in application.bot_data.daily.unrecorded)
    title = say(language, "daily_quiz_status_title")
    return f"<b>{title}</b>\n" + say(
        language,
        "daily_quiz_status",
        subscribers=str(counts.subscribers),
        active=str(counts.active),
        started=str(counts.sent_today),
        unconfirmed=str(counts.ambiguous_today),
        pending=str(counts.pending + unrecorded),
        failed=str(counts.failed_today),
        stopped=str(counts.stopped_today),
    )
