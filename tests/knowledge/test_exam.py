"""Exam questions: option lists and statements are split off, and the supported option named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.exam import _evidence, matching_text, parse_exam, statement_truth
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
