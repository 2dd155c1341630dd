"""Matching latency of Devanagari questions against English ones, on the shipped pack.

English questions (tests/data/questions.yaml) go to the English matcher and Hindi ones
(tests/data/hindi-dev.yaml) to the Hindi matcher, through `LanguageAnswerers.respond` as the bot
calls it, interleaved question by question in one process so machine noise hits both alike.
The memos of typo corrections, respelled Devanagari words and normalised questions are cleared
before every round, so repeats are not free.

    .venv/bin/python benchmarks/bench_hindi.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import time
from pathlib import Path

from faqbot.knowledge import load_pack, normaliser
from faqbot.knowledge.devanagari import Respeller
from faqbot.knowledge.evaluation import load_questions
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
    english = [q.text for q in load_questions(DATA / "questions.yaml")]
    hindi = [q.text for q in load_questions(DATA / "hindi-dev.yaml")]
    timings: dict[str, list[float]] = {"en": [], "hi": []}
    for _ in range(args.rounds):
        for answerer in answerers.answerers.values():
            answerer.matcher._corrections.clear()
            respell = answerer.matcher.normaliser._respell
            if isinstance(respell, Respeller):
                respell.cache_clear()
        normaliser._words.cache_clear()
        for en, hi in itertools.zip_longest(english, hindi):
            for language, question in (("en", en), ("hi", hi)):
                if question is None:
                    continue
                start = time.perf_counter_ns()
                answerers.respond(question)
                timings[language].append((time.perf_counter_ns() - start) / 1e6)
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"Both matchers built in {build * 1000:.0f} ms; {args.rounds} rounds")
    print("| questions | n | median | p99 | median / English |")
    print("|---|---:|---:|---:|---:|")
    base = statistics.median(timings["en"])
    for language, label in (("en", "English (questions.yaml)"), ("hi", "Hindi (hindi-dev.yaml)")):
        values = timings[language]
        median = statistics.median(values)
        print(
            f"| {label} | {len(values)} | {median:.3f} ms | {percentile(values, 0.99):.3f} ms "
            f"| {median / base:.2f} |"
        )


if __name__ == "__main__":
    main()
