"""Follow-ups resolve through the previous entry; a question of its own wins."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.followups import is_followup
from tests.support.application import knowledge_of


@pytest.fixture(scope="module")
def answerer(pack: Pack) -> Answerer:
    """The shipped pack's, from the bundle the whole run shares (its main language)."""
    return knowledge_of(pack).answerer


def transcript(answerer: Answerer, turns: list[str]) -> list[str | None]:
    """Each turn's answered entry id, keeping the last answer as context, as a chat would."""
    previous: str | None = None
    answered = []
    for turn in turns:
        outcome = answerer.respond(turn, previous_id=previous)
        answered.append(outcome.answered_id)
        previous = outcome.answered_id or previous
    return answered


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        (["When was the first India Japan 2+2?", "and the second one?"],
         ["inaugural-dialogue", "second-dialogue"]),
        (["what is a 2+2 dialogue", "why?"], ["what-is-2plus2", "purpose-of-2plus2"]),
        (["what is a 2+2 dialogue", "tell me more"], ["what-is-2plus2", "who-attends-2plus2"]),
        (["where was the second india japan 2+2 held", "when?"],
         ["second-dialogue", "second-dialogue"]),
        (["what is a 2+2 dialogue", "iska significance kya hai?"],
         ["what-is-2plus2", "purpose-of-2plus2"]),
        # A full question of its own wins over the context.
        (["what is a 2+2 dialogue", "what is jimex"], ["what-is-2plus2", "what-is-jimex"]),
    ],
)  # fmt: skip
def test_transcripts(answerer: Answerer, turns: list[str], expected: list[str]) -> None:
    assert transcript(answerer, turns) == expected


def test_follow_up_without_context_is_an_ordinary_question(answerer: Answerer) -> None:
    outcome = answerer.respond("and the second one?")
    assert outcome.followup is None and outcome.status in ("suggest", "none")


def test_unknown_context_is_ignored(answerer: Answerer) -> None:
    outcome = answerer.respond("why?", previous_id="no-such-entry")
    assert outcome.followup is None and outcome.status == "none"


@pytest.mark.parametrize(
    ("message", "followup"),
    [("why?", True), ("aur?", True), ("and the second one?", True), ("iska matlab?", True),
     ("what is jimex", False), ("when was the first india japan 2+2 held in new delhi", False)],
)  # fmt: skip
def test_is_followup(message: str, followup: bool) -> None:
    assert is_followup(message) is followup
