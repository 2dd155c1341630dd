"""The composition root: settings → stores → answerer → features, wired in one place.

`faqbot run` and the tests build the bot the same way, with build_application.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import httpx
from telegram import (
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, CallbackContext, ContextTypes, Defaults, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from faqbot.bot.flood import FloodGuard
from faqbot.bot.leadership import Leadership
from faqbot.bot.menu import ADMINS, GROUPS, PRIVATE, MenuScope, command_menu
from faqbot.bot.pacing import ChatRateLimiter, UpdateSlots
from faqbot.bot.reading import TolerantBot
from faqbot.bot.recent_answers import RecentAnswers
from faqbot.bot.state import BotApplication, BotState, ChatState, DailyState, QuizState
from faqbot.config import Settings, SettingsError
from faqbot.handlers import answers, core, daily, feedback, language, maintenance, quiz
from faqbot.handlers.answers.stats import RETENTION_JOB
from faqbot.handlers.quiz.standings import WEEKLY_JOB
from faqbot.knowledge import Pack
from faqbot.knowledge.bundle import Knowledge, load_knowledge
from faqbot.storage.instance_lock import LeaderLock
from faqbot.storage.stores import Stores

if TYPE_CHECKING:
    # Imported where FAQBOT_REDIS_URL asks for it: redis and limits are a fifth of the
    # bot's start-up CPU, and most deployments (and the tests' bots) run without Redis.
    from faqbot.bot.shared_limits import RedisLink

log = logging.getLogger(__name__)

# The update types some handler uses; Telegram sends nothing else.
ALLOWED_UPDATES = [
    "message",
    "callback_query",
    "inline_query",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",  # members leaving a group (sent only where the bot is an administrator)
]

# Telegram takes about 30 messages a second, so a few requests in flight cover its round trip.
# The pool stays small because httpcore polls the socket of every idle connection on each
# request, and as many updates run at once as there are connections because it rescans its
# queue of waiting requests on every response (benchmarks/bench_bot.py: both cost more CPU
# than answering the question). A request that finds every connection busy waits for one.
CONCURRENT_UPDATES = 8
# Updates waiting for their chat's send pace (a group's 20 a minute, a chat's retry_after) give
# their slot back (bot/pacing.py); this many may wait at once before new updates queue.
WAITING_UPDATES = 1024
CONNECTIONS = 8
CONNECTION_WAIT_SECONDS = 30.0
# How long a request may take to be written and answered. Telegram usually answers in well
# under a second, but under load it carries out a send and answers after PTB's default of 5 s;
# the bot then took an accepted message for a lost one. Connecting keeps PTB's 5 s: a request
# that never connected was never sent.
SEND_TIMEOUT_SECONDS = 20.0
# Share of FAQBOT_RATE_LIMIT the bot paces itself at, leaving room for jitter (sending_limiter).
SENDING_SHARE = 0.95
# Share of it all replicas together take from the Redis window (FAQBOT_REDIS_URL). A moving
# window counts the moment Redis admitted each send, not the moment it left; one admitted just
# as the window's oldest leaves can share a second with that one's late departure: one to three
# sends over the window at 30 a second, on a loaded machine (docs/benchmarks.md).
SHARED_SENDING_SHARE = 0.9


def sending_limiter(rate: float, link: RedisLink | None = None) -> ChatRateLimiter:
    """A limiter that keeps every one-second window a little under `rate` messages.

    Telegram counts any one-second window, so a bucket that starts full with `rate` messages
    would overflow it at once, and pacing at exactly `rate` overflows it whenever network
    jitter bunches two sends together. This bucket holds two messages, so a late timer is
    caught up, and refills at 95% of the rate: a window holds at most 2 + 0.95 × rate.
    Each group also gets Telegram's 20 messages a minute, and a 429 pauses only its chat.
    With Redis (`link`), every replica also takes each send from one moving window of
    0.9 × rate a second, and each group's 20 a minute from one window per group.
    """
    burst = 2.0
    shared = None
    if link is not None:
        from faqbot.bot.shared_limits import SharedSendBudget

        shared = SharedSendBudget(link, per_second=max(1, int(SHARED_SENDING_SHARE * rate)))
    return ChatRateLimiter(
        overall_max_rate=burst,
        overall_time_period=burst / (SENDING_SHARE * rate),
        max_retries=5,
        shared=shared,
    )


def redis_link(settings: Settings) -> RedisLink | None:
    """The Redis the limits are shared through, or None without FAQBOT_REDIS_URL. Out of reach
    at start: a SettingsError if FAQBOT_REDIS_REQUIRED, else a warning (the limits fall back)."""
    if settings.redis_url is None:
        return None
    from faqbot.bot.shared_limits import RedisLink, check_reachable, where

    problem = check_reachable(settings.redis_url)
    if problem is not None and settings.redis_required:
        raise SettingsError(
            f"Redis at {where(settings.redis_url)} does not answer ({problem}), and "
            "FAQBOT_REDIS_REQUIRED is set: start Redis, or unset FAQBOT_REDIS_REQUIRED to fall "
            "back to in-process limits"
        )
    # Keys per bot (its id is the token's public half): Telegram's limits are per bot, so two
    # bots sharing one Redis never share a budget.
    bot_id = settings.require_token().partition(":")[0]
    link = RedisLink(
        settings.redis_url, required=settings.redis_required, namespace=f"faqbot:{bot_id}"
    )
    if problem is not None:
        link.note_failure(problem, "start-up check")  # the one warning of this outage
    return link


Registrar = Callable[[BotApplication, int], None]

# The handler-group table. Telegram's update goes through the groups in ascending order, and in
# each group only the first handler whose filter matches runs. Rows of one group register in
# the order written here, so the fallbacks, last in group 0, only see what no feature took.
HANDLER_GROUPS: tuple[tuple[int, Registrar], ...] = (
    (-1, core.register_gate),  # drops updates from bots and channels before any feature
    (0, feedback.register_replies),  # the answer to a 👎's question, before it reads as one
    (0, quiz.register_deep_links),  # /start review_mistakes, ahead of answers' /start
    (0, answers.register),
    (0, daily.register),
    (0, quiz.register),
    (0, language.register),
    (0, feedback.register),  # 👍/👎, /privacy, /forget
    (0, maintenance.register),  # the operators' /reload and /gaps
    (0, core.register_fallbacks),
    (1, daily.register_observers),  # every migration and membership change
    (2, quiz.register_observers),  # every migration, beside daily's observer
    (3, language.register_observers),  # every migration, beside the other observers
)
# What every replica starts once the command menu is registered: the daily delivery loop and
# the quiz's close loop, which claim due chats and due poll closes in the database, so
# replicas share them out.
STARTUP_HOOKS: tuple[Callable[[BotApplication], Awaitable[None]], ...] = (
    daily.on_startup,
    quiz.start_closing,
)
# The gate of the jobs that must run once per bot, however many replicas serve it: these run
# on the leading replica (bot/leadership.py; on SQLite, the one process), in this order, after
# STARTUP_HOOKS, and again on a replica that takes the lead over.
LEADER_HOOKS: tuple[Callable[[BotApplication], Awaitable[None]], ...] = (
    answers.on_startup,  # the question log's retention
    quiz.on_startup,  # the weekly standings
)
# The ids (by their start) of the leader's jobs: a replica that does not lead drops them.
LEADER_JOBS: tuple[str, ...] = (RETENTION_JOB, WEEKLY_JOB)


def build_application(
    settings: Settings,
    *,
    pack: Pack | None = None,
    knowledge: Knowledge | None = None,
    make_request: Callable[..., BaseRequest] | None = None,
) -> BotApplication:
    """Build the bot: validate settings, load the pack, open the database, register handlers.

    `faqbot run` passes only the settings. Tests hand in what they built once for the whole
    run (the pack's knowledge bundle: immutable once made) and a request class
    that reaches their fake Bot API in process; it is given HTTPXRequest's arguments.
    """
    token = settings.require_token()
    if knowledge is None:
        # The main pack, then the phrasings operators accepted from /gaps (overlay.yaml).
        knowledge = (
            Knowledge.build(pack)
            if pack is not None
            else load_knowledge(settings.knowledge, settings.overlay)
        )
    stores = Stores.open(settings.database, log_key=settings.log_key)
    link = redis_link(settings)
    # Both HTTP clients verify the Bot API with one TLS context, the one httpx would make for
    # each (certifi's CA bundle, or SSL_CERT_FILE/SSL_CERT_DIR): loading the bundle is 40-60 ms
    # of CPU, paid once a start instead of twice.
    make_request = make_request or functools.partial(
        HTTPXRequest, httpx_kwargs={"verify": httpx.create_ssl_context()}
    )
    recent_answers: RecentAnswers
    flood: FloodGuard
    if link is None:
        recent_answers = RecentAnswers(settings.followup_seconds)
        flood = FloodGuard(settings.flood_limit)
    else:
        from faqbot.bot.shared_limits import SharedFloodGuard, SharedRecentAnswers

        recent_answers = SharedRecentAnswers(settings.followup_seconds, link)
        flood = SharedFloodGuard(settings.flood_limit, link)
    leader_lock = None if stores.database.is_sqlite else LeaderLock(stores.database.target)
    state = BotState(
        settings=settings,
        knowledge=knowledge,
        recent_answers=recent_answers,
        stores=stores,
        flood=flood,
        daily=DailyState(delivery_slots=asyncio.Semaphore(daily.DELIVERY_CONCURRENCY)),
        quiz=QuizState(),
        leadership=Leadership(leader_lock, LEADER_HOOKS, LEADER_JOBS),
    )
    # PTB makes bot_data by calling this type once, with no arguments: hand it the state.
    context_types = ContextTypes(
        context=CallbackContext,
        bot_data=cast(type[BotState], lambda: state),
        chat_data=ChatState,
    )
    # The bot is made here, not by the builder, for TolerantBot's getUpdates (bot/reading.py);
    # the requests are what the builder would make with the same settings.
    limiter = sending_limiter(settings.rate_limit, link)
    # Follow-ups (a round's reveals and later polls) let a daily broadcast's first sends go.
    limiter.broadcast_done = state.daily.no_backlog
    bot = TolerantBot(
        token,
        skipped=state.skipped_updates,
        base_url=f"{settings.api_base_url}/bot",
        base_file_url=f"{settings.api_base_url}/file/bot",
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            tzinfo=ZoneInfo(settings.timezone),
        ),
        rate_limiter=limiter,
        request=make_request(
            connection_pool_size=CONNECTIONS,
            pool_timeout=CONNECTION_WAIT_SECONDS,
            read_timeout=SEND_TIMEOUT_SECONDS,
            write_timeout=SEND_TIMEOUT_SECONDS,
        ),
        get_updates_request=make_request(connection_pool_size=1),
    )
    application = (
        ApplicationBuilder()
        .bot(cast(ExtBot[Any], bot))
        .context_types(context_types)
        .concurrent_updates(UpdateSlots(CONCURRENT_UPDATES, WAITING_UPDATES))
        .post_init(_post_init)
        .post_shutdown(functools.partial(_post_shutdown, link=link))
        .build()
    )
    for group, register in sorted(HANDLER_GROUPS, key=lambda row: row[0]):
        register(application, group)
    state.on_reload.append(functools.partial(_menus_after_reload, application))
    return application


async def _post_init(application: BotApplication) -> None:
    """Register the command menu, start what every replica runs, then lead (restore the
    once-per-bot jobs) if no replica does."""
    await register_menus(application)
    for startup in STARTUP_HOOKS:
        await startup(application)
    await application.bot_data.leadership.start(application)


def _menu_scopes() -> dict[MenuScope, BotCommandScope]:
    return {
        PRIVATE: BotCommandScopeAllPrivateChats(),
        GROUPS: BotCommandScopeAllGroupChats(),
        ADMINS: BotCommandScopeAllChatAdministrators(),
    }


async def _menus_after_reload(application: BotApplication, old: Knowledge, new: Knowledge) -> None:
    """A reload that changed the pack's languages changes the menus too: each language's is
    registered, and a language the pack no longer has loses its own (Telegram then shows
    those users the main language's)."""
    before, after = old.pack.languages, new.pack.languages
    if before == after:
        return
    await register_menus(application)
    for code in before[1:]:
        if code in after:
            continue
        for name, scope in _menu_scopes().items():
            try:
                await application.bot.delete_my_commands(scope=scope, language_code=code)
            except TelegramError as error:
                log.warning("could not remove the %s command menu in %s (%s)", name, code, error)


async def register_menus(application: BotApplication) -> None:
    """The command menu of each scope: in the pack's main language for everyone, and in each
    other language of the pack for users whose Telegram app speaks it."""
    languages = application.bot_data.knowledge.pack.languages
    scopes = _menu_scopes()
    for spoken in languages:
        menu = command_menu(application, spoken)
        # The main language's menu is the default one, shown to every other app language.
        code = None if spoken == languages[0] else spoken
        for name, scope in scopes.items():
            try:
                await application.bot.set_my_commands(menu[name], scope=scope, language_code=code)
            except TelegramError as error:
                log.warning(
                    "could not register the %s command menu in %s (%s); the bot works without "
                    "it, and the next start tries again",
                    name,
                    spoken,
                    error,
                )


async def _post_shutdown(application: BotApplication, link: RedisLink | None = None) -> None:
    """Give the lead up, close the database, and the connection to Redis if there is one."""
    await asyncio.to_thread(application.bot_data.leadership.close)
    await application.bot_data.stores.aclose()
    if link is not None:
        await link.close()
