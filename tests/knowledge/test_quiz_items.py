"""Quiz items: hand-written and generated ones, their limits and truth, and selection."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest

from faqbot.knowledge import Pack, check_pack
from faqbot.knowledge.quiz_items import (
    BLANK,
    QuizBank,
    generate_item,
    generated_items,
    generation_blockers,
    match_topic,
    mentions,
    quiz_items,
    quiz_problems,
    shuffled_options,
)
from faqbot.knowledge.schema import (
    QUIZ_EXPLANATION_LIMIT,
    QUIZ_OPTION_LIMIT,
    QUIZ_QUESTION_LIMIT,
    Entry,
    PackInfo,
    QuizItem,
    ShortAnswer,
    Topic,
)

STOPWORDS = {"the", "a", "an", "and", "of", "to", "it", "its", "in", "on", "for", "with", "by"}
# Hand-written correct options worded differently from their answer, checked by a person.
PARAPHRASES = {("what-is-2plus2", "Foreign affairs and defence")}  # "foreign minister"


def words(text: str) -> set[str]:
    """Content words, with plural s and possessive 's dropped."""
    text = text.casefold().replace("'s", "")
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text) if w not in STOPWORDS}


def entry(
    entry_id: str, answer: str, kind: str | None = None, text: str | None = None, quiz=()
) -> Entry:
    return Entry(
        id=entry_id,
        topic="t",
        question=f"About {entry_id}?",
        alternates=(f"tell me about {entry_id}",),
        answer=answer,
        source="test",
        short_answer=ShortAnswer(kind, text) if kind and text else None,
        quiz=tuple(quiz),
    )


def small_pack(*entries: Entry, distractors: dict[str, tuple[str, ...]] | None = None) -> Pack:
    return Pack(
        info=PackInfo("Test", "en", "test.txt"),
        topics=(Topic("t", "Test"),),
        entries=entries,
        quiz_distractors=distractors or {},
    )


# --- the shipped pack -------------------------------------------------------------------------


def test_the_shipped_pack_offers_at_least_40_distinct_items_covering_every_entry(
    pack: Pack,
) -> None:
    items = quiz_items(pack)
    assert len(items) >= 40
    assert len({item.question.casefold() for item in items}) == len(items)
    assert len({item.key for item in items}) == len(items)
    assert {entry.id for entry in pack.entries} == {item.entry_id for item in items}


def test_every_item_respects_telegrams_limits(pack: Pack) -> None:
    for item in quiz_items(pack):
        options = [item.correct, *item.distractors]
        assert len(item.question) <= QUIZ_QUESTION_LIMIT, item.question
        assert 2 <= len(options) <= 10
        assert all(1 <= len(option) <= QUIZ_OPTION_LIMIT for option in options), options
        assert len(item.explanation) <= QUIZ_EXPLANATION_LIMIT, item.explanation
        assert len({option.casefold() for option in options}) == len(options) == 4, options
        assert quiz_problems(item) == []


def test_every_correct_option_is_stated_by_its_entry(pack: Pack) -> None:
    for item in quiz_items(pack):
        source = pack.entry(item.entry_id)
        assert source is not None
        if (item.entry_id, item.correct) in PARAPHRASES:
            continue
        missing = words(item.correct) - words(f"{source.question} {source.answer}")
        assert not missing, f"{item.entry_id}: '{item.correct}' is not in its entry: {missing}"


def test_generated_items_are_true_and_their_distractors_are_not_in_the_answer(
    pack: Pack,
) -> None:
    generated = generated_items(pack)
    assert generated, "the shipped pack's short answers should yield new items"
    for item in generated:
        source = pack.entry(item.entry_id)
        assert source is not None and source.short_answer is not None
        assert item.correct == source.short_answer.text
        assert mentions(source.answer, item.correct)
        assert BLANK in item.question and item.correct not in item.question
        for distractor in item.distractors:
            assert not mentions(source.answer, distractor), (item.entry_id, distractor)


