"""Whether to answer outright: a logistic model over what the matcher measured for a question.

The weights are data (`decision.yaml`), refitted from the labelled dev questions by
`benchmarks/fit_decision.py`; docs/matching.md explains the features and the threshold.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

FEATURES = (
    "score",
    "margin",
    "coverage",
    "precision",
    "fuzzy",
    "information",
    "missing",
    "known",
    "unknown_share",
    "one_word",
)


@dataclass(frozen=True)
class Signals:
    """What the matcher measured about a question and its best entry."""

    score: float  # the best entry's final score, 0-100
    runner_up: float  # the second entry's final score
    coverage: float  # share of the question's weight the best entry explains
    precision: float  # share of the best phrasing's weight the question covers
    fuzzy: float  # rapidfuzz token_sort_ratio of the best phrasing, 0-1
    information: float  # how telling the question's words found in the best entry are
    missing: float  # the most telling question word the best entry lacks (0 if none)
    known: int  # known content words
    unknown: int  # content words the pack has never seen
    wrong_kind: (
        bool  # asks for a date, duration, number, amount, full form or reason the best answer lacks
    )
    off_subject: bool  # one word, and not a word of the best entry's question or keywords
    other_name: bool = False  # names something ("Australia") the best entry never mentions
    other_year: bool = False  # names a year the best answer gives otherwise for the same thing
    beyond: str | None = None  # what the question asks that the best entry does not hold

    def vector(self) -> list[float]:
        """The model's inputs, in FEATURES order."""
        words = self.known + self.unknown
        return [
            self.score / 100,
            (self.score - self.runner_up) / 100,
            self.coverage,
            self.precision,
            self.fuzzy,
            math.log1p(self.information),
            self.missing,
            math.log1p(self.known),
            self.unknown / words if words else 0.0,
            1.0 if self.known == 1 else 0.0,
        ]


@dataclass(frozen=True)
class Decision:
    """A fitted logistic model and the probability above which the best entry is answered."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    _coefficients: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _offset: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The standardisation folded into the weights once: z = offset + Σ coefficient·x.
        coefficients = tuple(w / s for w, s in zip(self.weights, self.scale, strict=True))
        offset = self.bias - sum(c * m for c, m in zip(coefficients, self.mean, strict=True))
        object.__setattr__(self, "_coefficients", coefficients)
        object.__setattr__(self, "_offset", offset)

    def probability(self, signals: Signals) -> float:
        """The model's probability that the best entry is the right answer."""
        z = self._offset + sum(map(operator.mul, self._coefficients, signals.vector()))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path) -> Decision:
        """Read a decision file written by `to_yaml`."""
        return cls.from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")))

    @staticmethod
    def shipped(language: str = "en") -> Decision:
        """The decision fitted on the shipped pack's dev questions (package data): the
        language's own (`decision_hi.yaml`) if there is one, else the main one."""
        return _shipped(language)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Decision:
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError(f"decision file has features {names}, expected {FEATURES}")
        return cls(
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            weights=tuple(float(v) for v in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
        )

    def to_yaml(self, header: str = "") -> str:
        """The decision as YAML, with an optional comment header."""
        body = yaml.safe_dump(
            {
                "features": list(FEATURES),
                "mean": [round(v, 6) for v in self.mean],
                "scale": [round(v, 6) for v in self.scale],
                "weights": [round(v, 6) for v in self.weights],
                "bias": round(self.bias, 6),
                "threshold": round(self.threshold, 4),
            },
            sort_keys=False,
            default_flow_style=None,
            width=100,
        )
        comments = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
        return comments + body


def fit(
    rows: Sequence[Sequence[float]], labels: Sequence[int], l2: float = 1.0, steps: int = 50
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...], float]:
    """L2-regularised logistic regression by Newton's method on standardised features.

    Returns (mean, scale, weights, bias). Plain numpy: the model has ten inputs and a few
    hundred rows, which does not need scikit-learn.
    """
    x = np.asarray(rows, dtype=float)
    y = np.asarray(labels, dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    design = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(design @ theta, -30, 30)))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return (
        tuple(mean.tolist()),
        tuple(scale.tolist()),
        tuple(theta[:-1].tolist()),
        float(theta[-1]),
    )


@cache
def _shipped(language: str = "en") -> Decision:
    folder = resources.files("faqbot.knowledge")
    own = folder.joinpath(f"decision_{language}.yaml")
    text = (own if own.is_file() else folder.joinpath("decision.yaml")).read_text("utf-8")
    return Decision.from_mapping(yaml.safe_load(text))
