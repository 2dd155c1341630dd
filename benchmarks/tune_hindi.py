"""Choose the Hindi matcher's thresholds on tests/data/hindi-dev.yaml, by measurement.

Sweeps the thresholds of `Thresholds` for the Hindi matcher and prints the settings that answer
no unrelated off-topic question, best first: answered outright and right, then fewest wrong
answers, then fewest near-topic questions answered. Never run it on the test split.

    .venv/bin/python benchmarks/tune_hindi.py [--questions tests/data/hindi-dev.yaml]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import yaml

from faqbot.knowledge import load_pack
from faqbot.knowledge.languages import HINDI, hindi_stem, language_matcher
from faqbot.knowledge.matcher import Thresholds

ANSWER = (45.0, 50.0, 55.0, 60.0)
MARGIN = (4.0, 6.0, 8.0, 10.0)
COVERAGE = (0.55, 0.6, 0.65, 0.7, 0.75)
INFORMATION = (0.25, 0.5, 0.75)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("tests/data/hindi-dev.yaml"))
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    data = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    answerable = [
        (hindi_stem(item["q"]), {item["id"], *item.get("accept", ())})
        for item in data["answerable"]
    ]
    offtopic = [(hindi_stem(item["q"]), bool(item.get("near"))) for item in data["offtopic"]]
    pack = load_pack()
    rows = []
    for answer, margin, coverage, information in itertools.product(
        ANSWER, MARGIN, COVERAGE, INFORMATION
    ):
        limits = Thresholds(answer, margin, coverage, information, suggest=min(45.0, answer))
        matcher = language_matcher(pack, HINDI, limits)
        right = wrong = 0
        for text, expected in answerable:
            match = matcher.match(text)
            if match.status == "answer" and match.entry is not None:
                right += match.entry.id in expected
                wrong += match.entry.id not in expected
        answered = [near for text, near in offtopic if matcher.match(text).status == "answer"]
        unrelated = answered.count(False)
        if unrelated == 0:
            rows.append((right, -wrong, -len(answered), answer, margin, coverage, information))
    rows.sort(reverse=True)
    total = len(answerable)
    print("right   wrong  near answered  answer margin coverage information")
    for right, wrong, near, answer, margin, coverage, information in rows[: args.top]:
        print(
            f"{right:3d} ({100 * right / total:4.1f}%)  {-wrong:2d}  {-near:2d}"
            f"            {answer:4.0f}   {margin:4.0f}    {coverage:.2f}     {information:.2f}"
        )


if __name__ == "__main__":
    main()
