"""/language en|hi|auto, kept per user (private chats) or per group (its administrators)."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from faqbot.bot.language import chat_language, language_for
from faqbot.bot.menu import ADMINS, PRIVATE, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import Context
from faqbot.knowledge.catalogue import Key, say
from faqbot.knowledge.languages import AUTO, parse_choice

log = logging.getLogger(__name__)

LANGUAGE_NAMES: dict[str, Key] = {
    "en": "language_name_en",
    "hi": "language_name_hi",
    "auto": "language_name_auto",
}


def language_name(language: str, named: str) -> str:
    """The name of language `named`, in `language` ("Hindi", "हिंदी"); the code if unnamed."""
    key = LANGUAGE_NAMES.get(named)
    return say(language, key) if key is not None else named


@menu(PRIVATE, ADMINS)  # in a group, only its administrators may choose
async def language(update: Update, context: Context) -> None:
    """Answer in English or Hindi: /language en, hi or auto"""
    message = message_of(update)
    state = context.bot_data
    in_group = message.chat.type != ChatType.PRIVATE
    speaking = await language_for(update, context)
    argument = " ".join(context.args or []).strip()
    if not argument:
        if in_group:
            now = await chat_language(state, message.chat_id)
            current = say(speaking, "language_group_is", language=language_name(speaking, now))
        else:
            current = say(speaking, "language_is", language=language_name(speaking, speaking))
        lines = [
            current,
            say(speaking, "language_usage"),
        ]
        await reply(message, html_message(html.escape("\n\n".join(lines))))
        return
    chosen = parse_choice(argument)
    if chosen is None:
        quoted = f"“{excerpt(argument)}”"
        unknown = say(speaking, "language_unknown", argument=quoted)
        text = f"{unknown} {say(speaking, 'language_usage')}"
        await reply(message, html_message(html.escape(text)))
        return
    languages = state.knowledge.pack.languages
    if chosen != AUTO and chosen not in languages:
        names = ", ".join(language_name(speaking, code) for code in languages)
        text = say(speaking, "language_not_in_pack", languages=names)
        await reply(message, html_message(html.escape(text)))
        return
    if in_group and not await is_chat_admin(update, context):
        await reply(message, html_message(html.escape(say(speaking, "language_admins_only"))))
        return
    user = update.effective_user
    setting_id = message.chat_id if in_group or user is None else user.id
    await state.stores.languages.choose(setting_id, chosen)
    # The confirmation is already in the language chosen.
    if in_group:
        now = await chat_language(state, message.chat_id)
        text = (
            say(now, "language_group_set_auto")
            if chosen == AUTO
            else say(now, "language_group_set", language=language_name(now, now))
        )
    else:
        now = await language_for(update, context)
        text = (
            say(now, "language_set_auto")
            if chosen == AUTO
            else say(now, "language_set", language=language_name(now, now))
        )
    await reply(message, html_message(html.escape(text)))


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: its language moves to the new chat id."""
    message = message_of(update)
    if not message.migrate_to_chat_id:  # the new supergroup's twin message says the same
        return
    if await context.bot_data.stores.languages.move(message.chat_id, message.migrate_to_chat_id):
        log.info("language of chat %s moved to %s", message.chat_id, message.migrate_to_chat_id)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/language."""
    return [CommandHandler("language", language, filters=filters.UpdateType.MESSAGE)]


def observers() -> list[BaseHandler[Update, Context, None]]:
    """The group-migration observer; it must see every migration, so it has a group of its own."""
    return [MessageHandler(filters.StatusUpdate.MIGRATE, on_migration)]
