"""Reloading the knowledge in a running application: the swap, the refusal that keeps the old
bundle, and reloads asked for at once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from faqbot.bot.reloading import change_overlay, reload_knowledge
from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.knowledge import Pack
from tests.support.application import running
from tests.support.pack_versions import ANSWER_MARK, original_text, revised_text, write_atomically


@pytest.fixture
async def app(settings: Settings, pack: Pack, tmp_path: Path) -> AsyncIterator[BotApplication]:
    """The application serving a copy of the shipped pack that the test may edit."""
    copy = tmp_path / "pack.yaml"
    write_atomically(copy, original_text())
    async with running(dataclasses.replace(settings, knowledge=copy), pack) as application:
        yield application


def answer(app: BotApplication, question: str = "What is JIMEX?") -> str:
    knowledge = app.bot_data.knowledge
    outcome = knowledge.answerers.respond(question).outcome
    assert outcome.entry is not None
    return outcome.entry.answer


async def test_a_reload_swaps_in_a_whole_new_bundle(app: BotApplication) -> None:
    old = app.bot_data.knowledge
    assert app.bot_data.settings.knowledge is not None
    write_atomically(app.bot_data.settings.knowledge, revised_text())
    result = await reload_knowledge(app.bot_data, "test")
    new = app.bot_data.knowledge
    assert result.ok and result.knowledge is new and new.version == old.version + 1
    assert new.pack is not old.pack and new.answerers is not old.answerers
    assert new.banks is not old.banks
    assert answer(app).endswith(ANSWER_MARK)
    # The old bundle is untouched: a reply that began with it ends with it.
    app.bot_data.knowledge, new = old, app.bot_data.knowledge
    assert ANSWER_MARK not in answer(app)


async def test_a_broken_pack_is_refused_and_the_old_one_kept(
    app: BotApplication, caplog: pytest.LogCaptureFixture
) -> None:
    old = app.bot_data.knowledge
    path = app.bot_data.settings.knowledge
    assert path is not None
    write_atomically(path, original_text().replace("entries:\n", "entries:\n  - id: [x\n", 1))
    with caplog.at_level(logging.ERROR):
        result = await reload_knowledge(app.bot_data, "SIGHUP")
    assert not result.ok and app.bot_data.knowledge is old
    assert result.problems[0].message.startswith("syntax error: while parsing a flow sequence")
    [line] = [r.getMessage() for r in caplog.records if "reload refused" in r.getMessage()]
    assert line.startswith("SIGHUP: reload refused, still serving version 1: ")
    assert f"{path}:" in line and "faqbot validate" in line


async def test_reloads_asked_at_once_run_one_at_a_time_and_fold(
    app: BotApplication, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        results = await asyncio.gather(
            *(reload_knowledge(app.bot_data, f"ask {n}") for n in range(3))
        )
    messages = [r.getMessage() for r in caplog.records]
    # The first runs; the two others wait; the second reloads once more (its ask came while
    # the first was reading), and the third is folded into that one.
    assert [m for m in messages if "waits for it" in m] == [
        "ask 1: a reload is already running; this one waits for it",
        "ask 2: a reload is already running; this one waits for it",
    ]
    assert [m.split(":")[0] for m in messages if "reloaded in" in m] == ["ask 0", "ask 1"]
    assert any(m.startswith("ask 2: folded into the reload") for m in messages)
    assert [r.knowledge.version for r in results] == [2, 3, 3]
    assert app.bot_data.knowledge.version == 3


async def test_an_overlay_change_that_cannot_be_written_changes_nothing(
    app: BotApplication, tmp_path: Path
) -> None:
    old = app.bot_data.knowledge
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    settings = dataclasses.replace(app.bot_data.settings, database=blocked / "faqbot.sqlite3")
    app.bot_data.settings = settings
    result = await change_overlay(
        app.bot_data, lambda o: o.with_phrasing("what-is-jimex", "jimex?"), "test"
    )
    assert not result.ok and "cannot write" in result.problems[0].message
    assert app.bot_data.knowledge is old
