"""Typed settings read from the environment (and a local .env file), validated once at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast, get_args
from urllib.parse import urlsplit

from faqbot.knowledge.overlay import overlay_path
from faqbot.knowledge.timetable import is_iana_zone
from faqbot.storage.target import TargetError, parse_target

TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{20,}$")
# ASCII digits only: str.isdigit() also accepts '²', which int() then refuses with a traceback.
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DEFAULT_API_BASE_URL = "https://api.telegram.org"
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0:8080"
# Telegram's own rule for secret_token (1-256 of these characters); at least 16 here, since a
# short secret is easy to guess and would be redacted from every log line it happens to match.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
SECRET_HELP = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Paths the webhook server answers itself, so the update path cannot be one of them.
HEALTH_PATHS = ("/healthz", "/readyz")
TOKEN_HELP = (
    "get a token from @BotFather in Telegram (/newbot) and set TELEGRAM_BOT_TOKEN; "
    "to try the bot without Telegram, run `make chat`"
)


# What a daily fact's send that went unanswered (timed out, connection lost) counts as:
# delivered (never repeated, may be lost) or undelivered (repeated, may arrive twice).
DeliveryPolicy = Literal["at-most-once", "at-least-once"]


class SettingsError(ValueError):
    """A setting that is missing or malformed; the message is one line for the operator."""


def _database(value: str | None) -> Path | str:
    """FAQBOT_DATABASE: a SQLite file's path, or a checked PostgreSQL URL (kept as written)."""
    if value is None:
        return Settings.database
    try:
        target = parse_target(value)
    except TargetError as error:
        raise SettingsError(str(error)) from None
    return target.path if target.path is not None else value


@dataclass(frozen=True)
class WebhookEndpoint:
    """Where Telegram sends updates in webhook mode, and what proves a request came from it."""

    url: str  # the public HTTPS URL given to setWebhook
    path: str  # the URL's path: the one path the server takes updates on
    host: str
    port: int
    secret: str = field(repr=False)

    @property
    def listen(self) -> str:
        """host:port as an operator writes it, for log lines."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the defaults the README's Configuration table lists."""

    token: str | None = field(default=None, repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    knowledge: Path | None = None
    # A SQLite file, or a postgresql:// URL (checked by from_env; never printed with its password)
    database: Path | str = Path("data/faqbot.sqlite3")
    timezone: str = "Asia/Kolkata"
    admin_ids: frozenset[int] = frozenset()
    flood_limit: int = 20
    quiz_open_period: int = 30
    rate_limit: float = 30.0
    log_retention_days: int = 90
    # The key the question log hashes user and chat ids with (HMAC-SHA256); None: one made once
    # and kept in the database. Changing it orphans older rows from /forget until they expire.
    log_key: str | None = field(default=None, repr=False)
    followup_seconds: int = 300
    daily_delivery: DeliveryPolicy = "at-most-once"
    # Minutes after its time a daily fact is retried; None: until the chat's local day ends.
    daily_retry_minutes: int | None = None
    # Webhook mode (`faqbot run --webhook`); checked only there, by require_webhook.
    webhook_url: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_secret: str | None = field(default=None, repr=False)
    # Shared limits across replicas (bot/shared_limits.py); None keeps them in the process.
    redis_url: str | None = field(default=None, repr=False)  # may hold a password
    redis_required: bool = False  # Redis out of reach: wait for it, not fall back

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
    ) -> Settings:
        """Read settings; the process environment wins over the .env file; empty means unset."""
        values = dict(read_dotenv(dotenv)) if dotenv else {}
        values.update({k: v for k, v in (os.environ if environ is None else environ).items() if v})

        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        timezone = get("FAQBOT_TIMEZONE") or cls.timezone
        # Not just whatever ZoneInfo loads: that includes "localtime", "Factory" and "posix/…".
        if not is_iana_zone(timezone):
            raise SettingsError(
                f"FAQBOT_TIMEZONE={timezone!r} is not a known IANA timezone, such as Asia/Kolkata"
            )
        knowledge = get("FAQBOT_KNOWLEDGE")
        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            api_base_url=(get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL).rstrip("/"),
            knowledge=Path(knowledge) if knowledge else None,
            database=_database(get("FAQBOT_DATABASE")),
            timezone=timezone,
            admin_ids=_ids(get("FAQBOT_ADMIN_IDS") or ""),
            flood_limit=_positive_int(
                "FAQBOT_FLOOD_LIMIT", get("FAQBOT_FLOOD_LIMIT"), cls.flood_limit
            ),
            quiz_open_period=_positive_int(
                "FAQBOT_QUIZ_OPEN_PERIOD", get("FAQBOT_QUIZ_OPEN_PERIOD"), cls.quiz_open_period
            ),
            rate_limit=float(
                _positive_int("FAQBOT_RATE_LIMIT", get("FAQBOT_RATE_LIMIT"), int(cls.rate_limit))
            ),
            log_retention_days=_positive_int(
                "FAQBOT_LOG_RETENTION_DAYS",
                get("FAQBOT_LOG_RETENTION_DAYS"),
                cls.log_retention_days,
            ),
            log_key=_log_key(get("FAQBOT_LOG_KEY")),
            followup_seconds=_positive_int(
                "FAQBOT_FOLLOWUP_SECONDS", get("FAQBOT_FOLLOWUP_SECONDS"), cls.followup_seconds
            ),
            daily_delivery=_delivery_policy(get("FAQBOT_DAILY_DELIVERY") or cls.daily_delivery),
            daily_retry_minutes=_optional_positive_int(
                "FAQBOT_DAILY_RETRY_MINUTES", get("FAQBOT_DAILY_RETRY_MINUTES")
            ),
            webhook_url=get("FAQBOT_WEBHOOK_URL"),
            webhook_listen=get("FAQBOT_WEBHOOK_LISTEN") or cls.webhook_listen,
            webhook_secret=get("FAQBOT_WEBHOOK_SECRET"),
            redis_url=_redis_url(get("FAQBOT_REDIS_URL")),
            redis_required=_flag("FAQBOT_REDIS_REQUIRED", get("FAQBOT_REDIS_REQUIRED")),
        )

    @property
    def overlay(self) -> Path:
        """The overlay pack next to the SQLite database (with PostgreSQL, in data/):
        phrasings accepted from /gaps."""
        return overlay_path(self.database if isinstance(self.database, Path) else None)

    def require_token(self) -> str:
        """The bot token, or SettingsError saying how to get one. Never echoes the value."""
        if not self.token:
            raise SettingsError(f"TELEGRAM_BOT_TOKEN is not set: {TOKEN_HELP}")
        if not TOKEN_PATTERN.match(self.token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is malformed: a token looks like 123456789:AAE... "
                f"(digits, a colon, then letters); {TOKEN_HELP}"
            )
        return self.token

    def require_webhook(self) -> WebhookEndpoint:
        """The webhook's URL, listen address and secret, or SettingsError naming what to fix."""
        if not self.webhook_url:
            raise SettingsError(
                "FAQBOT_WEBHOOK_URL is not set: webhook mode needs the public HTTPS URL Telegram "
                "calls, such as https://bot.example.org/telegram"
            )
        url = urlsplit(self.webhook_url)
        if url.scheme != "https" or not url.hostname:
            # The URL itself is not echoed: some operators put the bot token in its path.
            raise SettingsError(
                f"FAQBOT_WEBHOOK_URL must be an https:// URL with a host, not {url.scheme or 'a'}"
                ":// one: Telegram calls webhooks over HTTPS only"
            )
        path = url.path or "/"
        if path.rstrip("/") in HEALTH_PATHS:
            raise SettingsError(
                f"FAQBOT_WEBHOOK_URL's path {path!r} is taken by the health checks "
                f"({', '.join(HEALTH_PATHS)}); choose another, such as /telegram"
            )
        if not self.webhook_secret:
            raise SettingsError(
                "FAQBOT_WEBHOOK_SECRET is not set: webhook mode needs a secret that Telegram "
                f"sends with every update, so others cannot post fake ones; {SECRET_HELP}"
            )
        if not _WEBHOOK_SECRET.fullmatch(self.webhook_secret):
            raise SettingsError(
                "FAQBOT_WEBHOOK_SECRET must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - "
                f"(Telegram's rule, with a 16-character floor); {SECRET_HELP}"
            )
        host, port = _listen_address(self.webhook_listen)
        return WebhookEndpoint(self.webhook_url, path, host, port, self.webhook_secret)


