"""/quiz rounds, poll answers, /top and /review, fed through the real application."""

from __future__ import annotations

import sqlite3
from functools import partial

import pytest
from telegram.ext import Application

from faqbot.bot import quiz_store
from faqbot.bot.app import build_application
from faqbot.bot.services import services
from faqbot.bot.settings import Settings
from faqbot.bot.storage import Storage
from faqbot.handlers import admin, quiz
from faqbot.knowledge import Pack
from faqbot.knowledge.quiz import QuizBank
from tests.conftest import feed
from tests.support import updates as u
from tests.support.fake_bot_api import Call, FakeBotAPI

ASHA, RAVI, MEERA, ADMIN = 5001, 5002, 5003, 5004
GROUP = -4001
SUPERGROUP = -1004001


def texts_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    """Texts the bot sent to a chat, oldest first."""
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


def polls_to(api: FakeBotAPI, chat_id: int = GROUP) -> list[Call]:
    """sendPoll calls to a chat, oldest first."""
    return [c for c in api.calls_to("sendPoll") if c.params["chat_id"] == chat_id]


def poll_id(call: Call) -> str:
    return call.result["poll"]["id"]


def correct(call: Call) -> int:
    [option] = call.params["correct_option_ids"]
    return option


def wrong(call: Call) -> int:
    return (correct(call) + 1) % len(call.params["options"])


async def say(app: Application, text: str, user: int = ASHA, chat_id: int = GROUP) -> None:
    chat_type = "private" if chat_id > 0 else "group"
    names = {ASHA: "Asha", RAVI: "Ravi", MEERA: "Meera", ADMIN: "Admin"}
    await feed(app, u.message(chat_id, user, text, chat_type=chat_type, first_name=names[user]))


async def answer(app: Application, call: Call, user: int, option: int, name: str = "") -> None:
    await feed(app, u.poll_answer(poll_id(call), user, [option], first_name=name or str(user)))


async def close(app: Application, api: FakeBotAPI, call: Call, grace_over: bool = True) -> None:
    """Deliver the `poll` update Telegram sends when a poll closes; by default also let the
    grace period for answers still on their way pass."""
    await feed(app, {"poll": {**api.get_poll(poll_id(call)), "is_closed": True}})
    if grace_over:
        for job in app.job_queue.jobs():
            if job.callback is quiz.forget_poll_job:
                job.schedule_removal()
                await job.run(app)


async def play(app: Application, api: FakeBotAPI, answers: dict[int, bool]) -> None:
    """Run a one-question /quiz in the group with these players answering right or not."""
    await say(app, "/quiz")
    call = polls_to(api)[-1]
    for user, right in answers.items():
        await answer(app, call, user, correct(call) if right else wrong(call), f"P{user}")
    await close(app, api, call)


# --- posting polls ---------------------------------------------------------------------------


