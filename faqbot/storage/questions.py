"""The log of questions asked: what the pack's maintainer reads to see what students miss."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from faqbot.knowledge.answering import Outcome
from faqbot.storage.database import Storage

# Statuses that are not gaps in the pack: answered outright, or small talk ("hi", "thanks").
NOT_GAPS = ("answer", "smalltalk")


def record(connection: sqlite3.Connection, chat_type: str, outcome: Outcome) -> None:
    """Keep one asked question; no user or chat ids, only the kind of chat."""
    connection.execute(
        "INSERT INTO question_log (chat_type, question, status, entry_id, score) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            chat_type,
            outcome.question[:500],
            outcome.status,
            outcome.entry.id if outcome.entry else None,
            outcome.match.score if outcome.match else 0.0,
        ),
    )


def popular(connection: sqlite3.Connection, limit: int) -> list[str]:
    """Entry ids answered most often in the last 30 days, most asked first."""
    rows = connection.execute(
        "SELECT entry_id FROM question_log WHERE status = 'answer' "
        "AND asked_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-30 days') "
        "GROUP BY entry_id ORDER BY COUNT(*) DESC, entry_id LIMIT ?",
        (limit,),
    ).fetchall()
    return [entry_id for (entry_id,) in rows]


def unanswered(connection: sqlite3.Connection, limit: int) -> list[tuple[str, int]]:
    """Questions that got no outright answer, most frequent first: gaps in the pack.

    Small talk is not a gap: "thanks" is not a question the pack failed to answer.
    """
    return connection.execute(
        "SELECT lower(question), COUNT(*) FROM question_log WHERE status NOT IN (?, ?) "
        "GROUP BY lower(question) ORDER BY COUNT(*) DESC LIMIT ?",
        (*NOT_GAPS, limit),
    ).fetchall()


def counts_today(connection: sqlite3.Connection) -> dict[str, int]:
    """Questions asked since midnight UTC, by status."""
    rows = connection.execute(
        "SELECT status, COUNT(*) FROM question_log "
        "WHERE asked_at >= strftime('%Y-%m-%dT00:00:00Z', 'now') GROUP BY status"
    ).fetchall()
    return dict(rows)


def prune(connection: sqlite3.Connection, days: int, now: datetime) -> int:
    """Forget questions asked more than `days` days ago; returns how many went."""
    cutoff = (now - timedelta(days=days)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return connection.execute("DELETE FROM question_log WHERE asked_at < ?", (cutoff,)).rowcount


class QuestionLog:
    """The question log for the event loop, run on the database thread."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    @property
    def path(self) -> Path:
        """The database file, for operators' messages."""
        return self._database.path

    async def record(self, chat_type: str, outcome: Outcome) -> None:
        await self._database.run(partial(record, chat_type=chat_type, outcome=outcome))

    async def popular(self, limit: int) -> list[str]:
        return await self._database.run(partial(popular, limit=limit))

    async def unanswered(self, limit: int) -> list[tuple[str, int]]:
        return await self._database.run(partial(unanswered, limit=limit))

    async def counts_today(self) -> dict[str, int]:
        return await self._database.run(counts_today)

    async def prune(self, days: int, now: datetime) -> int:
        return await self._database.run(partial(prune, days=days, now=now))
