"""Answering: private questions, commands, groups and answer buttons, through the real app."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import AsyncIterator

import pytest

from faqbot.bot.rendering import MESSAGE_LIMIT, OPTION_ECHO_LIMIT, button
from faqbot.bot.state import BotApplication
from faqbot.bot.texts import EXPIRED, SORRY
from faqbot.config import Settings
from faqbot.knowledge import Pack, load_pack
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.replies import example_entries
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.paths import MARKUP_PACK

USER = 5001
GROUP = -4001
SUPERGROUP = -1001000004001
BOT = u.BOT_USERNAME
ASK_USAGE = say("en", "ask_usage")
RATING = [("👍", "f:u:m"), ("👎", "f:d:m")]  # the question logged with their message


def sent(api: FakeBotAPI, chat_id: int | None = None) -> list[Call]:
    """sendMessage calls that Telegram accepted, optionally for one chat."""
    return [c for c in api.calls_to("sendMessage") if chat_id in (None, c.params["chat_id"])]


def buttons(call: Call) -> list[tuple[str, str]]:
    """(label, callback_data or url) of every inline button, row by row."""
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data") or b.get("url")) for row in rows for b in row]


def label(question: str) -> str:
    """The label a button for this question shows (long ones are shortened)."""
    return button(question, "x").text


def reply_target(call: Call) -> int | None:
    """The message id a sent message replies to, if any."""
    return (call.params.get("reply_parameters") or {}).get("message_id")


# --- private chats -------------------------------------------------------------------------


async def test_private_question_gets_the_answer_in_html_with_related_buttons_and_source(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "what is jimex"))

    [call] = sent(api, USER)
    entry = pack.entry("what-is-jimex")
    text = call.params["text"]
    assert call.params["parse_mode"] == "HTML"
    assert text.startswith("<b>What is JIMEX?</b>\n\n")
    assert "JIMEX (Japan–India Maritime Exercise)" in text
    # One line naming the source, with the '>' of the source escaped.
    assert text.count("Source:") == 1
    assert "<i>Source: India–Japan 2+2 joint statement, MEA, 8 Sep 2022; background: " in text
    assert "Key highlights" not in text  # the maintainer's pointer stays in the pack
    related = [(label(pack.entry(i).question), f"a:{i}") for i in entry.related[:3]]
    # 👍 and 👎 sit on the last row, beside the related questions.
    assert buttons(call) == [*related, *RATING]
    assert "reply_parameters" not in call.params  # no quoting in a private chat


async def test_unsure_question_offers_did_you_mean_buttons(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "japan"))

    [call] = sent(api, USER)
    assert "Did you mean…?" in call.params["text"]
    offered = buttons(call)
    assert 1 <= len(offered) <= 3
    for label, data in offered:
        prefix, _, entry_id = data.partition(":")
        assert prefix == "a" and pack.entry(entry_id) is not None
        assert label.rstrip("…") in pack.entry(entry_id).question


async def test_pressing_a_suggestion_answers_that_question_and_the_callback(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "japan"))
    [suggestion] = sent(api, USER)
    _, data = buttons(suggestion)[0]
    bot_message = suggestion.result["message_id"]

    await feed(app, u.callback_query(USER, USER, data, bot_message, "Did you mean…?"))

    [answered] = api.calls_to("answerCallbackQuery")
    assert "text" not in answered.params  # a silent acknowledgement: the answer follows
    answer = sent(api, USER)[-1]
    entry = pack.entry(data.partition(":")[2])
    assert answer.params["text"].startswith(f"<b>{entry.question}</b>")
    assert len(sent(api, USER)) == 2


async def test_answer_button_for_an_entry_that_no_longer_exists_has_expired(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.callback_query(USER, USER, "a:removed-entry", 77))

    [answered] = api.calls_to("answerCallbackQuery")
    assert answered.params["text"] == EXPIRED
    assert sent(api) == []


async def test_off_topic_question_gets_an_honest_reply_with_example_buttons(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "who won the cricket world cup"))

    [call] = sent(api, USER)
    assert "I don't know that one" in html.unescape(call.params["text"])
    assert len(call.params["text"]) < 400
    assert buttons(call) == [(label(e.question), f"a:{e.id}") for e in example_entries(pack)]


async def test_the_question_log_keeps_each_question_without_who_asked(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(USER, USER, "what is jimex"))
    await feed(app, u.message(USER, USER, "who won the cricket world cup"))

    rows = await app.bot_data.stores.database.run(
        lambda db: db.exec_driver_sql(
            "SELECT chat_type, question, status, entry_id FROM question_log ORDER BY id"
        ).fetchall()
    )
    assert rows == [
        ("private", "what is jimex", "answer", "what-is-jimex"),
        ("private", "who won the cricket world cup", "none", None),
    ]


# --- commands ------------------------------------------------------------------------------


async def test_start_welcomes_by_name_with_example_questions(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "/start", first_name="Ravi <Kumar>"))

    [call] = sent(api, USER)
    assert call.params["text"].startswith("Hi Ravi &lt;Kumar&gt;!")
    assert buttons(call) == [(label(e.question), f"a:{e.id}") for e in example_entries(pack)]


async def test_start_deep_link_opens_that_answer(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "/start what-is-malabar"))

    [call] = sent(api, USER)
    assert call.params["text"].startswith("<b>What is the Malabar exercise?</b>")


async def test_start_deep_link_to_an_unknown_entry_falls_back_to_the_welcome(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(USER, USER, "/start no-such-entry"))

    [call] = sent(api, USER)
    assert call.params["text"].startswith("Hi Asha!")


async def test_help_lists_the_private_menu_commands(app: BotApplication, api: FakeBotAPI) -> None:
    await feed(app, u.message(USER, USER, "/help"))

    [call] = sent(api, USER)
    text = call.params["text"]
    for command in ("/start", "/help", "/ask", "/topics", "/fact"):
        assert f"\n{command} - " in text
    assert "/stats" not in text
    assert f"@{BOT}" in text


async def test_help_in_a_group_speaks_of_groups_and_lists_the_group_menu(
    app: BotApplication, api: FakeBotAPI
) -> None:
    group, admin = -4100, 5100
    await feed(app, u.message(group, USER, "/help", chat_type="group"))
    api.set_chat_member_status(group, admin, "administrator")
    await feed(app, u.message(group, admin, "/help", chat_type="group"))

    member, for_admin = (html.unescape(c.params["text"]) for c in sent(api, group))
    assert "In this group" in member and "\n/quiz - " in member and "\n/top - " in member
    assert "/start" not in member and "/quizsettings" not in member and "/daily" not in member
    assert "For this group's admins" not in member
    assert for_admin.startswith(member.partition("\n\n")[0])
    assert "For this group's admins" in for_admin and "\n/quizsettings - " in for_admin
    assert "\n/daily - " in for_admin


async def test_ask_answers_its_argument(app: BotApplication, api: FakeBotAPI) -> None:
    await feed(app, u.message(USER, USER, "/ask what is JIMEX?"))

    [call] = sent(api, USER)
    assert call.params["text"].startswith("<b>What is JIMEX?</b>")


async def test_ask_without_a_question_explains_how(app: BotApplication, api: FakeBotAPI) -> None:
    await feed(app, u.message(USER, USER, "/ask"))

    [call] = sent(api, USER)
    assert ASK_USAGE in call.params["text"]


async def test_fact_sends_a_fact_card_from_the_pack(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "/fact"))

    [call] = sent(api, USER)
    text = call.params["text"]
    assert text.startswith("<b>📘 ")
    title = text.removeprefix("<b>📘 ").partition("</b>")[0]
    assert html.unescape(title) in {e.question for e in pack.entries}


async def test_unknown_command_in_a_private_chat_points_to_help(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(USER, USER, "/frobnicate"))

    [call] = sent(api, USER)
    assert "/help" in call.params["text"]


async def test_command_menu_is_registered_per_scope_from_the_handlers(
    app: BotApplication, api: FakeBotAPI
) -> None:
    menus = {
        c.params["scope"]["type"]: [cmd["command"] for cmd in c.params["commands"]]
        for c in api.calls_to("setMyCommands")
        if not c.params.get("language_code")
    }
    assert set(menus) == {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    assert {"start", "help", "ask", "topics", "fact"} <= set(menus["all_private_chats"])
    assert {"help", "ask", "topics", "fact"} <= set(menus["all_group_chats"])
    assert "start" not in menus["all_group_chats"]
    # Telegram shows admins their menu instead of the group's: it holds all of the group's.
    assert set(menus["all_group_chats"]) < set(menus["all_chat_administrators"])
    assert all("stats" not in commands for commands in menus.values())
    for call in api.calls_to("setMyCommands"):
        for command in call.params["commands"]:
            assert 1 <= len(command["description"]) <= 256


# --- groups --------------------------------------------------------------------------------


@pytest.mark.parametrize("chat_id", [GROUP, SUPERGROUP])
@pytest.mark.parametrize("command", ["/ask", f"/ask@{BOT}"])
async def test_ask_in_a_group_answers_quoting_the_question(
    app: BotApplication, api: FakeBotAPI, chat_id: int, command: str
) -> None:
    update = u.message(chat_id, USER, f"{command} what is jimex", chat_type=None)

    await feed(app, update)

    [call] = sent(api, chat_id)
    assert call.params["text"].startswith("<b>What is JIMEX?</b>")
    assert reply_target(call) == update["message"]["message_id"]
    assert "message_thread_id" not in call.params


async def test_ask_addressed_to_another_bot_is_ignored(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(GROUP, USER, "/ask@otherbot what is jimex", chat_type="group"))

    assert sent(api) == []


async def test_ask_in_reply_to_a_message_answers_the_replied_text(
    app: BotApplication, api: FakeBotAPI
) -> None:
    question = u.message_object(GROUP, 6001, "what is jimex", chat_type="group")
    await feed(app, u.message(GROUP, USER, "/ask", chat_type="group", reply_to_message=question))

    [call] = sent(api, GROUP)
    assert call.params["text"].startswith("<b>What is JIMEX?</b>")


async def test_mention_in_a_group_answers_the_rest_of_the_message(
    app: BotApplication, api: FakeBotAPI
) -> None:
    update = u.message(SUPERGROUP, USER, f"@{BOT} what is jimex", chat_type="supergroup")

    await feed(app, update)

    [call] = sent(api, SUPERGROUP)
    assert call.params["text"].startswith("<b>What is JIMEX?</b>")
    assert reply_target(call) == update["message"]["message_id"]


async def test_mention_in_the_middle_of_a_question_is_removed(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(GROUP, USER, f"hey @{BOT.upper()} what is jimex?", chat_type="group"))

    [call] = sent(api, GROUP)
    assert call.params["text"].startswith("<b>What is JIMEX?</b>")


async def test_mention_with_nothing_else_explains_how_to_ask(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(GROUP, USER, f"@{BOT}", chat_type="group"))

    [call] = sent(api, GROUP)
    assert ASK_USAGE in call.params["text"]


async def test_reply_to_the_bots_message_is_a_question(
    app: BotApplication, api: FakeBotAPI
) -> None:
    ours = u.message_object(GROUP, u.BOT_ID, "Sorry, I don't know that one.", chat_type="group")
    ours["from"] = u.bot_user()
    update = u.message(GROUP, USER, "what is malabar", chat_type="group", reply_to_message=ours)

    await feed(app, update)

    [call] = sent(api, GROUP)
    assert call.params["text"].startswith("<b>What is the Malabar exercise?</b>")
    assert reply_target(call) == update["message"]["message_id"]


@pytest.mark.parametrize(
    "text",
    [
        "what is jimex",  # not addressed to the bot: privacy mode
        "@someoneelse what is jimex",
        "/topics@otherbot",
    ],
)
async def test_group_messages_not_addressed_to_the_bot_are_ignored(
    app: BotApplication, api: FakeBotAPI, text: str
) -> None:
    await feed(app, u.message(GROUP, USER, text, chat_type="group"))

    assert sent(api) == []


async def test_reply_to_another_users_message_is_ignored(
    app: BotApplication, api: FakeBotAPI
) -> None:
    theirs = u.message_object(GROUP, 6001, "anyone know?", chat_type="group")
    await feed(
        app, u.message(GROUP, USER, "what is jimex", chat_type="group", reply_to_message=theirs)
    )

    assert sent(api) == []


async def test_unknown_command_in_a_group_is_ignored(app: BotApplication, api: FakeBotAPI) -> None:
    await feed(app, u.message(GROUP, USER, f"/frobnicate@{BOT}", chat_type="group"))

    assert sent(api) == []


@pytest.mark.parametrize("chat_type", ["private", "group"])
async def test_another_bot_is_never_answered(
    app: BotApplication, api: FakeBotAPI, chat_type: str
) -> None:
    chat_id = USER if chat_type == "private" else GROUP
    await feed(
        app,
        u.message(chat_id, 6002, f"/ask@{BOT} what is jimex", chat_type=chat_type, from_bot=True),
    )
    await feed(
        app, u.message(chat_id, 6002, f"@{BOT} what is jimex", chat_type=chat_type, from_bot=True)
    )

    assert sent(api) == []


async def test_an_anonymous_group_admin_is_answered(app: BotApplication, api: FakeBotAPI) -> None:
    update = u.message(GROUP, 1087968824, f"/ask@{BOT} what is jimex", chat_type="group")
    update["message"]["from"] = u.user(1087968824, "Group", "GroupAnonymousBot", is_bot=True)
    update["message"]["sender_chat"] = update["message"]["chat"]

    await feed(app, update)

    [call] = sent(api, GROUP)
    assert call.params["text"].startswith("<b>What is JIMEX?</b>")


async def test_a_message_in_a_topic_the_bot_created_is_not_a_reply_to_the_bot(
    app: BotApplication, api: FakeBotAPI
) -> None:
    # Telegram makes every message in a forum topic a reply to the topic's first message.
    root = u.message_object(SUPERGROUP, u.BOT_ID, "Study topic", chat_type="supergroup")
    root["from"] = u.bot_user()
    update = u.message(
        SUPERGROUP,
        USER,
        "what is jimex",
        chat_type="supergroup",
        message_thread_id=root["message_id"],
        is_topic_message=True,
        reply_to_message=root,
    )

    await feed(app, update)

    assert sent(api) == []


async def test_forum_topic_question_is_answered_in_the_same_topic(
    app: BotApplication, api: FakeBotAPI
) -> None:
    update = u.message(
        SUPERGROUP,
        USER,
        f"@{BOT} what is jimex",
        chat_type="supergroup",
        message_thread_id=42,
        is_topic_message=True,
    )

    await feed(app, update)

    [call] = sent(api, SUPERGROUP)
    assert call.params["message_thread_id"] == 42
    assert reply_target(call) == update["message"]["message_id"]


async def test_answer_button_in_a_forum_topic_answers_in_that_topic(
    app: BotApplication, api: FakeBotAPI
) -> None:
    update = u.callback_query(USER, SUPERGROUP, "a:what-is-jimex", 90, chat_type="supergroup")
    update["callback_query"]["message"].update(message_thread_id=42, is_topic_message=True)
    update["callback_query"]["message"]["chat"]["is_forum"] = True

    await feed(app, update)

    [call] = sent(api, SUPERGROUP)
    assert call.params["message_thread_id"] == 42


# --- formatting, splitting and errors ------------------------------------------------------

# Strings full of markup, and one answer within the pack's limit but over Telegram's once its
# title and source are added.


@pytest.fixture
async def markup_app(settings: Settings) -> AsyncIterator[BotApplication]:
    """The real application serving the markup test pack."""
    async with running(settings, load_pack(MARKUP_PACK)) as application:
        yield application


async def test_every_dynamic_string_is_escaped(markup_app: BotApplication, api: FakeBotAPI) -> None:
    await feed(markup_app, u.message(USER, USER, "what do angle brackets do in html markup"))

    [call] = sent(api, USER)
    text = call.params["text"]
    assert text.startswith("<b>What does &lt;b&gt; &amp; &lt;/i&gt; do in &quot;HTML&quot;?</b>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "AT&amp;T" in text
    assert "<i>Source: Notes &gt; Markup &lt;section 2&gt; &amp; more</i>" in text
    # Only our own tags remain once the escaped text is taken out.
    assert sorted(set(_tags(text))) == ["</b>", "</i>", "<b>", "<i>"]


def _tags(text: str) -> list[str]:
    return re.findall(r"</?[a-z]+>", text)


async def test_long_answer_is_split_at_paragraph_boundaries(
    markup_app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(markup_app, u.message(USER, USER, "zebra migration long story"))

    calls = sent(api, USER)
    assert len(calls) == 2
    texts = [c.params["text"] for c in calls]
    assert all(len(t) <= MESSAGE_LIMIT for t in texts)
    assert texts[0].startswith("<b>Tell me the whole long story")
    assert texts[0].endswith(("plains", "of it"))  # a whole paragraph ends the first part
    assert texts[1].startswith("Paragraph ")  # and a whole one starts the second
    assert "Source: Notes, the long chapter" in texts[1]
    joined = "\n\n".join(texts)
    for n in range(1, 8):
        assert joined.count(f"Paragraph {n}:") == 1
    # The related-question buttons go under the last part only.
    assert "reply_markup" not in calls[0].params
    assert buttons(calls[1]) == [
        ('What does <b> & </i> do in "HTML"?', "a:angle-brackets"),
        *RATING,
    ]


async def test_reply_rejected_for_its_formatting_is_sent_again_as_plain_text(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.fail(
        "sendMessage",
        description="Bad Request: can't parse entities: Unsupported start tag at byte offset 3",
    )

    await feed(app, u.message(USER, USER, "what is jimex"))

    [rejected] = api.rejected_calls_to("sendMessage")
    assert rejected.params["parse_mode"] == "HTML"
    [call] = sent(api, USER)
    assert "parse_mode" not in call.params
    assert call.params["text"].startswith("What is JIMEX?\n\nJIMEX (Japan–India")
    assert "<b>" not in call.params["text"] and "&gt;" not in call.params["text"]
    assert "Source: India–Japan 2+2 joint statement, MEA" in call.params["text"]
    assert buttons(call) == buttons(rejected)


async def test_a_failing_handler_logs_the_traceback_and_tells_the_user_politely(
    app: BotApplication, api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail("sendMessage", description="Bad Request: chat not found")

    with caplog.at_level(logging.ERROR):
        await feed(app, u.message(USER, USER, "what is jimex"))

    [call] = sent(api, USER)
    assert call.params["text"] == SORRY
    assert "Traceback" not in call.params["text"]
    [record] = [r for r in caplog.records if r.name == "faqbot.handlers.core.errors"]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "BadRequest" in record.getMessage()


async def test_a_failing_button_answers_the_callback_with_an_apology(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.fail("sendMessage", description="Bad Request: chat not found")

    await feed(app, u.callback_query(USER, USER, "a:what-is-jimex", 12))

    texts = [c.params.get("text") for c in api.calls_to("answerCallbackQuery")]
    assert texts == [None, SORRY]


async def test_the_apology_for_a_failure_in_a_forum_topic_stays_in_that_topic(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.fail("sendMessage", description="Bad Request: chat not found")

    await feed(
        app,
        u.message(
            SUPERGROUP,
            USER,
            f"@{BOT} what is jimex",
            chat_type="supergroup",
            message_thread_id=42,
            is_topic_message=True,
        ),
    )

    [call] = sent(api, SUPERGROUP)
    assert call.params["text"] == SORRY
    assert call.params["message_thread_id"] == 42


async def test_when_the_button_was_already_answered_the_apology_goes_to_the_chat(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.fail("sendMessage", description="Bad Request: chat not found")
    # Telegram accepts one answer per callback query; the apology would be a second one.
    api.fail_when(
        "answerCallbackQuery",
        lambda call: call.params.get("text") == SORRY,
        description="Bad Request: query is too old and response timeout expired or query ID is "
        "invalid",
    )

    await feed(app, u.callback_query(USER, USER, "a:what-is-jimex", 12))

    [call] = sent(api, USER)
    assert call.params["text"] == SORRY


# --- follow-ups, small talk and exam questions ----------------------------------------------

OTHER_USER = 5002


class Clock:
    """A clock moved by hand, for the follow-up context's time to live."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def say(app: BotApplication, api: FakeBotAPI, chat_id: int, user_id: int, text: str) -> str:
    """Send a message as a user (with a mention in a group); the one reply, as a user reads it."""
    in_group = chat_id != user_id
    update = u.message(chat_id, user_id, f"@{BOT} {text}" if in_group else text, chat_type=None)
    before = len(sent(api, chat_id))
    await feed(app, update)
    replies = sent(api, chat_id)
    assert len(replies) == before + 1, api.summary()
    return readable(replies[-1].params["text"])


