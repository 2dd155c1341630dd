"""The question log as `knowledge.gaps` reads it: what `/gaps` clusters for the operators.

Read only; the log is written by storage/questions.py. It keeps no language or feedback yet,
so those read as the pack's main language and none.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import partial

from faqbot.knowledge.gaps import GAP_OUTCOMES, LoggedQuestion, Outcome
from faqbot.storage.database import Storage

# The log's statuses, as the gap finder names its outcomes.
_OUTCOMES: dict[str, Outcome] = {
    "answer": "answered",
    "suggest": "suggested",
    "none": "none",
    "smalltalk": "smalltalk",
}
_GAP_STATUSES = tuple(status for status, outcome in _OUTCOMES.items() if outcome in GAP_OUTCOMES)


def gap_questions(connection: sqlite3.Connection, language: str) -> list[LoggedQuestion]:
    """Every logged question that was not answered outright (small talk aside)."""
    marks = ", ".join("?" * len(_GAP_STATUSES))
    rows = connection.execute(
        f"SELECT question, status, entry_id, score, asked_at FROM question_log "
        f"WHERE status IN ({marks}) ORDER BY id",
        _GAP_STATUSES,
    ).fetchall()
    return [
        LoggedQuestion(
            question=question,
            outcome=_OUTCOMES[status],
            entry_id=entry_id,
            score=score,
            language=language,
            feedback=None,
            asked_at=datetime.strptime(asked_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
        )
        for question, status, entry_id, score, asked_at in rows
    ]


class GapQuestions:
    """The questions `/gaps` clusters, read on the database thread."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def all(self, language: str) -> list[LoggedQuestion]:
        return await self._database.run(partial(gap_questions, language=language))
