"""The quiz: topic rounds of quiz polls, settings, scores and standings, /top and /review."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.quiz import commands, rounds, settings, standings

__all__ = ["on_startup", "register", "register_deep_links", "register_observers"]


def register(application: BotApplication, group: int) -> None:
    """Add /quiz, /top, /review, /quizsettings and the poll and answer handlers."""
    application.add_handlers(
        [*commands.handlers(), *settings.handlers(), *rounds.handlers()], group=group
    )


def register_deep_links(application: BotApplication, group: int) -> None:
    """Add the /start deep link of "review my mistakes"; it goes before answers' /start."""
    application.add_handlers(commands.deep_links(), group=group)


def register_observers(application: BotApplication, group: int) -> None:
    """Add the observers of migrations and of members leaving and joining."""
    application.add_handlers(commands.observers(), group=group)


async def on_startup(application: BotApplication) -> None:
    """Take back the polls left open by the last run and start the weekly standings check."""
    await rounds.on_startup(application)
    standings.schedule_weekly(application)
