"""The matcher on the shipped pack: what it answers, what it only suggests, what it refuses."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from faqbot.knowledge import Entry, Match, Matcher, Pack
from faqbot.knowledge.matcher import (
    RULE_OTHER_YEAR,
    RULE_WRONG_KIND,
    expected_kinds,
    intents,
    offered_kinds,
)
from tests.support.application import knowledge_of


@pytest.fixture(scope="module")
def matcher(pack: Pack) -> Matcher:
    """The shipped pack's, from the bundle the whole run shares (its main language)."""
    return knowledge_of(pack).answerer.matcher


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("What is a 2+2 dialogue?", "what-is-2plus2"),
        ("2+2 dialogue kya hai", "what-is-2plus2"),
        ("JSST", "joint-service-staff-talks"),
        ("FOIP", "free-open-indo-pacific"),
        ("HADR", "hadr-and-pandemics"),
        ("what did they say about HA/DR", "hadr-and-pandemics"),
        ("RPSS", "rpss-agreement"),
        ("jimex kya hai", "what-is-jimex"),
        ("When was the frist India Japan 2+2 held?", "inaugural-dialogue"),
        ("india ke 2+2 partners kaun hai", "india-2plus2-partners"),
        ("counterstrike capabilities japan", "counterstrike-capabilities"),
        ("where was the second india japan 2+2 held", "second-dialogue"),
        # The pack's synonyms: "use of", "zaroori", "key points".
        ("what is the use of a 2+2 meeting", "purpose-of-2plus2"),
        ("2+2 dialogue zaroori kyun hai", "purpose-of-2plus2"),
        ("key points of the india japan 2+2", "key-highlights"),
    ],
)
def test_answers_outright(matcher: Matcher, question: str, entry_id: str) -> None:
    match = matcher.match(question)
    assert match.status == "answer", match
    assert match.entry is not None and match.entry.id == entry_id


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather in Delhi today",
        "who won the cricket match yesterday",
        "what's 2+2",
        "what is 2 + 2",
        "GDP of Japan",
        "Quad summit",
        "what is the capital of France?",
        "India US 2+2 first meeting date",
        "how many UGVs did japan give india",
        "dialogue",
        "japan",
        "india japan",
        "what time is it",
        "how many states are there in india",
    ],
)
def test_never_answers_off_topic_outright(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status in ("suggest", "none")


@pytest.mark.parametrize("question", ["hello", "thanks", "?", "tell me a joke", "🙂"])
def test_chit_chat_gets_no_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status == "none"


def test_suggestions_are_distinct_ranked_entries(matcher: Matcher) -> None:
    match = matcher.match("milan japan india")
    assert match.status == "suggest"
    ids = [s.entry.id for s in match.suggestions]
    assert len(ids) == len(set(ids)) and 1 < len(ids) <= 3
    assert {"what-is-milan", "japan-in-milan"} <= set(ids)
    scores = [s.score for s in match.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_json_shape(matcher: Matcher) -> None:
    data = json.loads(json.dumps(matcher.match("what is jimex").to_json()))
    assert set(data) == {
        *("question", "status", "id", "answer", "score", "suggestions"),
        *("why", "language", "probability", "also"),
    }
    assert data["status"] == "answer" and data["id"] == "what-is-jimex"
    assert data["why"] is None and data["language"] == "en"
    assert 0 <= data["score"] <= 100


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("when was the first 2+2", {"date"}),
        ("pehla 2+2 kab hua", {"date"}),
        ("how many partners", {"number"}),
        ("kitne partners hai", {"number"}),
        ("japan defence budget in yen", {"amount"}),
        ("malabar full form", {"expansion"}),
        ("what does HADR stand for", {"expansion"}),
        ("what is jimex", set()),
        ("मिलन अभ्यास कितने वर्षों में एक बार होता है", {"number"}),
        ("जापान का रक्षा बजट कितने येन है", {"number", "amount"}),
        ("भारत जापान 2+2 कब हुई", {"date"}),
        # "When" after the question's own question word is a clause, not what is asked.
        ("Which countries were not named when they met?", set()),
        ("When was it held? Which city?", {"date"}),
        # In a yes-no question, "when" after what is asked about is a clause; not after a
        # word that asks for the time itself.
        ("does japan send ships when a cyclone hits", set()),
        ("do you know when the jsst begins", {"date"}),
        # "Year" in a count is a unit.
        ("Japan kitne saal me budget badhayega", {"number"}),
        ("how many years", {"number"}),
        ("japan budget within 5 years", set()),  # a duration, not a date
        ("which year was JIMEX first held", {"date"}),
        ("why does india hold 2+2 talks", {"reason"}),
        # "Some years", "kuch saal": a duration too.
        ("japan wants a stronger army within some years", set()),
        ("kuch saal me japan defence badhayega", set()),
        # "Which … stand for" asks which, not for a full form.
        ("which two ministries do the two 2s stand for", set()),
        # "How long" asks for a span of time.
        ("how long did the JSST meeting go on", {"duration"}),
        ("malabar kitne din chalta hai", {"number", "duration"}),
    ],
)
def test_expected_kinds(question: str, kinds: set[str]) -> None:
    assert expected_kinds(question) == kinds


