"""The bot's typed state: what `context.bot_data` and `context.chat_data` hold.

faqbot.app makes the one BotState; every in-memory thing the features keep lives here, and
everything kept across restarts lives in faqbot.storage.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot

from faqbot.bot.feedback_prompts import FeedbackPrompts
from faqbot.bot.flood import FloodGuard
from faqbot.bot.reading import SkippedUpdates
from faqbot.bot.recent_answers import RecentAnswers
from faqbot.config import Settings
from faqbot.knowledge import Pack, QuizItem
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.quiz_items import QuizBank
from faqbot.storage.daily import DailyKind, PendingFact
from faqbot.storage.quiz import OpenPoll
from faqbot.storage.stores import Stores

# How many recently asked quiz items a chat remembers, so a new round avoids them.
RECENT_QUIZ_ITEMS = 30

RoundKind = Literal["quiz", "review"]


@dataclass
class Tally:
    """One player's answers in one round."""

    name: str
    answered: int = 0
    correct: int = 0
    fastest: float | None = None  # seconds of this player's quickest right answer


@dataclass
class Round:
    """The polls one chat is working through, posted one after another."""

    chat_id: int
    thread_id: int | None
    starter_id: int | None
    kind: RoundKind
    items: list[QuizItem]
    total: int
    # The chat's settings when the round began; a change applies from the next round.
    open_period: int
    show_explanation: bool = True
    language: str = "en"  # of the polls and the summary: the chat's, or the reviewer's
    asked: int = 0
    poll_ids: set[str] = field(default_factory=set)
    tally: dict[int, Tally] = field(default_factory=dict)  # by user id


class ChatBusy(Exception):
    """A daily delivery the chat cannot take now (a quiz round is already running there): the
    daily scheduler tries again later, as after a 5xx, until the chat's day ends."""


class NothingToDeliver(Exception):
    """A daily delivery that has nothing to send (a pack without quiz items): given up."""


@dataclass
class DailyState:
    """Daily deliveries under way, what keeps them orderly, and who delivers each kind."""

    # Bounds how many deliveries run at once (the rate limiter still sets the pace).
    delivery_slots: asyncio.Semaphore
    # (chat, kind) a delivery is under way to: a second one of the same is skipped.
    in_flight: set[tuple[int, DailyKind]] = field(default_factory=set)
    # Deliveries Telegram accepted whose record could not be written yet (disk full, database
    # locked), by chat and kind: written by a retry job before anything else is sent there.
    unrecorded: dict[tuple[int, DailyKind], PendingFact] = field(default_factory=dict)
    # What sends a kind other than facts: the feature that owns the kind registers its
    # deliverer here, so the daily scheduler never imports it. A deliverer sends the one
    # message the day's delivery is recorded by (a quiz's first poll), and raises the
    # TelegramError of a send Telegram refused, ChatBusy, or NothingToDeliver.
    deliverers: dict[DailyKind, DailyDeliverer] = field(default_factory=dict)
    # One lock per chat whose subscription is being changed, kept while someone holds it.
    locks: weakref.WeakValueDictionary[int, asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary
    )


@dataclass
class QuizState:
    """The quiz bank, and the polls and rounds running now."""

    bank: QuizBank  # in the pack's main language
    # A bank per pack language (the one above among them); an item's key is the same in each.
    banks: dict[str, QuizBank] = field(default_factory=dict)
    polls: dict[str, OpenPoll] = field(default_factory=dict)  # by poll id, until closed
    rounds: dict[int, Round] = field(default_factory=dict)  # by chat id, while running
    opening: set[asyncio.Event] = field(default_factory=set)  # one per poll being sent

    def bank_in(self, language: str) -> QuizBank:
        """The quiz items in `language`, or in the main language if the pack lacks it."""
        return self.banks.get(language, self.bank)


@dataclass
class BotState:
    """Everything handlers share, made once per application by faqbot.app."""

    settings: Settings
    pack: Pack
    answerer: Answerer  # the one way a message becomes an outcome; holds the pack's matcher
    # One answerer per pack language (the one above among them); Devanagari gets Hindi.
    answerers: LanguageAnswerers
    recent_answers: RecentAnswers  # what follow-ups ("why?", "tell me more") refer to
    stores: Stores
    flood: FloodGuard
    daily: DailyState
    quiz: QuizState
    # Updates python-telegram-bot could not read, skipped past (shown by /stats).
    skipped_updates: SkippedUpdates = field(default_factory=SkippedUpdates)
    # Who was asked "What were you looking for?" after a 👎 (bot/feedback_prompts.py).
    feedback_prompts: FeedbackPrompts = field(default_factory=FeedbackPrompts)


@dataclass
class ChatState:
    """What the bot remembers about one chat while it runs."""

    recent_quiz_items: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_QUIZ_ITEMS))


Context: TypeAlias = CallbackContext[ExtBot[Any], dict[Any, Any], ChatState, BotState]
# The context and job-queue parameters stay open: PTB types `context.application` with them
# unbound, and what handlers read is bot_data and chat_data.
BotApplication: TypeAlias = Application[ExtBot[Any], Any, dict[Any, Any], ChatState, BotState, Any]
# Sends a chat its daily delivery of one kind (see DailyState.deliverers).
DailyDeliverer: TypeAlias = Callable[[BotApplication, int], Awaitable[None]]
