"""Limits on what users and operators type: echoed excerpts, settings."""

from __future__ import annotations

import pytest

from faqbot.bot.rendering import ECHO_LIMIT, excerpt
from faqbot.bot.settings import Settings, SettingsError


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
