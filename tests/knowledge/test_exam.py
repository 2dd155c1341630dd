"""Exam questions: option lists and statements are split off, and the supported option named."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.exam import (
    Option,
    _evidence,
    _statement_counts,
    _statement_sets,
    evidence,
    matching_text,
    parse_exam,
    statement_truth,
)
from faqbot.knowledge.languages import LanguageAnswerers
from tests.support.application import knowledge_of


@pytest.fixture(scope="module")
def answerer(pack: Pack) -> Answerer:
    """The shipped pack's, from the bundle the whole run shares (its main language)."""
    return knowledge_of(pack).answerer


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("Held in: (a) 2010 (b) 2018 (c) 2019 (d) 2022", list("abcd")),
        ("Held in:\na) 2010\nb) 2018\nc) 2019", list("abc")),
        ("Held in:\nA. 2010\nB. 2018", list("ab")),
        ("Held in:\n1. 2010\n2. 2018\n3. 2019", ["1", "2", "3"]),
        ("Held in (i) Tokyo (ii) Delhi", ["i", "ii"]),
        ("Held in:\ni) Tokyo\nii) Delhi\niii) Osaka", ["i", "ii", "iii"]),
    ],
)
def test_option_styles(text: str, labels: list[str]) -> None:
    exam = parse_exam(text)
    assert exam is not None and exam.stem.startswith("Held in")
    assert [o.label for o in exam.options] == labels


@pytest.mark.parametrize("text", ["what is jimex", "a) alone", "2+2 in 2019. Then 2022.", ""])
def test_plain_questions_are_not_exams(text: str) -> None:
    assert parse_exam(text) is None


def test_a_hindi_stem_is_matched_without_its_options() -> None:
    # Devanagari vowel signs are no \w: the stem once counted as one word, too few to stand
    # alone, so the wrong options' countries were matched with it.
    exam = parse_exam("भारत की किन चार देशों के साथ 2+2 वार्ता होती है? (a) अमेरिका, रूस (b) ब्रिटेन, फ्रांस")
    assert exam is not None
    assert matching_text(exam) == "भारत की किन चार देशों के साथ 2+2 वार्ता होती है?"


def test_statements_and_options() -> None:
    exam = parse_exam(
        "Consider the following statements:\n1. JIMEX is an exercise.\n2. MILAN is a treaty.\n"
        "Which of the statements given above is/are correct?\n(a) 1 only (b) 2 only "
        "(c) Both 1 and 2 (d) Neither 1 nor 2"
    )
    assert exam is not None
    assert [s.text for s in exam.statements] == ["JIMEX is an exercise.", "MILAN is a treaty"]
    assert [o.label for o in exam.options] == list("abcd")
    assert "Consider" not in matching_text(exam) and "JIMEX" in matching_text(exam)


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "The inaugural India–Japan 2+2 ministerial dialogue was held in: "
            "(a) 2010 (b) 2018 (c) 2019 (d) 2022",
            "Answer: (c) 2019",
        ),
        (
            "pehla india japan 2+2 kis shahar me hua tha? (a) Tokyo (b) New Delhi (c) Osaka",
            "Answer: (b) New Delhi",
        ),
        (
            "Consider the following statements:\n1. The first India-Japan 2+2 was held in "
            "November 2019.\n2. The idea was initiated in Tokyo in October 2018.\nWhich of the "
            "statements given above is/are correct?\n(a) 1 only (b) 2 only (c) Both 1 and 2 "
            "(d) Neither 1 nor 2",
            "Answer: (c) Both 1 and 2",
        ),
        # Items that are names: one the pack does not hold ("Veer Guardian") is a distractor
        # beside those the answer lists.
        (
            "Which exercises did India and Japan commit to continuing?\n1. JIMEX\n"
            "2. Veer Guardian\n3. Malabar\nChoose the correct code:\n(a) 1 and 2 only\n"
            "(b) 1 and 3 only\n(c) 2 and 3 only\n(d) 1, 2 and 3",
            "Answer: (b) 1 and 3 only",
        ),
        # "Rejected" says the opposite of "acknowledged".
        (
            "Consider the following statements:\n1. The ministers rejected the "
            "operationalisation of the RPSS agreement in MILAN.\n2. Japan took part in MILAN "
            "for the first time.\nWhich of the statements given above is/are correct?"
            "\n(a) 1 only (b) 2 only (c) Both 1 and 2 (d) Neither 1 nor 2",
            "Answer: (b) 2 only",
        ),
    ],
)
def test_names_the_supported_option(answerer: Answerer, text: str, lead: str) -> None:
    outcome = answerer.respond(text)
    assert outcome.status == "answer" and outcome.choice is not None, outcome
    assert outcome.choice.lead() == lead


