"""Runs before every other handler: drops updates the bot must never act on, and holds commands
to the per-user flood limit that questions meet in their handlers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from faqbot.bot.permissions import sent_by_anonymous_admin
from faqbot.bot.state import Context
from faqbot.bot.throttling import is_command_for, within_flood_limit


async def gate(update: Update, context: Context) -> None:
    """Never answer other bots, nor messages with no human sender (channel posts); past a
    user's flood limit, their commands get one notice, then nothing."""
    user = update.effective_user
    message = update.effective_message
    if message is not None and (
        user is None or (user.is_bot and not sent_by_anonymous_admin(message))
    ):
        raise ApplicationHandlerStop
    if update.callback_query is not None and update.callback_query.from_user.is_bot:
        raise ApplicationHandlerStop
    command = update.message
    if (
        command is not None
        and is_command_for(command, context.bot.username)
        and not await within_flood_limit(command, context)
    ):
        raise ApplicationHandlerStop


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The gate; it belongs in a group of its own, ahead of the features."""
    return [TypeHandler(Update, gate)]
