"""/stats for the bot's operators: what was asked today and lately, what the pack could not
answer, and which answers were turned down; as text, and as a chart (knowledge/stats_chart.py)."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import message_of, reply, thread_of
from faqbot.bot.permissions import admin_only
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import BotApplication, Context
from faqbot.knowledge.catalogue import day_month, say
from faqbot.knowledge.question_log import LogFigures
from faqbot.knowledge.stats_chart import stats_png
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

# /stats shows this many questions, each cut so that all of them fit one message even when
# every character is one HTML escapes ('"' becomes 6): any user can choose what is listed.
GAPS_SHOWN = 10
GAP_QUESTION_LIMIT = 55
# The chart covers this many days; its caption (at most 1,024 characters) lists them, and the
# answers turned down most, each id cut to ENTRY_ID_LIMIT.
STATS_DAYS = 14
DOWNVOTED_SHOWN = 5
ENTRY_ID_LIMIT = 40
RETENTION_JOB = "question-log-retention"


@admin_only
async def stats(update: Update, context: Context) -> None:
    """Questions asked today, and the most frequent ones the pack could not answer"""
    language = await language_for(update, context)
    questions = context.bot_data.stores.questions
    today = await questions.counts_today()
    gaps = await questions.unanswered(GAPS_SHOWN)
    figures = await questions.figures(STATS_DAYS, datetime.now(UTC), GAPS_SHOWN)
    days = context.bot_data.settings.log_retention_days
    lines = [
        f"<b>{html.escape(say(language, 'stats_window', days=STATS_DAYS))}</b>: "
        + html.escape(summary(figures, language)),
        "",
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
    message = message_of(update)
    await reply(message, html_message(text))
    if figures.empty:
        return
    caption = figures_caption(figures, language)
    try:
        chart = await asyncio.to_thread(stats_png, figures)
    except Exception as error:  # a chart that cannot be drawn must not cost the figures
        log.warning("could not draw the /stats chart (%s); sent its figures as text", error)
        failed = html.escape(say(language, "stats_chart_failed"))
        await reply(message, html_message(f"{caption}\n\n{failed}"))
        return
    await context.bot.send_photo(
        message.chat.id, chart, caption=caption, message_thread_id=thread_of(message)
    )


def summary(figures: LogFigures, language: str) -> str:
    """ "N questions, R answered outright; S small talk" for the chart's window."""
    rate = figures.answered_rate
    return say(
        language,
        "stats_summary",
        questions=figures.questions,
        rate="–" if rate is None else f"{rate:.0%}",
        smalltalk=figures.smalltalk,
    )


def figures_caption(figures: LogFigures, language: str) -> str:
    """The chart's figures as text (HTML): each day's questions and answered-outright rate,
    then the answers turned down most. Bounded: no user text, ids cut."""
    lines = [f"<b>{html.escape(say(language, 'stats_per_day'))}</b>"]
    for day in figures.days:
        rate = day.answered_rate
        shown = "–" if rate is None else f"{rate:.0%}"
        lines.append(f"{day_month(language, day.day)}: {day.questions} · {shown}")
    lines += ["", f"<b>{html.escape(say(language, 'stats_downvoted'))}</b>"]
    lines += [
        f"{html.escape(excerpt(entry_id, ENTRY_ID_LIMIT))}: {count}"
        for entry_id, count in figures.downvoted[:DOWNVOTED_SHOWN]
    ] or ["–"]
    return "\n".join(lines)


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