def test_words_every_option_shares_are_no_evidence(answerer: Answerer) -> None:
    # No option holds every word; "It was held in" is in all of them and in the paragraph
    # about the first dialogue, so it must not tip the choice to New Delhi.
    outcome = answerer.respond(
        "Where did the second India Japan 2+2 take place? (A) It was held in Tokyo, Japan "
        "(B) It was held in New Delhi, India (C) It was held in Osaka, Japan"
    )
    assert outcome.choice is not None, outcome
    assert outcome.choice.lead() == "Answer: (a) It was held in Tokyo, Japan"


def test_no_supported_option_is_said(answerer: Answerer) -> None:
    outcome = answerer.respond(
        "The inaugural India–Japan 2+2 ministerial dialogue was held in: (a) 2001 (b) 2005"
    )
    assert outcome.choice is not None and outcome.choice.verdict == "none"
    assert outcome.choice.lead().startswith("None of the options")


_option = st.one_of(
    st.sampled_from(["2019", "Tokyo", "New Delhi", "what is jimex?", "(b) 2018", "", "1 only"]),
    st.text(max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(
    stem=st.sampled_from(
        ["When was the first India-Japan 2+2 held?", "Consider the following", ""]
    ),
    options=st.lists(_option, min_size=2, max_size=10),
    style=st.sampled_from(["({}) ", "{}) ", "{}. ", "\n{}. "]),
    labels=st.sampled_from(["abcdefghij", "ABCDEFGHIJ", "1234567891"]),
)
def test_any_option_list_gives_a_valid_result(
    answerer: Answerer, stem: str, options: list[str], style: str, labels: str
) -> None:
    listed = zip(labels, options, strict=False)
    text = stem + " " + " ".join(style.format(label) + o for label, o in listed)
    outcome = answerer.respond(text)
    assert outcome.status in ("answer", "suggest", "none", "smalltalk")
    if outcome.choice is not None:
        assert outcome.choice.verdict in ("one", "none", "several")
        assert outcome.choice.lead()
        if outcome.choice.option is not None:
            assert outcome.exam is not None and outcome.choice.option in outcome.exam.options
    outcome.to_json()


@pytest.mark.parametrize(
    ("statement", "truth"),
    [
        # Held up by one sentence, in other words ("first" and "inaugural" are synonyms).
        ("The first India–Japan 2+2 at minister level was held in November 2019.", True),
        # A negation cue that denies something else ("without resorting to threat").
        (
            "India and Japan emphasised peaceful resolution of disputes in accordance with "
            "international law.",
            True,
        ),
        # "holds" is question wording (no answer uses it): the partners sentence, with "had",
        # still holds the claim.
        ("India holds 2+2 dialogues with the US and Australia.", True),
        # The pack says otherwise: another number, or the other country as the actor.
        ("Japan plans to reinforce its defence capabilities within the next ten years.", False),
        ("Russia is not one of India's 2+2 dialogue partners.", False),
        # A contrary word: the pack calls MILAN multilateral; "named" is what the pack denies
        # in "without specifically naming".
        ("MILAN is a bilateral naval exercise.", False),
        ("The ministers explicitly named China when reaffirming a rules-based order.", False),
        # Not said either way: "before" is a claim the pack's sentence does not make, and
        # "India expressed…" is not held up by "The Japanese side expressed…".
        ("It was held before the Modi–Abe summit of October 2018.", None),
        ("India expressed its resolve to examine counterstrike capabilities.", None),
        # Who does what: India acknowledged Japan's determination. A contrary deed of the same
        # actor is false, however many words "The Japanese side expressed its determination…"
        # shares with it; India doing what Japan did, or another deed, is not held up.
        (
            "The Indian side acknowledged Japan's determination to reinforce its defence "
            "capabilities.",
            True,
        ),
        (
            "The Indian side rejected Japan's determination to reinforce its defence capabilities.",
            False,
        ),
        ("India rejected Japan's determination to reinforce its defence capabilities.", False),
        (
            "The Indian side opposed Japan's determination to reinforce its defence capabilities.",
            False,
        ),
        ("India expressed its determination to reinforce its defence capabilities.", None),
        (
            "The Indian side expressed its determination to fundamentally reinforce its defence "
            "capabilities within the next five years.",
            None,
        ),
        # Japan did not reject its own resolve, but "India acknowledged" is another actor's
        # deed: unsettled, never true.
        (
            "The Japanese side rejected Japan's determination to reinforce its defence "
            "capabilities.",
            None,
        ),
        # A name item is among those listed: "without naming Russia or China" elsewhere says
        # nothing against it.
        ("Russia", True),
        # A claim that writes part of a folded term meets it.
        (
            "India and Japan saw vast potential to expand bilateral cooperation in defence "
            "equipment and technology.",
            True,
        ),
    ],
)
def test_statement_truth(answerer: Answerer, statement: str, truth: bool | None) -> None:
    matcher = answerer.matcher
    tokens = matcher.normaliser.content_tokens
    assert (
        statement_truth(
            statement, tokens, answerer.paraphrase_weight, _evidence(matcher.entries, tokens)
        )
        is truth
    )


def test_the_options_say_what_a_thin_stem_is_about(answerer: Answerer) -> None:
    # The stem alone is closest to the first dialogue; the options are India's partners.
    outcome = answerer.respond(
        "India holds 2+2 ministerial dialogues with:\nA. US, Australia, Japan and Russia\n"
        "B. US, UK, France and Japan\nC. Japan, Germany, Israel and US"
    )
    assert outcome.match is not None and outcome.match.ranked[0].entry.id in {
        "india-2plus2-partners",
        "what-is-2plus2",
    }


def test_an_unsettled_statement_leaves_the_choice_open(answerer: Answerer) -> None:
    # Statement 2 is false, but the pack's sentences do not say "before": no option is named,
    # rather than "(a)" or a wrong "(c)".
    outcome = answerer.respond(
        "Consider the following statements:\n1. The first India–Japan 2+2 at minister level was "
        "held in November 2019.\n2. It was held before the Modi–Abe summit of October 2018.\n"
        "Which of the statements given above is/are correct?\n(a) 1 only\n(b) 2 only\n"
        "(c) Both 1 and 2\n(d) Neither 1 nor 2"
    )
    assert outcome.choice is None or outcome.choice.option is None


# Hindi MCQs go through LanguageAnswerers, as the bot sends them: labels (क) (ख) or (अ) (ब)
# are read as (a) (b), the Hindi answer is checked, and the label comes back as written.
@pytest.fixture(scope="module")
def answerers(pack: Pack) -> LanguageAnswerers:
    return knowledge_of(pack).answerers


@pytest.mark.parametrize(
    ("text", "label", "option"),
    [
        # A negated stem ("…शामिल नहीं है?"): the one option the answer does not support.
        (
            "भारत की 2+2 मंत्रिस्तरीय वार्ता किस देश के साथ नहीं होती? (क) अमेरिका (ख) चीन "
            "(ग) रूस (घ) जापान",
            "ख",
            "चीन",
        ),
        # Digits in the options, a number word in the answer ("चार साझेदार"), and Devanagari
        # digits.
        ("भारत की कितने देशों के साथ 2+2 मंत्रिस्तरीय वार्ता है? (क) 2 (ख) 3 (ग) 4 (घ) 5", "ग", "4"),
        ("भारत की कितने देशों के साथ 2+2 मंत्रिस्तरीय वार्ता है? (क) २ (ख) ३ (ग) ४ (घ) ५", "ग", "४"),
        # An ordinal in another inflection: "छठी" in the option, "छठे" in the answer.
        (
            "रक्षा उपकरण और प्रौद्योगिकी सहयोग पर संयुक्त कार्य समूह की कौन-सी बैठक पर संतोष "
            "व्यक्त किया गया? (क) चौथी (ख) पाँचवीं (ग) छठी (घ) सातवीं",
            "ग",
            "छठी",
        ),
        # English month names in the options, Hindi ones in the answer.
        (
            "पहली भारत-जापान 2+2 मंत्रिस्तरीय वार्ता कब हुई? (क) October 2018 (ख) November 2019 "
            "(ग) September 2022 (घ) 2010",
            "ख",
            "November 2019",
        ),
        # Options only the English answer holds ("Tokyo", not "टोक्यो").
        ("दूसरी 2+2 वार्ता कहाँ हुई? (क) New Delhi (ख) Tokyo (ग) Osaka (घ) Mumbai", "ख", "Tokyo"),
        # …read with the Hindi stem's words (पहली: the first dialogue's paragraph, not the
        # second's).
        (
            "पहली 2+2 मंत्रिस्तरीय वार्ता कहाँ हुई? (क) New Delhi (ख) Tokyo (ग) Osaka (घ) Mumbai",
            "क",
            "New Delhi",
        ),
        # (अ) (ब) (स) (द) labels, and Latin labels kept as written.
        (
            "पहली भारत-जापान 2+2 मंत्रिस्तरीय वार्ता कब हुई? (अ) 2010 (ब) 2018 (स) 2019 (द) 2022",
            "स",
            "2019",
        ),
        (
            "पहली भारत-जापान 2+2 मंत्रिस्तरीय वार्ता कब हुई? (a) 2010 (b) 2018 (c) 2019 (d) 2022",
            "c",
            "2019",
        ),
    ],
)
def test_a_hindi_mcq_names_the_supported_option(
    answerers: LanguageAnswerers, text: str, label: str, option: str
) -> None:
    outcome = answerers.respond(text).outcome
    assert outcome.status == "answer" and outcome.choice is not None, outcome
    assert outcome.choice.option == Option(label, option), outcome.choice


@pytest.mark.parametrize(
    ("statements", "label"),
    [
        (
            "1. पहली मंत्रिस्तरीय 2+2 वार्ता नवंबर 2019 में नई दिल्ली में हुई थी। 2. दूसरी 2+2 "
            "वार्ता सितंबर 2022 में टोक्यो में हुई थी।",
            "ग",
        ),
        (
            "1. जापान ने अगले पाँच वर्षों में अपनी रक्षा क्षमताओं को सुदृढ़ करने का संकल्प व्यक्त "
            "किया। 2. जापान ने अगले दस वर्षों में अपना रक्षा बजट घटाने की बात कही।",
            "क",
        ),
    ],
)
def test_hindi_statements_are_read(
    answerers: LanguageAnswerers, statements: str, label: str
) -> None:
    outcome = answerers.respond(
        f"निम्नलिखित कथनों पर विचार कीजिए: {statements} उपर्युक्त में से कौन-सा/से कथन सही "
        "है/हैं? (क) केवल 1 (ख) केवल 2 (ग) 1 और 2 दोनों (घ) न तो 1 और न ही 2"
    ).outcome
    assert outcome.exam is not None and len(outcome.exam.statements) == 2, outcome
    # The question resumes after the last statement; it is not read as part of it.
    assert "उपर्युक्त" not in outcome.exam.statements[-1].text
    assert outcome.choice is not None and outcome.choice.option is not None, outcome.choice
    assert outcome.choice.option.label == label


_RESOLVE = (
    "1. The Japanese side expressed its determination to fundamentally reinforce Japan's "
    "defence capabilities within the next five years.\n2. The Indian side {} Japan's "
    "determination to reinforce its defence capabilities."
)
_HINDI_RESOLVE = (
    "1. जापानी पक्ष ने अगले पाँच वर्षों के भीतर जापान की रक्षा क्षमताओं को मौलिक रूप से सुदृढ़ करने "
    "का दृढ़ संकल्प व्यक्त किया।\n2. भारतीय पक्ष ने अपनी रक्षा क्षमताओं को सुदृढ़ करने के जापान के "
    "दृढ़ संकल्प को {} किया।"
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Statement 2 shares its words with statement 1's sentence; its deed is the contrary
        # of the pack's: "Both 1 and 2" would be the worst answer a student could get.
        (
            "Consider the following statements:\n" + _RESOLVE.format("rejected") + "\nWhich of "
            "the statements given above is/are correct?\n(a) 1 only\n(b) 2 only\n"
            "(c) Both 1 and 2\n(d) Neither 1 nor 2",
            "a",
        ),
        (
            "Consider the following statements:\n" + _RESOLVE.format("acknowledged") + "\n"
            "Which of the statements given above is/are correct?\n(a) 1 only\n(b) 2 only\n"
            "(c) Both 1 and 2\n(d) Neither 1 nor 2",
            "c",
        ),
        (
            "निम्नलिखित कथनों पर विचार कीजिए:\n" + _HINDI_RESOLVE.format("अस्वीकार") + "\n"
            "उपर्युक्त में से कौन-सा/से कथन सही है/हैं?\n(क) केवल 1\n(ख) केवल 2\n"
            "(ग) 1 और 2 दोनों\n(घ) न तो 1 और न ही 2",
            "क",
        ),
    ],
)
def test_a_contrary_deed_names_no_wrong_option(
    answerers: LanguageAnswerers, text: str, label: str
) -> None:
    outcome = answerers.respond(text).outcome
    assert outcome.choice is not None and outcome.choice.option is not None, outcome.choice
    assert outcome.choice.option.label == label


# Deeds and their contraries: every pack sentence with the one, told with the other, is a
# false statement built from the pack's own words.
_CONTRARY_DEEDS = {
    "en": {
        "acknowledged": "rejected",
        "welcomed": "opposed",
        "supported": "opposed",
        "accepted": "rejected",
        "continued": "ended",
    },
    "hi": {"स्वीकार": "अस्वीकार", "स्वागत": "विरोध", "समर्थन": "विरोध"},
}


@pytest.mark.parametrize("language", ["en", "hi"])
def test_no_pack_sentence_with_a_contrary_deed_is_true(
    answerers: LanguageAnswerers, language: str
) -> None:
    answerer = answerers.answerers[language]
    tokens = answerer.matcher.normaliser.content_tokens
    pieces = evidence(answerer.matcher.entries, tokens)
    sentences = {
        piece.strip()
        for entry in answerer.matcher.entries
        for passage in entry.answer.split("\n\n")
        for piece in re.split(r"(?<=[.;!?\u0964])\s+|\n\s*[-•*]\s*", passage)
    }
    told = [
        re.sub(rf"{_EDGE_BEFORE}{deed}{_EDGE_AFTER}", contrary, sentence)
        for sentence in sorted(sentences)
        for deed, contrary in _CONTRARY_DEEDS[language].items()
        if re.search(rf"{_EDGE_BEFORE}{deed}{_EDGE_AFTER}", sentence)
    ]
    assert told  # the pack has such sentences: the check checks something
    judged_true = [
        statement
        for statement in told
        if statement_truth(statement, tokens, answerer.paraphrase_weight, pieces) is True
    ]
    assert judged_true == []


_EDGE_BEFORE = r"(?<![\w\u0900-\u097f])"
_EDGE_AFTER = r"(?![\w\u0900-\u097f])"


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        ("केवल 1", {1}),
        ("केवल २", {2}),
        ("1 और 2 दोनों", {1, 2}),
        ("न तो 1 और न ही 2", set()),
        ("इनमें से कोई नहीं", set()),
        ("सभी", {1, 2, 3}),
        ("उपरोक्त सभी", {1, 2, 3}),
    ],
)
def test_hindi_statement_options(text: str, claimed: set[int]) -> None:
    assert _statement_sets(Option("a", text), 3) == claimed


