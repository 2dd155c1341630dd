"""Group study: topic rounds, quiz settings, answers after each poll, round summaries, /top
periods, weekly standings, members who left, and migrations mid-round, through the real app."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection

from faqbot.bot.state import BotApplication, Round, Tally
from faqbot.config import Settings
from faqbot.handlers.quiz import views
from faqbot.handlers.quiz.rounds import default_settings
from faqbot.handlers.quiz.standings import post_closed_weeks
from faqbot.knowledge import Pack, catalogue
from faqbot.storage.quiz import QuizSettings
from tests.handlers.quiz.test_quiz import (
    ADMIN,
    ASHA,
    GROUP,
    MEERA,
    RAVI,
    SUPERGROUP,
    answer,
    close,
    correct,
    play,
    poll_id,
    polls_to,
    running_round,
    say,
    stored_polls,
    texts_to,
    wrong,
)
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI

ANONYMOUS_ADMIN_BOT = 1087968824  # the sender Telegram names for an admin posting as the group
DAY = 86_400.0


def topic_of(app: BotApplication, pack: Pack, call: Call) -> str:
    question = call.params["question"].partition("] ")[2] or call.params["question"]
    bank = app.bot_data.knowledge.bank
    [item] = [i for i in bank.items if i.question in (question, call.params["question"])]
    entry = pack.entry(item.entry_id)
    assert entry is not None
    return entry.topic


def settings_calls(api: FakeBotAPI, chat_id: int = GROUP) -> list[Call]:
    return [
        c
        for c in api.calls_to("sendMessage")
        if c.params["chat_id"] == chat_id and "Quiz settings" in c.params["text"]
    ]


def buttons(call: Call) -> dict[str, str]:
    """The settings message's buttons: label → callback data."""
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"].removeprefix("✓ "): b["callback_data"] for row in rows for b in row}


async def press(app: BotApplication, user: int, data: str, message_id: int) -> None:
    await feed(
        app,
        u.callback_query(user, GROUP, data, message_id, "Quiz settings", chat_type="group"),
    )


def alerts(api: FakeBotAPI) -> list[str]:
    return [c.params.get("text", "") for c in api.calls_to("answerCallbackQuery")]


async def shift_results(app: BotApplication, seconds: float, chat_id: int = GROUP) -> None:
    """Move a chat's results (and leave dates) back in time, as if played earlier."""

    def move(connection: Connection) -> None:
        connection.exec_driver_sql(
            "UPDATE quiz_result SET at = at - ? WHERE chat_id = ?", (seconds, chat_id)
        )
        connection.exec_driver_sql(
            "UPDATE quiz_player SET left_at = left_at - ? WHERE chat_id = ?", (seconds, chat_id)
        )

    await app.bot_data.stores.database.run(move)


async def leave(app: BotApplication, user: int, chat_id: int = GROUP) -> None:
    update = u.message(chat_id, user, "", chat_type="group")
    message = update["message"]
    del message["text"]
    message.pop("entities", None)
    message["left_chat_member"] = u.user(user, "Ravi")
    await feed(app, update)


# --- /quiz [topic] [N] -----------------------------------------------------------------------


