"""Which language to speak: to the sender of an update, or in a chat the bot posts to unasked.

The rules are knowledge.languages.reply_language; this module reads what they need from the
update and the language store. A database that cannot be read costs the choice, never the
reply: the bot then speaks as if nothing had been chosen.
"""

from __future__ import annotations

import logging

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType

from faqbot.bot.state import BotState, Context
from faqbot.knowledge.languages import reply_language, telegram_guess
from faqbot.storage.database import DATABASE_ERRORS
from faqbot.storage.languages import LanguageSetting

log = logging.getLogger(__name__)


async def _setting(state: BotState, setting_id: int) -> LanguageSetting | None:
    try:
        return await state.stores.languages.get(setting_id)
    except DATABASE_ERRORS as error:
        log.warning(
            "could not read the language of %s from %s (%s); speaking as if none was chosen",
            setting_id,
            state.stores.database.path,
            error,
        )
        return None


async def language_of(
    state: BotState, user: User | None, chat: Chat | None, question: str | None = None
) -> str:
    """The language to reply to `user` in `chat` in (about `question`, if one was asked)."""
    languages = state.knowledge.pack.languages
    if len(languages) == 1:
        return languages[0]
    in_group = chat is not None and chat.type != ChatType.PRIVATE
    mine = await _setting(state, user.id) if user is not None else None
    group = await _setting(state, chat.id) if in_group and chat is not None else None
    telegram = telegram_guess(user.language_code, languages) if user is not None else None
    known = mine.telegram if mine is not None else None
    if user is not None and telegram is not None and not in_group and known != telegram:
        # Kept for what the bot sends this user unasked, when no update says it.
        try:
            await state.stores.languages.note_telegram(user.id, telegram)
        except DATABASE_ERRORS as error:
            log.warning("could not keep the Telegram language of user %s: %s", user.id, error)
    return reply_language(
        languages,
        user=mine.chosen if mine else None,
        group=group.chosen if group else None,
        telegram=telegram,
        question=question,
    )


async def language_for(update: Update, context: Context, question: str | None = None) -> str:
    """The language to reply to an update's sender in."""
    return await language_of(
        context.bot_data, update.effective_user, update.effective_chat, question
    )


async def language_for_message(message: Message, context: Context) -> str:
    """The language to reply to a message's sender in."""
    return await language_of(context.bot_data, message.from_user, message.chat)


async def chat_language(state: BotState, chat_id: int) -> str:
    """The language of what the bot posts in a chat unasked (daily facts, quiz polls, round
    summaries): a group's choice, or a private chat's user's choice or app language."""
    languages = state.knowledge.pack.languages
    if len(languages) == 1:
        return languages[0]
    setting = await _setting(state, chat_id)
    if setting is None:
        return languages[0]
    if chat_id > 0:  # a private chat's id is its user's
        return reply_language(languages, user=setting.chosen, telegram=setting.telegram)
    return reply_language(languages, group=setting.chosen)


async def posting_language(update: Update, context: Context) -> str:
    """The language of what an update starts the bot posting to its chat (a quiz round): the
    sender's in a private chat, the group's in a group."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return await language_for(update, context)
    return await chat_language(context.bot_data, chat.id)
