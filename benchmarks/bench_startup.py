"""The CPU of one `faqbot run` start: from the process starting to its first long poll, then a
clean stop (SIGTERM), measured as the child's user + system CPU (getrusage).

Two kinds of start, alternated in rounds so that both see the same load on a shared machine:
- fresh: a new, empty SQLite database (the schema is created);
- restart: the database of a previous start (the schema is up to date).

With `--before DIR` (a copy of another tree of faqbot, say `git archive main | tar -x -C DIR`),
each start is also made from that tree, alternated with this one, and the report gives the
ratio this tree ÷ that tree, start by start kind: the baseline runs in the same rounds.

    .venv/bin/python benchmarks/bench_startup.py [--starts 8] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.bot_process import BotProcess  # noqa: E402
from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_start(api: FakeBotAPI, database: Path, tree: Path) -> float:
    """The CPU seconds of one start of the bot from `tree`, up to its first poll and stop."""
    bot = BotProcess(api, database, env={"PYTHONPATH": str(tree)})
    before = children_cpu()
    try:
        bot.start(timeout=60)
        code = bot.stop()
    finally:
        bot.close()
    if code != 0:
        raise SystemExit(f"the bot from {tree} exited {code}")
    return children_cpu() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=8, help="starts of each kind and tree")
    parser.add_argument("--before", type=Path, help="another faqbot tree to compare with")
    args = parser.parse_args()
    trees = {"this": ROOT}
    if args.before:
        trees["before"] = args.before.resolve()
    cpu: dict[tuple[str, str], list[float]] = {
        (tree, kind): [] for tree in trees for kind in ("fresh", "restart")
    }
    api = FakeBotAPI()
    try:
        with tempfile.TemporaryDirectory() as folder:
            for tree, path in trees.items():  # compiles each tree's bytecode, untimed
                one_start(api, Path(folder) / f"{tree}-warm.sqlite3", path)
            for n in range(args.starts):
                for tree, path in trees.items():
                    database = Path(folder) / f"{tree}-{n}.sqlite3"
                    cpu[tree, "fresh"].append(one_start(api, database, path))
                    cpu[tree, "restart"].append(one_start(api, database, path))
    finally:
        api.stop()
    load = os.getloadavg()[0]
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, load {load:.1f}")
    print(f"{args.starts} starts of each kind, alternated")
    print("| tree | start | CPU median | min | max |")
    print("|---|---|---:|---:|---:|")
    for (tree, kind), seconds in cpu.items():
        print(
            f"| {tree} | {kind} | {statistics.median(seconds):.3f} s | {min(seconds):.3f} s "
            f"| {max(seconds):.3f} s |"
        )
    if "before" in trees:
        for kind in ("fresh", "restart"):
            ratio = statistics.median(cpu["this", kind]) / statistics.median(cpu["before", kind])
            print(f"{kind}: this ÷ before = {ratio:.2f}")


if __name__ == "__main__":
    main()
