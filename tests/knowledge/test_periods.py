"""Leaderboard periods: weeks from Monday 00:00 and months, in the chat's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from faqbot.knowledge.periods import Period, parse_period, period_start, week_bounds, week_of


@pytest.mark.parametrize(
    ("moment", "zone", "monday"),
    [
        # Sunday 20:00 UTC is already Monday 01:30 in India: a new week there, not in London.
        (datetime(2026, 11, 29, 20, 0, tzinfo=UTC), "Asia/Kolkata", date(2026, 11, 30)),
        (datetime(2026, 11, 29, 20, 0, tzinfo=UTC), "Europe/London", date(2026, 11, 23)),
        (datetime(2026, 11, 30, 0, 0, tzinfo=UTC), "UTC", date(2026, 11, 30)),
        (datetime(2026, 11, 29, 23, 59, 59, tzinfo=UTC), "UTC", date(2026, 11, 23)),
        (datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "-05:00", date(2026, 11, 23)),
    ],
)
def test_a_week_begins_on_monday_at_midnight_in_the_chats_zone(
    moment: datetime, zone: str, monday: date
) -> None:
    assert week_of(moment, zone) == monday
    opened, closed = week_bounds(monday, zone)
    assert opened <= moment < closed


def test_a_week_over_a_clock_change_is_a_week_of_local_days() -> None:
    # London leaves summer time on Sunday 25 October 2026: that week has 169 hours.
    opened, closed = week_bounds(date(2026, 10, 19), "Europe/London")
    assert opened == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
    assert closed == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_period_starts() -> None:
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday
    # Monday 30 November, 00:00 in India, is 18:30 UTC on the Sunday.
    assert period_start(Period.WEEK, now, "Asia/Kolkata") == datetime(
        2026, 11, 29, 18, 30, tzinfo=UTC
    )
    assert period_start(Period.MONTH, now, "UTC") == datetime(2026, 12, 1, tzinfo=UTC)
    assert period_start(Period.ALL, now, "UTC") is None


@pytest.mark.parametrize(
    ("typed", "period"),
    [
        ("", Period.WEEK),
        ("week", Period.WEEK),
        ("Month", Period.MONTH),
        ("all", Period.ALL),
        ("all-time", Period.ALL),
        ("year", None),
        ("<b>", None),
    ],
)
def test_parse_period(typed: str, period: Period | None) -> None:
    assert parse_period(typed) is period
