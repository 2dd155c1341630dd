"""Several replicas' sends under one budget in Redis: the combined rate and the busiest second.

Each replica is a process running the bot's own sending limiter (`app.sending_limiter` with
FAQBOT_REDIS_URL's shared window) that sends as fast as it lets it. The baseline, in the same
run, is one process on in-process limits. Reports each configuration's combined rate as a
ratio to FAQBOT_RATE_LIMIT, and the most sends any one-second window held.

    python benchmarks/bench_shared_limits.py [--redis redis://127.0.0.1:6379/0] [--rate 30]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faqbot.app import sending_limiter  # noqa: E402


def most_in_any_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + 1.0) - i for i, t in enumerate(ordered))


def summary(times: list[float], rate: float) -> dict[str, float]:
    ordered = sorted(times)
    span = ordered[-1] - ordered[0]
    return {
        "sends": len(ordered),
        "rate_ratio": (len(ordered) - 1) / span / rate,
        "busiest_second": most_in_any_second(ordered),
        "busiest_second_ratio": most_in_any_second(ordered) / rate,
    }


async def local_sends(rate: float, count: int) -> list[float]:
    """The baseline: one process, in-process limits."""
    limiter = sending_limiter(rate)
    sent: list[float] = []

    async def endpoint() -> bool:
        sent.append(time.time())
        return True

    await asyncio.gather(
        *(
            limiter.process_request(endpoint, (), {}, "sendMessage", {"chat_id": 1 + n}, None)
            for n in range(count)
        )
    )
    return sent


def shared_sends(url: str, replicas: int, rate: float, count: int) -> list[float]:
    """`replicas` processes sending `count` each through one Redis window."""
    namespace = f"faqbot-bench:{uuid.uuid4()}"
    start_at = time.time() + 2.0
    command = [sys.executable, "-m", "tests.support.shared_sender", url, namespace]
    processes = [
        subprocess.Popen(
            [*command, str(rate), str(count), str(start_at)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(replicas)
    ]
    times: list[float] = []
    for process in processes:
        output, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise SystemExit("a replica failed; is Redis at --redis running?")
        times.extend(json.loads(output))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--rate", type=float, default=30.0, help="FAQBOT_RATE_LIMIT")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}, rate {args.rate:g}/s"
    )
    total = int(args.rate * args.seconds)
    results: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.runs):
        baseline = asyncio.run(local_sends(args.rate, total))
        results.setdefault("1 process, in-process limits", []).append(summary(baseline, args.rate))
        for replicas in (1, 2, 3):
            times = shared_sends(args.redis, replicas, args.rate, total // replicas)
            name = f"{replicas} process(es), shared through Redis"
            results.setdefault(name, []).append(summary(times, args.rate))
    ok = True
    for name, runs in results.items():
        ratio = statistics.median(r["rate_ratio"] for r in runs)
        busiest = max(r["busiest_second"] for r in runs)
        print(
            f"{name:>40}: rate/cap median {ratio:.3f}, busiest second (max of {len(runs)}) "
            f"{busiest:.0f} of {args.rate:g}"
        )
        ok = ok and busiest <= args.rate
    print("PASS" if ok else "FAIL: a one-second window held more than the cap")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
