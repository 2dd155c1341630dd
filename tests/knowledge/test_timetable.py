"""Parsing daily-fact times and timezones, and when a fact is due, across daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from faqbot.knowledge.timetable import (
    due_at,
    local_date,
    missed_today,
    parse_time,
    parse_timezone,
    zone,
    zone_label,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("7.30", time(7, 30)),
        ("0730", time(7, 30)),
        ("7", time(7, 0)),
        ("07", time(7, 0)),
        ("19", time(19, 0)),
        ("7pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("7:30pm", time(19, 30)),
        ("7:30 p.m.", time(19, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("25:00", None),
        ("24:00", None),
        ("7:60", None),
        ("13pm", None),
        ("0am", None),
        ("tomorrow", None),
        ("7:3", None),
        ("", None),
        ("-7", None),
        ("7:30:15", None),
    ],
)
def test_parse_time(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asia/Tokyo", "Asia/Tokyo"),
        ("asia/tokyo", "Asia/Tokyo"),
        ("Europe/London", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("Tokyo", "Asia/Tokyo"),
        ("IST", "Asia/Kolkata"),
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("+05:30", "+05:30"),
        ("+0530", "+05:30"),
        ("UTC+5:30", "+05:30"),
        ("-3", "-03:00"),
        ("+14:00", "+14:00"),
        ("+14:30", None),
        ("+05:75", None),
        ("Mars/Olympus", None),
        ("Asia", None),
        ("", None),
        ("../../etc/passwd", None),
    ],
)
def test_parse_timezone(text: str, expected: str | None) -> None:
    assert parse_timezone(text) == expected


def test_offsets_become_fixed_zones_and_read_as_utc_offsets() -> None:
    assert zone("+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone("-03:00").utcoffset(None) == timedelta(hours=-3)
    assert zone_label("+05:30") == "UTC+05:30"
    assert zone_label("Asia/Tokyo") == "Asia/Tokyo"


def test_local_date_follows_the_chat_timezone() -> None:
    moment = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)
    assert local_date(moment, "Asia/Tokyo") == date(2026, 6, 2)
    assert local_date(moment, "-03:00") == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        # Greenwich Mean Time before the spring switch, British Summer Time after it.
        (date(2026, 3, 28), datetime(2026, 3, 28, 7, 30, tzinfo=UTC)),
        (date(2026, 3, 29), datetime(2026, 3, 29, 6, 30, tzinfo=UTC)),
        (date(2026, 3, 30), datetime(2026, 3, 30, 6, 30, tzinfo=UTC)),
        (date(2026, 10, 24), datetime(2026, 10, 24, 6, 30, tzinfo=UTC)),
        (date(2026, 10, 25), datetime(2026, 10, 25, 7, 30, tzinfo=UTC)),
        (date(2026, 10, 26), datetime(2026, 10, 26, 7, 30, tzinfo=UTC)),
    ],
)
def test_due_time_in_london_across_both_switch_days(day: date, expected_utc: datetime) -> None:
    assert due_at(day, time(7, 30), "Europe/London") == expected_utc


def test_a_time_skipped_or_repeated_by_the_switch_is_due_once() -> None:
    # 01:30 does not exist on 29 March (01:00 jumps to 02:00) and happens twice on 25 October.
    assert due_at(date(2026, 3, 29), time(1, 30), "Europe/London") == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert due_at(date(2026, 10, 25), time(1, 30), "Europe/London") == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


SINCE = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "since", "last_sent_on", "expected"),
    [
        # Due 07:30 in Kolkata = 02:00 UTC.
        (datetime(2026, 6, 2, 3, 0, tzinfo=UTC), SINCE, date(2026, 6, 1), True),
        (datetime(2026, 6, 2, 3, 0, tzinfo=UTC), SINCE, None, True),
        (datetime(2026, 6, 2, 3, 0, tzinfo=UTC), SINCE, date(2026, 6, 2), False),
        (datetime(2026, 6, 2, 1, 0, tzinfo=UTC), SINCE, date(2026, 6, 1), False),
        # Subscribed after today's time: the first fact comes tomorrow.
        (
            datetime(2026, 6, 2, 3, 0, tzinfo=UTC),
            datetime(2026, 6, 2, 2, 30, tzinfo=UTC),
            None,
            False,
        ),
        # Down over Kolkata midnight (18:30 UTC): yesterday's fact is not owed any more.
        (datetime(2026, 6, 1, 19, 0, tzinfo=UTC), SINCE, date(2026, 5, 31), False),
    ],
)
def test_missed_today(
    now: datetime, since: datetime, last_sent_on: date | None, expected: bool
) -> None:
    assert missed_today(now, time(7, 30), "Asia/Kolkata", since, last_sent_on) is expected


def test_missed_today_with_a_fixed_offset() -> None:
    now = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    assert missed_today(now, time(9, 0), "+05:30", None, None)
    assert not missed_today(now, time(23, 0), "+05:30", None, None)
