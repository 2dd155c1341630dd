"""The quiz: /quiz rounds of quiz polls, scores from poll answers, /top and /review."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.quiz import commands, rounds
from faqbot.handlers.quiz.rounds import on_startup

__all__ = ["on_startup", "register", "register_observers"]


def register(application: BotApplication, group: int) -> None:
    """Add /quiz, /top, /review and the poll and answer handlers."""
    application.add_handlers([*commands.handlers(), *rounds.handlers()], group=group)


def register_observers(application: BotApplication, group: int) -> None:
    """Add the observer that moves a group's leaderboard when it becomes a supergroup."""
    application.add_handlers(commands.observers(), group=group)
