"""Which replica runs the jobs that must run once per bot, not once per process.

Every replica serves updates. On PostgreSQL the replica holding the leader lock (a session
advisory lock, storage/instance_lock.py) also runs the singleton jobs; the others try to take
the lock every few seconds, so one of them leads within that once the leader's connection
drops. On SQLite the one process leads from the start. app.py says which start-up hooks and
which jobs are the leader's (LEADER_HOOKS, LEADER_JOBS): this is the one gate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ADDED, JobEvent  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError

from faqbot.storage.database import DATABASE_ERRORS
from faqbot.storage.instance_lock import LeaderLock

log = logging.getLogger(__name__)

# How often a follower tries the lock, and a leader checks it still holds it.
CHECK_SECONDS = 5.0
CHECK_JOB = "leadership-check"

Application = Any  # BotApplication; bot/state.py imports this module
LeaderHook = Callable[[Application], Awaitable[None]]


class Leadership:
    """Whether this replica leads, and what starts and stops with that."""

    def __init__(
        self,
        lock: LeaderLock | None,
        hooks: tuple[LeaderHook, ...] = (),
        job_prefixes: tuple[str, ...] = (),
    ) -> None:
        # None: SQLite, whose one process leads.
        self.lock = lock
        self.hooks = hooks  # run, in order, each time this replica becomes leader
        # Jobs only the leader runs, by the start of their id: a follower drops them as they
        # are added (a command it handled scheduling one), and a leader deposed drops them.
        self.job_prefixes = job_prefixes
        self.is_leader = False
        self._outage = False  # one warning per outage of the lock's connection

    async def start(self, application: Application) -> None:
        """At start-up: lead now if the lock is free, and keep trying (or checking) after."""
        scheduler = application.job_queue.scheduler
        scheduler.add_listener(
            lambda event: self._on_job_added(application, event), EVENT_JOB_ADDED
        )
        if self.lock is None:
            await self._elected(application)
            return
        await self.check(application, starting=True)
        application.job_queue.run_repeating(
            self._check_job,
            interval=timedelta(seconds=CHECK_SECONDS),
            first=timedelta(seconds=CHECK_SECONDS),
            name=CHECK_JOB,
            job_kwargs={"id": CHECK_JOB, "replace_existing": True},
        )

    async def _check_job(self, context: Any) -> None:
        await self.check(context.application)

    async def check(self, application: Application, *, starting: bool = False) -> None:
        """Lead if the lock is free; a leader whose lock went with its connection steps down
        (and at once tries to lead again)."""
        lock = self.lock
        if lock is None:
            return
        if self.is_leader:
            if await asyncio.to_thread(lock.still_held):
                return
            self._deposed(application, "its connection to the database was lost")
        try:
            got = await asyncio.to_thread(lock.try_acquire)
        except SQLAlchemyError as error:
            if starting:
                raise
            if not self._outage:
                self._outage = True
                log.warning(
                    "leadership: %s; this replica keeps serving updates and tries again every "
                    "%.0f s",
                    lock.describe(error),
                    CHECK_SECONDS,
                )
            return
        if self._outage:
            self._outage = False
            log.warning("leadership: the database answers again")
        if got:
            log.info("leadership: this replica leads (runs the jobs that must run once)")
            await self._elected(application)
        elif starting:
            log.info(
                "leadership: another replica leads; this one serves updates and takes over "
                "within %.0f s if that one stops",
                CHECK_SECONDS,
            )

    async def _elected(self, application: Application) -> None:
        self.is_leader = True
        try:
            for hook in self.hooks:
                await hook(application)
        except DATABASE_ERRORS as error:
            if self.lock is None:
                raise  # SQLite: a start-up failure, reported as before
            # Stepping down lets the next check (here or on another replica) start afresh.
            self._deposed(application, f"its start-up jobs failed ({error})")
            if self.lock is not None:
                self.lock.release()

    def _deposed(self, application: Application, why: str) -> None:
        self.is_leader = False
        log.warning("leadership: this replica no longer leads (%s)", why)
        scheduler = application.job_queue.scheduler
        for job in scheduler.get_jobs():
            if job.id.startswith(self.job_prefixes):
                scheduler.remove_job(job.id)

    def _on_job_added(self, application: Application, event: JobEvent) -> None:
        if self.is_leader or not event.job_id.startswith(self.job_prefixes):
            return
        scheduler = application.job_queue.scheduler
        if scheduler.get_job(event.job_id) is not None:
            scheduler.remove_job(event.job_id)

    def close(self) -> None:
        """Give the lock up at a stop, so another replica leads at its next check."""
        if self.lock is not None:
            self.lock.release()
        self.is_leader = False
