"""Two replicas (two real applications) on one PostgreSQL database: a poll answer that reaches
the replica which did not send the poll still counts, even one that arrives before the
sender stored the poll; both run the daily delivery loop, and only the leader keeps the jobs
that must run once per bot."""

from __future__ import annotations

import asyncio
import dataclasses
import time as clock
from collections.abc import AsyncIterator
from datetime import time

import pytest

from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.handlers.answers.stats import RETENTION_JOB
from faqbot.handlers.daily.delivery import LOOP_JOB
from faqbot.handlers.quiz import rounds
from faqbot.handlers.quiz.standings import WEEKLY_JOB
from faqbot.knowledge import Pack
from tests.support import updates as u
from tests.support.application import CLOSES_AWAITED_BY_THE_TEST, feed, running
from tests.support.databases import postgresql_schema
from tests.support.fake_bot_api import FakeBotAPI

pytestmark = [pytest.mark.services, CLOSES_AWAITED_BY_THE_TEST]

ASHA, RAVI = 5101, 5102
GROUP = -4101


@pytest.fixture
async def replicas(
    settings: Settings, pack: Pack, database_url: str
) -> AsyncIterator[tuple[BotApplication, BotApplication]]:
    """Two applications of one bot on one database schema: the first started leads."""
    with postgresql_schema(database_url) as url:
        shared = dataclasses.replace(settings, database=url)
        async with running(shared, pack) as first, running(shared, pack) as second:
            yield first, second


async def say(app: BotApplication, text: str, user: int) -> None:
    await feed(app, u.message(GROUP, user, text, chat_type="group", first_name=f"P{user}"))


def standings(api: FakeBotAPI) -> str:
    return [c.params["text"] for c in api.calls_to("sendMessage")][-1]


async def test_one_replica_leads(replicas: tuple[BotApplication, BotApplication]) -> None:
    first, second = replicas
    assert first.bot_data.leadership.is_leader
    assert not second.bot_data.leadership.is_leader


