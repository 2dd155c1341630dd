"""Quiz fairness checks: wording about the unseen source, shape give-aways, true distractors."""

from __future__ import annotations

import pytest

from faqbot.knowledge import load_pack
from faqbot.knowledge.quiz_checks import (
    acronyms,
    shape_problems,
    source_wording,
    spells,
    true_elsewhere_problems,
    wording_problems,
)
from faqbot.knowledge.quiz_items import generated_items, quiz_items
from faqbot.knowledge.schema import QuizItem


def item(question: str, correct: str, *distractors: str, explanation: str = "Because.") -> QuizItem:
    return QuizItem("e", question, correct, tuple(distractors), explanation)


@pytest.mark.parametrize(
    ("option", "acronym", "spelled"),
    [
        ("Reciprocal Provision of Supplies and Services", "RPSS", True),
        ("Agreement Concerning Reciprocal Provision of Supplies and Services", "RPSS", True),
        ("Logistics Exchange Memorandum of Agreement", "RPSS", False),
        ("Japan–India Maritime Exercise", "JIMEX", True),
        ("Joint Indo-Pacific Maritime Exercise", "JIMEX", False),
        ("Humanitarian assistance and disaster relief", "HADR", True),
        ("मिलन (MILAN)", "MILAN", True),
        ("Multilateral", "MILAN", False),
    ],
)
def test_spells(option: str, acronym: str, spelled: bool) -> None:
    assert spells(option, acronym) is spelled


def test_acronyms_of_three_or_more_capitals() -> None:
    assert acronyms("What does HA/DR mean, and RPSS? Is the US in it?") == ["HADR", "RPSS"]


def test_an_option_spelling_the_acronym_alone_answers_itself() -> None:
    giveaway = item(
        "Fill in the blank: RPSS is the ____ between the two forces.",
        "Agreement Concerning Reciprocal Provision of Supplies and Services",
        "Logistics Exchange Memorandum of Agreement",
        "Basic Exchange and Cooperation Agreement",
        "Communications Compatibility and Security Agreement",
    )
    assert any("spells RPSS" in p for p in shape_problems(giveaway))
    fair = item(
        "What does RPSS stand for?",
        "Reciprocal Provision of Supplies and Services",
        "Regional Partnership for Security and Stability",
        "Reciprocal Protection of Strategic Secrets",
        "Rapid Provision of Security Services",
    )
    assert shape_problems(fair) == []


def test_the_only_option_with_a_number_or_far_longer_stands_out() -> None:
    assert any(
        "only option with a number" in p
        for p in shape_problems(item("When?", "2019", "Spring", "Later", "Never"))
    )
    assert any(
        "only option without" in p
        for p in shape_problems(item("When?", "Spring", "2019", "2020", "2021"))
    )
    assert shape_problems(item("When?", "2019", "2018", "2020", "2021")) == []
    long = item("What?", "A very long and detailed correct option", "Short", "Brief", "Tiny")
    assert any("longer than every distractor" in p for p in shape_problems(long))
    gloss = item("Fill in the blank: the ____ (Japan Joint Staff) met.", "a", "b", "c", "d")
    assert any("gloss" in p for p in shape_problems(gloss))


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("According to the source, what kind of exercise is MILAN?", True),
        ("The source calls MILAN a multilateral exercise.", True),
        ("A background fact, not in the source document.", True),
        ("स्रोत के अनुसार मिलन किस प्रकार का अभ्यास है?", True),
        ("What kind of exercise is MILAN?", False),
        ("Which open-source tool is used?", False),
    ],
)
def test_source_wording(text: str, flagged: bool) -> None:
    assert source_wording(text) is flagged
    assert bool(wording_problems(item(text, "a", "b", "c", "d"))) is flagged


def test_a_distractor_true_elsewhere_is_reported() -> None:
    found = true_elsewhere_problems(["RIMPAC", "Varuna"], ["RIMPAC", "Pitch Black"])
    assert len(found) == 1 and "'RIMPAC'" in found[0]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_no_shipped_quiz_item_gives_itself_away(language: str) -> None:
    view = load_pack().in_language(language)
    for quiz in (*quiz_items(view), *generated_items(view)):
        assert shape_problems(quiz) == [], quiz
        assert wording_problems(quiz) == [], quiz


def test_validate_reports_unfair_items_at_their_line(tmp_path) -> None:
    from faqbot.knowledge import check_pack

    path = tmp_path / "pack.yaml"
    path.write_text(
        """\
pack: {title: Test, language: en, source_document: notes.txt}
true_elsewhere: [Pitch Black]
topics: [{id: basics, title: Basics}]
entries:
  - id: milan
    topic: basics
    question: What is MILAN?
    alternates: [milan exercise]
    answer: According to the source, MILAN is a naval exercise.
    source: notes, line 1
    related: []
    quiz:
      - question: Which exercise did Japan join first?
        correct: MILAN
        distractors: [Pitch Black, Varuna, Mitra Shakti]
        explanation: The source document says so.
""",
        encoding="utf-8",
    )
    _, found = check_pack(path)
    lines = [f"{p.location.line}: {p.message}" for p in found]
    assert any(line.startswith("9: answer refers to the source") for line in lines), lines
    assert any(line.startswith("13: quiz item refers to the source") for line in lines), lines
    assert any(line.startswith("13: distractor 'Pitch Black' is true") for line in lines), lines