async def test_quiz_posts_one_non_anonymous_quiz_poll_from_the_pack(
    app: Application, api: FakeBotAPI, settings: Settings
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    params = call.params
    assert params["type"] == "quiz"
    assert params["is_anonymous"] is False
    assert params["open_period"] == settings.quiz_open_period
    assert "correct_option_id" not in params
    options = [option["text"] for option in params["options"]]
    item = next(
        i for i in QuizBank.from_pack(services(app).pack).items if i.question == params["question"]
    )
    assert options[correct(call)] == item.correct
    assert sorted(options) == sorted([item.correct, *item.distractors])
    assert params["explanation"] == item.explanation
    # Plain text, not HTML: an '&' or '<' in the pack must reach Telegram as written.
    assert "question_parse_mode" not in params and "explanation_parse_mode" not in params
    assert texts_to(api, GROUP) == []  # a lone poll needs no "round over" message


@pytest.mark.parametrize("arguments", ["0", "1000", "abc", "-3", "2 3", "21"])
async def test_bad_round_sizes_get_the_usage(
    app: Application, api: FakeBotAPI, arguments: str
) -> None:
    await say(app, f"/quiz {arguments}")
    assert polls_to(api) == []
    assert texts_to(api, GROUP) == [quiz.USAGE]


async def test_a_round_posts_each_poll_after_the_last_one_closes(
    app: Application, api: FakeBotAPI
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
    app: Application, api: FakeBotAPI
) -> None:
    await say(app, "/quiz 2")
    first = polls_to(api)[0]
    assert set(app.bot_data[quiz.POLLS_KEY]) == {poll_id(first)}
    await close(app, api, first)
    second = polls_to(api)[1]
    assert set(app.bot_data[quiz.POLLS_KEY]) == {poll_id(second)}
    await close(app, api, second)
    assert app.bot_data[quiz.POLLS_KEY] == {}
    assert app.bot_data[quiz.ROUNDS_KEY] == {}
    assert await services(app).storage.run(quiz_store.open_polls) == []
    # Only the job every application has is left: the question log's daily pruning.
    assert [job.name for job in app.job_queue.jobs()] == [admin.RETENTION_JOB]


async def test_a_chat_runs_one_round_at_a_time(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/quiz 2")
    await say(app, "/quiz 5", user=RAVI)
    assert len(polls_to(api)) == 1
    assert "already running" in texts_to(api, GROUP)[-1]
    await say(app, "/quiz", chat_id=RAVI, user=RAVI)  # other chats are not held up
    assert len(polls_to(api, RAVI)) == 1


# --- stopping --------------------------------------------------------------------------------


async def test_the_starter_stops_the_round_and_its_open_poll(
    app: Application, api: FakeBotAPI
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


async def test_another_member_may_not_stop_the_round(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/quiz 5")
    await say(app, "/quiz stop", user=RAVI)
    assert texts_to(api, GROUP)[-1] == quiz.STOP_REFUSED
    assert api.calls_to("stopPoll") == []
    assert [c.params["user_id"] for c in api.calls_to("getChatMember")] == [RAVI]


async def test_a_chat_admin_may_stop_the_round(app: Application, api: FakeBotAPI) -> None:
    api.set_chat_member_status(GROUP, ADMIN, "administrator")
    await say(app, "/quiz 5")
    await say(app, "/quiz stop", user=ADMIN)
    assert len(api.calls_to("stopPoll")) == 1
    assert "Round stopped" in texts_to(api, GROUP)[-1]


async def test_stop_without_a_round_says_so(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/quiz stop")
    assert texts_to(api, GROUP) == ["No quiz round is running here."]


# --- scores ----------------------------------------------------------------------------------


async def test_top_ranks_players_with_ties_and_shows_the_askers_rank(
    app: Application, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True, RAVI: True, MEERA: False})
    await play(app, api, {ASHA: True, RAVI: False, MEERA: False})
    await say(app, "/top", user=MEERA)
    board = texts_to(api, GROUP)[-1]
    lines = board.splitlines()
    assert lines[1].startswith(f"1. P{ASHA}: 2 of 2 right")
    assert lines[2].startswith(f"2. P{RAVI}: 1 of 2 right")
    assert lines[3] == f"3. P{MEERA}: 0 of 2 right"
    assert lines[-1] == "You: #3 of 3 players"


async def test_an_answer_delivered_twice_counts_once(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    update = u.poll_answer(poll_id(call), ASHA, [correct(call)], first_name="Asha")
    await feed(app, update)
    await feed(app, update)
    await say(app, "/top")
    assert "Asha: 1 of 1 right" in texts_to(api, GROUP)[-1]


async def test_answers_to_unknown_or_closed_polls_are_ignored(
    app: Application, api: FakeBotAPI
) -> None:
    await feed(app, u.poll_answer("5900000000000000999", ASHA, [0]))
    await say(app, "/quiz")
    [call] = polls_to(api)
    await close(app, api, call)
    await answer(app, call, ASHA, correct(call), "Asha")
    await say(app, "/top")
    assert texts_to(api, GROUP)[-1] == "No quiz answers in this chat yet. Send /quiz to start."


async def test_scores_follow_a_group_that_becomes_a_supergroup(
    app: Application, api: FakeBotAPI
) -> None:
    await play(app, api, {ASHA: True, RAVI: False})
    await feed(app, u.migrate_to_chat(GROUP, SUPERGROUP, ASHA))
    await say(app, "/top", chat_id=SUPERGROUP)
    board = texts_to(api, SUPERGROUP)[-1]
    assert "1. P" in board and "1 of 1 right" in board and "0 of 1 right" in board


async def test_an_answer_sent_just_before_the_close_still_counts(
    app: Application, api: FakeBotAPI
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    await close(app, api, call, grace_over=False)
    await answer(app, call, ASHA, correct(call), "Asha")  # accepted by Telegram, arrived late
    await say(app, "/top")
    assert "1. Asha: 1 of 1 right" in texts_to(api, GROUP)[-1]


async def test_an_answer_from_someone_who_has_left_the_group_still_counts(
    app: Application, api: FakeBotAPI
) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    api.set_chat_member_status(GROUP, RAVI, "left")
    await answer(app, call, RAVI, correct(call), "Ravi")
    await say(app, "/top")
    assert "1. Ravi: 1 of 1 right" in texts_to(api, GROUP)[-1]


async def test_top_in_private_shows_the_users_own_record(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/top", chat_id=ASHA)
    assert "not answered any quiz yet" in texts_to(api, ASHA)[-1]
    await play(app, api, {ASHA: True})
    await say(app, "/quiz", chat_id=ASHA)
    call = polls_to(api, ASHA)[-1]
    await answer(app, call, ASHA, wrong(call), "Asha")
    await say(app, "/top", chat_id=ASHA)
    record = texts_to(api, ASHA)[-1]
    assert "Your quiz record" in record and "1 of 2 right" in record and "over 2 chats" in record


async def test_names_on_the_leaderboard_are_escaped(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/quiz")
    [call] = polls_to(api)
    await answer(app, call, ASHA, correct(call), "<b>Asha</b> & co")
    await say(app, "/top")
    assert "&lt;b&gt;Asha&lt;/b&gt; &amp; co" in texts_to(api, GROUP)[-1]


def test_leaderboard_ties_share_a_rank_and_the_next_rank_skips(tmp_path) -> None:
    storage = Storage(tmp_path / "scores.sqlite3")
    storage.open()
    try:
        for number, key in enumerate(["a", "b"]):
            storage.run_sync(
                partial(
                    quiz_store.add_poll,
                    poll=quiz_store.OpenPoll(f"p{number}", GROUP, number, key, 0, 100.0, 130.0),
                )
            )
        # Asha and Ravi: 2 right at 3.0 s on average; Meera: 2 right but slower; Dev: 1 right.
        answers = [
            ("p0", 1, "Asha", 0, 102.0),
            ("p1", 1, "Asha", 0, 104.0),
            ("p0", 2, "Ravi", 0, 103.0),
            ("p1", 2, "Ravi", 0, 103.0),
            ("p0", 3, "Meera", 0, 110.0),
            ("p1", 3, "Meera", 0, 110.0),
            ("p0", 4, "Dev", 0, 101.0),
            ("p1", 4, "Dev", 1, 101.0),
        ]
        for poll, user, name, option, at in answers:
            storage.run_sync(
                partial(
                    quiz_store.record_answer,
                    poll_id=poll,
                    user_id=user,
                    name=name,
                    option=option,
                    answered_at=at,
                )
            )
        board = storage.run_sync(partial(quiz_store.leaderboard, chat_id=GROUP))
        assert [(row.rank, row.name) for row in board] == [
            (1, "Asha"),
            (1, "Ravi"),
            (3, "Meera"),
            (4, "Dev"),
        ]
        assert board[0].average_seconds == pytest.approx(3.0)
        ravi = storage.run_sync(partial(quiz_store.standing, chat_id=GROUP, user_id=2))
        assert ravi is not None and ravi.rank == 1
        assert storage.run_sync(partial(quiz_store.standing, chat_id=GROUP, user_id=9)) is None
        top_two = storage.run_sync(partial(quiz_store.leaderboard, chat_id=GROUP, limit=2))
        assert [row.name for row in top_two] == ["Asha", "Ravi"]
    finally:
        storage.close()


# --- review ----------------------------------------------------------------------------------


async def test_review_asks_again_what_was_missed_and_later_what_was_right(
    app: Application, api: FakeBotAPI
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


async def test_review_is_for_private_chats(app: Application, api: FakeBotAPI) -> None:
    await say(app, "/review")
    assert texts_to(api, GROUP) == [quiz.REVIEW_IN_PRIVATE]
    assert polls_to(api) == []


async def test_quiz_and_top_are_in_both_menus_and_review_only_in_private(
    app: Application, api: FakeBotAPI
) -> None:
    menus = {
        c.params["scope"]["type"]: {command["command"] for command in c.params["commands"]}
        for c in api.calls_to("setMyCommands")
    }
    assert {"quiz", "top", "review"} <= menus["all_private_chats"]
    assert {"quiz", "top"} <= menus["all_group_chats"]
    assert "review" not in menus["all_group_chats"]


# --- restarts --------------------------------------------------------------------------------


async def start(settings: Settings, pack: Pack) -> Application:
    application = build_application(settings, pack=pack)
    await application.initialize()
    await application.post_init(application)
    return application


async def stop(application: Application) -> None:
    await application.shutdown()
    await application.post_shutdown(application)


async def test_a_restart_keeps_scores_and_counts_answers_to_polls_left_open(
    settings: Settings, pack: Pack, api: FakeBotAPI
) -> None:
    first = await start(settings, pack)
    try:
        await say(first, "/quiz 2")
        [call] = polls_to(api)
        await answer(first, call, ASHA, correct(call), "Asha")
    finally:
        await stop(first)
    second = await start(settings, pack)
    try:
        assert set(second.bot_data[quiz.POLLS_KEY]) == {poll_id(call)}
        await answer(second, call, RAVI, correct(call), "Ravi")  # given while the bot was down
        await answer(second, call, ASHA, correct(call), "Asha")  # re-sent: still counts once
        await close(second, api, call)
        await say(second, "/top")
        board = texts_to(api, GROUP)[-1]
        assert "Asha: 1 of 1 right" in board and "Ravi: 1 of 1 right" in board
        assert await services(second).storage.run(quiz_store.open_polls) == []
        assert len(polls_to(api)) == 1  # the round itself does not survive a restart
    finally:
        await stop(second)


async def test_the_schema_has_the_quiz_tables(app: Application) -> None:
    def tables(connection: sqlite3.Connection) -> set[str]:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}

    assert {"quiz_poll", "quiz_answer", "quiz_score", "review_box"} <= await services(
        app
    ).storage.run(tables)