@pytest.mark.parametrize(
    ("text", "count"),
    [("केवल एक", 1), ("केवल दो", 2), ("कोई नहीं", 0), ("तीनों", 3), ("All three", 3), ("1 और 2", None)],
)
def test_hindi_statement_counts(text: str, count: int | None) -> None:
    assert _statement_counts(Option("a", text), 3) == count


@pytest.mark.parametrize(
    ("stem", "negated"),
    [
        ("भारत के 2+2 साझेदारों में कौन सा देश शामिल नहीं है?", True),
        ("निम्नलिखित में से कौन-सा कथन असत्य है?", True),
        ("कौन सा कथन ग़लत है?", True),
        ("जापान को छोड़कर किस देश के साथ?", True),
        ("नहींतो किस देश के साथ?", False),
        ("भारत की 2+2 वार्ता किन देशों के साथ होती है?", False),
    ],
)
def test_hindi_negated_stems(stem: str, negated: bool) -> None:
    exam = parse_exam(f"{stem} (a) रूस (b) चीन")
    assert exam is not None and exam.negated is negated


@pytest.mark.parametrize(
    ("statement", "truth"),
    [
        ("जापान ने मिलन अभ्यास में पहली बार भाग लिया।", True),
        ("भारत की चार प्रमुख रणनीतिक साझेदारों के साथ 2+2 वार्ता है।", True),
        # Another number, in words or digits, or another ordinal: said otherwise.
        ("भारत की पाँच प्रमुख रणनीतिक साझेदारों के साथ 2+2 वार्ता है।", False),
        ("जापान ने अगले 10 वर्षों में अपनी रक्षा क्षमताओं को सुदृढ़ करने का संकल्प व्यक्त किया।", False),
        ("दोनों पक्षों ने सातवें संयुक्त कार्य समूह पर संतोष व्यक्त किया।", False),
        # Hindi denies what comes before its cue.
        ("भारत की 2+2 वार्ता रूस के साथ नहीं होती।", False),
        # Contrary words, as in English: the pack says multilateral, and acknowledged.
        ("मिलन एक द्विपक्षीय अभ्यास है।", False),
        ("भारत ने जापान के इस संकल्प का विरोध किया।", False),
        # Who does what, as in English: the Indian side acknowledged (स्वीकार) Japan's resolve;
        # it did not reject it (अस्वीकार), nor resolve so itself (the Japanese side did).
        ("भारतीय पक्ष ने अपनी रक्षा क्षमताओं को सुदृढ़ करने के जापान के दृढ़ संकल्प को स्वीकार किया।", True),
        ("भारतीय पक्ष ने अपनी रक्षा क्षमताओं को सुदृढ़ करने के जापान के दृढ़ संकल्प को अस्वीकार किया।", False),
        ("भारत ने जापान के इस संकल्प को अस्वीकार किया।", False),
        (
            "भारतीय पक्ष ने अगले पाँच वर्षों के भीतर जापान की रक्षा क्षमताओं को मौलिक रूप से सुदृढ़ "
            "करने का दृढ़ संकल्प व्यक्त किया।",
            None,
        ),
        # "इसमें" (in it) points back to the subject and claims nothing.
        ("इसमें दोनों पक्षों के राजनीतिक कारकों को ध्यान में रखा जाता है।", True),
        # The danda ends a sentence: Japan's resolve and India's acknowledgement are two
        # claims, so "India resolved…" is not held up by the paragraph that holds both.
        (
            "भारत ने अगले पाँच वर्षों में अपनी रक्षा क्षमताओं को मौलिक रूप से सुदृढ़ करने का संकल्प व्यक्त किया।",
            None,
        ),
    ],
)
def test_hindi_statement_truth(
    answerers: LanguageAnswerers, statement: str, truth: bool | None
) -> None:
    hindi = answerers.answerers["hi"]
    tokens = hindi.matcher.normaliser.content_tokens
    pieces = evidence(hindi.matcher.entries, tokens)
    assert statement_truth(statement, tokens, hindi.paraphrase_weight, pieces) is truth


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        # Digits against a number word, and ordinals, in English too.
        (
            "Within how many years will Japan fundamentally reinforce its defence capabilities? "
            "(a) 3 (b) 5 (c) 7 (d) 10",
            "Answer: (b) 5",
        ),
        (
            "Which meeting of the Joint Working Group on Defence Equipment and Technology "
            "Cooperation did the two sides express satisfaction with? (a) 4th (b) 5th (c) 6th "
            "(d) 7th",
            "Answer: (c) 6th",
        ),
    ],
)
def test_numbers_and_ordinals_in_english(answerer: Answerer, text: str, lead: str) -> None:
    outcome = answerer.respond(text)
    assert outcome.choice is not None, outcome
    assert outcome.choice.lead() == lead


