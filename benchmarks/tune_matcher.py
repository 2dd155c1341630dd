"""Choose the matcher's thresholds from the labelled question set, by measurement.

For each scoring setting it records, per question, what the decision rule looks at (the top
entry, its score, its lead, how much of the question it explains, how much information the
question carries), then sweeps the thresholds. A setting is admissible only if no off-topic
question and no answerable one is answered wrongly; among those, it maximises questions answered
outright and correctly, preferring thresholds with slack on every side.

    .venv/bin/python benchmarks/tune_matcher.py [--questions tests/data/questions.yaml]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from faqbot.knowledge import Matcher, load_pack
from faqbot.knowledge.evaluation import load_questions
from faqbot.knowledge.matcher import Thresholds, expected_kinds

SCORING = {
    "SIBLING": (0.85, 1.0),
    "ANSWER": (0.5, 0.7, 0.85),
    "FUZZ_WEIGHT": (0.0, 0.2),
    "UNKNOWN": (0.7, 1.0),
}
ANSWER = np.arange(40, 86, 3)
MARGIN = np.arange(0, 21, 2)
COVERAGE = np.arange(0.45, 0.91, 0.05)
INFORMATION = np.arange(0.25, 2.6, 0.25)


def features(matcher: Matcher, questions) -> dict[str, np.ndarray]:
    """Per question: labels and what the decision rule compares with its thresholds."""
    rows = []
    for question in questions:
        known, unknown = matcher.analyse(question.text)
        match = matcher.match(question.text)
        ranked = match.ranked
        if not ranked:
            rows.append((question.offtopic, False, False, 0, 0, 0, 0, False))
            continue
        top = ranked[0]
        total = sum(matcher.idf[t] for t in known) + unknown * matcher.unknown_weight
        # One-word questions must carry twice the information (Thresholds.word_information).
        weights = sum(matcher.information[t] for t in known) / (1 if len(known) > 1 else 2)
        top_index = matcher.entries.index(top.entry)
        explained = _coverage(matcher, known, top_index) / total if total else 0.0
        rows.append(
            (
                question.offtopic,
                top.entry.id in question.expected,
                any(s.entry.id in question.expected for s in ranked[:3]),
                top.score,
                top.score - (ranked[1].score if len(ranked) > 1 else 0.0),
                explained,
                weights,
                expected_kinds(question.text) <= matcher._offers[top_index]
                and (len(known) > 1 or known[0] in matcher._subjects[top_index]),
            )
        )
    names = ("offtopic", "right", "top3", "score", "margin", "coverage", "information", "kinds")
    return {
        name: np.asarray(column)
        for name, column in zip(names, zip(*rows, strict=True), strict=True)
    }


def _coverage(matcher: Matcher, known: list[str], entry_index: int) -> float:
    """The best recall over the entry's phrasings, as Matcher.match computes it."""
    entry_tokens = {t for t in known if entry_index in matcher._strong.get(t, ())}
    answer_tokens = {t for t in known if entry_index in matcher._answer.get(t, ())}
    best = 0.0
    for phrasing in matcher._entry_phrasings[entry_index]:
        own = set(matcher._phrasing_text[phrasing].split())
        value = sum(
            matcher.idf[t]
            * (
                1.0
                if t in own
                else matcher.SIBLING
                if t in entry_tokens
                else matcher.ANSWER
                if t in answer_tokens
                else 0.0
            )
            for t in known
        )
        best = max(best, value)
    return best


def sweep(f: dict[str, np.ndarray]) -> list[tuple]:
    """Every threshold combination with its counts."""
    results = []
    answerable = ~f["offtopic"]
    for a, m, c, i in itertools.product(ANSWER, MARGIN, COVERAGE, INFORMATION):
        answered = (
            (f["score"] >= a)
            & (f["margin"] >= m)
            & (f["coverage"] >= c - 1e-9)
            & (f["information"] >= i)
            & f["kinds"]
        )
        right = int((answered & answerable & f["right"]).sum())
        wrong = int((answered & answerable & ~f["right"]).sum())
        offtopic = int((answered & f["offtopic"]).sum())
        results.append((right, wrong, offtopic, a, m, c, i))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("tests/data/questions.yaml"))
    args = parser.parse_args()
    pack = load_pack()
    questions = load_questions(args.questions)
    answerable = sum(not q.offtopic for q in questions)
    print(f"{len(questions)} questions, {answerable} answerable")
    print("SIBLING ANSWER FUZZ UNKNOWN | top-1 top-3 | best: right wrong off | thresholds")
    for values in itertools.product(*SCORING.values()):
        for name, value in zip(SCORING, values, strict=True):
            setattr(Matcher, name, value)
        matcher = Matcher.from_pack(pack, Thresholds(answer=0, margin=0, coverage=0, information=0))
        f = features(matcher, questions)
        safe = [r for r in sweep(f) if r[1] == 0 and r[2] == 0]
        best = max(safe, default=(0, 0, 0, 0, 0, 0, 0), key=lambda r: r[0])
        top1 = 100 * f["right"][~f["offtopic"]].mean()
        top3 = 100 * f["top3"][~f["offtopic"]].mean()
        print(
            f"{values[0]:7} {values[1]:6} {values[2]:4} {values[3]:7} | {top1:5.1f} {top3:5.1f} | "
            f"{best[0]:4} {best[1]:5} {best[2]:3} | answer {best[3]} margin {best[4]} "
            f"coverage {best[5]:.2f} information {best[6]}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