async def test_quiz_topics_lists_each_topic_with_its_item_count(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz topics")
    [text] = texts_to(api, GROUP)
    counts = app.bot_data.knowledge.bank.counts()
    assert text.startswith("<b>Quiz topics</b>")
    assert f"{counts['exercises']} — /quiz exercises" in text
    assert sum(counts.values()) == len(app.bot_data.knowledge.bank.items)


@pytest.mark.parametrize("typed", ["exercises", "Excercises", "EXERCISES"])
async def test_a_topic_round_asks_only_that_topic(
    app: BotApplication, api: FakeBotAPI, pack: Pack, typed: str
) -> None:
    await say(app, f"/quiz {typed} 3")
    for number in range(3):
        call = polls_to(api)[number]
        assert call.params["question"].startswith(f"[{number + 1}/3] ")
        assert topic_of(app, pack, call) == "exercises"
        await close(app, api, call)
    assert len(polls_to(api)) == 3


async def test_a_topic_with_fewer_items_than_asked_runs_what_it_has(
    app: BotApplication, api: FakeBotAPI
) -> None:
    available = app.bot_data.knowledge.bank.counts()["japan-defence"]
    await say(app, "/quiz defence 20")
    [notice] = texts_to(api, GROUP)
    assert notice == views.fewer_on_topic(
        app.bot_data.knowledge.pack.topic("japan-defence"), available, "en"
    )
    assert polls_to(api)[0].params["question"].startswith(f"[1/{available}] ")


async def test_an_unknown_topic_suggests_the_closest(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, "/quiz defense 5")  # the American spelling is too far for a match
    [reply] = texts_to(api, GROUP)
    assert html.unescape(reply).startswith("I have no quiz topic “defense”.")
    assert "Did you mean <b>Japan&#x27;s defence posture</b>? Send /quiz japan-defence" in reply
    assert polls_to(api) == []


async def test_a_long_unknown_topic_is_cut_in_the_reply(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz " + "<script>" * 500)
    [reply] = texts_to(api, GROUP)
    assert len(reply) < 400 and "<script>" not in reply


# --- settings ---------------------------------------------------------------------------------


async def test_a_member_sees_the_settings_but_gets_no_buttons(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    await say(app, "/quizsettings", user=RAVI)
    [call] = settings_calls(api)
    assert f"Seconds per question: {settings.quiz_open_period}" in call.params["text"]
    assert catalogue.say("en", "quiz_settings_admins_only") in html.unescape(call.params["text"])
    assert "reply_markup" not in call.params
    await say(app, "/quizsettings seconds 60", user=RAVI)
    assert html.unescape(texts_to(api, GROUP)[-1]) == catalogue.say(
        "en", "quiz_settings_admins_only"
    )
    assert (await app.bot_data.stores.quiz.settings(GROUP, _defaults(app))).version == 0


def _defaults(app: BotApplication) -> QuizSettings:
    return default_settings(app.bot_data)


async def test_an_admin_changes_settings_with_buttons_and_the_next_round_uses_them(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await say(app, "/quizsettings", user=ADMIN)
    [shown] = settings_calls(api)
    message_id = shown.result["message_id"]
    await press(app, ADMIN, buttons(shown)["60s"], message_id)
    [edited] = api.calls_to("editMessageText")
    assert "Seconds per question: 60" in edited.params["text"]
    # The edited message's buttons carry the new version; press one to switch explanations off.
    new_buttons = {
        b["text"].removeprefix("✓ "): b["callback_data"]
        for row in edited.params["reply_markup"]["inline_keyboard"]
        for b in row
    }
    await press(app, ADMIN, new_buttons["Explanation off"], message_id)
    await press(app, ADMIN, new_buttons["5 q"], message_id)  # stale: made before the last change
    assert alerts(api)[-1] == catalogue.say("en", "quiz_settings_changed_since")
    stored = await app.bot_data.stores.quiz.settings(GROUP, _defaults(app))
    assert (stored.open_period, stored.show_explanation, stored.round_size) == (60, False, 1)

    await say(app, "/quiz", user=RAVI)
    [call] = polls_to(api)
    assert call.params["open_period"] == 60
    assert "explanation" not in call.params


async def test_a_settings_button_pressed_by_a_member_changes_nothing(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await say(app, "/quizsettings", user=ADMIN)
    [shown] = settings_calls(api)
    await press(app, RAVI, buttons(shown)["600s"], shown.result["message_id"])
    assert alerts(api) == [catalogue.say("en", "quiz_settings_admins_only")]
    assert api.calls_to("editMessageText") == []
    assert (await app.bot_data.stores.quiz.settings(GROUP, _defaults(app))).version == 0


async def test_an_anonymous_admin_gets_the_buttons(app: BotApplication, api: FakeBotAPI) -> None:
    update = u.message(GROUP, ANONYMOUS_ADMIN_BOT, "/quizsettings", chat_type="group")
    message = update["message"]
    message["from"] = u.user(ANONYMOUS_ADMIN_BOT, "Group", "GroupAnonymousBot", is_bot=True)
    message["sender_chat"] = message["chat"]
    await feed(app, update)
    [shown] = settings_calls(api)
    assert "60s" in buttons(shown)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("seconds 45", True),
        ("seconds 45s", True),
        ("questions 5", True),
        ("explanation off", True),
        ("seconds 9", False),
        ("seconds 601", False),
        ("questions 0", False),
        ("questions 10000", False),
        ("colour blue", False),
        ("seconds", False),
    ],
)
async def test_typed_settings_are_checked(
    app: BotApplication, api: FakeBotAPI, typed: str, accepted: bool
) -> None:
    await say(app, f"/quizsettings {typed}", chat_id=ASHA)  # in private, the user decides
    reply = texts_to(api, ASHA)[-1]
    assert ("Quiz settings" in reply) is accepted
    assert reply.startswith("I can't use") is not accepted


async def test_settings_survive_a_restart(settings: Settings, pack: Pack, api: FakeBotAPI) -> None:
    async with running(settings, pack) as first:
        await say(first, "/quizsettings questions 3", chat_id=ASHA)
    async with running(settings, pack) as second:
        await say(second, "/quiz", chat_id=ASHA)
        assert polls_to(api, ASHA)[0].params["question"].startswith("[1/3] ")


# --- after each poll, and the round summary --------------------------------------------------


async def test_a_closed_poll_gets_a_reply_with_the_answer_and_a_deep_link(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    await close(app, api, call)
    [reveal] = [c for c in api.calls_to("sendMessage") if c.params["text"].startswith("✅")]
    option = call.params["options"][correct(call)]["text"]
    assert reveal.params["text"] == f"✅ Answer: <b>{html.escape(option)}</b>"
    assert reveal.params["reply_parameters"]["message_id"] == call.result["message_id"]
    [[link]] = reveal.params["reply_markup"]["inline_keyboard"]
    entry_id = link["url"].rpartition("?start=")[2]
    assert link["url"] == f"https://t.me/{u.BOT_USERNAME}?start={entry_id}"
    assert app.bot_data.knowledge.pack.entry(entry_id) is not None
    # The link opens the private chat on the full card.
    await say(app, f"/start {entry_id}", chat_id=ASHA)
    card = texts_to(api, ASHA)[-1]
    assert html.escape(app.bot_data.knowledge.pack.entry(entry_id).question) in card


async def test_in_a_private_chat_the_answer_comes_with_a_button(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz", chat_id=ASHA)
    [call] = polls_to(api, ASHA)
    await close(app, api, call)
    [reveal] = texts_to(api, ASHA, reveals=True)
    [button] = next(c for c in api.calls_to("sendMessage") if c.params["text"] == reveal).params[
        "reply_markup"
    ]["inline_keyboard"][0]
    assert button["callback_data"].startswith("a:")


async def test_the_round_summary_names_winners_scores_and_the_fastest(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 2")
    first = polls_to(api)[0]
    await answer(app, first, RAVI, correct(first), "Ravi")
    await answer(app, first, ASHA, correct(first), "Asha")
    await answer(app, first, MEERA, wrong(first), "Meera")
    await close(app, api, first)
    second = polls_to(api)[1]
    await answer(app, second, ASHA, correct(second), "Asha")
    await answer(app, second, RAVI, correct(second), "Ravi")
    await close(app, api, second)
    summary = texts_to(api, GROUP)[-1]
    lines = summary.splitlines()
    assert lines[0] == "<b>Round over</b> after 2 of 2 questions."
    assert lines[1] == "🏆 Winners: Asha, Ravi (2 right)"
    assert lines[2:5] == ["Asha: 2 of 2 right", "Ravi: 2 of 2 right", "Meera: 0 of 1 right"]
    assert lines[5].startswith("⚡ Fastest right answer: ")


async def test_long_and_marked_up_names_are_cut_and_escaped(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 1")
    [call] = polls_to(api)
    await answer(app, call, RAVI, correct(call), "<b>" + "R" * 200)
    await say(app, "/top")
    line = texts_to(api, GROUP)[-1].splitlines()[1]
    name = line.removeprefix("1. ").partition(":")[0]
    assert name.startswith("&lt;b&gt;RRR") and name.endswith("…")
    assert len(html.unescape(name)) == views.NAME_LIMIT


# --- /top periods, members who left ----------------------------------------------------------


async def test_top_covers_this_week_by_default_and_month_or_all_on_request(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True})
    await shift_results(app, 40 * DAY)  # Asha played forty days ago
    await play(app, api, {RAVI: True})
    for typed in ("/top", "/top month", "/top all", "/top year"):
        await say(app, typed, user=MEERA)
    week, month, ever, wrong_period = texts_to(api, GROUP)[-4:]
    assert f"P{RAVI}" in week and f"P{ASHA}" not in week
    assert f"P{RAVI}" in month and f"P{ASHA}" not in month
    assert "All-time" in ever and f"P{RAVI}" in ever and f"P{ASHA}" in ever
    assert wrong_period == catalogue.say("en", "quiz_top_usage")


async def test_a_member_who_left_is_shown_as_left_until_the_period_ends(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True, RAVI: True})
    await leave(app, RAVI)
    await say(app, "/top")
    assert f"P{RAVI} (left): 1 of 1 right" in texts_to(api, GROUP)[-1]
    # Forty days on, this month began after Ravi left: he is no longer on its board.
    await shift_results(app, 40 * DAY)
    await play(app, api, {ASHA: True})
    await say(app, "/top month")
    assert f"P{RAVI}" not in texts_to(api, GROUP)[-1]
    await say(app, "/top all")
    assert f"P{RAVI} (left)" in texts_to(api, GROUP)[-1]


async def test_a_member_who_comes_back_is_no_longer_shown_as_left(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {RAVI: True})
    await leave(app, RAVI)
    update = u.message(GROUP, RAVI, "", chat_type="group")
    del update["message"]["text"]
    update["message"].pop("entities", None)
    update["message"]["new_chat_members"] = [u.user(RAVI, "Ravi")]
    await feed(app, update)
    await say(app, "/top")
    board = texts_to(api, GROUP)[-1]
    assert f"P{RAVI}: 1 of 1 right" in board and "(left)" not in board


# --- weekly standings ------------------------------------------------------------------------


def weekly_posts(api: FakeBotAPI, chat_id: int = GROUP) -> list[str]:
    return [t for t in texts_to(api, chat_id) if "final quiz standings" in t]


async def test_weekly_standings_are_posted_once_when_the_week_closes(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True, RAVI: False})
    now = datetime.now(UTC)
    assert await post_closed_weeks(app, now) == 0  # the week is still open
    later = now + timedelta(days=8)
    assert await post_closed_weeks(app, later) == 1
    assert await post_closed_weeks(app, later) == 0
    [post] = weekly_posts(api)
    assert f"🏆 Winner of the week: P{ASHA}" in post
    assert f"2. P{RAVI}: 0 of 1 right" in post


async def test_a_group_that_did_not_quiz_gets_no_weekly_post(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz")  # a poll nobody answered
    await close(app, api, polls_to(api)[0])
    assert await post_closed_weeks(app, datetime.now(UTC) + timedelta(days=8)) == 0
    assert weekly_posts(api) == []


async def test_a_running_round_is_read_from_the_database_not_this_replicas_memory(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True})
    await say(app, "/quiz 2")
    later = datetime.now(UTC) + timedelta(days=8)
    rounds, store = app.bot_data.quiz.rounds, app.bot_data.stores.quiz
    mine = rounds.pop(GROUP)  # as if another replica had started the round
    assert await post_closed_weeks(app, later) == 0
    running = await store.round_of(GROUP)
    assert running is not None and await store.end_round(GROUP, running.round_id)
    rounds[GROUP] = mine  # a copy left behind once another replica ended the round
    assert await post_closed_weeks(app, later) == 1


async def test_a_week_closing_during_a_round_is_posted_after_the_round(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True})
    await say(app, "/quiz 2")
    first = polls_to(api)[-1]
    later = datetime.now(UTC) + timedelta(days=8)
    assert await post_closed_weeks(app, later) == 0  # the round is still running
    # An answer in the round counts for the week it reached the bot in, not the closed one.
    await answer(app, first, RAVI, correct(first), "Ravi")
    await close(app, api, first)
    await close(app, api, polls_to(api)[-1])
    assert await post_closed_weeks(app, later) == 1
    [post] = weekly_posts(api)
    assert f"P{ASHA}" in post


async def test_a_failed_weekly_post_is_tried_again(app: BotApplication, api: FakeBotAPI) -> None:
    await play(app, api, {ASHA: True})
    later = datetime.now(UTC) + timedelta(days=8)
    api.fail("sendMessage", error_code=500)
    assert await post_closed_weeks(app, later) == 0
    assert await post_closed_weeks(app, later) == 1
    assert len(weekly_posts(api)) == 1


# --- a group becoming a supergroup mid-round -------------------------------------------------


async def test_a_round_follows_its_group_into_the_supergroup(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 2")
    first = polls_to(api)[0]
    await answer(app, first, ASHA, correct(first), "Asha")
    await feed(app, u.migrate_to_chat(GROUP, SUPERGROUP, ASHA))
    await feed(app, u.migrate_from_chat(SUPERGROUP, GROUP, ASHA))
    # An answer to the old group's poll, arriving after the move, still counts.
    await answer(app, first, RAVI, correct(first), "Ravi")
    await close(app, api, first)
    [second] = polls_to(api, SUPERGROUP)
    await answer(app, second, ASHA, correct(second), "Asha")
    await close(app, api, second)
    summary = texts_to(api, SUPERGROUP)[-1]
    assert "Round over" in summary and "Asha: 2 of 2 right" in summary
    await say(app, "/top", chat_id=SUPERGROUP)
    board = texts_to(api, SUPERGROUP)[-1]
    assert "Asha: 2 of 2 right" in board and "Ravi: 1 of 1 right" in board
    assert await post_closed_weeks(app, datetime.now(UTC) + timedelta(days=8)) == 1
    assert weekly_posts(api, SUPERGROUP) and not weekly_posts(api, GROUP)


async def test_a_poll_refused_with_chat_migrated_goes_to_the_supergroup(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 2")
    first = polls_to(api)[0]
    await answer(app, first, ASHA, correct(first), "Asha")
    api.fail("sendPoll", migrate_to_chat_id=SUPERGROUP)  # the migration message is late
    await close(app, api, first)
    [second] = polls_to(api, SUPERGROUP)
    assert poll_id(second) in await stored_polls(app)
    assert (await running_round(app, SUPERGROUP)).poll_id == poll_id(second)
    await answer(app, second, ASHA, correct(second), "Asha")
    await close(app, api, second)
    assert "Asha: 2 of 2 right" in texts_to(api, SUPERGROUP)[-1]


def test_a_summary_of_a_thousand_tied_players_stays_one_short_message() -> None:
    current = Round(GROUP, None, None, "quiz", [], total=3, open_period=30, asked=3)
    for user in range(1000):
        current.tally[user] = Tally("W" * 64, answered=3, correct=3, fastest=1.0 + user)
    summary = views.round_summary(current, stopped=False)
    assert len(summary) < 1500
    assert f"{'W' * 31}… and 995 more (3 right)" in summary
    assert "…and 990 more." in summary
