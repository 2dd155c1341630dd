"""Matcher benchmark: index build time, match latency and peak RSS, against a naive baseline.

Two baselines run beside ours on the same questions in the same process, interleaved question
by question, so machine noise hits all alike: what a first FAQ bot does
(`rapidfuzz.process.extractOne` with `WRatio` over every phrasing), and BM25 (bm25s, Lucene
scoring, one question per call as a bot asks them). Each figure is also given as a ratio to the
baselines. Peak RSS is measured in a fresh child process per matcher and size.

    .venv/bin/python benchmarks/bench_match.py            # print the report
    .venv/bin/python benchmarks/bench_match.py --write    # also update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import bm25s
from rapidfuzz import fuzz, process, utils

from faqbot.knowledge import Entry, Matcher, check_pack, load_pack

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START, END = "<!-- bench_match:start -->", "<!-- bench_match:end -->"
SIZES = ("shipped", 10_000, 100_000)
PHRASINGS_PER_ENTRY = 5
STOP = ("what", "is", "the", "of", "when", "did", "how", "which", "kya", "hai")


def synthetic_entries(phrasings: int, seed: int = 7) -> list[Entry]:
    """A pack of invented words with a skewed (Zipf-like) vocabulary, like real text."""
    rng = random.Random(seed)
    syllables = ["ka", "ri", "to", "ma", "su", "ne", "lo", "vi", "da", "po", "ge", "hu", "ze"]
    vocabulary = sorted(
        {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(30_000)}
    )
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]

    def sentence(length: int) -> str:
        words = rng.choices(vocabulary, weights=weights, k=length)
        words.insert(rng.randrange(len(words) + 1), rng.choice(STOP))
        return " ".join(words)

    entries = []
    for index in range(phrasings // PHRASINGS_PER_ENTRY):
        topic = rng.choices(vocabulary[200:], k=2)  # each entry has its own rarer words
        phrasings_ = [f"{' '.join(topic)} {sentence(rng.randint(2, 5))}" for _ in range(5)]
        entries.append(
            Entry(
                id=f"e{index}",
                topic="t",
                question=phrasings_[0],
                alternates=tuple(phrasings_[1:]),
                answer=sentence(25),
                source="synthetic",
            )
        )
    return entries


def questions_for(entries: list[Entry], count: int, seed: int = 11) -> list[str]:
    """Phrasings as a student would type them: a word dropped, a typo, some off-topic."""
    rng = random.Random(seed)
    questions = []
    for _ in range(count):
        if rng.random() < 0.2:
            questions.append(f"what is the {rng.choice(['weather', 'capital', 'gdp'])} today")
            continue
        words = rng.choice(rng.choice(entries).phrasings).split()
        if len(words) > 3:
            words.pop(rng.randrange(len(words)))
        at = rng.randrange(len(words))
        if len(words[at]) > 4:
            chars = list(words[at])
            i = rng.randrange(len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            words[at] = "".join(chars)
        questions.append(" ".join(words))
    return questions


class Baseline:
    """The naive matcher: one full WRatio scan per question."""

    def __init__(self, entries: list[Entry]) -> None:
        self.choices = [utils.default_process(p) for e in entries for p in e.phrasings]

    def match(self, question: str) -> object:
        return process.extractOne(
            question, self.choices, scorer=fuzz.WRatio, processor=None, score_cutoff=0
        )


class Bm25:
    """BM25 over the same phrasings (bm25s, Lucene scoring), best phrasing per question."""

    def __init__(self, entries: list[Entry]) -> None:
        self.phrasings = [p for e in entries for p in e.phrasings]
        self.retriever = bm25s.BM25(method="lucene")
        corpus = bm25s.tokenize(self.phrasings, stopwords="en", show_progress=False)
        self.retriever.index(corpus, show_progress=False)

    def match(self, question: str) -> object:
        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return None
        return self.retriever.retrieve(tokens, k=1, show_progress=False, n_threads=0)


def entries_for(size: str | int) -> list[Entry]:
    return list(load_pack().entries) if size == "shipped" else synthetic_entries(int(size))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_latency(size: str | int, questions: int, baseline_questions: int) -> dict:
    """Build both matchers and time them on the same questions, interleaved."""
    entries = entries_for(size)
    builds: dict[str, list[float]] = {"ours": [], "baseline": [], "bm25s": []}
    for _ in range(3 if len(entries) < 5_000 else 1):
        started = time.perf_counter()
        ours = Matcher(entries) if size != "shipped" else Matcher.from_pack(load_pack())
        builds["ours"].append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline = Baseline(entries)
        builds["baseline"].append(time.perf_counter() - started)
        started = time.perf_counter()
        bm25 = Bm25(entries)
        builds["bm25s"].append(time.perf_counter() - started)
    asked = questions_for(entries, questions)
    for question in asked[:50]:  # warm caches and lazily built tables
        ours.match(question)
        bm25.match(question)
    timings: dict[str, list[float]] = {"ours": [], "baseline": [], "bm25s": []}
    # CPU time of this thread too: on a shared machine, wall time also counts the moments
    # the scheduler gave the core to another process.
    cpu: dict[str, list[float]] = {"ours": [], "bm25s": []}
    for index, question in enumerate(asked):
        started, started_cpu = time.perf_counter(), time.thread_time()
        ours.match(question)
        timings["ours"].append(time.perf_counter() - started)
        cpu["ours"].append(time.thread_time() - started_cpu)
        started, started_cpu = time.perf_counter(), time.thread_time()
        bm25.match(question)
        timings["bm25s"].append(time.perf_counter() - started)
        cpu["bm25s"].append(time.thread_time() - started_cpu)
        if index < baseline_questions:
            started = time.perf_counter()
            baseline.match(question)
            timings["baseline"].append(time.perf_counter() - started)
    phrasings = sum(len(e.phrasings) for e in entries)
    return {
        "size": size,
        "phrasings": phrasings,
        **{
            name: {
                "build_ms": 1000 * statistics.median(builds[name]),
                "p50_ms": 1000 * statistics.median(values),
                "p99_ms": 1000 * percentile(values, 0.99),
                "questions": len(values),
            }
            for name, values in timings.items()
        },
        "cpu": {
            name: {
                "p50_ms": 1000 * statistics.median(values),
                "p99_ms": 1000 * percentile(values, 0.99),
            }
            for name, values in cpu.items()
        },
    }


def measure_rss(size: str | int, which: str) -> float:
    """Peak RSS in MiB of a process that builds one matcher and answers 200 questions."""
    entries = entries_for(size)
    matcher = Matcher(entries) if which == "ours" else Baseline(entries)
    for question in questions_for(entries, 200 if which == "ours" else 20):
        matcher.match(question)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(*args: str) -> dict | float:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def load_and_validate_ms(runs: int = 10) -> tuple[float, float]:
    """Median time to read and validate the shipped pack, and to build its matcher too."""
    check, full = [], []
    for _ in range(runs):
        started = time.perf_counter()
        pack, _ = check_pack()
        check.append(time.perf_counter() - started)
        Matcher.from_pack(pack)
        full.append(time.perf_counter() - started)
    return 1000 * statistics.median(check), 1000 * statistics.median(full)


def report(rows: list[dict], load: tuple[float, float], load_average: str) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, one core per matcher (no `workers`). Timings are "
        "medians and 99th percentiles over the same questions for both matchers, interleaved; "
        "ratios are ours ÷ baseline (below 1 is better).",
        "",
        f"Loading and validating the shipped pack: {load[0]:.0f} ms median "
        f"({load[1]:.0f} ms with its matcher built).",
        "",
        "| pack | phrasings | build ms (ratio) | p50 ms (ratio) | p99 ms (ratio) "
        "| peak RSS MiB (ratio) | WRatio p50 / p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ours, base = row["ours"], row["baseline"]
        lines.append(
            f"| {row['size']} | {row['phrasings']:,} "
            f"| {ours['build_ms']:.0f} ({ours['build_ms'] / base['build_ms']:.0f}×) "
            f"| {ours['p50_ms']:.3f} ({ours['p50_ms'] / base['p50_ms']:.3f}) "
            f"| {ours['p99_ms']:.3f} ({ours['p99_ms'] / base['p99_ms']:.3f}) "
            f"| {row['rss_ours']:.0f} ({row['rss_ours'] / row['rss_baseline']:.2f}) "
            f"| {base['p50_ms']:.2f} / {base['p99_ms']:.2f} |"
        )
    lines += [
        "",
        "Against BM25 (bm25s, Lucene scoring, same questions, same process; ratio is ours ÷ "
        "bm25s, below 1 is better):",
        "",
        "| pack | build ms: ours / bm25s | p50 ms: ours / bm25s (ratio) "
        "| p99 ms: ours / bm25s (ratio) |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        ours, bm25 = row["ours"], row["bm25s"]
        lines.append(
            f"| {row['size']} | {ours['build_ms']:.0f} / {bm25['build_ms']:.0f} "
            f"| {ours['p50_ms']:.3f} / {bm25['p50_ms']:.3f} "
            f"({ours['p50_ms'] / bm25['p50_ms']:.2f}) "
            f"| {ours['p99_ms']:.3f} / {bm25['p99_ms']:.3f} "
            f"({ours['p99_ms'] / bm25['p99_ms']:.2f}) |"
        )
    lines += [
        "",
        "The same questions in CPU time of the benchmark's thread (what each matcher spent, "
        "without the moments the scheduler gave the core to another process):",
        "",
        "| pack | CPU p50 ms: ours / bm25s (ratio) | CPU p99 ms: ours / bm25s (ratio) |",
        "|---|---:|---:|",
    ]
    for row in rows:
        ours, bm25 = row["cpu"]["ours"], row["cpu"]["bm25s"]
        lines.append(
            f"| {row['size']} | {ours['p50_ms']:.3f} / {bm25['p50_ms']:.3f} "
            f"({ours['p50_ms'] / bm25['p50_ms']:.2f}) "
            f"| {ours['p99_ms']:.3f} / {bm25['p99_ms']:.3f} "
            f"({ours['p99_ms'] / bm25['p99_ms']:.2f}) |"
        )
    lines += [
        "",
        f"Load average at the start and the end of the run: {load_average}.",
        "",
        f"Questions per size: {rows[0]['ours']['questions']} for ours; the baseline's full "
        f"scans are timed on the first {rows[-1]['baseline']['questions']} at 100k phrasings. "
        "Peak RSS is the whole process (Python, numpy and rapidfuzz included).",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, size, *rest = args.child
        size = size if size == "shipped" else int(size)
        if kind == "latency":
            print(json.dumps(measure_latency(size, int(rest[0]), int(rest[1]))))
        else:
            print(json.dumps(measure_rss(size, rest[0])))
        return 0
    load_before = os.getloadavg()[0]
    rows = []
    for size in SIZES:
        baseline_questions = args.questions if size != 100_000 else 200
        row = child("latency", str(size), str(args.questions), str(baseline_questions))
        row["rss_ours"] = child("rss", str(size), "ours")
        row["rss_baseline"] = child("rss", str(size), "baseline")
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    load_after = os.getloadavg()[0]
    text = report(rows, load_and_validate_ms(), f"{load_before:.1f} and {load_after:.1f}")
    print(text)
    if args.write:
        docs = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
        section = f"{START}\n{text}\n{END}"
        if START in docs:
            before, rest = docs.split(START, 1)
            docs = before + section + rest.split(END, 1)[1]
        else:
            docs += f"\n## Matching (`benchmarks/bench_match.py`)\n\n{section}\n"
        DOCS.write_text(docs, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
