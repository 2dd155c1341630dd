"""Bot throughput: questions answered per second by the real `faqbot run` over a loopback Bot API.

The real bot process polls a FakeBotAPI in this process. Two runs, after a warm-up:

- burst: every question is pushed at once; questions handled per second is the count over the
  time from the first push to the last sendMessage received.
- paced: questions are pushed at a steady rate (the goal's 300 a second); for each, the time
  inside the bot runs from the getUpdates response that delivered it to the sendMessage that
  answers it, and end to end from the push to that sendMessage.

Baselines, measured in this same process: the fake API's own round trip for a trivial request
(getMe over one kept-alive connection), and the matcher alone on the same questions.

Telegram allows about 30 messages a second and the bot's limiter keeps to that, and the flood
guard allows FAQBOT_FLOOD_LIMIT questions a minute per user: both are raised for the run, since
the aim is to measure the bot's own cost per question, not the limits that protect Telegram.

    .venv/bin/python benchmarks/bench_bot.py            # print the report
    .venv/bin/python benchmarks/bench_bot.py --write    # also update docs/benchmarks.md
    .venv/bin/python benchmarks/bench_bot.py --profile bot.prof  # cProfile the bot process
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import platform
import pstats
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faqbot.knowledge import Matcher, load_pack  # noqa: E402
from faqbot.knowledge.evaluation import load_questions  # noqa: E402
from tests.support import updates  # noqa: E402
from tests.support.bot_process import BotProcess  # noqa: E402
from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_bot:start -->", "<!-- bench_bot:end -->"
HEADING = "## Bot throughput (`benchmarks/bench_bot.py`)"
GOAL_RATE, GOAL_P99_MS = 300.0, 20.0
FIRST_CHAT = 20_000_000
_chat_ids = itertools.count(FIRST_CHAT)


class TimedBotAPI(FakeBotAPI):
    """The fake Bot API, noting when each update left in a getUpdates response."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: dict[int, float] = {}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        batch = super()._get_updates(params)
        now = time.monotonic()
        with self._lock:
            for update in batch:
                self.delivered.setdefault(update["update_id"], now)
        return batch


@dataclass
class Run:
    """One run's questions: pushed when, delivered when, answered when."""

    pushed: dict[int, float]  # chat id -> push time
    update_of: dict[int, int]  # chat id -> update id
    answered: dict[int, float]  # chat id -> arrival of its first sendMessage

    def in_bot_ms(self, api: TimedBotAPI) -> list[float]:
        return [
            (self.answered[chat] - api.delivered[self.update_of[chat]]) * 1000
            for chat in self.answered
        ]

    def end_to_end_ms(self) -> list[float]:
        return [(self.answered[chat] - self.pushed[chat]) * 1000 for chat in self.answered]


def push_questions(api: TimedBotAPI, questions: list[str], rate: float | None) -> Run:
    """Push one question per new private chat, all at once or at `rate` a second."""
    run = Run({}, {}, {})
    started = time.monotonic()
    for index, question in enumerate(questions):
        if rate is not None:
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        chat = next(_chat_ids)
        run.pushed[chat] = time.monotonic()
        run.update_of[chat] = api.push_update(updates.message(chat, chat, question))
    return run


def collect_answers(api: TimedBotAPI, run: Run, timeout: float) -> None:
    """Wait until every chat of the run got its first sendMessage."""
    wanted = set(run.pushed)
    api.wait_for(
        "sendMessage", lambda call: call.params["chat_id"] in wanted, timeout, count=len(wanted)
    )
    for call in api.calls_to("sendMessage"):
        chat = call.params["chat_id"]
        if chat in wanted and chat not in run.answered:
            run.answered[chat] = call.time


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def trivial_round_trip_ms(api: FakeBotAPI, count: int = 2000) -> list[float]:
    """getMe over one kept-alive HTTP connection: the loopback API's own cost per request."""
    connection = http.client.HTTPConnection("127.0.0.1", int(api.base_url.rsplit(":", 1)[1]))
    path = f"/bot{api.token}/getMe"
    times = []
    for _ in range(count):
        begin = time.perf_counter()
        connection.request("POST", path, body=b"", headers={"Content-Length": "0"})
        connection.getresponse().read()
        times.append((time.perf_counter() - begin) * 1000)
    connection.close()
    return times


def matcher_alone_ms(questions: list[str]) -> list[float]:
    matcher = Matcher.from_pack(load_pack())
    times = []
    for question in questions:
        begin = time.perf_counter()
        matcher.match(question)
        times.append((time.perf_counter() - begin) * 1000)
    return times


