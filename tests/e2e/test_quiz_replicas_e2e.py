"""End to end on PostgreSQL: two `faqbot run --webhook` replicas on one database; the one that
sent a round's poll is killed with SIGKILL while the poll is open, and the other closes it at its
time, reveals its answer and moves the round on, once."""

from __future__ import annotations

import signal
import time as clock
from pathlib import Path

import pytest

from tests.support import updates as u
from tests.support.databases import postgresql_schema
from tests.support.replicas import PATH, SECRET, Replicas, own_bot
from tests.support.round_robin import post_updates

pytestmark = [pytest.mark.services, pytest.mark.slow]
GROUP = -4301
ASHA, RAVI = 5301, 5302
OPEN_PERIOD = 8  # seconds a poll is open: long enough to kill its sender first


def test_a_killed_replicas_open_poll_is_closed_by_the_other_and_its_round_moves_on_once(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    with (
        postgresql_schema(database_url) as url,
        own_bot() as api,
        Replicas(
            api,
            tmp_path,
            url,
            redis_url,
            count=2,
            env={"FAQBOT_QUIZ_OPEN_PERIOD": str(OPEN_PERIOD)},
        ) as replicas,
    ):
        sender, survivor = replicas.bots
        sender_port, survivor_port = replicas.ports

        def deliver(port: int, update: dict[str, object], update_id: int) -> None:
            assert post_updates(port, PATH, SECRET, [{"update_id": update_id, **update}]) == [200]

        deliver(sender_port, u.message(GROUP, ASHA, "/quiz 2", chat_type="group"), 1)
        [first] = api.wait_for("sendPoll", timeout=30)
        [right] = first.params["correct_option_ids"]
        poll_id = first.result["poll"]["id"]
        # Wait until the poll is stored (an answer to it counts), then kill its sender.
        deliver(survivor_port, u.poll_answer(poll_id, RAVI, [right], first_name="Ravi"), 2)
        sender.stop(signal.SIGKILL)
        # The survivor's close loop claims the close at its time and moves the round on.
        second = api.wait_for("sendPoll", timeout=60, count=2)[1]
        assert second.params["question"].startswith("[2/2] ")
        [summary] = api.wait_for(
            "sendMessage", lambda c: "Round over" in c.params["text"], timeout=60
        )
        clock.sleep(2)  # a second close of either poll would arrive now
        assert survivor.stop() == 0
    reveals = [c for c in api.calls_to("sendMessage") if c.params["text"].startswith("✅")]
    assert len(reveals) == 2, [c.params for c in reveals]
    assert len(api.calls_to("sendPoll")) == 2
    assert "Ravi: 1 of 1 right" in summary.params["text"], summary.params["text"]
    assert len([c for c in api.calls_to("sendMessage") if "Round over" in c.params["text"]]) == 1
