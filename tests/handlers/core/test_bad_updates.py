"""Bad input: every kind of update Telegram can deliver leaves the bot up and quiet."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from telegram.ext import Application

from faqbot.bot.texts import EXPIRED, SORRY
from tests.support import updates as u
from tests.support.application import feed
from tests.support.fake_bot_api import FakeBotAPI

USER = 5301
GROUP = -4301
SUPERGROUP = -1001000005301
CHANNEL = -1001000005399
JSONDict = dict


def service_message(chat_id: int, **content: object) -> JSONDict:
    """A service message in a group: no text, one service field."""
    message = u.message_object(
        chat_id, USER, chat_type="supergroup" if chat_id < -(10**12) else "group"
    )
    message.update(content)
    return {"message": message}


def with_fields(update: JSONDict, **fields: object) -> JSONDict:
    """The update's message with extra fields."""
    message = update["message"]
    message.update(fields)
    return update


def edited_channel_post() -> JSONDict:
    post = u.channel_post(CHANNEL, "what is jimex")["channel_post"]
    post["edit_date"] = u.now()
    return {"edited_channel_post": post}


def bot_added_to_group() -> JSONDict:
    return service_message(GROUP, new_chat_members=[u.bot_user()], group_chat_created=True)


def inaccessible_button(data: str) -> JSONDict:
    """A button press on a message too old for Telegram to send back (date 0)."""
    update = u.callback_query(USER, USER, data, 11)
    update["callback_query"]["message"] = {
        "chat": u.chat(USER),
        "message_id": 11,
        "date": 0,
    }
    return update


def game_button() -> JSONDict:
    update = u.callback_query(USER, USER, "x", 12)
    del update["callback_query"]["data"]
    update["callback_query"]["game_short_name"] = "quizgame"
    return update


def inline_message_button(data: str) -> JSONDict:
    """A button press on a message sent through inline mode: no message, an inline id."""
    update = u.callback_query(USER, USER, data, 13)
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "AgAAAAAAAAAAAAAA"
    return update


