"""Keeping the pack for operators: /reload, and /gaps with its accept and ignore buttons."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.maintenance import gaps, reload


def register(application: BotApplication, group: int) -> None:
    """Add the operators' pack commands (hidden from the menu) and the /gaps buttons."""
    application.add_handlers([*reload.handlers(), *gaps.handlers()], group=group)
