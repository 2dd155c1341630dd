"""Rendering replies as Telegram messages: escaping, the plain twin, buttons and splitting."""

from __future__ import annotations

import html
import re

import pytest
from telegram import InlineKeyboardButton

from faqbot.bot.rendering import (
    ALSO_HEADING,
    BUTTON_LABEL_LIMIT,
    MESSAGE_LIMIT,
    Rendered,
    button,
    callback,
    choice_keyboard,
    render,
)
from faqbot.handlers.answers.topics import topic_list, topic_questions
from faqbot.knowledge import Pack
from faqbot.knowledge.replies import Choice, Reply, answer_reply

TAG = re.compile(r"</?(b|i)>")


def visible(rendered: Rendered) -> str:
    """What a Telegram user reads: our tags removed, entities decoded."""
    return html.unescape(TAG.sub("", rendered.html))


def test_an_answer_is_bold_title_body_and_italic_source(pack: Pack) -> None:
    entry = pack.entry("what-is-jimex")

    [message] = render(answer_reply(entry, pack))

    assert message.html.startswith(f"<b>{html.escape(entry.question)}</b>\n\n")
    # Students see the citation of a document, never the maintainer's pointer into the note.
    assert message.html.endswith(
        "\n\n<i>Source: India–Japan 2+2 joint statement, MEA, 8 Sep 2022; "
        "background: Indian Navy on JIMEX 22, Sep 2022</i>"
    )
    assert entry.source not in message.html
    assert visible(message) == message.plain
    assert [[b.callback_data for b in row] for row in message.keyboard.inline_keyboard] == [
        [f"a:{i}"] for i in entry.related[:3]
    ]


def test_every_dynamic_string_is_escaped_and_the_plain_twin_is_not() -> None:
    reply = Reply(
        kind="suggest",
        title="<b>bold</b> & </i>",
        body='Use "<script>" & <a href="x">links</a>',
        source="A > B & <C>",
        choices_heading="Did <u>you</u> mean…?",
        choices=(Choice("<i>one</i>", "one"),),
    )

    [message] = render(reply)

    assert TAG.findall(message.html) == ["b", "b", "i", "i", "b", "b"]
    assert "<script>" not in message.html and "<a href" not in message.html
    assert "&lt;u&gt;you&lt;/u&gt;" in message.html
    assert message.plain == (
        '<b>bold</b> & </i>\n\nUse "<script>" & <a href="x">links</a>\n\n'
        "Source: A > B & <C>\n\nDid <u>you</u> mean…?"
    )
    assert visible(message) == message.plain
    # Button labels are not parsed by Telegram: they stay as written.
    assert message.keyboard.inline_keyboard[0][0].text == "<i>one</i>"


def test_a_fact_card_has_its_own_heading(pack: Pack) -> None:
    [message] = render(answer_reply(pack.entries[0], pack, kind="fact"))

    assert message.html.startswith("<b>📘 ")


def test_a_reply_without_choices_has_no_keyboard() -> None:
    [message] = render(Reply(kind="info", body="Hello"))

    assert message == Rendered("Hello", "Hello", None)


def test_long_labels_are_shortened_with_an_ellipsis() -> None:
    label = "What is the Joint Working Group on Defence Equipment and Technology Cooperation?"

    shortened = button(label, "a:jwg-detc").text

    assert len(shortened) <= BUTTON_LABEL_LIMIT
    assert shortened.endswith("…")
    assert label.startswith(shortened[:-1])
    assert button("Short", "a:x").text == "Short"


def test_callback_data_of_every_shipped_button_fits_in_64_bytes(pack: Pack) -> None:
    data = [callback("a", e.id) for e in pack.entries]
    data += [
        b.callback_data
        for view in [topic_list(pack), *(topic_questions(pack, t.id) for t in pack.topics)]
        for row in view.keyboard.inline_keyboard
        for b in row
    ]
    assert data and all(1 <= len(d.encode()) <= 64 for d in data)
    assert callback("T") == "T"


