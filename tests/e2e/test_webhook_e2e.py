"""End to end: the real `faqbot run --webhook` process on 127.0.0.1, updates POSTed to it."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from faqbot.app import ALLOWED_UPDATES
from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.replicas import free_port

SECRET = "TEST-webhook-secret-0123456789abcdef"
URL = "https://bot.example.org/telegram/hook"
PATH = "/telegram/hook"


class Webhook:
    """HTTP requests to the bot's webhook server, as Telegram and a load balancer make them."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def post(self, update: Any, secret: str | None = SECRET, raw: bytes | None = None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = raw if raw is not None else json.dumps(update).encode()
        return self.request("POST", PATH, body, headers)[0]

    def get(self, path: str) -> tuple[int, dict[str, str]]:
        status, body = self.request("GET", path)
        return status, json.loads(body)

    def wait_ready(self, timeout: float = 20.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.get("/readyz")
            if status == 200 or time.monotonic() > deadline:
                return body
            time.sleep(0.05)


def numbered(update_id: int, update: dict[str, Any]) -> dict[str, Any]:
    """An update as Telegram posts it: with its update_id."""
    return {"update_id": update_id, **update}


def to_chat(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.params.get("chat_id") == chat_id


def replies_to(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return [call for call in api.calls_to("sendMessage") if to_chat(chat_id)(call)]


def webhook_process(api: FakeBotAPI, database: Path, port: int) -> BotProcess:
    return BotProcess(
        api,
        database,
        env={
            "FAQBOT_WEBHOOK_URL": URL,
            "FAQBOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
            "FAQBOT_WEBHOOK_SECRET": SECRET,
        },
        command=("run", "--webhook"),
        ready_method="setWebhook",
    )


@pytest.fixture
def webhook_bot(api: FakeBotAPI, tmp_path: Path) -> Iterator[tuple[BotProcess, Webhook]]:
    """The bot in webhook mode; Telegram's first setWebhook answer is a 502 it retries."""
    api.fail("setWebhook", times=1, error_code=502, description="Bad Gateway")
    port = free_port()
    bot = webhook_process(api, tmp_path / "faqbot.sqlite3", port)
    bot.start()
    try:
        yield bot, Webhook(port)
    finally:
        bot.close()


def test_updates_are_answered_once_and_only_with_the_secret(
    api: FakeBotAPI, webhook_bot: tuple[BotProcess, Webhook]
) -> None:
    bot, webhook = webhook_bot
    assert len(api.rejected_calls_to("setWebhook")) == 1
    [set_webhook] = api.calls_to("setWebhook")
    assert set_webhook.params["url"] == URL
    assert set_webhook.params["secret_token"] == SECRET
    assert set_webhook.params["drop_pending_updates"] is False
    assert set(set_webhook.params["allowed_updates"]) == set(ALLOWED_UPDATES)
    assert webhook.wait_ready() == {
        "status": "ready",
        "webhook": "ok",
        "database": "ok",
        "pack": "ok",
    }
    assert webhook.get("/healthz") == (200, {"status": "ok"})

    # Without the secret, or with a wrong one: 403 and nothing handled.
    assert webhook.post(numbered(1, u.message(7001, 7001, "what is jimex")), secret=None) == 403
    assert (
        webhook.post(numbered(1, u.message(7001, 7001, "what is jimex")), secret=SECRET[:-1] + "X")
        == 403
    )

    # Acknowledged only once handled: the answer is already sent when the 200 comes.
    question = numbered(2, u.message(7002, 7002, "what is jimex"))
    assert webhook.post(question) == 200
    [answer] = replies_to(api, 7002)
    assert answer.params["text"].startswith("<b>What is JIMEX?</b>")

    # Telegram delivering it again (its answer to our 200 lost): acknowledged, not answered.
    assert webhook.post(question) == 200

    # Two deliveries of one update at the same time: both acknowledged, one answer.
    twice = numbered(3, u.message(7003, 7003, "what is malabar"))
    statuses: list[int] = []
    posts = [threading.Thread(target=lambda: statuses.append(webhook.post(twice))) for _ in "ab"]
    for post in posts:
        post.start()
    for post in posts:
        post.join()
    assert statuses == [200, 200]

    # Malformed bodies: 400, and the server keeps going.
    for body in (b"{not json", b"[]", b'{"update_id": "7"}', b"\xff\xfe", b""):
        assert webhook.post(None, raw=body) == 400, body
    assert webhook.post(None, raw=b'{"update_id": 9, "message": "not a message"}') == 400

    # A huge body: refused from its Content-Length alone, before it is read.
    with socket.create_connection(("127.0.0.1", webhook.port), timeout=10) as raw:
        raw.sendall(
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
            f"Content-Length: {64 << 20}\r\n\r\n".encode()
        )
        assert raw.recv(1024).startswith(b"HTTP/1.1 400")

    # A last question: once it is answered, nothing before it can still arrive.
    assert webhook.post(numbered(4, u.message(7004, 7004, "what is malabar"))) == 200
    assert len(replies_to(api, 7001)) == 0
    assert len(replies_to(api, 7002)) == 1
    assert len(replies_to(api, 7003)) == 1
    assert len(replies_to(api, 7004)) == 1
    assert api.calls_to("getUpdates") == []

    assert bot.stop(signal.SIGTERM) == 0
    log = bot.log
    assert log.count("refused a request from 127.0.0.1 with no secret token (403)") == 1
    assert log.count("with a wrong secret token (403)") == 1
    assert "refused a malformed update" in log
    assert "setWebhook failed at start-up (NetworkError: Bad Gateway)" in log
    assert "came again; it was handled" in log
    assert "stopped cleanly" in log
    assert "Traceback" not in log
    assert SECRET not in log and SECRET[:-1] not in log
    assert api.token not in log and api.token.partition(":")[2] not in log
    # The webhook stays set at a stop: updates sent during a restart wait at Telegram.
    assert api.calls_to("deleteWebhook") == []


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"FAQBOT_WEBHOOK_SECRET": ""}, "FAQBOT_WEBHOOK_SECRET is not set"),
        ({"FAQBOT_WEBHOOK_SECRET": "short"}, "FAQBOT_WEBHOOK_SECRET must be 16 to 256"),
        ({"FAQBOT_WEBHOOK_URL": ""}, "FAQBOT_WEBHOOK_URL is not set"),
        ({"FAQBOT_WEBHOOK_URL": "http://bot.example.org/x"}, "must be an https:// URL"),
        ({"FAQBOT_WEBHOOK_LISTEN": "8080"}, "FAQBOT_WEBHOOK_LISTEN='8080' must be host:port"),
    ],
    ids=["no secret", "short secret", "no url", "plain http", "no host"],
)
def test_refuses_to_start_with_one_clear_line(
    api: FakeBotAPI, tmp_path: Path, env: dict[str, str], says: str
) -> None:
    settings = {
        "FAQBOT_WEBHOOK_URL": URL,
        "FAQBOT_WEBHOOK_LISTEN": f"127.0.0.1:{free_port()}",
        "FAQBOT_WEBHOOK_SECRET": SECRET,
        **env,
    }
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3", env=settings, command=("run", "--webhook"))
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=30) == 2
        lines = bot.log.strip().splitlines()
        assert len(lines) == 1, lines
        assert says in lines[0]
        assert SECRET not in lines[0]
        assert api.calls == []
    finally:
        bot.close()


