"""End to end: three real `faqbot run --webhook` replicas on one PostgreSQL database and one
Redis, behind a round-robin forwarder. Every question is answered exactly once, the sends of
all three together stay under the rate limit, and one replica leads."""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support import updates as u
from tests.support.databases import postgresql_schema
from tests.support.replicas import PATH, SECRET, Replicas, busiest_second, own_bot
from tests.support.round_robin import post_updates

pytestmark = [pytest.mark.services, pytest.mark.slow]

QUESTIONS = 200
RATE_LIMIT = 30  # a second, for all replicas together: Telegram's
# A follower tries the lock every 5 s (bot/leadership.py); the server notices the dead
# leader's connection at once on loopback.
TAKEOVER_SECONDS = 30
ASKED = ("what is jimex", "what is malabar", "who attended the 2+2 dialogue", "what is HADR")


def test_three_replicas_answer_each_question_once_under_one_rate_limit(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    users = [random.randrange(10**9, 2 * 10**9) for _ in range(QUESTIONS)]
    updates = [
        {"update_id": n + 1, **u.message(user, user, ASKED[n % len(ASKED)])}
        for n, user in enumerate(users)
    ]
    with (
        postgresql_schema(database_url) as url,
        own_bot() as api,
        Replicas(
            api, tmp_path, url, redis_url, env={"FAQBOT_RATE_LIMIT": str(RATE_LIMIT)}
        ) as replicas,
    ):
        # Redelivered updates (Telegram missed our 200) come in among the first deliveries.
        again = updates[::10]
        statuses = post_updates(replicas.forwarder.port, PATH, SECRET, updates + again)
        assert set(statuses) == {200}
        # Every replica took its share of the updates.
        assert all(replicas.forwarder.forwarded[port] > 0 for port in replicas.ports)
        sent = api.calls_to("sendMessage")
        answered = Counter(call.params["chat_id"] for call in sent)
        assert {user: answered[user] for user in users} == dict.fromkeys(users, 1)
        assert busiest_second(sent) <= RATE_LIMIT

        # One replica leads; killed, another takes the lead over within seconds, and the
        # others served (and serve) updates all along.
        [leader] = replicas.leaders()
        assert all(
            "another replica leads" in bot.log for n, bot in enumerate(replicas.bots) if n != leader
        )
        replicas.bots[leader].stop(signal.SIGKILL)
        deadline = time.monotonic() + TAKEOVER_SECONDS
        while len(replicas.leaders()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(replicas.leaders()) == 2
        user = random.randrange(10**9, 2 * 10**9)
        late = {"update_id": len(updates) + 1, **u.message(user, user, "what is jimex")}
        assert post_updates(replicas.forwarder.port, PATH, SECRET, [late]) == [200]
        [answer] = [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == user]
        assert answer.params["text"].startswith("<b>What is JIMEX?</b>")
        for n, bot in enumerate(replicas.bots):
            if n != leader:
                assert bot.stop() == 0
