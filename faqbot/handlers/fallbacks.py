"""Last in line: buttons no feature recognised, and commands the bot does not have."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from faqbot.bot.messaging import reply
from faqbot.bot.rendering import text_message
from faqbot.handlers.answers import EXPIRED


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stale, unknown or forged callback data gets a polite answer, never silence."""
    await update.callback_query.answer(EXPIRED)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point a private chat's unknown /command to /help."""
    await reply(
        update.effective_message,
        text_message("I don't know that command. Send /help to see what I can do."),
    )


def register(application: Application) -> None:
    """Add the catch-alls; they must be registered after every feature."""
    application.add_handler(CallbackQueryHandler(expired_button))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND,
            unknown_command,
        )
    )
