"""Daily subscriptions: who gets a fact or a quiz when, each chat's rotation of facts, and
deliveries, keyed on (chat, kind).

The functions take a SQLAlchemy connection, inside one transaction; DailyStore is what the
event loop awaits (`await stores.daily.get(chat_id)`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.sql.base import Executable

from faqbot.knowledge.timetable import local_date, next_due
from faqbot.storage import claims
from faqbot.storage.claims import LostClaim
from faqbot.storage.database import Storage
from faqbot.storage.schema import daily_delivery as log_table
from faqbot.storage.schema import daily_pending as pending_table
from faqbot.storage.schema import daily_sent as sent_table
from faqbot.storage.schema import daily_subscription as subs
from faqbot.storage.upserts import Insert, PerDialect, insert

DELIVERY_LOG_DAYS = 30

# What a chat can get every day: a fact card, or a quiz round (whose polls the quiz feature
# posts; this store only keeps when, and that each local day gets one).
DailyKind = Literal["fact", "quiz"]
DAILY_KINDS: tuple[DailyKind, ...] = ("fact", "quiz")


class Outcome(StrEnum):
    """What became of a chat's daily fact; all but PENDING and SKIPPED are kept in
    daily_delivery."""

    SENT = "sent"  # Telegram accepted every part
    # Telegram accepted the fact as far as anyone can tell: a send went unanswered (timed out,
    # connection lost) and, delivering at most once, was counted as delivered, not repeated.
    AMBIGUOUS = "ambiguous"
    FAILED = "failed"  # undelivered when its retries ran out
    STOPPED = "stopped"  # Telegram refuses delivery to the chat
    MOVED = "moved"  # the group became a supergroup
    PENDING = "pending"  # not delivered yet; a retry is scheduled
    SKIPPED = "skipped"  # not due, or a delivery to the chat already under way


@dataclass(frozen=True)
class DailySubscription:
    """One chat's daily schedule of one kind, and (for facts) its place in the rotation."""

    chat_id: int
    timezone: str
    send_at: time | None
    scheduled_since: datetime | None
    active: bool
    stopped_reason: str | None
    cycle: int
    last_sent_on: date | None
    kind: DailyKind = "fact"
    closed_on: date | None = None  # the last local day closed, delivered or not

    @property
    def subscribed(self) -> bool:
        """The chat asked for a daily fact (it may have been stopped since)."""
        return self.send_at is not None

    @property
    def deliverable(self) -> bool:
        """The chat is due every day: subscribed and not stopped."""
        return self.send_at is not None and self.active

    def due(self, now: datetime, after: datetime | None = None) -> tuple[datetime, date] | None:
        """When its next delivery falls due and the local day it is for (None: never)."""
        if not self.deliverable or self.send_at is None:
            return None
        served = [day for day in (self.closed_on, self.last_sent_on) if day is not None]
        return next_due(
            now,
            self.send_at,
            self.timezone,
            self.scheduled_since,
            max(served, default=None),
            after=after,
        )


@dataclass(frozen=True)
class Claim:
    """A replica's claim on one chat's delivery of one kind: every write it makes carries the
    token, and is refused once another claim took the row over (its lease had expired)."""

    chat_id: int
    kind: DailyKind
    token: int
    attempts: int  # retries so far for the day being delivered


@dataclass(frozen=True)
class PlannedFact:
    """The entry a chat gets next (empty for a quiz), and the local day it counts for."""

    chat_id: int
    entry_id: str
    cycle: int
    local_day: date
    kind: DailyKind = "fact"


@dataclass(frozen=True)
class PendingFact:
    """A daily fact or quiz on its way to a chat, as daily_pending keeps it: which entry (a
    fact's; empty for a quiz), for which local day, in how many sends (a quiz's is one: its
    first poll), and how many of those Telegram has taken."""

    chat_id: int
    local_day: date
    entry_id: str
    cycle: int
    parts: int
    parts_sent: int = 0
    parts_unsure: int = 0  # of parts_sent, unanswered sends counted as delivered
    kind: DailyKind = "fact"

    @property
    def done(self) -> bool:
        """Every part was accepted (or counted as delivered)."""
        return self.parts_sent >= self.parts

    @property
    def outcome(self) -> Outcome:
        """What a finished delivery is recorded as."""
        return Outcome.AMBIGUOUS if self.parts_unsure else Outcome.SENT

    def part_sent(self, *, unsure: bool = False) -> PendingFact:
        """The fact with its next part accepted (unsure: unanswered, counted as delivered)."""
        return replace(
            self, parts_sent=self.parts_sent + 1, parts_unsure=self.parts_unsure + int(unsure)
        )


@dataclass(frozen=True)
class BroadcastStatus:
    """Counts for /broadcast_status; "today" is the UTC day."""

    subscribers: int
    active: int
    sent_today: int
    ambiguous_today: int  # also counted in sent_today
    failed_today: int
    stopped_today: int
    failed_total: int
    pending: int  # facts begun and not finished: being sent, or waiting for a retry


