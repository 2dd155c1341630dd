"""`find_gaps` on a synthetic question log: wall time and peak memory, against a baseline.

The log is synthesised (seeded) from the shipped pack's phrasings, with typos, reordered words,
filler and Hinglish, plus off-topic questions and small talk, asked with a Zipf-like skew over
90 days. It is held in flat arrays and streamed as LoggedQuestion records, as a database cursor
would hand them over. The baseline, in the same process on the same stream, is what /stats does
today: count exact (lower-cased) duplicates of the questions not answered outright. Runs of the
two alternate; wall times are medians. Peak RSS is the whole process (Python, numpy, rapidfuzz
and the synthetic log itself); tracemalloc's peak is what one run allocates on top of the log.

    .venv/bin/python benchmarks/bench_gaps.py                # 1,000,000 questions, 3 runs
    .venv/bin/python benchmarks/bench_gaps.py --write        # also update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from faqbot.knowledge import Matcher, load_pack
from faqbot.knowledge.gaps import GAP_OUTCOMES, OUTCOMES, LoggedQuestion, find_gaps

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START, END = "<!-- bench_gaps:start -->", "<!-- bench_gaps:end -->"
DAYS = 90
FIRST_DAY = datetime(2026, 8, 1, tzinfo=UTC).timestamp()

FILLER_BEFORE = ("sir ", "pls ", "bro ", "explain ", "tell me ", "can you tell ", "upsc: ", "")
FILLER_AFTER = (" pls", " for upsc", " in detail", " kya hai", " ??", " asap", " sir", " briefly")
OFF_TOPIC_FRAMES = (
    "who won the {}",
    "what is {}",
    "{} kya hai",
    "latest news on {}",
    "capital of {}",
    "{} exam date",
    "india {} relations",
    "{} upsc notes",
    "tell me about {}",
    "{} 2+2 dialogue",
)
OFF_TOPIC_SUBJECTS = (
    *"ipl chandrayaan gst gdp inflation brics g20 sco aukus australia france usa russia".split(),
    *"china pakistan nepal bhutan maldives bangladesh myanmar germany uk canada brazil".split(),
    *"iran israel ukraine taiwan tourism neet jee cricket olympics isro nasa monsoon".split(),
    "world cup",
    "repo rate",
    "budget 2024",
    "quad summit",
    "sri lanka",
    "south africa",
    "south china sea",
    "article 370",
    "bullet train",
    "semiconductors",
    "green hydrogen",
    "electoral bonds",
    "one nation one election",
)
SMALL_TALK = ("hi", "hello", "thanks", "thank you", "ok", "good morning", "bye", "hii", "👍")
FEEDBACK = (
    "I wanted the year",
    "not what I asked",
    "wrong entry",
    "need the venue",
    "too short",
    "which countries took part?",
    "I asked about the third meeting",
    "answer is outdated",
    "who signed it",
    "explain in simple words",
)
LANGUAGES = ("en", "hi-Latn")


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: a swapped, dropped, doubled or replaced letter."""
    if len(word) < 3:
        return word
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourtnsl") + word[i + 1 :]


def noisy(text: str, rng: random.Random) -> str:
    """A student's wording of `text`: typos, reordering, filler and casing, at random."""
    words = text.rstrip("?").split()
    if rng.random() < 0.4:
        for _ in range(rng.choice((1, 1, 2))):
            i = rng.randrange(len(words))
            words[i] = typo(words[i], rng)
    if rng.random() < 0.15 and len(words) > 2:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    if rng.random() < 0.25 and len(words) > 4:
        del words[rng.randrange(len(words))]
    out = " ".join(words)
    if rng.random() < 0.3:
        out = rng.choice(FILLER_BEFORE) + out + rng.choice(FILLER_AFTER)
    return out.lower() if rng.random() < 0.6 else out + "?"


