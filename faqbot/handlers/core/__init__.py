"""What every update passes: the gate before the features, the fallbacks after, errors."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.core import fallbacks, gate
from faqbot.handlers.core.errors import on_error

__all__ = ["on_error", "register_fallbacks", "register_gate"]


def register_gate(application: BotApplication, group: int) -> None:
    """Add the gate that drops updates from bots and channels, and the error handler."""
    application.add_handlers(gate.handlers(), group=group)
    application.add_error_handler(on_error)


def register_fallbacks(application: BotApplication, group: int) -> None:
    """Add the catch-alls for unknown buttons and commands."""
    application.add_handlers(fallbacks.handlers(), group=group)
