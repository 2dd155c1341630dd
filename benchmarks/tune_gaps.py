"""Choose gaps.CUTOFF: sweep it over the labelled dev pairs, then report the test pairs once.

The rule: the middle of the widest run of cutoffs with the best F1 on the dev pairs. The test
pairs (tests/data/gap-pairs-test.yaml) are scored at the chosen cutoff only.

    .venv/bin/python benchmarks/tune_gaps.py
"""

from __future__ import annotations

from pathlib import Path

import yaml

from faqbot.knowledge import Matcher, load_pack
from faqbot.knowledge.gaps import CUTOFF, similarity

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def scored(split: str, matcher: Matcher) -> list[tuple[float, bool, dict[str, object]]]:
    pairs = yaml.safe_load((DATA / f"gap-pairs-{split}.yaml").read_text(encoding="utf-8"))
    return [(similarity(p["a"], p["b"], matcher), bool(p["same"]), p) for p in pairs["pairs"]]


def confusion(rows: list[tuple[float, bool, dict[str, object]]], cutoff: float) -> tuple[int, ...]:
    tp = sum(s >= cutoff and same for s, same, _ in rows)
    fp = sum(s >= cutoff and not same for s, same, _ in rows)
    fn = sum(s < cutoff and same for s, same, _ in rows)
    return tp, fp, fn


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    matcher = Matcher.from_pack(load_pack())
    dev = scored("dev", matcher)
    sweep = {cutoff: f1(*confusion(dev, cutoff)) for cutoff in range(50, 101)}
    best = max(sweep.values())
    runs: list[list[int]] = []
    for cutoff, value in sweep.items():
        if value == best and runs and runs[-1][-1] == cutoff - 1:
            runs[-1].append(cutoff)
        elif value == best:
            runs.append([cutoff])
    widest = max(runs, key=len)
    chosen = widest[len(widest) // 2]
    print(f"dev: {len(dev)} pairs; best F1 {best:.3f} at cutoffs {widest[0]}-{widest[-1]}")
    print(f"chosen cutoff {chosen} (gaps.CUTOFF is {CUTOFF:g})")
    for split, rows in (("dev", dev), ("test", scored("test", matcher))):
        tp, fp, fn = confusion(rows, chosen)
        print(
            f"{split}: {len(rows)} pairs, precision {tp / (tp + fp):.2f}, "
            f"recall {tp / (tp + fn):.2f}, F1 {f1(tp, fp, fn):.3f}"
        )
        for score, same, pair in rows:
            if (score >= chosen) != same:
                verdict = "missed" if same else "joined"
                print(f"  {verdict} ({score:.0f}): {pair['a']!r} / {pair['b']!r}")


if __name__ == "__main__":
    main()
