"""The message catalogue: every sentence in both languages, with the same fields, no HTML."""

from __future__ import annotations

import string
from datetime import date
from typing import get_args

import pytest

from faqbot.knowledge.catalogue import (
    CATALOGUES,
    ENGLISH,
    HINDI,
    MONTHS,
    Key,
    day_month,
    menu_description,
    say,
)
from faqbot.knowledge.devanagari import has_devanagari
from tests.support.languages import DEVANAGARI


def fields(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def test_every_key_has_a_sentence_in_each_language() -> None:
    keys = set(get_args(Key))
    assert set(ENGLISH) == keys
    assert set(HINDI) == keys


@pytest.mark.parametrize("key", get_args(Key))
def test_both_languages_fill_the_same_fields(key: Key) -> None:
    assert fields(ENGLISH[key]) == fields(HINDI[key])


@pytest.mark.parametrize("key", get_args(Key))
def test_sentences_hold_no_html_of_their_own(key: Key) -> None:
    # Handlers put sentences into HTML messages as they are, with escaped values.
    for sentence in (ENGLISH[key], HINDI[key]):
        assert not set(sentence) & set("<>&"), sentence


@pytest.mark.parametrize("key", get_args(Key))
def test_english_is_english_and_hindi_is_hindi(key: Key) -> None:
    assert not DEVANAGARI.search(ENGLISH[key].replace("(हिन्दी)", ""))
    assert DEVANAGARI.search(HINDI[key])


def test_say_fills_fields_and_falls_back_to_english() -> None:
    assert say("hi", "daily_timezone_set", zone="Asia/Tokyo") == "टाइमज़ोन Asia/Tokyo कर दिया गया।"
    assert say("ta", "stats_empty") == ENGLISH["stats_empty"]


def test_menu_descriptions_by_command_name() -> None:
    assert menu_description("hi", "help") == HINDI["menu_help"]
    assert menu_description("en", "no_such_command") is None


def test_every_language_has_twelve_month_names() -> None:
    assert set(MONTHS) == set(CATALOGUES)
    assert all(len(names) == 12 for names in MONTHS.values())
    assert all(has_devanagari(name) for name in MONTHS["hi"])
    assert day_month("hi", date(2026, 11, 30)) == "30 नवंबर"
    assert day_month("xx", date(2026, 1, 2)) == "02 Jan"  # no such language: English
