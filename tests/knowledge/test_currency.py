"""The pack's date and declined topics: what is turned away, and what is answered with its date."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from faqbot.knowledge import Pack, check_pack
from faqbot.knowledge.currency import (
    RULE_AFTER_AS_OF,
    RULE_NOT_COVERED,
    Currency,
    follows_in_order,
    month_year,
)
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.replies import outcome_reply
from tests.support.application import knowledge_of


@pytest.fixture(scope="module")
def answerers(pack: Pack) -> LanguageAnswerers:
    """The shipped pack's answerers, built once per run (not at import, in every worker)."""
    return knowledge_of(pack).answerers


def respond(answerers: LanguageAnswerers, question: str):
    found = answerers.respond(question)
    return found.outcome, found.language


# question, status ("found": answered or suggested, as the matcher decides), notice kind
# (None: no notice), not_covered topic
CASES = [
    # English: the latest is answered with its date
    ("what happened at the latest india japan 2+2", "found", "as_of", None),
    ("when was the last india japan 2+2 held", "found", "as_of", None),
    ("current india japan 2+2 highlights", "found", "as_of", None),
    # English: later meetings and years, other countries, office-holders
    ("third India–Japan 2+2", "none", "not_covered", "later-dialogues"),
    ("what was discussed at the 3rd india japan 2+2", "none", "not_covered", "later-dialogues"),
    ("2+2 in 2024", "none", "after_as_of", None),
    ("india japan 2+2 december 2022", "none", "after_as_of", None),
    ("when is the next india japan 2+2", "none", "after_as_of", None),
    ("what happened at the india us 2+2", "none", "not_covered", "other-countries-2plus2"),
    ("us japan 2+2 outcome", "none", "not_covered", "other-countries-2plus2"),
    ("who is the current defence minister of japan", "none", "not_covered", "office-holders"),
    # English: nothing about time, or a time the notes cover
    ("what is jimex", "found", None, None),
    ("india japan 2+2 in 2022", "found", None, None),
    ("japan defence capabilities within the next five years", "found", None, None),
    ("does india have a 2+2 with russia", "found", None, None),
    # Hinglish
    ("abhi tak ka latest india japan 2+2 kahan hua", "found", "as_of", None),
    ("teesra india japan 2+2 kab hoga", "none", "not_covered", "later-dialogues"),
    ("agla india japan 2+2 kab hai", "none", "after_as_of", None),
    ("japan ka defence minister abhi kaun hai", "none", "not_covered", "office-holders"),
    ("india australia 2+2 kab hua tha", "none", "not_covered", "other-countries-2plus2"),
    # Hindi
    ("हाल की भारत जापान 2+2 में क्या हुआ", "found", "as_of", None),
    ("नवीनतम भारत जापान 2+2 वार्ता कहाँ हुई", "found", "as_of", None),
    ("भारत जापान 2+2 वार्ता 2024 में हुई क्या", "none", "after_as_of", None),
    ("तीसरी भारत जापान 2+2 वार्ता कब हुई", "none", "not_covered", "later-dialogues"),
    ("जापान के वर्तमान रक्षा मंत्री कौन हैं", "none", "not_covered", "office-holders"),
    # "New" asks who holds it now, as "current" does.
    ("भारत के नए विदेश मंत्री कौन बने", "none", "not_covered", "office-holders"),
    ("अगली भारत जापान 2+2 वार्ता कब होगी", "none", "after_as_of", None),
    ("क्या भारत की रूस के साथ 2+2 वार्ता है", "found", None, None),
]


@pytest.mark.parametrize(("question", "status", "kind", "topic"), CASES)
def test_time_and_scope_are_read_before_answering(
    answerers: LanguageAnswerers, question: str, status: str, kind: str | None, topic: str | None
) -> None:
    outcome, _ = respond(answerers, question)
    statuses = ("answer", "suggest") if status == "found" else (status,)
    assert outcome.status in statuses, outcome.match
    assert (outcome.notice.kind if outcome.notice else None) == kind
    assert (outcome.notice.topic if outcome.notice else None) == topic
    if kind in ("not_covered", "after_as_of"):
        assert outcome.match is not None and outcome.match.entry is None
        rule = RULE_NOT_COVERED if kind == "not_covered" else RULE_AFTER_AS_OF
        assert outcome.match.why == rule


def test_the_latest_is_answered_with_its_date_first_in_each_language(
    answerers: LanguageAnswerers, pack: Pack
) -> None:
    for question, opening in (
        ("what happened at the latest india japan 2+2", "As of September 2022, the latest"),
        ("हाल की भारत जापान 2+2 में क्या हुआ", "सितंबर 2022 तक की जानकारी के अनुसार"),
    ):
        outcome, language = respond(answerers, question)
        reply = outcome_reply(outcome, pack.in_language(language))
        assert reply.kind == "answer" and reply.body.startswith(opening)
        assert outcome.entry is not None and outcome.entry.answer in reply.body


