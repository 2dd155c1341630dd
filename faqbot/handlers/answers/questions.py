"""Answers questions: private messages, mentions and replies in groups, answer buttons.

Each user's last answer in each chat is kept a few minutes, so "why?" or "tell me more" after
it is read as a follow-up; in a group one user's follow-up never reads another's answer.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import edit, message_of, reply, send, thread_of
from faqbot.bot.rendering import (
    OPTION_ECHO_LIMIT,
    PREFIX_LANGUAGES,
    answer_prefix,
    excerpt,
    rating_buttons,
    render,
    text_message,
)
from faqbot.bot.state import Context
from faqbot.bot.throttling import within_flood_limit
from faqbot.knowledge import Entry, Pack
from faqbot.knowledge.answering import Outcome
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.question_log import answer_version
from faqbot.knowledge.replies import Reply, answer_reply, outcome_reply
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

NEW_MESSAGES = filters.UpdateType.MESSAGE


def reply_for(outcome: Outcome, pack: Pack) -> Reply:
    """What the user sees for an outcome; an exam option it names is cut to a short excerpt."""
    choice = outcome.choice
    if choice is not None and choice.option is not None:
        option = replace(choice.option, text=excerpt(choice.option.text, OPTION_ECHO_LIMIT))
        outcome = replace(outcome, choice=replace(choice, option=option))
    return outcome_reply(outcome, pack)


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Match a question and reply; quotes the question in groups so the thread stays clear.

    The caller has counted the message against the flood limit (the gate counts commands).
    """
    message = message_of(update)
    state = context.bot_data
    knowledge = state.knowledge  # one bundle for the whole reply, whatever a reload does
    user_id = update.effective_user.id
    in_group = message.chat.type != ChatType.PRIVATE
    if not question.strip():
        language = await language_for(update, context)
        await reply(message, text_message(say(language, "ask_usage")), quote=in_group)
        return
    chat_id = message.chat.id
    previous = await state.recent_answers.recall(chat_id, user_id)
    # The question's script chooses the matcher; the user's language (or, in "auto", the
    # script again) chooses the words of the reply, buttons included.
    reply_in = await language_for(update, context, question)
    found = knowledge.answerers.respond(question, previous_id=previous, reply_in=reply_in)
    outcome = found.outcome
    if outcome.answered_id is not None:
        # Kept before the answer is sent: updates run concurrently, and a "why?" sent the moment
        # the answer arrives may be read while this one still waits for Telegram's response.
        await state.recent_answers.remember(chat_id, user_id, outcome.answered_id)
    view = knowledge.pack.in_language(found.language)
    shown = view.entry(outcome.answered_id) if outcome.answered_id else None
    # 👍/👎 name the question by the message they are on: it is logged once the reply is sent,
    # so that logging never delays the answer.
    rate = rating_buttons() if shown else []
    rendered = render(
        reply_for(outcome, view), choice_prefix=answer_prefix(view), extra_buttons=rate
    )
    sent = None
    try:
        sent = await reply(message, rendered, quote=in_group)
    finally:
        questions = state.stores.questions
        try:
            await questions.record(
                message.chat.type,
                outcome,
                asker=questions.asker(chat_id, user_id),
                language=found.language,
                answer_version=answer_version(shown) if shown else None,
                message_id=sent.message_id
                if sent is not None and outcome.status != "smalltalk"
                else None,
            )
        except DATABASE_ERRORS as error:
            log.warning("could not log a question to %s: %s", questions.path, error)


async def on_private_text(update: Update, context: Context) -> None:
    """Treat any text in a private chat as a question."""
    message = message_of(update)
    if await within_flood_limit(message, context):
        await answer_question(update, context, message.text or "")


async def on_group_text(update: Update, context: Context) -> None:
    """Answer in groups only when addressed: an @mention, or a reply to one of our messages."""
    message = message_of(update)
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is not None and await within_flood_limit(message, context):
        await answer_question(update, context, question)


def addressed_question(message: Message, bot_id: int, username: str | None) -> str | None:
    """The question with the bot's @mention removed, or None if the bot was not addressed."""
    text = message.text or ""
    replied = message.reply_to_message
    mentions = [
        entity
        for entity, value in message.parse_entities([MessageEntity.MENTION]).items()
        if username and value.casefold() == f"@{username}".casefold()
    ]
    mentions += [
        entity
        for entity in message.parse_entities([MessageEntity.TEXT_MENTION])
        if entity.user and entity.user.id == bot_id
    ]
    if not mentions:
        # In a forum topic every message replies to the topic's first message; that is not
        # addressing the bot, even in a topic the bot created.
        topic_root = (
            message.is_topic_message
            and replied
            and (replied.message_id == message.message_thread_id)
        )
        if replied and replied.from_user and replied.from_user.id == bot_id and not topic_root:
            return text
        return None
    for entity, value in sorted(message.parse_entities().items(), key=lambda pair: -pair[0].offset):
        if entity in mentions:
            text = text.replace(value, " ", 1)
    return " ".join(text.split())


async def on_answer_button(update: Update, context: Context) -> None:
    """Answer the question on a pressed button, as a new message under it."""
    query = update.callback_query
    if query is None or query.data is None:
        return  # the handler's pattern lets only queries with data through
    prefix, _, entry_id = query.data.partition(":")
    language = PREFIX_LANGUAGES.get(prefix, "en")
    pack = context.bot_data.knowledge.pack.in_language(language)
    entry = pack.entry(entry_id)
    if entry is None:
        # Only the presser sees this notice: in their language, not the button's.
        await query.answer(say(await language_for(update, context), "expired"))
        return
    await query.answer()
    if query.message is None:  # a button on a message sent through inline mode
        await edit(query, render(answer_reply(entry, pack), choice_prefix=answer_prefix(pack))[0])
        return
    chat_id = query.message.chat.id
    row_id = await tapped_suggestion(
        context, chat_id, query.from_user.id, query.message.message_id, entry
    )
    rate = rating_buttons(row_id) if row_id else []
    rendered = render(
        answer_reply(entry, pack), choice_prefix=answer_prefix(pack), extra_buttons=rate
    )
    # A pressed question is one the user asked: "why?" next refers to it.
    await context.bot_data.recent_answers.remember(chat_id, query.from_user.id, entry.id)
    await send(context.bot, chat_id, rendered, thread_id=thread_of(query.message))


async def tapped_suggestion(
    context: Context, chat_id: int, user_id: int, message_id: int, entry: Entry
) -> int | None:
    """Log which suggestion the asker pressed under their question's card; returns the log
    row, whose 👍/👎 the answer then carries (None: not the asker, or not a suggestion)."""
    questions = context.bot_data.stores.questions
    try:
        return await questions.record_tap(
            questions.asker(chat_id, user_id), message_id, entry.id, answer_version(entry)
        )
    except DATABASE_ERRORS as error:
        log.warning("could not log a pressed suggestion in %s: %s", questions.path, error)
        return None


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Questions in private and group chats, and the answer buttons."""
    return [
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            on_private_text,
        ),
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
            on_group_text,
        ),
        CallbackQueryHandler(on_answer_button, pattern=f"^({'|'.join(PREFIX_LANGUAGES)}):"),
    ]
