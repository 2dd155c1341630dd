"""End to end: start-up outlasts a short Bot API outage, and a database error is one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from faqbot.storage.database import Storage
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI


def stopped_with_errors(bot: BotProcess) -> tuple[list[str], str]:
    """Start a bot that must stop at once with exit 1: its ERROR lines and its whole log."""
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=60) == 1
        log = bot.log
    finally:
        bot.close()
    return [line for line in log.splitlines() if " ERROR " in line], log


@pytest.mark.slow
def test_5xx_on_get_me_and_delete_webhook_are_retried(api: FakeBotAPI, tmp_path: Path) -> None:
    api.fail("getMe", times=2, error_code=502, description="Bad Gateway")
    api.fail("deleteWebhook", times=1, error_code=500, description="Internal Server Error")
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3")
    try:
        bot.start(timeout=30)
        assert bot.stop() == 0
        log = bot.log
    finally:
        bot.close()
    assert len(api.rejected_calls_to("getMe")) == 2
    assert len(api.rejected_calls_to("deleteWebhook")) == 1
    assert "getMe failed at start-up" in log and "deleteWebhook failed at start-up" in log
    assert "Traceback" not in log and api.token not in log


@pytest.mark.slow
def test_a_write_lock_held_elsewhere_at_start_is_one_line(api: FakeBotAPI, tmp_path: Path) -> None:
    database = tmp_path / "faqbot.sqlite3"
    made = Storage(database)
    made.open()
    made.close()
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for longer than the bot waits
    bot = BotProcess(api, database)
    try:
        bot.start(wait=False)
        assert bot.wait(timeout=60) == 1
        log = bot.log
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        bot.close()
    errors = [line for line in log.splitlines() if " ERROR " in line]
    assert len(errors) == 1, log
    assert f"database {database} is locked by another connection" in errors[0]
    assert "Traceback" not in log and api.token not in log


def test_postgresql_down_at_start_is_one_line_and_exit_1(api: FakeBotAPI, tmp_path: Path) -> None:
    url = "postgresql://faqbot:hunter2@127.0.0.1:1/faqbot"  # nothing listens on port 1
    bot = BotProcess(api, tmp_path / "unused.sqlite3", env={"FAQBOT_DATABASE": url})
    errors, log = stopped_with_errors(bot)
    assert len(errors) == 1, log
    assert "cannot reach PostgreSQL at postgresql://faqbot:***@127.0.0.1:1/faqbot" in errors[0]
    assert "hunter2" not in log and "Traceback" not in log and api.token not in log


def test_a_database_from_a_newer_faqbot_stops_the_bot_with_one_line(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "faqbot.sqlite3"
    made = Storage(database)
    made.open()
    made.run_sync(lambda c: c.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'"))
    made.close()
    bot = BotProcess(api, database)
    errors, log = stopped_with_errors(bot)
    assert len(errors) == 1, log
    assert "written by a newer faqbot (schema revision 0099" in errors[0]
    assert "upgrade faqbot" in errors[0] and "Traceback" not in log
