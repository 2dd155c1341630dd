"""/gaps through the real application: clusters from the question log, their buttons, and the
overlay they write; a rejected phrasing says why and changes nothing."""

from __future__ import annotations

import html
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
import yaml

from faqbot.bot.state import BotApplication, GapOffer
from faqbot.config import Settings
from faqbot.knowledge import Pack
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.overlay import PHRASING_LIMIT
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.fake_bot_api import Call, FakeBotAPI

ADMIN = 1000
STUDENT = 5002


def sent(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == chat_id]


def buttons(call: Call) -> list[tuple[str, str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def log_questions(app: BotApplication, rows: list[tuple[str, str, str | None]]) -> None:
    """Questions in the log as the answering handler leaves them: text, status, entry."""
    app.bot_data.stores.database.run_sync(
        lambda db: db.exec_driver_sql(
            "INSERT INTO question_log (asked_at, chat_type, question, status, entry_id, score) "
            "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'private', ?, ?, ?, 50)",
            rows,
        )
    )


@pytest.fixture
async def app(settings: Settings, pack: Pack) -> AsyncIterator[BotApplication]:
    async with running(settings, pack) as application:
        log_questions(
            application,
            [
                *[("which sea exercise has all quad navies", "suggest", "what-is-malabar")] * 3,
                ("which sea exercise has all the quad navies", "suggest", "what-is-malabar"),
                *[("who won the cricket world cup", "none", None)] * 2,
                ("hello", "smalltalk", None),
                ("what is jimex", "answer", "what-is-jimex"),
            ],
        )
        yield application


async def press(app: BotApplication, user: int, data: str, message_id: int = 1) -> None:
    await feed(app, u.callback_query(user, user, data, message_id))


async def test_gaps_lists_clusters_with_their_likely_entries_and_ignore(
    app: BotApplication, api: FakeBotAPI
) -> None:
    await feed(app, u.message(ADMIN, ADMIN, "/gaps"))
    heading, first, second = sent(api, ADMIN)
    assert say("en", "gaps_heading") in heading.params["text"]
    assert "which sea exercise has all quad navies" in first.params["text"]
    assert say("en", "gaps_cluster", count=4) in first.params["text"]
    labels = [label for label, _ in buttons(first)]
    assert labels[0] == say("en", "gaps_add", entry="what-is-malabar")
    assert 2 <= len(labels) <= 4 and labels[-1] == say("en", "gaps_ignore")
    assert "cricket" in second.params["text"]
    # Small talk and outright answers are no gaps.
    assert all("hello" not in c.params["text"] for c in sent(api, ADMIN))


async def test_accepting_a_phrasing_writes_the_overlay_and_answers_it_at_once(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    wording = "which sea exercise has all quad navies"
    await feed(app, u.message(STUDENT, STUDENT, wording))
    assert not sent(api, STUDENT)[0].params["text"].startswith("<b>What is the Malabar")
    await feed(app, u.message(ADMIN, ADMIN, "/gaps"))
    _, first, _ = sent(api, ADMIN)
    await press(app, ADMIN, buttons(first)[0][1], first.result["message_id"])
    [edited] = api.calls_to("editMessageText")
    assert html.unescape(edited.params["text"]).startswith(f"Added “{wording}” as a phrasing")
    overlay = yaml.safe_load(settings.overlay.read_text(encoding="utf-8"))
    assert overlay["phrasings"] == {"what-is-malabar": [wording]}
    assert app.bot_data.knowledge.version == 2
    await feed(app, u.message(STUDENT, STUDENT, wording))
    assert sent(api, STUDENT)[-1].params["text"].startswith("<b>What is the Malabar exercise?</b>")
    # Accepted clusters are not offered again.
    await feed(app, u.message(ADMIN, ADMIN, "/gaps"))
    assert all(wording not in c.params["text"] for c in sent(api, ADMIN)[3:])


async def test_ignore_is_remembered(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    await feed(app, u.message(ADMIN, ADMIN, "/gaps"))
    _, _, cricket = sent(api, ADMIN)
    await press(app, ADMIN, buttons(cricket)[-1][1], cricket.result["message_id"])
    [edited] = api.calls_to("editMessageText")
    assert "will not offer" in html.unescape(edited.params["text"])
    overlay = yaml.safe_load(settings.overlay.read_text(encoding="utf-8"))
    assert overlay["ignored"] == ["who won the cricket world cup"]
    await feed(app, u.message(ADMIN, ADMIN, "/gaps"))
    again = sent(api, ADMIN)[3:]
    assert len(again) == 2 and all("cricket" not in c.params["text"] for c in again)


@pytest.mark.parametrize(
    ("wording", "entry_id", "why"),
    [
        ("what is jimex", "what-is-malabar", "is too alike to"),
        ("   ", "what-is-malabar", "phrasing is empty"),
        (
            "x" * 4000,
            "what-is-malabar",
            "phrasing is 4000 characters ('xxx",
        ),
        ("what is the malabar exercise", "what-is-malabar", "is already one of this entry's"),
    ],
)
async def test_a_rejected_phrasing_says_why_and_changes_nothing(
    app: BotApplication, api: FakeBotAPI, settings: Settings, wording: str, entry_id: str, why: str
) -> None:
    app.bot_data.gap_offers["t1"] = GapOffer(wording, (wording,), (entry_id,))
    before = app.bot_data.knowledge
    await press(app, ADMIN, "gap:t1:0")
    [reply] = sent(api, ADMIN)
    text = html.unescape(reply.params["text"])
    assert say("en", "gaps_rejected") in text and why in text
    assert "x" * 200 not in text  # the wording and the problem quote a short excerpt of it
    assert "/" not in text.replace("/gaps", "")  # files without the server's folders
    if len(wording) > PHRASING_LIMIT:
        assert f"the limit is {PHRASING_LIMIT}" in text
    assert "overlay.yaml:" in text and ".new" not in text
    assert app.bot_data.knowledge is before
    assert not settings.overlay.exists()
    assert not list(settings.overlay.parent.glob(".overlay*"))


async def test_only_operators_see_gaps_or_press_its_buttons(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    await feed(app, u.message(STUDENT, STUDENT, "/gaps"))
    [refused] = sent(api, STUDENT)
    assert html.unescape(refused.params["text"]) == say("en", "not_allowed")
    app.bot_data.gap_offers["t1"] = GapOffer(
        "jimex kab hua", ("jimex kab hua",), ("what-is-jimex",)
    )
    await press(app, STUDENT, "gap:t1:0")
    [alert] = api.calls_to("answerCallbackQuery")
    assert alert.params["text"] == say("en", "not_allowed")
    assert not settings.overlay.exists()


async def test_an_old_button_says_to_send_gaps_again(app: BotApplication, api: FakeBotAPI) -> None:
    await press(app, ADMIN, "gap:999:0")
    [alert] = api.calls_to("answerCallbackQuery")
    assert alert.params["text"] == say("en", "gaps_expired")


async def test_a_hand_edited_overlay_that_cannot_be_read_is_never_overwritten(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    broken = "phrasings:\n  what-is-jimex: [jimex kab\n"
    settings.overlay.write_text(broken, encoding="utf-8")
    app.bot_data.gap_offers["t1"] = GapOffer(
        "jimex kab shuru", ("jimex kab shuru",), ("what-is-jimex",)
    )
    await press(app, ADMIN, "gap:t1:0")
    [reply] = sent(api, ADMIN)
    assert "overlay.yaml:2: yaml: syntax error" in html.unescape(reply.params["text"])
    assert settings.overlay.read_text(encoding="utf-8") == broken
    assert app.bot_data.knowledge.version == 1


async def test_gaps_with_nothing_to_review_says_so(
    settings: Settings, pack: Pack, api: FakeBotAPI
) -> None:
    async with running(settings, pack) as app:
        await feed(app, u.message(ADMIN, ADMIN, "/gaps"))
    [reply] = sent(api, ADMIN)
    assert html.unescape(reply.params["text"]) == say("en", "gaps_empty")


def test_a_button_from_before_a_restart_names_no_offer_made_after_it() -> None:
    """Each process's first token differs, so an old /gaps button cannot pick a new cluster."""
    code = "from faqbot.handlers.maintenance.gaps import new_token; print(new_token())"
    firsts = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(firsts) == 2 and all(len(f"gap:{token}:x") <= 64 for token in firsts)


async def test_a_rejected_phrasing_keeps_what_was_accepted_before(
    app: BotApplication, api: FakeBotAPI, settings: Settings
) -> None:
    app.bot_data.gap_offers["t1"] = GapOffer("sea drill of quad navies", (), ("what-is-malabar",))
    await press(app, ADMIN, "gap:t1:0")
    kept = settings.overlay.read_bytes()
    serving = app.bot_data.knowledge
    app.bot_data.gap_offers["t2"] = GapOffer("what is jimex", (), ("what-is-malabar",))
    await press(app, ADMIN, "gap:t2:0")
    assert say("en", "gaps_rejected") in html.unescape(sent(api, ADMIN)[-1].params["text"])
    assert settings.overlay.read_bytes() == kept and app.bot_data.knowledge is serving
    answer = serving.answerers.respond("sea drill of quad navies").outcome
    assert answer.status == "answer" and answer.entry is not None
    assert answer.entry.id == "what-is-malabar"
