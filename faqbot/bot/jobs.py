"""Loops that run on python-telegram-bot's JobQueue (APScheduler): the daily delivery loop and
the quiz close loop, each a repeating job that claims what has fallen due."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from faqbot.bot.state import BotApplication, Context

# A beat that runs late runs once, at once, never two at a time: each beat claims all that is
# due, so a missed one is caught up by the next.
LOOP_JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


def run_loop(
    application: BotApplication,
    beat: Callable[[Context], Coroutine[Any, Any, None]],
    seconds: float,
    name: str,
) -> None:
    """Run `beat` now and every `seconds`, as the job `name` (added once, however often
    start-up runs)."""
    queue = application.job_queue
    if queue is None:  # python-telegram-bot[job-queue] is a dependency: not without it
        raise RuntimeError("faqbot needs python-telegram-bot's job queue")
    queue.run_repeating(
        beat,
        interval=seconds,
        first=0,
        name=name,
        job_kwargs={**LOOP_JOB_KWARGS, "id": name, "replace_existing": True},
    )
