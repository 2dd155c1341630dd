"""The per-user flood limit applied to a message: answer it, say once that the user is too fast,
or stay silent. Questions and commands count alike; buttons and browsing edits do not."""

from __future__ import annotations

from telegram import Message, MessageEntity

from faqbot.bot.flood import Verdict
from faqbot.bot.messaging import reply
from faqbot.bot.rendering import text_message
from faqbot.bot.state import Context
from faqbot.knowledge.catalogue import say

FLOOD_NOTICE = say("en", "flood")


def is_command_for(message: Message, username: str | None) -> bool:
    """Whether the message starts with a /command meant for this bot (not /cmd@another_bot)."""
    entities = message.entities
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset != 0:
        return False
    command = message.parse_entity(entities[0])
    _, at, addressee = command.partition("@")
    return not at or (username is not None and addressee.casefold() == username.casefold())


async def within_flood_limit(message: Message, context: Context) -> bool:
    """Count one message against its sender's limit; past it, one notice, then silence."""
    if message.from_user is None:
        return True
    verdict = await context.bot_data.flood.check(message.from_user.id)
    if verdict is Verdict.NOTICE:
        await reply(message, text_message(FLOOD_NOTICE))
    return verdict is Verdict.ANSWER
