"""/start (with a deep link to an answer), /help, /ask and /fact."""

from __future__ import annotations

import random

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.menu import ADMINS, GROUPS, PRIVATE, command_menu, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import render
from faqbot.bot.state import Context
from faqbot.bot.texts import HELP_GROUP, HELP_GROUP_ADMIN, HELP_PRIVATE
from faqbot.handlers.answers.questions import answer_question
from faqbot.knowledge.replies import Choice, Reply, answer_reply, example_entries

NEW_MESSAGES = filters.UpdateType.MESSAGE


@menu(PRIVATE)
async def start(update: Update, context: Context) -> None:
    """Welcome and example questions"""
    pack = context.bot_data.pack
    message = message_of(update)
    if context.args and (entry := pack.entry(context.args[0])):
        await reply(message, render(answer_reply(entry, pack)))
        return
    name = update.effective_user.first_name if update.effective_user else "there"
    welcome = Reply(
        kind="welcome",
        body=(
            f"Hi {name}! I answer questions about {pack.info.title}. Ask in your own "
            "words: typos, acronyms and Hinglish are fine.\n\n"
            "Send /topics to browse, /fact for a quick fact, or /help for everything I do."
        ),
        choices_heading="Try one of these",
        choices=tuple(Choice(e.question, e.id) for e in example_entries(pack)),
    )
    await reply(message, render(welcome))


async def help_command(update: Update, context: Context) -> None:
    """How to use the bot"""
    message = message_of(update)
    menus = command_menu(context.application)
    bot = context.bot.username

    def listed(commands: list[BotCommand]) -> str:
        return "\n".join(f"/{c.command} - {c.description}" for c in commands)

    if message.chat.type == ChatType.PRIVATE:
        body = HELP_PRIVATE.format(bot=bot, commands=listed(menus[PRIVATE]))
    else:
        body = HELP_GROUP.format(bot=bot, commands=listed(menus[GROUPS]))
        if await is_chat_admin(update, context):
            everyone = {c.command for c in menus[GROUPS]}
            extra = [c for c in menus[ADMINS] if c.command not in everyone]
            if extra:
                body += HELP_GROUP_ADMIN.format(commands=listed(extra))
    await reply(message, render(Reply(kind="info", body=body)))


async def ask(update: Update, context: Context) -> None:
    """Ask a question: /ask what is JIMEX"""
    message = message_of(update)
    question = " ".join(context.args or [])
    if not question and message.reply_to_message and message.reply_to_message.text:
        question = message.reply_to_message.text
    await answer_question(update, context, question)


async def fact(update: Update, context: Context) -> None:
    """A random fact from the knowledge base"""
    pack = context.bot_data.pack
    entry = random.choice(pack.entries)
    await reply(message_of(update), render(answer_reply(entry, pack, kind="fact")))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/start, /help, /ask and /fact, in their menu order."""
    return [
        CommandHandler("start", start, filters=NEW_MESSAGES),
        CommandHandler("help", help_command, filters=NEW_MESSAGES),
        CommandHandler("ask", ask, filters=NEW_MESSAGES),
        CommandHandler("fact", fact, filters=NEW_MESSAGES),
    ]
