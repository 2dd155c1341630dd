"""The language store, straight against SQLite: choices survive a reopen, and move with groups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from faqbot.storage.languages import LanguageSetting
from faqbot.storage.stores import Stores

USER, GROUP, SUPERGROUP = 7001, -7001, -1001000007001


async def test_a_choice_and_the_app_language_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "languages.sqlite3"
    stores = Stores.open(path)
    try:
        assert await stores.languages.get(USER) is None
        await stores.languages.note_telegram(USER, "hi")
        await stores.languages.choose(USER, "en")
        await stores.languages.choose(GROUP, "hi")
    finally:
        stores.close()
    stores = Stores.open(path)
    try:
        assert await stores.languages.get(USER) == LanguageSetting("en", "hi")
        assert await stores.languages.get(GROUP) == LanguageSetting("hi", None)
        # A new app language keeps the choice; a new choice keeps the app language.
        await stores.languages.note_telegram(USER, "en")
        await stores.languages.choose(USER, "auto")
        assert await stores.languages.get(USER) == LanguageSetting("auto", "en")
    finally:
        stores.close()


async def test_a_groups_language_moves_to_its_supergroup_unless_it_has_one(
    tmp_path: Path,
) -> None:
    stores = Stores.open(tmp_path / "languages.sqlite3")
    try:
        await stores.languages.choose(GROUP, "hi")
        assert await stores.languages.move(GROUP, SUPERGROUP)
        assert await stores.languages.get(SUPERGROUP) == LanguageSetting("hi", None)
        assert not await stores.languages.move(GROUP, SUPERGROUP)  # nothing left to move
        await stores.languages.choose(GROUP, "en")
        assert await stores.languages.move(GROUP, SUPERGROUP)
        assert await stores.languages.get(SUPERGROUP) == LanguageSetting("hi", None)
        assert await stores.languages.get(GROUP) is None
        assert await stores.languages.forget(SUPERGROUP)
        assert await stores.languages.get(SUPERGROUP) is None
    finally:
        stores.close()


async def test_the_table_refuses_what_is_not_a_language(tmp_path: Path) -> None:
    stores = Stores.open(tmp_path / "languages.sqlite3")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            await stores.languages.choose(USER, "hindi")  # type: ignore[arg-type]
        # A stored code the bot no longer knows reads as no choice.
        await stores.database.run(
            lambda db: db.execute("INSERT INTO language_setting VALUES (?, 'ta', NULL)", (USER,))
        )
        assert await stores.languages.get(USER) == LanguageSetting(None, None)
    finally:
        stores.close()
