"""Choosing the matcher by script, and matching Hindi questions on the shipped pack."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.languages import (
    LanguageAnswerers,
    hindi_labels,
    parse_choice,
    reply_language,
    telegram_guess,
)
from faqbot.knowledge.matcher import RULE_UNKNOWN_CLOSE, Matcher, Thresholds
from faqbot.knowledge.quiz_items import language_banks
from tests.support.application import knowledge_of


@pytest.fixture(scope="module")
def answerers(pack: Pack) -> LanguageAnswerers:
    """The shipped pack's, from the bundle the whole run shares."""
    return knowledge_of(pack).answerers


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("भारत जापान RPSS समझौता क्या है", "rpss-agreement"),  # Latin acronym in Devanagari
        ("जिमेक्स क्या है", "what-is-jimex"),
        ("पहली भारत-जापान 2+2 वार्ता कब हुई?", "inaugural-dialogue"),
        ("भारत जापान पहली २+२ वार्ता किस वर्ष हुई", "inaugural-dialogue"),  # Devanagari digits
        ("मानवीय सहायता एवं आपदा राहत में सहयोग", "hadr-and-pandemics"),
        ("डिफेंस इक्विपमेंट एंड टेक्नोलॉजी कोऑपरेशन पर भारत जापान", "defence-equipment-technology"),
        # "चारों देशों" (all four countries) is a count.
        ("मालाबार अभ्यास में अब कितने देशों की नौसेनाएँ हैं", "what-is-malabar"),
        ("जापान इंडिया मैरीटाइम एक्सरसाइज कब से होती है", "what-is-jimex"),
        # Everyday and exam words for the note's terms: system, usefulness, "2nd".
        ("2+2 प्रणाली क्या है", "what-is-2plus2"),
        ("2+2 वार्ता की उपयोगिता क्या है", "purpose-of-2plus2"),
        ("2nd 2+2 वार्ता कहाँ हुई", "second-dialogue"),
    ],
)
def test_hindi_questions_get_the_hindi_entry(
    answerers: LanguageAnswerers, pack: Pack, question: str, entry_id: str
) -> None:
    found = answerers.respond(question)
    assert found.language == "hi"
    assert found.outcome.status == "answer" and found.match is not None
    assert found.match.entry is not None and found.match.entry.id == entry_id
    assert found.match.entry.answer == pack.in_language("hi").entry(entry_id).answer  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "question",
    [
        "हिमालय पर्वत का निर्माण कैसे हुआ",
        "रेपो रेट क्या होता है",
        # Country names in Devanagari fold into the English ones the scope rules know.
        "भारत रूस 2+2 वार्ता कब शुरू हुई",
        # A Hindi possessive: the budget in the pack is Japan's, not India's.
        "भारत का रक्षा बजट कितना है",
        # How many / how much: the MILAN card gives no number, the budget card no amount.
        "मिलन अभ्यास कितने वर्षों में एक बार होता है",
        "जापान का रक्षा बजट कितने येन है",
    ],
)
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


BOTH = ("en", "hi")


@pytest.mark.parametrize(
    ("user", "group", "telegram", "question", "expected"),
    [
        (None, None, None, None, "en"),
        (None, None, "hi", None, "hi"),  # the app language is the first guess
        (None, None, "hi", "jimex kya hai", "en"),  # Hinglish keeps English in auto
        (None, None, "en", "जिमेक्स क्या है", "hi"),  # Devanagari gets Hindi in auto
        ("hi", None, "en", "jimex kya hai", "hi"),  # unless the user chose Hindi
        ("en", None, "hi", "जिमेक्स क्या है", "en"),  # or English
        ("auto", None, "hi", None, "hi"),
        (None, "hi", "en", "what is jimex", "hi"),  # a group's choice, for its members
        ("en", "hi", None, None, "en"),  # the user's own choice wins
        ("auto", "hi", None, None, "hi"),
        (None, "auto", "hi", None, "hi"),
        (None, None, None, "जिmex क्या है", "hi"),  # scripts mixed mid-word
        (None, None, None, "\u200d\u200c", "en"),
    ],
)
def test_reply_language(
    user: str | None, group: str | None, telegram: str | None, question: str | None, expected: str
) -> None:
    found = reply_language(
        BOTH,
        user=parse_choice(user) if user else None,
        group=parse_choice(group) if group else None,
        telegram=telegram,
        question=question,
    )
    assert found == expected