# Updates the bot ignores: it must neither reply nor fail.
IGNORED: dict[str, Callable[[], JSONDict]] = {
    "sticker": lambda: u.sticker_message(USER, USER),
    "photo with a question as caption": lambda: u.photo_message(USER, USER, "what is jimex"),
    "photo with a mention caption in a group": lambda: u.photo_message(
        GROUP, USER, f"@{u.BOT_USERNAME} what is jimex", chat_type="group"
    ),
    "photo without caption": lambda: u.photo_message(USER, USER),
    "edited private message": lambda: u.edited_message(USER, USER, "what is jimex", 5),
    "edited /ask in a group": lambda: u.edited_message(
        GROUP, USER, "/ask what is jimex", 6, chat_type="group"
    ),
    "channel post": lambda: u.channel_post(CHANNEL, "what is jimex"),
    "channel post with a command": lambda: u.channel_post(CHANNEL, "/ask what is jimex"),
    "edited channel post": edited_channel_post,
    "private message with no from": lambda: u.message(USER, USER, "what is jimex", no_from=True),
    "group /ask with no from (sent as the chat)": lambda: u.message(
        SUPERGROUP, USER, f"/ask@{u.BOT_USERNAME} what is jimex", "supergroup", no_from=True
    ),
    "group mention with no from": lambda: u.message(
        GROUP, USER, f"@{u.BOT_USERNAME} what is jimex", "group", no_from=True
    ),
    "bot added to a new group": bot_added_to_group,
    "member left": lambda: service_message(GROUP, left_chat_member=u.user(6001)),
    "pinned message": lambda: service_message(
        GROUP, pinned_message=u.message_object(GROUP, USER, "pinned", chat_type="group")
    ),
    "forum topic created": lambda: service_message(
        SUPERGROUP,
        forum_topic_created={"name": "Doubts", "icon_color": 7322096},
        message_thread_id=3,
        is_topic_message=True,
    ),
    "group migrated to a supergroup": lambda: u.migrate_to_chat(GROUP, SUPERGROUP, USER),
    "supergroup migrated from a group": lambda: u.migrate_from_chat(SUPERGROUP, GROUP, USER),
    "new chat title": lambda: service_message(GROUP, new_chat_title="UPSC 2026"),
    "document": lambda: with_fields(
        u.message(USER, USER, "x"),
        text=None,
        entities=None,
        document={"file_id": "BQAC1", "file_unique_id": "AgAD1", "file_name": "notes.pdf"},
    ),
    "location": lambda: with_fields(
        u.message(USER, USER, "x"),
        text=None,
        location={"latitude": 28.61, "longitude": 77.2},
    ),
    "dice": lambda: with_fields(
        u.message(USER, USER, "x"), text=None, dice={"emoji": "🎲", "value": 4}
    ),
    "poll posted by a user": lambda: with_fields(
        u.message(GROUP, USER, "x", chat_type="group"),
        text=None,
        poll=u.poll_object("111", "Which exercise?", ["JIMEX", "Malabar"]),
    ),
    "forwarded text in a group": lambda: with_fields(
        u.message(GROUP, USER, "what is jimex", chat_type="group"),
        forward_origin={"type": "hidden_user", "sender_user_name": "Someone", "date": u.now()},
    ),
    "text via another inline bot in a group": lambda: with_fields(
        u.message(GROUP, USER, "what is jimex", chat_type="group"),
        via_bot=u.user(6003, "Other", "otherbot", is_bot=True),
    ),
    "message reaction": lambda: {
        "message_reaction": {
            "chat": u.chat(GROUP),
            "message_id": 4,
            "user": u.user(USER),
            "date": u.now(),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        }
    },
    "chat join request": lambda: {
        "chat_join_request": {
            "chat": u.chat(SUPERGROUP),
            "from": u.user(USER),
            "user_chat_id": USER,
            "date": u.now(),
        }
    },
    "chosen inline result": lambda: {
        "chosen_inline_result": {
            "result_id": "what-is-jimex",
            "from": u.user(USER),
            "query": "jimex",
        }
    },
    "an update type from a future Bot API": lambda: {
        "future_kind": {"id": "1", "from": u.user(USER), "something": [1, 2, 3]}
    },
}


def no_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines at ERROR or above: there should be none."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("make_update", IGNORED.values(), ids=IGNORED.keys())
async def test_update_is_ignored_without_error(
    app: Application,
    api: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    make_update: Callable[[], JSONDict],
) -> None:
    await feed(app, make_update())

    assert no_errors(caplog) == []
    assert api.calls_to("sendMessage") == []
    assert api.calls_to("editMessageText") == []

    # Still up: the next question is answered as usual.
    await feed(app, u.message(USER, USER, "what is jimex"))
    [answer] = api.calls_to("sendMessage")
    assert answer.params["text"].startswith("<b>What is JIMEX?</b>")


# Updates other features may act on: whatever they do, no error and no apology.
HANDLED_ELSEWHERE: dict[str, Callable[[], JSONDict]] = {
    "bot added to a group": lambda: u.my_chat_member(GROUP, USER, "left", "member", "group"),
    "bot removed from a group": lambda: u.my_chat_member(GROUP, USER, "member", "left", "group"),
    "bot blocked in private": lambda: u.my_chat_member(USER, USER, "member", "kicked", "private"),
    "vote in an unknown poll": lambda: u.poll_answer("5900000000000009999", USER, [1]),
    "vote retracted in an unknown poll": lambda: u.poll_answer("5900000000000009998", USER, []),
    "unknown poll closed": lambda: u.poll("5900000000000009997", "Q?", ["a", "b"]),
}


@pytest.mark.parametrize("make_update", HANDLED_ELSEWHERE.values(), ids=HANDLED_ELSEWHERE.keys())
async def test_membership_and_poll_updates_cause_no_error(
    app: Application,
    api: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    make_update: Callable[[], JSONDict],
) -> None:
    await feed(app, make_update())

    assert no_errors(caplog) == []
    assert SORRY not in [c.params.get("text") for c in api.calls_to("sendMessage")]


