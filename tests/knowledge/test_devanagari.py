"""Devanagari folding, stemming and script detection, as plain tables."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from faqbot.knowledge import devanagari
from faqbot.knowledge.devanagari import (
    Respeller,
    consonant_key,
    fold,
    latin_consonant_key,
    script_of,
    stem,
)
from faqbot.knowledge.normaliser import Normaliser, words


@pytest.mark.parametrize(
    ("variant", "usual"),
    [
        ("ज़मीनी", "जमीनी"),  # nukta, precomposed or not
        ("ज़मीनी", "जमीनी"),
        ("हिन्दी", "हिंदी"),  # half nasal consonant and anusvara
        ("सम्बन्ध", "संबंध"),
        ("पाँच", "पांच"),  # chandrabindu and anusvara
        ("सचीव", "सचिव"),  # long and short i
        ("संयूक्त", "संयुक्त"),  # long and short u
        ("डायलॉग", "डायलाग"),  # candra o
        ("२०१९", "2019"),
    ],
)
def test_variant_spellings_meet(variant: str, usual: str) -> None:
    assert words(variant) == words(usual)


def test_fold_turns_the_danda_into_a_full_stop_and_drops_joiners() -> None:
    assert fold("वार्ता।") == "वार्ता."
    assert words("क्\u200dष") == words("क्ष")


def test_matras_stay_inside_words() -> None:
    assert words("पहली भारत-जापान वार्ता") == ["पहलि", "भारत", "जापान", "वार्त"]


@pytest.mark.parametrize(
    ("inflected", "base"),
    [("जापानी", "जापान"), ("वार्ताओं", "वार्त"), ("देशों", "देश"), ("पहली", "पहलि")],
)
def test_light_stemming(inflected: str, base: str) -> None:
    assert stem(fold(inflected)) == base


def test_initiative_first_and_before_stay_apart() -> None:
    assert len({stem(fold(word)) for word in ("पहल", "पहली", "पहले")}) == 3


def test_scripts_mixed_mid_word_split_into_two_words() -> None:
    assert words("RPSSसमझौता") == ["rpss", "समझौत"]


def test_hindi_stop_words_are_dropped() -> None:
    assert Normaliser().content_tokens("जिमेक्स क्या है") == ["जिमेक्स"]


def test_chat_words_and_nouns_that_name_no_thing_are_stop_words() -> None:
    normaliser = Normaliser()
    assert normaliser.content_tokens("यार जिमेक्स के बारे में थोड़ा बता") == ["जिमेक्स"]
    assert normaliser.content_tokens("किस चीज़ पर सहमति") == normaliser.content_tokens("सहमति")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("जिमेक्स क्या है", "devanagari"),
        ("HADR cooperation भारत जापान", "devanagari"),
        ("jimex kya hai", "latin"),
        ("জাপান কী", "other"),  # Bengali
        ("جاپان کیا ہے", "other"),  # Urdu
        ("2+2 ?", "none"),
        ("", "none"),
    ],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


@pytest.mark.parametrize(
    "text", ["जापان\u200dজাপান", "کیا जापान है", "ज़\u200c\u200dमीनी", "\u0900\u093c\u094d", "्््"]
)
def test_odd_input_never_raises(text: str) -> None:
    Normaliser().content_tokens(text)


@pytest.mark.parametrize(
    ("hindi", "english"),
    [("डिफेंस", "defence"), ("कैपेबिलिटी", "capability"), ("रेज़ोल्यूशन", "resolution")],
)
def test_english_words_in_devanagari_have_english_consonants(hindi: str, english: str) -> None:
    hindi_key = consonant_key(words(hindi)[0])
    assert fuzz.ratio(hindi_key, latin_consonant_key(words(english)[0])) >= 80


@pytest.fixture(scope="module")
def respeller() -> Respeller:
    known = "वार्ता क्या गार्जियन कुल resolution peaceful capability order news jsst"
    return Respeller(words(known))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("वारता", "वार्त"),  # virama left out
        ("कया", "क्या"),
        ("गारजियन", "गार्जियन"),
        ("पीसफुल", "peaceful"),  # English words written in Devanagari
        ("रेज़ोल्यूशन", "resolution"),
        ("कैपेबिलिटी", "capability"),
        ("खुला", "खुल"),  # aspiration keeps Hindi words apart (कुल is not खुला)
        ("रडार", "रडार"),  # Hindi words with an English word's consonants stay
        ("निवेश", "निवेश"),
        ("जीएसटी", "जिएसट"),  # acronyms are spelt out, never sounded
        ("मदद", "मदद"),  # too few consonants to tell
    ],
)
def test_respeller(respeller: Respeller, typed: str, meant: str) -> None:
    assert respeller(words(typed)[0]) == meant


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0900, max_codepoint=0x097F)
        | st.sampled_from("\u200c\u200d a1.")
    )
)
def test_fold_is_one_simultaneous_mapping_of_its_table(text: str) -> None:
    expected = devanagari._HALF_NASAL.sub(
        devanagari.ANUSVARA, text.translate(devanagari._FOLD)
    ).translate(devanagari._DIGITS)
    assert devanagari.fold(text) == expected
