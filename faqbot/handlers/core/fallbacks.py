"""Last in line: buttons no feature recognised, and commands the bot does not have."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from faqbot.bot.messaging import message_of, reply
from faqbot.bot.rendering import text_message
from faqbot.bot.state import Context
from faqbot.bot.texts import EXPIRED


async def expired_button(update: Update, context: Context) -> None:
    """Stale, unknown or forged callback data gets a polite answer, never silence."""
    await update.callback_query.answer(EXPIRED)


async def unknown_command(update: Update, context: Context) -> None:
    """Point a private chat's unknown /command to /help."""
    await reply(
        message_of(update),
        text_message("I don't know that command. Send /help to see what I can do."),
    )


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The catch-alls; they belong after every feature's handlers, in the features' group."""
    return [
        CallbackQueryHandler(expired_button),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND,
            unknown_command,
        ),
    ]
