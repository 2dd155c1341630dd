"""Daily-fact times and timezones: reading what users type, and when a chat's fact is due.

Pure functions over values; the only thing read is the system's timezone database.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# re.ASCII: digits are 0-9 only, as everywhere else in the bot ("٠٧:٣٠" is not a time here).
_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(am|pm)?", re.ASCII)
_COMPACT_TIME = re.compile(r"(\d{2})(\d{2})", re.ASCII)
_OFFSET = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?", re.ASCII)
# Names people type that are not IANA zone names but clearly mean one.
_ZONE_ALIASES = {"ist": "Asia/Kolkata", "jst": "Asia/Tokyo", "india": "Asia/Kolkata"}
_LONGEST_OFFSET = timedelta(hours=14)
# Files in the zone database that zoneinfo loads but that are no place: tzdata's placeholder
# zone, the host's own setting, the template for POSIX TZ strings, and whole copies of the
# database under other rules (leap seconds, or the zones of 1980s Unix).
_NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})
_NOT_PLACE_PREFIXES = ("posix/", "right/", "SystemV/")


def parse_time(text: str) -> time | None:
    """A time of day from "07:30", "7:30", "7.30", "0730", "7", "7pm", "7:30 pm", "noon"."""
    cleaned = "".join(text.lower().split()).replace(".m.", "m").replace("a.m", "am")
    cleaned = cleaned.replace("p.m", "pm")
    if cleaned in ("noon", "midday"):
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    if compact := _COMPACT_TIME.fullmatch(cleaned):
        hour, minute, meridiem = int(compact[1]), int(compact[2]), None
    elif found := _TIME.fullmatch(cleaned):
        hour, minute, meridiem = int(found[1]), int(found[2] or 0), found[3]
    else:
        return None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _is_place(name: str) -> bool:
    return name not in _NOT_PLACES and not name.startswith(_NOT_PLACE_PREFIXES)


def is_iana_zone(name: str) -> bool:
    """Whether a name is a real IANA timezone (or a link to one) that the system can load."""
    if not _is_place(name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA name by its lower-case spelling, plus unambiguous city names ("tokyo")."""
    names = {name.lower(): name for name in available_timezones() if _is_place(name)}
    cities: dict[str, list[str]] = {}
    for name in names.values():
        if "/" in name and not name.startswith("Etc/"):
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    for city, matches in cities.items():
        if len(matches) == 1:
            names.setdefault(city, matches[0])
    return names


def parse_timezone(text: str) -> str | None:
    """The canonical name of a timezone: an IANA name ("Asia/Tokyo") or an offset ("+05:30")."""
    cleaned = "_".join(text.strip().split())
    lowered = cleaned.lower()
    if lowered in ("utc", "gmt", "z"):
        return "UTC"
    if offset := _OFFSET.fullmatch(lowered):
        sign, hours, minutes = offset[1], int(offset[2]), int(offset[3] or 0)
        delta = timedelta(hours=hours, minutes=minutes)
        if minutes > 59 or delta > _LONGEST_OFFSET:
            return None
        return f"{sign}{hours:02d}:{minutes:02d}"
    name = _ZONE_ALIASES.get(lowered) or _zone_names().get(lowered)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def zone(name: str) -> tzinfo:
    """The tzinfo for a name that parse_timezone produced (or Settings.timezone)."""
    if name[:1] in "+-":
        hours, minutes = name[1:].split(":")
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if name[0] == "-" else delta)
    return ZoneInfo(name)


def zone_label(name: str) -> str:
    """How a timezone is shown to users: offsets read "UTC+05:30"."""
    return f"UTC{name}" if name[:1] in "+-" else name


def local_date(now: datetime, zone_name: str) -> date:
    """The calendar date in a timezone at an aware moment."""
    return now.astimezone(zone(zone_name)).date()


def due_at(day: date, send_at: time, zone_name: str) -> datetime:
    """The moment (in UTC) a chat's fact is due on a local day.

    A time skipped by a daylight-saving jump (01:30 on London's spring-forward day) is due
    just after the jump; a time that happens twice (autumn) is due the first time.
    """
    tz = zone(zone_name)
    local = datetime.combine(day, send_at.replace(tzinfo=None), tzinfo=tz)
    return local.astimezone(UTC)


def missed_today(
    now: datetime,
    send_at: time,
    zone_name: str,
    since: datetime | None,
    last_sent_on: date | None,
) -> bool:
    """Whether today's fact fell due while the bot was down and is still owed today.

    Owed means: the chat's local today has no fact yet, today's due time has passed, and the
    chat was already subscribed at that time (a subscription made after it starts tomorrow).
    """
    today = local_date(now, zone_name)
    if last_sent_on == today:
        return False
    due = due_at(today, send_at, zone_name)
    return due <= now and (since is None or since <= due)


def next_due(
    now: datetime,
    send_at: time,
    zone_name: str,
    since: datetime | None,
    closed_on: date | None,
    *,
    after: datetime | None = None,
) -> tuple[datetime, date]:
    """When a chat's next delivery falls due (UTC), and the local day it is for.

    That is today's due time if today is not closed and the chat was subscribed by then (a
    time already past means it is owed now: downtime catch-up, as missed_today), else the
    next day's; `after` also skips due times not after it (a chat resumed at noon does not
    get that morning's fact).
    """
    today = local_date(now, zone_name)
    for ahead in range(3):  # closed_on is at most one day past today (moving west)
        day = today + timedelta(days=ahead)
        due = due_at(day, send_at, zone_name)
        if closed_on is not None and day <= closed_on:
            continue
        if (since is not None and due < since) or (after is not None and due <= after):
            continue
        return due, day
    day = today + timedelta(days=3)
    return due_at(day, send_at, zone_name), day
