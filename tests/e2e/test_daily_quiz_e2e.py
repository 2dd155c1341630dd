"""End to end: the real `faqbot run` process starts daily quizzes on time, across restarts.

The clock is handled as in test_daily_e2e.py: subscriptions are written into the database with
a send time a few seconds ahead, in a UTC offset where it is about noon.
"""

from __future__ import annotations

import re
import time as clock
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pytest

from faqbot.storage import daily
from faqbot.storage.database import Storage
from tests.e2e.test_daily_e2e import midday_offset, wait_for_log
from tests.support import updates
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI

ADMIN = 1000
LEAD = timedelta(seconds=3)  # counted from the bot's getMe (BotProcess.start_after)


def write_quizzes(database: Path, due: datetime, offset: str, chat_ids: list[int]) -> None:
    """Subscribe groups (since yesterday) to a daily quiz at `due`, as `/daily quiz` does."""
    local = due.astimezone(datetime.strptime(offset, "%z").tzinfo).time()
    storage = Storage(database)
    storage.open()
    try:
        for chat_id in chat_ids:
            storage.run_sync(
                partial(
                    daily.subscribe,
                    chat_id=chat_id,
                    send_at=time(local.hour, local.minute, local.second),
                    default_timezone=offset,
                    now=datetime.now(UTC) - timedelta(days=1),
                    kind="quiz",
                )
            )
            # Subscribed since yesterday, due as of now (as if the bot had kept it since).
            storage.run_sync(
                partial(daily.refresh_due, chat_id=chat_id, kind="quiz", now=datetime.now(UTC))
            )
    finally:
        storage.close()


def polls_to(api: FakeBotAPI, chat_id: int) -> int:
    return sum(1 for call in api.calls_to("sendPoll") if call.params["chat_id"] == chat_id)


@pytest.mark.slow
def test_daily_quizzes_start_on_time_and_restarts_never_start_them_twice(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "faqbot.sqlite3"
    offset = midday_offset(datetime.now(UTC))

    def subscribe() -> None:
        now = datetime.now(UTC)
        write_quizzes(database, now + LEAD, offset, [-11, -12])
        write_quizzes(database, now + timedelta(hours=2), offset, [-14])

    bot = BotProcess(api, database, env={"FAQBOT_ADMIN_IDS": str(ADMIN)})
    try:
        bot.start_after(subscribe)
        wait_for_log(bot, r"daily quizzes: 3 chats scheduled, [0-2] missed")
        api.wait_for("sendPoll", lambda c: c.params["chat_id"] in (-11, -12), timeout=30, count=2)
        # Stopped while the rounds' polls are open, then started again at once: the day's
        # quiz is recorded, so nothing is posted again.
        assert bot.stop() == 0

        # While the bot is down, group -13's time comes and goes.
        due = datetime.now(UTC) + timedelta(seconds=1)
        write_quizzes(database, due, offset, [-13])
        clock.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1)

        bot.start()
        wait_for_log(bot, r"daily quizzes: 4 chats scheduled, 1 missed today started now")
        api.wait_for("sendPoll", lambda c: c.params["chat_id"] == -13, timeout=30)
        assert bot.stop() == 0

        bot.start()
        wait_for_log(bot, r"daily quizzes: 4 chats scheduled, 0 missed")
        api.push_update(updates.message(ADMIN, ADMIN, "/broadcast_status"))
        (status,) = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == ADMIN)
        assert "Rounds started today (UTC): 3" in status.params["text"]
        assert [polls_to(api, chat_id) for chat_id in (-11, -12, -13, -14)] == [1, 1, 1, 0]
        assert "Traceback" not in bot.log
    finally:
        bot.close()


def wait_for_lines(bot: BotProcess, pattern: str, count: int, timeout: float = 30.0) -> None:
    """Block until the bot's log (over all its runs) has `count` lines matching pattern."""
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        if len(re.findall(pattern, bot.log)) >= count:
            return
        clock.sleep(0.1)
    raise AssertionError(f"fewer than {count} log lines matching {pattern!r} in:\n{bot.log}")


@pytest.mark.slow
def test_a_restart_around_the_due_time_starts_the_quiz_once(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    """Stopped just before a group's time and started after it: the quiz is started once (at
    start-up, or at its time if the stop came late), and a third start posts nothing."""
    database = tmp_path / "faqbot.sqlite3"
    offset = midday_offset(datetime.now(UTC))
    due = datetime.now(UTC) + timedelta(days=1)

    def subscribe() -> None:  # 5 s after the bot's getMe: time to finish starting and stop
        nonlocal due
        due = datetime.now(UTC) + timedelta(seconds=5)
        write_quizzes(database, due, offset, [-21])

    bot = BotProcess(api, database, env={"FAQBOT_ADMIN_IDS": str(ADMIN)})
    scheduled = r"daily quizzes: 1 chats scheduled, (\d) missed"
    try:
        bot.start_after(subscribe)
        wait_for_lines(bot, scheduled, 1)
        assert bot.stop() == 0  # before the time, unless the machine is very slow
        clock.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1)
        bot.start()  # after it
        wait_for_lines(bot, scheduled, 2)
        api.wait_for("sendPoll", lambda c: c.params["chat_id"] == -21, timeout=30)
        assert bot.stop() == 0
        bot.start()
        wait_for_lines(bot, scheduled, 3)
        clock.sleep(1)
        assert polls_to(api, -21) == 1
        assert re.findall(scheduled, bot.log)[2] == "0"
        assert "Traceback" not in bot.log
    finally:
        bot.close()