@pytest.mark.parametrize(
    "make_update",
    [
        lambda: u.callback_query(USER, USER, "a:entry-removed-since", 21),
        lambda: u.callback_query(USER, USER, "a:", 21),
        lambda: u.callback_query(USER, USER, "t:topic-removed-since", 21),
        lambda: u.callback_query(USER, USER, "zz:from-an-old-version", 21),
        lambda: u.callback_query(USER, USER, "a:../../etc/passwd", 21),
        lambda: u.callback_query(USER, USER, "<b>forged</b>", 21),
        lambda: u.callback_query(USER, USER, "😀" * 16, 21),
        lambda: u.callback_query(USER, GROUP, "v:nope", 21, chat_type="group"),
        lambda: inaccessible_button("a:entry-removed-since"),
        lambda: inline_message_button("a:entry-removed-since"),
        game_button,
    ],
    ids=[
        "stale answer",
        "answer without id",
        "stale topic",
        "unknown prefix",
        "forged path",
        "forged markup",
        "emoji data",
        "stale entry in a group",
        "inaccessible message",
        "inline message",
        "game button",
    ],
)
async def test_stale_unknown_or_forged_button_gets_a_polite_expired_answer(
    app: Application,
    api: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    make_update: Callable[[], JSONDict],
) -> None:
    update = make_update()

    await feed(app, update)

    [answer] = api.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"] == update["callback_query"]["id"]
    assert answer.params["text"] == EXPIRED
    assert api.calls_to("sendMessage") == []
    assert no_errors(caplog) == []


async def test_a_button_on_an_inaccessible_message_still_answers(
    app: Application, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    await feed(app, inaccessible_button("a:what-is-jimex"))

    assert [c.params.get("text") for c in api.calls_to("answerCallbackQuery")] == [None]
    [answer] = api.calls_to("sendMessage")
    assert answer.params["chat_id"] == USER
    assert answer.params["text"].startswith("<b>What is JIMEX?</b>")
    assert no_errors(caplog) == []


async def test_a_button_pressed_by_a_bot_is_ignored(app: Application, api: FakeBotAPI) -> None:
    update = u.callback_query(USER, USER, "a:what-is-jimex", 31)
    update["callback_query"]["from"] = u.user(6004, "Other", "otherbot", is_bot=True)

    await feed(app, update)

    assert api.calls == [c for c in api.calls if c.method in ("getMe", "setMyCommands")]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("x" * 256, None),
        (("what is jimex " * 20)[:256], "what-is-jimex"),
        ("🇮🇳🇯🇵" * 32, None),
        ("<b>&amp;</b>" * 21, None),
        ("/start what-is-jimex", "what-is-jimex"),
        ("\u200b" * 256, None),
    ],
    ids=["letters", "question", "flags", "markup", "command", "zero-width spaces"],
)
async def test_inline_queries_of_256_characters_are_answered(
    app: Application,
    api: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    query: str,
    first: str | None,
) -> None:
    await feed(app, u.inline_query(USER, query[:256]))

    [answer] = api.calls_to("answerInlineQuery")
    ids = [result["id"] for result in answer.params["results"]]
    # Nonsense offers nothing rather than a wrong answer; a question offers its answer first.
    assert ids[:1] == ([first] if first else [])
    assert len(ids) <= 5
    assert no_errors(caplog) == []


@pytest.mark.parametrize(
    "text",
    [
        "?",
        "🤔" * 50,
        "\u200b",
        "a" * 4096,
        "what is jimex " * 290,
        "<script>alert(1)</script> & what is jimex",
        "DROP TABLE question_log; --",
        "\x00\x01 what is jimex",
    ],
    ids=[
        "punctuation",
        "emoji",
        "zero-width space",
        "4096 letters",
        "long",
        "markup",
        "sql",
        "ctrl",
    ],
)
async def test_odd_private_questions_get_a_reply_without_error(
    app: Application, api: FakeBotAPI, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    await feed(app, u.message(USER, USER, text))

    [reply] = api.calls_to("sendMessage")
    assert reply.params["text"] and reply.params["text"] != SORRY
    assert no_errors(caplog) == []
