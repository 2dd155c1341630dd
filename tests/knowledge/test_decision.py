"""The fitted decision: loads from package data, is monotone where it must be, refits."""

from __future__ import annotations

import dataclasses

import numpy as np

from faqbot.knowledge.decision import FEATURES, Decision, Signals, fit

GOOD = Signals(
    score=95, runner_up=50, coverage=1.0, precision=1.0, fuzzy=0.95, information=3.0,
    missing=0.0, known=3, unknown=0, wrong_kind=False, off_subject=False,
)  # fmt: skip


def test_shipped_decision_loads_and_round_trips() -> None:
    decision = Decision.shipped()
    assert 0.5 <= decision.threshold < 1.0
    assert len(decision.weights) == len(FEATURES)
    again = Decision.from_mapping(__import__("yaml").safe_load(decision.to_yaml("header")))
    assert again.threshold == decision.threshold
    assert abs(again.probability(GOOD) - decision.probability(GOOD)) < 1e-4


def test_a_clear_match_is_answered_and_a_tie_or_unknown_words_lower_it() -> None:
    decision = Decision.shipped()
    good = decision.probability(GOOD)
    assert good >= decision.threshold
    assert decision.probability(dataclasses.replace(GOOD, runner_up=94)) < good
    assert decision.probability(dataclasses.replace(GOOD, unknown=3)) < good


def test_fit_separates_separable_data() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)
    mean, scale, weights, bias = fit(x, y, l2=0.1)
    z = bias + ((x - mean) / np.asarray(scale)) @ np.asarray(weights)
    assert ((z > 0) == y.astype(bool)).mean() > 0.95
    assert weights[0] > weights[1] > abs(weights[2])
