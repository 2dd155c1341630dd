"""compose.yaml holds together: its services, the settings it gives the bot (each one the code
reads, and valid), the command it runs (one the CLI has), and the proxy in front of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from faqbot import cli
from faqbot.config import HEALTH_PATHS, Settings

ROOT = Path(__file__).resolve().parents[1]
# Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} forms.
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::(?P<op>[-?])(?P<arg>[^}]*))?\}")
# What an operator puts in .env, for the ${…} the file needs.
OPERATOR_ENV = {
    "TELEGRAM_BOT_TOKEN": "123456789:compose-test-token-not-real",
    "POSTGRES_PASSWORD": "compose-test-password",
    "FAQBOT_DOMAIN": "bot.example.org",
    "FAQBOT_WEBHOOK_SECRET": "compose-test-secret-0123456789",
}


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution: a required variable that is unset fails."""

    def value(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in env:
            return env[name]
        if op == "?":
            raise KeyError(f"{name}: {arg}")
        return arg or ""

    return VARIABLE.sub(value, text)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(interpolate(text, OPERATOR_ENV))
    return loaded


@pytest.fixture(scope="module")
def bot(compose: dict[str, Any]) -> dict[str, Any]:
    service: dict[str, Any] = compose["services"]["bot"]
    return service


def test_it_runs_postgresql_redis_a_proxy_and_three_bot_replicas(
    compose: dict[str, Any], bot: dict[str, Any]
) -> None:
    assert set(compose["services"]) == {"bot", "postgres", "redis", "proxy"}
    # Replicas share the database (one leads, bot/leadership.py), so a rolling restart starts
    # each new one before stopping an old one: no moment without a bot.
    assert bot["deploy"]["replicas"] == 3
    assert bot["deploy"]["update_config"]["order"] == "start-first"
    assert bot["deploy"]["update_config"]["parallelism"] == 1
    assert urlsplit(bot["environment"]["FAQBOT_DATABASE"]).scheme == "postgresql"
    assert bot["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert compose["services"]["postgres"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    assert "443:443" in compose["services"]["proxy"]["ports"]


def test_a_required_setting_missing_from_env_stops_compose() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for name in OPERATOR_ENV:
        with pytest.raises(KeyError, match=name):
            interpolate(text, {k: v for k, v in OPERATOR_ENV.items() if k != name})


def test_its_command_is_one_the_cli_has(bot: dict[str, Any]) -> None:
    program, *arguments = bot["command"]
    assert program == "faqbot"
    args = cli._parser().parse_args(arguments)
    assert args.command == "run" and args.webhook is True


def test_every_setting_it_gives_the_bot_is_read_and_valid(bot: dict[str, Any]) -> None:
    # A variable without a value would be taken from the host's environment instead.
    assert all(isinstance(value, str) for value in bot["environment"].values())
    environment: dict[str, str] = dict(bot["environment"])
    source = (ROOT / "faqbot" / "config.py").read_text(encoding="utf-8")
    unread = [name for name in environment if f'"{name}"' not in source]
    assert unread == [], f"compose.yaml sets variables the bot never reads: {unread}"
    settings = Settings.from_env(environment, dotenv=None)
    settings.require_token()
    endpoint = settings.require_webhook()
    assert settings.redis_required and settings.redis_url is not None
    # Each URL names a service of this file.
    assert urlsplit(settings.redis_url).hostname == "redis"
    assert urlsplit(environment["FAQBOT_DATABASE"]).hostname == "postgres"
    assert endpoint.path == "/telegram" and endpoint.port == 8080


def test_the_health_check_asks_the_bots_readiness_endpoint(bot: dict[str, Any]) -> None:
    check = " ".join(bot["healthcheck"]["test"])
    assert "/readyz" in HEALTH_PATHS and "http://127.0.0.1:8080/readyz" in check
    environment = bot["environment"]
    assert environment["FAQBOT_WEBHOOK_LISTEN"].endswith(":8080")


def test_the_proxy_forwards_only_the_update_path_to_every_replica(
    compose: dict[str, Any], bot: dict[str, Any]
) -> None:
    proxy = compose["services"]["proxy"]
    [mounted] = [v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro")]
    caddyfile = (ROOT / mounted.split(":")[0]).read_text(encoding="utf-8")
    path = urlsplit(bot["environment"]["FAQBOT_WEBHOOK_URL"]).path
    assert f"reverse_proxy {path} {{" in caddyfile
    assert "dynamic a bot 8080" in caddyfile and "lb_policy round_robin" in caddyfile
    assert not any(health in caddyfile.split("#")[0] for health in HEALTH_PATHS)
    assert "{$FAQBOT_DOMAIN}" in caddyfile and "FAQBOT_DOMAIN" in proxy["environment"]
