"""End to end: the real `faqbot run` reloads its pack on SIGHUP under a stream of questions,
never dropping one, never failing one, never mixing two packs in one answer; a broken pack
is refused and the old one kept; /reload does the same for operators only."""

from __future__ import annotations

import html
import os
import re
import signal
import threading
import time
from pathlib import Path

from faqbot.knowledge.catalogue import say
from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.pack_versions import (
    answerable_questions,
    original_text,
    revised_text,
    version_of,
    write_atomically,
)

ADMIN = 1000
RATE = 200  # questions a second
SECONDS = 4
FIRST_CHAT = 30_000_000


def push_stream(api: FakeBotAPI, questions: list[str], first_chat: int) -> None:
    """Push one question per new private chat at RATE a second."""
    started = time.monotonic()
    for index, question in enumerate(questions):
        delay = started + index / RATE - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        api.push_update(u.message(first_chat + index, first_chat + index, question))


def test_sighup_under_a_stream_of_questions(api: FakeBotAPI, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    write_atomically(pack, original_text())
    env = {
        "FAQBOT_KNOWLEDGE": str(pack),
        "FAQBOT_ADMIN_IDS": str(ADMIN),
        "FAQBOT_RATE_LIMIT": "1000000",  # Telegram's pace is not what this test is about
        "FAQBOT_FLOOD_LIMIT": "1000000",
    }
    bot = BotProcess(api, tmp_path / "faqbot.sqlite3", env=env)
    try:
        bot.start()
        assert bot.process is not None
        questions = answerable_questions(RATE * SECONDS)
        chats = range(FIRST_CHAT, FIRST_CHAT + len(questions))
        stream = threading.Thread(target=push_stream, args=(api, questions, FIRST_CHAT))
        stream.start()
        time.sleep(SECONDS / 4)
        write_atomically(pack, revised_text())
        # SIGHUPs in quick succession (the kernel folds two sent at the very same moment into
        # one): the first reload runs, the second waits for it and reloads again, and the
        # third, which also waited, is folded into the second.
        for _ in range(3):
            os.kill(bot.process.pid, signal.SIGHUP)
            time.sleep(0.05)
        stream.join()
        wanted = set(chats)
        api.wait_for(
            "sendMessage",
            lambda call: call.params["chat_id"] in wanted,
            timeout=120,
            count=len(wanted),
        )
        replies: dict[int, list[str]] = {}
        for call in api.calls_to("sendMessage"):
            if call.params["chat_id"] in wanted:
                replies.setdefault(call.params["chat_id"], []).append(call.params["text"])
        # Not one update dropped or answered twice, not one error, not one mixed answer.
        assert sorted(replies) == sorted(wanted)
        assert all(len(texts) == 1 for texts in replies.values())
        versions = [version_of(replies[chat][0]) for chat in chats]
        assert versions.count("mixed") == 0
        assert versions[0] == "original" and versions[-1] == "revised"
        # Once the new pack answers, the old one never does again.
        switch = versions.index("revised")
        assert set(versions[switch:]) == {"revised"}
        log = bot.log
        assert "SIGHUP: a reload is already running; this one waits for it" in log
        assert "SIGHUP: folded into the reload that started after it" in log
        assert len(re.findall(r"SIGHUP: reloaded in [\d.]+ s: version \d", log)) == 2
        assert " ERROR " not in log and "Traceback" not in log

        # A pack edited into invalid YAML: refused in one log line, the old pack kept.
        broken = revised_text().replace("entries:\n", "entries:\n  - id: [unclosed\n", 1)
        write_atomically(pack, broken)
        os.kill(bot.process.pid, signal.SIGHUP)
        refused = api_wait_for_log(bot, "reload refused")
        line = next(text for text in refused.splitlines() if "reload refused" in text)
        assert "still serving version" in line and "yaml: syntax error" in line
        api.push_update(u.message(FIRST_CHAT - 1, FIRST_CHAT - 1, questions[0]))
        [still] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == FIRST_CHAT - 1)
        assert version_of(still.params["text"]) == "revised"

        # /reload: refused to a non-operator; an operator gets the problems, then the reload.
        api.push_update(u.message(4242, 4242, "/reload"))
        [nope] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 4242)
        assert html.unescape(nope.params["text"]) == say("en", "not_allowed")
        api.push_update(u.message(ADMIN, ADMIN, "/reload"))
        [refusal] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == ADMIN)
        assert "was not reloaded" in refusal.params["text"]
        assert "pack.yaml:" in refusal.params["text"] and "syntax error" in refusal.params["text"]
        write_atomically(pack, original_text())
        api.push_update(u.message(ADMIN, ADMIN, "/reload"))
        [_, done] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == ADMIN, count=2)
        assert done.params["text"].startswith("Reloaded the pack: version ")
        api.push_update(u.message(FIRST_CHAT - 2, FIRST_CHAT - 2, questions[0]))
        [back] = api.wait_for("sendMessage", lambda c: c.params["chat_id"] == FIRST_CHAT - 2)
        assert version_of(back.params["text"]) == "original"
        assert bot.stop() == 0
    finally:
        bot.close()


def api_wait_for_log(bot: BotProcess, text: str, timeout: float = 30.0) -> str:
    """The bot's log, once it holds `text`."""
    deadline = time.monotonic() + timeout
    while text not in (log := bot.log):
        assert time.monotonic() < deadline, f"no {text!r} in the log:\n{log}"
        time.sleep(0.05)
    return log
