"""Matching latency of Devanagari questions against English ones, on the shipped pack.

English questions go to the English matcher and Hindi ones (tests/data/hindi-dev.yaml) to the
Hindi matcher, through `LanguageAnswerers.respond` as the bot calls it, interleaved question by
question in one process so machine noise hits all alike. Two English baselines: the original
questions (tests/data/questions.yaml, mostly short and plain) and tests/data/unseen-dev.yaml,
written in the same styles as the Hindi sets (exam stems and statements, chatty, typos), whose
slow tail is made of the same kind of questions. The memos of typo corrections, respelled
Devanagari words, normalised and folded texts and parsed exam questions are cleared before
every round, so repeats are not free.

    .venv/bin/python benchmarks/bench_hindi.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import time
from pathlib import Path

from faqbot.knowledge import load_pack, normaliser
from faqbot.knowledge.devanagari import Respeller
from faqbot.knowledge.evaluation import load_questions
from faqbot.knowledge.exam import parse_exam
from faqbot.knowledge.languages import LanguageAnswerers

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pack = load_pack()
    started = time.perf_counter()
    answerers = LanguageAnswerers(pack)
    build = time.perf_counter() - started
    sets = {
        "en": [q.text for q in load_questions(DATA / "questions.yaml")],
        "en-styles": [q.text for q in load_questions(DATA / "unseen-dev.yaml")],
        "hi": [q.text for q in load_questions(DATA / "hindi-dev.yaml")],
    }
    timings: dict[str, list[float]] = {name: [] for name in sets}
    # CPU time of this thread too: on a shared machine, wall time also counts the moments
    # the scheduler gave the core to another process.
    cpu: dict[str, list[float]] = {name: [] for name in sets}
    load_before = os.getloadavg()[0]
    for _ in range(args.rounds):
        for answerer in answerers.answerers.values():
            answerer.matcher._corrections.clear()
            answerer.matcher.normaliser.cache_clear()
            if answerer.currency is not None:
                answerer.currency.normaliser.cache_clear()
            respell = answerer.matcher.normaliser._respell
            if isinstance(respell, Respeller):
                respell.cache_clear()
        normaliser._words.cache_clear()
        parse_exam.cache_clear()
        for row in itertools.zip_longest(*sets.values()):
            for name, question in zip(sets, row, strict=True):
                if question is None:
                    continue
                start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
                answerers.respond(question)
                timings[name].append((time.perf_counter_ns() - start) / 1e6)
                cpu[name].append((time.thread_time_ns() - start_cpu) / 1e6)
    load_after = os.getloadavg()[0]
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"Both matchers built in {build * 1000:.0f} ms; {args.rounds} rounds")
    print(f"Load average at the start and the end: {load_before:.1f} and {load_after:.1f}")
    for title, measured in (("Wall time", timings), ("CPU time of the thread", cpu)):
        print(f"\n{title}:\n")
        table(measured)


def table(timings: dict[str, list[float]]) -> None:
    """Medians and p99 per set, and the Hindi set's ratios to the English ones."""
    print("| questions | n | median | p99 |")
    print("|---|---:|---:|---:|")
    labels = {
        "en": "English (questions.yaml)",
        "en-styles": "English, same styles (unseen-dev.yaml)",
        "hi": "Hindi (hindi-dev.yaml)",
    }
    for name, label in labels.items():
        values = timings[name]
        print(
            f"| {label} | {len(values)} | {statistics.median(values):.3f} ms "
            f"| {percentile(values, 0.99):.3f} ms |"
        )
    hindi = timings["hi"]
    print("\n| Hindi against | median ratio | p99 ratio |")
    print("|---|---:|---:|")
    for name in ("en", "en-styles"):
        base = timings[name]
        print(
            f"| {labels[name]} | {statistics.median(hindi) / statistics.median(base):.2f} "
            f"| {percentile(hindi, 0.99) / percentile(base, 0.99):.2f} |"
        )


if __name__ == "__main__":
    main()
