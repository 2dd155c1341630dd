"""/topics: topics → questions → answer in one message, with Back, through the real app."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application

from faqbot.bot.rendering import MESSAGE_LIMIT, button
from faqbot.bot.texts import EXPIRED, SORRY
from faqbot.config import Settings
from faqbot.knowledge import Pack, load_pack
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.paths import MARKUP_PACK

USER = 5101
SUPERGROUP = -1001000005101
BACK = "« Back"


def buttons(call: Call) -> list[tuple[str, str]]:
    """(label, callback_data) of every inline button, row by row."""
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def label(text: str) -> str:
    """The label a button for this text shows (long ones are shortened)."""
    return button(text, "x").text


async def press(
    app: Application, api: FakeBotAPI, message: Call, data: str, chat_id: int = USER
) -> Call:
    """Press a button on a message the bot sent; returns the callback answer."""
    answers = len(api.calls_to("answerCallbackQuery"))
    chat_type = "private" if chat_id > 0 else "supergroup"
    await feed(
        app,
        u.callback_query(USER, chat_id, data, message.result["message_id"], chat_type=chat_type),
    )
    [answer] = api.calls_to("answerCallbackQuery")[answers:]
    return answer


async def open_topics(app: Application, api: FakeBotAPI) -> Call:
    await feed(app, u.message(USER, USER, "/topics"))
    [call] = api.calls_to("sendMessage")
    return call


async def test_topics_lists_every_topic_as_a_button(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    call = await open_topics(app, api)

    assert call.params["chat_id"] == USER
    assert call.params["text"] == "<b>Pick a topic:</b>"
    assert buttons(call) == [(label(t.title), f"t:{t.id}") for t in pack.topics]


async def test_browsing_topic_question_answer_and_back_edits_one_message(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    menu = await open_topics(app, api)
    message_id = menu.result["message_id"]

    answer = await press(app, api, menu, "t:exercises")
    assert "text" not in answer.params
    [questions] = api.calls_to("editMessageText")
    assert questions.params["message_id"] == message_id
    assert questions.params["chat_id"] == USER
    assert questions.params["text"] == f"<b>{html.escape(pack.topic('exercises').title)}</b>"
    expected = [(label(e.question), f"v:{e.id}") for e in pack.entries_in("exercises")]
    assert buttons(questions)[:-1] == expected
    assert buttons(questions)[-1] == (BACK, "T")

    await press(app, api, menu, "v:what-is-jimex")
    shown = api.calls_to("editMessageText")[-1]
    assert shown.params["message_id"] == message_id
    assert shown.params["parse_mode"] == "HTML"
    assert shown.params["text"].startswith("<b>What is JIMEX?</b>")
    assert "<i>Source: " in shown.params["text"]
    assert buttons(shown)[-1] == (BACK, "t:exercises")
    related = pack.entry("what-is-jimex").related[:3]
    assert [data for _, data in buttons(shown)[:-1]] == [f"a:{i}" for i in related]

    await press(app, api, menu, "t:exercises")
    assert buttons(api.calls_to("editMessageText")[-1]) == buttons(questions)

    await press(app, api, menu, "T")
    root = api.calls_to("editMessageText")[-1]
    assert root.params["text"] == menu.params["text"]
    assert buttons(root) == buttons(menu)

    # Everything happened in place: no new message after the menu itself.
    assert len(api.calls_to("sendMessage")) == 1
    assert api.get_message(USER, message_id)["text"] == "<b>Pick a topic:</b>"


async def test_topic_titles_are_escaped(app: Application, api: FakeBotAPI, pack: Pack) -> None:
    menu = await open_topics(app, api)
    topic = pack.topics[0]

    await press(app, api, menu, f"t:{topic.id}")

    [edit] = api.calls_to("editMessageText")
    assert edit.params["text"] == f"<b>{html.escape(topic.title)}</b>"


async def test_pressing_the_button_of_the_view_already_shown_is_harmless(
    app: Application, api: FakeBotAPI
) -> None:
    menu = await open_topics(app, api)

    answer = await press(app, api, menu, "T")  # the list is already on screen

    assert answer.params.get("text") is None
    [unchanged] = api.rejected_calls_to("editMessageText")
    assert "not modified" in unchanged.description
    assert len(api.calls_to("sendMessage")) == 1  # no apology sent


async def test_stale_topic_and_entry_buttons_have_expired(
    app: Application, api: FakeBotAPI
) -> None:
    menu = await open_topics(app, api)

    for data in ("t:removed-topic", "v:removed-entry", "v:", "Tx"):
        answer = await press(app, api, menu, data)
        assert answer.params["text"] == EXPIRED, data

    assert api.calls_to("editMessageText") == []


async def test_topics_in_a_forum_group_stays_in_the_topic(
    app: Application, api: FakeBotAPI
) -> None:
    await feed(
        app,
        u.message(
            SUPERGROUP,
            USER,
            f"/topics@{u.BOT_USERNAME}",
            chat_type="supergroup",
            message_thread_id=9,
            is_topic_message=True,
        ),
    )

    [menu] = api.calls_to("sendMessage")
    assert menu.params["chat_id"] == SUPERGROUP
    assert menu.params["message_thread_id"] == 9

    await press(app, api, menu, "t:exercises", chat_id=SUPERGROUP)
    [edit] = api.calls_to("editMessageText")
    assert edit.params["chat_id"] == SUPERGROUP


async def test_an_edit_rejected_for_its_formatting_is_redone_as_plain_text(
    app: Application, api: FakeBotAPI
) -> None:
    menu = await open_topics(app, api)
    api.fail("editMessageText", description="Bad Request: can't parse entities: bad tag")

    await press(app, api, menu, "v:what-is-jimex")

    [edit] = api.calls_to("editMessageText")
    assert "parse_mode" not in edit.params
    assert edit.params["text"].startswith("What is JIMEX?\n\n")
    assert buttons(edit)[-1] == (BACK, "t:exercises")
    assert SORRY not in [c.params["text"] for c in api.calls_to("sendMessage")]


@pytest.fixture
async def markup_app(settings: Settings) -> AsyncIterator[Application]:
    """The real application serving the markup test pack (one answer needs two messages)."""
    async with running(settings, load_pack(MARKUP_PACK)) as application:
        yield application


async def test_an_answer_too_long_for_one_message_is_shown_whole_with_back(
    markup_app: Application, api: FakeBotAPI
) -> None:
    menu = await open_topics(markup_app, api)

    await press(markup_app, api, menu, "v:long-read")

    [edit] = api.calls_to("editMessageText")
    rest = api.calls_to("sendMessage")[1:]
    texts = [edit.params["text"], *(c.params["text"] for c in rest)]
    assert all(len(text) <= MESSAGE_LIMIT for text in texts)
    shown = "\n\n".join(texts)
    for n in range(1, 8):
        assert f"Paragraph {n}:" in shown
    assert "Source: Notes, the long chapter" in texts[-1]
    last = rest[-1] if rest else edit
    assert buttons(last)[-1] == (BACK, "t:long")