def test_all_three_is_a_count_when_the_options_count(answerer: Answerer) -> None:
    # Statement 3 is unsettled by the pack; "All three" once fitted as the set {1, 2, 3}
    # while "Only two" went unread, and was named.
    exam = parse_exam(
        "Consider the following statements:\n1. India has a 2+2 dialogue with the US.\n"
        "2. India has a 2+2 dialogue with Russia.\n3. India has a 2+2 dialogue with Ghana.\n"
        "How many of the above statements are correct?\n(a) Only one (b) Only two "
        "(c) All three (d) None"
    )
    entry = answerer.entry("india-2plus2-partners")
    assert exam is not None and entry is not None
    choice = answerer.choose(exam, entry)
    assert choice.option is None or choice.option.label == "b", choice
    assert Option("b", "Only two") in choice.supported


@pytest.mark.parametrize(
    ("text", "label", "option"),
    [
        # An English stem with Hindi options is an English question; the options are checked
        # against the Hindi answer too.
        (
            "Where was the second India-Japan 2+2 held? (a) नई दिल्ली (b) टोक्यो (c) ओसाका",
            "b",
            "टोक्यो",
        ),
        (
            "Where was the second India-Japan 2+2 held? (क) नई दिल्ली (ख) टोक्यो (ग) ओसाका",
            "ख",
            "टोक्यो",
        ),
    ],
)
def test_an_english_stem_with_hindi_options(
    answerers: LanguageAnswerers, text: str, label: str, option: str
) -> None:
    found = answerers.respond(text)
    assert found.outcome.status == "answer" and found.outcome.choice is not None, found
    assert found.outcome.choice.option == Option(label, option)
    assert answerers.language_of(text) == "en"


