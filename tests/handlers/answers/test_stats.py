"""/stats: the figures as text and as a PNG chart, for operators only, through the real app."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

from faqbot.bot.state import BotApplication
from faqbot.handlers.answers.stats import figures_caption
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.question_log import DayCount, LogFigures
from faqbot.knowledge.stats_chart import drawable
from tests.support import updates as u
from tests.support.application import feed
from tests.support.fake_bot_api import FakeBotAPI, UploadedFile

USER, ADMIN = 5301, 1000
CAPTION_LIMIT = 1024


async def test_stats_sends_the_figures_as_text_and_a_chart_with_them_as_caption(
    app: BotApplication, api: FakeBotAPI
) -> None:
    for question in ("what is jimex", "who won the cricket world cup", "hi"):
        await feed(app, u.message(USER, USER, question))
    card = api.calls_to("sendMessage")[0]
    down = next(
        b["callback_data"]
        for row in card.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "👎"
    )
    await feed(app, u.callback_query(USER, USER, down, card.result["message_id"]))

    await feed(app, u.message(ADMIN, ADMIN, "/stats"))

    [text] = [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == ADMIN]
    assert (
        "Last 14 days (UTC)</b>: 2 questions, 50% answered outright; 1 small talk"
        in (text.params["text"])
    )
    [photo] = api.calls_to("sendPhoto")
    upload = photo.params["photo"]
    assert isinstance(upload, UploadedFile) and upload.data.startswith(b"\x89PNG\r\n\x1a\n")
    caption = photo.params["caption"]
    assert f"{datetime.now(UTC):%d %b}: 2 · 50%" in caption
    assert "what-is-jimex: 1" in caption.partition("turned down most")[2]


async def test_stats_with_nothing_logged_sends_no_chart(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(ADMIN, ADMIN, "/stats"))
    assert api.calls_to("sendPhoto") == []


async def test_stats_is_for_operators_only(app: BotApplication, api: FakeBotAPI) -> None:
    await feed(app, u.message(USER, USER, "what is jimex"))
    await feed(app, u.message(USER, USER, "/stats"))

    assert html.unescape(api.calls_to("sendMessage")[-1].params["text"]) == say("en", "not_allowed")
    assert api.calls_to("sendPhoto") == []


def test_the_caption_fits_telegrams_limit_at_its_longest() -> None:
    first = date(2026, 11, 1)
    figures = LogFigures(
        days=tuple(DayCount(first + timedelta(days=n), 99_999, 99_998) for n in range(14)),
        unanswered=(),
        downvoted=tuple(("x" * 60 + str(n), 99_999) for n in range(10)),
    )
    for language in ("en", "hi"):
        assert len(figures_caption(figures, language)) <= CAPTION_LIMIT


def test_the_chart_draws_what_its_font_lacks_as_dots() -> None:
    assert drawable("जिमेक्स क्या है") == "······· ···· ··"
    assert drawable("a" * 100) == "a" * 33 + "…"


def test_the_caption_writes_its_dates_in_the_readers_language() -> None:
    figures = LogFigures(days=(DayCount(date(2026, 9, 8), 3, 2),), unanswered=(), downvoted=())
    assert "08 Sep: 3 · 67%" in figures_caption(figures, "en")
    hindi = figures_caption(figures, "hi")
    assert "08 सितंबर: 3 · 67%" in hindi and "Sep" not in hindi
