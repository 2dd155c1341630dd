"""Closing quiz polls by claims, and one running round per chat, on each engine."""

from __future__ import annotations

import threading

import pytest

from faqbot.storage import quiz
from faqbot.storage.claims import LostClaim
from faqbot.storage.database import Storage
from faqbot.storage.quiz import OpenPoll, StoredRound
from tests.support.databases import OnDatabaseThread

GROUP = -4003
NOW = 1_800_000_000.0
LEASE = 15.0
ME, OTHER = "replica-a", "replica-b"


@pytest.fixture
def db(storage: Storage) -> OnDatabaseThread:
    return OnDatabaseThread(storage, quiz)


def poll(poll_id: str, closes_at: float, chat_id: int = GROUP) -> OpenPoll:
    return OpenPoll(poll_id, chat_id, 7, "jimex:1", 0, closes_at - 30, closes_at)


def a_round(chat_id: int = GROUP, round_id: str = "r1") -> StoredRound:
    return StoredRound(
        chat_id=chat_id,
        round_id=round_id,
        kind="quiz",
        thread_id=None,
        starter_id=5001,
        language="en",
        item_keys=("a:1", "b:1", "c:1"),
        asked=0,
        total=3,
        open_period=30,
        show_explanation=True,
        started_at=NOW - 60,
    )


def closes(
    db: OnDatabaseThread,
    owner: str,
    now: float,
    limit: int = 10,
    closing: tuple[str, ...] = (),
    starting: tuple[str, ...] = (),
) -> list[str]:
    """The ids of the polls a close loop's beat claims at `now`, sorted; it renews the leases
    of the polls `closing` and the rounds `starting`."""
    held = db.close_tick(
        owner=owner,
        now=now,
        lease_until=now + LEASE,
        forget_before=now - 10,
        limit=limit,
        closing=closing,
        starting=starting,
    )
    return sorted(claim.poll.poll_id for claim in held)


def test_due_closes_are_claimed_earliest_first_and_once_per_lease(db: OnDatabaseThread) -> None:
    for poll_id, closes_at in [("p1", NOW - 2), ("p2", NOW - 1), ("p3", NOW + 20)]:
        db.add_poll(poll=poll(poll_id, closes_at), default_timezone="UTC")
    held = db.claim_closes(owner=ME, now=NOW, lease_until=NOW + LEASE, limit=1)
    assert [(c.poll.poll_id, c.token) for c in held] == [("p1", 1)]
    assert closes(db, OTHER, NOW) == ["p2"]  # p1 is held; p3 is not due
    assert closes(db, OTHER, NOW) == []


def test_an_expired_lease_is_taken_over_and_the_stale_token_refused(db: OnDatabaseThread) -> None:
    db.add_poll(poll=poll("p1", NOW), default_timezone="UTC")
    [stale] = db.claim_closes(owner=ME, now=NOW, lease_until=NOW + LEASE, limit=10)
    later = NOW + LEASE + 1
    [taker] = db.claim_closes(owner=OTHER, now=later, lease_until=later + LEASE, limit=10)
    assert (taker.poll.poll_id, taker.token) == ("p1", stale.token + 1)
    with pytest.raises(LostClaim):
        db.mark_closed(held=stale, now=later)
    db.mark_closed(held=taker, now=later)
    with pytest.raises(LostClaim):  # closed once: a second close of the same claim is refused
        db.mark_closed(held=taker, now=later)
    assert db.open_polls() == []


def test_a_live_closer_renews_its_leases_and_keeps_its_closes(db: OnDatabaseThread) -> None:
    db.add_poll(poll=poll("p1", NOW), default_timezone="UTC")
    assert closes(db, ME, NOW) == ["p1"]
    # Each beat of the holder's loop renews the lease: past the first lease, nobody takes it.
    for beat in range(1, 40):
        assert closes(db, ME, NOW + beat, closing=("p1",)) == []
    assert closes(db, OTHER, NOW + 40) == []
    # The holder stops beating (it died): the lease runs out and another process takes over.
    assert closes(db, OTHER, NOW + 39 + LEASE + 1) == ["p1"]


