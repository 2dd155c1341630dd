"""Sending and editing rendered messages, falling back to plain text if Telegram rejects HTML."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, CallbackQuery, MaybeInaccessibleMessage, Message, Update
from telegram.error import BadRequest

from faqbot.bot.pacing import Pace
from faqbot.bot.rendering import Rendered

log = logging.getLogger(__name__)


def message_of(update: Update) -> Message:
    """The update's message, for handlers whose filters only let messages through."""
    message = update.effective_message
    if message is None:
        raise ValueError(f"update {update.update_id} carries no message")
    return message


def thread_of(message: MaybeInaccessibleMessage | None) -> int | None:
    """The forum topic a message is in, to answer in the same one; None outside topics."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


def _is_formatting_error(error: BadRequest) -> bool:
    return "parse entities" in error.message.lower() or "can't find end" in error.message.lower()


async def send(
    bot: Bot,
    chat_id: int,
    messages: list[Rendered],
    *,
    thread_id: int | None = None,
    reply_to: int | None = None,
    pace: Pace | None = None,
) -> Message | None:
    """Send each message in order; returns the last one sent. `pace` goes to the rate limiter
    (bot/pacing.py): FOLLOW_UP lets the bot's other sends go first."""
    sent = None
    for index, message in enumerate(messages):
        options: dict[str, Any] = {
            "chat_id": chat_id,
            "reply_markup": message.keyboard,
            "message_thread_id": thread_id,
        }
        if pace is not None:
            options["rate_limit_args"] = pace
        if reply_to is not None and index == 0:
            options["reply_to_message_id"] = reply_to
            options["allow_sending_without_reply"] = True
        try:
            sent = await bot.send_message(text=message.html, **options)
        except BadRequest as error:
            if not _is_formatting_error(error):
                raise
            log.warning("Telegram rejected HTML (%s); sending chat %s plain text", error, chat_id)
            sent = await bot.send_message(text=message.plain, parse_mode=None, **options)
    return sent


async def reply(
    message: Message, messages: list[Rendered], *, quote: bool = False
) -> Message | None:
    """Answer a message in its chat, and in its forum topic if it has one; returns the last
    message sent (the one carrying the buttons)."""
    return await send(
        message.get_bot(),
        message.chat_id,
        messages,
        thread_id=thread_of(message),
        reply_to=message.message_id if quote else None,
    )


async def edit(query: CallbackQuery, message: Rendered) -> None:
    """Replace the text and buttons of the message a button was pressed on."""
    try:
        await query.edit_message_text(message.html, reply_markup=message.keyboard)
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return
        if not _is_formatting_error(error):
            raise
        await query.edit_message_text(message.plain, parse_mode=None, reply_markup=message.keyboard)