async def test_an_answer_reaching_the_other_replica_counts(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    sender, other = replicas
    await say(sender, "/quiz", ASHA)
    [poll] = api.calls_to("sendPoll")
    [right] = poll.params["correct_option_ids"]
    await feed(other, u.poll_answer(poll.result["poll"]["id"], RAVI, [right], first_name="Ravi"))
    await say(sender, "/top", ASHA)
    assert "Ravi: 1 of 1 right" in standings(api)


async def test_an_answer_before_the_sender_stored_its_poll_counts(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    sender, other = replicas
    release = api.hold_answers("sendPoll")  # the sender waits for Telegram's answer
    asking = asyncio.create_task(say(sender, "/quiz", ASHA))
    while not api.calls_to("sendPoll"):
        await asyncio.sleep(0.01)
    [poll] = api.calls_to("sendPoll")
    [right] = poll.params["correct_option_ids"]
    answering = asyncio.create_task(
        feed(other, u.poll_answer(poll.result["poll"]["id"], RAVI, [right], first_name="Ravi"))
    )
    await asyncio.sleep(0.5)
    assert not answering.done(), "the answer was given up before its poll was stored"
    release.set()
    await asyncio.wait_for(asyncio.gather(asking, answering), 15)
    await say(sender, "/top", ASHA)
    assert "Ravi: 1 of 1 right" in standings(api)


async def test_both_replicas_deliver_and_only_the_leader_keeps_the_once_per_bot_jobs(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    leader, follower = replicas
    for app in replicas:
        await app.start()  # the job queues run, as in `faqbot run`
    try:
        for app in replicas:  # deliveries are claimed in the database, by either replica
            assert app.job_queue.get_jobs_by_name(LOOP_JOB)
        for job in (RETENTION_JOB, WEEKLY_JOB):
            assert leader.job_queue.get_jobs_by_name(job)
            assert not follower.job_queue.get_jobs_by_name(job)
        # A /daily on the replica that does not lead is due at once, for whichever claims it.
        await feed(follower, u.message(ASHA, ASHA, "/daily 07:30"))
        assert "07:30" in api.calls_to("sendMessage")[-1].params["text"]
        subscription = await leader.bot_data.stores.daily.get(ASHA)
        assert subscription is not None and subscription.send_at == time(7, 30)
    finally:
        for app in replicas:
            await app.stop()


async def test_a_rounds_summary_counts_the_answers_the_other_replica_took(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    sender, other = replicas
    await say(sender, "/quiz 2", ASHA)
    for asked in (1, 2):
        poll = api.calls_to("sendPoll")[-1]
        assert len(api.calls_to("sendPoll")) == asked
        [right] = poll.params["correct_option_ids"]
        poll_id = poll.result["poll"]["id"]
        await feed(other, u.poll_answer(poll_id, RAVI, [right], first_name="Ravi"))
        await feed(sender, u.poll_answer(poll_id, ASHA, [(right + 1) % 2], first_name="Asha"))
        # Telegram tells the sender the poll closed: its round moves on, then ends.
        await feed(sender, {"poll": {**api.get_poll(poll_id), "is_closed": True}})
    summary = standings(api)
    assert "Round over" in summary, summary
    assert "Ravi: 2 of 2 right" in summary and "Asha: 0 of 2 right" in summary, summary


async def test_a_second_round_in_the_chat_on_the_other_replica_is_refused(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    first, second = replicas
    await say(first, "/quiz 3", ASHA)
    await say(second, "/quiz 2", RAVI)
    assert len(api.calls_to("sendPoll")) == 1
    assert "already running" in standings(api)
    assert "0 of 3" in standings(api) or "1 of 3" in standings(api)


def reveals(api: FakeBotAPI) -> list[str]:
    return [c.params["text"] for c in api.calls_to("sendMessage") if c.params["text"][0] == "✅"]


async def test_a_poll_whose_sender_is_gone_is_closed_and_its_round_moves_on_once(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    sender, other = replicas
    await say(sender, "/quiz 2", ASHA)
    [poll] = api.calls_to("sendPoll")
    [right] = poll.params["correct_option_ids"]
    await feed(other, u.poll_answer(poll.result["poll"]["id"], RAVI, [right], first_name="Ravi"))
    # The sender is gone (its close loop never beats again): the other's loop closes the poll
    # at its time and posts the round's next poll.
    later = clock.time() + 60
    await asyncio.gather(*await rounds.close_due(other, now=later))
    assert len(reveals(api)) == 1
    [_, second] = api.calls_to("sendPoll")
    assert second.params["question"].startswith("[2/2] ")
    # Both loops beat when the next poll is due: one of them closes it, and ends the round.
    beats = await asyncio.gather(
        rounds.close_due(sender, now=later + 60), rounds.close_due(other, now=later + 60)
    )
    closes = [task for tasks in beats for task in tasks]
    await asyncio.gather(*closes)
    assert len(closes) == 1 and len(reveals(api)) == 2 and len(api.calls_to("sendPoll")) == 2
    [summary] = [
        c.params["text"] for c in api.calls_to("sendMessage") if "Round over" in c.params["text"]
    ]
    assert "Ravi: 1 of 1 right" in summary, summary


async def test_the_close_of_a_gone_replica_is_taken_over_when_its_lease_runs_out(
    replicas: tuple[BotApplication, BotApplication], api: FakeBotAPI
) -> None:
    sender, other = replicas
    await say(sender, "/quiz 2", ASHA)
    [poll] = api.calls_to("sendPoll")
    due = clock.time() + 60
    # The sender claims the close, then dies before doing it: nothing is sent.
    claimed = await sender.bot_data.stores.quiz.close_tick(
        sender.bot_data.quiz.replica, due, due + rounds.CLOSE_LEASE_SECONDS, due - 10, 10
    )
    assert [held.poll.poll_id for held in claimed] == [poll.result["poll"]["id"]]
    assert await rounds.close_due(other, now=due + 1) == []  # held by the sender's lease
    taken = await rounds.close_due(other, now=due + rounds.CLOSE_LEASE_SECONDS + 1)
    await asyncio.gather(*taken)
    assert len(taken) == 1
    [_, second] = api.calls_to("sendPoll")
    assert second.params["question"].startswith("[2/2] ")
    # The round is the other replica's now: its next close ends it with one summary.
    await feed(other, {"poll": {**api.get_poll(second.result["poll"]["id"]), "is_closed": True}})
    await feed(sender, {"poll": {**api.get_poll(second.result["poll"]["id"]), "is_closed": True}})
    summaries = [c for c in api.calls_to("sendMessage") if "Round over" in c.params["text"]]
    assert len(summaries) == 1 and len(api.calls_to("sendPoll")) == 2