@pytest.mark.parametrize(
    ("answer", "kinds"),
    [
        # A year is a date, not a count ("how many times has MILAN been held" is not "1995").
        ("It was held in November 2019.", {"date"}),
        ("Four partners, 30 ships.", {"number"}),
        ("JIMEX (Japan–India Maritime Exercise) is an exercise.", {"expansion"}),
        ("A budget of 43 trillion yen.", {"number", "amount"}),
        ("The two sides met at the 2+2 and the sixth group.", set()),
        ("जापान अगले पाँच वर्षों में रक्षा क्षमताएँ बढ़ाएगा।", {"number"}),
        ("भारत की चार साझेदारों के साथ 2+2 वार्ता थी।", {"number"}),
        ("10 लाख करोड़ येन का बजट", {"number", "amount"}),
        # A number word inside another word is none: नौ in नौसेना, सात in सातवाँ is a word.
        ("भारतीय नौसेना और जापान की नौसेना", set()),
        ("It enables the partners to understand each other.", {"reason"}),
        # "As of" dates the statement, not an event.
        ("As of September 2022, India had four partners.", {"number"}),
        # A span of time; a date alone gives none.
        ("Japan will act within the next five years.", {"number", "duration"}),
        ("They have met at secretary level since 2010.", {"date", "duration"}),
        ("It took place on 30 November 2019.", {"date", "number"}),
    ],
)
def test_offered_kinds(answer: str, kinds: set[str]) -> None:
    assert offered_kinds(answer) == kinds


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("where did india n japan meet for 2nd 2+2", {"where"}),
        ("2+2 ka idea kisne diya tha", {"who"}),
        ("2+2 dialogue kyu kiya jata hai", {"why"}),
        ("what is jimex", set()),
        ("दूसरी 2+2 वार्ता कहाँ हुई", {"where"}),
        ("आरपीएसएस समझौते पर हस्ताक्षर किसने किए", {"who"}),
        ("2+2 वार्ता क्यों होती है", {"why"}),
        ("टोक्यो 2+2 के परिणाम", {"outcome"}),
        # A doubled क्या is "what all": a summary; a single one asks nothing in particular.
        ("नई दिल्ली वाली 2+2 में क्या क्या हुआ", {"outcome"}),
        ("क्या नई दिल्ली वाली 2+2 में जापान आया", set()),
        # कौन-सा is "which", not "who".
        ("भारत जापान कौन से अभ्यास करते हैं", set()),
        # "What happened", "kya hua" ask what came of it; "kab hua" asks when.
        ("what happened at the malabar talks", {"outcome"}),
        ("tokyo 2+2 me kya hua tha", {"outcome"}),
        ("tokyo 2+2 kab hua tha", set()),
    ],
)
def test_intents(question: str, asked: set[str]) -> None:
    assert intents(question) == asked


def test_typos_are_corrected_before_synonym_phrases_are_folded(matcher: Matcher) -> None:
    # Each word is a misspelling, and the pair is not one the pack lists.
    assert matcher.match("dharm guardain exercise").entry.id == "what-is-dharma-guardian"
    known, unknown = matcher.analyse("humanitarain assistance india japan")
    assert unknown == 0 and len(known) == 3


BAD_QUESTIONS = [
    "",
    "   \n\t ",
    "x" * 10_000,
    "what is jimex " * 800,
    "🙂🇮🇳🇯🇵🔥" * 20,
    "?!.,;:'\"()[]{}<>" * 10,
    "ما هو الحوار ٢+٢",  # right-to-left
    "2+2 संवाद क्या है JIMEX 日本 インド",  # mixed scripts
    "ji\x00mex\x1b[31m\x7f",  # control characters
    "<b>JIMEX</b> & *FOIP* _x_ `code` [a](http://x)",  # HTML and Markdown
    "\u202ejimex\u202c",  # bidi override
]


@pytest.mark.parametrize("question", BAD_QUESTIONS)
def test_bad_input_gives_a_valid_result(matcher: Matcher, question: str) -> None:
    _assert_valid(matcher.match(question))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_valid_result(matcher: Matcher, question: str) -> None:
    _assert_valid(matcher.match(question))


def _assert_valid(match: Match) -> None:
    assert match.status in ("answer", "suggest", "none")
    assert 0.0 <= match.score <= 100.0
    assert (match.entry is None) == (match.status == "none")
    assert (match.status == "suggest") == bool(match.suggestions)
    json.dumps(match.to_json())


