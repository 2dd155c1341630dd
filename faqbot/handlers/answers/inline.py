"""Inline mode: `@bot question` in any chat offers answers to share."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import BaseHandler, InlineQueryHandler

from faqbot.bot.language import language_for
from faqbot.bot.rendering import MESSAGE_LIMIT, render
from faqbot.bot.state import BotState, Context
from faqbot.handlers.answers.questions import reply_for
from faqbot.knowledge import Entry, Pack
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.replies import Reply, answer_reply, example_entries
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

MAX_RESULTS = 5
CACHE_SECONDS = 300
DESCRIPTION_LIMIT = 120
CONTINUED = "\n\n…"


async def popular_entries(state: BotState, pack: Pack) -> list[Entry]:
    """The most asked entries lately, topped up with one example per topic (of `pack`, the
    pack as the asker reads it)."""
    questions = state.stores.questions
    try:
        ids = await questions.popular(MAX_RESULTS)
    except DATABASE_ERRORS as error:
        log.warning("could not read popular questions from %s: %s", questions.path, error)
        ids = []
    entries = [entry for entry_id in ids if (entry := pack.entry(entry_id))]
    for entry in example_entries(pack, MAX_RESULTS):
        if entry not in entries:
            entries.append(entry)
    return entries[:MAX_RESULTS]


def article(
    entry: Entry, pack: Pack, username: str | None, card: Reply | None = None
) -> InlineQueryResultArticle:
    """One shareable answer card: the entry's, unless a card for it is given."""
    # One message only: an answer too long for it is cut at a paragraph and marked as going on;
    # the deep link below opens it whole in a private chat.
    card = card or answer_reply(entry, pack)
    parts = render(card, limit=MESSAGE_LIMIT - len(CONTINUED))
    text = parts[0].html + (CONTINUED if len(parts) > 1 else "")
    keyboard = None
    if username:
        link = f"https://t.me/{username}?start={entry.id}"
        more = say(pack.info.language, "ask_the_bot_more")
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(more, url=link)]])
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


async def on_inline_query(update: Update, context: Context) -> None:
    """Offer up to five answers for the typed question, or popular ones for an empty query.

    Inline queries come from no chat, so there is no follow-up context: each is read alone.
    """
    query = update.inline_query
    state = context.bot_data
    knowledge = state.knowledge  # one bundle for every card, whatever a reload does
    typed = query.query if query.query.strip() else None
    language = await language_for(update, context, typed)
    pack = knowledge.pack.in_language(language)
    outcome = knowledge.answerers.respond(typed, reply_in=language).outcome if typed else None
    cards: dict[str, Reply] = {}
    if typed is None or outcome is None or outcome.match is None:  # nothing typed, small talk
        entries = await popular_entries(state, pack)
    else:
        matcher = knowledge.answerers.matcher(knowledge.answerers.language_of(typed))
        cutoff = matcher.thresholds.suggest
        offered = [s.entry for s in outcome.match.ranked if s.score >= cutoff]
        entries = offered[:MAX_RESULTS] if outcome.status != "none" else []
        if outcome.status == "answer" and outcome.entry is not None:
            # The answer's own card leads with the option an exam question asked for. Its
            # runner-up is the next result already, not a button on the shared message.
            cards[outcome.entry.id] = replace(reply_for(outcome, pack), also=None)
            entries = [outcome.entry, *(e for e in entries if e != outcome.entry)][:MAX_RESULTS]
    results = [article(e, pack, context.bot.username, cards.get(e.id)) for e in entries]
    # Telegram caches results by query text for everyone, unless they are personal: with more
    # than one language, the same text gets different answers for different users.
    personal = len(knowledge.pack.languages) > 1
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=personal)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The inline query handler."""
    return [InlineQueryHandler(on_inline_query)]
