"""Limits on what users and operators type: echoed excerpts, settings, numbers."""

from __future__ import annotations

import pytest

from faqbot.bot.rendering import ECHO_LIMIT, excerpt
from faqbot.config import Settings, SettingsError
from faqbot.knowledge.timetable import parse_time, parse_timezone
from tests.test_cli import faqbot

TOKEN = "123456789:TEST-limits-token-not-real"


def from_env(environ: dict[str, str]) -> Settings:
    return Settings.from_env(environ, dotenv=None)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Mars/Olympus", "Mars/Olympus"),
        ("  two   words\n", "two words"),
        ("x" * 4000, "x" * (ECHO_LIMIT - 1) + "…"),
        ("\u200b" * 2000, ""),
        ("As\u200bia/\u2060Tok\u200dyo\u202e", "Asia/Tokyo"),  # zero-width and direction marks
        ("\u3164\u2800 a\x00b\x1b", "ab"),  # blank fillers and control characters
        ("word " * 20, ("word " * 8).rstrip() + "…"),  # no space left before the ellipsis
    ],
)
def test_excerpt_keeps_only_visible_characters_and_cuts_them_short(typed: str, shown: str) -> None:
    assert excerpt(typed) == shown
    assert len(excerpt(typed)) <= ECHO_LIMIT


def test_the_question_log_is_kept_for_ninety_days_unless_set() -> None:
    assert from_env({}).log_retention_days == 90
    assert from_env({"FAQBOT_LOG_RETENTION_DAYS": "7"}).log_retention_days == 7
    with pytest.raises(SettingsError, match="FAQBOT_LOG_RETENTION_DAYS='0'"):
        from_env({"FAQBOT_LOG_RETENTION_DAYS": "0"})


# Numbers are read as ASCII digits only: str.isdigit() also accepts '²', which int() refuses.


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FAQBOT_RATE_LIMIT", "²"),
        ("FAQBOT_FLOOD_LIMIT", "٣"),  # Arabic-Indic three: int() reads it, but it is no setting
        ("FAQBOT_QUIZ_OPEN_PERIOD", "3²"),
        ("FAQBOT_LOG_RETENTION_DAYS", "𝟗𝟎"),
        ("FAQBOT_ADMIN_IDS", "4242,²"),
        ("FAQBOT_ADMIN_IDS", "4242,--5"),
        ("FAQBOT_ADMIN_IDS", "४२"),
    ],
)
def test_a_number_setting_in_other_digits_is_a_settings_error(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        from_env({name: value})


@pytest.mark.parametrize("typed", ["٠٧:٣٠", "७", "𝟕pm", "07:٣٠"])
def test_a_time_of_day_is_read_in_ascii_digits_only(typed: str) -> None:
    assert parse_time(typed) is None


@pytest.mark.parametrize("typed", ["+٥:٣٠", "UTC+५"])
def test_an_offset_is_read_in_ascii_digits_only(typed: str) -> None:
    assert parse_timezone(typed) is None


def test_faqbot_run_with_a_superscript_in_a_setting_says_one_line() -> None:
    result = faqbot("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "FAQBOT_ADMIN_IDS": "4242,²"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "FAQBOT_ADMIN_IDS" in result.stderr, result.stderr


def test_faqbot_chat_reads_a_superscript_as_a_question_not_a_choice() -> None:
    result = faqbot("chat", stdin="²\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# Timezones are real IANA zones: the zone database also holds files that are not places.

NOT_PLACES = ["localtime", "Factory", "posixrules", "posix/Asia/Tokyo", "right/Asia/Tokyo"]


@pytest.mark.parametrize("name", NOT_PLACES)
def test_timezone_names_that_are_not_places_are_refused(name: str) -> None:
    assert parse_timezone(name) is None
    with pytest.raises(SettingsError, match="FAQBOT_TIMEZONE"):
        from_env({"FAQBOT_TIMEZONE": name})


@pytest.mark.parametrize(
    ("typed", "zone_name"),
    [("Asia/Tokyo", "Asia/Tokyo"), ("asia/calcutta", "Asia/Calcutta"), ("Etc/GMT-9", "Etc/GMT-9"),
     ("UTC", "UTC"), ("Japan", "Japan"), ("tokyo", "Asia/Tokyo"), ("IST", "Asia/Kolkata")],
)  # fmt: skip
def test_real_zones_links_and_aliases_are_still_accepted(typed: str, zone_name: str) -> None:
    assert parse_timezone(typed) == zone_name
    if typed == zone_name:
        assert from_env({"FAQBOT_TIMEZONE": typed}).timezone == zone_name
