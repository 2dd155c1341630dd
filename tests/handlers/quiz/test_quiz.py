"""/quiz rounds, poll answers, /top and /review, fed through the real application."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError
from telegram import Poll

from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.handlers.answers import stats
from faqbot.handlers.daily.delivery import LOOP_JOB
from faqbot.handlers.quiz import rounds, standings
from faqbot.knowledge import Pack, catalogue
from faqbot.knowledge.bundle import Knowledge
from faqbot.storage.quiz import StoredRound
from tests.support import updates as u
from tests.support.application import CLOSES_AWAITED_BY_THE_TEST, feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI

ASHA, RAVI, MEERA, ADMIN = 5001, 5002, 5003, 5004
GROUP = -4001
SUPERGROUP = -1004001

pytestmark = CLOSES_AWAITED_BY_THE_TEST


def texts_to(api: FakeBotAPI, chat_id: int, reveals: bool = False) -> list[str]:
    """Texts the bot sent to a chat, oldest first; without the answers it reveals after each
    poll unless asked for."""
    return [
        c.params["text"]
        for c in api.calls_to("sendMessage")
        if c.params["chat_id"] == chat_id and (reveals or not c.params["text"].startswith("✅"))
    ]


def polls_to(api: FakeBotAPI, chat_id: int = GROUP) -> list[Call]:
    """sendPoll calls to a chat, oldest first."""
    return [c for c in api.calls_to("sendPoll") if c.params["chat_id"] == chat_id]


async def stored_polls(app: BotApplication) -> set[str]:
    """Ids of the polls the database has not closed yet."""
    return {poll.poll_id for poll in await app.bot_data.stores.quiz.open_polls()}


async def running_round(app: BotApplication, chat_id: int = GROUP) -> StoredRound | None:
    """The chat's round as the database keeps it."""
    return await app.bot_data.stores.quiz.round_of(chat_id)


def poll_id(call: Call) -> str:
    return call.result["poll"]["id"]


def correct(call: Call) -> int:
    [option] = call.params["correct_option_ids"]
    return option


def wrong(call: Call) -> int:
    return (correct(call) + 1) % len(call.params["options"])


async def say(app: BotApplication, text: str, user: int = ASHA, chat_id: int = GROUP) -> None:
    chat_type = "private" if chat_id > 0 else "group"
    names = {ASHA: "Asha", RAVI: "Ravi", MEERA: "Meera", ADMIN: "Admin"}
    await feed(app, u.message(chat_id, user, text, chat_type=chat_type, first_name=names[user]))


async def answer(app: BotApplication, call: Call, user: int, option: int, name: str = "") -> None:
    await feed(app, u.poll_answer(poll_id(call), user, [option], first_name=name or str(user)))


async def close(app: BotApplication, api: FakeBotAPI, call: Call, grace_over: bool = True) -> None:
    """Deliver the `poll` update Telegram sends when a poll closes; by default also let the
    grace period for answers still on their way pass."""
    await feed(app, {"poll": {**api.get_poll(poll_id(call)), "is_closed": True}})
    if grace_over:
        await app.bot_data.stores.quiz.forget_closed(time.time() + 1)


async def play(app: BotApplication, api: FakeBotAPI, answers: dict[int, bool]) -> None:
    """Run a one-question /quiz in the group with these players answering right or not."""
    await say(app, "/quiz")
    call = polls_to(api)[-1]
    for user, right in answers.items():
        await answer(app, call, user, correct(call) if right else wrong(call), f"P{user}")
    await close(app, api, call)


# --- posting polls ---------------------------------------------------------------------------


