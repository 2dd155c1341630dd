"""Limits on what users and operators type: echoed excerpts."""

from __future__ import annotations

import pytest

from faqbot.bot.rendering import ECHO_LIMIT, excerpt


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
