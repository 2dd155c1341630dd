"""End to end: the real `faqbot run` speaks each reader's language, and /language survives a
restart. Replies in the wrong language: 0 (tests/support/languages.py says how it counts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_daily_e2e import midday_offset, wait_for_log, write_subscriptions
from tests.support import updates as u
from tests.support.bot_process import BotProcess
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.languages import spoken_to, wrong_language

HINDI_USER = 7101  # Telegram app in Hindi
ENGLISH_USER = 7102  # Telegram app in English
CHOOSER = 7103  # Telegram app in English; sends /language hi
EXPECTED = {HINDI_USER: "hi", ENGLISH_USER: "en", CHOOSER: "hi"}


def message(user: int, text: str, language_code: str) -> dict[str, Any]:
    update = u.message(user, user, text)
    update["message"]["from"]["language_code"] = language_code
    return update


def replies_to(api: FakeBotAPI, user: int, count: int, method: str = "sendMessage") -> list[Call]:
    return api.wait_for(method, lambda c: c.params["chat_id"] == user, timeout=30, count=count)


def is_fact(call: Call) -> bool:
    return call.params["text"].startswith("<b>📘")


@pytest.mark.slow
def test_every_reply_is_in_its_readers_language_across_a_restart(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    database = tmp_path / "faqbot.sqlite3"
    bot = BotProcess(api, database)
    try:
        bot.start()
        api.push_update(message(CHOOSER, "/language hi", "en"))
        replies_to(api, CHOOSER, 1)
        asked = {
            HINDI_USER: ("hi", ["/help", "/topics", "जिमेक्स क्या है", "/fact", "/review"]),
            ENGLISH_USER: ("en", ["/help", "/topics", "what is jimex", "/fact", "/review"]),
            CHOOSER: ("en", ["what is jimex", "2+2 dialogue kya hai", "/topics"]),
        }
        for user, (code, texts) in asked.items():
            for text in [*texts, "/quiz"]:
                api.push_update(message(user, text, code))
        for user, (_, texts) in asked.items():
            replies_to(api, user, len(texts) + (1 if user == CHOOSER else 0))
            replies_to(api, user, 1, method="sendPoll")
        assert bot.stop() == 0

        # While the bot is down, each chat's daily fact falls due.
        now = datetime.now(UTC)
        write_subscriptions(
            database, now - timedelta(minutes=1), midday_offset(now), list(EXPECTED)
        )
        bot.start()
        wait_for_log(bot, r"daily facts: 3 chats scheduled, 3 missed today sent now")
        for user in EXPECTED:
            api.wait_for(
                "sendMessage",
                lambda c, user=user: c.params["chat_id"] == user and is_fact(c),
                timeout=30,
            )  # type: ignore[misc]
        # The choice was kept: the chooser's app still speaks English.
        before = len([c for c in api.calls_to("sendMessage") if c.params["chat_id"] == CHOOSER])
        api.push_update(message(CHOOSER, "/help", "en"))
        api.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == CHOOSER, timeout=30, count=before + 1
        )
        assert bot.stop() == 0

        spoken = {user: spoken_to(api.calls, user) for user in EXPECTED}
        assert all(len(calls) >= 6 for calls in spoken.values()), api.summary()
        # Fact cards: the daily one each, and the one /fact asked for.
        assert {
            user: sum(map(is_fact, (c for c in calls if c.method == "sendMessage")))
            for user, calls in spoken.items()
        } == {HINDI_USER: 2, ENGLISH_USER: 2, CHOOSER: 1}
        wrong = {user: wrong_language(spoken[user], EXPECTED[user]) for user in EXPECTED}
        assert all(not texts for texts in wrong.values()), wrong
        assert "Traceback" not in bot.log
    finally:
        bot.close()
