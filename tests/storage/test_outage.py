"""PostgreSQL going away mid-run, on the real server: a connection ended mid-transaction
(pg_terminate_backend) or every connection cut by a proxy that stops and starts again. Store
calls are retried with back-off, nothing is lost, one warning per outage (no password), and a
write given up after the retries is one line, and the user a polite reply."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time

import psycopg
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from faqbot.config import Settings
from faqbot.knowledge import Pack
from faqbot.storage import database
from faqbot.storage.database import StorageError
from faqbot.storage.stores import Stores
from tests.support import updates as u
from tests.support.application import feed, running
from tests.support.databases import postgresql_schema
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.services, pytest.mark.slow]

PASSWORD = "hunter2-never-logged"  # trust auth ignores it; the logs must not show it
USER = 8301
NOW = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def schema_url(database_url: str) -> Iterator[str]:
    with postgresql_schema(database_url) as url:
        yield url


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy]:
    server = make_url(database_url)
    with TcpProxy((server.host or "127.0.0.1", server.port or 5432)) as running_proxy:
        yield running_proxy


def through(url: str, proxy: TcpProxy) -> str:
    """The URL reaching the same schema through the proxy, with a password and a name of its
    own (application_name), so the test ends only its own connections."""
    return (
        make_url(url)
        .set(host="127.0.0.1", port=proxy.port, password=PASSWORD)
        .render_as_string(hide_password=False)
    )


def named(url: str, name: str) -> str:
    return make_url(url).update_query_dict({"application_name": name}).render_as_string(False)


def terminate(database_url: str, name: str) -> int:
    """End every server session of the connections named `name`; how many."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        ended = connection.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s) AS ended",
            (name,),
        ).fetchone()
    return int(ended[0]) if ended else 0


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def subscribed(stores: Stores) -> set[int]:
    return {s.chat_id for s in await stores.daily.deliverable()}


async def test_a_connection_ended_mid_transaction_is_tried_again(
    schema_url: str, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = f"faqbot-test-{uuid.uuid4().hex[:12]}"
    stores = Stores.open(named(schema_url, name))
    tries: list[int] = []

    def work(connection: Connection) -> int:
        tries.append(1)
        if len(tries) == 1:  # the server ends this session halfway through the transaction
            connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return connection.execute(text("SELECT 41 + 1")).scalar_one()

    try:
        assert await stores.database.run(work) == 42
        assert len(tries) == 2
        await stores.daily.subscribe(USER, time(7, 30), "Asia/Kolkata", NOW)
        # Every session ended between two calls: the pool's pre-ping replaces them.
        assert terminate(database_url, name) >= 1
        await stores.daily.subscribe(USER + 1, time(7, 30), "Asia/Kolkata", NOW)
        assert await subscribed(stores) == {USER, USER + 1}
    finally:
        await stores.aclose()
    lines = warnings(caplog)
    assert len([line for line in lines if "cannot reach PostgreSQL" in line]) == 1, lines
    assert len([line for line in lines if "answers again" in line]) == 1, lines


async def test_a_server_gone_for_seconds_loses_no_write(
    schema_url: str, proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    stores = Stores.open(through(schema_url, proxy))
    try:
        await stores.daily.subscribe(USER, time(7, 30), "Asia/Kolkata", NOW)
        proxy.stop()
        writing = asyncio.create_task(
            stores.daily.subscribe(USER + 1, time(8, 0), "Asia/Kolkata", NOW)
        )
        await asyncio.sleep(1.5)
        assert not writing.done()
        proxy.start()
        await asyncio.wait_for(writing, 15)
        assert await subscribed(stores) == {USER, USER + 1}
    finally:
        await stores.aclose()
    lines = warnings(caplog)
    assert len([line for line in lines if "cannot reach PostgreSQL" in line]) == 1, lines
    assert all(PASSWORD not in line for line in lines)


async def test_a_write_given_up_is_one_line_and_the_user_is_told_politely(
    schema_url: str,
    proxy: TcpProxy,
    settings: Settings,
    pack: Pack,
    api: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database, "RETRY_WAITS_SECONDS", (0.05, 0.1, 0.2))
    shared = dataclasses.replace(settings, database=through(schema_url, proxy))
    async with running(shared, pack) as app:
        proxy.stop()
        with pytest.raises(StorageError) as given_up:
            await app.bot_data.stores.daily.subscribe(USER, time(7, 30), "Asia/Kolkata", NOW)
        assert "cannot reach PostgreSQL" in str(given_up.value)
        assert "\n" not in str(given_up.value) and PASSWORD not in str(given_up.value)

        await feed(app, u.message(USER, USER, "/daily 07:30"))
        [reply] = [c.params["text"] for c in api.calls_to("sendMessage")]
        assert reply.startswith("Sorry, something went wrong on my side")
        assert [r for r in caplog.records if r.exc_info] == []

        proxy.start()
        await feed(app, u.message(USER, USER, "/daily 07:30"))
        assert "07:30" in api.calls_to("sendMessage")[-1].params["text"]
        assert await subscribed(app.bot_data.stores) == {USER}
    assert all(PASSWORD not in message for message in warnings(caplog))
