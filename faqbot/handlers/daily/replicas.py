"""With several replicas, the leading one runs every daily job; a /daily (or /timezone, or a
group migration) handled by another replica changes only the database. The leader reads the
deliverable subscriptions every SYNC_SECONDS and schedules what changed since its last look.

Temporary: due-time delivery (claimed in the database by any replica) replaces the jobs.
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from typing import cast

from faqbot.bot.state import BotApplication, Context
from faqbot.handlers.daily.delivery import schedule, unschedule
from faqbot.storage.daily import DailyKind, DailySubscription
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

SYNC_SECONDS = 30.0
SYNC_JOB = "daily-replicas-sync"

# What the leader scheduled last, by chat and kind: the job's data.
Seen = dict[tuple[int, DailyKind], tuple[time | None, str]]


def _key(subscription: DailySubscription) -> tuple[int, DailyKind]:
    return subscription.chat_id, subscription.kind


async def follow_subscriptions(application: BotApplication) -> None:
    """Leader start-up hook, after daily.on_startup: note what it scheduled, then look every
    SYNC_SECONDS (on PostgreSQL: SQLite has one process, which schedules every change)."""
    if application.bot_data.stores.database.is_sqlite:
        return
    found = await application.bot_data.stores.daily.deliverable()
    seen: Seen = {_key(s): (s.send_at, s.timezone) for s in found}
    application.job_queue.run_repeating(
        _sync_job,
        data=seen,
        interval=timedelta(seconds=SYNC_SECONDS),
        first=timedelta(seconds=SYNC_SECONDS),
        name=SYNC_JOB,
        job_kwargs={"id": SYNC_JOB, "replace_existing": True},
    )


async def sync(application: BotApplication, seen: Seen) -> int:
    """Schedule the subscriptions changed since the last look (`seen`, updated), drop those
    gone; returns how many changed."""
    found = await application.bot_data.stores.daily.deliverable()
    before = dict(seen)
    now: Seen = {_key(s): (s.send_at, s.timezone) for s in found}
    changed = 0
    for subscription in found:
        if before.get(_key(subscription)) != now[_key(subscription)]:
            schedule(application, subscription)
            changed += 1
    for chat_id, kind in before.keys() - now.keys():
        unschedule(application, chat_id, kind)
        changed += 1
    seen.clear()
    seen.update(now)
    return changed


async def _sync_job(context: Context) -> None:
    try:
        await sync(context.application, cast(Seen, context.job.data))
    except DATABASE_ERRORS as error:
        log.warning(
            "daily: could not read the subscriptions other replicas changed (%s); tries again "
            "in %.0f s",
            error,
            SYNC_SECONDS,
        )
