"""The language store, on each engine: choices survive a reopen, and move with groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from faqbot.storage.languages import LanguageSetting
from faqbot.storage.stores import Stores

USER, GROUP, SUPERGROUP = 7001, -7001, -1001000007001


async def test_a_choice_and_the_app_language_survive_a_reopen(database_target: Path | str) -> None:
    path = database_target
    stores = Stores.open(path)
    try:
        assert await stores.languages.get(USER) is None
        await stores.languages.note_telegram(USER, "hi")
        await stores.languages.choose(USER, "en")
        await stores.languages.choose(GROUP, "hi")
    finally:
        await stores.aclose()
    stores = Stores.open(path)
    try:
        assert await stores.languages.get(USER) == LanguageSetting("en", "hi")
        assert await stores.languages.get(GROUP) == LanguageSetting("hi", None)
        # A new app language keeps the choice; a new choice keeps the app language.
        await stores.languages.note_telegram(USER, "en")
        await stores.languages.choose(USER, "auto")
        assert await stores.languages.get(USER) == LanguageSetting("auto", "en")
    finally:
        await stores.aclose()


async def test_a_groups_language_moves_to_its_supergroup_unless_it_has_one(
    database_target: Path | str,
) -> None:
    stores = Stores.open(database_target)
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
        await stores.aclose()


async def test_the_table_refuses_what_is_not_a_language(database_target: Path | str) -> None:
    stores = Stores.open(database_target)
    try:
        with pytest.raises(IntegrityError):
            await stores.languages.choose(USER, "hindi")  # type: ignore[arg-type]
        # A stored code the bot no longer knows reads as no choice.
        await stores.database.run(
            lambda db: db.execute(
                text("INSERT INTO language_setting VALUES (:id, 'ta', NULL)"), {"id": USER}
            )
        )
        assert await stores.languages.get(USER) == LanguageSetting(None, None)
    finally:
        await stores.aclose()
