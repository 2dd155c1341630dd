"""Commands for the bot's operators, listed in FAQBOT_ADMIN_IDS (hidden from the menu), and
the question log's retention."""

from __future__ import annotations

import html
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial, wraps

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from faqbot.bot import question_log, subscriptions
from faqbot.bot.menu import menu
from faqbot.bot.messaging import reply
from faqbot.bot.rendering import excerpt, html_message, text_message
from faqbot.bot.services import services

log = logging.getLogger(__name__)

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
NOT_ALLOWED = "This command is for the bot's operators."
# /stats shows this many questions, each cut so that all of them fit one message even when
# every character is one HTML escapes ('"' becomes 6): any user can choose what is listed.
STATS_QUESTIONS = 10
STATS_QUESTION_LIMIT = 60
RETENTION_JOB = "question-log-retention"


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
    svc = services(context)
    today = await svc.storage.run(question_log.counts_today)
    gaps = await svc.storage.run(partial(question_log.unanswered, limit=STATS_QUESTIONS))
    lines = [
        "<b>Questions today (UTC)</b>",
        *(f"{status}: {count}" for status, count in sorted(today.items())),
        "",
        "<b>Most asked without an outright answer "
        f"(last {svc.settings.log_retention_days} days)</b>",
        *(
            f"{count}× {html.escape(excerpt(question, STATS_QUESTION_LIMIT))}"
            for question, count in gaps
        ),
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


async def prune_question_log(application: Application) -> None:
    """Forget questions older than FAQBOT_LOG_RETENTION_DAYS."""
    svc = services(application)
    days = svc.settings.log_retention_days
    try:
        pruned = await svc.storage.run(
            partial(question_log.prune, days=days, now=datetime.now(UTC))
        )
    except sqlite3.Error as error:
        log.warning(
            "could not prune the question log in %s (%s); the next try is in a day",
            svc.storage.path,
            error,
        )
        return
    if pruned:
        log.info("question log: forgot %d questions older than %d days", pruned, days)


async def question_log_retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily pruning of the question log."""
    await prune_question_log(context.application)


async def on_startup(application: Application) -> None:
    """Prune the question log now, then once a day."""
    await prune_question_log(application)
    application.job_queue.run_repeating(
        question_log_retention_job,
        interval=timedelta(days=1),
        first=timedelta(days=1),
        name=RETENTION_JOB,
        job_kwargs={"id": RETENTION_JOB, "replace_existing": True},
    )


def register(application: Application) -> None:
    """Add the admin commands."""
    application.add_handler(CommandHandler("stats", stats, filters=filters.UpdateType.MESSAGE))
    application.add_handler(
        CommandHandler("broadcast_status", broadcast_status, filters=filters.UpdateType.MESSAGE)
    )
