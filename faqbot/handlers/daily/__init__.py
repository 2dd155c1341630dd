"""Daily facts: /daily and /timezone, one job per chat, and delivery that survives restarts."""

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
    """Add /daily, /timezone and /broadcast_status, and drop a user's jobs on /forget."""
    application.add_handlers(commands.handlers(), group=group)
    application.bot_data.on_forget.append(delivery.on_forget)


def register_observers(application: BotApplication, group: int) -> None:
    """Add the observers of group migrations and of the bot's own membership."""
    application.add_handlers(delivery.observers(), group=group)
