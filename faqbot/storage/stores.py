"""Every feature's store over one database, opened and closed together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from faqbot.storage.daily import DailyStore
from faqbot.storage.database import Storage
from faqbot.storage.languages import LanguageStore
from faqbot.storage.questions import QuestionLog
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
    def open(cls, where: Path | str | DatabaseTarget) -> Stores:
        """Open (and upgrade) the database, raising StorageError with what to do if it cannot."""
        database = Storage(where)
        database.open()
        return cls(
            database,
            DailyStore(database),
            QuizStore(database),
            QuestionLog(database),
            LanguageStore(database),
            WebhookUpdates(database),
        )

    def close(self) -> None:
        """Close the database (from outside the event loop)."""
        self.database.close()

    async def aclose(self) -> None:
        """Close the database from the event loop."""
        await self.database.aclose()
