"""Feedback and privacy: 👍/👎 under answers, the 👎's "What were you looking for?", /privacy
and /forget."""

from __future__ import annotations

from faqbot.bot.state import BotApplication
from faqbot.handlers.feedback import privacy, ratings


def register_replies(application: BotApplication, group: int) -> None:
    """The answer to a 👎's question, ahead of the handlers that would read it as a question."""
    application.add_handlers(ratings.reply_handlers(application.bot_data), group=group)


def register(application: BotApplication, group: int) -> None:
    """The 👍/👎 buttons, /privacy and /forget."""
    application.add_handlers([*ratings.handlers(), *privacy.handlers()], group=group)
