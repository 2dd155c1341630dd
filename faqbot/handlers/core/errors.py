"""The one error handler: the operator gets the traceback, the user a polite line."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError

from faqbot.bot.messaging import thread_of
from faqbot.bot.send_errors import may_have_arrived
from faqbot.bot.state import Context
from faqbot.bot.texts import SORRY

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    """Log what failed, with its traceback, and tell the user without showing it."""
    error = context.error
    where = f"update {update.update_id}" if isinstance(update, Update) else "a background job"
    if isinstance(error, TelegramError) and may_have_arrived(error):
        # The reply may well have arrived; an apology after it would contradict it.
        log.warning(
            "%s: a request to Telegram went unanswered while handling %s (%s); the user was not "
            "told, since the reply may have arrived",
            type(error).__name__,
            where,
            error,
        )
        return
    log.error("%s failed while handling %s", type(error).__name__, where, exc_info=error)
    if not isinstance(update, Update):
        return
    message = update.effective_message
    try:
        if update.callback_query and await apologised_on_button(update.callback_query):
            return
        if message is not None and update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id,
                SORRY,
                parse_mode=None,
                message_thread_id=thread_of(message),
            )
    except TelegramError as second:
        log.warning("could not tell the user about the error: %s", second)


async def apologised_on_button(query: CallbackQuery) -> bool:
    """Apologise in the button's answer; False if it was already answered (only one is allowed)."""
    try:
        await query.answer(SORRY)
    except BadRequest:
        return False
    return True
