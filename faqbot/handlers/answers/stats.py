"""/stats for the bot's operators: what was asked today, and what the pack could not answer."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import admin_only
from faqbot.bot.rendering import html_message
from faqbot.bot.state import Context

GAPS_SHOWN = 10


@admin_only
async def stats(update: Update, context: Context) -> None:
    """Questions asked today, and the most frequent ones the pack could not answer"""
    questions = context.bot_data.stores.questions
    today = await questions.counts_today()
    gaps = await questions.unanswered(GAPS_SHOWN)
    lines = [
        "<b>Questions today (UTC)</b>",
        *(f"{status}: {count}" for status, count in sorted(today.items())),
        "",
        "<b>Most asked without an outright answer</b>",
        *(f"{count}× {html.escape(question)}" for question, count in gaps),
    ]
    if not today and not gaps:
        lines = ["No questions logged yet."]
    skipped = context.bot_data.skipped_updates
    if skipped.count:
        kinds = ", ".join(
            f"{html.escape(kind)} {count}" for kind, count in sorted(skipped.by_type.items())
        )
        lines += ["", f"<b>Unreadable updates skipped since start</b>: {skipped.count} ({kinds})"]
    text = "\n".join(lines)
    await reply(message_of(update), html_message(text))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/stats, hidden from the menu."""
    return [CommandHandler("stats", stats, filters=filters.UpdateType.MESSAGE)]