_SUBSCRIPTIONS = (
    subs.c.chat_id,
    subs.c.timezone,
    subs.c.send_at,
    subs.c.scheduled_since,
    subs.c.active,
    subs.c.stopped_reason,
    subs.c.cycle,
    subs.c.last_sent_on,
    subs.c.kind,
    subs.c.closed_on,
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _subscription(row: Any) -> DailySubscription:
    chat_id, zone_name, send_at, since, active, reason, cycle, last_sent_on, kind, closed = row
    return DailySubscription(
        chat_id=chat_id,
        timezone=zone_name,
        send_at=time.fromisoformat(send_at) if send_at else None,
        scheduled_since=datetime.fromisoformat(since) if since else None,
        active=bool(active),
        stopped_reason=reason,
        cycle=cycle,
        last_sent_on=date.fromisoformat(last_sent_on) if last_sent_on else None,
        kind=kind,
        closed_on=date.fromisoformat(closed) if closed else None,
    )


def _one(chat_id: int, kind: str) -> ColumnElement[bool]:
    """The row of one chat and kind, in any of the daily tables (all keyed alike)."""
    return and_(subs.c.chat_id == chat_id, subs.c.kind == kind)


# The statements of every delivery (10,000 a day and more), built once: building a statement
# costs more than running it on SQLite. Bound names start with b_, apart from the columns set.
_CHAT = subs.c.chat_id == bindparam("b_chat_id")
_KIND = subs.c.kind == bindparam("b_kind")
_GET = select(*_SUBSCRIPTIONS).where(_CHAT, _KIND)
_SENT_IN_CYCLE = select(sent_table.c.entry_id).where(
    sent_table.c.chat_id == bindparam("b_chat_id"),
    sent_table.c.kind == "fact",
    sent_table.c.cycle == bindparam("b_cycle"),
)
_LAST_ENTRY = select(subs.c.last_entry_id).where(_CHAT, subs.c.kind == "fact")
_ADVANCE = (
    update(subs)
    .where(_CHAT, _KIND)
    .values(
        cycle=bindparam("cycle"),
        last_entry_id=bindparam("last_entry_id"),
        last_sent_on=bindparam("last_sent_on"),
    )
)
_FORGET_EARLIER_CYCLES = delete(sent_table).where(
    sent_table.c.chat_id == bindparam("b_chat_id"),
    sent_table.c.kind == "fact",
    sent_table.c.cycle < bindparam("b_cycle"),
)
_ONE_PENDING = and_(
    pending_table.c.chat_id == bindparam("b_chat_id"),
    pending_table.c.kind == bindparam("b_kind"),
)
_FINISH_PENDING = delete(pending_table).where(
    _ONE_PENDING, pending_table.c.local_day == bindparam("b_local_day")
)
_NOT_SENDING = update(pending_table).where(_ONE_PENDING).values(sending=0)
_LOG = log_table.insert()


def _sent_once(insert: Callable[[Table], Insert]) -> Executable:
    return insert(sent_table).on_conflict_do_nothing()


def _pending_upsert(insert: Callable[[Table], Insert]) -> Executable:
    statement = insert(pending_table)
    kept = ("local_day", "entry_id", "cycle", "parts", "parts_sent", "parts_unsure", "sending")
    return statement.on_conflict_do_update(
        index_elements=[pending_table.c.chat_id, pending_table.c.kind],
        set_={name: statement.excluded[name] for name in kept},
    )


_MARK_SENT = PerDialect(_sent_once)
_SAVE_PENDING = PerDialect(_pending_upsert)


def get(connection: Connection, chat_id: int, kind: DailyKind = "fact") -> DailySubscription | None:
    """A chat's daily settings of one kind, or None if it has none (a chat that only used
    /timezone has a fact row without a time)."""
    row = connection.execute(_GET, {"b_chat_id": chat_id, "b_kind": kind}).first()
    return _subscription(row) if row else None


def chat_timezone(connection: Connection, chat_id: int) -> str | None:
    """The timezone a chat chose (every kind of the chat has the same), or None."""
    found = connection.execute(
        select(subs.c.timezone).where(subs.c.chat_id == chat_id).order_by(subs.c.kind).limit(1)
    ).scalar()
    return str(found) if found is not None else None


def _written(connection: Connection, chat_id: int, kind: DailyKind = "fact") -> DailySubscription:
    """The subscription row just written in this transaction."""
    found = get(connection, chat_id, kind)
    if found is None:
        raise LookupError(f"daily_subscription row of chat {chat_id} ({kind}) is missing")
    return found


def deliverable(connection: Connection) -> list[DailySubscription]:
    """Every subscription that is due every day: subscribed and not stopped."""
    rows = connection.execute(
        select(*_SUBSCRIPTIONS)
        .where(subs.c.send_at.is_not(None), subs.c.active == 1)
        .order_by(subs.c.chat_id, subs.c.kind)
    )
    return [_subscription(row) for row in rows]


# Due-time delivery: every subscription keeps its next due instant (next_due); a delivery loop
# claims due rows in batches, with a lease (claim_until) and a fencing token (claim_token).
# Every write of a delivery first checks the token in its own transaction (_hold), so a
# replica whose lease expired and was taken over writes nothing; the day's outcome, its
# unique (chat, kind, local day) record and the next due instant are written together.


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


def refresh_due(
    connection: Connection,
    chat_id: int,
    kind: DailyKind,
    now: datetime,
    after: datetime | None = None,
) -> float | None:
    """Set a subscription's next due instant from its time, timezone and closed day."""
    found = get(connection, chat_id, kind)
    due = found.due(now, after) if found is not None else None
    value = _stamp(due[0]) if due is not None else None
    connection.execute(update(subs).where(_one(chat_id, kind)).values(next_due=value))
    return value


def fill_due(connection: Connection, now: datetime) -> int:
    """Give every deliverable subscription without a due instant one (rows written by an
    older faqbot or copied in); returns how many."""
    rows = connection.execute(
        select(*_SUBSCRIPTIONS).where(
            subs.c.next_due.is_(None), subs.c.send_at.is_not(None), subs.c.active == 1
        )
    ).all()
    for row in rows:
        found = _subscription(row)
        refresh_due(connection, found.chat_id, found.kind, now)
    return len(rows)


_UNCLAIMED = claims.unclaimed(subs)
_CLAIMED = (subs.c.chat_id, subs.c.kind, subs.c.claim_token, subs.c.attempts)


def _claims(rows: Iterable[Any]) -> list[Claim]:
    return [Claim(chat_id, kind, token, attempts) for chat_id, kind, token, attempts in rows]


def due_counts(connection: Connection, now: datetime, kind: DailyKind) -> tuple[int, int]:
    """Of a kind: the subscriptions due every day, and those due now and not claimed."""
    deliverable_rows = and_(subs.c.kind == kind, subs.c.next_due.is_not(None))
    every, due_now = connection.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    case(
                        (
                            and_(
                                subs.c.next_due <= _stamp(now),
                                or_(
                                    subs.c.claim_until.is_(None),
                                    subs.c.claim_until < _stamp(now),
                                ),
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(deliverable_rows)
    ).one()
    return int(every), int(due_now)


def claim_due(
    connection: Connection, now: datetime, limit: int, lease_until: datetime
) -> list[Claim]:
    """Claim up to `limit` subscriptions that are due and not claimed (or whose claim's lease
    expired), earliest due first (storage/claims.py: disjoint batches across replicas)."""
    rows = claims.claim_due(
        connection,
        subs,
        subs.c.next_due <= bindparam("b_now"),
        subs.c.next_due,
        limit,
        now=_stamp(now),
        lease_until=_stamp(lease_until),
        returning=_CLAIMED,
    )
    return _claims(rows)


def claim(
    connection: Connection, chat_id: int, kind: DailyKind, now: datetime, lease_until: datetime
) -> Claim | None:
    """Claim one chat's delivery of a kind now, due or not, unless another claim holds it."""
    rows = connection.execute(
        update(subs)
        .where(_one(chat_id, kind), _UNCLAIMED)
        .values(claim_until=_stamp(lease_until), claim_token=subs.c.claim_token + 1)
        .returning(*_CLAIMED),
        {"b_now": _stamp(now)},
    ).all()
    return _claims(rows)[0] if rows else None


_HOLD = (
    update(subs)
    .where(_CHAT, _KIND, subs.c.claim_token == bindparam("b_token"))
    .values(claim_until=bindparam("claim_until"))
    .returning(*_SUBSCRIPTIONS)
)


def _hold(
    connection: Connection, held: Claim, chat_id: int, lease_until: datetime
) -> DailySubscription:
    """Check the claim still holds the row (the first statement of every write of a
    delivery) and extend its lease; returns the row. LostClaim, rolling the transaction
    back, if another claim took it."""
    row = connection.execute(
        _HOLD,
        {
            "b_chat_id": chat_id,
            "b_kind": held.kind,
            "b_token": held.token,
            "claim_until": _stamp(lease_until),
        },
    ).first()
    if row is None:
        raise LostClaim(f"the claim on chat {chat_id} ({held.kind}) was taken over")
    return _subscription(row)


def hold(connection: Connection, held: Claim, chat_id: int, lease_until: datetime) -> None:
    """Extend a claim's lease (before a send after a long wait); LostClaim if it was lost."""
    _hold(connection, held, chat_id, lease_until)


_RELEASE = (
    update(subs)
    .where(_CHAT, _KIND)
    .values(next_due=bindparam("next_due"), claim_until=None, attempts=0)
)


def _release(
    connection: Connection,
    chat_id: int,
    kind: DailyKind,
    now: datetime,
    after: datetime | None,
    found: DailySubscription | None = None,
) -> None:
    """End the claim: the row is due next at its next due instant, with no retries yet.
    `found` is the row as it stands, if the caller has it."""
    if found is None:
        found = get(connection, chat_id, kind)
    due = found.due(now, after) if found is not None else None
    connection.execute(
        _RELEASE,
        {
            "b_chat_id": chat_id,
            "b_kind": kind,
            "next_due": _stamp(due[0]) if due is not None else None,
        },
    )


def release(
    connection: Connection, held: Claim, chat_id: int, now: datetime, lease_until: datetime
) -> None:
    """Give a claim back with nothing written (the chat is not due yet)."""
    found = _hold(connection, held, chat_id, lease_until)
    _release(connection, chat_id, held.kind, now, None, found)


def retry_later(
    connection: Connection, held: Claim, chat_id: int, at: datetime, now: datetime
) -> None:
    """Give a claim back, due again at `at` (a retry: back-off after a failed send)."""
    _hold(connection, held, chat_id, now)
    connection.execute(
        update(subs)
        .where(_one(chat_id, held.kind))
        .values(next_due=_stamp(at), claim_until=None, attempts=subs.c.attempts + 1)
    )


def subscribe(
    connection: Connection,
    chat_id: int,
    send_at: time,
    default_timezone: str,
    now: datetime,
    kind: DailyKind = "fact",
) -> DailySubscription:
    """Subscribe a chat (or change its time), keeping its timezone and rotation if it had one;
    a new kind takes the timezone the chat already chose."""
    zone_name = chat_timezone(connection, chat_id) or default_timezone
    statement = insert(connection, subs).values(
        chat_id=chat_id,
        kind=kind,
        timezone=zone_name,
        send_at=send_at.isoformat(timespec="seconds"),
        scheduled_since=_iso(now),
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[subs.c.chat_id, subs.c.kind],
            set_={
                "send_at": statement.excluded.send_at,
                "scheduled_since": statement.excluded.scheduled_since,
                "active": 1,
                "stopped_reason": None,
            },
        )
    )
    refresh_due(connection, chat_id, kind, now)
    return _written(connection, chat_id, kind)


def unsubscribe(connection: Connection, chat_id: int, kind: DailyKind = "fact") -> bool:
    """End a chat's daily facts or quizzes; its timezone and rotation stay. False if it had
    none."""
    return (
        connection.execute(
            update(subs)
            .where(_one(chat_id, kind), subs.c.send_at.is_not(None))
            .values(send_at=None, scheduled_since=None, next_due=None)
        ).rowcount
        > 0
    )


def set_timezone(
    connection: Connection, chat_id: int, zone_name: str, now: datetime
) -> DailySubscription:
    """Set a chat's timezone, for every kind; each keeps its local time of day in the new zone.

    A chat that had today's fact (or quiz) keeps having had it: its last-sent day moves to the
    new zone's today, so moving west across midnight does not bring a second one the same day.
    Returns the fact row, which holds the timezone of a chat that subscribed to nothing.
    """
    before = [found for kind in DAILY_KINDS if (found := get(connection, chat_id, kind))]
    connection.execute(
        insert(connection, subs)
        .values(chat_id=chat_id, kind="fact", timezone=zone_name)
        .on_conflict_do_nothing(index_elements=[subs.c.chat_id, subs.c.kind])
    )
    connection.execute(
        update(subs)
        .where(subs.c.chat_id == chat_id)
        .values(
            timezone=zone_name,
            scheduled_since=case((subs.c.send_at.is_(None), null()), else_=_iso(now)),
        )
    )
    for found in before:
        today_there, today_here = local_date(now, found.timezone), local_date(now, zone_name)
        if found.last_sent_on == today_there:
            connection.execute(
                update(subs)
                .where(_one(chat_id, found.kind))
                .values(last_sent_on=today_here.isoformat())
            )
        if found.closed_on == today_there:
            connection.execute(
                update(subs)
                .where(_one(chat_id, found.kind))
                .values(closed_on=today_here.isoformat())
            )
    for kind in DAILY_KINDS:
        refresh_due(connection, chat_id, kind, now)
    return _written(connection, chat_id)


def stop(connection: Connection, chat_id: int, reason: str, now: datetime) -> bool:
    """Mark a chat's subscriptions, of every kind, inactive because Telegram refuses delivery
    to the chat; True if one was active."""
    active = and_(subs.c.chat_id == chat_id, subs.c.active == 1)
    stopped = list(connection.execute(select(subs.c.kind).where(active)).scalars())
    # A claim on the chat is fenced off: its holder writes nothing more.
    connection.execute(
        update(subs)
        .where(subs.c.chat_id == chat_id)
        .values(next_due=None, claim_until=None, claim_token=subs.c.claim_token + 1)
    )
    connection.execute(update(subs).where(active).values(active=0, stopped_reason=reason[:200]))
    for kind in stopped:
        _log(connection, chat_id, Outcome.STOPPED, reason, now, kind)
    # Nothing more goes to the chat today: no delivery is under way any more.
    connection.execute(delete(pending_table).where(pending_table.c.chat_id == chat_id))
    return bool(stopped)


def resume(connection: Connection, chat_id: int, now: datetime) -> list[DailySubscription]:
    """Reactivate a chat's stopped subscriptions (the bot was unblocked or added back); each
    is next due at its first time after now."""
    stopped = list(
        connection.execute(
            select(subs.c.kind).where(subs.c.chat_id == chat_id, subs.c.active == 0)
        ).scalars()
    )
    connection.execute(
        update(subs)
        .where(subs.c.chat_id == chat_id, subs.c.active == 0)
        .values(active=1, stopped_reason=None)
    )
    for kind in stopped:
        refresh_due(connection, chat_id, kind, now, after=now)
    return [found for kind in DAILY_KINDS if (found := get(connection, chat_id, kind))]


def move(connection: Connection, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
    """Move a group's subscriptions (every kind) and rotation to the supergroup it became.

    If the supergroup already has its own settings of a kind, those are newer and win.
    """
    moved = False
    for kind in DAILY_KINDS:
        if get(connection, old_chat_id, kind) is None:
            continue
        moved = True
        if get(connection, new_chat_id, kind) is not None:
            connection.execute(delete(subs).where(_one(old_chat_id, kind)))
        else:
            # ON UPDATE CASCADE carries the chat's rotation and pending delivery along.
            connection.execute(
                update(subs).where(_one(old_chat_id, kind)).values(chat_id=new_chat_id)
            )
        _log(connection, new_chat_id, Outcome.MOVED, f"from {old_chat_id}", now, kind)
    return moved


def rotation_order(entry_ids: Iterable[str], chat_id: int, cycle: int) -> list[str]:
    """A chat's shuffled order of entries for one cycle, the same every time it is asked for.

    Adding an entry slots it somewhere into the order; removing one drops it; either way the
    ids already sent this cycle stay sent, so nothing repeats and nothing is skipped.
    """
    order = sorted(set(entry_ids))
    random.Random(f"{chat_id}:{cycle}").shuffle(order)
    return order


def plan_fact(
    connection: Connection,
    chat_id: int,
    entry_ids: tuple[str, ...],
    now: datetime,
    kind: DailyKind = "fact",
) -> PlannedFact | None:
    """The next entry for a chat, or None if it gets no fact now (off, stopped, or done today).

    When every current entry was sent in this cycle, a new shuffled cycle begins. A quiz has
    no rotation here (the quiz chooses its questions): only its local day is planned.
    """
    found = get(connection, chat_id, kind)
    if found is None or not found.deliverable or (kind == "fact" and not entry_ids):
        return None
    today = local_date(now, found.timezone)
    if today in (found.last_sent_on, found.closed_on):
        return None
    if kind != "fact":
        return PlannedFact(chat_id, "", found.cycle, today, kind)
    sent = set(
        connection.execute(_SENT_IN_CYCLE, {"b_chat_id": chat_id, "b_cycle": found.cycle}).scalars()
    )
    cycle = found.cycle
    remaining = [e for e in rotation_order(entry_ids, chat_id, cycle) if e not in sent]
    if not remaining:
        cycle += 1
        remaining = rotation_order(entry_ids, chat_id, cycle)
        last = connection.execute(_LAST_ENTRY, {"b_chat_id": chat_id}).scalar()
        # A new cycle should not open with the fact that closed the previous one.
        if len(remaining) > 1 and remaining[0] == last:
            remaining.append(remaining.pop(0))
    return PlannedFact(chat_id, remaining[0], cycle, today)


def record_sent(connection: Connection, fact: PlannedFact, now: datetime) -> None:
    """Remember a delivered fact: its entry in the rotation, and the local day it covered."""
    _advance(connection, fact)
    _log(connection, fact.chat_id, Outcome.SENT, fact.entry_id, now, fact.kind)


def _advance(connection: Connection, fact: PlannedFact | PendingFact) -> None:
    """Move the chat's rotation past the fact, and mark its local day as served."""
    connection.execute(
        _ADVANCE,
        {
            "b_chat_id": fact.chat_id,
            "b_kind": fact.kind,
            "cycle": fact.cycle,
            "last_entry_id": fact.entry_id or None,
            "last_sent_on": fact.local_day.isoformat(),
        },
    )
    if fact.kind != "fact":
        return
    connection.execute(
        _MARK_SENT(connection),
        {"chat_id": fact.chat_id, "kind": "fact", "cycle": fact.cycle, "entry_id": fact.entry_id},
    )
    # Earlier cycles are never read again.
    connection.execute(_FORGET_EARLIER_CYCLES, {"b_chat_id": fact.chat_id, "b_cycle": fact.cycle})


_PENDING = (
    pending_table.c.chat_id,
    pending_table.c.local_day,
    pending_table.c.entry_id,
    pending_table.c.cycle,
    pending_table.c.parts,
    pending_table.c.parts_sent,
    pending_table.c.parts_unsure,
    pending_table.c.sending,
    pending_table.c.kind,
)


_PENDING_OF_ONE = select(*_PENDING).where(_ONE_PENDING)
_ALL_PENDING = select(*_PENDING).order_by(pending_table.c.chat_id, pending_table.c.kind)


def _pending_rows(
    connection: Connection, chat_id: int | None = None, kind: DailyKind = "fact"
) -> list[tuple[PendingFact, bool]]:
    """Pending deliveries (of one chat and kind, or all), each with whether a send of it may
    be in flight."""
    rows = (
        connection.execute(_PENDING_OF_ONE, {"b_chat_id": chat_id, "b_kind": kind})
        if chat_id is not None
        else connection.execute(_ALL_PENDING)
    )
    return [
        (
            PendingFact(chat, date.fromisoformat(day), entry, cycle, parts, sent, unsure, pk),
            bool(busy),
        )
        for chat, day, entry, cycle, parts, sent, unsure, busy, pk in rows
    ]


def save_pending(
    connection: Connection, held: Claim, fact: PendingFact, now: datetime, lease_until: datetime
) -> None:
    """Write where a fact's delivery stands, which is the intent to send its next part,
    written before that send so that a crash can never hide it; the claim's lease is
    extended with it, so a lease never runs out while its row waits for one send."""
    _hold(connection, held, fact.chat_id, lease_until)
    _save_pending(connection, fact, now)


def _save_pending(
    connection: Connection, fact: PendingFact, now: datetime, *, sending: bool = True
) -> None:
    connection.execute(
        _SAVE_PENDING(connection),
        {
            "chat_id": fact.chat_id,
            "local_day": fact.local_day.isoformat(),
            "entry_id": fact.entry_id,
            "cycle": fact.cycle,
            "parts": fact.parts,
            "parts_sent": fact.parts_sent,
            "parts_unsure": fact.parts_unsure,
            "sending": int(sending),
            "kind": fact.kind,
            "started_at": _iso(now),
        },
    )


def _settle(
    connection: Connection,
    fact: PendingFact,
    in_flight: bool,
    unanswered_is_sent: bool,
    now: datetime,
    why: str,
) -> None:
    """Close a pending fact that can no longer be delivered: a part that may be in flight
    counts as delivered if unanswered_is_sent; any part delivered moves the rotation on."""
    if in_flight and unanswered_is_sent:
        fact = fact.part_sent(unsure=True)
    _finish(connection, fact, fact.outcome if fact.done else Outcome.FAILED, why, now)


def begin_delivery(
    connection: Connection,
    held: Claim,
    entry_ids: tuple[str, ...],
    now: datetime,
    parts_of: Callable[[str], int],
    unanswered_is_sent: bool,
    lease_until: datetime,
    *,
    on_time: bool = True,
) -> PendingFact | None:
    """Record the intent to send a claimed chat its fact (or quiz) for today, and return it;
    None, giving the claim back, if it gets none now (off, stopped, served today, or with
    on_time: not due yet). A delivery under way for today is carried on, not planned again;
    one left from an earlier day is closed.

    A part the claim's previous holder may have sent (its intent written, its outcome not:
    the holder stopped, or its lease ran out) is settled by the delivery policy: counted as
    delivered if unanswered_is_sent, else sent again. parts_of(entry_id) is the number of
    sends an entry takes.
    """
    chat_id, kind = held.chat_id, held.kind
    found = _hold(connection, held, chat_id, lease_until)
    if not found.deliverable:
        _release(connection, chat_id, kind, now, None, found)
        return None
    today = local_date(now, found.timezone)
    for pending, in_flight in _pending_rows(connection, chat_id, kind):
        if pending.local_day != today:
            _settle(connection, pending, in_flight, unanswered_is_sent, now, "day ended")
            found = _written(connection, chat_id, kind)
            continue
        if in_flight and unanswered_is_sent:
            pending = pending.part_sent(unsure=True)
        if pending.done:
            _finish(connection, pending, pending.outcome, pending.entry_id, now)
            _release(connection, chat_id, kind, now, None)
            return None
        _save_pending(connection, pending, now)
        return pending
    if on_time:
        due = found.due(now)
        if due is None or due[0] > now:
            _release(connection, chat_id, kind, now, None, found)
            return None
    planned = plan_fact(connection, chat_id, entry_ids, now, kind)
    if planned is None:
        _release(connection, chat_id, kind, now, None)
        return None
    fact = PendingFact(
        chat_id,
        planned.local_day,
        planned.entry_id,
        planned.cycle,
        parts_of(planned.entry_id),
        kind=kind,
    )
    _save_pending(connection, fact, now)
    return fact


def mark_not_sending(
    connection: Connection, held: Claim, chat_id: int, lease_until: datetime
) -> None:
    """The last send surely failed (Telegram answered with an error): nothing is in flight."""
    _hold(connection, held, chat_id, lease_until)
    connection.execute(_NOT_SENDING, {"b_chat_id": chat_id, "b_kind": held.kind})


def finish(
    connection: Connection,
    held: Claim,
    fact: PendingFact,
    outcome: Outcome,
    detail: str,
    now: datetime,
) -> bool:
    """Close a claimed delivery: its outcome and the unique record of its local day, the
    rotation moved on if any part was delivered, and the row due next at its next time, in
    one transaction checked against the claim's token. False if it was recorded already."""
    found = _hold(connection, held, fact.chat_id, now)
    closed = _finish(connection, fact, outcome, detail, now)
    if closed:
        found = replace(found, closed_on=fact.local_day)
    _release(connection, fact.chat_id, fact.kind, now, None, found)
    return closed


def _finish(
    connection: Connection, fact: PendingFact, outcome: Outcome, detail: str, now: datetime
) -> bool:
    deleted = connection.execute(
        _FINISH_PENDING,
        {
            "b_chat_id": fact.chat_id,
            "b_kind": fact.kind,
            "b_local_day": fact.local_day.isoformat(),
        },
    ).rowcount
    if not deleted:
        return False
    if fact.parts_sent:
        _advance(connection, fact)
    _close_day(connection, fact.chat_id, fact.kind, fact.local_day)
    _log(connection, fact.chat_id, outcome, detail, now, fact.kind, fact.local_day)
    return True


def _close_day(connection: Connection, chat_id: int, kind: DailyKind, day: date) -> None:
    connection.execute(update(subs).where(_one(chat_id, kind)).values(closed_on=day.isoformat()))


def give_up(
    connection: Connection,
    held: Claim,
    chat_id: int,
    detail: str,
    now: datetime,
    local_day: date | None,
) -> None:
    """Close a claimed chat's day undelivered (its retries ran out before anything was
    begun): counted as a failure, and the row due next at its next day's time."""
    found = _hold(connection, held, chat_id, now)
    day = local_day or local_date(now, found.timezone)
    _close_day(connection, chat_id, held.kind, day)
    _log(connection, chat_id, Outcome.FAILED, detail, now, held.kind, day)
    _release(connection, chat_id, held.kind, now, None, replace(found, closed_on=day))


def _log(
    connection: Connection,
    chat_id: int,
    outcome: Outcome,
    detail: str,
    now: datetime,
    kind: DailyKind = "fact",
    local_day: date | None = None,
) -> None:
    connection.execute(
        _LOG,
        {
            "at": _iso(now),
            "chat_id": chat_id,
            "outcome": outcome.value,
            "detail": detail[:500],
            "kind": kind,
            "local_day": local_day.isoformat() if local_day is not None else None,
        },
    )


def prune_deliveries(connection: Connection, now: datetime) -> int:
    """Forget delivery records older than DELIVERY_LOG_DAYS; returns how many went."""
    cutoff = _iso(now - timedelta(days=DELIVERY_LOG_DAYS))
    return connection.execute(delete(log_table).where(log_table.c.at < cutoff)).rowcount


def status(connection: Connection, now: datetime, kind: DailyKind = "fact") -> BroadcastStatus:
    """Subscribers, active subscribers, and today's (UTC) deliveries and failures, of a kind."""
    subscribers, active = connection.execute(
        select(func.count(), func.coalesce(func.sum(subs.c.active), 0)).where(
            subs.c.send_at.is_not(None), subs.c.kind == kind
        )
    ).one()
    midnight = _iso(now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0))
    today: dict[str, int] = {
        outcome: int(count)
        for outcome, count in connection.execute(
            select(log_table.c.outcome, func.count())
            .where(log_table.c.kind == kind, log_table.c.at >= midnight)
            .group_by(log_table.c.outcome)
        )
    }
    failed_total = connection.execute(
        select(func.count()).where(
            log_table.c.kind == kind, log_table.c.outcome == Outcome.FAILED.value
        )
    ).scalar_one()
    pending = connection.execute(
        select(func.count()).where(pending_table.c.kind == kind)
    ).scalar_one()
    ambiguous = today.get(Outcome.AMBIGUOUS, 0)
    return BroadcastStatus(
        subscribers=int(subscribers),
        active=int(active),
        sent_today=today.get(Outcome.SENT, 0) + ambiguous,
        ambiguous_today=ambiguous,
        failed_today=today.get(Outcome.FAILED, 0),
        stopped_today=today.get(Outcome.STOPPED, 0),
        failed_total=int(failed_total),
        pending=int(pending),
    )


class DailyStore:
    """Daily subscriptions for the event loop; each call is one transaction."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def get(self, chat_id: int, kind: DailyKind = "fact") -> DailySubscription | None:
        return await self._database.read(partial(get, chat_id=chat_id, kind=kind))

    async def chat_timezone(self, chat_id: int) -> str | None:
        return await self._database.read(partial(chat_timezone, chat_id=chat_id))

    async def deliverable(self) -> list[DailySubscription]:
        return await self._database.read(deliverable)

    async def subscribe(
        self,
        chat_id: int,
        send_at: time,
        default_timezone: str,
        now: datetime,
        kind: DailyKind = "fact",
    ) -> DailySubscription:
        return await self._database.run(
            partial(
                subscribe,
                chat_id=chat_id,
                send_at=send_at,
                default_timezone=default_timezone,
                now=now,
                kind=kind,
            )
        )

    async def unsubscribe(self, chat_id: int, kind: DailyKind = "fact") -> bool:
        return await self._database.run(partial(unsubscribe, chat_id=chat_id, kind=kind))

    async def set_timezone(self, chat_id: int, zone_name: str, now: datetime) -> DailySubscription:
        return await self._database.run(
            partial(set_timezone, chat_id=chat_id, zone_name=zone_name, now=now)
        )

    async def stop(self, chat_id: int, reason: str, now: datetime) -> bool:
        return await self._database.run(partial(stop, chat_id=chat_id, reason=reason, now=now))

    async def resume(self, chat_id: int, now: datetime) -> list[DailySubscription]:
        return await self._database.run(partial(resume, chat_id=chat_id, now=now))

    async def move(self, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
        return await self._database.run(
            partial(move, old_chat_id=old_chat_id, new_chat_id=new_chat_id, now=now)
        )

    async def plan_fact(
        self, chat_id: int, entry_ids: tuple[str, ...], now: datetime
    ) -> PlannedFact | None:
        return await self._database.read(
            partial(plan_fact, chat_id=chat_id, entry_ids=entry_ids, now=now)
        )

    async def record_sent(self, fact: PlannedFact, now: datetime) -> None:
        await self._database.run(partial(record_sent, fact=fact, now=now))

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[Claim]:
        return await self._database.run(
            partial(claim_due, now=now, limit=limit, lease_until=lease_until)
        )

    async def claim(
        self, chat_id: int, kind: DailyKind, now: datetime, lease_until: datetime
    ) -> Claim | None:
        return await self._database.run(
            partial(claim, chat_id=chat_id, kind=kind, now=now, lease_until=lease_until)
        )

    async def hold(self, held: Claim, chat_id: int, lease_until: datetime) -> None:
        await self._database.run(partial(hold, held=held, chat_id=chat_id, lease_until=lease_until))

    async def release(
        self, held: Claim, chat_id: int, now: datetime, lease_until: datetime
    ) -> None:
        await self._database.run(
            partial(release, held=held, chat_id=chat_id, now=now, lease_until=lease_until)
        )

    async def retry_later(self, held: Claim, chat_id: int, at: datetime, now: datetime) -> None:
        await self._database.run(partial(retry_later, held=held, chat_id=chat_id, at=at, now=now))

    async def due_counts(self, now: datetime, kind: DailyKind) -> tuple[int, int]:
        return await self._database.read(partial(due_counts, now=now, kind=kind))

    async def fill_due(self, now: datetime) -> int:
        return await self._database.run(partial(fill_due, now=now))

    async def begin_delivery(
        self,
        held: Claim,
        entry_ids: tuple[str, ...],
        now: datetime,
        parts_of: Callable[[str], int],
        unanswered_is_sent: bool,
        lease_until: datetime,
        *,
        on_time: bool = True,
    ) -> PendingFact | None:
        return await self._database.run(
            partial(
                begin_delivery,
                held=held,
                entry_ids=entry_ids,
                now=now,
                parts_of=parts_of,
                unanswered_is_sent=unanswered_is_sent,
                lease_until=lease_until,
                on_time=on_time,
            )
        )

    async def save_pending(
        self, held: Claim, fact: PendingFact, now: datetime, lease_until: datetime
    ) -> None:
        await self._database.run(
            partial(save_pending, held=held, fact=fact, now=now, lease_until=lease_until)
        )

    async def mark_not_sending(self, held: Claim, chat_id: int, lease_until: datetime) -> None:
        await self._database.run(
            partial(mark_not_sending, held=held, chat_id=chat_id, lease_until=lease_until)
        )

    async def finish(
        self, held: Claim, fact: PendingFact, outcome: Outcome, detail: str, now: datetime
    ) -> bool:
        return await self._database.run(
            partial(finish, held=held, fact=fact, outcome=outcome, detail=detail, now=now)
        )

    async def give_up(
        self, held: Claim, chat_id: int, detail: str, now: datetime, local_day: date | None
    ) -> None:
        await self._database.run(
            partial(
                give_up, held=held, chat_id=chat_id, detail=detail, now=now, local_day=local_day
            )
        )

    async def prune_deliveries(self, now: datetime) -> int:
        return await self._database.run(partial(prune_deliveries, now=now))

    async def status(self, now: datetime, kind: DailyKind = "fact") -> BroadcastStatus:
        return await self._database.read(partial(status, now=now, kind=kind))
