"""Hostile input cannot push a reply past Telegram's limits, fed through the real application."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from faqbot.bot.rendering import ECHO_LIMIT
from faqbot.bot.state import BotApplication
from faqbot.bot.texts import SORRY
from faqbot.config import Settings
from faqbot.handlers.answers import stats
from faqbot.knowledge import Pack
from faqbot.storage.database import Storage
from tests.support import updates
from tests.support.application import feed, running
from tests.support.fake_bot_api import MAX_TEXT_LENGTH, FakeBotAPI

USER = 42
ADMIN = 1000
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def texts_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


async def command(app: BotApplication, api: FakeBotAPI, text: str, user: int = USER) -> str:
    """Send a command in a private chat; the one reply the bot sent, which Telegram accepted."""
    before = len(texts_to(api, user))
    await feed(app, updates.message(user, user, text))
    replies = texts_to(api, user)
    assert not api.rejected_calls_to("sendMessage"), api.summary()
    assert len(replies) == before + 1, api.summary()
    assert replies[-1] != SORRY
    return replies[-1]


# Replies that echo what the user typed


HOSTILE_ARGUMENTS = {
    "4,000 letters": "x" * 4000,
    "2,000 zero-width spaces": "\u200b" * 2000,
    "zero-width characters around letters": (ZERO_WIDTH + "y") * 600,
    "HTML to escape": "<&>\"'" * 800,
}


@pytest.mark.parametrize("command_name", ["timezone", "daily"])
@pytest.mark.parametrize("argument", HOSTILE_ARGUMENTS.values(), ids=HOSTILE_ARGUMENTS.keys())
async def test_a_bad_argument_is_echoed_as_a_short_excerpt(
    app: BotApplication, api: FakeBotAPI, command_name: str, argument: str
) -> None:
    text = await command(app, api, f"/{command_name} {argument}")
    assert "for example" in text  # the usage line still comes after the echo
    assert len(text) < 600
    assert not any(char in text for char in ZERO_WIDTH) and "\\u" not in text


async def test_a_short_bad_argument_is_echoed_whole(app: BotApplication, api: FakeBotAPI) -> None:
    assert "“Mars/Olympus”" in await command(app, api, "/timezone Mars/Olympus")
    assert "“25 o&#x27;clock”" in await command(app, api, "/daily 25 o'clock")


# /stats and the question log


async def test_stats_fits_one_message_whatever_was_asked(
    app: BotApplication, api: FakeBotAPI
) -> None:
    # Ten different long off-topic questions, one of them full of characters HTML escapes.
    asked = [f"question {i}: why " + "zq" * 300 for i in range(9)] + ['"&<>' * 150]
    for question in asked:
        await feed(app, updates.message(USER, USER, question))

    text = await command(app, api, "/stats", user=ADMIN)
    assert len(text) <= MAX_TEXT_LENGTH
    for i in range(9):
        assert f"question {i}: why zqzq" in text  # each question is still recognisable
    assert text.count("&quot;&amp;&lt;&gt;") < ECHO_LIMIT


async def test_stats_fits_one_message_when_every_character_needs_escaping(
    app: BotApplication, api: FakeBotAPI
) -> None:
    for i in range(10):
        await feed(app, updates.message(USER, USER, str(i) + '"' * 599))

    text = await command(app, api, "/stats", user=ADMIN)
    assert len(text) <= MAX_TEXT_LENGTH
    assert text.count("&quot;") > 10 * 50


async def test_the_question_log_is_pruned_at_start_and_every_day(
    settings: Settings, pack: Pack
) -> None:
    settings = replace(settings, log_retention_days=30)
    storage = Storage(settings.database)
    storage.open()
    storage.run_sync(
        lambda db: db.exec_driver_sql(
            "INSERT INTO question_log (asked_at, chat_type, question, status, score) "
            "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?), 'private', ?, 'none', 0)",
            [("-31 days", "old"), ("-29 days", "recent")],
        )
    )
    storage.close()

    async with running(settings, pack) as app:
        assert await logged_questions(app) == ["recent"]
        [job] = app.job_queue.get_jobs_by_name(stats.RETENTION_JOB)
        assert job.job.trigger.interval == timedelta(days=1)

        await app.bot_data.stores.database.run(
            lambda db: db.exec_driver_sql(
                "UPDATE question_log SET asked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', "
                "'-31 days')"
            )
        )
        await job.run(app)
        assert await logged_questions(app) == []


async def logged_questions(app: BotApplication) -> list[str]:
    rows = await app.bot_data.stores.database.run(
        lambda db: db.exec_driver_sql("SELECT question FROM question_log ORDER BY id").fetchall()
    )
    return [question for (question,) in rows]


# Numbers users type


@pytest.mark.parametrize("argument", ["²", "٣", "1²"])
async def test_quiz_with_a_count_in_other_digits_explains_the_usage(
    app: BotApplication, api: FakeBotAPI, argument: str
) -> None:
    text = await command(app, api, f"/quiz {argument}")
    assert text.startswith("A round has 1 to 20 questions")
    assert not api.calls_to("sendPoll")


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "right/Asia/Tokyo"])
async def test_timezone_refuses_zone_files_that_are_not_places(
    app: BotApplication, api: FakeBotAPI, name: str
) -> None:
    text = await command(app, api, f"/timezone {name}")
    assert text.startswith("I don't know the timezone")
    assert "timezone is Asia/Kolkata" in await command(app, api, "/timezone")  # unchanged
