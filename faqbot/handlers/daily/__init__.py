"""Daily facts: /daily and /timezone, and delivery by due time that survives restarts and
runs on any number of replicas."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.daily import commands, delivery
from faqbot.handlers.daily.delivery import DELIVERY_CONCURRENCY, deliver_fact, on_startup

__all__ = [
    "DELIVERY_CONCURRENCY",
    "deliver_fact",
    "on_startup",
    "register",
    "register_observers",
]


def register(application: BotApplication, group: int) -> None:
    """Add /daily, /timezone and /broadcast_status."""
    application.add_handlers(commands.handlers(), group=group)


def register_observers(application: BotApplication, group: int) -> None:
    """Add the observers of group migrations and of the bot's own membership."""
    application.add_handlers(delivery.observers(), group=group)
