"""Every feature's store over one database, opened and closed together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from faqbot.storage.daily import DailyStore
from faqbot.storage.database import Storage, StorageError
from faqbot.storage.languages import LanguageStore
from faqbot.storage.questions import Forgotten, QuestionLog
from faqbot.storage.quiz import QuizStore
from faqbot.storage.target import DatabaseTarget
from faqbot.storage.webhook_updates import WebhookUpdates


@dataclass(frozen=True)
class Stores:
    """The stores the bot's features use; `database` is shared by all of them."""

    database: Storage
    daily: DailyStore
    quiz: QuizStore
    questions: QuestionLog
    languages: LanguageStore
    webhook_updates: WebhookUpdates

    @classmethod
    def open(cls, where: Path | str | DatabaseTarget, *, log_key: str | None = None) -> Stores:
        """Open (and upgrade) the database, raising StorageError with what to do if it cannot.

        `log_key` is FAQBOT_LOG_KEY: the key the question log hashes user ids with (unset: a
        key made once and kept in the database)."""
        database = Storage(where)
        database.open()
        try:
            questions = QuestionLog(database, log_key)
        except StorageError:
            database.close()
            raise
        return cls(
            database,
            DailyStore(database),
            QuizStore(database),
            questions,
            LanguageStore(database),
            WebhookUpdates(database),
        )

    async def forget_user(self, user_id: int) -> Forgotten:
        """/forget: delete what every store keeps about one user (see questions.forget)."""
        return await self.questions.forget(user_id)

    def close(self) -> None:
        """Close the database (from outside the event loop)."""
        self.database.close()

    async def aclose(self) -> None:
        """Close the database from the event loop."""
        await self.database.aclose()
