"""End to end on PostgreSQL: the real `faqbot run` creates its schema, answers, keeps what it
keeps across a restart, and a second bot on the same database runs beside it (replicas claim
daily deliveries row by row, so PostgreSQL needs no run lock)."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.databases import postgresql_schema
from tests.support.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.services
USER = 8101


def test_the_bot_runs_on_postgresql(api: FakeBotAPI, tmp_path: Path, database_url: str) -> None:
    with postgresql_schema(database_url) as url:
        env = {"FAQBOT_DATABASE": url}
        bot = BotProcess(api, tmp_path / "unused.sqlite3", env=env)
        try:
            bot.start()
            api.push_update(u.message(USER, USER, "what is jimex"))
            [answer] = api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == USER)
            assert answer.params["text"].startswith("<b>What is JIMEX?</b>")
            api.push_update(u.message(USER, USER, "/daily 07:30"))
            api.wait_for("sendMessage", lambda c: "07:30" in c.params.get("text", ""))

            second = BotProcess(api, tmp_path / "other.sqlite3", env=env)
            try:
                second.start(wait=False)
                deadline = time.monotonic() + 60
                while "Application started" not in second.log and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert "daily facts: 1 chats scheduled" in second.log, second.log
                assert second.stop() == 0
                errors = [line for line in second.log.splitlines() if " ERROR " in line]
            finally:
                second.close()
            assert errors == []
            assert bot.stop() == 0
        finally:
            bot.close()
        schema = url.rpartition("search_path%3D")[2] or url.rpartition("search_path=")[2]
        with psycopg.connect(database_url) as connection:
            connection.execute(f"SET search_path = {schema}")
            logged = connection.execute("SELECT question, status FROM question_log").fetchall()
            daily = connection.execute(
                "SELECT chat_id, send_at FROM daily_subscription WHERE kind = 'fact'"
            ).fetchall()
        assert ("what is jimex", "answer") in logged
        assert daily == [(USER, "07:30:00")]
