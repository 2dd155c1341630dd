"""A bystander's wait while another chat is busy, through the real `faqbot run` process.

For each scenario of tests/support/busy_chats.py (one member sending 60 /fact in a group,
30 members each sending /ask once in one group, 200 /fact in one private chat, and Telegram
answering another chat "retry after 20"), a fresh bot process is made busy, then bystanders
ask private questions one after another; each is timed from the push to the sendMessage that
answers it. The baseline is the same bystanders with nothing else going on, in this process.

    .venv/bin/python benchmarks/bench_isolation.py [--bystanders 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.bot_process import BotProcess  # noqa: E402
from tests.support.busy_chats import (  # noqa: E402
    FIRST_BYSTANDER,
    SCENARIOS,
    Scenario,
    bystander_seconds,
    make_busy,
)
from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402


def waits(scenario: Scenario | None, bystanders: int, timeout: float) -> list[float]:
    """Seconds each bystander waited, in a fresh process made busy by `scenario`."""
    with FakeBotAPI() as api, tempfile.TemporaryDirectory() as folder:
        bot = BotProcess(api, Path(folder) / "faqbot.sqlite3").start()
        try:
            if scenario is not None:
                make_busy(api, scenario)
            return [
                bystander_seconds(api, FIRST_BYSTANDER + index, timeout)
                for index in range(bystanders)
            ]
        finally:
            bot.stop(signal.SIGKILL)  # replies paced minutes ahead are not measured
            bot.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bystanders", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    print(
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; run on {date.today().isoformat()}; "
        f"{args.bystanders} bystanders one after another per scenario.\n"
    )
    print("| busy chat | bystander wait, median | max | ÷ idle median |")
    print("|---|---:|---:|---:|")
    idle = statistics.median(waits(None, args.bystanders, args.timeout))
    print(f"| none (baseline) | {idle * 1000:.0f} ms | | 1.0× |")
    for scenario in SCENARIOS:
        seen = waits(scenario, args.bystanders, args.timeout)
        median = statistics.median(seen)
        print(
            f"| {scenario} | {median * 1000:.0f} ms | {max(seen) * 1000:.0f} ms "
            f"| {median / idle:.1f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
