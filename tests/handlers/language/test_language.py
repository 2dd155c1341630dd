"""/language, and every reply in the reader's language, through the real application."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.handlers.daily import deliver_fact
from faqbot.knowledge import Pack, catalogue
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI
from tests.support.languages import DEVANAGARI, language_of, spoken_to, wrong_language

HINDI_USER = 7001  # Telegram app in Hindi, never used /language
ENGLISH_USER = 7002  # Telegram app in English
CHOOSER = 7003  # Telegram app in English, chooses Hindi
ADMIN = 7004
GROUP = -1001000007001


def from_app_in(update: dict[str, Any], language_code: str | None) -> dict[str, Any]:
    """The update with its sender's Telegram app language set (or removed)."""
    for kind in ("message", "callback_query", "inline_query"):
        if kind in update:
            sender = update[kind]["from"]
            if language_code is None:
                sender.pop("language_code", None)
            else:
                sender["language_code"] = language_code
    return update


async def send(
    app: BotApplication, user: int, text: str, code: str | None = "en", chat: int | None = None
) -> None:
    chat_id = chat if chat is not None else user
    await feed(app, from_app_in(u.message(chat_id, user, text, chat_type=None), code))


def last_text(api: FakeBotAPI, chat_id: int) -> str:
    return [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id][-1].params[
        "text"
    ]


