"""Due-time delivery at scale: N subscriptions due at the same instant, claimed by the store's
own claim queries (faqbot/storage/daily.py) in batches, by one or more claimers.

No Telegram: each claimer does what the delivery loop does around a send. `--mode deliver`
begins each claimed chat's delivery and closes its day (the two transactions of a one-message
fact); `--mode claim` only claims and gives each row back due tomorrow (the loop's own cost,
which decides whether a million subscriptions can start: no job per chat is built). Reports the
time from the due instant to the first claim and to the last row closed, the claim query's
p50/p99, and checks that every row was closed exactly once. `--claims K` stops each claimer
after K claims (a sample of the claim query at 100,000 or 1,000,000 rows, without working
through them all).

`--mode start` times the real bot instead: `faqbot run` starts on the database holding the N
subscriptions (and, in the same run, on one holding `--baseline` of them), and the report gives
its start-up (wall and CPU, to its first long poll) and the time from the due instant to its
first send; then claimers sample the claim query (`--claims`), and PostgreSQL's plan of it is
printed (EXPLAIN ANALYZE, rolled back).

    python benchmarks/bench_due.py [--subscribers 100000] [--claimers 2] [--mode claim]
        [--claims 200] [--database postgresql://postgres@127.0.0.1:5432/test]
    python benchmarks/bench_due.py --mode start --subscribers 100000 1000000 \
        --database postgresql://…

Without --database it runs on a SQLite file (one claimer: SQLite is the one-process mode).
With a PostgreSQL URL it works in a schema of its own, dropped afterwards; each claimer is a
process of its own, as replicas are; the rows are written with COPY (a million in seconds).
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import Connection, event, func, select

from faqbot.storage import daily
from faqbot.storage.database import Storage
from faqbot.storage.schema import daily_delivery, daily_subscription
from tests.support.bot_process import BotProcess
from tests.support.databases import postgresql_schema
from tests.support.fake_bot_api import FakeBotAPI

BATCH = 16  # the loop claims no more than its free delivery slots (DELIVERY_CONCURRENCY)
LEASE = timedelta(seconds=30)
FIRST_CHAT = 10_000_000
ENTRIES = ("a", "b", "c")


def write_subscriptions(target: str, count: int, due: datetime) -> None:
    """`count` chats due at `due` (subscribed yesterday at that time of day, in UTC)."""
    since = (due - timedelta(days=1)).isoformat(timespec="seconds")
    send_at = time(due.hour, due.minute, due.second).isoformat()
    storage = Storage(target)
    storage.open()  # the schema, by the bot's own migrations
    try:
        if target.startswith("postgresql"):
            storage.close()
            copy_subscriptions(target, count, send_at, since, due.timestamp())
            return
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


def copy_subscriptions(url: str, count: int, send_at: str, since: str, due: float) -> None:
    """The same rows on PostgreSQL, with COPY, then ANALYZE (as autovacuum would soon)."""
    with psycopg.connect(url) as connection:
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY daily_subscription "
                "(chat_id, kind, timezone, send_at, scheduled_since, next_due) FROM STDIN"
            ) as copy,
        ):
            for chat_id in range(FIRST_CHAT, FIRST_CHAT + count):
                copy.write_row((chat_id, "fact", "UTC", send_at, since, due))
        connection.execute("ANALYZE daily_subscription")


def claimer(
    target: str, due: float, mode: str, max_claims: int, results: multiprocessing.Queue
) -> None:
    """Claim and close due rows until none is left (or `max_claims` claims were made); report
    claim latencies and timings."""
    storage = Storage(target)
    storage.open()
    latencies: list[float] = []
    first_claim = last_close = float("nan")
    closed = idle = 0
    try:
        while clock.time() < due:
            clock.sleep(0.001)
        # 20 empty claims in a row (0.2 s): everything is closed
        while idle < 20 and not (max_claims and len(latencies) >= max_claims):
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


def run_claimers(
    target: str, due: datetime, claimers: int, mode: str, max_claims: int
) -> list[tuple[list[float], float, float, int]]:
    """Each claimer in a process of its own, from the due instant; their reports."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = context.Queue()
    workers = [
        context.Process(target=claimer, args=(target, due.timestamp(), mode, max_claims, results))
        for _ in range(claimers)
    ]
    for worker in workers:
        worker.start()
    reports = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return reports


def run(
    target: str, subscribers: int, claimers: int, mode: str, lead: float, max_claims: int
) -> dict[str, float]:
    due = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
    started = clock.perf_counter()
    write_subscriptions(target, subscribers, due)
    written = clock.perf_counter() - started
    if datetime.now(UTC) >= due:
        raise SystemExit(f"writing took {written:.1f} s, longer than --lead {lead}; raise it")
    reports = run_claimers(target, due, claimers, mode, max_claims)
    latencies = sorted(value for report in reports for value in report[0])
    closed = sum(report[3] for report in reports)
    if max_claims:  # a sample: the rows left are not missing
        missing, duplicates = 0, 0
    else:
        missing, duplicates = check(target, subscribers, due, mode)
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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_bot(url: str, subscribers: int, lead: float) -> dict[str, Any]:
    """`faqbot run` on a database of `subscribers` chats due `lead` s from now: its start-up
    (to its first long poll) and the time from the due instant to its first send."""
    due = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
    started = clock.perf_counter()
    write_subscriptions(url, subscribers, due)
    written = clock.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        bot = BotProcess(api, Path(folder) / "unused.sqlite3", env={"FAQBOT_DATABASE": url})
        try:
            started = clock.perf_counter()
            bot.start(timeout=lead)
            start_wall = clock.perf_counter() - started
            assert bot.process is not None
            start_cpu = cpu_seconds(bot.process.pid)
            if datetime.now(UTC) >= due:
                raise SystemExit(f"the bot was not up before the due instant; raise --lead {lead}")
            due_monotonic = clock.monotonic() + (due - datetime.now(UTC)).total_seconds()
            [first] = api.wait_for("sendMessage", timeout=lead + 60)
            tenth = api.wait_for("sendMessage", count=10, timeout=60)[-1]
        finally:
            bot.close()
    return {
        "subscribers": subscribers,
        "write_s": written,
        "bot_start_wall_s": start_wall,
        "bot_start_cpu_s": start_cpu,
        "first_send_after_due_s": first.time - due_monotonic,
        "tenth_send_after_due_s": tenth.time - due_monotonic,
    }


