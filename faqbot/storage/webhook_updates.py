"""Update ids the webhook has taken, so an update Telegram delivers again is handled once.

The functions take the sqlite3 connection and run on the database thread; WebhookUpdates is
what the event loop awaits.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import Literal

from faqbot.storage.database import Storage, transaction

# What a delivery of an update is: the first (or a take-over of one whose handler died), one
# already handled, or one another handler is working on right now.
Claim = Literal["new", "handled", "busy"]

# Telegram keeps an unacknowledged update for at most 24 hours; an hour more covers clocks.
KEEP_SECONDS = 25 * 3600


def claim(connection: sqlite3.Connection, update_id: int, now: float, lease: float) -> Claim:
    """Take an update for handling, unless it was handled or is being handled.

    A claim older than `lease` seconds with no outcome belongs to a handler that died (the
    process was killed mid-update): it is taken over, so the update is not lost.
    """
    with transaction(connection):
        row = connection.execute(
            "SELECT claimed_at, handled_at FROM webhook_update WHERE update_id = ?", (update_id,)
        ).fetchone()
        if row is None:
            connection.execute(
                "INSERT INTO webhook_update (update_id, received_at, claimed_at) VALUES (?, ?, ?)",
                (update_id, now, now),
            )
            return "new"
        claimed_at, handled_at = row
        if handled_at is not None:
            return "handled"
        if claimed_at > now - lease:
            return "busy"
        connection.execute(
            "UPDATE webhook_update SET claimed_at = ? WHERE update_id = ?", (now, update_id)
        )
        return "new"


def finish(connection: sqlite3.Connection, update_id: int, now: float) -> None:
    """Record that an update was handled: later deliveries of it are only acknowledged."""
    connection.execute(
        "UPDATE webhook_update SET handled_at = ? WHERE update_id = ?", (now, update_id)
    )


def release(connection: sqlite3.Connection, update_id: int) -> None:
    """Give up a claim whose handling failed, so Telegram's next delivery is handled."""
    connection.execute(
        "DELETE FROM webhook_update WHERE update_id = ? AND handled_at IS NULL", (update_id,)
    )


def purge(connection: sqlite3.Connection, before: float) -> int:
    """Forget updates first received before `before`; returns how many went."""
    return connection.execute(
        "DELETE FROM webhook_update WHERE received_at < ?", (before,)
    ).rowcount


class WebhookUpdates:
    """The webhook's deduplication table for the event loop, run on the database thread."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def claim(self, update_id: int, now: float, lease: float) -> Claim:
        return await self._database.run(partial(claim, update_id=update_id, now=now, lease=lease))

    async def finish(self, update_id: int, now: float) -> None:
        await self._database.run(partial(finish, update_id=update_id, now=now))

    async def release(self, update_id: int) -> None:
        await self._database.run(partial(release, update_id=update_id))

    async def purge(self, before: float) -> int:
        return await self._database.run(partial(purge, before=before))
