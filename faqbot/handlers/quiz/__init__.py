"""The quiz: topic rounds of quiz polls, settings, scores and standings, /top and /review."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.quiz import commands, rounds, settings, standings

__all__ = [
    "on_startup",
    "register",
    "register_deep_links",
    "register_observers",
    "start_closing",
]


def register(application: BotApplication, group: int) -> None:
    """Add /quiz, /top, /review, /quizsettings and the poll and answer handlers, and the daily
    quiz's deliverer."""
    application.add_handlers(
        [*commands.handlers(), *settings.handlers(), *rounds.handlers()], group=group
    )
    # The daily scheduler starts `/daily quiz` rounds through this, never importing the quiz.
    application.bot_data.daily.deliverers["quiz"] = rounds.start_daily_round


def register_deep_links(application: BotApplication, group: int) -> None:
    """Add the /start deep link of "review my mistakes"; it goes before answers' /start."""
    application.add_handlers(commands.deep_links(), group=group)


def register_observers(application: BotApplication, group: int) -> None:
    """Add the observers of migrations and of members leaving and joining."""
    application.add_handlers(commands.observers(), group=group)


async def start_closing(application: BotApplication) -> None:
    """Start the loop that closes polls when they are due (on every replica)."""
    rounds.start_closing(application)


async def on_startup(application: BotApplication) -> None:
    """Start the weekly standings check (the leader's)."""
    standings.schedule_weekly(application)
