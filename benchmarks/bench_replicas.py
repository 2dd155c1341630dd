"""Questions per second with 1, 2 and 3 `faqbot run --webhook` replicas on one PostgreSQL
database and one Redis, behind the round-robin forwarder (tests/support/round_robin.py).

Each configuration starts its replicas on a fresh schema, then posts QUESTIONS private-chat
questions (one user each) through the forwarder, 40 at once as Telegram does, in batches; a
batch's rate is its questions over the time from its first post to its last 200 (a 200 means
handled: the answer was sent). Every question must be answered exactly once: the run fails
(exit 1) if one went unanswered or was answered twice. The rate limit
and flood limit are raised out of the way: they protect Telegram, and would be all this
measures. One replica, in the same run, is the baseline of the scaling ratio.

    python benchmarks/bench_replicas.py [--database postgresql://postgres@127.0.0.1:5432/test]
        [--redis redis://127.0.0.1:6379/0] [--questions 10000] [--batches 5] [--replicas 1 2 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import updates as u  # noqa: E402
from tests.support.databases import postgresql_schema  # noqa: E402
from tests.support.replicas import PATH, SECRET, Replicas, own_bot  # noqa: E402
from tests.support.round_robin import post_updates  # noqa: E402

ASKED = (
    "what is jimex",
    "what is malabar",
    "who attended the 2+2 dialogue",
    "what is HADR",
    "when was the first 2+2 dialogue",
    "what is the weather in delhi",
)
CONNECTIONS = 40  # Telegram's default max_connections for a webhook


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(database: str, redis: str, count: int, questions: int, batches: int) -> dict[str, Any]:
    """One configuration: `count` replicas, `questions` in `batches`; rates and checks."""
    users = random.sample(range(10**9, 2 * 10**9), questions)
    updates = [
        {"update_id": n + 1, **u.message(user, user, ASKED[n % len(ASKED)])}
        for n, user in enumerate(users)
    ]
    size = questions // batches
    rates: list[float] = []
    elapsed = 0.0
    load_before = os.getloadavg()[0]
    with (
        postgresql_schema(database) as url,
        own_bot() as api,
        Replicas(
            api,
            Path(tempfile.mkdtemp()),
            url,
            redis,
            count=count,
            env={"FAQBOT_RATE_LIMIT": "100000", "FAQBOT_FLOOD_LIMIT": "1000"},
        ) as replicas,
    ):
        pids = [bot.process.pid for bot in replicas.bots if bot.process is not None]
        bots_before = sum(cpu_seconds(pid) for pid in pids)
        harness_before = time.process_time()
        for first in range(0, questions, size):
            batch = updates[first : first + size]
            started = time.perf_counter()
            statuses = post_updates(replicas.forwarder.port, PATH, SECRET, batch, CONNECTIONS)
            took = time.perf_counter() - started
            rates.append(len(batch) / took)
            elapsed += took
            assert set(statuses) == {200}, Counter(statuses)
        bots_cpu = sum(cpu_seconds(pid) for pid in pids) - bots_before
        harness_cpu = time.process_time() - harness_before
        answered = Counter(call.params["chat_id"] for call in api.calls_to("sendMessage"))
        spread = dict(replicas.forwarder.forwarded)
    once = sum(1 for user in users if answered[user] == 1)
    return {
        "replicas": count,
        "questions": questions,
        "answered_exactly_once": once,
        "unanswered": sum(1 for user in users if answered[user] == 0),
        "answered_twice_or_more": sum(1 for user in users if answered[user] > 1),
        "batch_rates": [round(rate, 1) for rate in rates],
        "median_per_second": round(statistics.median(rates), 1),
        "overall_per_second": round(questions / elapsed, 1),
        "per_replica": sorted(spread.values()),
        # CPU per question: of all replicas together, and of this process (the fake Bot API,
        # the forwarder and the posting, in threads).
        "replicas_cpu_ms_per_question": round(1000 * bots_cpu / questions, 2),
        "harness_cpu_ms_per_question": round(1000 * harness_cpu / questions, 2),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    results = []
    for count in args.replicas:
        results.append(run(args.database, args.redis, count, args.questions, args.batches))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)  # as each one ends
    baseline = results[0]["median_per_second"]
    for result in results:
        result["ratio_to_first"] = round(result["median_per_second"] / baseline, 2)
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, "
                f"{platform.system()} {platform.machine()}",
                "results": results,
            },
            indent=2,
        )
    )
    ok = all(result["answered_exactly_once"] == result["questions"] for result in results)
    print("PASS" if ok else "FAIL: every question must be answered exactly once")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
