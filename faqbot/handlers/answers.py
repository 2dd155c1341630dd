"""Answers questions: private messages, /ask, mentions and replies in groups, answer buttons."""

from __future__ import annotations

import logging
import random
import sqlite3
from functools import partial

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from faqbot.bot import question_log
from faqbot.bot.flood import Verdict
from faqbot.bot.menu import PRIVATE, command_menu, menu
from faqbot.bot.messaging import edit, reply, send
from faqbot.bot.rendering import ANSWER, render, text_message
from faqbot.bot.services import services
from faqbot.knowledge.replies import Choice, Reply, answer_reply, example_entries, reply_to

log = logging.getLogger(__name__)

NEW_MESSAGES = filters.UpdateType.MESSAGE
EXPIRED = "This button has expired. Ask me again, or send /topics to browse."
FLOOD_NOTICE = (
    "You're asking faster than I can keep up with. Take a short break: I'll answer again "
    "in a minute."
)
ASK_USAGE = "Send your question after the command, for example: /ask what is JIMEX?"


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> None:
    """Match a question and reply; quotes the question in groups so the thread stays clear."""
    message = update.effective_message
    svc = services(context)
    verdict = await svc.flood.check(update.effective_user.id)
    if verdict is Verdict.IGNORE:
        return
    if verdict is Verdict.NOTICE:
        await reply(message, text_message(FLOOD_NOTICE))
        return
    in_group = message.chat.type != ChatType.PRIVATE
    if not question.strip():
        await reply(message, text_message(ASK_USAGE), quote=in_group)
        return
    match = svc.matcher.match(question)
    await reply(message, render(reply_to(match, svc.pack)), quote=in_group)
    try:
        await svc.storage.run(
            partial(question_log.record, chat_type=message.chat.type, match=match)
        )
    except sqlite3.Error as error:
        log.warning("could not log a question to %s: %s", svc.storage.path, error)


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat any text in a private chat as a question."""
    await answer_question(update, context, update.effective_message.text)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer in groups only when addressed: an @mention, or a reply to one of our messages."""
    message = update.effective_message
    question = addressed_question(message, context.bot.id, context.bot.username)
    if question is not None:
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


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask a question: /ask what is JIMEX"""
    message = update.effective_message
    question = " ".join(context.args or [])
    if not question and message.reply_to_message and message.reply_to_message.text:
        question = message.reply_to_message.text
    await answer_question(update, context, question)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome and example questions"""
    svc = services(context)
    message = update.effective_message
    if context.args and (entry := svc.pack.entry(context.args[0])):
        await reply(message, render(answer_reply(entry, svc.pack)))
        return
    name = update.effective_user.first_name if update.effective_user else "there"
    welcome = Reply(
        kind="welcome",
        body=(
            f"Hi {name}! I answer questions about {svc.pack.info.title}. Ask in your own "
            "words: typos, acronyms and Hinglish are fine.\n\n"
            "Send /topics to browse, /fact for a quick fact, or /help for everything I do."
        ),
        choices_heading="Try one of these",
        choices=tuple(Choice(e.question, e.id) for e in example_entries(svc.pack)),
    )
    await reply(message, render(welcome))


@menu(PRIVATE)
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot"""
    commands = command_menu(context.application)[PRIVATE]
    lines = "\n".join(f"/{c.command} - {c.description}" for c in commands)
    bot = context.bot.username
    body = (
        "Ask me a question in your own words. If I'm not sure, I offer a few questions to "
        "pick from; if I don't know, I say so.\n\n"
        f"In a group, mention me (@{bot} your question), reply to one of my messages, "
        f"or use /ask. In any chat, type @{bot} and a question to share an answer.\n\n{lines}"
    )
    await reply(update.effective_message, render(Reply(kind="info", body=body)))


async def fact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A random fact from the knowledge base"""
    pack = services(context).pack
    entry = random.choice(pack.entries)
    await reply(update.effective_message, render(answer_reply(entry, pack, kind="fact")))


async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the question on a pressed button, as a new message under it."""
    query = update.callback_query
    pack = services(context).pack
    entry = pack.entry(query.data.partition(":")[2])
    if entry is None:
        await query.answer(EXPIRED)
        return
    await query.answer()
    rendered = render(answer_reply(entry, pack))
    if query.message is None:  # a button on a message sent through inline mode
        await edit(query, rendered[0])
        return
    chat = query.message.chat
    thread = (
        query.message.message_thread_id
        if getattr(query.message, "is_topic_message", False)
        else None
    )
    await send(context.bot, chat.id, rendered, thread_id=thread)


def register(application: Application) -> None:
    """Add the answering handlers."""
    application.add_handler(CommandHandler("start", start, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("help", help_command, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("ask", ask, filters=NEW_MESSAGES))
    application.add_handler(CommandHandler("fact", fact, filters=NEW_MESSAGES))
    application.add_handler(
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            on_private_text,
        )
    )
    application.add_handler(
        MessageHandler(
            NEW_MESSAGES & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
            on_group_text,
        )
    )
    application.add_handler(CallbackQueryHandler(on_answer_button, pattern=f"^{ANSWER}:"))
