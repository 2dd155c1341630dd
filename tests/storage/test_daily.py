"""The daily-fact store: subscriptions, the rotation through the pack, and delivery counts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect
from sqlalchemy.exc import IntegrityError, OperationalError

from faqbot.storage import daily
from faqbot.storage.database import Storage
from faqbot.storage.legacy import MIGRATIONS
from tests.support.databases import OnDatabaseThread

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
# The migration that keys the daily tables on (chat, kind).
DAILY_KINDS_VERSION = 8
CHAT = 501


@pytest.fixture
def db(storage: Storage) -> OnDatabaseThread:
    """The store over a fresh database."""
    return OnDatabaseThread(storage, daily)


def deliver_days(
    db: OnDatabaseThread, entry_ids: tuple[str, ...], days: int, start: datetime = NOW
) -> list[str]:
    """Plan and record one fact a day, as the bot does; the entry ids sent, in order."""
    sent = []
    for day in range(days):
        now = start + timedelta(days=day)
        fact = db.plan_fact(chat_id=CHAT, entry_ids=entry_ids, now=now)
        assert fact is not None
        db.record_sent(fact=fact, now=now)
        sent.append(fact.entry_id)
    return sent


def test_the_schema_has_the_daily_tables(storage: Storage) -> None:
    tables = storage.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"daily_subscription", "daily_sent", "daily_delivery", "daily_pending"} <= tables


def test_subscribe_keeps_a_chosen_timezone_and_off_keeps_the_rotation(db: OnDatabaseThread) -> None:
    db.set_timezone(chat_id=CHAT, zone_name="Asia/Tokyo", now=NOW)
    found = db.subscribe(chat_id=CHAT, send_at=time(7, 30), default_timezone="UTC", now=NOW)
    assert (found.timezone, found.send_at, found.deliverable) == ("Asia/Tokyo", time(7, 30), True)
    db.record_sent(fact=db.plan_fact(chat_id=CHAT, entry_ids=("a", "b"), now=NOW), now=NOW)
    assert db.unsubscribe(chat_id=CHAT) is True
    assert db.unsubscribe(chat_id=CHAT) is False
    off = db.get(chat_id=CHAT)
    assert off.subscribed is False and off.last_sent_on == date(2026, 6, 1)
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a", "b"), now=NOW + timedelta(days=1)) is None
    assert db.deliverable() == []


def test_new_subscriptions_take_the_default_timezone(db: OnDatabaseThread) -> None:
    found = db.subscribe(chat_id=CHAT, send_at=time(8), default_timezone="Asia/Kolkata", now=NOW)
    assert found.timezone == "Asia/Kolkata"
    assert [s.chat_id for s in db.deliverable()] == [CHAT]


def test_one_fact_per_local_day(db: OnDatabaseThread) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7, 30), default_timezone="Asia/Tokyo", now=NOW)
    fact = db.plan_fact(chat_id=CHAT, entry_ids=("a", "b", "c"), now=NOW)
    db.record_sent(fact=fact, now=NOW)
    assert fact.local_day == date(2026, 6, 1)
    # 12:00 UTC is 21:00 in Tokyo, 14:30 UTC still today there, 15:30 UTC already tomorrow.
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a", "b", "c"), now=NOW) is None
    later = NOW + timedelta(hours=2, minutes=30)
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a", "b", "c"), now=later) is None
    tomorrow = NOW + timedelta(hours=3, minutes=30)
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a", "b", "c"), now=tomorrow).local_day == date(
        2026, 6, 2
    )


def test_rotation_sends_every_entry_once_then_starts_a_new_shuffled_cycle(
    db: OnDatabaseThread,
) -> None:
    entry_ids = tuple(f"entry-{n:02d}" for n in range(12))
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    first = deliver_days(db, entry_ids, 12)
    assert sorted(first) == sorted(entry_ids)
    second = deliver_days(db, entry_ids, 12, start=NOW + timedelta(days=12))
    assert sorted(second) == sorted(entry_ids)
    assert second != first, "each cycle is shuffled anew"
    assert second[0] != first[-1], "a cycle does not open with the fact that closed the last"
    assert db.get(chat_id=CHAT).cycle == 2


def test_adding_and_removing_entries_does_not_reset_the_rotation(db: OnDatabaseThread) -> None:
    entry_ids = tuple(f"entry-{n:02d}" for n in range(10))
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    sent = deliver_days(db, entry_ids, 4)
    unsent = [e for e in entry_ids if e not in sent]
    # The pack loses one sent and one unsent entry, and gains two new ones.
    changed = (*(e for e in entry_ids if e not in (sent[0], unsent[0])), "new-1", "new-2")
    rest = deliver_days(db, changed, 7, start=NOW + timedelta(days=4))
    assert not set(rest) & set(sent), "nothing sent this cycle repeats"
    assert sorted(rest) == sorted(set(changed) - set(sent)), "every remaining entry comes"
    assert db.get(chat_id=CHAT).cycle == 1
    nxt = deliver_days(db, changed, 1, start=NOW + timedelta(days=11))
    assert db.get(chat_id=CHAT).cycle == 2 and nxt[0] in changed


def test_rotation_order_is_per_chat_and_stable() -> None:
    ids = [f"e{n}" for n in range(20)]
    assert daily.rotation_order(ids, 1, 1) == daily.rotation_order(ids, 1, 1)
    assert daily.rotation_order(ids, 1, 1) != daily.rotation_order(ids, 2, 1)
    assert daily.rotation_order(ids, 1, 1) != daily.rotation_order(ids, 1, 2)


def test_stop_and_resume(db: OnDatabaseThread) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    assert db.stop(chat_id=CHAT, reason="Forbidden: bot was blocked by the user", now=NOW)
    assert not db.stop(chat_id=CHAT, reason="again", now=NOW)
    stopped = db.get(chat_id=CHAT)
    assert not stopped.active and stopped.stopped_reason.startswith("Forbidden")
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a",), now=NOW) is None
    (resumed,) = db.resume(chat_id=CHAT, now=NOW)
    assert resumed.deliverable


def test_move_carries_the_rotation_to_the_supergroup(db: OnDatabaseThread) -> None:
    group, supergroup = -4001, -1001234567890
    db.subscribe(chat_id=group, send_at=time(7), default_timezone="UTC", now=NOW)
    fact = db.plan_fact(chat_id=group, entry_ids=("a", "b"), now=NOW)
    db.record_sent(fact=fact, now=NOW)
    assert db.move(old_chat_id=group, new_chat_id=supergroup, now=NOW)
    assert db.get(chat_id=group) is None
    moved = db.get(chat_id=supergroup)
    assert moved.send_at == time(7) and moved.last_sent_on == date(2026, 6, 1)
    nxt = db.plan_fact(chat_id=supergroup, entry_ids=("a", "b"), now=NOW + timedelta(days=1))
    assert nxt.entry_id != fact.entry_id
    assert not db.move(old_chat_id=group, new_chat_id=supergroup, now=NOW)


def test_status_counts_subscribers_deliveries_and_failures(db: OnDatabaseThread) -> None:
    for chat_id in (1, 2, 3):
        db.subscribe(chat_id=chat_id, send_at=time(7), default_timezone="UTC", now=NOW)
    db.set_timezone(chat_id=4, zone_name="UTC", now=NOW)  # a timezone is not a subscription
    db.record_sent(fact=db.plan_fact(chat_id=1, entry_ids=("a",), now=NOW), now=NOW)
    db.stop(chat_id=2, reason="Forbidden: bot was kicked", now=NOW)
    yesterday = NOW - timedelta(days=1)
    for when in (NOW, yesterday):
        db.give_up(
            held=claim(db, when, chat_id=3),
            chat_id=3,
            detail="NetworkError: down",
            now=when,
            local_day=when.date(),
        )
    db.subscribe(chat_id=5, send_at=time(7), default_timezone="UTC", now=NOW)
    held = claim(db, chat_id=5)
    begun = begin(db, held)
    db.finish(
        held=held,
        fact=begun.part_sent(unsure=True),
        outcome=daily.Outcome.AMBIGUOUS,
        detail="a",
        now=NOW,
    )
    db.subscribe(chat_id=6, send_at=time(7), default_timezone="UTC", now=NOW)
    begin(db, claim(db, chat_id=6))
    counts = db.status(now=NOW)
    assert counts == daily.BroadcastStatus(
        subscribers=5,
        active=4,
        sent_today=2,
        ambiguous_today=1,
        failed_today=1,
        stopped_today=1,
        failed_total=2,
        pending=1,
    )
    assert db.prune_deliveries(now=NOW + timedelta(days=31)) == 5


def test_moving_west_across_midnight_does_not_bring_a_second_fact(db: OnDatabaseThread) -> None:
    # 02:00 UTC: 11:00 on 2 June in Tokyo, still 22:00 on 1 June in New York.
    now = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)
    db.set_timezone(chat_id=CHAT, zone_name="Asia/Tokyo", now=now)
    db.subscribe(chat_id=CHAT, send_at=time(7, 30), default_timezone="UTC", now=now)
    fact = db.plan_fact(chat_id=CHAT, entry_ids=("a", "b"), now=now)
    db.record_sent(fact=fact, now=now)

    moved = db.set_timezone(chat_id=CHAT, zone_name="America/New_York", now=now)

    assert moved.last_sent_on == date(2026, 6, 1)
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a", "b"), now=now) is None
    assert db.plan_fact(chat_id=CHAT, entry_ids=("a", "b"), now=now + timedelta(hours=12))


# Claims: the delivery loop's batches, leases and fencing tokens.

LEASE = timedelta(seconds=30)


def claim(db: OnDatabaseThread, now: datetime = NOW, chat_id: int = CHAT) -> daily.Claim:
    held = db.claim(chat_id=chat_id, kind="fact", now=now, lease_until=now + LEASE)
    assert held is not None
    return held


def rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    return storage.run_sync(lambda c: c.exec_driver_sql(sql).fetchall())


def due_rows(storage: Storage) -> list[tuple[Any, ...]]:
    return rows(
        storage, "SELECT chat_id, next_due, claim_until FROM daily_subscription ORDER BY chat_id"
    )


def test_each_subscription_is_due_at_its_time_in_its_timezone(
    db: OnDatabaseThread, storage: Storage
) -> None:
    # NOW is 12:00 UTC: 07:00 UTC has passed (due tomorrow), 21:00 in Tokyo has not.
    db.subscribe(chat_id=1, send_at=time(7), default_timezone="UTC", now=NOW)
    db.set_timezone(chat_id=2, zone_name="Asia/Tokyo", now=NOW)
    db.subscribe(chat_id=2, send_at=time(21, 30), default_timezone="UTC", now=NOW)
    db.subscribe(chat_id=3, send_at=time(8), default_timezone="UTC", now=NOW)
    db.unsubscribe(chat_id=3)
    assert due_rows(storage) == [
        (1, datetime(2026, 6, 2, 7, tzinfo=UTC).timestamp(), None),
        (2, datetime(2026, 6, 1, 12, 30, tzinfo=UTC).timestamp(), None),
        (3, None, None),
    ]


def test_the_loop_claims_due_rows_earliest_first_and_each_once_per_lease(
    db: OnDatabaseThread,
) -> None:
    earlier = NOW - timedelta(days=1)
    for chat_id, hour in [(1, 9), (2, 8), (3, 10)]:
        db.subscribe(chat_id=chat_id, send_at=time(hour), default_timezone="UTC", now=earlier)
    db.subscribe(chat_id=4, send_at=time(13), default_timezone="UTC", now=NOW)
    first = db.claim_due(now=NOW, limit=2, lease_until=NOW + LEASE)
    assert sorted((held.chat_id, held.token) for held in first) == [(1, 1), (2, 1)]
    # Chat 4 is not due before 13:00; chats 1 and 2 are held by their lease.
    assert [held.chat_id for held in db.claim_due(now=NOW, limit=10, lease_until=NOW)] == [3]
    assert db.claim_due(now=NOW, limit=10, lease_until=NOW + LEASE) == []
    # The leases run out: another claimer takes them over, with new tokens.
    later = NOW + LEASE + timedelta(seconds=1)
    taken = db.claim_due(now=later, limit=10, lease_until=later + LEASE)
    assert sorted((held.chat_id, held.token) for held in taken) == [(1, 2), (2, 2), (3, 2)]


def test_a_stale_token_cannot_write_or_close(db: OnDatabaseThread, storage: Storage) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    stale = claim(db)
    fact = begin(db, stale)
    later = NOW + LEASE + timedelta(seconds=1)
    taker = claim(db, now=later)
    assert taker.token == stale.token + 1
    with pytest.raises(daily.LostClaim):
        db.save_pending(held=stale, fact=fact.part_sent(), now=later, lease_until=later + LEASE)
    with pytest.raises(daily.LostClaim):
        db.finish(
            held=stale, fact=fact.part_sent(), outcome=daily.Outcome.SENT, detail="a", now=later
        )
    with pytest.raises(daily.LostClaim):
        db.retry_later(held=stale, chat_id=CHAT, at=later, now=later)
    # Nothing of the stale claim's landed: the day is open, the taker's claim holds.
    assert db.get(chat_id=CHAT).last_sent_on is None
    assert db.status(now=NOW).sent_today == 0
    assert due_rows(storage)[0][2] == (later + LEASE).timestamp()


def test_a_day_is_closed_once_whatever_claims_it(db: OnDatabaseThread) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    held = claim(db)
    fact = begin(db, held).part_sent()
    assert db.finish(held=held, fact=fact, outcome=fact.outcome, detail=fact.entry_id, now=NOW)
    # A second outcome for the same chat, kind and local day is refused by the database.
    again = claim(db)
    with pytest.raises(IntegrityError):
        db.give_up(held=again, chat_id=CHAT, detail="late", now=NOW, local_day=NOW.date())
    assert db.status(now=NOW).sent_today == 1 and db.status(now=NOW).failed_today == 0


@pytest.mark.parametrize(
    "database_target", [pytest.param("postgresql", marks=pytest.mark.services)], indirect=True
)
def test_concurrent_claimers_on_postgresql_get_disjoint_rows_without_waiting(
    db: OnDatabaseThread, storage: Storage
) -> None:
    earlier = NOW - timedelta(days=1)
    for chat_id in range(1, 21):
        db.subscribe(chat_id=chat_id, send_at=time(7), default_timezone="UTC", now=earlier)
    engine = storage._engine
    assert engine is not None
    with engine.connect() as first, engine.connect() as second:
        second.exec_driver_sql("SET lock_timeout = '2s'")  # waiting would be a failure
        mine = daily.claim_due(first, now=NOW, limit=12, lease_until=NOW + LEASE)
        theirs = daily.claim_due(second, now=NOW, limit=12, lease_until=NOW + LEASE)
        first.commit()
        second.commit()
    assert len(mine) == 12 and len(theirs) == 8
    assert {held.chat_id for held in mine}.isdisjoint(held.chat_id for held in theirs)


# Pending deliveries: the intent written before a send, the outcome after.


def begin(
    db: OnDatabaseThread,
    held: daily.Claim,
    now: datetime = NOW,
    parts: int = 1,
    unanswered_is_sent: bool = True,
) -> daily.PendingFact:
    """Begin a claimed chat's delivery now, due or not (as /daily's tests and deliver_daily)."""
    fact = db.begin_delivery(
        held=held,
        entry_ids=("a", "b", "c"),
        now=now,
        parts_of=lambda entry_id: parts,
        unanswered_is_sent=unanswered_is_sent,
        lease_until=now + LEASE,
        on_time=False,
    )
    assert fact is not None
    return fact


def pending_rows(storage: Storage) -> list[tuple[Any, ...]]:
    return rows(
        storage, "SELECT chat_id, local_day, parts_sent, parts_unsure, sending FROM daily_pending"
    )


def test_the_intent_is_written_before_the_send_and_removed_with_the_outcome(
    db: OnDatabaseThread, storage: Storage
) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    held = claim(db)
    fact = begin(db, held, parts=2)
    assert (fact.parts, fact.parts_sent, fact.local_day) == (2, 0, NOW.date())
    assert pending_rows(storage) == [(CHAT, "2026-06-01", 0, 0, 1)]
    # Telegram answered 502 and the chat is retried: claimed again, the same fact carries on.
    db.mark_not_sending(held=held, chat_id=CHAT, lease_until=NOW)
    db.retry_later(held=held, chat_id=CHAT, at=NOW, now=NOW)
    held = claim(db)
    assert held.attempts == 1
    assert begin(db, held, parts=2) == fact
    fact = fact.part_sent()
    db.save_pending(held=held, fact=fact, now=NOW, lease_until=NOW + LEASE)
    assert pending_rows(storage) == [(CHAT, "2026-06-01", 1, 0, 1)]
    fact = fact.part_sent()
    assert db.finish(held=held, fact=fact, outcome=fact.outcome, detail=fact.entry_id, now=NOW)
    assert not db.finish(held=held, fact=fact, outcome=fact.outcome, detail=fact.entry_id, now=NOW)
    assert pending_rows(storage) == []
    found = db.get(chat_id=CHAT)
    assert (found.last_sent_on, found.closed_on) == (NOW.date(), NOW.date())
    # Closed in the same transaction: due tomorrow, unclaimed, no retries.
    assert due_rows(storage) == [(CHAT, datetime(2026, 6, 2, 7, tzinfo=UTC).timestamp(), None)]
    held = claim(db)
    assert held.attempts == 0
    assert (
        db.begin_delivery(
            held=held,
            entry_ids=("a",),
            now=NOW,
            parts_of=len,
            unanswered_is_sent=True,
            lease_until=NOW + LEASE,
        )
        is None
    )


def test_a_chat_claimed_before_its_time_is_given_back_due_at_it(
    db: OnDatabaseThread, storage: Storage
) -> None:
    """A downtime that spanned a whole day: the chat is claimed at once, but today's time has
    not come, so nothing is sent before it."""
    db.subscribe(
        chat_id=CHAT, send_at=time(15), default_timezone="UTC", now=NOW - timedelta(days=3)
    )
    assert due_rows(storage)[0][1] < NOW.timestamp()
    (held,) = db.claim_due(now=NOW, limit=5, lease_until=NOW + LEASE)
    assert (
        db.begin_delivery(
            held=held,
            entry_ids=("a",),
            now=NOW,
            parts_of=len,
            unanswered_is_sent=True,
            lease_until=NOW + LEASE,
        )
        is None
    )
    assert due_rows(storage) == [(CHAT, datetime(2026, 6, 1, 15, tzinfo=UTC).timestamp(), None)]


@pytest.mark.parametrize(
    ("unanswered_is_sent", "last_sent_on", "outcome"),
    [(True, NOW.date(), "ambiguous"), (False, None, None)],
)
def test_a_takeover_settles_a_send_that_may_have_gone_out_by_the_policy(
    db: OnDatabaseThread,
    storage: Storage,
    unanswered_is_sent: bool,
    last_sent_on: date | None,
    outcome: str | None,
) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    fact = begin(db, claim(db))  # then the replica died: the send may or may not have gone out
    later = NOW + timedelta(minutes=5)
    held = claim(db, now=later)
    carried = db.begin_delivery(
        held=held,
        entry_ids=("a", "b", "c"),
        now=later,
        parts_of=lambda entry_id: 1,
        unanswered_is_sent=unanswered_is_sent,
        lease_until=later + LEASE,
    )
    assert carried == (None if outcome else fact)
    assert db.get(chat_id=CHAT).last_sent_on == last_sent_on
    logged = storage.run_sync(
        lambda c: [row[0] for row in c.exec_driver_sql("SELECT outcome FROM daily_delivery")]
    )
    assert logged == ([outcome] if outcome else [])
    assert pending_rows(storage) == ([] if outcome else [(CHAT, "2026-06-01", 0, 0, 1)])


def test_a_takeover_sends_again_what_surely_failed(db: OnDatabaseThread) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    held = claim(db)
    fact = begin(db, held)
    db.mark_not_sending(held=held, chat_id=CHAT, lease_until=NOW)  # 502: nothing went out
    later = NOW + timedelta(minutes=5)
    assert begin(db, claim(db, now=later), now=later) == fact


def test_a_fact_left_from_an_earlier_day_is_closed_as_undelivered(
    db: OnDatabaseThread, storage: Storage
) -> None:
    db.subscribe(chat_id=CHAT, send_at=time(7), default_timezone="UTC", now=NOW)
    held = claim(db)
    begin(db, held)
    db.mark_not_sending(held=held, chat_id=CHAT, lease_until=NOW)
    tomorrow = NOW + timedelta(days=1)
    today = begin(db, claim(db, now=tomorrow), now=tomorrow)
    assert today.local_day == tomorrow.date()
    assert db.status(now=NOW).failed_today == 1
    found = db.get(chat_id=CHAT)
    assert (found.last_sent_on, found.closed_on) == (None, NOW.date())
    assert pending_rows(storage) == [(CHAT, "2026-06-02", 0, 0, 1)]


def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    """SQLITE_FULL at any point rolls the whole write back, and the next write works."""
    storage = Storage(tmp_path / "faqbot.sqlite3")
    storage.open()
    db = OnDatabaseThread(storage, daily)
    for chat_id in range(40):
        db.subscribe(chat_id=chat_id, send_at=time(7), default_timezone="UTC", now=NOW)

    def fill(connection: Connection) -> None:
        (pages,) = connection.exec_driver_sql("PRAGMA page_count").fetchone()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")

    storage.run_sync(fill)
    with pytest.raises(OperationalError, match="full"):
        for chat_id in range(40, 4000):
            db.subscribe(chat_id=chat_id, send_at=time(7), default_timezone="UTC", now=NOW)
    raw = storage.run_sync(lambda c: c.connection.dbapi_connection)
    assert not raw.in_transaction
    storage.run_sync(lambda c: c.exec_driver_sql("PRAGMA max_page_count = 1073741823"))
    db.subscribe(chat_id=5000, send_at=time(7), default_timezone="UTC", now=NOW)
    storage.close()


def test_a_version_7_database_keeps_every_fact_row_as_kind_fact(tmp_path: Path) -> None:
    """Migration 8 over a database the previous schema wrote: subscriptions, the rotation, a
    fact under way and the delivery log all survive, as facts, and a quiz can join them."""
    path = tmp_path / "faqbot.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA foreign_keys = ON")
    for version, script in MIGRATIONS[: DAILY_KINDS_VERSION - 1]:
        old.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    old.executescript(
        """
        INSERT INTO daily_subscription (chat_id, timezone, send_at, scheduled_since, active,
            stopped_reason, cycle, last_entry_id, last_sent_on)
        VALUES (501, 'Asia/Tokyo', '07:30:00', '2026-05-01T00:00:00+00:00', 1, NULL, 2, 'b',
                '2026-05-31'),
               (502, 'UTC', NULL, NULL, 0, 'Forbidden: blocked', 1, NULL, NULL);
        INSERT INTO daily_sent (chat_id, cycle, entry_id) VALUES (501, 2, 'a'), (501, 2, 'b');
        INSERT INTO daily_pending (chat_id, local_day, entry_id, cycle, parts, parts_sent,
            parts_unsure, sending, started_at)
        VALUES (501, '2026-06-01', 'c', 2, 2, 1, 0, 1, '2026-06-01T12:00:00+00:00');
        INSERT INTO daily_delivery (at, chat_id, outcome, detail)
        VALUES ('2026-05-31T12:00:00+00:00', 501, 'sent', 'b');
        """
    )
    old.close()

    storage = Storage(path)
    storage.open()
    try:
        db = OnDatabaseThread(storage, daily)
        assert storage.schema().up_to_date
        kept = db.get(chat_id=501)
        assert (kept.kind, kept.timezone, kept.send_at, kept.cycle) == (
            "fact",
            "Asia/Tokyo",
            time(7, 30),
            2,
        )
        assert kept.last_sent_on == date(2026, 5, 31)
        stopped = db.get(chat_id=502)
        assert (stopped.active, stopped.stopped_reason) == (False, "Forbidden: blocked")
        assert db.get(chat_id=501, kind="quiz") is None
        rows = storage.run_sync(
            lambda c: c.exec_driver_sql(
                "SELECT chat_id, kind, cycle, entry_id FROM daily_sent"
            ).fetchall()
        )
        assert sorted(rows) == [(501, "fact", 2, "a"), (501, "fact", 2, "b")]
        assert pending_rows(storage) == [(501, "2026-06-01", 1, 0, 1)]
        logged = storage.run_sync(
            lambda c: c.exec_driver_sql(
                "SELECT chat_id, outcome, kind FROM daily_delivery"
            ).fetchall()
        )
        assert logged == [(501, "sent", "fact")]
        # The rotation goes on where it was, and the pending fact is carried on.
        carried = db.begin_delivery(
            held=claim(db, chat_id=501),
            entry_ids=("a", "b", "c"),
            now=NOW,
            parts_of=lambda entry_id: 2,
            unanswered_is_sent=False,
            lease_until=NOW + LEASE,
        )
        assert (carried.entry_id, carried.parts_sent, carried.parts) == ("c", 1, 2)
        # A quiz joins the fact in the chat's timezone; moving the group moves both, with
        # the fact's rotation and the pending fact (the foreign keys still cascade).
        quiz = db.subscribe(
            chat_id=501, send_at=time(20), default_timezone="UTC", now=NOW, kind="quiz"
        )
        assert (quiz.kind, quiz.timezone) == ("quiz", "Asia/Tokyo")
        assert db.move(old_chat_id=501, new_chat_id=-100501, now=NOW)
        assert db.get(chat_id=-100501).cycle == 2
        assert db.get(chat_id=-100501, kind="quiz").send_at == time(20)
        moved = storage.run_sync(
            lambda c: c.exec_driver_sql("SELECT DISTINCT chat_id FROM daily_sent").fetchall()
        )
        assert moved == [(-100501,)]
        assert [row[0] for row in pending_rows(storage)] == [-100501]
        problems = storage.run_sync(
            lambda c: c.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        )
        assert problems == []
    finally:
        storage.close()
