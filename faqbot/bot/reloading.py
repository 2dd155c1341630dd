"""Reloading the knowledge while the bot runs: on SIGHUP, on `/reload`, and when `/gaps`
changes the overlay.

A reload reads and validates the pack (with overlay.yaml) and builds the new bundle on a
worker thread, then swaps it in with one assignment to `state.knowledge`: updates keep being
answered meanwhile, each from the bundle it read when it began. On any problem the old
bundle stays. One reload runs at a time; asks that arrive meanwhile wait, and are folded into
the first reload that starts after them (it reads the files they were about).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from faqbot.bot.state import BotApplication, BotState, ReloadResult
from faqbot.knowledge import Problem
from faqbot.knowledge.bundle import check_knowledge
from faqbot.knowledge.overlay import Overlay, read_overlay
from faqbot.knowledge.schema import Location

log = logging.getLogger(__name__)

# Problems named in the operator's one log line (all of them: `faqbot validate`).
LOGGED_PROBLEMS = 3


def first_problems(problems: Sequence[Problem], limit: int) -> str:
    """The first problems, one after another, and how many more there are."""
    shown = "; ".join(str(problem) for problem in problems[:limit])
    more = len(problems) - limit
    return shown + (f"; and {more} more" if more > 0 else "")


async def reload_knowledge(state: BotState, reason: str) -> ReloadResult:
    """Reload the pack and its overlay from disk; the old bundle stays on any problem."""
    reloads = state.reloads
    reloads.asked += 1
    asked = reloads.asked
    if reloads.lock.locked():
        log.info("%s: a reload is already running; this one waits for it", reason)
    async with reloads.lock:
        if reloads.covered >= asked and reloads.last is not None:
            log.info("%s: folded into the reload that started after it; nothing more to do", reason)
            return reloads.last
        reloads.covered = reloads.asked
        settings = state.settings
        result = await _swap(state, reason, settings.overlay)
        reloads.last = result
        return result


async def change_overlay(
    state: BotState, change: Callable[[Overlay], Overlay], reason: str
) -> ReloadResult:
    """Apply `change` to overlay.yaml, validated with the pack: written and swapped in only
    when the pack with the changed overlay has no problem; otherwise nothing changes."""
    reloads = state.reloads
    async with reloads.lock:
        reloads.asked += 1
        reloads.covered = reloads.asked  # this reads every file afresh too
        path = state.settings.overlay
        candidate = path.with_name(f".{path.name}.new")
        old = state.knowledge
        try:
            unreadable = await asyncio.to_thread(_write_changed, path, candidate, change)
        except OSError as error:
            log.error("%s: cannot write %s (%s); nothing changed", reason, candidate, error)
            problem = Problem(Location(str(path), 1), "overlay", f"cannot write: {error}")
            return ReloadResult(old, (problem,))
        if unreadable:
            # Rewriting it would lose what the operator wrote there: they fix it first.
            log.error(
                "%s: %s cannot be read, so it was not changed: %s",
                reason,
                path,
                first_problems(unreadable, LOGGED_PROBLEMS),
            )
            return ReloadResult(old, tuple(unreadable))
        try:
            # The file is in place before the new bundle serves: what answers survives a restart.
            result = await _swap(
                state, reason, candidate, shown_as=path, keep=lambda: os.replace(candidate, path)
            )
        finally:
            candidate.unlink(missing_ok=True)
        reloads.last = result
        return result


def _write_changed(
    path: Path, candidate: Path, change: Callable[[Overlay], Overlay]
) -> list[Problem]:
    """Write the changed overlay beside the real one (read from disk, not from memory: an
    operator may have edited it by hand since); the problems that kept it from being read."""
    problems: list[Problem] = []
    current = read_overlay(path, problems).overlay
    if problems:
        return problems
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate.write_text(change(current).to_yaml(), encoding="utf-8")
    return []


def _renamed(problem: Problem, old: Path, new: Path) -> Problem:
    if problem.location.file != str(old):
        return problem
    return dataclasses.replace(problem, location=Location(str(new), problem.location.line))


async def _swap(
    state: BotState,
    reason: str,
    overlay: Path,
    shown_as: Path | None = None,
    keep: Callable[[], None] | None = None,
) -> ReloadResult:
    """Build a bundle from the files off the event loop, and serve it if it is valid (and
    `keep`, run on a thread first, succeeds). Problems in `overlay` are told at the lines of
    `shown_as`, the file the operator knows."""
    old = state.knowledge
    started = time.monotonic()
    try:
        new, problems = await asyncio.to_thread(
            check_knowledge, state.settings.knowledge, overlay, old.version + 1
        )
    except Exception as error:  # a bug in building must not take the serving pack down
        log.exception(
            "%s: building the new pack failed; still serving version %d", reason, old.version
        )
        problem = Problem(Location(str(overlay), 1), "reload", f"{type(error).__name__}: {error}")
        return ReloadResult(old, (problem,), time.monotonic() - started)
    seconds = time.monotonic() - started
    if shown_as is not None:
        problems = [_renamed(problem, overlay, shown_as) for problem in problems]
    if new is None:
        log.error(
            "%s: reload refused, still serving version %d: %s; run `faqbot validate` for all",
            reason,
            old.version,
            first_problems(problems, LOGGED_PROBLEMS),
        )
        return ReloadResult(old, tuple(problems), seconds)
    if keep is not None:
        try:
            await asyncio.to_thread(keep)
        except OSError as error:
            log.error("%s: cannot write %s (%s); nothing changed", reason, shown_as, error)
            problem = Problem(Location(str(shown_as), 1), "overlay", f"cannot write: {error}")
            return ReloadResult(old, (problem,), seconds)
    state.knowledge = new
    log.info(
        "%s: reloaded in %.2f s: version %d, %d entries from %s, %d phrasings from the overlay",
        reason,
        seconds,
        new.version,
        len(new.pack.entries),
        ", ".join(new.pack.paths),
        new.overlay.phrasing_count,
    )
    return ReloadResult(new, (), seconds)


def reload_on_sighup(application: BotApplication) -> None:
    """From now on, SIGHUP reloads the pack (called on the running event loop)."""
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        application.create_task(
            reload_knowledge(application.bot_data, "SIGHUP"), name="reload-on-sighup"
        )

    loop.add_signal_handler(signal.SIGHUP, on_signal)
