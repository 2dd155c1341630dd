"""Every feature's store over one database, opened and closed together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from faqbot.storage.daily import DailyStore
from faqbot.storage.database import Storage
from faqbot.storage.gap_questions import GapQuestions
from faqbot.storage.languages import LanguageStore
from faqbot.storage.questions import QuestionLog
from faqbot.storage.quiz import QuizStore
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
    gap_questions: GapQuestions

    @classmethod
    def open(cls, path: Path) -> Stores:
        """Open (and migrate) the database, raising StorageError with what to do if it cannot."""
        database = Storage(path)
        database.open()
        return cls(
            database,
            DailyStore(database),
            QuizStore(database),
            QuestionLog(database),
            LanguageStore(database),
            WebhookUpdates(database),
            GapQuestions(database),
        )

    def close(self) -> None:
        """Close the database and stop its thread."""
        self.database.close()
