"""The language chosen with /language, per user and per group, and each user's last-seen
Telegram app language (the guess until they choose)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial

from faqbot.knowledge.languages import CHOICES, Choice
from faqbot.storage.database import Storage, transaction


@dataclass(frozen=True)
class LanguageSetting:
    """One user's or group's row: what /language chose, and the Telegram app's language."""

    chosen: Choice | None = None
    telegram: str | None = None


def _choice(value: str | None) -> Choice | None:
    return next((choice for choice in CHOICES if choice == value), None)


def get(connection: sqlite3.Connection, setting_id: int) -> LanguageSetting | None:
    """The row of a user or a group, or None if it has none."""
    row = connection.execute(
        "SELECT chosen, telegram FROM language_setting WHERE id = ?", (setting_id,)
    ).fetchone()
    return None if row is None else LanguageSetting(_choice(row[0]), row[1])


def choose(connection: sqlite3.Connection, setting_id: int, chosen: Choice) -> None:
    """Keep what /language chose, beside the Telegram language already known."""
    connection.execute(
        "INSERT INTO language_setting (id, chosen) VALUES (?, ?) "
        "ON CONFLICT (id) DO UPDATE SET chosen = excluded.chosen",
        (setting_id, chosen),
    )


def note_telegram(connection: sqlite3.Connection, user_id: int, language: str) -> None:
    """Keep a user's Telegram app language, for what the bot sends them unasked."""
    connection.execute(
        "INSERT INTO language_setting (id, telegram) VALUES (?, ?) "
        "ON CONFLICT (id) DO UPDATE SET telegram = excluded.telegram",
        (user_id, language),
    )


def move(connection: sqlite3.Connection, old_id: int, new_id: int) -> bool:
    """Follow a group that became a supergroup; a setting the supergroup has already wins."""
    with transaction(connection):
        if get(connection, old_id) is None:
            return False
        if get(connection, new_id) is not None:
            connection.execute("DELETE FROM language_setting WHERE id = ?", (old_id,))
        else:
            connection.execute("UPDATE language_setting SET id = ? WHERE id = ?", (new_id, old_id))
    return True


def forget(connection: sqlite3.Connection, setting_id: int) -> bool:
    """Drop a user's or group's row; True if there was one."""
    cursor = connection.execute("DELETE FROM language_setting WHERE id = ?", (setting_id,))
    return cursor.rowcount > 0


class LanguageStore:
    """Language settings for the event loop, run on the database thread."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def get(self, setting_id: int) -> LanguageSetting | None:
        return await self._database.run(partial(get, setting_id=setting_id))

    async def choose(self, setting_id: int, chosen: Choice) -> None:
        await self._database.run(partial(choose, setting_id=setting_id, chosen=chosen))

    async def note_telegram(self, user_id: int, language: str) -> None:
        await self._database.run(partial(note_telegram, user_id=user_id, language=language))

    async def move(self, old_id: int, new_id: int) -> bool:
        return await self._database.run(partial(move, old_id=old_id, new_id=new_id))

    async def forget(self, setting_id: int) -> bool:
        return await self._database.run(partial(forget, setting_id=setting_id))
