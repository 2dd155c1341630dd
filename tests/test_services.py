"""The real PostgreSQL and Redis answer through the drivers the bot will use for them."""

from __future__ import annotations

import uuid

import psycopg
import pytest
import redis.asyncio

pytestmark = pytest.mark.services


async def test_postgresql_round_trip(database_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(database_url) as connection:
        version = connection.info.server_version
        assert version >= 150000, f"PostgreSQL {version} is older than the 15 the bot targets"
        # A temporary table: private to this connection, so runs at the same time never meet.
        await connection.execute("CREATE TEMPORARY TABLE smoke (id int PRIMARY KEY, text text)")
        await connection.execute(
            "INSERT INTO smoke VALUES (%s, %s), (%s, %s)", (1, "नमस्ते", 2, "2+2")
        )
        cursor = await connection.execute("SELECT id, text FROM smoke ORDER BY id")
        assert await cursor.fetchall() == [(1, "नमस्ते"), (2, "2+2")]


async def test_redis_round_trip(redis_url: str) -> None:
    key = f"faqbot:test:{uuid.uuid4()}"  # unique, so runs at the same time never meet
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        assert await client.set(key, "नमस्ते", px=10_000)
        assert (await client.get(key)).decode() == "नमस्ते"
        assert 0 < await client.pttl(key) <= 10_000
        assert await client.incr(f"{key}:n") == 1 and await client.incr(f"{key}:n") == 2
    finally:
        await client.delete(key, f"{key}:n")
        await client.aclose()
