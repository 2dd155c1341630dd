"""Reloading the pack under load: the real `faqbot run` answers a steady stream of questions
while SIGHUP swaps its pack back and forth between two versions.

Two runs of the same stream (200 questions a second, one new private chat each, every question
one the pack answers outright with a cited card), in the same bot process:

- baseline: no reload;
- reloading: a SIGHUP every RELOAD_EVERY seconds, each after the pack file is replaced by the
  other version (tests/support/pack_versions.py: the revised one marks every answer and every
  citation, so an answer card from two packs shows).

Counted: questions without a reply (dropped), with more than one, answers mixing two packs,
ERROR lines and tracebacks in the bot's log; measured: each reload's time (from its log line)
and the time inside the bot (the getUpdates response that delivered a question to the
sendMessage answering it), p50 and p99, reloading against the baseline.

    .venv/bin/python benchmarks/bench_reload.py            # print the report
    .venv/bin/python benchmarks/bench_reload.py --write    # also update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_bot import (  # noqa: E402
    Run,
    TimedBotAPI,
    collect_answers,
    percentile,
    push_questions,
    write_block,
)

from tests.support.bot_process import BotProcess  # noqa: E402
from tests.support.pack_versions import (  # noqa: E402
    answerable_questions,
    original_text,
    revised_text,
    version_of,
    write_atomically,
)

START, END = "<!-- bench_reload:start -->", "<!-- bench_reload:end -->"
HEADING = "## Reloading the pack under load (`benchmarks/bench_reload.py`)"
RATE = 200.0
RELOAD_EVERY = 3.0
RELOADED = re.compile(r"SIGHUP: reloaded in ([\d.]+) s")


def reload_repeatedly(bot: BotProcess, pack: Path, stop: threading.Event) -> int:
    """Every RELOAD_EVERY seconds, replace the pack by the other version and send SIGHUP."""
    assert bot.process is not None
    sent = 0
    texts = [revised_text(), original_text()]
    while not stop.wait(RELOAD_EVERY):
        write_atomically(pack, texts[sent % 2])
        os.kill(bot.process.pid, signal.SIGHUP)
        sent += 1
    return sent


def replies_to(api: TimedBotAPI, chats: set[int]) -> dict[int, list[str]]:
    replies: dict[int, list[str]] = {}
    for call in api.calls_to("sendMessage"):
        if call.params["chat_id"] in chats:
            replies.setdefault(call.params["chat_id"], []).append(call.params["text"])
    return replies


def measure(args: argparse.Namespace) -> dict[str, Any]:
    env = {"FAQBOT_RATE_LIMIT": "1000000", "FAQBOT_FLOOD_LIMIT": "1000000"}
    questions = answerable_questions(int(RATE * args.seconds))
    with tempfile.TemporaryDirectory() as folder, TimedBotAPI() as api:
        pack = Path(folder) / "pack.yaml"
        write_atomically(pack, original_text())
        env["FAQBOT_KNOWLEDGE"] = str(pack)
        bot = BotProcess(api, Path(folder) / "faqbot.sqlite3", env=env)
        bot.start()
        try:
            warm = push_questions(api, questions[:300], rate=None)
            collect_answers(api, warm, timeout=120)
            baseline = push_questions(api, questions, rate=RATE)
            collect_answers(api, baseline, timeout=300)

            stop = threading.Event()
            reloads: list[int] = []
            reloader = threading.Thread(
                target=lambda: reloads.append(reload_repeatedly(bot, pack, stop))
            )
            reloader.start()
            reloading = push_questions(api, questions, rate=RATE)
            stop.set()
            reloader.join()
            with contextlib.suppress(AssertionError):  # a dropped question is counted below
                collect_answers(api, reloading, timeout=120)
            time.sleep(1.0)  # a late duplicate would arrive now
            replies = replies_to(api, set(reloading.pushed))
        finally:
            code = bot.stop()
            log = bot.log
            bot.close()
    versions = [version_of(texts[0]) for texts in replies.values()]
    return {
        "questions": len(questions),
        "seconds": args.seconds,
        "exit_code": code,
        "signals": reloads[0] if reloads else 0,
        "reload_seconds": [float(s) for s in RELOADED.findall(log)],
        "dropped": len(reloading.pushed) - len(replies),
        "duplicated": sum(1 for texts in replies.values() if len(texts) > 1),
        "mixed": versions.count("mixed"),
        "revised": versions.count("revised"),
        "errors": log.count(" ERROR ") + log.count("Traceback"),
        "baseline": baseline.in_bot_ms(api),
        "reloading": reloading.in_bot_ms(api),
        "baseline_rate": answered_rate(baseline),
        "reloading_rate": answered_rate(reloading),
        "load": os.getloadavg()[0],
    }


def answered_rate(run: Run) -> float:
    """Questions answered per second, from the first push to the last answer."""
    return len(run.answered) / (max(run.answered.values()) - min(run.pushed.values()))


def report(results: dict[str, Any]) -> str:
    base, under = results["baseline"], results["reloading"]
    base50, base99 = statistics.median(base), percentile(base, 0.99)
    under50, under99 = statistics.median(under), percentile(under, 0.99)
    took = results["reload_seconds"]
    met = (
        results["dropped"] == 0
        and results["duplicated"] == 0
        and results["mixed"] == 0
        and results["errors"] == 0
        and results["exit_code"] == 0
    )
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; run on {date.today().isoformat()}; "
        f"load average {results['load']:.1f} (the machine is shared).",
        f"Stream: {results['questions']} questions at {RATE:.0f}/s ({results['seconds']:.0f} s), "
        "each entry's own question in turn, one private chat each; the shipped pack (29 "
        "entries, English and Hindi) and its marked revision.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| SIGHUPs sent / reloads done | {results['signals']} / {len(took)} |",
        f"| reload time (read, validate, build), median / max | {statistics.median(took):.2f} / "
        f"{max(took):.2f} s |"
        if took
        else "| reload time | no reload logged |",
        f"| questions dropped / answered twice | {results['dropped']} / {results['duplicated']} |",
        f"| answers mixing two packs | {results['mixed']} |",
        f"| answers from the revised pack | {results['revised']} |",
        f"| ERROR lines and tracebacks in the bot's log | {results['errors']} |",
        f"| answered per second, baseline / reloading | {results['baseline_rate']:.0f} / "
        f"{results['reloading_rate']:.0f} /s |",
        f"| baseline (no reload): time inside the bot, p50 / p99 | {base50:.1f} / "
        f"{base99:.1f} ms |",
        f"| reloading: time inside the bot, p50 / p99 | {under50:.1f} / {under99:.1f} ms |",
        f"| reloading ÷ baseline, p50 / p99 | {under50 / base50:.2f}× / {under99 / base99:.2f}× |",
        "",
        "Target: 0 dropped updates, 0 errors, 0 answers mixing two packs: "
        f"{'met' if met else 'NOT met'}.",
    ]
    return "\n".join(lines)


SECTION_INTRO = """\
`benchmarks/bench_reload.py` runs the real `faqbot run` against the loopback fake Bot API and
pushes 200 questions a second, twice: once without reloads (the baseline), once while the pack
file is replaced and SIGHUP sent every 3 seconds, alternating between the shipped pack and a
revision that marks every answer and every citation, so that a card built from two packs
shows. A reload reads, validates and builds the new bundle on a worker thread and swaps it in
with one assignment; each update reads the bundle once. FAQBOT_RATE_LIMIT and
FAQBOT_FLOOD_LIMIT are raised, as in bench_bot.py. The reloads share the 2 cores with the
answering, so the cost shows as time inside the bot while one runs."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each stream")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    text = report(measure(args))
    print(text)
    if args.write:
        write_block(text, START, END, HEADING, SECTION_INTRO)


if __name__ == "__main__":
    main()
