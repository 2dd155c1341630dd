"""The bot's typed state: what `context.bot_data` and `context.chat_data` hold.

faqbot.app makes the one BotState; every in-memory thing the features keep lives here, and
everything kept across restarts lives in faqbot.storage.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot

from faqbot.bot.flood import FloodGuard
from faqbot.bot.reading import SkippedUpdates
from faqbot.bot.recent_answers import RecentAnswers
from faqbot.config import Settings
from faqbot.knowledge import Pack, QuizItem
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.quiz_items import QuizBank
from faqbot.storage.daily import PendingFact
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
    asked: int = 0
    poll_ids: set[str] = field(default_factory=set)
    tally: dict[int, Tally] = field(default_factory=dict)  # by user id


@dataclass
class DailyState:
    """Daily-fact deliveries under way, and what keeps them orderly."""

    # Bounds how many deliveries run at once (the rate limiter still sets the pace).
    delivery_slots: asyncio.Semaphore
    # Chats a delivery is under way to: a second one for the same chat is skipped.
    in_flight: set[int] = field(default_factory=set)
    # Facts Telegram accepted whose record could not be written yet (disk full, database
    # locked), by chat: written by a retry job before anything else is sent to the chat.
    unrecorded: dict[int, PendingFact] = field(default_factory=dict)
    # One lock per chat whose subscription is being changed, kept while someone holds it.
    locks: weakref.WeakValueDictionary[int, asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary
    )


@dataclass
class QuizState:
    """The quiz bank, and the polls and rounds running now."""

    bank: QuizBank
    polls: dict[str, OpenPoll] = field(default_factory=dict)  # by poll id, until closed
    rounds: dict[int, Round] = field(default_factory=dict)  # by chat id, while running
    opening: set[asyncio.Event] = field(default_factory=set)  # one per poll being sent


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


@dataclass
class ChatState:
    """What the bot remembers about one chat while it runs."""

    recent_quiz_items: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_QUIZ_ITEMS))


Context: TypeAlias = CallbackContext[ExtBot[Any], dict[Any, Any], ChatState, BotState]
# The context and job-queue parameters stay open: PTB types `context.application` with them
# unbound, and what handlers read is bot_data and chat_data.
BotApplication: TypeAlias = Application[ExtBot[Any], Any, dict[Any, Any], ChatState, BotState, Any]