def test_a_coherent_stem_answer_is_not_outbid_by_an_option(
    answerers: LanguageAnswerers,
) -> None:
    # The stem alone ranks idea-origin first, whose answer holds (क); read with "(ग) September
    # 2022" the question fitted the second dialogue better, which then named (ग): a confident
    # wrong answer. The second dialogue is not among the stem's best entries, so that reading
    # is not taken; idea-origin is answered, or offered, and no other option is named.
    outcome = answerers.respond(
        "भारत-जापान 2+2 वार्ता का विचार किस महीने में आया? (क) October 2018 (ख) November 2019 "
        "(ग) September 2022 (घ) January 2010"
    ).outcome
    assert outcome.match is not None and outcome.match.entry is not None
    assert outcome.match.entry.id == "idea-origin"
    if outcome.match.status == "answer":
        assert outcome.choice is not None and outcome.choice.option == Option("क", "October 2018")
    else:
        assert outcome.choice is None or outcome.choice.option is None


_hindi_option = st.one_of(
    st.sampled_from(["2019", "टोक्यो", "Tokyo", "केवल 1", "न तो 1 और न ही 2", "चार", "छठी", ""]),
    st.text(max_size=30),
)


@settings(max_examples=150, deadline=None)
@given(
    stem=st.sampled_from(
        [
            "पहली 2+2 वार्ता कब हुई?",
            "निम्नलिखित कथनों पर विचार कीजिए: 1. मिलन एक अभ्यास है। 2. यह नहीं है।",
            "",
        ]
    ),
    options=st.lists(_hindi_option, min_size=2, max_size=10),
    labels=st.sampled_from(["कखगघङचछजझञ", "अबसद", "abcdefghij"]),
)
def test_any_hindi_option_list_gives_a_valid_result(
    answerers: LanguageAnswerers, stem: str, options: list[str], labels: str
) -> None:
    listed = zip(labels, options, strict=False)
    text = stem + " " + " ".join(f"({label}) {o}" for label, o in listed)
    outcome = answerers.respond(text).outcome
    if outcome.choice is not None:
        assert outcome.choice.lead("hi")
        if outcome.choice.option is not None:
            assert outcome.exam is not None and outcome.choice.option in outcome.exam.options
    outcome.to_json()
