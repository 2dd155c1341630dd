"""The real PostgreSQL and Redis for tests marked `services`, found from the environment.

Unset or unreachable, such tests skip with one line saying how to run them; under CI
(CI=true) tests/conftest.py turns that skip into a failure, so CI never silently skips them.
"""

from __future__ import annotations

import os

import pytest

DATABASE_VARIABLE = "FAQBOT_TEST_DATABASE_URL"
REDIS_VARIABLE = "FAQBOT_TEST_REDIS_URL"
HOW_TO_RUN = (
    f"set {DATABASE_VARIABLE}=postgresql://postgres@127.0.0.1:5432/test and "
    f"{REDIS_VARIABLE}=redis://127.0.0.1:6379/0 to run it (.ci/run does)"
)
CONNECT_SECONDS = 3


def database_url() -> str:
    """The test PostgreSQL's URL, once it answered a query; skips the test otherwise."""
    url = os.environ.get(DATABASE_VARIABLE, "").strip()
    if not url:
        pytest.skip(f"needs PostgreSQL: {HOW_TO_RUN}")
    # Imported here, not by conftest in every worker: psycopg and redis take ~0.17 s CPU.
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=CONNECT_SECONDS) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        # psycopg's message names host and port, never the password.
        reason = str(error).strip().splitlines()[0]
        pytest.skip(
            f"needs PostgreSQL, and {DATABASE_VARIABLE} did not answer ({reason}); {HOW_TO_RUN}"
        )
    return url


def redis_url() -> str:
    """The test Redis's URL, once it answered PING; skips the test otherwise."""
    url = os.environ.get(REDIS_VARIABLE, "").strip()
    if not url:
        pytest.skip(f"needs Redis: {HOW_TO_RUN}")
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_SECONDS, socket_timeout=CONNECT_SECONDS
        )
        with client:
            client.ping()
    except (redis.RedisError, ValueError) as error:
        pytest.skip(f"needs Redis, and {REDIS_VARIABLE} did not answer ({error}); {HOW_TO_RUN}")
    return url
