"""The one error handler: the operator gets the traceback, the user a polite line."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError

from faqbot.bot.language import language_for
from faqbot.bot.messaging import thread_of
from faqbot.bot.send_errors import may_have_arrived
from faqbot.bot.state import Context
from faqbot.knowledge.catalogue import DEFAULT, say
from faqbot.storage.database import StorageError

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
    if isinstance(error, StorageError):
        # The database failed after its retries: the message says what and where already.
        log.error("%s, while handling %s", error, where)
    else:
        log.error("%s failed while handling %s", type(error).__name__, where, exc_info=error)
    if not isinstance(update, Update):
        return
    message = update.effective_message
    try:
        language = await language_for(update, context)
    except Exception as third:  # the error may be the database's; the apology must still go
        log.warning("could not tell which language to apologise in (%s); using English", third)
        language = DEFAULT
    sorry = say(language, "sorry")
    try:
        if update.callback_query and await apologised_on_button(update.callback_query, sorry):
            return
        if message is not None and update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id,
                sorry,
                parse_mode=None,
                message_thread_id=thread_of(message),
            )
    except TelegramError as second:
        log.warning("could not tell the user about the error: %s", second)


async def apologised_on_button(query: CallbackQuery, sorry: str) -> bool:
    """Apologise in the button's answer; False if it was already answered (only one is allowed)."""
    try:
        await query.answer(sorry)
    except BadRequest:
        return False
    return True
