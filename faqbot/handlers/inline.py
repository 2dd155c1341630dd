"""Inline mode: `@bot question` in any chat offers answers to share."""

from __future__ import annotations

import logging
import sqlite3
from functools import partial

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from faqbot.bot import question_log
from faqbot.bot.rendering import MESSAGE_LIMIT, render
from faqbot.bot.services import Services, services
from faqbot.knowledge import Entry
from faqbot.knowledge.replies import answer_reply, example_entries

log = logging.getLogger(__name__)

MAX_RESULTS = 5
CACHE_SECONDS = 300
DESCRIPTION_LIMIT = 120
CONTINUED = "\n\n…"


async def popular_entries(svc: Services) -> list[Entry]:
    """The most asked entries lately, topped up with one example per topic."""
    try:
        ids = await svc.storage.run(partial(question_log.popular, limit=MAX_RESULTS))
    except sqlite3.Error as error:
        log.warning("could not read popular questions from %s: %s", svc.storage.path, error)
        ids = []
    entries = [entry for entry_id in ids if (entry := svc.pack.entry(entry_id))]
    for entry in example_entries(svc.pack, MAX_RESULTS):
        if entry not in entries:
            entries.append(entry)
    return entries[:MAX_RESULTS]


def article(entry: Entry, svc: Services, username: str | None) -> InlineQueryResultArticle:
    """One shareable answer card."""
    # One message only: an answer too long for it is cut at a paragraph and marked as going on;
    # the deep link below opens it whole in a private chat.
    parts = render(answer_reply(entry, svc.pack), limit=MESSAGE_LIMIT - len(CONTINUED))
    text = parts[0].html + (CONTINUED if len(parts) > 1 else "")
    keyboard = None
    if username:
        link = f"https://t.me/{username}?start={entry.id}"
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ask the bot more", url=link)]])
    description = " ".join(entry.answer.split())
    if len(description) > DESCRIPTION_LIMIT:
        description = description[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
    return InlineQueryResultArticle(
        id=entry.id,
        title=entry.question,
        description=description,
        input_message_content=InputTextMessageContent(text),
        reply_markup=keyboard,
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer up to five answers for the typed question, or popular ones for an empty query."""
    query = update.inline_query
    svc = services(context)
    if query.query.strip():
        match = svc.matcher.match(query.query)
        cutoff = svc.matcher.thresholds.suggest
        offered = [s.entry for s in match.ranked if s.score >= cutoff]
        entries = offered[:MAX_RESULTS] if match.status != "none" else []
    else:
        entries = await popular_entries(svc)
    results = [article(entry, svc, context.bot.username) for entry in entries]
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)


def register(application: Application) -> None:
    """Add the inline query handler."""
    application.add_handler(InlineQueryHandler(on_inline_query))
