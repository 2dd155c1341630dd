"""Inline mode: `@bot question` offers shareable answers, through the real application."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from telegram.ext import Application

from faqbot.bot.rendering import MESSAGE_LIMIT
from faqbot.config import Settings
from faqbot.handlers.answers.inline import MAX_RESULTS
from faqbot.knowledge import Pack, load_pack
from faqbot.knowledge.replies import example_entries
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.paths import MARKUP_PACK

USER = 5201


async def offered(app: Application, api: FakeBotAPI, query: str) -> list[dict]:
    """The results the bot answers an inline query with."""
    update = u.inline_query(USER, query)
    await feed(app, update)
    [answer] = api.calls_to("answerInlineQuery")[-1:]
    assert answer.params["inline_query_id"] == update["inline_query"]["id"]
    return answer.params["results"]


async def test_a_question_offers_its_answer_first_as_an_article(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    results = await offered(app, api, "what is jimex")

    assert 1 <= len(results) <= MAX_RESULTS
    first = results[0]
    assert first["type"] == "article"
    assert first["id"] == "what-is-jimex"
    assert first["title"] == "What is JIMEX?"
    assert first["description"].startswith("JIMEX (Japan–India Maritime Exercise)")
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["message_text"].startswith("<b>What is JIMEX?</b>\n\n")
    assert "<i>Source: " in content["message_text"]
    assert len(content["message_text"]) <= MESSAGE_LIMIT


async def test_an_exam_question_offers_its_answer_led_by_the_option(
    app: Application, api: FakeBotAPI
) -> None:
    query = (
        "The inaugural India–Japan 2+2 ministerial dialogue was held in: "
        "(a) 2010 (b) 2018 (c) 2019 (d) 2022"
    )

    [first, *others] = await offered(app, api, query)

    assert first["id"] == "inaugural-dialogue"
    text = first["input_message_content"]["message_text"]
    assert text.split("\n\n")[1] == "Answer: (c) 2019"
    # The shared card keeps only its deep link; other answers are results of their own.
    assert "Or did you mean" not in text
    assert [b["url"] for row in first["reply_markup"]["inline_keyboard"] for b in row]
    assert all("Answer: (" not in r["input_message_content"]["message_text"] for r in others)


async def test_small_talk_offers_popular_questions(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    results = await offered(app, api, "thanks")

    assert [r["id"] for r in results] == [e.id for e in example_entries(pack, MAX_RESULTS)]


async def test_results_are_distinct_entries_with_short_descriptions(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    results = await offered(app, api, "exercise")

    ids = [r["id"] for r in results]
    assert len(ids) == len(set(ids)) <= MAX_RESULTS
    for result in results:
        entry = pack.entry(result["id"])
        assert entry is not None and result["title"] == entry.question
        assert len(result["description"]) <= 120
        assert "\n" not in result["description"]


async def test_the_deep_link_button_opens_the_same_answer_in_a_private_chat(
    app: Application, api: FakeBotAPI
) -> None:
    [first, *_] = await offered(app, api, "what is jimex")

    [[link]] = first["reply_markup"]["inline_keyboard"]
    url = urlsplit(link["url"])
    assert (url.netloc, url.path) == ("t.me", f"/{u.BOT_USERNAME}")
    [start] = parse_qs(url.query)["start"]
    assert start == first["id"]

    await feed(app, u.message(USER, USER, f"/start {start}"))
    [call] = api.calls_to("sendMessage")
    assert call.params["text"] == first["input_message_content"]["message_text"]


async def test_an_empty_query_offers_popular_questions(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    for _ in range(2):
        await feed(app, u.message(USER, USER, "what is malabar"))
    await feed(app, u.message(USER, USER, "what is jimex"))

    results = await offered(app, api, "")

    ids = [r["id"] for r in results]
    assert len(ids) == MAX_RESULTS
    assert ids[:2] == ["what-is-malabar", "what-is-jimex"]  # most asked first
    assert set(ids[2:]) <= {e.id for e in example_entries(pack, MAX_RESULTS)}


async def test_an_empty_query_on_a_fresh_bot_offers_examples(
    app: Application, api: FakeBotAPI, pack: Pack
) -> None:
    results = await offered(app, api, "   ")

    assert [r["id"] for r in results] == [e.id for e in example_entries(pack, MAX_RESULTS)]


async def test_an_off_topic_query_offers_nothing_rather_than_a_wrong_answer(
    app: Application, api: FakeBotAPI
) -> None:
    assert await offered(app, api, "who won the cricket world cup") == []


async def test_a_query_of_256_characters_is_answered(app: Application, api: FakeBotAPI) -> None:
    query = ("what is jimex and who takes part in it " * 10)[:256]
    assert len(query) == 256

    results = await offered(app, api, query)

    assert results and results[0]["id"] == "what-is-jimex"
    assert {r["type"] for r in results} == {"article"}


async def test_an_answer_too_long_for_one_message_says_it_continues_in_the_bot(
    settings: Settings, api: FakeBotAPI
) -> None:
    async with running(settings, load_pack(MARKUP_PACK)) as application:
        results = await offered(application, api, "zebra migration long story")

    [card] = [r for r in results if r["id"] == "long-read"]
    text = card["input_message_content"]["message_text"]
    assert len(text) <= MESSAGE_LIMIT
    assert text.startswith("<b>Tell me the whole long story")
    assert text.endswith("…")
    [[link]] = card["reply_markup"]["inline_keyboard"]
    assert link["url"].endswith("?start=long-read")
