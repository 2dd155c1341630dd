"""Start-up calls are retried on 5xx and timeouts only, and only for a bounded time."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut

from faqbot.bot import startup
from faqbot.bot.startup import retried_at_start


class Flaky:
    """Raises the given errors in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


@pytest.fixture(autouse=True)
def short_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(startup, "FIRST_DELAY_SECONDS", 0.01)
    monkeypatch.setattr(startup, "LONGEST_DELAY_SECONDS", 0.01)


async def test_timeouts_and_5xx_are_retried() -> None:
    call = Flaky(TimedOut(), NetworkError("Bad Gateway"), NetworkError("Internal Server Error"))
    assert await retried_at_start(call, "getMe") == "ok"
    assert call.calls == 4


@pytest.mark.parametrize("error", [InvalidToken(), BadRequest("Bad Request: wrong")])
async def test_a_rejected_token_or_bad_request_is_final(error: Exception) -> None:
    call = Flaky(error)
    with pytest.raises(type(error)):
        await retried_at_start(call, "getMe")
    assert call.calls == 1


async def test_start_up_gives_up_after_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(startup, "STARTUP_RETRY_SECONDS", 0.1)
    call = Flaky(*[TimedOut()] * 1000)
    with pytest.raises(TimedOut):
        await retried_at_start(call, "getMe")
    assert 2 <= call.calls < 1000
