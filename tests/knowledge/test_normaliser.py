"""The normaliser: cleaning, stemming, synonyms, stop words and Hinglish, table-driven."""

from __future__ import annotations

import pytest

from faqbot.knowledge.normaliser import Normaliser, clean, stem, words

SYNONYMS = {
    "humanitarian assistance and disaster relief": ["hadr", "ha/dr", "ha dr"],
    "2+2": ["2 + 2", "two plus two"],
    "united states": ["usa", "america"],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＪＩＭＥＸ", "jimex"),  # full-width letters fold under NFKC
        ("JIMEX", "jimex"),
        ("ji\u200bmex", "jimex"),  # zero-width space
        ("jim\u0007ex", "jim ex"),  # control characters become spaces
        ("soooo goood", "soo good"),  # runs of a letter shrink to two
        ("2000", "2000"),  # digits are never shrunk
        ("US and us", "usa and us"),  # capital US is the country
    ],
)
def test_clean(text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("exercises", "exercis"),
        ("exercise", "exercis"),
        ("meetings", "meet"),
        ("capabilities", "capability"),
        ("started", "start"),
        ("news", "news"),
        ("us", "us"),
        ("2019", "2019"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_words_keep_stop_words_whole_and_map_hinglish() -> None:
    assert words("does pehla") == ["does", "first"]
    assert words("maksad milte") == ["purpos", "meet"]


def test_a_contractions_tail_is_no_word() -> None:
    assert Normaliser().content_tokens("they'll hold it, we've read, they're partners") == [
        "hold",
        "read",
        "partner",
    ]


def test_us_after_a_past_tense_verb_is_the_pronoun() -> None:
    normaliser = Normaliser()
    assert normaliser.content_tokens("our teacher gave us the jimex chapter") == [
        "teacher",
        "gave",
        "jimex",
        "chapter",
    ]
    assert "usa" in normaliser.content_tokens("india us 2+2")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("What is HADR?", "humanitarian assistance and disaster relief"),
        ("HA/DR kya hai", "what is hadr"),
        ("ha dr", "HADR"),
        ("2+2 dialogue kya hai", "what is a two plus two dialogue?"),
        ("2 + 2 dialogues", "2+2 dialogue"),
        ("India US 2+2", "india america 2+2"),
        ("U.S.A.", "united states"),
        ("when was the first india us 2+2", "first india usa 2+2"),
        ("pehla india japan 2+2 kab hua", "first india japan 2+2"),
        ("Exercises", "exercise"),
        ("defence co-operation", "defence cooperation"),
        ("kaunse abhyas jaari hai", "which exercises continue"),
    ],
)
def test_variants_meet(one: str, other: str) -> None:
    normaliser = Normaliser(SYNONYMS)
    assert normaliser.content_tokens(one) == normaliser.content_tokens(other)
    assert normaliser.content_tokens(one)


@pytest.mark.parametrize(
    "question",
    ["", "   ", "?!…", "what is it?", "tell us about it", "let us know", "kya hai", "🙂🙂"],
)
def test_nothing_to_match(question: str) -> None:
    assert Normaliser(SYNONYMS).content_tokens(question) == []


def test_a_synonym_phrase_becomes_one_token() -> None:
    assert (
        len(Normaliser(SYNONYMS).content_tokens("humanitarian assistance and disaster relief")) == 1
    )


def test_pack_stop_words_are_added() -> None:
    assert Normaliser(extra_stopwords=["wala"]).content_tokens("jimex wala") == ["jimex"]


def test_longest_synonym_wins() -> None:
    normaliser = Normaliser({"joint working group": ["jwg"], "jwg detc": ["jwg-detc"]})
    assert normaliser.content_tokens("jwg-detc") == normaliser.content_tokens("jwg detc")
    assert normaliser.content_tokens("jwg") == normaliser.content_tokens("joint working group")
    assert normaliser.content_tokens("jwg") != normaliser.content_tokens("jwg-detc")


def test_abbreviated_terms_are_those_whose_initials_are_listed() -> None:
    normaliser = Normaliser(
        {
            "joint service staff talks": ["jsst", "joint staff talks"],
            "dharma guardian": ["dharmaguardian"],
            "humanitarian assistance and disaster relief": ["hadr"],
        }
    )
    assert normaliser.abbreviated_terms == {
        "joint_servic_staff_talk",
        "humanitarian_assistanc_and_disaster_relief",
    }


def test_a_text_folded_again_gives_the_same_tokens_whatever_a_caller_did_with_them() -> None:
    normaliser = Normaliser({"joint service staff talks": ["jsst"]})
    first = normaliser.tokens("When do the JSST meet?")
    first.append("changed")
    assert normaliser.tokens("When do the JSST meet?") == [
        "when",
        "do",
        "the",
        "joint_servic_staff_talk",
        "meet",
    ]
    normaliser.cache_clear()
    assert normaliser.tokens("When do the JSST meet?")[3] == "joint_servic_staff_talk"
