"""What the daily tests read back: when the database has a chat due next, and when that
should be."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, select

from faqbot.bot.state import BotApplication
from faqbot.knowledge.timetable import due_at, local_date
from faqbot.storage.daily import DailyKind
from faqbot.storage.schema import daily_subscription


async def due(app: BotApplication, chat_id: int, kind: DailyKind = "fact") -> datetime | None:
    """When the database has the chat's daily fact (or quiz) due next (None: never)."""

    def read(connection: Connection) -> float | None:
        return connection.execute(
            select(daily_subscription.c.next_due).where(
                daily_subscription.c.chat_id == chat_id, daily_subscription.c.kind == kind
            )
        ).scalar()

    value = await app.bot_data.stores.database.read(read)
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def next_time(at: time, zone_name: str) -> datetime:
    """The first moment after now that the clock reads `at` in a timezone, in UTC."""
    now = datetime.now(UTC)
    today = local_date(now, zone_name)
    first = due_at(today, at, zone_name)
    return first if first > now else due_at(today + timedelta(days=1), at, zone_name)


def tomorrow_at(at: time, zone_name: str) -> datetime:
    """When the clock reads `at` tomorrow in a timezone, in UTC."""
    return due_at(local_date(datetime.now(UTC), zone_name) + timedelta(days=1), at, zone_name)
