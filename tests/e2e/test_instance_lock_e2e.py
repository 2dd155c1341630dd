"""End to end: one `faqbot run` per database; a second one exits naming the first."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.support import updates
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI


def test_a_second_bot_on_the_same_database_exits_naming_the_first(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "faqbot.sqlite3"
    first = BotProcess(api, database).start()
    second = BotProcess(api, database)
    third = BotProcess(api, database)
    try:
        assert first.process is not None
        pid = first.process.pid
        polls = len(api.calls_to("getUpdates"))
        second.start(wait=False)
        assert second.wait(timeout=30) == 1
        lines = second.log.strip().splitlines()
        assert len(lines) == 1, lines
        assert f"database {database} is in use by another faqbot run (process {pid}" in lines[0]
        assert f"stop process {pid} first" in lines[0]
        assert api.token not in second.log

        # The first bot was not disturbed: it still answers (at once, where waiting for its
        # next poll took its 10 s long poll). Once it is gone, however it went, a bot may start.
        api.push_update(updates.message(77, 77, "what is jimex"))
        [answer] = api.wait_for("sendMessage", lambda call: call.params["chat_id"] == 77)
        assert answer.params["text"].startswith("<b>What is JIMEX?</b>")
        assert len(api.calls_to("getUpdates")) > polls
        first.stop(signal.SIGKILL)
        third.start()
        assert third.stop() == 0
    finally:
        for bot in (first, second, third):
            bot.close()
