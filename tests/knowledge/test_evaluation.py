"""Accuracy floors on the labelled question set: a regression in matching fails CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.evaluation import (
    LabelledQuestion,
    Report,
    evaluate,
    evaluate_by_language,
    load_questions,
)
from tests.support.application import knowledge_of
from tests.support.paths import (
    HINDI_DEV,
    HINDI_DEV_FRESH4,
    HINDI_TEST,
    QUESTIONS,
    UNSEEN_DEV,
    UNSEEN_DEV_FRESH,
    UNSEEN_DEV_FRESH2,
    UNSEEN_DEV_FRESH3,
    UNSEEN_TEST,
)

# Floors on the test split, set from its measured run after the third fresh-dev-batch work
# (its eleventh look; docs/matching.md says how often the test split was looked at): 86.8%
# answered right (87.4% before it), one confident wrong answer (0.5%; one is allowed, as
# before), 89.1% right option (41 of 46) and no near-topic question answered.
TEST_ANSWERED, TEST_WRONG, TEST_NEAR, TEST_MCQ = 86.5, 0.6, 0, 88.5
# Set from the one run of hindi-test after the fourth fresh Hindi batch's work (docs/matching.md,
# "A fourth fresh Hindi batch"): 14 of 19 options named right, none wrong (13 before).
HINDI_TEST_MCQ = 73.5


@pytest.fixture(scope="module")
def answerer(pack: Pack) -> Answerer:
    """The shipped pack's, from the bundle the whole run shares (its main language)."""
    return knowledge_of(pack).answerer


@pytest.fixture(scope="module")
def report(answerer: Answerer) -> Report:
    return evaluate(answerer, load_questions(QUESTIONS))


def test_question_set_is_big_enough(report: Report) -> None:
    assert report.answerable >= 200
    assert report.offtopic >= 80


def test_accuracy_floors(report: Report) -> None:
    assert report.top1_accuracy >= 95.0, report.format()
    assert report.top3_accuracy >= 99.0, report.format()
    assert report.answered_accuracy >= 94.5, report.format()


def test_no_confident_wrong_answer(report: Report) -> None:
    # None since the "who" sign (docs/matching.md): "india japan 2+2 mein india se kaun gaya
    # tha" no longer gets the highlights entry, whose clause names only India and Japan.
    assert report.answered_wrong == 0, report.format()


def test_no_off_topic_question_answered(report: Report) -> None:
    assert report.unrelated_answered == 0, report.format()
    # None since the scope rules: "what were the outcomes of the first india japan 2+2 in
    # 2019" no longer gets the first dialogue's date and place (docs/matching.md).
    assert report.near_answered == 0, report.format()


def test_every_entry_is_asked_about(pack: Pack) -> None:
    asked = {entry_id for q in load_questions(QUESTIONS) for entry_id in q.expected}
    assert asked >= {entry.id for entry in pack.entries}


