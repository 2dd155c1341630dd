"""/topics: browse topics, then questions, then the answer, in one message with Back buttons."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import edit, message_of, reply, send, thread_of
from faqbot.bot.rendering import (
    BROWSE_ENTRY,
    BROWSE_ROOT,
    BROWSE_TOPIC,
    Rendered,
    answer_prefix,
    button,
    callback,
    render,
)
from faqbot.bot.state import Context
from faqbot.knowledge import Pack
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.replies import answer_reply


def topic_list(pack: Pack) -> Rendered:
    """The pack's topics, one button each, in the language the pack is seen in."""
    rows = [[button(t.title, callback(BROWSE_TOPIC, t.id))] for t in pack.topics]
    text = say(pack.info.language, "pick_topic")
    return Rendered(f"<b>{html.escape(text)}</b>", text, InlineKeyboardMarkup(rows))


def topic_questions(pack: Pack, topic_id: str) -> Rendered | None:
    """The questions of one topic, with Back to the topic list."""
    topic = pack.topic(topic_id)
    if topic is None:
        return None
    rows = [[button(e.question, callback(BROWSE_ENTRY, e.id))] for e in pack.entries_in(topic.id)]
    rows.append([button(say(pack.info.language, "back"), BROWSE_ROOT)])
    return Rendered(f"<b>{html.escape(topic.title)}</b>", topic.title, InlineKeyboardMarkup(rows))


async def topics(update: Update, context: Context) -> None:
    """Browse the questions I can answer, by topic"""
    language = await language_for(update, context)
    await reply(
        message_of(update), [topic_list(context.bot_data.knowledge.pack.in_language(language))]
    )


async def on_browse(update: Update, context: Context) -> None:
    """Move through topics, questions and answers by editing the message in place."""
    query = update.callback_query
    if query is None or query.data is None:
        return  # the handler's pattern lets only queries with data through
    # Browsing speaks the language of whoever presses, as /topics did for whoever sent it.
    language = await language_for(update, context)
    pack = context.bot_data.knowledge.pack.in_language(language)
    prefix, _, value = query.data.partition(":")
    view: list[Rendered] = []
    if prefix == BROWSE_ROOT:
        view = [topic_list(pack)]
    elif prefix == BROWSE_TOPIC:
        questions = topic_questions(pack, value)
        view = [questions] if questions else []
    elif entry := pack.entry(value):
        back = button(say(language, "back"), callback(BROWSE_TOPIC, entry.topic))
        view = render(
            answer_reply(entry, pack), choice_prefix=answer_prefix(pack), extra_buttons=[back]
        )
    if not view:
        await query.answer(say(language, "expired"))
        return
    await query.answer()
    await edit(query, view[0])
    message = query.message
    if len(view) > 1 and message is not None:
        # An answer too long for one message goes on below it; Back is on its last part.
        await send(context.bot, message.chat.id, view[1:], thread_id=thread_of(message))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/topics and its buttons."""
    pattern = f"^({BROWSE_ROOT}|{BROWSE_TOPIC}:|{BROWSE_ENTRY}:)"
    return [
        CommandHandler("topics", topics, filters=filters.UpdateType.MESSAGE),
        CallbackQueryHandler(on_browse, pattern=pattern),
    ]
