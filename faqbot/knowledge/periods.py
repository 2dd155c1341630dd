"""Leaderboard periods: the week (from Monday 00:00) and the month, in a chat's own timezone.

Pure functions over aware datetimes; the zone names are those faqbot.knowledge.timetable reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from faqbot.knowledge.timetable import zone

WEEK = timedelta(days=7)


class Period(StrEnum):
    """What a leaderboard covers."""

    WEEK = "week"
    MONTH = "month"
    ALL = "all"


def _local_midnight(day: date, zone_name: str) -> datetime:
    """The first moment of a local day, in UTC (a zone whose clocks skip midnight gets the
    moment just after the jump)."""
    return datetime.combine(day, time(0, 0), tzinfo=zone(zone_name)).astimezone(UTC)


def week_of(now: datetime, zone_name: str) -> date:
    """The Monday, as a local date, of the week that holds `now` in the zone."""
    today = now.astimezone(zone(zone_name)).date()
    return today - timedelta(days=today.weekday())


def week_bounds(monday: date, zone_name: str) -> tuple[datetime, datetime]:
    """When a week starting on this local Monday opens and closes, in UTC."""
    return _local_midnight(monday, zone_name), _local_midnight(monday + WEEK, zone_name)


def period_start(period: Period, now: datetime, zone_name: str) -> datetime | None:
    """When the period holding `now` began, in UTC; None for all time."""
    if period is Period.ALL:
        return None
    if period is Period.WEEK:
        return _local_midnight(week_of(now, zone_name), zone_name)
    first = now.astimezone(zone(zone_name)).date().replace(day=1)
    return _local_midnight(first, zone_name)


def parse_period(text: str) -> Period | None:
    """A period from what a user typed after /top ("", "week", "month", "all", "alltime")."""
    word = text.strip().casefold().replace("-", "").replace(" ", "")
    aliases = {"": Period.WEEK, "weekly": Period.WEEK, "monthly": Period.MONTH}
    aliases.update({"alltime": Period.ALL, "ever": Period.ALL, "overall": Period.ALL})
    return aliases.get(word) or next((p for p in Period if p.value == word), None)
