"""The real application, started as `faqbot run` starts it, and updates fed through it."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

from telegram import Update

from faqbot.app import build_application
from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.knowledge import Pack

_update_ids = itertools.count(1)


@contextlib.asynccontextmanager
async def running(settings: Settings, pack: Pack) -> AsyncIterator[BotApplication]:
    """The real application from the real factory, initialised and set up as `run` does."""
    application = build_application(settings, pack=pack)
    await application.initialize()
    await application.post_init(application)
    try:
        yield application
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


async def feed(application: BotApplication, data: dict[str, Any]) -> None:
    """Process one update, given as the JSON Telegram would send, through the application."""
    data = {"update_id": next(_update_ids), **data}
    await application.process_update(Update.de_json(data, application.bot))
