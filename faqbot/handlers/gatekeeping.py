"""Runs before every other handler and drops updates the bot must never act on."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from faqbot.bot.chat_admins import sent_by_anonymous_admin

GATE_GROUP = -1


async def drop_bots(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Never answer other bots, nor messages with no human sender (channel posts)."""
    user = update.effective_user
    message = update.effective_message
    if message is not None and (
        user is None or (user.is_bot and not sent_by_anonymous_admin(message))
    ):
        raise ApplicationHandlerStop
    if update.callback_query is not None and update.callback_query.from_user.is_bot:
        raise ApplicationHandlerStop


def register(application: Application) -> None:
    """Add the gate in a group of its own, ahead of the features."""
    application.add_handler(TypeHandler(Update, drop_bots), group=GATE_GROUP)
