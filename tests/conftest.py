"""Shared fixtures: the fake Bot API, the real bot process, the real application, and the real
PostgreSQL and Redis for tests marked `services`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest

from faqbot.bot.state import BotApplication
from faqbot.config import Settings
from faqbot.knowledge import Pack, load_pack
from tests.support import services
from tests.support.application import running
from tests.support.bot_process import BotProcess
from tests.support.databases import postgresql_schema
from tests.support.fake_bot_api import FakeBotAPI


@pytest.fixture(scope="session")
def pack() -> Pack:
    """The shipped knowledge pack, loaded once."""
    return load_pack()


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fresh fake Bot API server on 127.0.0.1."""
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def settings(api: FakeBotAPI, tmp_path: Path) -> Settings:
    """Settings pointing at the fake API and a fresh database."""
    return Settings(
        token=api.token,
        api_base_url=api.base_url,
        database=tmp_path / "faqbot.sqlite3",
        admin_ids=frozenset({1000}),
    )


@pytest.fixture
async def app(settings: Settings, pack: Pack) -> AsyncIterator[BotApplication]:
    """The real application, against the fake API, serving the shipped pack."""
    async with running(settings, pack) as application:
        yield application


@pytest.fixture
def bot(api: FakeBotAPI, tmp_path: Path) -> Iterator[BotProcess]:
    """The real `faqbot run` process, polling the fake API (started, stopped after the test)."""
    process = BotProcess(api, tmp_path / "faqbot.sqlite3", env={"FAQBOT_ADMIN_IDS": "1000"})
    process.start()
    try:
        yield process
    finally:
        process.close()


@pytest.fixture(scope="session")
def database_url() -> str:
    """The URL of the test PostgreSQL (FAQBOT_TEST_DATABASE_URL); skips when there is none."""
    return services.database_url()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of the test Redis (FAQBOT_TEST_REDIS_URL); skips when there is none."""
    return services.redis_url()


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]


@pytest.fixture(params=ENGINES)
def database_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A fresh, empty database on each engine: a SQLite file, or a PostgreSQL schema of the
    test's own (FAQBOT_TEST_DATABASE_URL; skipped without it), dropped afterwards."""
    if request.param == "sqlite":
        yield tmp_path / "faqbot.sqlite3"
        return
    with postgresql_schema(request.getfixturevalue("database_url")) as url:
        yield url


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Under CI, a skipped `services` test fails: CI must run them on the real servers."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") == "true" and item.get_closest_marker("services"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where it must run: {reason}"