def test_extra_buttons_go_on_a_last_row_of_their_own() -> None:
    back = InlineKeyboardButton("« Back", callback_data="T")
    keyboard = choice_keyboard((Choice("One", "one"), Choice("Two", "two")), extra=[back])

    assert [[b.text for b in row] for row in keyboard.inline_keyboard] == [
        ["One"],
        ["Two"],
        ["« Back"],
    ]
    assert choice_keyboard(()) is None


def long_reply(paragraphs: list[str]) -> Reply:
    return Reply(
        kind="answer",
        title="A long one",
        body="\n\n".join(paragraphs),
        source="The source",
        choices=(Choice("Next", "next"),),
    )


def test_a_long_reply_is_split_between_paragraphs() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 150 for n in range(12)]

    messages = render(long_reply(paragraphs))

    assert len(messages) > 1
    for message in messages:
        assert len(message.html) <= MESSAGE_LIMIT
        assert len(message.plain) <= MESSAGE_LIMIT
    bodies = [block for m in messages for block in m.plain.split("\n\n")]
    assert bodies == ["A long one", *(p.strip() for p in paragraphs), "Source: The source"]
    assert [m.keyboard is not None for m in messages] == [False] * (len(messages) - 1) + [True]


@pytest.mark.parametrize(
    "paragraph",
    [
        "word " * 2000,
        "A sentence that ends. " * 400,
        "line of text\n" * 700,
        "x" * 9000,
        "R&D " * 3000,
        '"quoted" ' * 1500,
        "<&>" * 3000,
        "'" * 5000,
    ],
    ids=[
        "words",
        "sentences",
        "lines",
        "one word",
        "ampersands",
        "quotes",
        "brackets",
        "apostrophes",
    ],
)
def test_a_paragraph_longer_than_a_message_is_cut_to_fit(paragraph: str) -> None:
    messages = render(Reply(kind="answer", title="T", body=paragraph, source="S"))

    for message in messages:
        assert len(message.html) <= MESSAGE_LIMIT
        assert len(message.plain) <= MESSAGE_LIMIT
    shown = "".join(m.plain for m in messages)
    assert re.sub(r"\s", "", shown) == re.sub(r"\s", "", f"T{paragraph}Source: S")


def test_the_limit_can_be_lowered() -> None:
    messages = render(long_reply(["one " * 30, "two " * 30, "three " * 30]), limit=200)

    assert len(messages) >= 3
    assert all(len(m.html) <= 200 for m in messages)


def test_a_close_runner_up_goes_under_its_heading_as_the_first_button() -> None:
    reply = Reply(
        kind="answer",
        title="First <one>",
        body="It was in 2018 & after.",
        choices=(Choice("Related", "related"), Choice("Second <two>?", "second")),
        also=Choice("Second <two>?", "second"),
    )

    [message] = render(reply)

    assert message.html.endswith(f"\n\n<b>{ALSO_HEADING}</b>")
    assert message.plain.endswith(f"\n\n{ALSO_HEADING}")
    assert visible(message) == message.plain
    # The runner-up once, right under the heading, even when it is also a related question.
    assert [[b.callback_data for b in row] for row in message.keyboard.inline_keyboard] == [
        ["a:second"],
        ["a:related"],
    ]
    assert message.keyboard.inline_keyboard[0][0].text == "Second <two>?"


def test_a_runner_up_under_a_long_answer_stays_on_the_last_message_with_its_button() -> None:
    paragraphs = [f"Paragraph {n}. " + "<&> " * 300 for n in range(8)]
    reply = Reply(
        kind="answer",
        title="T",
        body="\n\n".join(paragraphs),
        source="S",
        also=Choice("Other", "other"),
    )

    messages = render(reply)

    assert len(messages) > 1
    assert all(len(m.html) <= MESSAGE_LIMIT for m in messages)
    assert messages[-1].plain.endswith(f"Source: S\n\n{ALSO_HEADING}")
    assert all(ALSO_HEADING not in m.plain for m in messages[:-1])
    assert messages[-1].keyboard is not None
    assert messages[-1].keyboard.inline_keyboard == ((button("Other", "a:other"),),)