def test_a_short_answer_already_asked_by_hand_is_not_asked_twice(pack: Pack) -> None:
    for item in generated_items(pack):
        source = pack.entry(item.entry_id)
        assert item.correct.casefold() not in {q.correct.casefold() for q in source.quiz}


# --- generation -------------------------------------------------------------------------------


def test_distractors_come_from_other_entries_and_the_pack_list_of_the_same_kind() -> None:
    pack = small_pack(
        entry("first", "The first summit was held in Tokyo in 2019.", "place", "Tokyo"),
        entry("second", "The second summit was held in Osaka.", "place", "Osaka"),
        entry("year", "It began in 2001.", "date", "2001"),
        distractors={"place": ("Kyoto", "Nagoya"), "date": ("1999",)},
    )
    item = generate_item(pack.entry("first"), pack)
    assert item is not None
    assert item.question == "Fill in the blank: The first summit was held in ____ in 2019."
    assert item.correct == "Tokyo"
    assert sorted(item.distractors) == ["Kyoto", "Nagoya", "Osaka"]
    assert item.explanation == "The first summit was held in Tokyo in 2019."
    assert item.entry_id == "first"


def test_a_value_the_answer_itself_mentions_is_never_a_distractor() -> None:
    pack = small_pack(
        entry(
            "second",
            "The second dialogue was in Tokyo. The first had been in New Delhi.",
            "place",
            "Tokyo",
        ),
        distractors={"place": ("New Delhi", "Osaka", "Kyoto", "Mumbai")},
    )
    item = generate_item(pack.entry("second"), pack)
    assert item is not None
    assert "New Delhi" not in item.distractors
    assert sorted(item.distractors) == ["Kyoto", "Mumbai", "Osaka"]


def test_years_get_year_distractors_before_months() -> None:
    pack = small_pack(
        entry("start", "The talks have run since 2010.", "date", "2010"),
        distractors={"date": ("March 2015", "June 2017", "2008", "2012", "2015")},
    )
    item = generate_item(pack.entry("start"), pack)
    assert item is not None and sorted(item.distractors) == ["2008", "2012", "2015"]


def test_generation_is_stable_across_runs() -> None:
    pack = small_pack(
        entry("n", "India has four partners.", "number", "Four"),
        distractors={"number": ("Two", "Three", "Five", "Six", "Seven")},
    )
    assert generate_item(pack.entry("n"), pack) == generate_item(pack.entry("n"), pack)


def test_too_few_distractors_or_an_unstated_short_answer_yield_no_item() -> None:
    pack = small_pack(
        entry("few", "It was held in Tokyo.", "place", "Tokyo"),
        entry("absent", "It was chaired by the host.", "name", "Fumio Kishida"),
        distractors={"place": ("Osaka", "Kyoto")},
    )
    assert generate_item(pack.entry("few"), pack) is None
    assert (
        "only 2 usable distractor(s) of kind 'place'"
        in generation_blockers(pack.entry("few"), pack)[0]
    )
    assert generate_item(pack.entry("absent"), pack) is None
    assert "is not stated in the answer" in generation_blockers(pack.entry("absent"), pack)[0]


def test_long_sentences_are_cut_to_telegrams_limits_around_the_blank() -> None:
    filler = " ".join(["the ministers discussed many further matters of shared interest"] * 6)
    answer = f"After long talks {filler}, they agreed to meet in Tokyo, and {filler}."
    pack = small_pack(
        entry("long", answer, "place", "Tokyo"),
        distractors={"place": ("Osaka", "Kyoto", "Nagoya")},
    )
    item = generate_item(pack.entry("long"), pack)
    assert item is not None
    assert len(item.question) <= QUIZ_QUESTION_LIMIT and BLANK in item.question
    assert len(item.explanation) <= QUIZ_EXPLANATION_LIMIT and "Tokyo" in item.explanation
    assert "…" in item.question and "…" in item.explanation


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("held in Tokyo, Japan", "tokyo", True),
        (
            "between the Japan Joint Staff and the Indian Staff",
            "Japan Joint Staff and Indian Staff",
            True,
        ),
        ("since 2010s", "2010", False),
        ("the Tokyoites", "Tokyo", False),
    ],
)
def test_mentions_matches_whole_phrases(text: str, value: str, expected: bool) -> None:
    assert mentions(text, value) is expected