def readable(text: str) -> str:
    """A message's HTML as its reader sees it: our tags gone, entities decoded."""
    return html.unescape(re.sub(r"</?[bi]>", "", text))


def card_of(pack: Pack, entry_id: str) -> str:
    """How an entry's answer card starts."""
    return f"{pack.entry(entry_id).question}\n\n"


async def test_private_follow_ups_read_the_last_answer(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    turns = [
        ("what is a 2+2 dialogue", "what-is-2plus2"),
        ("why?", "purpose-of-2plus2"),
        ("thanks", None),  # small talk keeps the context
        ("when was the first india japan 2+2", "inaugural-dialogue"),
        ("and the second one?", "second-dialogue"),
        ("when?", "second-dialogue"),
        # A question that stands on its own wins over the context.
        ("what is jimex", "what-is-jimex"),
    ]
    for text, entry_id in turns:
        answer = await say(app, api, USER, USER, text)
        if entry_id is not None:
            assert answer.startswith(card_of(pack, entry_id)), (text, answer)


async def test_hinglish_follow_up(app: BotApplication, api: FakeBotAPI, pack: Pack) -> None:
    await say(app, api, USER, USER, "what is a 2+2 dialogue")

    answer = await say(app, api, USER, USER, "iska significance kya hai?")

    assert answer.startswith(card_of(pack, "purpose-of-2plus2"))


async def test_a_follow_up_with_no_context_gets_the_ordinary_reply(
    app: BotApplication, api: FakeBotAPI
) -> None:
    answer = await say(app, api, USER, USER, "why?")

    assert "I don't know that one" in answer


async def test_a_follow_up_never_reads_another_chats_answer(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, api, USER, USER, "what is a 2+2 dialogue")

    # The same user in a group, and another user in private: neither has that context.
    assert "I don't know that one" in await say(app, api, GROUP, USER, "why?")
    assert "I don't know that one" in await say(app, api, OTHER_USER, OTHER_USER, "why?")


async def test_forget_drops_the_follow_up_context(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, api, USER, USER, "what is a 2+2 dialogue")
    await say(app, api, USER, USER, "/forget")

    assert "I don't know that one" in await say(app, api, USER, USER, "why?")


async def test_group_follow_ups_are_per_user(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await say(app, api, GROUP, USER, "what is a 2+2 dialogue")
    await say(app, api, GROUP, OTHER_USER, "what is jimex")

    # User B's "why?" reads B's answer, never A's, and A's reads A's.
    assert not (await say(app, api, GROUP, OTHER_USER, "why?")).startswith(
        card_of(pack, "purpose-of-2plus2")
    )
    assert (await say(app, api, GROUP, USER, "why?")).startswith(card_of(pack, "purpose-of-2plus2"))


async def test_a_reply_to_the_bots_answer_is_a_follow_up(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await say(app, api, GROUP, USER, "what is a 2+2 dialogue")
    [answer] = sent(api, GROUP)

    # No mention: replying to the bot's answer addresses it.
    await feed(
        app, u.message(GROUP, USER, "why?", chat_type="group", reply_to_message=answer.result)
    )

    followed = sent(api, GROUP)[-1]
    assert readable(followed.params["text"]).startswith(card_of(pack, "purpose-of-2plus2"))
    assert reply_target(followed) is not None


async def test_the_context_expires(app: BotApplication, api: FakeBotAPI, pack: Pack) -> None:
    clock = Clock()
    app.bot_data.recent_answers.clock = clock
    ttl = app.bot_data.settings.followup_seconds

    await say(app, api, USER, USER, "what is a 2+2 dialogue")
    clock.now += ttl - 1
    assert (await say(app, api, USER, USER, "why?")).startswith(card_of(pack, "purpose-of-2plus2"))
    # Each answer starts the time again; past it, "why?" stands alone.
    clock.now += ttl
    assert "I don't know that one" in await say(app, api, USER, USER, "why?")


async def test_a_pressed_question_is_the_context(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.callback_query(USER, USER, "a:what-is-2plus2", 31))

    answer = await say(app, api, USER, USER, "why?")

    assert answer.startswith(card_of(pack, "purpose-of-2plus2"))


@pytest.mark.parametrize("text", ["hi", "thanks a lot bhai", "tum kaun ho", "ok", "bye"])
async def test_small_talk_gets_a_friendly_reply_and_is_not_a_gap(
    app: BotApplication, api: FakeBotAPI, pack: Pack, text: str
) -> None:
    answer = await say(app, api, USER, USER, text)

    assert answer in {kind.reply for kind in pack.smalltalk}
    [call] = sent(api, USER)
    assert "reply_markup" not in call.params
    rows = await app.bot_data.stores.database.run(
        lambda db: db.exec_driver_sql("SELECT question, status FROM question_log").fetchall()
    )
    assert rows == [(text, "smalltalk")]
    stats = await say(app, api, 1000, 1000, "/stats")
    assert "smalltalk: 1" in stats
    assert text.lower() not in stats.partition("without an outright answer")[2]


async def test_an_exam_question_gets_the_option_line_first(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    question = (
        "The inaugural India–Japan 2+2 ministerial dialogue was held in: "
        "(a) 2010 (b) 2018 (c) 2019 (d) 2022"
    )

    answer = await say(app, api, USER, USER, question)

    title, option, body = answer.split("\n\n", 2)
    assert title == pack.entry("inaugural-dialogue").question
    assert option == "Answer: (c) 2019"
    assert body.startswith(pack.entry("inaugural-dialogue").answer.split("\n")[0][:40])


async def test_an_echoed_exam_option_is_escaped_and_cut_short(
    app: BotApplication, api: FakeBotAPI
) -> None:
    long_option = "2019 & <New Delhi> " + "in New Delhi " * 300
    question = (
        "The inaugural India–Japan 2+2 ministerial dialogue was held in: "
        f"(a) 2010 (b) 2018 (c) {long_option} (d) 2022"
    )

    await feed(app, u.message(USER, USER, question))

    [call] = sent(api, USER)
    text = call.params["text"]
    assert len(text) <= MESSAGE_LIMIT
    option = text.split("\n\n")[1]
    assert option.startswith("Answer: (c) 2019 &amp; &lt;New Delhi&gt; in New Delhi")
    assert len(html.unescape(option)) <= len("Answer: (c) ") + OPTION_ECHO_LIMIT


async def test_or_did_you_mean_offers_the_runner_up_and_its_button_answers_it(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    # Whichever phrasing the pack's ranking leaves with a close runner-up, as the bot sees it.
    answerer = app.bot_data.knowledge.answerer
    phrasings = [p for e in pack.entries for p in (e.question, *e.alternates)]
    question, best, also = next(
        (p, o.entry, o.match.also.entry)
        for p in phrasings
        if (o := answerer.respond(p)).match and o.match.also and o.status == "answer"
    )

    await feed(app, u.message(USER, USER, question))

    [call] = sent(api, USER)
    text = readable(call.params["text"])
    assert text.startswith(card_of(pack, best.id))
    assert text.endswith("\n\nOr did you mean:")
    offered = buttons(call)
    assert offered[0] == (label(also.question), f"a:{also.id}")
    assert [data for _, data in offered].count(f"a:{also.id}") == 1

    await feed(app, u.callback_query(USER, USER, offered[0][1], call.result["message_id"]))

    pressed = sent(api, USER)[-1]
    assert readable(pressed.params["text"]).startswith(card_of(pack, also.id))


# --- Hindi ---------------------------------------------------------------------------------

ENGLISH_WORDS = re.compile(r"\b(Source|Related|Did you mean|Sorry|Try one)\b")


async def test_a_devanagari_question_gets_a_hindi_answer_with_hindi_buttons(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.message(USER, USER, "भारत जापान RPSS समझौता क्या है"))

    [call] = sent(api, USER)
    hindi = pack.in_language("hi")
    entry = hindi.entry("rpss-agreement")
    assert entry is not None
    text = call.params["text"]
    assert text.startswith(f"<b>{html.escape(entry.question)}</b>")
    assert "<i>स्रोत: " in text and not ENGLISH_WORDS.search(text)
    assert buttons(call) == [
        *((label(hindi.entry(i).question), f"h:{i}") for i in entry.related[:3]),  # type: ignore[union-attr]
        *RATING,
    ]


async def test_a_hindi_answer_button_answers_in_hindi(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await feed(app, u.callback_query(USER, USER, "h:what-is-jimex", 12))

    [call] = sent(api, USER)
    entry = pack.in_language("hi").entry("what-is-jimex")
    assert entry is not None and call.params["text"].startswith(f"<b>{entry.question}</b>")
    assert all(data.startswith("h:") for _, data in buttons(call))


@pytest.mark.parametrize(
    "question",
    ["रेपो रेट क्या होता है", "जापान की सेना कितनी बड़ी है", "जापान\u200dজাপান कया", "नमस्ते जी"],
)
async def test_hindi_questions_never_get_english_words_around_them(
    app: BotApplication, api: FakeBotAPI, question: str
) -> None:
    await feed(app, u.message(USER, USER, question))

    [call] = sent(api, USER)
    assert not ENGLISH_WORDS.search(call.params["text"])
    assert all(data.startswith("h:") for _, data in buttons(call))


async def test_an_english_question_is_still_answered_in_english(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(USER, USER, "jimex kya hai"))

    [call] = sent(api, USER)
    assert "Source:" in call.params["text"]
    assert all(data.startswith(("a:", "f:")) for _, data in buttons(call))
