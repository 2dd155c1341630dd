"""The daily-fact store: subscriptions, the rotation through the pack, and delivery counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from faqbot.storage import daily
from faqbot.storage.database import Storage

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CHAT = 501


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    """A freshly migrated database."""
    opened = Storage(tmp_path / "faqbot.sqlite3")
    opened.open()
    try:
        yield opened
    finally:
        opened.close()


class OnDatabaseThread:
    """The store's functions, each run on the database thread: `db.get(chat_id=1)`."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def __getattr__(self, name: str) -> Callable[..., Any]:
        function = getattr(daily, name)
        return lambda **kwargs: self.storage.run_sync(partial(function, **kwargs))


@pytest.fixture
def db(storage: Storage) -> OnDatabaseThread:
    """The store over a fresh database."""
    return OnDatabaseThread(storage)


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


def test_migration_creates_version_2_tables(storage: Storage) -> None:
    version = storage.run_sync(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
    tables = storage.run_sync(
        lambda c: {n for (n,) in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    )
    assert version >= 2
    assert {"daily_subscription", "daily_sent", "daily_delivery"} <= tables


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
    assert db.resume(chat_id=CHAT).deliverable


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
    db.record_failure(chat_id=3, detail="NetworkError: down", now=NOW)
    db.record_failure(chat_id=3, detail="NetworkError: down", now=NOW - timedelta(days=1))
    counts = db.status(now=NOW)
    assert counts == daily.BroadcastStatus(
        subscribers=3, active=2, sent_today=1, failed_today=1, stopped_today=1, failed_total=2
    )
    assert db.prune_deliveries(now=NOW + timedelta(days=31)) == 4


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