class _Rollback(Exception):
    """Carries the plan out of the transaction, which it rolls back."""


def claim_plan(url: str) -> str:
    """PostgreSQL's plan of the claim query as the store runs it (EXPLAIN ANALYZE, BUFFERS),
    in a transaction rolled back afterwards."""
    storage = Storage(url)
    storage.open()
    seen: list[tuple[str, Any]] = []

    def explain(connection: Connection) -> None:
        def capture(*args: Any) -> None:
            # (connection, cursor, statement, parameters, context, executemany)
            seen.append((args[2], args[3]))

        event.listen(connection, "before_cursor_execute", capture)
        now = datetime.now(UTC)
        daily.claim_due(connection, now=now, limit=BATCH, lease_until=now + LEASE)
        event.remove(connection, "before_cursor_execute", capture)
        statement, parameters = seen[-1]
        rows = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement,
            parameters,
        ).all()
        raise _Rollback("\n".join(row[0] for row in rows))

    try:
        storage.run_sync(explain)
    except _Rollback as plan:
        return str(plan)
    finally:
        storage.close()
    raise AssertionError("unreachable")


def run_start(
    database: str, sizes: list[int], baseline: int, claimers: int, claims: int
) -> dict[str, Any]:
    """Start-up and first send at `baseline` chats, then at each of `sizes`; on each of those
    a claim sample, and the claim query's plan on the largest."""
    results: dict[str, Any] = {}
    for size in (baseline, *sizes):
        with postgresql_schema(database) as url:
            # Writing a million rows takes a while: due once they are in and the bot is up.
            found = start_bot(url, size, 30.0 + size / 40_000)
            if size != baseline:
                now = datetime.now(UTC)
                reports = run_claimers(url, now, claimers, "claim", claims)
                latencies = sorted(value for report in reports for value in report[0])
                found["claim_p50_ms"] = 1000 * statistics.median(latencies)
                found["claim_p99_ms"] = 1000 * latencies[int(0.99 * (len(latencies) - 1))]
                found["claims"] = len(latencies)
                if size == max(sizes):
                    results["plan"] = claim_plan(url)
        results[f"at {size}"] = found
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--subscribers", type=int, nargs="+", default=[100_000], help="several: --mode start"
    )
    parser.add_argument("--claimers", type=int, default=None, help="default: 1 SQLite, 2 PG")
    parser.add_argument("--mode", choices=("deliver", "claim", "start"), default="deliver")
    parser.add_argument("--claims", type=int, default=0, help="per claimer; 0: until done")
    parser.add_argument(
        "--baseline", type=int, default=1000, help="--mode start: the small database's rows"
    )
    parser.add_argument("--database", default=None, help="a postgresql:// URL (default SQLite)")
    parser.add_argument("--lead", type=float, default=None, help="s from start to due")
    args = parser.parse_args()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"machine: nproc {os.cpu_count()}, load {load}, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )
    subscribers = args.subscribers[0]
    # Writing a million rows takes a while (SQLite more than COPY): due after it.
    lead = args.lead or 30.0 + subscribers / 40_000
    if args.mode == "start":
        if not args.database:
            raise SystemExit("--mode start needs --database postgresql://…")
        found = run_start(
            args.database, args.subscribers, args.baseline, args.claimers or 2, args.claims or 200
        )
        print(str(found.pop("plan")))
        for size, values in found.items():
            print(f"-- postgresql, bot start, {size} subscriptions")
            for key, value in values.items():
                print(
                    f"{key:>26}: {value:.3f}" if isinstance(value, float) else f"{key:>26}: {value}"
                )
        return 0
    if args.database:
        with postgresql_schema(args.database) as url:
            result = run(url, subscribers, args.claimers or 2, args.mode, lead, args.claims)
    else:
        with tempfile.TemporaryDirectory() as folder:
            target = str(Path(folder) / "faqbot.sqlite3")
            result = run(target, subscribers, args.claimers or 1, args.mode, lead, args.claims)
    engine = "postgresql" if args.database else "sqlite"
    print(f"-- {engine}, mode {args.mode}")
    for key, value in result.items():
        print(f"{key:>26}: {value:.3f}" if isinstance(value, float) else f"{key:>26}: {value}")
    ok = result["missing"] == 0 and result["duplicates"] == 0
    print("PASS" if ok else "FAIL: every row must be closed exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
