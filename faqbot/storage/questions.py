"""The log of questions asked: what the pack's maintainer reads to see what students miss."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select

from faqbot.knowledge.answering import Outcome
from faqbot.storage.database import Storage
from faqbot.storage.schema import question_log as log
from faqbot.storage.target import DatabaseTarget

# Statuses that are not gaps in the pack: answered outright, or small talk ("hi", "thanks").
NOT_GAPS = ("answer", "smalltalk")
POPULAR_DAYS = 30
# Written for every question: built once.
_RECORD = insert(log)


def _stamp(moment: datetime) -> str:
    """How question_log keeps a time: UTC, to the second, sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(
    connection: Connection, chat_type: str, outcome: Outcome, now: datetime | None = None
) -> None:
    """Keep one asked question; no user or chat ids, only the kind of chat."""
    connection.execute(
        _RECORD,
        {
            "asked_at": _stamp(now or datetime.now(UTC)),
            "chat_type": chat_type,
            "question": outcome.question[:500],
            "status": outcome.status,
            "entry_id": outcome.entry.id if outcome.entry else None,
            "score": outcome.match.score if outcome.match else 0.0,
        },
    )


def popular(connection: Connection, limit: int) -> list[str]:
    """Entry ids answered most often in the last 30 days, most asked first."""
    since = _stamp(datetime.now(UTC) - timedelta(days=POPULAR_DAYS))
    asked = func.count()
    rows = connection.execute(
        select(log.c.entry_id)
        .where(log.c.status == "answer", log.c.asked_at >= since)
        .group_by(log.c.entry_id)
        .order_by(asked.desc(), log.c.entry_id)
        .limit(limit)
    )
    return [entry_id for (entry_id,) in rows]


def unanswered(connection: Connection, limit: int) -> list[tuple[str, int]]:
    """Questions that got no outright answer, most frequent first: gaps in the pack.

    Small talk is not a gap: "thanks" is not a question the pack failed to answer.
    """
    question = func.lower(log.c.question)
    asked = func.count()
    rows = connection.execute(
        select(question, asked)
        .where(log.c.status.not_in(NOT_GAPS))
        .group_by(question)
        .order_by(asked.desc())
        .limit(limit)
    )
    return [(text, int(count)) for text, count in rows]


def counts_today(connection: Connection) -> dict[str, int]:
    """Questions asked since midnight UTC, by status."""
    midnight = datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")
    rows = connection.execute(
        select(log.c.status, func.count()).where(log.c.asked_at >= midnight).group_by(log.c.status)
    )
    return {status: int(count) for status, count in rows}


def prune(connection: Connection, days: int, now: datetime) -> int:
    """Forget questions asked more than `days` days ago; returns how many went."""
    cutoff = _stamp(now - timedelta(days=days))
    return connection.execute(delete(log).where(log.c.asked_at < cutoff)).rowcount


class QuestionLog:
    """The question log for the event loop; each call is one transaction."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    @property
    def path(self) -> Path | DatabaseTarget:
        """The database, for operators' messages."""
        return self._database.path

    async def record(self, chat_type: str, outcome: Outcome) -> None:
        await self._database.run(partial(record, chat_type=chat_type, outcome=outcome))

    async def popular(self, limit: int) -> list[str]:
        return await self._database.read(partial(popular, limit=limit))

    async def unanswered(self, limit: int) -> list[tuple[str, int]]:
        return await self._database.read(partial(unanswered, limit=limit))

    async def counts_today(self) -> dict[str, int]:
        return await self._database.read(counts_today)

    async def prune(self, days: int, now: datetime) -> int:
        return await self._database.run(partial(prune, days=days, now=now))
