"""The webhook's deduplication table: claims, take-over after a dead handler, and its TTL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from faqbot.storage.database import Storage
from faqbot.storage.webhook_updates import KEEP_SECONDS, WebhookUpdates

LEASE = 120.0


@pytest.fixture
async def updates(database_target: Path | str) -> AsyncIterator[WebhookUpdates]:
    storage = Storage(database_target)
    storage.open()
    yield WebhookUpdates(storage)
    await storage.aclose()


async def test_an_update_is_handled_once_then_only_acknowledged(updates: WebhookUpdates) -> None:
    assert await updates.claim(1, now=1000.0, lease=LEASE) == "new"
    assert await updates.claim(1, now=1001.0, lease=LEASE) == "busy"
    await updates.finish(1, now=1002.0)
    assert await updates.claim(1, now=1003.0, lease=LEASE) == "handled"
    assert await updates.claim(1, now=9999.0, lease=LEASE) == "handled"
    assert await updates.claim(2, now=1003.0, lease=LEASE) == "new"


async def test_a_claim_whose_handler_died_is_taken_over_after_the_lease(
    updates: WebhookUpdates,
) -> None:
    assert await updates.claim(5, now=1000.0, lease=LEASE) == "new"
    assert await updates.claim(5, now=1000.0 + LEASE - 1, lease=LEASE) == "busy"
    assert await updates.claim(5, now=1000.0 + LEASE + 1, lease=LEASE) == "new"
    # The take-over renewed the lease: a third delivery right after it waits.
    assert await updates.claim(5, now=1000.0 + LEASE + 2, lease=LEASE) == "busy"


async def test_a_released_claim_is_handled_on_the_next_delivery(updates: WebhookUpdates) -> None:
    assert await updates.claim(7, now=1000.0, lease=LEASE) == "new"
    await updates.release(7)
    assert await updates.claim(7, now=1001.0, lease=LEASE) == "new"
    await updates.finish(7, now=1002.0)
    await updates.release(7)  # a handled update stays handled
    assert await updates.claim(7, now=1003.0, lease=LEASE) == "handled"


async def test_purge_forgets_only_updates_older_than_the_cutoff(updates: WebhookUpdates) -> None:
    now = 200_000.0
    for update_id, received in ((1, now - KEEP_SECONDS - 5), (2, now - KEEP_SECONDS + 5)):
        assert await updates.claim(update_id, now=received, lease=LEASE) == "new"
        await updates.finish(update_id, now=received)
    assert await updates.purge(before=now - KEEP_SECONDS) == 1
    assert await updates.claim(1, now=now, lease=LEASE) == "new"
    assert await updates.claim(2, now=now, lease=LEASE) == "handled"