def test_a_language_the_pack_lacks_is_its_main_one() -> None:
    assert reply_language(("en",), user="hi") == "en"
    assert reply_language(("en",), telegram="hi") == "en"
    assert reply_language(("en",), question="जिमेक्स क्या है") == "en"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("hi", "hi"),
        ("hi-IN", "hi"),
        ("HI_in", "hi"),
        ("en-GB", "en"),
        ("ta", "en"),
        ("", "en"),
        (None, "en"),
        ("x" * 500, "en"),
        ("\u200dhi", "en"),
        ("हि", "en"),
    ],
)
def test_telegram_guess(code: str | None, expected: str) -> None:
    assert telegram_guess(code, BOTH) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("en", "en"),
        ("HI", "hi"),
        (" auto ", "auto"),
        ("हिन्दी", "hi"),
        ("xx", None),
        ("hi en", None),
        ("h\u200di", None),
        ("", None),
    ],
)
def test_parse_choice(text: str, expected: str | None) -> None:
    assert parse_choice(text) == expected


def test_a_hindi_answer_to_a_latin_question_for_a_user_who_chose_hindi(
    answerers: LanguageAnswerers, pack: Pack
) -> None:
    found = answerers.respond("what is jimex", reply_in="hi")
    hindi = pack.in_language("hi").entry("what-is-jimex")
    assert found.language == "hi" and found.match is not None
    assert found.match.entry == hindi


def test_small_talk_replies_in_the_reply_language(answerers: LanguageAnswerers) -> None:
    english = answerers.respond("thanks")
    hindi = answerers.respond("thanks", reply_in="hi")
    assert english.outcome.smalltalk is not None and hindi.outcome.smalltalk is not None
    assert english.outcome.smalltalk.reply != hindi.outcome.smalltalk.reply


def test_quiz_items_share_their_keys_across_languages(pack: Pack) -> None:
    banks = language_banks(pack)
    english, hindi = banks["en"], banks["hi"]
    shared = {item.key for item in hindi.items} & {item.key for item in english.items}
    assert len(shared) >= len(english.items) * 0.9
    for key in shared:
        assert english.get(key).entry_id == hindi.get(key).entry_id  # type: ignore[union-attr]
        assert hindi.get(key).question != english.get(key).question  # type: ignore[union-attr]
    assert not any(item.question.startswith("Fill in the blank") for item in hindi.items)


def test_an_exam_question_is_in_the_language_of_its_stem(answerers: LanguageAnswerers) -> None:
    assert answerers.language_of("Held in: (a) नई दिल्ली (b) टोक्यो") == "en"
    assert answerers.language_of("कहाँ हुई? (a) New Delhi (b) Tokyo") == "hi"
    # A stem with no letters: the whole message decides.
    assert answerers.language_of("(a) नई दिल्ली (b) टोक्यो") == "hi"


def test_an_unknown_word_beside_a_close_second_entry_is_a_suggestion(
    answerers: LanguageAnswerers,
) -> None:
    # "कारगर" (effective) is no word of the pack's, and it is the word that asks for the
    # purpose card rather than the partners card, which shares "साझेदार देशों" and scores
    # within a tenth of it: both are offered, neither is answered.
    question = "साझेदार देशों के लिए 2+2 वार्ता क्यों कारगर है"
    match = answerers.respond(question).match
    assert match is not None and match.status == "suggest"
    assert match.why == RULE_UNKNOWN_CLOSE
    assert {s.entry.id for s in match.suggestions[:2]} == {
        "purpose-of-2plus2",
        "india-2plus2-partners",
    }
    # The rule is the Hindi matcher's: with the main language's thresholds, the same matcher
    # answers it outright.
    hindi = answerers.matcher("hi")
    plain = Matcher(hindi.entries, hindi.normaliser, Thresholds(), hindi.decision)
    assert plain.match(question).status == "answer"
