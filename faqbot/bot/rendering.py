"""Turns replies into Telegram messages: escaped HTML, a plain-text twin, and buttons."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from faqbot.knowledge.catalogue import say
from faqbot.knowledge.replies import Choice, Reply
from faqbot.knowledge.schema import Pack

MESSAGE_LIMIT = 4096
_TAGS = re.compile(r"</?(?:b|i|u|s|code|pre)>")
BUTTON_LABEL_LIMIT = 60
# Visible characters of user input a reply may echo back, however long the input was.
ECHO_LIMIT = 40
# An exam option the answer supports opens the reply ("Answer: (c) 2019"). It is the student's
# own text, so it is cut like any echo, but an option is often a full phrase, so less tightly.
OPTION_ECHO_LIMIT = 120
# Letters and symbols that render as blank space, on top of the control and format characters.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")

# Callback data prefixes; each button's data is "<prefix>:<id>" and stays within 64 bytes.
ANSWER = "a"  # send an entry's answer as a new message
ANSWER_HINDI = "h"  # the same, in Hindi
BROWSE_ROOT = "T"  # /topics: the list of topics
BROWSE_TOPIC = "t"  # /topics: the questions of one topic
BROWSE_ENTRY = "v"  # /topics: an answer, shown in place with Back
# 👍/👎 under an answer: "f:u:<log row id>" or "f:d:<log row id>"; in place of the row id,
# RATED_MESSAGE names the question logged with the message the buttons are on.
RATE = "f"
RATE_UP, RATE_DOWN = "u", "d"
RATED_MESSAGE = "m"
# Answer buttons say which language to answer in (one letter each, so an id of 60 characters
# still fits Telegram's 64 bytes of button data).
ANSWER_PREFIXES = {"en": ANSWER, "hi": ANSWER_HINDI}
PREFIX_LANGUAGES = {prefix: language for language, prefix in ANSWER_PREFIXES.items()}


def answer_prefix(pack: Pack) -> str:
    """The answer buttons' prefix for a pack seen in one language."""
    return ANSWER_PREFIXES.get(pack.info.language, ANSWER)


@dataclass(frozen=True)
class Rendered:
    """One message ready to send: HTML, the same text without markup, and its keyboard."""

    html: str
    plain: str
    keyboard: InlineKeyboardMarkup | None = None


def text_message(text: str) -> list[Rendered]:
    """A short message of plain text."""
    return [Rendered(html.escape(text), text)]


def html_message(html_text: str) -> list[Rendered]:
    """A short message written in HTML (its dynamic parts escaped), with its plain twin."""
    return [Rendered(html_text, html.unescape(_TAGS.sub("", html_text)))]


def excerpt(text: str, limit: int = ECHO_LIMIT) -> str:
    """User input cut to `limit` visible characters, to quote in a reply (escape it after).

    Invisible characters go first: 2,000 zero-width spaces count as nothing, not as 2,000.
    """
    visible = "".join(
        char
        for char in text
        if unicodedata.category(char)[0] != "C" and char not in _BLANK_CHARACTERS
    )
    visible = " ".join(visible.split())
    if len(visible) <= limit:
        return visible
    return visible[: limit - 1].rstrip() + "…"


def callback(prefix: str, value: str = "") -> str:
    """Callback data for a button."""
    return f"{prefix}:{value}" if value else prefix


def button(label: str, data: str) -> InlineKeyboardButton:
    """An inline button with a label short enough to read on a phone."""
    if len(label) > BUTTON_LABEL_LIMIT:
        label = label[: BUTTON_LABEL_LIMIT - 1].rstrip() + "…"
    return InlineKeyboardButton(label, callback_data=data)


def rating_buttons(row_id: int | None = None) -> list[InlineKeyboardButton]:
    """👍 and 👎 for the answer to logged question `row_id` (None: the question logged with
    the message they are on), beside the card's last buttons."""
    rated = RATED_MESSAGE if row_id is None else str(row_id)
    return [
        InlineKeyboardButton("👍", callback_data=callback(RATE, f"{RATE_UP}:{rated}")),
        InlineKeyboardButton("👎", callback_data=callback(RATE, f"{RATE_DOWN}:{rated}")),
    ]


