"""/language: English, Hindi or automatic, per user and (by its administrators) per group."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.language import commands


def register(application: BotApplication, group: int) -> None:
    """Add /language."""
    application.add_handlers(commands.handlers(), group=group)


def register_observers(application: BotApplication, group: int) -> None:
    """Add the observer that moves a group's language when it becomes a supergroup."""
    application.add_handlers(commands.observers(), group=group)