def test_a_close_that_ended_unrecorded_is_not_renewed_and_is_taken_up_again(
    db: OnDatabaseThread,
) -> None:
    db.add_poll(poll=poll("p1", NOW), default_timezone="UTC")
    db.add_poll(poll=poll("p2", NOW), default_timezone="UTC")
    assert closes(db, ME, NOW) == ["p1", "p2"]
    # p1's close goes on; p2's failed (the database was out): the holder, alive and beating,
    # renews p1's lease only ...
    for beat in range(1, int(LEASE)):
        assert closes(db, ME, NOW + beat, closing=("p1",)) == []
    # ... so p2 is closed again, by whichever process beats after its lease ran out.
    assert closes(db, OTHER, NOW + LEASE + 1) == ["p2"]
    assert closes(db, OTHER, NOW + LEASE + 2) == []  # p1's close is still the holder's


def test_closed_polls_are_forgotten_after_the_grace_period(db: OnDatabaseThread) -> None:
    db.add_poll(poll=poll("p1", NOW), default_timezone="UTC")
    [held] = db.claim_closes(owner=ME, now=NOW, lease_until=NOW + LEASE, limit=10)
    db.mark_closed(held=held, now=NOW)
    # Answers still on their way count for a while: the row stays, but is not open.
    assert db.open_polls() == []
    assert db.record_answer(
        poll_id="p1", user_id=1, name="A", option=0, answered_at=NOW + 1, default_timezone="UTC"
    )
    assert db.forget_closed(before=NOW) == 0
    assert db.forget_closed(before=NOW + 1) == 1


def test_a_poll_closed_by_telegram_is_claimed_before_its_time_but_once(
    db: OnDatabaseThread,
) -> None:
    db.add_poll(poll=poll("p1", NOW + 20), default_timezone="UTC")
    held = db.claim_close(poll_id="p1", owner=ME, now=NOW, lease_until=NOW + LEASE)
    assert held is not None and held.poll.poll_id == "p1"
    assert db.claim_close(poll_id="p1", owner=OTHER, now=NOW, lease_until=NOW + LEASE) is None
    assert db.claim_close(poll_id="nope", owner=OTHER, now=NOW, lease_until=NOW + LEASE) is None


def test_a_chat_runs_one_round_and_a_second_is_refused(db: OnDatabaseThread) -> None:
    assert db.begin_round(begun=a_round(), owner=ME, now=NOW, lease_until=NOW + LEASE) is None
    running = db.begin_round(
        begun=a_round(round_id="r2"), owner=OTHER, now=NOW, lease_until=NOW + LEASE
    )
    assert running is not None and (running.round_id, running.total) == ("r1", 3)
    # Other chats are not held up.
    assert (
        db.begin_round(begun=a_round(GROUP - 1), owner=OTHER, now=NOW, lease_until=NOW + LEASE)
        is None
    )
    db.poll_sent(
        poll=poll("p1", NOW + 30),
        default_timezone="UTC",
        round_id="r1",
        item_keys=("b:1", "c:1"),
        asked=1,
        owner=ME,
    )
    stored = db.round_of(chat_id=GROUP)
    assert (stored.poll_id, stored.item_keys, stored.asked) == ("p1", ("b:1", "c:1"), 1)
    # Long after its lease, a round waiting on an open poll still runs.
    much_later = NOW + 10 * LEASE
    assert db.begin_round(
        begun=a_round(round_id="r3"), owner=OTHER, now=much_later, lease_until=much_later + LEASE
    )
    assert not db.end_round(chat_id=GROUP, round_id="r2")  # only the round itself ends it
    assert db.end_round(chat_id=GROUP, round_id="r1")
    assert (
        db.begin_round(begun=a_round(round_id="r4"), owner=OTHER, now=NOW, lease_until=NOW) is None
    )


