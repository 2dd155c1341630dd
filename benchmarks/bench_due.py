"""Due-time delivery at scale: N subscriptions due at the same instant, claimed by the store's
own claim queries (faqbot/storage/daily.py) in batches, by one or more claimers.

No Telegram: each claimer does what the delivery loop does around a send. `--mode deliver`
begins each claimed chat's delivery and closes its day (the two transactions of a one-message
fact); `--mode claim` only claims and gives each row back due tomorrow (the loop's own cost,
which decides whether a million subscriptions can start: no job per chat is built). Reports the
time from the due instant to the first claim and to the last row closed, the claim query's
p50/p99, and checks that every row was closed exactly once.

    python benchmarks/bench_due.py [--subscribers 100000] [--claimers 2] [--mode claim]
        [--database postgresql://postgres@127.0.0.1:5432/test]

Without --database it runs on a SQLite file (one claimer: SQLite is the one-process mode).
With a PostgreSQL URL it works in a schema of its own, dropped afterwards; each claimer is a
process of its own, as replicas are.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from faqbot.storage import daily
from faqbot.storage.database import Storage
from faqbot.storage.schema import daily_delivery, daily_subscription
from tests.support.databases import postgresql_schema

BATCH = 16  # the loop claims no more than its free delivery slots (DELIVERY_CONCURRENCY)
LEASE = timedelta(seconds=30)
FIRST_CHAT = 10_000_000
ENTRIES = ("a", "b", "c")


def write_subscriptions(target: str, count: int, due: datetime) -> None:
    """`count` chats due at `due` (subscribed yesterday at that time of day, in UTC)."""
    since = (due - timedelta(days=1)).isoformat(timespec="seconds")
    send_at = time(due.hour, due.minute, due.second).isoformat()
    storage = Storage(target)
    storage.open()
    try:
        for start in range(0, count, 50_000):
            rows = [
                {
                    "chat_id": chat_id,
                    "kind": "fact",
                    "timezone": "UTC",
                    "send_at": send_at,
                    "scheduled_since": since,
                    "next_due": due.timestamp(),
                }
                for chat_id in range(FIRST_CHAT + start, FIRST_CHAT + min(count, start + 50_000))
            ]
            storage.run_sync(lambda c, rows=rows: c.execute(daily_subscription.insert(), rows))
    finally:
        storage.close()


def claimer(target: str, due: float, mode: str, results: multiprocessing.Queue) -> None:
    """Claim and close due rows until none is left; report claim latencies and timings."""
    storage = Storage(target)
    storage.open()
    latencies: list[float] = []
    first_claim = last_close = float("nan")
    closed = idle = 0
    try:
        while clock.time() < due:
            clock.sleep(0.001)
        while idle < 20:  # 20 empty claims in a row (0.2 s): everything is closed
            now = datetime.now(UTC)
            started = clock.perf_counter()
            claims = storage.run_sync(
                partial(daily.claim_due, now=now, limit=BATCH, lease_until=now + LEASE)
            )
            latencies.append(clock.perf_counter() - started)
            if not claims:
                idle += 1
                clock.sleep(0.01)
                continue
            idle = 0
            if first_claim != first_claim:  # NaN: this is the first
                first_claim = clock.time() - due
            for held in claims:
                now = datetime.now(UTC)
                if mode == "claim":
                    # Given back due tomorrow (as a retry would be), in one transaction.
                    storage.run_sync(
                        partial(
                            daily.retry_later,
                            held=held,
                            chat_id=held.chat_id,
                            at=now + timedelta(days=1),
                            now=now,
                        )
                    )
                    continue
                fact = storage.run_sync(
                    partial(
                        daily.begin_delivery,
                        held=held,
                        entry_ids=ENTRIES,
                        now=now,
                        parts_of=lambda entry_id: 1,
                        unanswered_is_sent=True,
                        lease_until=now + LEASE,
                    )
                )
                assert fact is not None, "a claimed due chat had nothing to deliver"
                sent = fact.part_sent()  # where the loop sends the fact
                storage.run_sync(
                    partial(
                        daily.finish,
                        held=held,
                        fact=sent,
                        outcome=daily.Outcome.SENT,
                        detail=sent.entry_id,
                        now=now,
                    )
                )
            closed += len(claims)
            last_close = clock.time() - due
    finally:
        storage.close()
    results.put((latencies, first_claim, last_close, closed))


def check(target: str, count: int, due: datetime, mode: str) -> tuple[int, int]:
    """(rows not closed, rows closed twice)."""
    storage = Storage(target)
    storage.open()
    try:
        if mode == "claim":
            open_rows = storage.run_sync(
                lambda c: c.execute(
                    select(func.count()).where(daily_subscription.c.next_due <= due.timestamp())
                ).scalar_one()
            )
            return int(open_rows), 0
        closed = storage.run_sync(
            lambda c: c.execute(
                select(func.count(), func.count(func.distinct(daily_delivery.c.chat_id)))
            ).one()
        )
        return count - int(closed[1]), int(closed[0]) - int(closed[1])
    finally:
        storage.close()


def run(target: str, subscribers: int, claimers: int, mode: str, lead: float) -> dict[str, float]:
    due = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
    started = clock.perf_counter()
    write_subscriptions(target, subscribers, due)
    written = clock.perf_counter() - started
    if datetime.now(UTC) >= due:
        raise SystemExit(f"writing took {written:.1f} s, longer than --lead {lead}; raise it")
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = context.Queue()
    workers = [
        context.Process(target=claimer, args=(target, due.timestamp(), mode, results))
        for _ in range(claimers)
    ]
    for worker in workers:
        worker.start()
    reports = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(value for report in reports for value in report[0])
    missing, duplicates = check(target, subscribers, due, mode)
    closed = sum(report[3] for report in reports)
    if mode == "claim":  # a row claimed twice was given back and claimed again
        duplicates = closed - (subscribers - missing)
    return {
        "subscribers": subscribers,
        "claimers": claimers,
        "closed": closed,
        "first_claim_after_due_s": min(report[1] for report in reports),
        "all_closed_after_due_s": max(report[2] for report in reports),
        "claim_p50_ms": 1000 * statistics.median(latencies),
        "claim_p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "claims": len(latencies),
        "missing": missing,
        "duplicates": duplicates,
        "write_s": written,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--claimers", type=int, default=None, help="default: 1 SQLite, 2 PG")
    parser.add_argument("--mode", choices=("deliver", "claim"), default="deliver")
    parser.add_argument("--database", default=None, help="a postgresql:// URL (default SQLite)")
    parser.add_argument("--lead", type=float, default=30.0, help="seconds from start to due")
    args = parser.parse_args()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"machine: nproc {os.cpu_count()}, load {load}, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )
    if args.database:
        with postgresql_schema(args.database) as url:
            result = run(url, args.subscribers, args.claimers or 2, args.mode, args.lead)
    else:
        with tempfile.TemporaryDirectory() as folder:
            target = str(Path(folder) / "faqbot.sqlite3")
            result = run(target, args.subscribers, args.claimers or 1, args.mode, args.lead)
    engine = "postgresql" if args.database else "sqlite"
    print(f"-- {engine}, mode {args.mode}")
    for key, value in result.items():
        print(f"{key:>26}: {value:.3f}" if isinstance(value, float) else f"{key:>26}: {value}")
    ok = result["missing"] == 0 and result["duplicates"] == 0
    print("PASS" if ok else "FAIL: every row must be closed exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
