"""Shared fixtures: the fake Bot API, the real bot process, the real application, and the real
PostgreSQL and Redis for tests marked `services`."""

from __future__ import annotations

import gc
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
from tests.support.in_process import in_process_url


@pytest.fixture(scope="session")
def pack() -> Pack:
    """The shipped knowledge pack, loaded once."""
    return load_pack()


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fresh fake Bot API. The `app` fixture and `running()` reach it in process; it serves
    on 127.0.0.1 from the first use of its base_url (by BotProcess, or a test's own Bot)."""
    server = FakeBotAPI()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(api: FakeBotAPI, tmp_path: Path) -> Settings:
    """Settings pointing at the fake API (in process) and a fresh database. The bot's own
    send pace is raised out of the way: at Telegram's 30 a second, a test's ten replies
    spent most of their time waiting for it. tests/bot/test_pacing.py and the e2e tests
    keep the real pace; the per-group and retry_after limits are unchanged."""
    return Settings(
        token=api.token,
        api_base_url=in_process_url(api),
        database=tmp_path / "faqbot.sqlite3",
        admin_ids=frozenset({1000}),
        rate_limit=10_000,
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


E2E = Path(__file__).parent / "e2e"

# The cyclic garbage collector's default first threshold (700 allocations) makes it run
# thousands of times a test run, each time walking the objects of every module imported
# (telegram, numpy, the pack's bundle): about 8% of the suite's CPU. Runs are rarer here,
# and what collection built is frozen out of their way. The bot's own processes keep
# Python's defaults.
GC_THRESHOLDS = (50_000, 50, 100)


def pytest_configure(config: pytest.Config) -> None:
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/, and every test of the `bot` fixture, is marked `e2e`.

    The tests that mostly wait (for the clock, for a bot process) run first, the longest
    kinds first, so that pytest-xdist's workers overlap their waits with the quick tests
    instead of ending the run on them."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if item.path.is_relative_to(E2E) or "bot" in fixtures:
            item.add_marker(pytest.mark.e2e)
    items.sort(key=_waits_least_first, reverse=True)


def _waits_least_first(item: pytest.Item) -> tuple[bool, bool]:
    return (item.get_closest_marker("slow") is not None, item.get_closest_marker("e2e") is not None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Under CI, a skipped `services` test fails: CI must run them on the real servers."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") == "true" and item.get_closest_marker("services"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where it must run: {reason}"
