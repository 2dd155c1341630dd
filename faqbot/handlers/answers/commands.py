"""/start (with a deep link to an answer), /help, /ask and /fact."""

from __future__ import annotations

import random

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.menu import ADMINS, GROUPS, PRIVATE, command_menu, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import answer_prefix, render
from faqbot.bot.state import Context
from faqbot.handlers.answers.questions import answer_question
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.replies import Choice, Reply, answer_reply, example_entries

NEW_MESSAGES = filters.UpdateType.MESSAGE


@menu(PRIVATE)
async def start(update: Update, context: Context) -> None:
    """Welcome and example questions"""
    language = await language_for(update, context)
    pack = context.bot_data.knowledge.pack.in_language(language)
    message = message_of(update)
    if context.args and (entry := pack.entry(context.args[0])):
        await reply(message, render(answer_reply(entry, pack), choice_prefix=answer_prefix(pack)))
        return
    user = update.effective_user
    name = user.first_name if user else say(language, "welcome_nameless")
    welcome = Reply(
        kind="welcome",
        body=say(language, "welcome", name=name, title=pack.info.title),
        choices_heading=say(language, "try_these"),
        choices=tuple(Choice(e.question, e.id) for e in example_entries(pack)),
        language=language,
    )
    await reply(message, render(welcome, choice_prefix=answer_prefix(pack)))


async def help_command(update: Update, context: Context) -> None:
    """How to use the bot"""
    message = message_of(update)
    language = await language_for(update, context)
    menus = command_menu(context.application, language)
    bot = context.bot.username

    def listed(commands: list[BotCommand]) -> str:
        return "\n".join(f"/{c.command} - {c.description}" for c in commands)

    if message.chat.type == ChatType.PRIVATE:
        body = say(language, "help_private", bot=bot, commands=listed(menus[PRIVATE]))
    else:
        body = say(language, "help_group", bot=bot, commands=listed(menus[GROUPS]))
        if await is_chat_admin(update, context):
            everyone = {c.command for c in menus[GROUPS]}
            extra = [c for c in menus[ADMINS] if c.command not in everyone]
            if extra:
                body += "\n\n" + say(language, "help_group_admin", commands=listed(extra))
    await reply(message, render(Reply(kind="info", body=body, language=language)))


async def ask(update: Update, context: Context) -> None:
    """Ask a question: /ask what is JIMEX"""
    message = message_of(update)
    question = " ".join(context.args or [])
    if not question and message.reply_to_message and message.reply_to_message.text:
        question = message.reply_to_message.text
    await answer_question(update, context, question)


async def fact(update: Update, context: Context) -> None:
    """A random fact from the knowledge base"""
    language = await language_for(update, context)
    pack = context.bot_data.knowledge.pack.in_language(language)
    entry = random.choice(pack.entries)
    rendered = render(answer_reply(entry, pack, kind="fact"), choice_prefix=answer_prefix(pack))
    await reply(message_of(update), rendered)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/start, /help, /ask and /fact, in their menu order."""
    return [
        CommandHandler("start", start, filters=NEW_MESSAGES),
        CommandHandler("help", help_command, filters=NEW_MESSAGES),
        CommandHandler("ask", ask, filters=NEW_MESSAGES),
        CommandHandler("fact", fact, filters=NEW_MESSAGES),
    ]
