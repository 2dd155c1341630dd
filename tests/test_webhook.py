"""The webhook server's readiness report, on the real application."""

from __future__ import annotations

import dataclasses

from faqbot.bot.state import BotApplication
from faqbot.config import WebhookEndpoint
from faqbot.webhook import WebhookServer

ENDPOINT = WebhookEndpoint(
    "https://bot.example.org/hook", "/hook", "127.0.0.1", 8080, "TEST-secret-0123456789"
)


async def test_readiness_names_what_is_not_usable(app: BotApplication) -> None:
    server = WebhookServer(app, ENDPOINT)
    assert await server.readiness() == {"webhook": "not set", "database": "ok", "pack": "ok"}
    server.ready = True
    assert await server.readiness() == {"webhook": "ok", "database": "ok", "pack": "ok"}

    app.bot_data.stores.database.close()
    assert (await server.readiness())["database"] == "unavailable"


async def test_an_empty_pack_is_not_ready(app: BotApplication) -> None:
    server = WebhookServer(app, ENDPOINT)
    server.ready = True
    knowledge = app.bot_data.knowledge
    empty = dataclasses.replace(knowledge.pack, entries=())
    app.bot_data.knowledge = dataclasses.replace(knowledge, pack=empty)
    assert await server.readiness() == {"webhook": "ok", "database": "ok", "pack": "unavailable"}
