"""Accuracy floors on the labelled question set: a regression in matching fails CI."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Matcher, Pack
from faqbot.knowledge.evaluation import LabelledQuestion, Report, evaluate, load_questions
from tests.support.paths import QUESTIONS


@pytest.fixture(scope="module")
def report(pack: Pack) -> Report:
    return evaluate(Matcher.from_pack(pack), load_questions(QUESTIONS))


def test_question_set_is_big_enough(report: Report) -> None:
    assert report.answerable >= 200
    assert report.offtopic >= 80


def test_accuracy_floors(report: Report) -> None:
    assert report.top1_accuracy >= 95.0, report.format()
    assert report.top3_accuracy >= 99.0, report.format()
    assert report.answered_accuracy >= 75.0, report.format()


def test_no_confident_wrong_answers(report: Report) -> None:
    assert report.answered_wrong == 0, report.format()


def test_no_off_topic_question_answered(report: Report) -> None:
    assert report.offtopic_answered == 0, report.format()


def test_every_entry_is_asked_about(pack: Pack) -> None:
    asked = {entry_id for q in load_questions(QUESTIONS) for entry_id in q.expected}
    assert asked >= {entry.id for entry in pack.entries}


def test_report_counts(pack: Pack) -> None:
    matcher = Matcher.from_pack(pack)
    report = evaluate(
        matcher,
        [
            LabelledQuestion("what is jimex", ("what-is-jimex",)),
            LabelledQuestion("what is jimex", ("what-is-malabar",)),
            LabelledQuestion("recipe for ramen"),
        ],
    )
    assert (report.answerable, report.offtopic) == (2, 1)
    assert (report.top1, report.answered_right, report.answered_wrong) == (1, 1, 1)
    assert report.offtopic_answered == 0
    assert "CONFIDENT WRONG: 'what is jimex' expected what-is-malabar" in report.format()
