"""👍/👎 under answers, the 👎's question, taps on suggestions, /privacy and /forget, through the
real application and a real SQLite file."""

from __future__ import annotations

import asyncio
from typing import Any

from faqbot.bot.state import BotApplication
from faqbot.knowledge import Pack
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.question_log import FEEDBACK_CHARS
from tests.support import updates as u
from tests.support.application import feed
from tests.support.daily import due
from tests.support.fake_bot_api import Call, FakeBotAPI

USER = 5101
OTHER = 5102
GROUP = -4101


def sent(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


def buttons(call: Call) -> list[tuple[str, str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data") or b.get("url")) for row in rows for b in row]


def notices(api: FakeBotAPI) -> list[str | None]:
    return [c.params.get("text") for c in api.calls_to("answerCallbackQuery")]


async def rows(app: BotApplication, columns: str) -> list[tuple[Any, ...]]:
    return await app.bot_data.stores.database.run(
        lambda db: [
            tuple(row)
            for row in db.exec_driver_sql(f"SELECT {columns} FROM question_log ORDER BY id")
        ]
    )


async def ask(
    app: BotApplication, api: FakeBotAPI, text: str, chat: int = USER, user: int = USER
) -> Call:
    """Ask a question and return the bot's last message (the one with the buttons)."""
    chat_type = "private" if chat > 0 else "group"
    if chat_type == "group":
        text = f"@{u.BOT_USERNAME} {text}"
        entities = u.entities_for(text)
        await feed(app, u.message(chat, user, text, chat_type, entities=entities))
    else:
        await feed(app, u.message(chat, user, text))
    return sent(api, chat)[-1]


def rating(call: Call, thumb: str) -> str:
    return next(data for label, data in buttons(call) if label == thumb)


async def press(
    app: BotApplication, call: Call, data: str, user: int = USER, first_name: str = "Asha"
) -> None:
    chat = call.params["chat_id"]
    chat_type = "private" if chat > 0 else "group"
    await feed(
        app,
        u.callback_query(
            user, chat, data, call.result["message_id"], chat_type=chat_type, first_name=first_name
        ),
    )


async def test_an_answer_has_thumbs_beside_its_buttons_and_a_thumbs_up_is_kept(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is jimex")
    row = card.params["reply_markup"]["inline_keyboard"][-1]
    assert [b["text"] for b in row][-2:] == ["👍", "👎"]

    await press(app, card, rating(card, "👍"))

    assert notices(api) == [say("en", "feedback_thanks")]
    assert await rows(app, "rating, feedback") == [(1, None)]
    assert len(sent(api, USER)) == 1  # a 👍 asks nothing


async def test_a_thumbs_down_asks_once_and_keeps_the_reply(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is jimex")
    await press(app, card, rating(card, "👎"))

    prompt = sent(api, USER)[-1]
    assert prompt.params["text"] == say("en", "feedback_ask")
    assert prompt.params["reply_markup"]["force_reply"] is True
    await feed(app, u.message(USER, USER, "the year of the first JIMEX"))

    assert await rows(app, "rating, feedback") == [(-1, "the year of the first JIMEX")]
    assert sent(api, USER)[-1].params["text"] == say("en", "feedback_kept")
    # Asked once: the next message is a question again, answered and logged as one.
    await feed(app, u.message(USER, USER, "what is malabar"))
    assert sent(api, USER)[-1].params["text"].startswith("<b>What is the Malabar exercise?")
    assert [r[0] for r in await rows(app, "status")] == ["answer", "answer"]


async def test_a_long_reply_is_cut_and_a_sticker_is_asked_again_in_words(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is jimex")
    await press(app, card, rating(card, "👎"))

    await feed(app, u.sticker_message(USER, USER))
    assert sent(api, USER)[-1].params["text"] == say("en", "feedback_words_only")
    await feed(app, u.message(USER, USER, "x" * 4000))

    [(feedback,)] = await rows(app, "feedback")
    assert feedback == "x" * FEEDBACK_CHARS
    assert sent(api, USER)[-1].params["text"] == say(
        "en", "feedback_kept_cut", limit=FEEDBACK_CHARS
    )


async def test_pressing_the_same_thumb_twice_says_so(app: BotApplication, api: FakeBotAPI) -> None:
    card = await ask(app, api, "what is jimex")
    await press(app, card, rating(card, "👍"))
    await press(app, card, rating(card, "👍"))

    assert notices(api)[-1] == say("en", "feedback_already")


async def test_feedback_on_a_changed_answer_or_a_forgotten_question_gets_a_clear_notice(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is jimex")
    # The pack was edited since: the answer the card showed is not what the bot says now.
    await app.bot_data.stores.database.run(
        lambda db: db.exec_driver_sql("UPDATE question_log SET answer_version = 'older'")
    )
    await press(app, card, rating(card, "👎"))
    assert notices(api)[-1] == say("en", "feedback_stale")

    await press(app, card, "f:u:999999")  # pruned, or deleted by /forget
    assert notices(api)[-1] == say("en", "feedback_gone")
    assert await rows(app, "rating") == [(None,)]
    assert len(sent(api, USER)) == 1


async def test_in_a_group_only_the_asker_rates_and_only_a_reply_answers_the_question(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is jimex", chat=GROUP)
    await press(app, card, rating(card, "👎"), user=OTHER, first_name="Ravi")
    assert notices(api)[-1] == say("en", "feedback_not_yours")

    await press(app, card, rating(card, "👎"))
    prompt = sent(api, GROUP)[-1]
    assert f'<a href="tg://user?id={USER}">Asha</a>, what were you' in prompt.params["text"]
    assert prompt.params["reply_markup"] == {"force_reply": True, "selective": True}
    # A message to the bot that is not a reply to the question is a question, not feedback.
    await ask(app, api, "what is malabar", chat=GROUP)
    replied = u.message_object(
        GROUP, text=prompt.params["text"], no_from=True, message_id=prompt.result["message_id"]
    )
    replied["from"] = u.bot_user()
    await feed(app, u.message(GROUP, USER, "the venue", "group", reply_to_message=replied))

    assert await rows(app, "status, rating, feedback") == [
        ("answer", -1, "the venue"),
        ("answer", None, None),
    ]


async def test_the_suggestion_pressed_is_logged_and_its_answer_can_be_rated(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    card = await ask(app, api, "exercise")
    _, pressed = buttons(card)[1]
    entry_id = pressed.partition(":")[2]

    await press(app, card, pressed)
    answer = sent(api, USER)[-1]
    assert answer.params["text"].startswith(f"<b>{pack.entry(entry_id).question}</b>")
    await press(app, answer, rating(answer, "👎"))
    # Pressing another suggestion later does not rewrite which one was tapped.
    _, other = buttons(card)[0]
    await press(app, card, other)

    assert await rows(app, "status, tapped_id, rating") == [("suggest", entry_id, -1)]
    assert not any(label in ("👍", "👎") for label, _ in buttons(sent(api, USER)[-1]))


async def test_someone_else_pressing_a_suggestion_is_not_logged_as_a_tap(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "japan", chat=GROUP)
    _, pressed = buttons(card)[0]
    await press(app, card, pressed, user=OTHER)

    assert await rows(app, "tapped_id") == [(None,)]


async def test_the_log_keeps_a_keyed_hash_not_the_user_id(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await ask(app, api, "what is jimex")
    [(user_hash, chat_hash, language)] = await rows(app, "user_hash, chat_hash, language")
    assert str(USER) not in user_hash and len(user_hash) == 64
    assert user_hash != chat_hash  # a private chat's id is its user's, hashed apart
    assert language == "en"


async def test_privacy_says_what_is_kept_and_for_how_long(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(USER, USER, "/privacy"))
    text = sent(api, USER)[-1].params["text"]
    assert "deleted after 90 days" in text and "/forget" in text
    # The app language noted from each message is named, and so is what /forget does with it.
    assert "language your Telegram app is set to" in text
    assert "app language is noted again" in text


async def test_forget_deletes_the_users_data_and_the_second_time_says_nothing_is_stored(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await ask(app, api, "what is jimex")
    await ask(app, api, "what is jimex", user=OTHER, chat=OTHER)
    await feed(app, u.message(USER, USER, "/language hi"))
    await feed(app, u.message(USER, USER, "/daily 07:30"))
    await feed(app, u.message(USER, USER, "/daily quiz 20:00"))
    assert await due(app, USER, "fact") and await due(app, USER, "quiz")
    card = await ask(app, api, "what is malabar")
    await press(app, card, rating(card, "👎"))  # a question now waits for the reply

    await feed(app, u.message(USER, USER, "/forget"))
    done = sent(api, USER)[-1].params["text"]
    # Said in the language chosen before it was deleted.
    assert done.startswith("हो गया") and "2" in done

    def left(db: Any) -> tuple[int, ...]:
        return tuple(
            db.exec_driver_sql(sql, (USER,)).scalar_one()
            for sql in (
                "SELECT COUNT(*) FROM language_setting WHERE id = ?",
                "SELECT COUNT(*) FROM daily_subscription WHERE chat_id = ?",
            )
        )

    assert await app.bot_data.stores.database.run(left) == (0, 0)
    # Nothing is due to the user any more: no delivery claims the chat again.
    assert await due(app, USER, "fact") is None and await due(app, USER, "quiz") is None
    assert len(await rows(app, "id")) == 1  # the other user's question stays
    # The question the 👎 asked no longer waits: this is a question again.
    await feed(app, u.message(USER, USER, "/forget"))
    assert sent(api, USER)[-1].params["text"] == say("en", "forget_nothing")


async def test_a_reply_before_telegram_confirms_the_question_is_still_kept(
    app: BotApplication, api: FakeBotAPI
) -> None:
    """Telegram may show "What were you looking for?" before the bot hears that it was sent."""
    card = await ask(app, api, "what is malabar")
    release = api.hold_answers("sendMessage")
    pressing = asyncio.create_task(press(app, card, rating(card, "👎")))
    while len(sent(api, USER)) < 2:  # the question is out; its answer to the bot is held
        await asyncio.sleep(0.01)
    await feed(app, u.message(USER, USER, "the year it began"))
    release.set()
    await pressing
    assert sent(api, USER)[-1].params["text"] == say("en", "feedback_kept")
    assert await rows(app, "feedback") == [("the year it began",)]


async def test_a_question_telegram_refused_to_send_waits_for_nothing(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is malabar")
    asked = say("en", "feedback_ask")
    api.fail_when("sendMessage", lambda call: call.params.get("text") == asked, times=1)
    await press(app, card, rating(card, "👎"))
    await feed(app, u.message(USER, USER, "what is jimex"))  # a question, answered
    assert sent(api, USER)[-1].params["text"].startswith("<b>What is JIMEX?</b>")
    assert await rows(app, "feedback") == [(None,), (None,)]


async def test_a_question_is_logged_after_its_answer_with_the_answers_message(
    app: BotApplication, api: FakeBotAPI
) -> None:
    card = await ask(app, api, "what is jimex")
    assert await rows(app, "status, message_id") == [("answer", card.result["message_id"])]


async def test_an_answer_goes_out_when_the_log_cannot_be_written_and_its_thumbs_say_so(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await app.bot_data.stores.database.run(
        lambda db: db.exec_driver_sql(
            "CREATE TRIGGER full BEFORE INSERT ON question_log "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    )
    card = await ask(app, api, "what is jimex")
    assert card.params["text"].startswith("<b>What is JIMEX?</b>")

    await press(app, card, rating(card, "👍"))
    assert notices(api) == [say("en", "feedback_gone")]
    assert await rows(app, "id") == []