def question_mix(count: int) -> list[str]:
    """Labelled questions (answerable and off-topic) from the test set, repeated to `count`."""
    texts = [q.text for q in load_questions(ROOT / "tests" / "data" / "questions.yaml")]
    return list(itertools.islice(itertools.cycle(texts), count))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    env = {
        "FAQBOT_RATE_LIMIT": "1000000",
        "FAQBOT_FLOOD_LIMIT": "1000000",
    }
    with tempfile.TemporaryDirectory() as folder, TimedBotAPI() as api:
        profile = args.profile
        # Under cProfile, SIGINT lets the bot stop cleanly and write its profile.
        bot = BotProcess(
            api,
            Path(folder) / "faqbot.sqlite3",
            env=env,
            python_options=("-m", "cProfile", "-o", str(profile.resolve())) if profile else (),
            stop_signal=signal.SIGINT,
        )
        bot.start()
        try:
            round_trip = trivial_round_trip_ms(api)
            warm = push_questions(api, question_mix(args.warmup), rate=None)
            collect_answers(api, warm, timeout=120)

            cpu_before = process_cpu_seconds(bot.process.pid)
            burst = push_questions(api, question_mix(args.questions), rate=None)
            collect_answers(api, burst, timeout=300)
            burst_seconds = max(burst.answered.values()) - min(burst.pushed.values())
            bot_cpu = process_cpu_seconds(bot.process.pid) - cpu_before

            paced = push_questions(api, question_mix(args.questions), rate=args.rate)
            collect_answers(api, paced, timeout=300)
            paced_seconds = max(paced.answered.values()) - min(paced.pushed.values())
        finally:
            code = bot.stop()
            log = bot.log
            bot.close()
        if code != 0:
            raise SystemExit(f"the bot exited with {code}:\n{log}")
        if args.profile:
            pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(45)
            pstats.Stats(str(profile)).sort_stats("tottime").print_stats(30)
    matcher = matcher_alone_ms(question_mix(args.questions))
    in_bot = paced.in_bot_ms(api)
    return {
        "questions": args.questions,
        "rate": args.rate,
        "burst_rate": len(burst.answered) / burst_seconds,
        "burst_in_bot": burst.in_bot_ms(api),
        "cpu_per_question": bot_cpu / len(burst.answered) * 1000,
        "paced_rate": len(paced.answered) / paced_seconds,
        "in_bot": in_bot,
        "end_to_end": paced.end_to_end_ms(),
        "round_trip": round_trip,
        "matcher": matcher,
    }


def report(results: dict[str, Any]) -> str:
    in_bot, e2e = results["in_bot"], results["end_to_end"]
    burst_in_bot = results["burst_in_bot"]
    trip, matcher = results["round_trip"], results["matcher"]
    p50, p99 = statistics.median(in_bot), percentile(in_bot, 0.99)
    trip50, match50 = statistics.median(trip), statistics.median(matcher)
    met = results["burst_rate"] >= GOAL_RATE and p99 <= GOAL_P99_MS
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; run on {date.today().isoformat()}.",
        f"Questions per run: {results['questions']}, the labelled set of "
        "tests/data/questions.yaml (answerable and off-topic) repeated, one private chat each.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| burst: questions handled per second | {results['burst_rate']:.0f} /s |",
        f"| burst: time inside the bot, p50 / p99 | {statistics.median(burst_in_bot):.1f} / "
        f"{percentile(burst_in_bot, 0.99):.1f} ms |",
        f"| burst: bot CPU time per question | {results['cpu_per_question']:.2f} ms |",
        f"| paced at {results['rate']:.0f}/s: achieved rate | {results['paced_rate']:.0f} /s |",
        f"| paced: time inside the bot, p50 / p99 | {p50:.2f} / {p99:.2f} ms |",
        f"| paced: push to sendMessage, p50 / p99 | {statistics.median(e2e):.2f} / "
        f"{percentile(e2e, 0.99):.2f} ms |",
        f"| baseline: loopback API round trip (getMe), p50 / p99 | {trip50:.3f} / "
        f"{percentile(trip, 0.99):.3f} ms |",
        f"| baseline: matcher alone, p50 / p99 | {match50:.3f} / "
        f"{percentile(matcher, 0.99):.3f} ms |",
        f"| time inside the bot ÷ API round trip (p50) | {p50 / trip50:.1f}× |",
        f"| time inside the bot ÷ matcher alone (p50) | {p50 / match50:.1f}× |",
        "",
        f"Goal: ≥ {GOAL_RATE:.0f} questions/s with p99 ≤ {GOAL_P99_MS:.0f} ms inside the bot: "
        f"{'met' if met else 'NOT met'}.",
    ]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    """Replace this benchmark's block in docs/benchmarks.md, adding the section if missing."""
    write_block(text, START, END, HEADING, SECTION_INTRO)


def write_block(text: str, start: str, end: str, heading: str, intro: str) -> None:
    """Replace the block between `start` and `end` in docs/benchmarks.md, or add it at the end
    as a section under `heading` and `intro`."""
    body = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}\n{end}"
    if start in body and end in body:
        before, _, rest = body.partition(start)
        _, _, after = rest.partition(end)
        body = before + block + after
    else:
        body = body.rstrip("\n") + f"\n\n{heading}\n\n{intro}\n\n{block}\n"
    DOCS.write_text(body, encoding="utf-8")


SECTION_INTRO = """\
`benchmarks/bench_bot.py` runs the real `faqbot run` process against the loopback fake Bot API
and pushes questions as private-chat updates. *Burst* pushes them all at once and counts
questions answered per second, from the first push to the last sendMessage received. *Paced*
pushes them at 300 a second; the time inside the bot runs from the getUpdates response that
delivered a question to the sendMessage that answers it. FAQBOT_RATE_LIMIT (Telegram's 30
messages a second) and FAQBOT_FLOOD_LIMIT (questions a minute per user) are raised for the run:
they exist to protect Telegram and the bot from one user, and would otherwise be all the
benchmark measures. Baselines come from the same process: the fake API's own round trip for a
trivial request, and the matcher alone on the same questions."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--rate", type=float, default=GOAL_RATE)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="cProfile the bot process into FILE"
    )
    args = parser.parse_args()
    text = report(measure(args))
    print(text)
    if args.write:
        write_docs(text)


if __name__ == "__main__":
    main()
