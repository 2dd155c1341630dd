"""Settings from the environment and .env: defaults, precedence, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqbot.config import DEFAULT_API_BASE_URL, Settings, SettingsError, read_dotenv

TOKEN = "123456789:TEST-settings-token-not-real"


def from_env(environ: dict[str, str], dotenv: Path | None = None) -> Settings:
    return Settings.from_env(environ, dotenv=dotenv)


def test_defaults_are_those_the_product_promises() -> None:
    settings = from_env({})

    assert settings.token is None
    assert settings.api_base_url == DEFAULT_API_BASE_URL == "https://api.telegram.org"
    assert settings.knowledge is None
    assert settings.database == Path("data/faqbot.sqlite3")
    assert settings.timezone == "Asia/Kolkata"
    assert settings.admin_ids == frozenset()
    assert settings.flood_limit >= 1
    assert settings.rate_limit > 0
    assert settings.followup_seconds == 300


def test_every_variable_is_read() -> None:
    settings = from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/",
            "FAQBOT_KNOWLEDGE": "packs/civics.yaml",
            "FAQBOT_DATABASE": "/var/lib/faqbot/db.sqlite3",
            "FAQBOT_TIMEZONE": "Asia/Tokyo",
            "FAQBOT_ADMIN_IDS": " 12, 34 ,-56",
            "FAQBOT_FLOOD_LIMIT": "7",
            "FAQBOT_RATE_LIMIT": "500",
            "FAQBOT_FOLLOWUP_SECONDS": "60",
        }
    )

    assert settings.token == TOKEN
    assert settings.api_base_url == "http://127.0.0.1:8081"  # no double slash before /bot
    assert settings.knowledge == Path("packs/civics.yaml")
    assert settings.database == Path("/var/lib/faqbot/db.sqlite3")
    assert settings.timezone == "Asia/Tokyo"
    assert settings.admin_ids == frozenset({12, 34, -56})
    assert settings.flood_limit == 7
    assert settings.rate_limit == 500.0
    assert settings.followup_seconds == 60


def test_the_environment_wins_over_dotenv_and_empty_means_unset(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# local settings\n"
        f"export TELEGRAM_BOT_TOKEN='{TOKEN}'\n"
        'FAQBOT_TIMEZONE="Asia/Tokyo"\n'
        "FAQBOT_FLOOD_LIMIT=5\n"
        "FAQBOT_ADMIN_IDS=\n"
        "not a setting line\n",
        encoding="utf-8",
    )

    settings = from_env({"FAQBOT_FLOOD_LIMIT": "9", "FAQBOT_TIMEZONE": ""}, dotenv)

    assert settings.token == TOKEN
    assert settings.timezone == "Asia/Tokyo"  # an empty variable does not erase .env
    assert settings.flood_limit == 9


def test_a_missing_dotenv_is_fine(tmp_path: Path) -> None:
    assert read_dotenv(tmp_path / "nothing-here") == {}


def test_the_token_never_appears_in_repr() -> None:
    assert TOKEN not in repr(from_env({"TELEGRAM_BOT_TOKEN": TOKEN}))


def test_a_missing_token_says_how_to_get_one() -> None:
    with pytest.raises(SettingsError) as raised:
        from_env({}).require_token()

    message = str(raised.value)
    assert "TELEGRAM_BOT_TOKEN is not set" in message
    assert "@BotFather" in message and "make chat" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "987654321",
        "987654321:",
        "abc:AAEhBOweik9ai2o4kjT2lkTfx0nW5_ZgWmI",
        "123456789:short",
        "123456789:AAEhBOweik9ai2o4kjT2lkTfx0nW5 ZgWmI",
        "123456789:TEST-settings-token-not-real/../../",
    ],
)
def test_a_malformed_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings(token=token).require_token()

    message = str(raised.value)
    assert "TELEGRAM_BOT_TOKEN is malformed" in message
    assert token not in message
    assert "\n" not in message


def test_a_well_formed_token_is_returned() -> None:
    assert Settings(token=TOKEN).require_token() == TOKEN


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FAQBOT_TIMEZONE", "Mars/Olympus", "FAQBOT_TIMEZONE='Mars/Olympus' is not a known IANA"),
        ("FAQBOT_TIMEZONE", "../../etc/passwd", "FAQBOT_TIMEZONE"),
        ("FAQBOT_ADMIN_IDS", "12,alice", "FAQBOT_ADMIN_IDS has 'alice'"),
        ("FAQBOT_FLOOD_LIMIT", "0", "FAQBOT_FLOOD_LIMIT='0' must be a positive whole number"),
        ("FAQBOT_FLOOD_LIMIT", "-3", "FAQBOT_FLOOD_LIMIT"),
        ("FAQBOT_FLOOD_LIMIT", "ten", "FAQBOT_FLOOD_LIMIT"),
        ("FAQBOT_RATE_LIMIT", "1.5", "FAQBOT_RATE_LIMIT"),
        ("FAQBOT_FOLLOWUP_SECONDS", "0", "FAQBOT_FOLLOWUP_SECONDS='0' must be a positive"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        from_env({name: value})

    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


def test_daily_delivery_policy_and_retry_window() -> None:
    default = from_env({})
    assert (default.daily_delivery, default.daily_retry_minutes) == ("at-most-once", None)
    chosen = from_env(
        {"FAQBOT_DAILY_DELIVERY": "At-Least-Once", "FAQBOT_DAILY_RETRY_MINUTES": "90"}
    )
    assert (chosen.daily_delivery, chosen.daily_retry_minutes) == ("at-least-once", 90)
    with pytest.raises(SettingsError, match="FAQBOT_DAILY_DELIVERY='exactly-once' must be"):
        from_env({"FAQBOT_DAILY_DELIVERY": "exactly-once"})
    with pytest.raises(SettingsError, match="FAQBOT_DAILY_RETRY_MINUTES='0' must be"):
        from_env({"FAQBOT_DAILY_RETRY_MINUTES": "0"})


WEBHOOK = {
    "FAQBOT_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
    "FAQBOT_WEBHOOK_SECRET": "TEST-webhook-secret-0123456789abcdef",
}


def test_webhook_settings_are_read_and_checked_only_for_webhook_mode() -> None:
    endpoint = from_env(WEBHOOK).require_webhook()
    assert (endpoint.url, endpoint.path) == (WEBHOOK["FAQBOT_WEBHOOK_URL"], "/telegram/hook")
    assert (endpoint.host, endpoint.port, endpoint.listen) == ("0.0.0.0", 8080, "0.0.0.0:8080")
    assert endpoint.secret == WEBHOOK["FAQBOT_WEBHOOK_SECRET"]
    assert WEBHOOK["FAQBOT_WEBHOOK_SECRET"] not in repr(endpoint)
    assert WEBHOOK["FAQBOT_WEBHOOK_SECRET"] not in repr(from_env(WEBHOOK))

    ipv6 = from_env({**WEBHOOK, "FAQBOT_WEBHOOK_LISTEN": "[::]:8443"}).require_webhook()
    assert (ipv6.host, ipv6.port, ipv6.listen) == ("::", 8443, "[::]:8443")
    root = from_env({**WEBHOOK, "FAQBOT_WEBHOOK_URL": "https://bot.example.org"})
    assert root.require_webhook().path == "/"
    # Polling never looks at them.
    assert from_env({"FAQBOT_WEBHOOK_LISTEN": "nonsense"}).webhook_listen == "nonsense"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"FAQBOT_WEBHOOK_URL": ""}, "FAQBOT_WEBHOOK_URL is not set"),
        ({"FAQBOT_WEBHOOK_URL": "bot.example.org/x"}, "must be an https:// URL with a host"),
        ({"FAQBOT_WEBHOOK_URL": "https://bot.example.org/readyz"}, "taken by the health checks"),
        ({"FAQBOT_WEBHOOK_SECRET": ""}, "FAQBOT_WEBHOOK_SECRET is not set"),
        ({"FAQBOT_WEBHOOK_SECRET": "has spaces in it, sixteen+"}, "16 to 256 characters"),
        ({"FAQBOT_WEBHOOK_SECRET": "x" * 257}, "16 to 256 characters"),
        ({"FAQBOT_WEBHOOK_LISTEN": "127.0.0.1"}, "FAQBOT_WEBHOOK_LISTEN='127.0.0.1' must be"),
        ({"FAQBOT_WEBHOOK_LISTEN": ":8080"}, "must be host:port"),
        ({"FAQBOT_WEBHOOK_LISTEN": "0.0.0.0:70000"}, "must be host:port"),
    ],
)
def test_a_bad_webhook_setting_is_one_line(changes: dict[str, str], expected: str) -> None:
    settings = from_env({**WEBHOOK, **changes})
    with pytest.raises(SettingsError) as raised:
        settings.require_webhook()
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
    assert WEBHOOK["FAQBOT_WEBHOOK_SECRET"] not in str(raised.value)


def test_faqbot_database_is_a_path_or_a_postgresql_url() -> None:
    assert Settings.from_env({"FAQBOT_DATABASE": "data/x.sqlite3"}, dotenv=None).database == Path(
        "data/x.sqlite3"
    )
    url = "postgresql://faqbot:hunter2@db:5432/faqbot"
    assert Settings.from_env({"FAQBOT_DATABASE": url}, dotenv=None).database == url


@pytest.mark.parametrize(
    "value",
    [
        "mysql://faqbot:hunter2@db/faqbot",
        "postgresql://faqbot:hunter2@db:port/faqbot",
        "postgresql://faqbot:hunter2@db:5432",
    ],
)
def test_a_bad_database_url_is_one_line_without_the_password(value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"FAQBOT_DATABASE": value}, dotenv=None)
    message = str(raised.value)
    assert message.startswith("FAQBOT_DATABASE=") and "\n" not in message
    assert "hunter2" not in message and "***" in message


def test_the_log_key_is_read_never_shown_and_must_be_long() -> None:
    key = "s3cret-" * 6
    settings = Settings.from_env({"FAQBOT_LOG_KEY": key}, dotenv=None)
    assert settings.log_key == key and key not in repr(settings)
    assert Settings.from_env({}, dotenv=None).log_key is None
    with pytest.raises(SettingsError, match="FAQBOT_LOG_KEY is 7 characters") as refused:
        Settings.from_env({"FAQBOT_LOG_KEY": "s3cret-"}, dotenv=None)
    assert "s3cret-" not in str(refused.value)


def test_redis_settings_are_read_and_the_url_never_shown() -> None:
    assert from_env({}).redis_url is None and from_env({}).redis_required is False
    url = "redis://:s3cret-password@redis:6379/0"
    settings = from_env({"FAQBOT_REDIS_URL": url, "FAQBOT_REDIS_REQUIRED": "true"})
    assert settings.redis_url == url and settings.redis_required is True
    assert "s3cret" not in repr(settings)
    assert from_env({"FAQBOT_REDIS_REQUIRED": "no"}).redis_required is False


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FAQBOT_REDIS_URL", "http://:pw-in-url@redis:6379", "redis://, rediss:// or unix://"),
        ("FAQBOT_REDIS_URL", "redis-host:6379", "redis://, rediss:// or unix://"),
        ("FAQBOT_REDIS_REQUIRED", "maybe", "FAQBOT_REDIS_REQUIRED='maybe' must be true or false"),
    ],
)
def test_a_bad_redis_setting_is_one_line_without_the_url(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as error:
        from_env({name: value})
    assert expected in str(error.value) and "\n" not in str(error.value)
    assert "pw-in-url" not in str(error.value)
