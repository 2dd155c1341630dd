"""Answering: questions in any phrasing, /start /help /ask /fact, /topics, inline mode, /stats."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.answers import commands, inline, questions, stats, topics

on_startup = stats.on_startup


def register(application: BotApplication, group: int) -> None:
    """Add the answering handlers; the order of commands here is their order in the menu."""
    application.add_handlers(
        [
            *commands.handlers(),
            *questions.handlers(),
            *topics.handlers(),
            *inline.handlers(),
            *stats.handlers(),
        ],
        group=group,
    )
