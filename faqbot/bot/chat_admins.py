"""Who may change a chat's settings: anyone in a private chat, a group's administrators."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


def sent_by_anonymous_admin(message: Message) -> bool:
    """A group admin posting as the group: Telegram names a bot as the sender, but only the
    group's administrators can post as the group."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat_id


async def is_chat_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the sender administers the chat (checked with getChatMember in groups)."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
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