# --- validation -------------------------------------------------------------------------------


def test_validate_reports_a_short_answer_that_yields_no_item(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            pack: {title: Test, language: en, source_document: test.txt}
            topics: [{id: t, title: Test}]
            quiz_distractors:
              place: [Osaka]
            entries:
              - id: venue
                topic: t
                question: Where was it held?
                alternates: [venue of the meeting]
                answer: It was held in Tokyo.
                source: test
                related: []
                short_answer:
                  kind: place
                  text: Tokyo
            """
        ),
        encoding="utf-8",
    )
    pack, problems = check_pack(path)
    assert pack is None
    [problem] = problems
    assert str(problem).startswith(f"{path}:14: venue: only 1 usable distractor(s)")


def test_validate_accepts_the_shipped_pack(pack: Pack) -> None:
    again, problems = check_pack(Path(pack.paths[0]))
    assert problems == [] and again is not None


# --- rounds and review ------------------------------------------------------------------------


def test_options_are_shuffled_and_the_correct_index_follows() -> None:
    item = QuizItem("e", "Q?", "right", ("w1", "w2", "w3"), "because")
    positions = set()
    for seed in range(40):
        shown = shuffled_options(item, random.Random(seed))
        assert sorted(shown.options) == sorted(["right", "w1", "w2", "w3"])
        assert shown.options[shown.correct] == "right"
        positions.add(shown.correct)
    assert positions == {0, 1, 2, 3}


def test_choose_prefers_items_not_asked_lately(pack: Pack) -> None:
    bank = QuizBank.from_pack(pack)
    recent = {item.key for item in bank.items[:-3]}
    chosen = bank.choose(3, random.Random(1), avoid=recent)
    assert {item.key for item in chosen} == {item.key for item in bank.items[-3:]}
    assert len(bank.choose(len(bank.items) + 5, random.Random(1))) == len(bank.items)


# --- topics ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "topic_id"),
    [
        ("exercises", "exercises"),
        ("Excercises", "exercises"),  # a typo
        ("defence", "japan-defence"),  # two titles say it; the id says it too
        ("japan-defence", "japan-defence"),
        ("military", "military-cooperation"),
        ("2+2 format", "format"),
        ("history", "india-japan"),
    ],
)
def test_a_typed_topic_finds_the_packs_topic(pack: Pack, typed: str, topic_id: str) -> None:
    found = match_topic(pack, typed)
    assert found.topic is not None and found.topic.id == topic_id


@pytest.mark.parametrize("typed", ["cricket", "abc", "Defense posture of Brazil"])
def test_an_unknown_topic_is_refused_with_the_closest_to_suggest(pack: Pack, typed: str) -> None:
    found = match_topic(pack, typed)
    assert found.topic is None
    assert found.closest is not None and found.closest in pack.topics


def test_a_word_fitting_two_topics_equally_is_ambiguous() -> None:
    topics = (Topic("army-drills", "Drills"), Topic("navy-drills", "Drills"))
    two = Pack(info=PackInfo("t", "en", "s"), topics=topics, entries=())
    found = match_topic(two, "drills")
    assert found.topic is None and set(found.ambiguous) == set(topics)


def test_choose_takes_items_of_one_topic_and_counts_cover_every_item(pack: Pack) -> None:
    bank = QuizBank.from_pack(pack)
    counts = bank.counts()
    assert sum(counts.values()) == len(bank.items)
    chosen = bank.choose(50, random.Random(1), topic="exercises")
    assert len(chosen) == counts["exercises"]
    assert {pack.entry(item.entry_id).topic for item in chosen} == {"exercises"}