class SyntheticLog:
    """N logged questions in flat arrays, streamed as LoggedQuestion records."""

    def __init__(self, matcher: Matcher, size: int, seed: int = 2026) -> None:
        rng = random.Random(seed)
        entry_ids = [entry.id for entry in matcher.entries]
        templates: list[tuple[str, int, str]] = []  # text, entry index (-1: none), kind
        for index, entry in enumerate(matcher.entries):
            templates.extend((p, index, "topic") for p in entry.phrasings)
        templates.extend(
            (frame.format(subject), -1, "off")
            for frame in OFF_TOPIC_FRAMES
            for subject in OFF_TOPIC_SUBJECTS
        )
        templates.extend((text, -1, "talk") for text in SMALL_TALK)
        rng.shuffle(templates)
        # Students mostly ask about the subject: its phrasings weigh four times the rest.
        weights = [
            (4 if kind == "topic" else 1) / (rank + 1) ** 1.05
            for rank, (_, _, kind) in enumerate(templates)
        ]

        # A pool of distinct wordings, drawn with the same skew, that the log then repeats:
        # real logs repeat popular wordings verbatim far more often than they invent new ones.
        pool_size = size // 5
        drawn = rng.choices(range(len(templates)), weights=weights, k=pool_size)
        self.texts: list[str] = []
        self.template_of = array("i")
        for t in drawn:
            text, _, kind = templates[t]
            self.texts.append(text if kind == "talk" else noisy(text, rng))
            self.template_of.append(t)
        pool_weights = [1 / (rank + 1) ** 0.8 for rank in range(pool_size)]

        self.entry_ids = entry_ids
        self.question = array("i", rng.choices(range(pool_size), weights=pool_weights, k=size))
        self.outcome = array("b")
        self.entry = array("i")
        self.feedback = array("b")
        self.language = array("b")
        codes = {outcome: i for i, outcome in enumerate(OUTCOMES)}
        topic_outcomes = ("answered",) * 6 + ("suggested",) * 2 + ("tapped", "none")
        for q in self.question:
            text_entry, kind = templates[self.template_of[q]][1:]
            if kind == "talk":
                outcome = "smalltalk"
            elif kind == "off":
                outcome = "none" if rng.random() < 0.85 else "suggested"
            else:
                outcome = rng.choice(topic_outcomes)
            self.outcome.append(codes[outcome])
            if outcome in ("suggested", "tapped", "answered") or (
                outcome == "none" and kind == "topic"
            ):
                best = text_entry if text_entry >= 0 and rng.random() < 0.9 else -1
                self.entry.append(best if best >= 0 else rng.randrange(len(entry_ids)))
            else:
                self.entry.append(-1)
            gap = outcome in GAP_OUTCOMES
            self.feedback.append(
                rng.randrange(len(FEEDBACK)) if gap and rng.random() < 0.02 else -1
            )
            self.language.append(1 if " kya " in f" {self.texts[q]} " else 0)
        self.size = size

    def records(self) -> Iterator[LoggedQuestion]:
        step = DAYS * 86_400 / self.size
        for i in range(self.size):
            entry, feedback = self.entry[i], self.feedback[i]
            yield LoggedQuestion(
                question=self.texts[self.question[i]],
                outcome=OUTCOMES[self.outcome[i]],
                entry_id=self.entry_ids[entry] if entry >= 0 else None,
                score=50.0,
                language=LANGUAGES[self.language[i]],
                feedback=FEEDBACK[feedback] if feedback >= 0 else None,
                asked_at=datetime.fromtimestamp(FIRST_DAY + i * step, UTC),
            )


def exact_duplicates(log: SyntheticLog) -> Counter[str]:
    """The baseline: questions not answered outright, grouped only when typed identically."""
    return Counter(r.question.lower() for r in log.records() if r.outcome in GAP_OUTCOMES)


def stream_only(log: SyntheticLog) -> int:
    """Reading the stream and nothing else: the floor under both."""
    return sum(1 for _ in log.records())


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(run: Callable[[], object]) -> tuple[float, float, object]:
    """Wall time, CPU time of the process (all threads), and the result."""
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - started, time.process_time() - cpu, result


