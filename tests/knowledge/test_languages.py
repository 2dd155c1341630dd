"""Choosing the matcher by script, and matching Hindi questions on the shipped pack."""

from __future__ import annotations

import pytest

from faqbot.knowledge import load_pack
from faqbot.knowledge.languages import LanguageMatchers, hindi_stem


@pytest.fixture(scope="module")
def matchers() -> LanguageMatchers:
    return LanguageMatchers(load_pack())


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("भारत जापान RPSS समझौता क्या है", "rpss-agreement"),  # Latin acronym in Devanagari
        ("जिमेक्स क्या है", "what-is-jimex"),
        ("पहली भारत-जापान 2+2 वार्ता कब हुई?", "inaugural-dialogue"),
        ("भारत जापान पहली २+२ वार्ता किस वर्ष हुई", "inaugural-dialogue"),  # Devanagari digits
        ("मानवीय सहायता एवं आपदा राहत में सहयोग", "hadr-and-pandemics"),
        ("डिफेंस इक्विपमेंट एंड टेक्नोलॉजी कोऑपरेशन पर भारत जापान", "defence-equipment-technology"),
    ],
)
def test_hindi_questions_get_the_hindi_entry(
    matchers: LanguageMatchers, question: str, entry_id: str
) -> None:
    found = matchers.match_language(question)
    assert found.language == "hi"
    assert found.match.status == "answer"
    assert found.match.entry is not None and found.match.entry.id == entry_id
    assert found.match.entry.answer == load_pack().in_language("hi").entry(entry_id).answer  # type: ignore[union-attr]


@pytest.mark.parametrize("question", ["हिमालय पर्वत का निर्माण कैसे हुआ", "रेपो रेट क्या होता है"])
def test_unrelated_hindi_questions_are_not_answered(
    matchers: LanguageMatchers, question: str
) -> None:
    assert matchers.match(question).status != "answer"


def test_latin_questions_go_to_the_english_matcher(matchers: LanguageMatchers) -> None:
    found = matchers.match_language("jimex kya hai")
    assert found.language == "en" and found.match.entry is not None
    assert found.match.entry.answer.startswith("JIMEX")


def test_a_language_can_be_forced(matchers: LanguageMatchers) -> None:
    found = matchers.match_language("what is jimex", "hi")
    assert found.language == "hi" and found.match.entry is not None
    assert found.match.entry.id == "what-is-jimex" and "जिमेक्स" in found.match.entry.answer


def test_the_options_of_a_hindi_mcq_are_left_out() -> None:
    assert hindi_stem("HA/DR का अर्थ क्या है? (क) एक (ख) दो") == "HA/DR का अर्थ क्या है?"
    assert hindi_stem("(क) से शुरू") == "(क) से शुरू"


@pytest.mark.parametrize(
    "question", ["জাপান কী", "جاپان کیا ہے", "जापान\u200dজাপান", "RPSSसमझौता", "", "   "]
)
def test_odd_input_is_matched_without_raising(matchers: LanguageMatchers, question: str) -> None:
    matchers.match(question)


def test_hindi_dev_figures_do_not_fall() -> None:
    """Floors just under the figures in docs/matching.md, so a regression fails."""
    from faqbot.knowledge.evaluation import evaluate_by_language, load_questions
    from tests.support.paths import DATA

    questions = load_questions(DATA / "hindi-dev.yaml")
    report = evaluate_by_language(LanguageMatchers(load_pack()), questions, "hi")["hi"]
    assert report.answered_right >= 84
    assert report.answered_wrong <= 2
    assert report.top1 >= 121