def test_report_counts(pack: Pack) -> None:
    report = evaluate(
        knowledge_of(pack).answerer.matcher,
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


@pytest.mark.parametrize(
    ("path", "floors"),
    [
        # (answered right %, confident wrong %, near-topic answered, exam option right %);
        # measured figures are in docs/matching.md, these sit just under them.
        # dev: 94.6% right, none wrong, no near-topic question answered, 44 of 46 options.
        (UNSEEN_DEV, (94.5, 0.6, 0, 95.5)),
        # the fresh dev batch: 94.7% right (86.3% at its first run), none wrong, no near-topic
        # question answered, 15 of 16 options.
        (UNSEEN_DEV_FRESH, (94.5, 0.6, 0, 93.5)),
        # the second fresh batch: 94.0% right (85.0% at its first run), none wrong, no
        # near-topic question answered, 20 of 24 options.
        (UNSEEN_DEV_FRESH2, (93.5, 0.6, 0, 83.0)),
        # the third fresh batch: 95.4% right (88.5% at its first run), none wrong, no
        # near-topic question answered, 25 of 27 options.
        (UNSEEN_DEV_FRESH3, (95.0, 0.6, 0, 92.5)),
        (UNSEEN_TEST, (TEST_ANSWERED, TEST_WRONG, TEST_NEAR, TEST_MCQ)),
    ],
    ids=["dev", "dev-fresh", "dev-fresh2", "dev-fresh3", "test"],
)
def test_unseen_floors(answerer: Answerer, path: Path, floors: tuple) -> None:
    answered, wrong, near, mcq = floors
    report = evaluate(answerer, load_questions(path))
    assert report.answerable >= 90 and report.offtopic >= 40
    assert report.near * 2 >= report.offtopic, "half the off-topic set or more is near-topic"
    assert report.answered_accuracy >= answered, report.format()
    assert report.wrong_rate <= wrong, report.format()
    assert report.unrelated_answered == 0, report.format()
    assert report.near_answered <= near, report.format()
    assert report.mcq_accuracy >= mcq, report.format()
    assert report.mcq_wrong == 0, report.format()


@pytest.mark.parametrize(
    ("path", "floors"),
    [
        # (answered right %, confident wrong %, top-1 %, near-topic answered, exam option
        # right %); measured figures are in docs/matching.md (Hindi, Precision work, Hindi
        # MCQs, Colloquial Hindi), these sit just under them. The test split's confident wrong
        # answers (3 of 132, 2.3%) are over the 1% target, and one near-topic question is
        # answered there: the floors record where it stands so that it cannot grow unseen, not
        # that it is met. Test: 85.6% right after the colloquial work (83.3% before), 87.1%
        # after the third fresh batch's work, 87.9% and top-1 94.7% after the fourth's (one
        # look each; top-1 93.9% once merged with the third fresh English batch). Dev: 91.2%
        # (269 of 295) after the fourth fresh batch's work and the merged refit (threshold
        # 0.96); MCQ 39 of 44 options named right, none wrong. The fourth fresh batch: 81.1%
        # right and 1 confident wrong on its first run, 87.1% (115 of 132), none wrong, 9 of 13
        # options after its work.
        (HINDI_DEV, (91.0, 0.4, 98.5, 0, 88.0)),
        (HINDI_DEV_FRESH4, (87.0, 0.0, 94.5, 0, 69.0)),
        (HINDI_TEST, (87.5, 2.3, 93.5, 1, HINDI_TEST_MCQ)),
    ],
    ids=["dev", "dev-fresh4", "test"],
)
def test_hindi_floors(pack: Pack, path: Path, floors: tuple) -> None:
    answered, wrong, top1, near, mcq = floors
    report = evaluate_by_language(knowledge_of(pack).answerers, load_questions(path), "hi")["hi"]
    assert report.answerable >= 130 and report.offtopic >= 50
    assert report.answered_accuracy >= answered, report.format()
    assert report.wrong_rate <= wrong, report.format()
    assert report.top1_accuracy >= top1, report.format()
    assert report.unrelated_answered == 0, report.format()
    assert report.near_answered <= near, report.format()
    assert report.mcq_accuracy >= mcq, report.format()
    assert report.mcq_wrong == 0, report.format()


def test_reads_both_formats(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text("answerable:\n  - {q: what is jimex, id: what-is-jimex}\nofftopic: [hi there]\n")
    new = tmp_path / "new.yaml"
    new.write_text(
        "answerable:\n  - {q: x, id: a, style: mcq, option: (c)}\n"
        "offtopic:\n  - {q: who is japan's pm, near: true}\n  - {q: pizza, near: false}\n"
    )
    assert [(q.text, q.offtopic, q.near) for q in load_questions(old)] == [
        ("what is jimex", False, False),
        ("hi there", True, False),
    ]
    mcq, near, unrelated = load_questions(new)
    assert (mcq.style, mcq.option) == ("mcq", "c")
    assert near.near and not unrelated.near and unrelated.offtopic


def test_exam_option_is_counted(answerer: Answerer) -> None:
    question = "The inaugural India-Japan 2+2 was held in: (a) 2010 (b) 2018 (c) 2019 (d) 2022"
    right = LabelledQuestion(question, ("inaugural-dialogue",), "mcq", "c")
    wrong = LabelledQuestion(question, ("inaugural-dialogue",), "mcq", "a")
    report = evaluate(answerer, [right, wrong])
    assert (report.mcq, report.mcq_right, report.mcq_wrong) == (2, 1, 1)
