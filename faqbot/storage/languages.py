"""The language chosen with /language, per user and per group, and each user's last-seen
Telegram app language (the guess until they choose)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, Table, bindparam, delete, select, update
from sqlalchemy.sql.base import Executable

from faqbot.knowledge.languages import CHOICES, Choice
from faqbot.storage.database import Storage
from faqbot.storage.schema import language_setting as setting
from faqbot.storage.upserts import Insert, PerDialect


@dataclass(frozen=True)
class LanguageSetting:
    """One user's or group's row: what /language chose, and the Telegram app's language."""

    chosen: Choice | None = None
    telegram: str | None = None


def _choice(value: str | None) -> Choice | None:
    return next((choice for choice in CHOICES if choice == value), None)


# Read for every question: built once.
_GET = select(setting.c.chosen, setting.c.telegram).where(setting.c.id == bindparam("id"))


def _keeping(column: str) -> PerDialect:
    """INSERT a row, or set just `column` on the row already there."""

    def build(insert: Callable[[Table], Insert]) -> Executable:
        statement = insert(setting)
        return statement.on_conflict_do_update(
            index_elements=[setting.c.id], set_={column: statement.excluded[column]}
        )

    return PerDialect(build)


_CHOOSE = _keeping("chosen")
_NOTE_TELEGRAM = _keeping("telegram")


def get(connection: Connection, setting_id: int) -> LanguageSetting | None:
    """The row of a user or a group, or None if it has none."""
    row = connection.execute(_GET, {"id": setting_id}).first()
    return None if row is None else LanguageSetting(_choice(row.chosen), row.telegram)


def choose(connection: Connection, setting_id: int, chosen: Choice) -> None:
    """Keep what /language chose, beside the Telegram language already known."""
    connection.execute(_CHOOSE(connection), {"id": setting_id, "chosen": chosen})


def note_telegram(connection: Connection, user_id: int, language: str) -> None:
    """Keep a user's Telegram app language, for what the bot sends them unasked."""
    connection.execute(_NOTE_TELEGRAM(connection), {"id": user_id, "telegram": language})


def move(connection: Connection, old_id: int, new_id: int) -> bool:
    """Follow a group that became a supergroup; a setting the supergroup has already wins."""
    if get(connection, old_id) is None:
        return False
    if get(connection, new_id) is not None:
        connection.execute(delete(setting).where(setting.c.id == old_id))
    else:
        connection.execute(update(setting).where(setting.c.id == old_id).values(id=new_id))
    return True


def forget(connection: Connection, setting_id: int) -> bool:
    """Drop a user's or group's row; True if there was one."""
    return connection.execute(delete(setting).where(setting.c.id == setting_id)).rowcount > 0


class LanguageStore:
    """Language settings for the event loop; each call is one transaction."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def get(self, setting_id: int) -> LanguageSetting | None:
        return await self._database.read(partial(get, setting_id=setting_id))

    async def choose(self, setting_id: int, chosen: Choice) -> None:
        await self._database.run(partial(choose, setting_id=setting_id, chosen=chosen))

    async def note_telegram(self, user_id: int, language: str) -> None:
        await self._database.run(partial(note_telegram, user_id=user_id, language=language))

    async def move(self, old_id: int, new_id: int) -> bool:
        return await self._database.run(partial(move, old_id=old_id, new_id=new_id))

    async def forget(self, setting_id: int) -> bool:
        return await self._database.run(partial(forget, setting_id=setting_id))