def choice_keyboard(
    choices: tuple[Choice, ...],
    prefix: str = ANSWER,
    extra: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup | None:
    """One button per row for each choice, then any extra buttons on the last row."""
    rows = [[button(choice.label, callback(prefix, choice.entry_id))] for choice in choices]
    if extra:
        rows.append(list(extra))
    return InlineKeyboardMarkup(rows) if rows else None


def render(
    reply: Reply,
    *,
    choice_prefix: str = ANSWER,
    extra_buttons: Sequence[InlineKeyboardButton] = (),
    limit: int = MESSAGE_LIMIT,
) -> list[Rendered]:
    """A reply as one or more messages; long text splits at paragraph boundaries."""
    blocks: list[tuple[str, str]] = []  # (html, plain) per paragraph
    if reply.title:
        heading = f"📘 {reply.title}" if reply.kind == "fact" else reply.title
        blocks.append((f"<b>{html.escape(heading)}</b>", heading))
    for paragraph in _paragraphs(reply.body):
        blocks += [(html.escape(piece), piece) for piece in _fit(paragraph, limit)]
    if reply.source:
        label = say(reply.language, "source")
        blocks.append((f"<i>{label}: {html.escape(reply.source)}</i>", f"{label}: {reply.source}"))
    # An answer's related questions speak for themselves; other choices get their heading.
    if reply.choices and reply.choices_heading and reply.kind not in ("answer", "fact"):
        blocks.append((f"<b>{html.escape(reply.choices_heading)}</b>", reply.choices_heading))
    choices = reply.choices
    if reply.also is not None:
        # The heading ends the text, so the runner-up's button comes first, right under it.
        heading = say(reply.language, "or_did_you_mean")
        blocks.append((f"<b>{html.escape(heading)}</b>", heading))
        also = reply.also
        choices = (also, *(c for c in choices if c.entry_id != also.entry_id))
    messages = _pack(blocks, limit)
    keyboard = choice_keyboard(choices, choice_prefix, extra_buttons)
    last = messages[-1]
    messages[-1] = Rendered(last.html, last.plain, keyboard)
    return messages


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _fit(paragraph: str, limit: int) -> list[str]:
    """Cut a paragraph so that each piece, once escaped, fits in one message."""
    pieces = []
    while len(html.escape(paragraph)) > limit:
        room = _escaped_prefix(paragraph, limit)
        cut = room
        # Prefer a line break, then a sentence end, then a space, if one leaves a fair piece.
        for separator in ("\n", ". ", " "):
            found = paragraph.rfind(separator, 0, room)
            if found > room // 2:
                cut = found + 1 if separator == ". " else found
                break
        pieces.append(paragraph[:cut].strip())
        paragraph = paragraph[cut:].strip()
    return [*pieces, paragraph] if paragraph else pieces


def _escaped_prefix(text: str, limit: int) -> int:
    """How many characters of text fit in limit once escaped ('"' alone becomes 6)."""
    size = 0
    for index, char in enumerate(text):
        size += len(html.escape(char))
        if size > limit:
            return max(index, 1)
    return len(text)


def _pack(blocks: list[tuple[str, str]], limit: int) -> list[Rendered]:
    messages: list[Rendered] = []
    html_parts: list[str] = []
    plain_parts: list[str] = []
    for html_block, plain_block in blocks:
        candidate = "\n\n".join([*html_parts, html_block])
        if html_parts and len(candidate) > limit:
            messages.append(Rendered("\n\n".join(html_parts), "\n\n".join(plain_parts)))
            html_parts, plain_parts = [], []
        html_parts.append(html_block)
        plain_parts.append(plain_block)
    messages.append(Rendered("\n\n".join(html_parts), "\n\n".join(plain_parts)))
    return messages