def _listen_address(raw: str) -> tuple[str, int]:
    """host:port, with an IPv6 host in brackets ([::]:8080), as (host, port)."""
    host, colon, port = raw.strip().rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host or not _WHOLE_NUMBER.fullmatch(port) or not 0 < int(port) < 65536:
        raise SettingsError(
            f"FAQBOT_WEBHOOK_LISTEN={raw!r} must be host:port, such as {DEFAULT_WEBHOOK_LISTEN} "
            "or 127.0.0.1:8080 ([::]:8080 for IPv6)"
        )
    return host, int(port)


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file; comments, blanks and a missing file are fine."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if value:
            values[key.strip()] = value
    return values


def _ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not _WHOLE_NUMBER.fullmatch(part):
            raise SettingsError(
                f"FAQBOT_ADMIN_IDS has {part!r}; use comma-separated numeric Telegram user ids"
            )
        ids.add(int(part))
    return frozenset(ids)


def _positive_int(name: str, raw: str | None, default: int) -> int:
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise SettingsError(f"{name}={raw!r} must be a positive whole number")
    return int(raw)


def _log_key(raw: str | None) -> str | None:
    """FAQBOT_LOG_KEY: at least 32 characters, so the hashes cannot be reversed by guessing."""
    if raw is not None and len(raw) < 32:
        # The value is a secret: its length is said, never the value.
        raise SettingsError(
            f"FAQBOT_LOG_KEY is {len(raw)} characters; use at least 32 (or leave it unset to "
            f"have one made and kept in the database); {SECRET_HELP}"
        )
    return raw


def _optional_positive_int(name: str, raw: str | None) -> int | None:
    return None if raw is None else _positive_int(name, raw, 0)


_REDIS_SCHEMES = ("redis", "rediss", "unix")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _redis_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    scheme = urlsplit(raw).scheme
    if scheme not in _REDIS_SCHEMES:
        # The URL itself is not echoed: it may hold a password.
        raise SettingsError(
            f"FAQBOT_REDIS_URL must be a redis://, rediss:// or unix:// URL, not "
            f"{scheme or 'one without a scheme'}, such as redis://127.0.0.1:6379/0"
        )
    return raw


def _flag(name: str, raw: str | None) -> bool:
    if raw is None or raw.lower() in _FALSE:
        return False
    if raw.lower() in _TRUE:
        return True
    raise SettingsError(f"{name}={raw!r} must be true or false")


def _delivery_policy(raw: str) -> DeliveryPolicy:
    for policy in get_args(DeliveryPolicy):
        if raw.lower() == policy:
            return cast(DeliveryPolicy, policy)
    raise SettingsError(
        f"FAQBOT_DAILY_DELIVERY={raw!r} must be at-most-once (a fact whose send went "
        "unanswered is not repeated) or at-least-once (it is sent again)"
    )
