"""The real application, started as `faqbot run` starts it, and updates fed through it."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from faqbot.app import build_application
from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.knowledge import Pack
from faqbot.knowledge.bundle import Knowledge
from tests.support.databases import first_start_sqlite
from tests.support.in_process import request_factory

_update_ids = itertools.count(1)
# What the application builds from a pack, built once per pack for the whole test run: the
# bundle is immutable once made. Keyed by id, with the pack kept alive.
_built: dict[int, tuple[Pack, Knowledge]] = {}


def knowledge_of(pack: Pack) -> Knowledge:
    """The pack's knowledge bundle (its matchers and quiz banks), made on first use, then shared."""
    built = _built.get(id(pack))
    if built is None or built[0] is not pack:
        built = _built[id(pack)] = (pack, Knowledge.build(pack))
    return built[1]


# For tests that run the quiz close loop's beat (rounds.close_due) on an application that is
# set up but not started, and await the closes it starts themselves: PTB warns that it would not.
CLOSES_AWAITED_BY_THE_TEST = pytest.mark.filterwarnings(
    "ignore:Tasks created via `Application.create_task`:telegram.warnings.PTBUserWarning"
)


@contextlib.asynccontextmanager
async def running(settings: Settings, pack: Pack) -> AsyncIterator[BotApplication]:
    """The real application from the real factory, initialised and set up as `run` does.

    With settings from the `settings` fixture it reaches the fake Bot API in process
    (tests/support/in_process.py); with any other api_base_url, over HTTP as `run` does.
    A SQLite file that does not exist yet starts as the one a first start makes
    (tests/support/databases.py); one a test made or used before is opened as it is."""
    if isinstance(settings.database, Path) and not settings.database.exists():
        first_start_sqlite(settings.database)
    application = build_application(
        settings,
        knowledge=knowledge_of(pack),
        make_request=request_factory(settings.api_base_url),
    )
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