def test_a_round_left_before_its_first_poll_is_replaced_once_its_lease_ran_out(
    db: OnDatabaseThread,
) -> None:
    assert db.begin_round(begun=a_round(), owner=ME, now=NOW, lease_until=NOW + LEASE) is None
    # Its process renews the lease while it sends the first poll ...
    closes(db, ME, NOW + LEASE - 1, starting=("r1",))
    assert db.begin_round(
        begun=a_round(round_id="r2"), owner=OTHER, now=NOW + LEASE + 1, lease_until=NOW
    )
    # ... and once it stops, the round is gone when the lease runs out.
    later = NOW + 2 * LEASE
    assert (
        db.begin_round(begun=a_round(round_id="r2"), owner=OTHER, now=later, lease_until=later)
        is None
    )
    assert db.round_of(chat_id=GROUP).round_id == "r2"


def test_a_start_that_failed_is_not_renewed_and_the_chat_is_free_once_its_lease_ran_out(
    db: OnDatabaseThread,
) -> None:
    assert db.begin_round(begun=a_round(), owner=ME, now=NOW, lease_until=NOW + LEASE) is None
    # Its process lives on (beating) but is starting no round: r1 is left to its lease.
    for beat in range(1, 40):
        closes(db, ME, NOW + beat, starting=("other-round",))
    later = NOW + 40
    assert (
        db.begin_round(begun=a_round(round_id="r2"), owner=OTHER, now=later, lease_until=later)
        is None
    )


def test_a_poll_sent_after_its_round_was_stopped_is_recorded_closed(
    db: OnDatabaseThread,
) -> None:
    assert db.begin_round(begun=a_round(), owner=ME, now=NOW, lease_until=NOW + LEASE) is None
    sent = dict(default_timezone="UTC", item_keys=("c:1",), asked=2, owner=ME)
    assert db.poll_sent(poll=poll("p1", NOW + 30), round_id="r1", **sent) is True
    assert db.end_round(chat_id=GROUP, round_id="r1")  # /quiz stop
    assert db.poll_sent(poll=poll("p2", NOW + 60), round_id="r1", **sent) is False
    assert [p.poll_id for p in db.open_polls()] == ["p1"]
    assert db.round_of(chat_id=GROUP) is None
    assert closes(db, OTHER, NOW + 100) == ["p1"]  # p2 is not closed again


@pytest.mark.parametrize(
    "database_target", [pytest.param("postgresql", marks=pytest.mark.services)], indirect=True
)
def test_concurrent_close_claimers_on_postgresql_get_disjoint_polls_without_waiting(
    db: OnDatabaseThread, storage: Storage
) -> None:
    for number in range(20):
        db.add_poll(poll=poll(f"p{number}", NOW - number), default_timezone="UTC")
    engine = storage._engine
    assert engine is not None
    with engine.connect() as first, engine.connect() as second:
        second.exec_driver_sql("SET lock_timeout = '2s'")  # waiting would be a failure
        mine = quiz.claim_closes(first, ME, NOW, NOW + LEASE, 12)
        theirs = quiz.claim_closes(second, OTHER, NOW, NOW + LEASE, 12)
        first.commit()
        second.commit()
    assert len(mine) == 12 and len(theirs) == 8
    assert {c.poll.poll_id for c in mine}.isdisjoint(c.poll.poll_id for c in theirs)


@pytest.mark.parametrize(
    "database_target", [pytest.param("postgresql", marks=pytest.mark.services)], indirect=True
)
def test_two_rounds_begun_at_once_on_postgresql_one_wins(storage: Storage) -> None:
    engine = storage._engine
    assert engine is not None
    with engine.connect() as first, engine.connect() as second:
        assert quiz.begin_round(first, a_round(round_id="r1"), ME, NOW, NOW + LEASE) is None
        second.exec_driver_sql("SET lock_timeout = '5s'")
        # The second insert waits on the first's uncommitted row; commit it from a thread.
        committer = threading.Timer(0.5, first.commit)
        committer.start()
        running = quiz.begin_round(second, a_round(round_id="r2"), OTHER, NOW, NOW + LEASE)
        committer.join()
        second.commit()
    assert running is not None and running.round_id == "r1"
