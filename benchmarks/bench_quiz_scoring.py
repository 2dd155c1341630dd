"""Quiz scoring under load: 1,000 users answer each poll of one round at 1,000 answers a second.

The real `faqbot run` process polls a loopback FakeBotAPI. A group starts a round; as each poll
appears, every user's answer is pushed as a poll_answer update, paced at --rate a second (each
one twice for a share of users, as Telegram may re-deliver). While it runs, the benchmark reads
the bot's SQLite database (WAL lets a reader in beside the writer) to see when each answer was
counted. After the round, the stored results are checked against the answers pushed: every
answer counted once, and the leaderboard the bot would show equal to the one computed here.

Baseline, in this same process: the store alone (QuizStore.record_answer on a fresh database,
no Telegram, no HTTP), over the same number of answers.

    python benchmarks/bench_quiz_scoring.py [--users 1000] [--rate 1000] [--polls 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faqbot.storage.database import Storage  # noqa: E402
from faqbot.storage.quiz import OpenPoll, leaderboard  # noqa: E402
from faqbot.storage.stores import Stores  # noqa: E402
from tests.support import updates  # noqa: E402
from tests.support.bot_process import BotProcess  # noqa: E402
from tests.support.fake_bot_api import Call, FakeBotAPI  # noqa: E402

GROUP = -100_777_000_001
FIRST_USER = 30_000_000
REDELIVERED_EVERY = 10  # every tenth user's answer arrives twice


def right_for(user: int, poll_number: int) -> bool:
    """Whether a user answers a poll right: a fixed pattern with many ties and no all-same."""
    return (user * 7 + poll_number * 3) % 5 < 3


def counted(database: Path, poll_id_count: int) -> int:
    """How many answers the bot has counted so far (read-only, beside the running bot)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        (count,) = connection.execute("SELECT COUNT(*) FROM quiz_result").fetchone()
    except sqlite3.OperationalError:
        count = 0
    finally:
        connection.close()
    return int(count)


def push_answers(api: FakeBotAPI, poll: Call, users: list[int], number: int, rate: float) -> float:
    """Push every user's answer to one poll at `rate` a second; returns when the last left."""
    [correct] = poll.params["correct_option_ids"]
    options = len(poll.params["options"])
    poll_id = poll.result["poll"]["id"]
    started = time.monotonic()
    for index, user in enumerate(users):
        option = correct if right_for(user, number) else (correct + 1) % options
        update = updates.poll_answer(poll_id, user, [option], first_name=f"U{user}")
        api.push_update(update)
        if user % REDELIVERED_EVERY == 0:
            api.push_update(update)
        # Paced from the start, so a slow push is caught up rather than the rate drifting.
        delay = started + (index + 1) / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    return time.monotonic()


def run_bot(users: int, rate: float, polls: int, open_period: int) -> dict[str, object]:
    user_ids = list(range(FIRST_USER, FIRST_USER + users))
    lags: list[float] = []
    push_rates: list[float] = []
    with tempfile.TemporaryDirectory() as folder, FakeBotAPI() as api:
        database = Path(folder) / "faqbot.sqlite3"
        bot = BotProcess(
            api,
            database,
            env={"FAQBOT_QUIZ_OPEN_PERIOD": str(open_period), "FAQBOT_RATE_LIMIT": "100"},
        )
        try:
            bot.start()
            api.push_update(
                updates.message(GROUP, FIRST_USER, f"/quiz {polls}", chat_type="supergroup")
            )
            for number in range(polls):
                poll = api.wait_for("sendPoll", timeout=open_period + 30, count=number + 1)[-1]
                first = time.monotonic()
                last = push_answers(api, poll, user_ids, number, rate)
                push_rates.append(users / (last - first))
                expected = users * (number + 1)
                while counted(database, number) < expected:
                    if time.monotonic() - last > 60:
                        break
                    time.sleep(0.01)
                lags.append(time.monotonic() - last)
            api.wait_for(
                "sendMessage", lambda c: "Round over" in c.params["text"], timeout=open_period + 30
            )
            log = bot.log
        except AssertionError:
            for call in api.rejected_calls:
                print("rejected:", call.method, call.error_code, call.description, call.params)
            raise
        finally:
            bot.close()
        storage = Storage(database)
        storage.open()
        per_user = Counter(
            user
            for (user,) in storage.run_sync(
                lambda c: c.exec_driver_sql("SELECT user_id FROM quiz_result").fetchall()
            )
        )
        board = storage.run_sync(lambda c: leaderboard(c, GROUP, limit=10))
        storage.close()
    expected_right = {u: sum(right_for(u, n) for n in range(polls)) for u in user_ids}
    lost = sum(1 for u in user_ids if per_user[u] < polls)
    duplicated = sum(max(per_user[u] - polls, 0) for u in user_ids)
    best = max(expected_right.values())
    board_ok = all(row.correct == expected_right[row.user_id] for row in board) and (
        board[0].correct == best
    )
    return {
        "users": users,
        "polls": polls,
        "answers_pushed": users * polls + polls * len(user_ids[::REDELIVERED_EVERY]),
        "push_rate_per_s_median": statistics.median(push_rates),
        "counted_after_last_push_s_median": statistics.median(lags),
        "counted_after_last_push_s_max": max(lags),
        "lost": lost,
        "duplicated": duplicated,
        "leaderboard_correct": board_ok,
        "tracebacks": log.count("Traceback"),
    }


async def run_baseline(users: int) -> float:
    """Answers a second through the store alone, on one fresh database."""
    with tempfile.TemporaryDirectory() as folder:
        stores = Stores.open(Path(folder) / "baseline.sqlite3")
        try:
            poll = OpenPoll("p", GROUP, 1, "k", 0, time.time(), time.time() + 600)
            await stores.quiz.add_poll(poll, "UTC")
            started = time.perf_counter()
            for user in range(FIRST_USER, FIRST_USER + users):
                await stores.quiz.record_answer("p", user, f"U{user}", user % 4, time.time(), "UTC")
            return users / (time.perf_counter() - started)
        finally:
            stores.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1000.0, help="answers pushed a second")
    parser.add_argument("--polls", type=int, default=3, help="polls in the round")
    parser.add_argument("--open-period", type=int, default=20, help="seconds per poll")
    args = parser.parse_args()
    baseline = asyncio.run(run_baseline(args.users))
    result = run_bot(args.users, args.rate, args.polls, args.open_period)
    print(
        f"machine: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )
    for key, value in result.items():
        print(f"{key:>34}: {value:.3f}" if isinstance(value, float) else f"{key:>34}: {value}")
    print(f"{'baseline: store alone, answers/s':>34}: {baseline:.0f}")
    ok = result["lost"] == 0 and result["duplicated"] == 0 and result["leaderboard_correct"]
    print("PASS" if ok else "FAIL: the goal is none lost, none duplicated, a correct leaderboard")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
