"""The one application factory: `faqbot run` and the tests build the bot the same way."""

from __future__ import annotations

import logging
from types import ModuleType
from zoneinfo import ZoneInfo

from telegram import (
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from faqbot.bot.flood import FloodGuard
from faqbot.bot.menu import GROUPS, PRIVATE, command_menu
from faqbot.bot.services import SERVICES_KEY, Services, services
from faqbot.bot.settings import Settings
from faqbot.bot.storage import Storage
from faqbot.handlers import FEATURES
from faqbot.knowledge import Matcher, Pack, load_pack

log = logging.getLogger(__name__)

# The update types some handler uses; Telegram sends nothing else.
ALLOWED_UPDATES = [
    "message",
    "callback_query",
    "inline_query",
    "poll",
    "poll_answer",
    "my_chat_member",
]

# Telegram takes about 30 messages a second, so a few requests in flight cover its round trip.
# The pool stays small because httpcore polls the socket of every idle connection on each
# request, and as many updates run at once as there are connections because it rescans its
# queue of waiting requests on every response (benchmarks/bench_bot.py: both cost more CPU
# than answering the question). A request that finds every connection busy waits for one.
CONCURRENT_UPDATES = 8
CONNECTIONS = 8
CONNECTION_WAIT_SECONDS = 30.0
# Share of FAQBOT_RATE_LIMIT the bot paces itself at, leaving room for jitter (sending_limiter).
SENDING_SHARE = 0.95


def sending_limiter(rate: float) -> AIORateLimiter:
    """A limiter that keeps every one-second window a little under `rate` messages.

    Telegram counts any one-second window, so a bucket that starts full with `rate` messages
    would overflow it at once, and pacing at exactly `rate` overflows it whenever network
    jitter bunches two sends together. This bucket holds two messages, so a late timer is
    caught up, and refills at 95% of the rate: a window holds at most 2 + 0.95 × rate.
    """
    burst = 2.0
    return AIORateLimiter(
        overall_max_rate=burst, overall_time_period=burst / (SENDING_SHARE * rate), max_retries=5
    )


def build_application(
    settings: Settings, *, pack: Pack | None = None, features: tuple[ModuleType, ...] = FEATURES
) -> Application:
    """Build the bot: validate settings, load the pack, open the database, register handlers."""
    token = settings.require_token()
    pack = pack or load_pack(settings.knowledge)
    storage = Storage(settings.database)
    storage.open()
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{settings.api_base_url}/bot")
        .base_file_url(f"{settings.api_base_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=ZoneInfo(settings.timezone),
            )
        )
        .rate_limiter(sending_limiter(settings.rate_limit))
        .concurrent_updates(CONCURRENT_UPDATES)
        .connection_pool_size(CONNECTIONS)
        .pool_timeout(CONNECTION_WAIT_SECONDS)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        pack=pack,
        matcher=Matcher.from_pack(pack),
        storage=storage,
        flood=FloodGuard(settings.flood_limit),
    )
    application.bot_data["features"] = features
    for feature in features:
        feature.register(application)
    return application


async def _post_init(application: Application) -> None:
    """Register the command menu, then let each feature restore its state."""
    menu = command_menu(application)
    scopes = {PRIVATE: BotCommandScopeAllPrivateChats(), GROUPS: BotCommandScopeAllGroupChats()}
    for name, scope in scopes.items():
        try:
            await application.bot.set_my_commands(menu[name], scope=scope)
        except TelegramError as error:
            log.warning(
                "could not register the %s command menu (%s); the bot works without it, "
                "and the next start tries again",
                name,
                error,
            )
    for feature in application.bot_data["features"]:
        startup = getattr(feature, "on_startup", None)
        if startup is not None:
            await startup(application)


async def _post_shutdown(application: Application) -> None:
    """Close the database."""
    services(application).storage.close()
