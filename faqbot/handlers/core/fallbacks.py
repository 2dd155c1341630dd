"""Last in line: buttons no feature recognised, and commands the bot does not have."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.rendering import text_message
from faqbot.bot.state import Context
from faqbot.knowledge.catalogue import say


async def expired_button(update: Update, context: Context) -> None:
    """Stale, unknown or forged callback data gets a polite answer, never silence."""
    language = await language_for(update, context)
    await update.callback_query.answer(say(language, "expired"))


async def unknown_command(update: Update, context: Context) -> None:
    """Point a private chat's unknown /command to /help."""
    language = await language_for(update, context)
    await reply(message_of(update), text_message(say(language, "unknown_command")))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The catch-alls; they belong after every feature's handlers, in the features' group."""
    return [
        CallbackQueryHandler(expired_button),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND,
            unknown_command,
        ),
    ]
