"""Update ids the webhook has taken, so an update Telegram delivers again is handled once.

The functions take a SQLAlchemy connection, inside one transaction; WebhookUpdates is what the
event loop awaits. A claim is safe between replicas sharing PostgreSQL: the first INSERT wins,
and taking over a dead handler's claim is one conditional UPDATE.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from sqlalchemy import Connection, delete, select, update

from faqbot.storage.database import Storage
from faqbot.storage.schema import webhook_update as table
from faqbot.storage.upserts import insert, inserted

# What a delivery of an update is: the first (or a take-over of one whose handler died), one
# already handled, or one another handler is working on right now.
Claim = Literal["new", "handled", "busy"]

# Telegram keeps an unacknowledged update for at most 24 hours; an hour more covers clocks.
KEEP_SECONDS = 25 * 3600


def claim(connection: Connection, update_id: int, now: float, lease: float) -> Claim:
    """Take an update for handling, unless it was handled or is being handled.

    A claim older than `lease` seconds with no outcome belongs to a handler that died (the
    process was killed mid-update): it is taken over, so the update is not lost.
    """
    first = inserted(
        connection,
        insert(connection, table)
        .values(update_id=update_id, received_at=now, claimed_at=now)
        .on_conflict_do_nothing(index_elements=[table.c.update_id]),
    )
    if first:
        return "new"
    taken = connection.execute(
        update(table)
        .where(
            table.c.update_id == update_id,
            table.c.handled_at.is_(None),
            table.c.claimed_at <= now - lease,
        )
        .values(claimed_at=now)
    ).rowcount
    if taken:
        return "new"
    handled = connection.execute(
        select(table.c.handled_at).where(table.c.update_id == update_id)
    ).scalar()
    return "handled" if handled is not None else "busy"


def finish(connection: Connection, update_id: int, now: float) -> None:
    """Record that an update was handled: later deliveries of it are only acknowledged."""
    connection.execute(update(table).where(table.c.update_id == update_id).values(handled_at=now))


def release(connection: Connection, update_id: int) -> None:
    """Give up a claim whose handling failed, so Telegram's next delivery is handled."""
    connection.execute(
        delete(table).where(table.c.update_id == update_id, table.c.handled_at.is_(None))
    )


def purge(connection: Connection, before: float) -> int:
    """Forget updates first received before `before`; returns how many went."""
    return connection.execute(delete(table).where(table.c.received_at < before)).rowcount


class WebhookUpdates:
    """The webhook's deduplication table for the event loop; each call is one transaction."""

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
