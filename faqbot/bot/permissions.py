"""Who may do what: a chat's settings are its administrators', operator commands the operators'."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from faqbot.bot.language import language_for
from faqbot.bot.menu import menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.rendering import text_message
from faqbot.bot.state import Context
from faqbot.knowledge.catalogue import say

log = logging.getLogger(__name__)

Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


def sent_by_anonymous_admin(message: Message) -> bool:
    """A group admin posting as the group: Telegram names a bot as the sender, but only the
    group's administrators can post as the group."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat_id


async def is_chat_admin(update: Update, context: Context) -> bool:
    """Whether the sender administers the chat (checked with getChatMember in groups)."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    if message is not None and sent_by_anonymous_admin(message):
        return True
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.warning(
            "could not check whether user %s administers chat %s: %s", user.id, chat.id, error
        )
        return False
    return member.status in ADMIN_STATUSES


def admin_only(callback: Callback) -> Callback:
    """Run the command only for users listed in FAQBOT_ADMIN_IDS, and hide it from the menu."""

    @wraps(callback)
    async def guarded(update: Update, context: Context) -> None:
        user = update.effective_user
        if user is None or user.id not in context.bot_data.settings.admin_ids:
            log.warning("refused admin command from user %s", user.id if user else "unknown")
            language = await language_for(update, context)
            await reply(message_of(update), text_message(say(language, "not_allowed")))
            return
        await callback(update, context)

    return menu()(guarded)
