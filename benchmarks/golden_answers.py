"""Every decision the matcher makes on the labelled sets, as one stable JSON digest.

A speed change must not change a single answer: run this before and after, and compare.
Each question of every labelled set in tests/data (both languages) goes through
`LanguageAnswerers.respond` as the bot calls it, in the language its script picks and, for a
set that declares one, in that language as `faqbot eval` reads it; the record keeps the
`faqbot ask --json` object and, unrounded, the probability, the ranked scores and the decision's
signals. The benchmark's own questions on the shipped pack and on a synthetic pack of 10,000
phrasings go through `Matcher.match` too (`--no-synthetic` leaves those out), and the `faqbot
eval` report of every set is kept.

    .venv/bin/python benchmarks/golden_answers.py > before.json
    .venv/bin/python benchmarks/golden_answers.py > after.json && cmp before.json after.json
    .venv/bin/python benchmarks/golden_answers.py --digest   # one line: sha256 of the records
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

from faqbot.knowledge import Matcher, load_pack
from faqbot.knowledge.evaluation import (
    evaluate_by_language,
    load_questions,
    question_set_language,
)
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.matcher import Match

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def match_record(match: Match | None) -> dict[str, object] | None:
    """A match's decision, with the figures `to_json` rounds kept in full."""
    if match is None:
        return None
    signals = dataclasses.asdict(match.signals) if match.signals is not None else None
    return {
        "json": match.to_json(),
        "probability": match.probability,
        "ranked": [(s.entry.id, s.score) for s in match.ranked],
        "signals": signals,
    }


def labelled_sets() -> list[Path]:
    """The question sets: files with `answerable:` or `offtopic:` lists."""
    found = []
    for path in sorted(DATA.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "\nanswerable:" in text or "\nofftopic:" in text:
            found.append(path)
    return found


def records(synthetic: bool) -> dict[str, object]:
    pack = load_pack()
    answerers = LanguageAnswerers(pack)
    out: dict[str, object] = {}
    for path in labelled_sets():
        questions = load_questions(path)
        declared = question_set_language(path)
        readings = [None] if declared is None else [None, declared]
        for language in readings:
            rows = []
            for question in questions:
                outcome = answerers.respond(question.text, language)
                data = outcome.outcome.to_json()
                rows.append(
                    {
                        "q": question.text,
                        "reply_language": outcome.language,
                        "json": data,
                        "match": match_record(outcome.match),
                    }
                )
            out[f"{path.name}:{language or 'auto'}"] = rows
        reports = evaluate_by_language(answerers, questions, declared)
        out[f"{path.name}:eval"] = {lang: r.format() for lang, r in reports.items()}
    import bench_match  # benchmarks/ is not a package: found through sys.path

    sizes: list[str | int] = ["shipped", 10_000] if synthetic else ["shipped"]
    for size in sizes:
        entries = bench_match.entries_for(size)
        matcher = Matcher.from_pack(pack) if size == "shipped" else Matcher(entries)
        asked = bench_match.questions_for(entries, 2000 if size == "shipped" else 500)
        out[f"bench_match:{size}"] = [match_record(matcher.match(q)) for q in asked]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digest", action="store_true", help="print only a sha256")
    parser.add_argument("--no-synthetic", action="store_true", help="shipped pack only")
    args = parser.parse_args()
    text = json.dumps(records(not args.no_synthetic), ensure_ascii=False, indent=1)
    if args.digest:
        print(hashlib.sha256(text.encode()).hexdigest())
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
