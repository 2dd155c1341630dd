"""Chatter around a question is dropped before matching; the question itself is kept."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.chatter import strip_chatter
from tests.support.application import knowledge_of


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("sorry for silly doubt but when was the first 2+2", "when was the first 2+2"),
        ("my teacher said india has 2+2 with russia", "india has 2+2 with russia"),
        ("can you tell me what jimex is, for prelims", "what jimex is,"),
        ("I read somewhere that JSST was launched", "JSST was launched"),
        (
            "hey, which navy hosts MILAN? like when did it start",
            ", which navy hosts MILAN? when did it start",
        ),
        ("i have an exam today and kinda forgot: what is RPSS", ": what is RPSS"),
        ("what is jimex", "what is jimex"),
        # An order in place of a question word; "did they name China" is a question.
        ("List all the countries India has a 2+2 with", "all the countries India has a 2+2 with"),
        ("did they name china", "did they name china"),
        ("we have a class test on Monday. what is RPSS", "on Monday. what is RPSS"),
        ("explain JIMEX in simple words", "explain JIMEX"),
        ("japan joined MILAN, is that right?", "japan joined MILAN, ?"),
        ("how did the 2+2 start in the first place", "how did the 2+2 start"),
        ("in our group discussion we argued about RPSS", "we argued about RPSS"),
        ("sorry", "sorry"),  # all chatter: the message is left as it is
    ],
)
def test_strip_chatter(message: str, kept: str) -> None:
    assert strip_chatter(message) == kept


def test_chatter_does_not_hide_the_answer(pack: Pack) -> None:
    answerer = knowledge_of(pack).answerer
    plain = answerer.respond("When was the first India Japan 2+2 ministerial dialogue held?")
    chatty = answerer.respond(
        "sorry for silly doubt sir but my teacher said something about it, can you tell me "
        "when was the first India Japan 2+2 ministerial dialogue held? need it for prelims"
    )
    assert plain.status == chatty.status == "answer"
    assert chatty.entry is not None and chatty.entry.id == "inaugural-dialogue"


def test_a_long_message_is_also_read_by_its_own_question(pack: Pack) -> None:
    outcome = knowledge_of(pack).answerer.respond(
        "My friend and I were arguing yesterday over the news about Japan and its army and "
        "some big plan of theirs that everyone is talking about; what did Japan say about its "
        "defence budget?"
    )
    assert outcome.status == "answer" and outcome.entry is not None
    assert outcome.entry.id == "japan-defence-budget"


def test_a_rule_that_held_the_whole_message_back_still_holds(pack: Pack) -> None:
    # The story names Australia, which the budget card never mentions: the last clause alone
    # would be the budget card, but the message as a whole asks about something else.
    outcome = knowledge_of(pack).answerer.respond(
        "My friend and I were arguing yesterday about Australia and its army and some big plan "
        "that everyone is talking about; what did they say about the defence budget?"
    )
    assert outcome.status != "answer"


def test_a_long_messages_last_clause_answers_only_what_the_message_is_about(pack: Pack) -> None:
    # Read alone, "what did Japan commit to" is the exercises India and Japan committed to
    # continuing; the whole message is about Japan's defence spending.
    outcome = knowledge_of(pack).answerer.respond(
        "My uncle keeps telling me Japan is going to spend far more on its armed forces and "
        "make its military much stronger within a few years. What did Japan commit to?"
    )
    assert outcome.entry is None or outcome.entry.id != "continuing-exercises"