async def test_quiz_posts_one_non_anonymous_quiz_poll_from_the_pack(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    params = call.params
    assert params["type"] == "quiz"
    assert params["is_anonymous"] is False
    assert params["open_period"] == settings.quiz_open_period
    assert "correct_option_id" not in params
    options = [option["text"] for option in params["options"]]
    item = next(i for i in app.bot_data.knowledge.bank.items if i.question == params["question"])
    assert options[correct(call)] == item.correct
    assert sorted(options) == sorted([item.correct, *item.distractors])
    assert params["explanation"] == item.explanation
    # Plain text, not HTML: an '&' or '<' in the pack must reach Telegram as written.
    assert "question_parse_mode" not in params and "explanation_parse_mode" not in params
    assert texts_to(api, GROUP) == []  # a lone poll needs no "round over" message


@pytest.mark.parametrize("arguments", ["0", "1000", "-3", "21", "10000", "9" * 5000])
async def test_impossible_round_sizes_say_what_a_round_can_be(
    app: BotApplication, api: FakeBotAPI, arguments: str
) -> None:
    await say(app, f"/quiz {arguments}")
    assert polls_to(api) == []
    [reply] = texts_to(api, GROUP)
    assert reply.startswith("A round has 1 to 20 questions") and len(reply) < 200


async def test_a_round_posts_each_poll_after_the_last_one_closes(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 3")
    first = polls_to(api)
    assert len(first) == 1 and first[0].params["question"].startswith("[1/3] ")
    await answer(app, first[0], ASHA, correct(first[0]), "Asha")
    await close(app, api, first[0])
    second = polls_to(api)
    assert len(second) == 2 and second[1].params["question"].startswith("[2/3] ")
    await close(app, api, second[1])
    await close(app, api, second[1])  # a second report of the same close changes nothing
    third = polls_to(api)
    assert len(third) == 3
    assert len({c.params["question"] for c in third}) == 3
    await answer(app, third[2], ASHA, wrong(third[2]), "Asha")
    await close(app, api, third[2])
    assert len(polls_to(api)) == 3
    [summary] = texts_to(api, GROUP)
    assert "Round over" in summary and "Asha: 1 of 2 right" in summary


async def test_closing_a_poll_forgets_it_in_memory_and_in_the_database(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 2")
    first = polls_to(api)[0]
    assert await stored_polls(app) == {poll_id(first)}
    assert (await running_round(app)).poll_id == poll_id(first)
    await close(app, api, first, grace_over=False)
    second = polls_to(api)[1]
    # The closed poll counts answers for a grace period, then is forgotten.
    assert await stored_polls(app) == {poll_id(second)}
    assert await app.bot_data.stores.quiz.forget_closed(time.time() + 1) == 1
    assert (await running_round(app)).poll_id == poll_id(second)
    await close(app, api, second)
    assert app.bot_data.quiz.rounds == {}
    assert await running_round(app) is None
    assert await stored_polls(app) == set()
    # No job per poll: only the jobs every application has, the question log's daily pruning,
    # the weekly standings check, the daily delivery loop and the quiz's close loop.
    assert sorted(job.name for job in app.job_queue.jobs()) == sorted(
        [stats.RETENTION_JOB, standings.WEEKLY_JOB, LOOP_JOB, rounds.CLOSE_LOOP_JOB]
    )


async def test_a_chat_runs_one_round_at_a_time(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, "/quiz 2")
    await say(app, "/quiz 5", user=RAVI)
    assert len(polls_to(api)) == 1
    assert "already running" in texts_to(api, GROUP)[-1]
    await say(app, "/quiz", chat_id=RAVI, user=RAVI)  # other chats are not held up
    assert len(polls_to(api, RAVI)) == 1


# --- stopping --------------------------------------------------------------------------------


async def test_the_starter_stops_the_round_and_its_open_poll(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 5")
    [call] = polls_to(api)
    await say(app, "/quiz stop")
    [stopped] = api.calls_to("stopPoll")
    assert stopped.params["message_id"] == call.result["message_id"]
    assert "<b>Round stopped</b> after 1 of 5" in texts_to(api, GROUP)[-1]
    await close(app, api, call)
    assert len(polls_to(api)) == 1
    await say(app, "/quiz")  # the chat is free again
    assert len(polls_to(api)) == 2


async def test_another_member_may_not_stop_the_round(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, "/quiz 5")
    await say(app, "/quiz stop", user=RAVI)
    assert texts_to(api, GROUP)[-1] == catalogue.say("en", "quiz_stop_refused")
    assert api.calls_to("stopPoll") == []
    assert [c.params["user_id"] for c in api.calls_to("getChatMember")] == [RAVI]


async def test_a_chat_admin_may_stop_the_round(app: BotApplication, api: FakeBotAPI) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await say(app, "/quiz 5")
    await say(app, "/quiz stop", user=ADMIN)
    assert len(api.calls_to("stopPoll")) == 1
    assert "Round stopped" in texts_to(api, GROUP)[-1]


async def test_stop_without_a_round_says_so(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, "/quiz stop")
    assert texts_to(api, GROUP) == ["No quiz round is running here."]


# --- scores ----------------------------------------------------------------------------------


async def test_top_ranks_players_with_ties_and_shows_the_askers_rank(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True, RAVI: True, MEERA: False})
    await play(app, api, {ASHA: True, RAVI: False, MEERA: False})
    await say(app, "/top", user=MEERA)
    board = texts_to(api, GROUP)[-1]
    lines = board.splitlines()
    assert lines[0] == "<b>This week's quiz standings</b>"
    assert lines[1].startswith(f"1. P{ASHA}: 2 of 2 right")
    assert lines[2].startswith(f"2. P{RAVI}: 1 of 2 right")
    assert lines[3] == f"3. P{MEERA}: 0 of 2 right"
    assert lines[-2] == "You: #3 of 3 players"


async def test_an_answer_delivered_twice_counts_once(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    update = u.poll_answer(poll_id(call), ASHA, [correct(call)], first_name="Asha")
    await feed(app, update)
    await feed(app, update)
    await say(app, "/top")
    assert "Asha: 1 of 1 right" in texts_to(api, GROUP)[-1]


async def test_answers_to_unknown_or_closed_polls_are_ignored(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.poll_answer("5900000000000000999", ASHA, [0]))
    await say(app, "/quiz")
    [call] = polls_to(api)
    await close(app, api, call)
    await answer(app, call, ASHA, correct(call), "Asha")
    await say(app, "/top")
    assert texts_to(api, GROUP)[-1] == "No quiz answers here this week yet. Send /quiz to start."


async def test_scores_follow_a_group_that_becomes_a_supergroup(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True, RAVI: False})
    await feed(app, u.migrate_to_chat(GROUP, SUPERGROUP, ASHA))
    await say(app, "/top", chat_id=SUPERGROUP)
    board = texts_to(api, SUPERGROUP)[-1]
    assert "1. P" in board and "1 of 1 right" in board and "0 of 1 right" in board


async def test_an_answer_sent_just_before_the_close_still_counts(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    await close(app, api, call, grace_over=False)
    await answer(app, call, ASHA, correct(call), "Asha")  # accepted by Telegram, arrived late
    await say(app, "/top")
    assert "1. Asha: 1 of 1 right" in texts_to(api, GROUP)[-1]


async def test_an_answer_from_someone_who_has_left_the_group_still_counts(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    api.set_chat_member_status(GROUP, RAVI, "left")
    await answer(app, call, RAVI, correct(call), "Ravi")
    await say(app, "/top")
    assert "1. Ravi: 1 of 1 right" in texts_to(api, GROUP)[-1]


async def test_top_in_private_shows_the_users_own_record(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/top", chat_id=ASHA)
    assert "not answered any quiz yet" in texts_to(api, ASHA)[-1]
    await play(app, api, {ASHA: True})
    await say(app, "/quiz", chat_id=ASHA)
    call = polls_to(api, ASHA)[-1]
    await answer(app, call, ASHA, wrong(call), "Asha")
    await say(app, "/top", chat_id=ASHA)
    record = texts_to(api, ASHA)[-1]
    assert "Your quiz record" in record and "1 of 2 right" in record and "over 2 chats" in record


async def test_names_on_the_leaderboard_are_escaped(app: BotApplication, api: FakeBotAPI) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    await answer(app, call, ASHA, correct(call), "<b>Asha</b> & co")
    await say(app, "/top")
    assert "&lt;b&gt;Asha&lt;/b&gt; &amp; co" in texts_to(api, GROUP)[-1]


# --- review ----------------------------------------------------------------------------------


async def test_review_asks_again_what_was_missed_and_later_what_was_right(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/review", chat_id=ASHA)
    assert "Nothing to review yet" in texts_to(api, ASHA)[-1]
    await play(app, api, {ASHA: False})  # missed in the group
    missed = polls_to(api)[-1].params["question"]
    await play(app, api, {ASHA: True})  # right in the group
    await say(app, "/review", chat_id=ASHA)
    [call] = polls_to(api, ASHA)
    assert call.params["question"] == missed
    await answer(app, call, ASHA, correct(call), "Asha")
    await close(app, api, call)
    assert "<b>Review done</b>: 1 of 1 right" in texts_to(api, ASHA)[-1]
    await say(app, "/review", chat_id=ASHA)
    assert "Your next review is due in about 24 hours" in texts_to(api, ASHA)[-1]
    assert len(polls_to(api, ASHA)) == 1


async def test_review_in_a_group_links_to_a_private_chat_that_starts_it(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: False})
    missed = polls_to(api)[-1].params["question"]
    await say(app, "/review")
    [call] = [c for c in api.calls_to("sendMessage") if "private chat" in c.params["text"]]
    assert call.params["text"] == catalogue.say("en", "quiz_review_in_group")
    [[button]] = call.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{u.BOT_USERNAME}?start=review_mistakes"
    assert len(polls_to(api)) == 1  # nothing asked in the group
    # Tapping it opens the private chat with "/start review_mistakes".
    await say(app, "/start review_mistakes", chat_id=ASHA)
    [review] = polls_to(api, ASHA)
    assert review.params["question"] == missed


async def test_quiz_top_and_review_are_in_both_menus_and_settings_for_admins(
    app: BotApplication, api: FakeBotAPI
) -> None:
    menus = {
        c.params["scope"]["type"]: {command["command"] for command in c.params["commands"]}
        for c in api.calls_to("setMyCommands")
    }
    assert {"quiz", "top", "review", "quizsettings"} <= menus["all_private_chats"]
    assert {"quiz", "top", "review"} <= menus["all_group_chats"]
    assert "quizsettings" not in menus["all_group_chats"]
    assert {"quiz", "top", "review", "quizsettings"} <= menus["all_chat_administrators"]


# --- restarts --------------------------------------------------------------------------------


async def test_a_restart_keeps_scores_counts_answers_to_polls_left_open_and_the_round(
    settings: Settings, pack: Pack, api: FakeBotAPI
) -> None:
    async with running(settings, pack) as first:
        await say(first, "/quiz 2")
        [call] = polls_to(api)
        await answer(first, call, ASHA, correct(call), "Asha")
    async with running(settings, pack) as second:
        assert await stored_polls(second) == {poll_id(call)}
        await answer(second, call, RAVI, correct(call), "Ravi")  # given while the bot was down
        await answer(second, call, ASHA, correct(call), "Asha")  # re-sent: still counts once
        await close(second, api, call)
        # The round is kept in the database: the run after the restart moves it on.
        [_, later] = polls_to(api)
        assert later.params["question"].startswith("[2/2] ")
        assert await stored_polls(second) == {poll_id(later)}
        await close(second, api, later)
        # Its summary counts the answers given before the restart too.
        summary = texts_to(api, GROUP)[-1]
        assert "Round over</b> after 2 of 2" in summary
        assert "Asha: 1 of 1 right" in summary and "Ravi: 1 of 1 right" in summary, summary
        await say(second, "/top")
        board = texts_to(api, GROUP)[-1]
        assert "Asha: 1 of 1 right" in board and "Ravi: 1 of 1 right" in board
        assert await stored_polls(second) == set()


async def test_the_schema_has_the_quiz_tables(app: BotApplication) -> None:
    def tables(connection: Connection) -> set[str]:
        rows = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}

    assert {"quiz_poll", "quiz_answer", "quiz_result", "quiz_player", "review_box"} <= (
        await app.bot_data.stores.database.run(tables)
    )


async def test_a_round_keeps_its_items_through_a_reload_that_removed_them(
    app: BotApplication, api: FakeBotAPI, pack: Pack
) -> None:
    await say(app, "/quiz 3")
    [first] = polls_to(api)
    # A reload swaps in a pack with no quiz items at all.
    bare = dataclasses.replace(
        pack,
        entries=tuple(
            dataclasses.replace(e, quiz=(), short_answer=None, translations={})
            for e in pack.entries
        ),
        translations={},
        info=dataclasses.replace(pack.info, languages=()),
    )
    app.bot_data.knowledge = Knowledge.build(bare, version=2)
    assert not app.bot_data.knowledge.bank.items
    await close(app, api, first)
    # The closed poll's answer is still revealed, and the round goes on to its end.
    assert any(text.startswith("✅") for text in texts_to(api, GROUP, reveals=True))
    for number in (2, 3):
        polls = polls_to(api)
        assert len(polls) == number and polls[-1].params["question"].startswith(f"[{number}/3] ")
        await close(app, api, polls[-1])
    [summary] = texts_to(api, GROUP)
    assert "Round over" in summary


# --- closing on the timer ----------------------------------------------------------------------


async def run_close_jobs(app: BotApplication) -> None:
    """Run the close loop's beat as it runs once the polls' time is up, and wait for the
    closes it starts."""
    later = time.time() + Poll.MAX_OPEN_PERIOD
    await asyncio.gather(*await rounds.close_due(app, now=later))


async def test_a_poll_telegram_closes_itself_is_not_stopped_but_its_round_moves_on(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    assert settings.quiz_open_period >= Poll.MIN_OPEN_PERIOD
    await say(app, "/quiz 2")
    [first] = polls_to(api)
    await run_close_jobs(app)
    # Telegram's own countdown (open_period) closed it: a stopPoll would only be refused.
    assert api.calls_to("stopPoll") == []
    assert len([t for t in texts_to(api, GROUP, reveals=True) if t.startswith("✅")]) == 1
    assert len(polls_to(api)) == 2 and poll_id(first) not in await stored_polls(app)


async def test_a_poll_shorter_than_telegrams_shortest_countdown_is_stopped(
    api: FakeBotAPI, settings: Settings, pack: Pack
) -> None:
    short = dataclasses.replace(settings, quiz_open_period=Poll.MIN_OPEN_PERIOD - 1)
    async with running(short, pack) as app:
        await say(app, "/quiz 2")
        [first] = polls_to(api)
        assert first.params["open_period"] == Poll.MIN_OPEN_PERIOD
        await run_close_jobs(app)
        [stopped] = api.calls_to("stopPoll")
        assert stopped.params["message_id"] == first.result["message_id"]
        assert len(polls_to(api)) == 2


def refused_once(store: object, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's `name` fails its next call as an unreachable database does, then works."""
    real = getattr(store, name)
    failures = [OperationalError("SELECT", {}, Exception("connection refused"))]

    async def failing(*args: object, **kwargs: object) -> object:
        if failures:
            raise failures.pop()
        return await real(*args, **kwargs)

    monkeypatch.setattr(store, name, failing)


async def test_a_close_the_database_failed_is_done_again_once_its_lease_runs_out(
    app: BotApplication, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    await say(app, "/quiz 2")
    [first] = polls_to(api)
    refused_once(app.bot_data.stores.quiz, "round_of", monkeypatch)
    due = time.time() + Poll.MAX_OPEN_PERIOD
    await asyncio.gather(*await rounds.close_due(app, now=due))
    assert len(polls_to(api)) == 1 and poll_id(first) in await stored_polls(app)
    # The process beats on, but no longer renews the failed close's lease ...
    assert await rounds.close_due(app, now=due + 1) == []
    # ... so once it runs out, the poll is closed again and its round moves on, and ends.
    later = due + rounds.CLOSE_LEASE_SECONDS + 2
    await asyncio.gather(*await rounds.close_due(app, now=later))
    [_, second] = polls_to(api)
    assert await stored_polls(app) == {poll_id(second)}
    await close(app, api, second)
    assert await running_round(app) is None and await stored_polls(app) == set()
    assert "Round over" in texts_to(api, GROUP)[-1]


async def test_a_summary_telegram_refuses_leaves_no_poll_open_nor_round_running(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 2")
    await run_close_jobs(app)
    assert len(polls_to(api)) == 2
    api.fail_when(
        "sendMessage",
        lambda call: "Round over" in call.params["text"],
        error_code=403,
        description="Forbidden: bot was kicked from the group chat",
    )
    await run_close_jobs(app)  # the summary's refusal does not escape the close
    assert await stored_polls(app) == set() and await running_round(app) is None
    assert api.rejected_calls_to("sendMessage")
    await say(app, "/quiz")  # the chat is free for a new round
    assert len(polls_to(api)) == 3


async def test_a_start_whose_reply_fails_leaves_the_chat_free(
    app: BotApplication, api: FakeBotAPI
) -> None:
    api.fail_when(
        "sendMessage",
        lambda call: True,
        error_code=403,
        description="Forbidden: bot was kicked from the group chat",
    )
    await say(app, "/quiz defence 20")  # its "only N on that topic" reply is refused
    assert api.rejected_calls_to("sendMessage") and polls_to(api) == []
    assert await running_round(app) is None and app.bot_data.quiz.starting == set()


async def test_a_poll_that_goes_out_after_its_round_was_stopped_is_stopped_too(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 3")
    [first] = polls_to(api)
    release = api.hold_answers("sendPoll")
    closing = asyncio.create_task(close(app, api, first))
    try:
        # The round's second poll is out, and the bot waits for Telegram's answer ...
        await asyncio.to_thread(api.wait_for, "sendPoll", count=2)
        await say(app, "/quiz stop")  # ... when the round is stopped.
    finally:
        release.set()
    await closing
    [_, second] = polls_to(api)
    [stopped] = api.calls_to("stopPoll")
    assert stopped.params["message_id"] == second.result["message_id"]
    assert await stored_polls(app) == set() and await running_round(app) is None
    assert len(polls_to(api)) == 2
    assert len([t for t in texts_to(api, GROUP) if "Round" in t]) == 1, texts_to(api, GROUP)