def traced_peak_mib(run: Callable[[], object]) -> float:
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    matcher = Matcher.from_pack(load_pack())
    started = time.perf_counter()
    log = SyntheticLog(matcher, args.size)
    built = time.perf_counter() - started
    rss_log = peak_rss_mib()
    print(f"synthesised {args.size:,} questions in {built:.1f} s; peak RSS {rss_log:.0f} MiB")

    walls: dict[str, list[float]] = {"stream": [], "baseline": [], "gaps": []}
    cpus: dict[str, list[float]] = {"stream": [], "baseline": [], "gaps": []}
    clusters: list = []
    baseline: Counter[str] = Counter()
    for run in range(args.runs):
        for name, work in (
            ("stream", lambda: stream_only(log)),
            ("baseline", lambda: exact_duplicates(log)),
            ("gaps", lambda: find_gaps(log.records(), matcher)),
        ):
            wall, cpu, result = timed(work)
            walls[name].append(wall)
            cpus[name].append(cpu)
            if name == "gaps":
                clusters = result  # type: ignore[assignment]
            elif name == "baseline":
                baseline = result  # type: ignore[assignment]
            print(f"run {run + 1} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    rss_after = peak_rss_mib()
    traced_gaps = traced_peak_mib(lambda: find_gaps(log.records(), matcher))
    traced_baseline = traced_peak_mib(lambda: exact_duplicates(log))

    gap_questions = sum(c.count for c in clusters)
    figures = {
        "size": args.size,
        "runs": args.runs,
        "gap_questions": gap_questions,
        "distinct": len(baseline),
        "wordings": sum(c.wordings for c in clusters),
        "clusters": len(clusters),
        "top_share": sum(c.count for c in clusters[:50]) / gap_questions,
        "baseline_top_share": sum(n for _, n in baseline.most_common(50)) / gap_questions,
        "stream": statistics.median(walls["stream"]),
        "baseline": statistics.median(walls["baseline"]),
        "gaps": statistics.median(walls["gaps"]),
        "gaps_range": (min(walls["gaps"]), max(walls["gaps"])),
        "cpu": {name: statistics.median(values) for name, values in cpus.items()},
        "load": os.getloadavg()[0],
        "rss_log": rss_log,
        "rss_after": rss_after,
        "traced_gaps": traced_gaps,
        "traced_baseline": traced_baseline,
    }
    text = report(figures)
    print(text)
    for c in clusters[:5]:
        print(f"  {c.count:>6} {c.representative!r} -> {c.entry_id} ({c.entry_share:.0%})")
    if args.write:
        doc = DOCS.read_text(encoding="utf-8")
        head, _, rest = doc.partition(START)
        _, _, tail = rest.partition(END)
        DOCS.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


def report(f: dict) -> str:
    lo, hi = f["gaps_range"]
    cpu = f["cpu"]
    goal = f["size"] >= 1_000_000 and f["gaps"] < 30 and f["rss_after"] < 500
    return (
        f"Measured {date.today():%Y-%m-%d} on {platform.machine()}, {_cores()} cores, "
        f"Python {platform.python_version()}; median of {f['runs']} runs, interleaved; "
        f"load average {f['load']:.1f} at the end (the machine is shared).\n\n"
        f"Log: {f['size']:,} questions, {f['gap_questions']:,} of them not answered outright, "
        f"{f['distinct']:,} distinct as typed (lower-cased), {f['wordings']:,} distinct after "
        f"normalisation, in {f['clusters']:,} clusters. The 50 largest clusters hold "
        f"{f['top_share']:.0%} of the gap questions; the baseline's 50 most frequent wordings "
        f"hold {f['baseline_top_share']:.0%}.\n\n"
        "| measure | value |\n|---|---:|\n"
        f"| `find_gaps` wall time, median (min to max) | {f['gaps']:.1f} s "
        f"({lo:.1f} to {hi:.1f}) |\n"
        f"| baseline: exact-duplicate Counter, median | {f['baseline']:.1f} s |\n"
        f"| reading the stream alone, median | {f['stream']:.1f} s |\n"
        f"| `find_gaps` ÷ baseline (wall) | {f['gaps'] / f['baseline']:.1f}× |\n"
        f"| CPU time, all threads, median: `find_gaps` / baseline / stream | "
        f"{cpu['gaps']:.1f} / {cpu['baseline']:.1f} / {cpu['stream']:.1f} s |\n"
        f"| peak RSS of the process, synthetic log built | {f['rss_log']:.0f} MiB |\n"
        f"| peak RSS of the process, after all runs | {f['rss_after']:.0f} MiB |\n"
        f"| Python allocations during one run (tracemalloc peak): `find_gaps` / baseline | "
        f"{f['traced_gaps']:.0f} / {f['traced_baseline']:.0f} MiB |\n\n"
        f"Goal (1,000,000 questions under 30 s and 500 MB): {'met' if goal else 'NOT met'}.\n"
    )


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
