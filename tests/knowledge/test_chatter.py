"""Chatter around a question is dropped before matching; the question itself is kept."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.chatter import strip_chatter


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("sorry for silly doubt but when was the first 2+2", "when was the first 2+2"),
        ("my teacher said india has 2+2 with russia", "india has 2+2 with russia"),
        ("can you tell me what jimex is, for prelims", "what jimex is,"),
        ("I read somewhere that JSST was launched", "JSST was launched"),
        ("what is jimex", "what is jimex"),
        ("sorry", "sorry"),  # all chatter: the message is left as it is
    ],
)
def test_strip_chatter(message: str, kept: str) -> None:
    assert strip_chatter(message) == kept


def test_chatter_does_not_hide_the_answer(pack: Pack) -> None:
    answerer = Answerer.from_pack(pack)
    plain = answerer.respond("When was the first India Japan 2+2 ministerial dialogue held?")
    chatty = answerer.respond(
        "sorry for silly doubt sir but my teacher said something about it, can you tell me "
        "when was the first India Japan 2+2 ministerial dialogue held? need it for prelims"
    )
    assert plain.status == chatty.status == "answer"
    assert chatty.entry is not None and chatty.entry.id == "inaugural-dialogue"