def test_a_busy_port_is_one_line_and_telegram_is_not_told(api: FakeBotAPI, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = BotProcess(
            api,
            tmp_path / "faqbot.sqlite3",
            env={
                "FAQBOT_WEBHOOK_URL": URL,
                "FAQBOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                "FAQBOT_WEBHOOK_SECRET": SECRET,
            },
            command=("run", "--webhook"),
        )
        try:
            bot.start(wait=False)
            assert bot.wait(timeout=30) == 1
            errors = [line for line in bot.log.splitlines() if " ERROR " in line]
            assert len(errors) == 1 and f"cannot listen on 127.0.0.1:{port}" in errors[0]
            assert "Traceback" not in bot.log
            assert api.calls_to("setWebhook") == []
        finally:
            bot.close()


def test_a_webhook_telegram_refuses_is_one_line(api: FakeBotAPI, tmp_path: Path) -> None:
    api.fail(
        "setWebhook", error_code=400, description="Bad Request: bad webhook: Failed to resolve host"
    )
    bot = webhook_process(api, tmp_path / "faqbot.sqlite3", free_port())
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=30) == 1
        errors = [line for line in bot.log.splitlines() if " ERROR " in line]
        assert len(errors) == 1 and "Telegram refused FAQBOT_WEBHOOK_URL" in errors[0]
        assert "bad webhook: failed to resolve host" in errors[0].lower()
        assert "Traceback" not in bot.log
        assert len(api.rejected_calls_to("setWebhook")) == 1  # a 400 is not retried
    finally:
        bot.close()