def calls_to(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return spoken_to(api.calls, chat_id)


# --- the Hindi user, the English user ------------------------------------------------------

EVERYDAY = ["/start", "/help", "/topics", "/fact", "/top", "/review", "/daily", "/nonsense"]


@pytest.mark.parametrize("code", ["hi", "hi-IN", "HI"])
async def test_a_user_whose_app_speaks_hindi_gets_every_reply_in_hindi(
    app: BotApplication, api: FakeBotAPI, code: str
) -> None:
    for text in [*EVERYDAY, "जिमेक्स क्या है", "भारत जापान RPSS समझौता क्या है", "/quiz"]:
        await send(app, HINDI_USER, text, code)
    calls = calls_to(api, HINDI_USER)
    assert len(calls) >= len(EVERYDAY) + 3
    assert wrong_language(calls, "hi") == []
    [poll] = [c for c in calls if c.method == "sendPoll"]
    assert DEVANAGARI.search(poll.params["question"])


@pytest.mark.parametrize("code", ["en", "en-GB", "xx", "de", "", "hindi", "!!-hi", None])
async def test_any_other_app_language_gets_english_never_an_error(
    app: BotApplication, api: FakeBotAPI, code: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    for text in [*EVERYDAY, "what is jimex", "/quiz"]:
        await send(app, ENGLISH_USER, text, code)
    calls = calls_to(api, ENGLISH_USER)
    assert len(calls) >= len(EVERYDAY) + 2
    assert wrong_language(calls, "en") == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_devanagari_question_gets_hindi_in_auto_and_hinglish_keeps_english(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await send(app, ENGLISH_USER, "जिमेक्स क्या है")
    assert language_of(last_text(api, ENGLISH_USER)) == "hi"
    await send(app, HINDI_USER, "jimex kya hai", "hi")
    assert language_of(last_text(api, HINDI_USER)) == "en"
    # The rest of a Hindi app's replies stay Hindi.
    await send(app, HINDI_USER, "/help", "hi")
    assert language_of(last_text(api, HINDI_USER)) == "hi"


# --- /language -----------------------------------------------------------------------------


async def test_choosing_hindi_answers_latin_questions_in_hindi_with_hindi_buttons(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await send(app, CHOOSER, "/language hi")
    assert last_text(api, CHOOSER) == catalogue.say(
        "hi", "language_set", language=catalogue.say("hi", "language_name_hi")
    )
    await send(app, CHOOSER, "what is jimex")
    [answer] = calls_to(api, CHOOSER)[-1:]
    hindi = pack.in_language("hi").entry("what-is-jimex")
    assert hindi is not None and answer.params["text"].startswith(f"<b>{hindi.question}</b>")
    data = [
        b["callback_data"] for row in answer.params["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert data and all(d.startswith(("h:", "f:")) for d in data)
    await send(app, CHOOSER, "2+2 dialogue kya hai")
    assert wrong_language(calls_to(api, CHOOSER), "hi") == []


async def test_choosing_english_answers_devanagari_questions_in_english(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await send(app, HINDI_USER, "/language en", "hi")
    await send(app, HINDI_USER, "जिमेक्स क्या है", "hi")
    await send(app, HINDI_USER, "/help", "hi")
    calls = calls_to(api, HINDI_USER)
    assert calls[1].params["text"].startswith(f"<b>{pack.entry('what-is-jimex').question}</b>")  # type: ignore[union-attr]
    assert wrong_language(calls, "en") == []


async def test_auto_goes_back_to_the_script_and_the_app_language(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await send(app, HINDI_USER, "/language en", "hi")
    await send(app, HINDI_USER, "/language auto", "hi")
    assert last_text(api, HINDI_USER) == catalogue.say("hi", "language_set_auto")
    await send(app, HINDI_USER, "what is jimex", "hi")
    assert language_of(last_text(api, HINDI_USER)) == "en"


@pytest.mark.parametrize(
    ("argument", "chosen"),
    [("HI", "hi"), ("Hindi", "hi"), ("हिंदी", "hi"), ("english", "en"), (" auto ", "auto")],
)
async def test_language_names_are_read_in_either_language(
    app: BotApplication, argument: str, chosen: str
) -> None:
    await send(app, CHOOSER, f"/language {argument}")
    setting = await app.bot_data.stores.languages.get(CHOOSER)
    assert setting is not None and setting.chosen == chosen


BAD_ARGUMENTS = {
    "unknown code": "xx",
    "two words": "hi en",
    "zero-width joiners": "h\u200di",
    "scripts mixed mid-word": "हिnglish",
    "html": "<b>hi</b>",
    "long": "x" * 4000,
}


@pytest.mark.parametrize("argument", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
@pytest.mark.parametrize("code", ["en", "hi"])
async def test_a_bad_language_gets_a_clear_reply_in_the_users_language(
    app: BotApplication, api: FakeBotAPI, argument: str, code: str
) -> None:
    await send(app, CHOOSER, f"/language {argument}", code)
    text = last_text(api, CHOOSER)
    assert catalogue.say(code, "language_usage") in text.replace("&#x27;", "'")
    assert len(text) < 1000 and "\u200d" not in text
    assert await app.bot_data.stores.languages.get(CHOOSER) is None or (
        (await app.bot_data.stores.languages.get(CHOOSER)).chosen is None  # type: ignore[union-attr]
    )


async def test_language_without_an_argument_says_the_current_one(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await send(app, HINDI_USER, "/language", "hi")
    assert catalogue.say("hi", "language_name_hi") in last_text(api, HINDI_USER)
    await send(app, ENGLISH_USER, "/language")
    assert "I answer you in English." in last_text(api, ENGLISH_USER)


async def test_hindi_on_an_english_only_pack_is_declined(
    settings: Settings, api: FakeBotAPI, pack: Pack
) -> None:
    english_only = pack.in_language("en")
    from dataclasses import replace

    english_only = replace(english_only, info=replace(pack.info, languages=()), translations={})
    async with running(settings, english_only) as app:
        await send(app, CHOOSER, "/language hi")
        assert "only in English" in last_text(api, CHOOSER)
        await send(app, HINDI_USER, "/help", "hi")
        assert language_of(last_text(api, HINDI_USER)) == "en"
        menus = [c.params.get("language_code") for c in api.calls_to("setMyCommands")]
        assert "hi" not in menus


# --- groups --------------------------------------------------------------------------------


async def test_only_a_groups_admins_choose_its_language(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await send(app, ENGLISH_USER, "/language hi", chat=GROUP)
    assert "administrators" in last_text(api, GROUP)
    assert await app.bot_data.stores.languages.get(GROUP) is None
    await send(app, ADMIN, "/language hi", chat=GROUP)
    assert language_of(last_text(api, GROUP)) == "hi"
    setting = await app.bot_data.stores.languages.get(GROUP)
    assert setting is not None and setting.chosen == "hi"


async def test_a_hindi_group_gets_hindi_polls_facts_and_summaries(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await send(app, ADMIN, "/language hi", chat=GROUP)
    await send(app, ADMIN, "/daily 07:30", chat=GROUP)
    await deliver_fact(app, GROUP)
    # An English member starts the round: the polls are the group's, in Hindi.
    await send(app, ENGLISH_USER, "/quiz 2", chat=GROUP)
    await send(app, ENGLISH_USER, "/quiz stop", chat=GROUP)
    calls = calls_to(api, GROUP)
    polls = [c for c in calls if c.method == "sendPoll"]
    facts = [c for c in calls if c.method == "sendMessage" and "📘" in c.params["text"]]
    assert polls and facts
    summary = calls[-1].params["text"]
    assert summary.startswith(f"<b>{catalogue.say('hi', 'quiz_round_stopped')}</b>")
    assert wrong_language([*polls, *facts, calls[-1]], "hi") == []


async def test_an_english_group_gets_english_facts_for_all_its_hindi_members(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await send(app, ADMIN, "/daily 07:30", chat=GROUP, code="hi")
    await deliver_fact(app, GROUP)
    [fact] = [c for c in calls_to(api, GROUP) if "📘" in c.params.get("text", "")]
    assert wrong_language([fact], "en") == []


async def test_a_groups_language_follows_it_to_its_supergroup(
    app: BotApplication, api: FakeBotAPI
) -> None:
    old, new = -7001, -1001000007002
    api.set_chat_member_status(old, ADMIN, "administrator")
    await send(app, ADMIN, "/language hi", chat=old)
    await feed(app, u.migrate_to_chat(old, new, ADMIN))
    setting = await app.bot_data.stores.languages.get(new)
    assert setting is not None and setting.chosen == "hi"
    assert await app.bot_data.stores.languages.get(old) is None


# --- what the bot sends unasked, buttons, errors, the flood notice, inline mode -----------


async def test_a_hindi_apps_daily_fact_is_in_hindi_though_nothing_was_chosen(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await send(app, HINDI_USER, "/daily 07:30", "hi")
    await send(app, ENGLISH_USER, "/daily 07:30", "en")
    for user, language in ((HINDI_USER, "hi"), (ENGLISH_USER, "en")):
        await deliver_fact(app, user)
        [fact] = [c for c in calls_to(api, user) if "📘" in c.params["text"]]
        assert wrong_language([fact], language) == []


async def test_topic_buttons_and_expired_buttons_speak_the_pressers_language(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await send(app, HINDI_USER, "/topics", "hi")
    [listing] = calls_to(api, HINDI_USER)
    topic = pack.topics[0].id
    for data in (f"t:{topic}", f"v:{pack.entries_in(topic)[0].id}", "T", "a:no-such-entry"):
        press = u.callback_query(HINDI_USER, HINDI_USER, data, listing.result["message_id"])
        await feed(app, from_app_in(press, "hi"))
    edits = api.calls_to("editMessageText")
    answers = [c for c in api.calls_to("answerCallbackQuery") if c.params.get("text")]
    assert len(edits) == 3 and answers
    assert wrong_language([*edits, *answers], "hi") == []
    assert answers[-1].params["text"] == catalogue.say("hi", "expired")


async def test_the_apology_for_an_error_is_in_the_users_language(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.fail("sendMessage", error_code=500, description="Internal Server Error", times=1)
    await send(app, HINDI_USER, "/help", "hi")
    assert last_text(api, HINDI_USER) == catalogue.say("hi", "sorry")


async def test_the_flood_notice_is_in_the_users_language(
    settings: Settings, api: FakeBotAPI, pack: Pack
) -> None:
    from dataclasses import replace

    async with running(replace(settings, flood_limit=2), pack) as app:
        for _ in range(3):
            await send(app, HINDI_USER, "जिमेक्स क्या है", "hi")
    assert last_text(api, HINDI_USER) == catalogue.say("hi", "flood")


async def test_inline_results_are_in_the_askers_language_and_personal(
    app: BotApplication, api: FakeBotAPI
) -> None:
    for query in ("", "jimex", "जिमेक्स"):
        await feed(app, from_app_in(u.inline_query(HINDI_USER, query), "hi"))
    calls = api.calls_to("answerInlineQuery")
    assert len(calls) == 3 and all(c.params["results"] for c in calls)
    assert all(c.params.get("is_personal") for c in calls)
    # An empty query follows the app language; "jimex" (Latin, auto) is English.
    assert wrong_language([calls[0], calls[2]], "hi") == []
    assert wrong_language([calls[1]], "en") == []


# --- bad input in questions ----------------------------------------------------------------

ODD_QUESTIONS = {
    "scripts mixed mid-word": "जिmex क्या है",
    "zero-width joiners": "जि\u200dमे\u200cक्स क्या है",
    "urdu letters": "جیمیکس क्या है",
    "bengali letters": "জিমেক্স क्या है",
    "only joiners": "\u200d\u200c\u200d",
    "devanagari digits only": "२०१९",
}


@pytest.mark.parametrize("question", ODD_QUESTIONS.values(), ids=ODD_QUESTIONS.keys())
async def test_odd_scripts_get_one_clear_reply_in_one_language(
    app: BotApplication, api: FakeBotAPI, question: str, caplog: pytest.LogCaptureFixture
) -> None:
    await send(app, HINDI_USER, question, "hi")
    [reply] = calls_to(api, HINDI_USER)
    assert reply.params["text"] != catalogue.say("hi", "sorry")
    assert language_of(reply.params["text"]) in ("hi", "en")
    assert wrong_language([reply], language_of(reply.params["text"])) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- the command menu ----------------------------------------------------------------------


async def test_the_command_menu_is_registered_in_hindi_for_each_scope(
    app: BotApplication, api: FakeBotAPI
) -> None:
    menus: dict[tuple[str, str], dict[str, str]] = {
        (c.params["scope"]["type"], c.params.get("language_code") or ""): {
            command["command"]: command["description"] for command in c.params["commands"]
        }
        for c in api.calls_to("setMyCommands")
    }
    scopes = {scope for scope, _ in menus}
    assert scopes == {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    for scope in scopes:
        english, hindi = menus[(scope, "")], menus[(scope, "hi")]
        assert list(english) == list(hindi)
        assert ("language" in hindi) == (scope != "all_group_chats")  # admins only, in groups
        assert all(DEVANAGARI.search(text) for text in hindi.values()), hindi
        assert not any(DEVANAGARI.search(text) for text in english.values()), english


async def test_a_hindi_group_gets_its_answers_after_polls_and_weekly_standings_in_hindi(
    app: BotApplication, api: FakeBotAPI
) -> None:
    from datetime import UTC, datetime, timedelta

    from faqbot.handlers.quiz.standings import post_closed_weeks

    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await send(app, ADMIN, "/language hi", chat=GROUP)
    await send(app, ENGLISH_USER, "/quiz", chat=GROUP)
    [poll] = [c for c in calls_to(api, GROUP) if c.method == "sendPoll"]
    [option] = poll.params["correct_option_ids"]
    poll_id = poll.result["poll"]["id"]
    await feed(app, u.poll_answer(poll_id, ENGLISH_USER, [option], first_name="Ravi"))
    await feed(app, {"poll": {**api.get_poll(poll_id), "is_closed": True}})
    assert await post_closed_weeks(app, datetime.now(UTC) + timedelta(days=8)) == 1
    said = [c for c in calls_to(api, GROUP) if c.method in ("sendMessage", "sendPoll")][1:]
    revealed, standings = said[-2:]
    assert revealed.params["text"].startswith(catalogue.say("hi", "quiz_revealed", correct=""))
    assert "🏆" in standings.params["text"]
    assert wrong_language([poll, revealed, standings], "hi") == []


async def test_quiz_settings_speak_the_readers_language(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await send(app, HINDI_USER, "/quizsettings", "hi")
    await send(app, HINDI_USER, "/quizsettings seconds 5000", "hi")
    [shown, refused] = calls_to(api, HINDI_USER)
    assert shown.params["reply_markup"]["inline_keyboard"]
    assert wrong_language([shown, refused], "hi") == []
