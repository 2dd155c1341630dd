"""Commands for the bot's operators, listed in FAQBOT_ADMIN_IDS; hidden from the menu."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial, wraps

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from faqbot.bot import question_log, subscriptions
from faqbot.bot.menu import menu
from faqbot.bot.messaging import reply
from faqbot.bot.rendering import html_message, text_message
from faqbot.bot.services import services

log = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
NOT_ALLOWED = "This command is for the bot's operators."


def admin_only(callback: Callback) -> Callback:
    """Run the command only for users listed in FAQBOT_ADMIN_IDS; log refused attempts."""

    @wraps(callback)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None or user.id not in services(context).settings.admin_ids:
            log.warning("refused admin command from user %s", user.id if user else "unknown")
            await reply(update.effective_message, text_message(NOT_ALLOWED))
            return
        await callback(update, context)

    return menu()(guarded)


@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Questions asked today, and the most frequent ones the pack could not answer"""
    storage = services(context).storage
    today = await storage.run(question_log.counts_today)
    gaps = await storage.run(partial(question_log.unanswered, limit=10))
    lines = [
        "<b>Questions today (UTC)</b>",
        *(f"{status}: {count}" for status, count in sorted(today.items())),
        "",
        "<b>Most asked without an outright answer</b>",
        *(f"{count}× {html.escape(question)}" for question, count in gaps),
    ]
    text = "\n".join(lines if today or gaps else ["No questions logged yet."])
    await reply(update.effective_message, html_message(text))


@admin_only
async def broadcast_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily-fact subscribers, and today's deliveries and failures"""
    now = datetime.now(UTC)
    counts = await services(context).storage.run(partial(subscriptions.status, now=now))
    text = "\n".join(
        [
            "<b>Daily facts</b>",
            f"Subscribers: {counts.subscribers} (active: {counts.active})",
            f"Facts sent today (UTC): {counts.sent_today}",
            f"Failures today (UTC): {counts.failed_today} undelivered after retries, "
            f"{counts.stopped_today} chats that blocked or removed the bot",
            f"Undelivered in the last {subscriptions.DELIVERY_LOG_DAYS} days: "
            f"{counts.failed_total}",
        ]
    )
    await reply(update.effective_message, html_message(text))


def register(application: Application) -> None:
    """Add the admin commands."""
    application.add_handler(CommandHandler("stats", stats, filters=filters.UpdateType.MESSAGE))
    application.add_handler(
        CommandHandler("broadcast_status", broadcast_status, filters=filters.UpdateType.MESSAGE)
    )
