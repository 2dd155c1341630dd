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
    .venv/bin/python benchmarks/bench_gaps.py --cli --write  # `faqbot gaps` on a database

With --cli the same log is written to a real SQLite database (the bot's schema, through
Stores.open) and the whole command runs as a child process, `faqbot gaps --json --limit 0`:
opening the pack, streaming the rows, clustering and printing. Wall time, CPU time and peak RSS
are the child's (os.wait4). The baseline, alternating with it, is a child that only streams the
same rows through `logged_questions` and counts them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from faqbot.knowledge import Matcher, load_pack
from faqbot.knowledge.gaps import GAP_OUTCOMES, OUTCOMES, LoggedQuestion, find_gaps

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench_gaps:start -->", "<!-- bench_gaps:end -->"
CLI_START, CLI_END = "<!-- bench_gaps_cli:start -->", "<!-- bench_gaps_cli:end -->"
# What the log's outcomes are stored as: (status, tapped, rated down).
STORED = {
    "answered": ("answer", False),
    "suggested": ("suggest", False),
    "tapped": ("suggest", True),
    "none": ("none", False),
    "smalltalk": ("smalltalk", False),
    "downvoted": ("answer", False),
}
CLI = ("--json", "--limit", "0")
READ_ONLY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from faqbot.storage.questions import open_read_only\n"
    "reader = open_read_only(Path(sys.argv[1]))\n"
    "print(sum(1 for _ in reader.questions()))\n"
)
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


def write_database(log: SyntheticLog, path: Path) -> None:
    """The synthetic log as the bot's own database: its schema, with hashes, taps and 👎."""
    from faqbot.storage.stores import Stores

    stores = Stores.open(path)
    stores.close()
    step = DAYS * 86_400 / log.size
    connection = sqlite3.connect(path)

    def rows() -> Iterator[tuple[object, ...]]:
        for i, record in enumerate(log.records()):
            status, tapped = STORED[record.outcome]
            feedback = record.feedback
            yield (
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(FIRST_DAY + i * step)),
                "private",
                record.question,
                status,
                record.entry_id,
                record.score,
                f"{i % 50_000:064x}",  # stands in for a user's HMAC
                record.language,
                record.entry_id if tapped else None,
                -1 if feedback else None,
                feedback,
            )

    with connection:
        connection.executemany(
            "INSERT INTO question_log (asked_at, chat_type, question, status, entry_id, score, "
            "user_hash, language, tapped_id, rating, feedback) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    connection.close()


def child(command: list[str]) -> tuple[float, float, float, bytes]:
    """Run a child process: wall s, CPU s (user + system), peak RSS MiB, and its stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def main_cli(args: argparse.Namespace, matcher: Matcher) -> None:
    """`faqbot gaps` as students' questions reach it: from a database, in a child process."""
    with tempfile.TemporaryDirectory() as folder:
        path = args.database or Path(folder) / "faqbot.sqlite3"
        if not path.exists():
            started = time.perf_counter()
            write_database(SyntheticLog(matcher, args.size), path)
            print(
                f"wrote {args.size:,} questions to {path} in {time.perf_counter() - started:.0f} s"
            )
        size_mib = path.stat().st_size / 2**20
        runs: dict[str, list[tuple[float, float, float]]] = {"gaps": [], "stream": []}
        clusters = 0
        read = 0
        for run in range(args.runs):
            for name, command in (
                ("stream", [sys.executable, "-c", READ_ONLY, str(path)]),
                ("gaps", [sys.executable, "-m", "faqbot", "gaps", "--database", str(path), *CLI]),
            ):
                wall, cpu, rss, out = child(command)
                runs[name].append((wall, cpu, rss))
                if name == "gaps":
                    clusters = len(json.loads(out))
                else:
                    read = int(out)
                print(f"run {run + 1} {name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MiB")
    text = report_cli(
        {
            "size": args.size,
            "runs": args.runs,
            "read": read,
            "clusters": clusters,
            "db_mib": size_mib,
            "load": os.getloadavg()[0],
            **{
                f"{name}_{what}": statistics.median(r[index] for r in values)
                for name, values in runs.items()
                for index, what in enumerate(("wall", "cpu", "rss"))
            },
            "gaps_rss_max": max(r[2] for r in runs["gaps"]),
            "gaps_wall_range": (min(r[0] for r in runs["gaps"]), max(r[0] for r in runs["gaps"])),
        }
    )
    print(text)
    if args.write:
        _write_between(CLI_START, CLI_END, text)


def report_cli(f: dict) -> str:
    lo, hi = f["gaps_wall_range"]
    goal = f["size"] >= 1_000_000 and f["gaps_wall"] < 30 and f["gaps_rss_max"] < 500
    return (
        f"Measured {date.today():%Y-%m-%d} on {platform.machine()}, {_cores()} cores, "
        f"Python {platform.python_version()}; median of {f['runs']} runs of each, alternating; "
        f"load average {f['load']:.1f} at the end (the machine is shared).\n\n"
        f"Database: {f['size']:,} logged questions ({f['db_mib']:.0f} MiB); "
        f"{f['read']:,} rows are possible gaps and are read; {f['clusters']:,} clusters.\n\n"
        "| measure | `faqbot gaps --json --limit 0` | baseline: stream the rows only |\n"
        "|---|---:|---:|\n"
        f"| wall time, median | {f['gaps_wall']:.1f} s ({lo:.1f} to {hi:.1f}) | "
        f"{f['stream_wall']:.1f} s |\n"
        f"| CPU time (user + system), median | {f['gaps_cpu']:.1f} s | {f['stream_cpu']:.1f} s |\n"
        f"| peak RSS, median (largest) | {f['gaps_rss']:.0f} MiB ({f['gaps_rss_max']:.0f}) | "
        f"{f['stream_rss']:.0f} MiB |\n"
        f"| ratio to the baseline (wall / CPU) | {f['gaps_wall'] / f['stream_wall']:.1f}× / "
        f"{f['gaps_cpu'] / f['stream_cpu']:.1f}× | 1× |\n\n"
        f"Goal (1,000,000 questions under 30 s and 500 MB): {'met' if goal else 'NOT met'}.\n"
    )


def _write_between(start: str, end: str, text: str) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    head, _, rest = doc.partition(start)
    _, _, tail = rest.partition(end)
    DOCS.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--cli", action="store_true", help="time `faqbot gaps` on a database")
    parser.add_argument(
        "--database", type=Path, help="with --cli: use (or keep) this database file"
    )
    args = parser.parse_args()

    matcher = Matcher.from_pack(load_pack())
    if args.cli:
        main_cli(args, matcher)
        return
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
        _write_between(START, END, text)


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
