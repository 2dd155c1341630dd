"""/stats for the bot's operators: what was asked today, and what the pack could not answer."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import admin_only
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import BotApplication, Context
from faqbot.knowledge.catalogue import say
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

# /stats shows this many questions, each cut so that all of them fit one message even when
# every character is one HTML escapes ('"' becomes 6): any user can choose what is listed.
GAPS_SHOWN = 10
GAP_QUESTION_LIMIT = 60
RETENTION_JOB = "question-log-retention"


@admin_only
async def stats(update: Update, context: Context) -> None:
    """Questions asked today, and the most frequent ones the pack could not answer"""
    language = await language_for(update, context)
    questions = context.bot_data.stores.questions
    today = await questions.counts_today()
    gaps = await questions.unanswered(GAPS_SHOWN)
    days = context.bot_data.settings.log_retention_days
    lines = [
        f"<b>{html.escape(say(language, 'stats_today'))}</b>",
        *(f"{status}: {count}" for status, count in sorted(today.items())),
        "",
        f"<b>{html.escape(say(language, 'stats_gaps', days=days))}</b>",
        *(
            f"{count}× {html.escape(excerpt(question, GAP_QUESTION_LIMIT))}"
            for question, count in gaps
        ),
    ]
    if not today and not gaps:
        lines = [html.escape(say(language, "stats_empty"))]
    skipped = context.bot_data.skipped_updates
    if skipped.count:
        kinds = ", ".join(
            f"{html.escape(kind)} {count}" for kind, count in sorted(skipped.by_type.items())
        )
        heading = html.escape(say(language, "stats_skipped"))
        lines += ["", f"<b>{heading}</b>: {skipped.count} ({kinds})"]
    text = "\n".join(lines)
    await reply(message_of(update), html_message(text))


async def prune_question_log(application: BotApplication) -> None:
    """Forget questions older than FAQBOT_LOG_RETENTION_DAYS."""
    state = application.bot_data
    days = state.settings.log_retention_days
    try:
        pruned = await state.stores.questions.prune(days, datetime.now(UTC))
    except DATABASE_ERRORS as error:
        log.warning(
            "could not prune the question log in %s (%s); the next try is in a day",
            state.stores.questions.path,
            error,
        )
        return
    if pruned:
        log.info("question log: forgot %d questions older than %d days", pruned, days)


async def question_log_retention_job(context: Context) -> None:
    """The daily pruning of the question log."""
    await prune_question_log(context.application)


async def on_startup(application: BotApplication) -> None:
    """Prune the question log now, then once a day."""
    await prune_question_log(application)
    application.job_queue.run_repeating(
        question_log_retention_job,
        interval=timedelta(days=1),
        first=timedelta(days=1),
        name=RETENTION_JOB,
        job_kwargs={"id": RETENTION_JOB, "replace_existing": True},
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/stats, hidden from the menu."""
    return [CommandHandler("stats", stats, filters=filters.UpdateType.MESSAGE)]
