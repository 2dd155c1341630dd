"""Choosing the matcher by script, and matching Hindi questions on the shipped pack."""

from __future__ import annotations

import pytest

from faqbot.knowledge import load_pack
from faqbot.knowledge.languages import LanguageAnswerers, hindi_labels


@pytest.fixture(scope="module")
def answerers() -> LanguageAnswerers:
    return LanguageAnswerers(load_pack())


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
    answerers: LanguageAnswerers, question: str, entry_id: str
) -> None:
    found = answerers.respond(question)
    assert found.language == "hi"
    assert found.outcome.status == "answer" and found.match is not None
    assert found.match.entry is not None and found.match.entry.id == entry_id
    assert found.match.entry.answer == load_pack().in_language("hi").entry(entry_id).answer  # type: ignore[union-attr]


@pytest.mark.parametrize("question", ["हिमालय पर्वत का निर्माण कैसे हुआ", "रेपो रेट क्या होता है"])
def test_unrelated_hindi_questions_are_not_answered(
    answerers: LanguageAnswerers, question: str
) -> None:
    assert answerers.respond(question).outcome.status != "answer"


def test_latin_questions_go_to_the_english_matcher(answerers: LanguageAnswerers) -> None:
    found = answerers.respond("jimex kya hai")
    assert found.language == "en" and found.match is not None and found.match.entry is not None
    assert found.match.entry.answer.startswith("JIMEX")


def test_a_language_can_be_forced(answerers: LanguageAnswerers) -> None:
    found = answerers.respond("what is jimex", "hi")
    assert found.language == "hi" and found.match is not None and found.match.entry is not None
    assert found.match.entry.id == "what-is-jimex" and "जिमेक्स" in found.match.entry.answer


def test_hindi_option_labels_are_read_as_latin_ones() -> None:
    assert hindi_labels("HA/DR का अर्थ? (क) एक (ख) दो") == "HA/DR का अर्थ? (a) एक (b) दो"
    assert hindi_labels("कब हुआ क) एक") == "कब हुआ a) एक"
    assert hindi_labels("क्या हुआ") == "क्या हुआ"


def test_a_hindi_mcq_names_its_option_in_devanagari(answerers: LanguageAnswerers) -> None:
    found = answerers.respond(
        "भारत-जापान 2+2 वार्ता का विचार किस शिखर बैठक में आया? (क) अक्टूबर 2018, टोक्यो "
        "(ख) नवंबर 2019, नई दिल्ली (ग) सितंबर 2017, अहमदाबाद (घ) 2010, टोक्यो"
    )
    choice = found.outcome.choice
    assert choice is not None and choice.option is not None and choice.option.label == "क"


def test_hindi_small_talk_gets_a_hindi_reply(answerers: LanguageAnswerers) -> None:
    found = answerers.respond("नमस्ते जी")
    assert found.outcome.status == "smalltalk" and found.outcome.smalltalk is not None
    assert found.outcome.smalltalk.reply.startswith("नमस्ते!")


@pytest.mark.parametrize(
    "question", ["জাপান কী", "جاپان کیا ہے", "जापान\u200dজাপান", "RPSSसमझौता", "", "   "]
)
def test_odd_input_is_matched_without_raising(answerers: LanguageAnswerers, question: str) -> None:
    answerers.respond(question)
