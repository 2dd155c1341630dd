"""The bot's typed state: what `context.bot_data` and `context.chat_data` hold.

faqbot.app makes the one BotState; every in-memory thing the features keep lives here, and
everything kept across restarts lives in faqbot.storage.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot

from faqbot.bot.feedback_prompts import FeedbackPrompts
from faqbot.bot.flood import FloodGuard
from faqbot.bot.leadership import Leadership
from faqbot.bot.reading import SkippedUpdates
from faqbot.bot.recent_answers import RecentAnswers
from faqbot.config import Settings
from faqbot.knowledge import Problem, QuizItem
from faqbot.knowledge.bundle import Knowledge
from faqbot.storage.daily import DailyKind, PendingFact
from faqbot.storage.quiz import CloseClaim
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
    # The item of each poll posted, by poll id: its answer is revealed from here when a
    # reload took the item out of the pack while the poll was open.
    posted: dict[str, QuizItem] = field(default_factory=dict)
    tally: dict[int, Tally] = field(default_factory=dict)  # by user id
    # Unix time it began: on PostgreSQL its summary counts the chat's answers since then,
    # wherever they were counted (a poll answer may reach any replica).
    started_at: float = field(default_factory=time.time)
    # Names it in quiz_round, where it is kept so that any replica can move it on.
    round_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Taken up from the database (another process began it): its tally is read back from there.
    resumed: bool = False


class ChatBusy(Exception):
    """A daily delivery the chat cannot take now (a quiz round is already running there): the
    daily scheduler tries again later, as after a 5xx, until the chat's day ends."""


class NothingToDeliver(Exception):
    """A daily delivery that has nothing to send (a pack without quiz items): given up."""


def _set(event: asyncio.Event) -> asyncio.Event:
    event.set()
    return event


@dataclass
class DailyState:
    """Daily deliveries under way, what keeps them orderly, and who delivers each kind."""

    # Bounds how many deliveries run at once (the rate limiter still sets the pace).
    delivery_slots: asyncio.Semaphore
    # (chat, kind) a delivery is under way to: a second one of the same is skipped.
    in_flight: set[tuple[int, DailyKind]] = field(default_factory=set)
    # Deliveries Telegram accepted whose record could not be written yet (disk full, database
    # locked), by chat and kind: written when the chat is claimed again, before anything
    # else is sent there.
    unrecorded: dict[tuple[int, DailyKind], PendingFact] = field(default_factory=dict)
    # What sends a kind other than facts: the feature that owns the kind registers its
    # deliverer here, so the daily scheduler never imports it. A deliverer sends the one
    # message the day's delivery is recorded by (a quiz's first poll), and raises the
    # TelegramError of a send Telegram refused, ChatBusy, or NothingToDeliver.
    deliverers: dict[DailyKind, DailyDeliverer] = field(default_factory=dict)
    # The delivery loop (faqbot.handlers.daily.delivery): one claim at a time; chats claimed
    # and not yet delivered; claims refused by the database in a row, and when the loop may
    # try again.
    claiming: asyncio.Lock = field(default_factory=asyncio.Lock)
    claimed: int = 0
    # Cleared while the loop has first sends to make: from a claim that took chats until none
    # is in flight and a claim finds no more due. The rate limiter holds follow-ups (a closed
    # poll's reveal, a round's later polls) until it is set, so a broadcast's first sends go
    # first (bot/pacing.py's follow_up_turn).
    no_backlog: asyncio.Event = field(default_factory=lambda: _set(asyncio.Event()))
    failures: int = 0
    paused_until: float = 0.0

    @property
    def backlog(self) -> bool:
        return not self.no_backlog.is_set()


@dataclass
class QuizState:
    """The polls and rounds running now (the quiz banks are in the knowledge bundle)."""

    # Names this process in the database: as the holder of the poll closes it claimed and of
    # the rounds it is starting, whose leases its close loop renews while they go on.
    replica: str = field(default_factory=lambda: uuid.uuid4().hex)
    # The polls this process is closing now, by id, with the newest claim on each (a close
    # records itself under it).
    closing: dict[str, CloseClaim] = field(default_factory=dict)
    starting: set[str] = field(default_factory=set)  # ids of the rounds it is starting now
    close_failures: int = 0  # close loop beats in a row the database refused
    # By chat id, while running; a round keeps its items through a reload of the pack.
    rounds: dict[int, Round] = field(default_factory=dict)
    opening: set[asyncio.Event] = field(default_factory=set)  # one per poll being sent


@dataclass
class Reloads:
    """Reloads of the knowledge asked for and done (bot/reloading.py): one runs at a time;
    asks that arrive while one runs wait, and are folded into the first reload that starts
    after them."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    asked: int = 0  # asks so far
    covered: int = 0  # asks that a reload started after, and so has read their files
    last: ReloadResult | None = None  # what the last reload did, for the asks folded into it


@dataclass
class BotState:
    """Everything handlers share, made once per application by faqbot.app."""

    settings: Settings
    # The pack, its answerers (and matchers) and quiz banks: replaced whole by a reload, so a
    # handler reads it once per update and answers from that one bundle.
    knowledge: Knowledge
    recent_answers: RecentAnswers  # what follow-ups ("why?", "tell me more") refer to
    stores: Stores
    flood: FloodGuard
    daily: DailyState
    quiz: QuizState
    # Whether this replica runs the jobs that must run once per bot (bot/leadership.py).
    leadership: Leadership
    # Updates python-telegram-bot could not read, skipped past (shown by /stats).
    skipped_updates: SkippedUpdates = field(default_factory=SkippedUpdates)
    # Who was asked "What were you looking for?" after a 👎 (bot/feedback_prompts.py).
    feedback_prompts: FeedbackPrompts = field(default_factory=FeedbackPrompts)
    reloads: Reloads = field(default_factory=Reloads)
    # Gap clusters offered by /gaps, by the token in their buttons (handlers/maintenance).
    gap_offers: dict[str, GapOffer] = field(default_factory=dict)
    # What each feature does once /forget deleted a user's rows (the daily feature drops the
    # private chat's jobs): registered by the feature, so features never import each other.
    on_forget: list[ForgetHook] = field(default_factory=list)
    # What runs after a reload served a new bundle, given the old one and the new (app.py
    # registers the command menu again when the pack's languages changed).
    on_reload: list[ReloadHook] = field(default_factory=list)


@dataclass(frozen=True)
class GapOffer:
    """One cluster /gaps showed: the wording to add, and the entries offered for it."""

    wording: str
    wordings: tuple[str, ...]  # all the cluster's wordings shown, for "ignore"
    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: the bundle now served, and the problems that kept the old one."""

    knowledge: Knowledge
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


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
# Acts on /forget of a user (by user id, which is also their private chat's id).
ForgetHook: TypeAlias = Callable[[BotApplication, int], Awaitable[None]]
# Acts on a reload that replaced the first bundle with the second.
ReloadHook: TypeAlias = Callable[[Knowledge, Knowledge], Awaitable[None]]
