"""Which language the bot spoke in each request it made: the measure of "replies in the wrong
language" (0 is the target).

An English reply has no Devanagari at all (the shipped pack's English text has none). A Hindi
reply has Devanagari and none of the English catalogue's words: the pack's Hindi answers keep
acronyms and names in Latin letters ("RPSS"), so Latin letters alone do not make it wrong.
Text with neither Devanagari nor a lower-case Latin word ("2019", "RPSS", "[1/5]") is in no
language, and right in both.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Iterator
from typing import Any

from faqbot.knowledge.catalogue import ENGLISH
from tests.support.fake_bot_api import Call

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LATIN_WORD = re.compile(r"[a-z]{3,}")
# Pieces of English sentences long enough that no Hindi text holds them by chance.
FRAGMENT_LENGTH = 14
# Requests in which the bot speaks, and the parameters that hold its words.
SPEAKING = ("sendMessage", "editMessageText", "sendPoll", "answerCallbackQuery")


def _english_fragments() -> list[str]:
    fragments = []
    for sentence in ENGLISH.values():
        for literal, *_ in string.Formatter().parse(sentence):
            # Commands and their arguments ("/quiz topics") are the same in every language.
            fragments += [
                piece.strip()
                for piece in re.split(r"[\n:;(),]|/\w+(?: [a-z0-9:+]+)?", literal)
                if len(piece.strip()) >= FRAGMENT_LENGTH
            ]
    return fragments


ENGLISH_FRAGMENTS = _english_fragments()


def words_of(call: Call) -> Iterator[str]:
    """Every piece of text the bot says in one request: text, buttons, poll and inline results."""
    params = call.params
    for key in ("text", "question", "explanation"):
        if isinstance(params.get(key), str):
            yield params[key]
    for option in params.get("options") or []:
        yield option["text"] if isinstance(option, dict) else str(option)
    yield from _buttons(params.get("reply_markup"))
    for result in params.get("results") or []:
        yield result.get("title", "")
        yield result.get("description", "")
        yield (result.get("input_message_content") or {}).get("message_text", "")
        yield from _buttons(result.get("reply_markup"))


def _buttons(markup: Any) -> Iterator[str]:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            yield button["text"]


def language_of(text: str) -> str:
    """ "en", "hi", "neutral", or "mixed" (Hindi with English sentences of the bot's in it)."""
    plain = html.unescape(text)
    if not DEVANAGARI.search(plain):
        return "en" if LATIN_WORD.search(plain) else "neutral"
    if any(fragment in plain for fragment in ENGLISH_FRAGMENTS):
        return "mixed"
    return "hi"


def wrong_language(calls: Iterable[Call], expected: str) -> list[str]:
    """The texts among these requests not in `expected` (empty texts aside)."""
    return [
        text
        for call in calls
        for text in words_of(call)
        if language_of(text) not in (expected, "neutral")
    ]


def spoken_to(calls: Iterable[Call], chat_id: int) -> list[Call]:
    """The requests in which the bot spoke in one chat (button answers carry no chat)."""
    return [
        call
        for call in calls
        if call.method in SPEAKING and call.ok and call.params.get("chat_id") == chat_id
    ]
