"""`faqbot run`: logging that never shows the token, start-up checks, and long polling."""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import sys
from urllib.parse import unquote, urlsplit

from telegram.error import InvalidToken, NetworkError, TelegramError

from faqbot.app import ALLOWED_UPDATES, build_application
from faqbot.bot.reloading import reload_on_sighup
from faqbot.bot.startup import STARTUP_RETRY_SECONDS
from faqbot.bot.state import BotApplication
from faqbot.config import TOKEN_HELP, Settings, WebhookEndpoint
from faqbot.storage.database import DATABASE_ERRORS, StorageError, describe_database_error
from faqbot.storage.instance_lock import instance_lock
from faqbot.storage.target import DatabaseTarget, TargetError, parse_target
from faqbot.webhook import WebhookError, run_webhook

log = logging.getLogger("faqbot")


class RedactToken(logging.Filter):
    """Hides the bot token in log records: message, arguments, tracebacks and stack traces.

    The secret half alone is what grants control of the bot, so that is what is matched, in
    any letter case; that also catches the whole token URL-encoded (":" as %3A) or lower-cased.
    Other secrets (the webhook's, the log key, the database's and Redis's passwords) are hidden
    the same way, as "[secret]".
    """

    def __init__(self, token: str, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        bot_id, _, secret = token.rpartition(":")
        # The public bot id before it goes too, so "[token]" reads as the whole token did.
        prefix = f"(?:{re.escape(bot_id)}(?::|%3A))?" if bot_id else ""
        self.pattern = re.compile(prefix + re.escape(secret), re.IGNORECASE)
        others = "|".join(re.escape(other) for other in secrets if other)
        self.secrets = re.compile(others, re.IGNORECASE) if others else None

    def redact(self, text: str) -> str:
        """The text with every spelling of the token replaced by "[token]"."""
        text = self.pattern.sub("[token]", text)
        return self.secrets.sub("[secret]", text) if self.secrets else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it later, msg and args shown
            message = f"{record.msg!r} with arguments {record.args!r}"
        if (redacted := self.redact(message)) != message:
            record.msg, record.args = redacted, None
        if record.exc_text or record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(
                record.exc_info or (None, None, None)
            )
            if (redacted := self.redact(text)) != text:
                record.exc_info, record.exc_text = None, redacted
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


# A password shorter than this is not hidden in logs: it would blot out pieces of ordinary
# words, and is no secret from a guesser anyway.
SHORTEST_HIDDEN_PASSWORD = 6


def service_passwords(settings: Settings) -> tuple[str, ...]:
    """The PostgreSQL and Redis passwords in FAQBOT_DATABASE and FAQBOT_REDIS_URL, as written
    and decoded, for the log filter: no message, traceback or driver error may show them."""
    found: list[str] = []
    with contextlib.suppress(TargetError):
        url = parse_target(settings.database).url
        if url is not None and url.password:
            found.append(str(url.password))
    if settings.redis_url:
        with contextlib.suppress(ValueError):
            found.append(urlsplit(settings.redis_url).password or "")
    found += [unquote(password) for password in found]
    return tuple(sorted({p for p in found if len(p) >= SHORTEST_HIDDEN_PASSWORD}))


def configure_logging(token: str | None, secrets: tuple[str, ...] = ()) -> None:
    """One line per event on stderr; httpx's request lines (which carry the URL) are muted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if token:
        handler.addFilter(RedactToken(token, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Run until SIGINT or SIGTERM; exit codes: 0 clean stop, 1 failure, 2 bad token.

    Only one `faqbot run` at a time may use a SQLite database; PostgreSQL takes replicas
    (storage/instance_lock.py).
    """
    token = settings.require_token()
    endpoint = settings.require_webhook() if webhook else None
    secrets: tuple[str, ...] = (endpoint.secret,) if endpoint else ()
    # The question log's key is never logged either; hidden like the webhook's secret.
    secrets += ((settings.log_key,) if settings.log_key else ()) + service_passwords(settings)
    configure_logging(token, secrets)
    try:
        target = parse_target(settings.database)
        with instance_lock(target):
            return _run_locked(settings, target, endpoint)
    except (StorageError, TargetError) as error:
        log.error("%s", error)
        return 1


def _run_locked(
    settings: Settings, target: DatabaseTarget, endpoint: WebhookEndpoint | None
) -> int:
    application = build_application(settings)
    started = application.post_init

    async def post_init(application: BotApplication) -> None:
        if started is not None:
            await started(application)
        reload_on_sighup(application)  # on the loop the bot runs on, once it is up

    application.post_init = post_init
    knowledge = application.bot_data.knowledge
    log.info(
        "starting: %d entries from %s (%d phrasings from %s), database %s, Bot API %s",
        len(knowledge.pack.entries),
        ", ".join(knowledge.pack.paths),
        knowledge.overlay.phrasing_count,
        settings.overlay,
        target,
        settings.api_base_url,
    )
    try:
        if endpoint:
            run_webhook(application, endpoint)
        else:
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES,
                stop_signals=(signal.SIGINT, signal.SIGTERM),
                close_loop=False,
            )
    except WebhookError as error:
        log.error("%s", error)
        return 1
    except InvalidToken:
        log.error("Telegram rejected TELEGRAM_BOT_TOKEN: %s", TOKEN_HELP)
        return 2
    except NetworkError as error:
        log.error(
            "cannot reach the Bot API at %s (%s, still after %.0f s of retries); check the "
            "network and TELEGRAM_API_BASE_URL",
            settings.api_base_url,
            error,
            STARTUP_RETRY_SECONDS,
        )
        return 1
    except TelegramError as error:
        log.error("Telegram refused to start the bot: %s", error)
        return 1
    except DATABASE_ERRORS as error:
        # From a feature's start-up hook, which restores its state from the database.
        log.error("%s", describe_database_error(error, target))
        return 1
    log.info("stopped cleanly")
    return 0
