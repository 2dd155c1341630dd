"""The one error handler: the operator gets the traceback, the user a polite line."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what failed, with its traceback, and tell the user without showing it."""
    error = context.error
    where = f"update {update.update_id}" if isinstance(update, Update) else "a background job"
    log.error("%s failed while handling %s", type(error).__name__, where, exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer(SORRY)
        elif update.effective_message and update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, SORRY, parse_mode=None)
    except TelegramError as second:
        log.warning("could not tell the user about the error: %s", second)


def register(application: Application) -> None:
    """Install the error handler."""
    application.add_error_handler(on_error)