def test_a_later_meeting_gets_the_honest_reply_and_what_the_notes_cover(
    answerers: LanguageAnswerers, pack: Pack
) -> None:
    outcome, language = respond(answerers, "2+2 in 2024")
    reply = outcome_reply(outcome, pack.in_language(language))
    assert reply.kind == "none"
    assert reply.body.startswith("My notes cover up to September 2022; I have nothing on that.")
    assert [choice.entry_id for choice in reply.choices] == ["second-dialogue", "key-highlights"]
    hindi, language = respond(answerers, "भारत जापान 2+2 वार्ता 2024 में हुई क्या")
    body = outcome_reply(hindi, pack.in_language(language)).body
    assert body.startswith("मेरे नोट्स सितंबर 2022 तक के हैं")


def test_a_declined_topic_replies_in_the_question_language(
    answerers: LanguageAnswerers, pack: Pack
) -> None:
    outcome, language = respond(answerers, "तीसरी भारत जापान 2+2 वार्ता कब हुई")
    assert language == "hi"
    assert outcome_reply(outcome, pack.in_language(language)).body.startswith("मेरे नोट्स में दो")


@pytest.mark.parametrize(
    ("tokens", "pattern", "gap", "found"),
    [
        ("india usa 2 2".split(), "india usa 2".split(), 0, True),
        ("india x usa 2".split(), "india usa 2".split(), 0, False),
        ("india x usa 2".split(), "india usa 2".split(), 1, True),
        ("india a b usa 2".split(), "india usa 2".split(), 1, False),
        ("usa india 2".split(), "india usa 2".split(), 2, False),  # order matters
        ("india 2 usa".split(), "india usa 2".split(), 2, False),
        ([], ["india"], 0, False),
    ],
)
def test_patterns_follow_in_order_within_a_gap(
    tokens: list[str], pattern: list[str], gap: int, found: bool
) -> None:
    assert follows_in_order(tokens, pattern, gap) is found


def test_stop_words_do_not_count_as_a_gap(answerers: LanguageAnswerers) -> None:
    for question in ("india and the us 2+2 meeting", "India-US 2+2", "the russia india 2+2 talks"):
        assert answerers.answerers["en"].currency.not_covered(question) is not None, question
    partners = "Russia is not among India's 2+2 dialogue partners"
    assert answerers.answerers["en"].currency.not_covered(partners) is None


def test_exam_options_never_decline_the_question(answerers: LanguageAnswerers) -> None:
    outcome, _ = respond(
        answerers,
        "The second India–Japan 2+2 ministerial dialogue was held in which year? "
        "(a) 2020 (b) 2021 (c) 2022 (d) 2023",
    )
    assert outcome.notice is None and outcome.status == "answer"


def test_month_year_in_each_language() -> None:
    date = datetime.date(2022, 9, 8)
    assert month_year(date, "en") == "September 2022"
    assert month_year(date, "hi") == "सितंबर 2022"


def test_a_pack_without_as_of_never_dates_or_declines(answerers: LanguageAnswerers) -> None:
    currency = Currency(None, (), "en", answerers.matcher("en").normaliser)
    assert currency.hold("2+2 in 2030") is None
    assert currency.date_note("what is the latest") is None


PACK_TEXT = """\
pack:
  title: Test pack
  language: en
  source_document: notes.txt
{extra}
topics:
  - id: basics
    title: Basics
entries:
  - id: first-meeting
    topic: basics
    question: When was the first meeting?
    alternates: [{alternate}]
    answer: The first meeting was in 2019.
    source: notes, line 1
    related: []
"""


def problems(tmp_path: Path, extra: str, alternate: str = "first meeting date") -> list[str]:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK_TEXT.format(extra=textwrap.dedent(extra), alternate=alternate), "utf-8")
    _, found = check_pack(path)
    return [f"{p.location.line}: {p.subject}: {p.message}" for p in found]


def test_validate_reads_as_of_and_not_covered(tmp_path: Path) -> None:
    good = """\
    as_of: {date: 2022-09-08, latest: the latest was the first meeting, entries: [first-meeting]}
    not_covered:
      - id: later-meetings
        patterns: [second meeting]
        reply: My notes cover only the first meeting.
        related: [first-meeting]
    """
    assert problems(tmp_path, good) == []
    bad = """\
    as_of: {date: September 2022, colour: blue}
    not_covered:
      - id: later-meetings
        patterns: []
        related: [no-such-entry]
    """
    found = problems(tmp_path, bad)
    assert any("unknown key 'colour'" in p for p in found)
    assert any("must be YYYY-MM-DD" in p for p in found)
    assert any("'patterns' must be a list" in p for p in found)
    assert any("missing 'reply'" in p for p in found)
    assert any("related id 'no-such-entry' does not exist" in p for p in found)


def test_validate_reports_phrasings_the_pack_would_turn_away(tmp_path: Path) -> None:
    extra = """\
    as_of: 2022-09-08
    not_covered:
      - id: other-meetings
        patterns: [first meeting]
        reply: Not covered.
    """
    found = problems(tmp_path, extra, alternate="first meeting date")
    assert any("would be declined as not_covered 'other-meetings'" in p for p in found)
    found = problems(tmp_path, "as_of: 2022-09-08\n", alternate="meeting plans for 2025")
    assert any("asking about a time after as_of" in p for p in found)