@pytest.mark.parametrize(
    "question",
    [
        "Where was the Modi-Abe summit of 2019 held?",  # the summit's sentence says 2018
        "india defence budget 2024",  # a year the pack never mentions
    ],
)
def test_a_year_the_answer_gives_otherwise_holds_it_back(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.status != "answer" and match.why == RULE_OTHER_YEAR


def test_a_year_the_answer_gives_for_the_same_thing_is_answered(matcher: Matcher) -> None:
    match = matcher.match("Modi Abe summit 2018")
    assert match.status == "answer" and match.entry is not None
    assert match.entry.id == "idea-origin"


@pytest.mark.parametrize(
    "question",
    [
        "was there an india japan 2+2 before 2019",
        # The year compared with does not choose the sentence the other year is read in.
        "any india japan 2+2 talks before 2019? someone said 2010",
    ],
)
def test_a_year_compared_with_is_not_the_year_asked_about(matcher: Matcher, question: str) -> None:
    match = matcher.match(question)
    assert match.why != RULE_OTHER_YEAR
    assert match.entry is not None and match.entry.id == "secretary-level-dialogue"


def test_why_is_not_answered_outright_by_an_entry_that_gives_no_reason(matcher: Matcher) -> None:
    # The partners card lists countries; it says nothing of what a 2+2 is for.
    match = matcher.match("why does india have 2+2 talks with so many partners")
    assert not (match.status == "answer" and match.entry and match.entry.id != "purpose-of-2plus2")


def test_a_term_the_synonyms_define_is_a_name(matcher: Matcher) -> None:
    # "take place" matches the second dialogue's venue; the question is about the JSST.
    match = matcher.match("where are the joint service staff talks going to take place")
    assert not (match.status == "answer" and match.entry and match.entry.id == "second-dialogue")


def test_the_words_of_a_title_are_no_names(matcher: Matcher) -> None:
    # "Reciprocal Provision of Supplies and Services": "supplies" is a word of a title, not a
    # name another entry could lack; "MILAN" and "Tokyo" are names.
    assert {"supply", "servic"}.isdisjoint(matcher.names)
    assert {"milan", "tokyo"} <= matcher.names


def test_a_sentence_that_dates_nothing_gives_no_other_year(matcher: Matcher) -> None:
    # The ties' sentence names no year; "2022" is not contradicted by it.
    match = matcher.match("india japan military cooperation progress 2022")
    assert match.why != RULE_OTHER_YEAR


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        # The answers write "the Joint Service Staff Talks" and "Joint Working Group" without
        # the initials beside them; the pack's synonyms list the initials.
        ("JSST full form", "joint-service-staff-talks"),
        ("what does jwg stand for", "jwg-detc"),
    ],
)
def test_a_term_written_out_expands_its_initials(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    match = matcher.match(question)
    assert match.why != RULE_WRONG_KIND
    assert match.entry is not None and match.entry.id == entry_id


def test_a_name_that_is_no_abbreviation_has_no_full_form(matcher: Matcher) -> None:
    assert matcher.match("malabar full form").status != "answer"


@pytest.mark.parametrize(("typo", "word"), [("meanig", "mean"), ("definiton", "definition")])
def test_a_typo_that_breaks_the_ending_is_corrected_to_the_stem(
    matcher: Matcher, typo: str, word: str
) -> None:
    # "meanig" is one letter from "meaning" as the pack writes it, two from its stem "mean".
    assert matcher.correct(typo) == word


def test_highlights_are_asked_of_the_entry_that_gives_them(matcher: Matcher) -> None:
    # The second dialogue's card matches the year word for word, but gives no highlights.
    match = matcher.match("2022 india japan 2+2 main highlights")
    assert match.ranked[0].entry.id == "key-highlights"


def _many_words_matcher() -> Matcher:
    """A pack whose words share few first letters, so typos are looked up by their edits."""
    syllables = ["ka", "ri", "to", "ma", "su", "ne", "lo"]
    vocabulary = ["".join(p) for size in (3, 4) for p in itertools.product(syllables, repeat=size)]
    entries = [
        Entry(
            id=f"e{at}",
            topic="t",
            question=" ".join(vocabulary[at : at + 8]),
            alternates=(),
            answer="synthetic",
            source="synthetic",
        )
        for at in range(0, len(vocabulary), 8)
    ]
    return Matcher(entries)


_MANY_WORDS = _many_words_matcher()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="karitomsuneloxy", min_size=5, max_size=9))
def test_a_typo_is_corrected_as_a_scan_of_every_known_word_would(word: str) -> None:
    matcher = _MANY_WORDS
    choices = matcher._vocabulary.get(word[0], [])
    # Enough words under each first letter that short typos are looked up by their edits.
    assert not choices or len(choices) > (2 * matcher.SHORT_WORD + 1) * 12
    if word in matcher._words:
        expected: str | None = word
    elif len(word) > matcher.SHORT_WORD:
        found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=80)
        expected = found[0] if found else None
    else:
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=1)
        expected = found[0] if found else None
    if expected is not None:
        expected = matcher._surface.get(expected, expected)
    assert matcher.correct(word) == expected


def test_a_typo_that_misleads_the_stemmer_is_corrected_as_typed(matcher: Matcher) -> None:
    # "exercies" stems to "exercy", two edits from the pack's "exercis"; as typed, it is one
    # from "exercises".
    known, unknown = matcher.analyse("malabar exercies")
    assert unknown == 0 and "exercis" in known
