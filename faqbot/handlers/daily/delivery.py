"""Daily delivery of facts and quizzes: one job per chat and kind; retries with back-off until
the chat's day ends; the intent to send written before each send and its outcome after, so
nothing is silently repeated. A quiz is sent by the deliverer the quiz feature registers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import BaseHandler, ChatMemberHandler, MessageHandler, filters

from faqbot.bot.language import chat_language
from faqbot.bot.messaging import message_of, send
from faqbot.bot.rendering import Rendered, answer_prefix, render
from faqbot.bot.send_errors import may_have_arrived
from faqbot.bot.state import BotApplication, ChatBusy, Context, NothingToDeliver
from faqbot.knowledge import Pack
from faqbot.knowledge.bundle import Knowledge
from faqbot.knowledge.replies import answer_reply
from faqbot.knowledge.timetable import local_date, missed_today, zone
from faqbot.storage.daily import DAILY_KINDS, DailyKind, DailySubscription, Outcome, PendingFact
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

# Deliveries at once: when thousands of chats are due in the same second, unbounded deliveries
# flood the event loop, so sends the limiter spaced out leave the process in bursts and trip
# Telegram's limit; and after a RetryAfter pause every send queued inside the limiter fires
# at once.
DELIVERY_CONCURRENCY = 16
# Without a grace time, APScheduler drops a job that starts more than a second late, which is
# what happens when thousands of chats are due in the same minute.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True}
# Back-off between attempts at a fact Telegram did not take (5xx, network down) or that the
# database could not record: doubling from the first delay up to the cap. Each wait is drawn
# between half and all of that, so chats that failed together do not retry together. Later
# attempts are jobs, so a chat waiting for its retry holds no delivery slot.
RETRY_FIRST_DELAY = 5.0
RETRY_MAX_DELAY = 600.0
# RetryAfter rounds waited for inline, on top of AIORateLimiter's own retries, before the
# fact waits for a scheduled retry instead.
MAX_RETRY_AFTER_ROUNDS = 10
# A group migrates once; more ChatMigrated answers for one fact mean something is wrong.
MAX_MIGRATIONS = 3
GONE_STATUSES: frozenset[str] = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


@dataclasses.dataclass(frozen=True)
class Retry:
    """What a scheduled retry carries: the attempts before it, the chat's local day the
    delivery is for (so that a retry never sends the next day's at the wrong hour), its kind."""

    attempt: int
    local_day: date | None
    kind: DailyKind = "fact"


def _prefix(kind: DailyKind) -> str:
    return "daily" if kind == "fact" else f"daily-{kind}"


def job_name(chat_id: int, kind: DailyKind = "fact") -> str:
    """The one daily job of a chat and kind: `daily:<chat>`, `daily-quiz:<chat>`."""
    return f"{_prefix(kind)}:{chat_id}"


def retry_job_name(chat_id: int, kind: DailyKind = "fact") -> str:
    """The one scheduled retry of a chat's delivery of a kind."""
    return f"{_prefix(kind)}-retry:{chat_id}"


def _what(kind: DailyKind) -> str:
    """How the log names a kind's delivery."""
    return f"daily {kind}"


def retry_delay(attempt: int) -> float:
    """Seconds to wait before retry number attempt + 1 (capped exponential, jittered)."""
    ceiling = min(RETRY_MAX_DELAY, RETRY_FIRST_DELAY * 2**attempt)
    return random.uniform(ceiling / 2, ceiling)


def _now() -> datetime:
    return datetime.now(UTC)


def schedule(
    application: BotApplication, subscription: DailySubscription, *, replace: bool = True
) -> None:
    """Replace the chat's job with one matching its subscription (or none, if it has none).

    replace=False skips looking for an old job: only for a job queue known to be empty.
    """
    kind = subscription.kind
    if replace:
        unschedule(application, subscription.chat_id, kind)
    if not subscription.active or subscription.send_at is None:
        return
    name = job_name(subscription.chat_id, kind)
    application.job_queue.run_daily(
        daily_job,
        time=subscription.send_at.replace(tzinfo=zone(subscription.timezone)),
        name=name,
        chat_id=subscription.chat_id,
        data=kind,
        # The name doubles as APScheduler's job id, so finding a chat's job is a lookup.
        job_kwargs={**JOB_KWARGS, "id": name, "replace_existing": True},
    )


def changing(application: BotApplication, chat_id: int) -> asyncio.Lock:
    """The lock that keeps one chat's database rows and its jobs in step: updates run
    concurrently, and '/daily 07:30' racing '/daily off' must not leave a row without a job."""
    locks = application.bot_data.daily.locks
    lock = locks.get(chat_id)
    if lock is None:
        lock = locks[chat_id] = asyncio.Lock()
    return lock


def unschedule(application: BotApplication, chat_id: int, kind: DailyKind = "fact") -> None:
    """Remove a chat's daily job of a kind, if it has one."""
    scheduler = application.job_queue.scheduler
    if scheduler.get_job(job_name(chat_id, kind)) is not None:
        scheduler.remove_job(job_name(chat_id, kind))


async def reschedule(application: BotApplication, chat_id: int) -> None:
    """Make every kind's job of a chat match its subscription (after /timezone, all move)."""
    for kind in DAILY_KINDS:
        found = await application.bot_data.stores.daily.get(chat_id, kind)
        if found is None:
            unschedule(application, chat_id, kind)
        else:
            schedule(application, found)


async def on_forget(application: BotApplication, user_id: int) -> None:
    """/forget deleted the user's private-chat subscriptions: drop their jobs now, not at the
    next restart (a private chat's id is its user's)."""
    async with changing(application, user_id):
        await reschedule(application, user_id)


def _unschedule_all(application: BotApplication, chat_id: int) -> None:
    for kind in DAILY_KINDS:
        unschedule(application, chat_id, kind)


def _job_kind(data: object) -> DailyKind:
    return "quiz" if data == "quiz" else "fact"


async def daily_job(context: Context) -> None:
    """Send the job's chat its fact (or quiz) for today."""
    chat_id = context.job.chat_id
    if chat_id is not None:  # every daily job is made with its chat's id
        await deliver_daily(context.application, chat_id, _job_kind(context.job.data))


async def retry_job(context: Context) -> None:
    """Try the job's chat's delivery again: record what Telegram took, or send what it did not."""
    chat_id, retry = context.job.chat_id, context.job.data
    if chat_id is not None and isinstance(retry, Retry):
        await deliver_daily(context.application, chat_id, retry.kind, retry=retry)


def _retry_later(application: BotApplication, chat_id: int, retry: Retry, delay: float) -> None:
    name = retry_job_name(chat_id, retry.kind)
    application.job_queue.run_once(
        retry_job,
        when=delay,
        name=name,
        chat_id=chat_id,
        data=retry,
        job_kwargs={**JOB_KWARGS, "id": name, "replace_existing": True},
    )


async def deliver_fact(
    application: BotApplication,
    chat_id: int,
    now: datetime | None = None,
    *,
    retry: Retry | None = None,
) -> Outcome:
    """Send a chat today's fact unless it already had one (see deliver_daily)."""
    return await deliver_daily(application, chat_id, "fact", now, retry=retry)


async def deliver_daily(
    application: BotApplication,
    chat_id: int,
    kind: DailyKind,
    now: datetime | None = None,
    *,
    retry: Retry | None = None,
) -> Outcome:
    """Send a chat today's fact or quiz unless it already had one. Returns SENT or AMBIGUOUS
    (see Outcome), PENDING (a retry is scheduled), FAILED, STOPPED, or SKIPPED (not due, or a
    delivery of this kind to this chat is already under way)."""
    state = application.bot_data.daily
    key = (chat_id, kind)
    if key in state.in_flight:
        return Outcome.SKIPPED
    state.in_flight.add(key)
    try:
        async with state.delivery_slots:
            return await _deliver(application, chat_id, now, retry or Retry(0, None, kind))
    finally:
        state.in_flight.discard(key)


def _parts(pack: Pack, entry_id: str) -> list[Rendered]:
    """The fact's messages, in the language `pack` is seen in."""
    entry = pack.entry(entry_id)
    if entry is None:
        return []
    return render(answer_reply(entry, pack, kind="fact"), choice_prefix=answer_prefix(pack))


def _parts_of(pack: Pack, kind: DailyKind) -> Callable[[str], int]:
    """How many sends a delivery takes: a fact's messages; one for anything else (a quiz's
    first poll, after which its round runs as any round does)."""
    if kind == "fact":
        return lambda entry_id: len(_parts(pack, entry_id))
    return lambda entry_id: 1


async def _send_part(
    application: BotApplication, fact: PendingFact, messages: list[Rendered]
) -> None:
    """Send the delivery's next part: a fact's next message, or the kind's deliverer."""
    if fact.kind == "fact":
        index = fact.parts_sent
        await send(application.bot, fact.chat_id, messages[index : index + 1])
        return
    deliverer = application.bot_data.daily.deliverers.get(fact.kind)
    if deliverer is None:
        raise NothingToDeliver(f"no feature delivers daily {fact.kind}")
    await deliverer(application, fact.chat_id)


async def _deliver(
    application: BotApplication, chat_id: int, now: datetime | None, retry: Retry
) -> Outcome:
    state = application.bot_data
    knowledge = state.knowledge  # the entries planned from are the ones sent
    kind = retry.kind
    recorded = None
    unrecorded = state.daily.unrecorded.pop((chat_id, kind), None)
    if unrecorded is not None:
        # Telegram took (part of) this fact and its record did not land: write it first.
        if not await _record(application, unrecorded, retry.attempt):
            return Outcome.PENDING
        if not unrecorded.done:
            return await _send_parts(application, unrecorded, retry.attempt, knowledge)
        recorded = unrecorded.outcome
    pack = knowledge.pack.in_language(await chat_language(state, chat_id))
    try:
        fact = await state.stores.daily.begin_delivery(
            chat_id,
            tuple(entry.id for entry in pack.entries),
            now or _now(),
            _parts_of(pack, kind),
            state.settings.daily_delivery == "at-most-once",
            for_day=retry.local_day,
            kind=kind,
        )
    except DATABASE_ERRORS as error:
        if retry.attempt == 0:  # later attempts log one line each in _retry_or_give_up
            log.warning(
                "%s for chat %s not sent: its sending cannot be recorded in database "
                "%s (%s); it is never sent unrecorded, and is tried again later",
                _what(kind),
                chat_id,
                state.stores.database.path,
                error,
            )
        return await _retry_or_give_up(
            application, chat_id, None, retry, f"database: {error}", retry.local_day
        )
    if fact is None:
        return recorded or Outcome.SKIPPED
    return await _send_parts(application, fact, retry.attempt, knowledge)


async def _send_parts(
    application: BotApplication, fact: PendingFact, attempt: int, knowledge: Knowledge
) -> Outcome:
    """Send the parts Telegram has not taken yet, recording each answer before the next send."""
    state = application.bot_data
    at_most_once = state.settings.daily_delivery == "at-most-once"
    if fact.kind == "fact":
        pack = knowledge.pack.in_language(await chat_language(state, fact.chat_id))
        messages = _parts(pack, fact.entry_id)
    else:
        messages = []  # the kind's deliverer sends it
    retry_after_rounds = migrations = 0
    kind = fact.kind
    while not fact.done:
        if kind == "fact" and fact.parts_sent >= len(messages):
            # The pack changed since the fact began: it has no more parts to send.
            fact = dataclasses.replace(fact, parts=fact.parts_sent)
            break
        index = fact.parts_sent
        try:
            await _send_part(application, fact, messages)
        except ChatBusy as busy:
            await _not_sending(application, fact)
            return await _retry_or_give_up(
                application, fact.chat_id, fact, Retry(attempt, None, kind), str(busy)
            )
        except NothingToDeliver as nothing:
            await _not_sending(application, fact)
            return await _give_up(application, fact.chat_id, fact, str(nothing))
        except Forbidden as error:
            return await _stop(application, fact.chat_id, error)
        except ChatMigrated as error:
            migrations += 1
            if migrations > MAX_MIGRATIONS:
                return await _give_up(application, fact.chat_id, fact, _describe(error))
            try:
                await move_subscription(application, fact.chat_id, error.new_chat_id)
                fact = dataclasses.replace(fact, chat_id=error.new_chat_id)
                await state.stores.daily.save_pending(fact, _now())
            except DATABASE_ERRORS as db_error:
                return await _retry_or_give_up(
                    application, fact.chat_id, fact, Retry(attempt, None, kind), str(db_error)
                )
            continue
        except RetryAfter as error:
            retry_after_rounds += 1
            delay = error.retry_after
            seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
            if retry_after_rounds > MAX_RETRY_AFTER_ROUNDS:
                await _not_sending(application, fact)
                return await _retry_or_give_up(
                    application, fact.chat_id, fact, Retry(attempt, None, kind), _describe(error)
                )
            await asyncio.sleep(seconds)
            continue
        except InvalidToken:
            raise
        except TelegramError as error:
            if at_most_once and may_have_arrived(error):
                log.warning(
                    "%s for chat %s: part %d of %d went unanswered (%s); counted as "
                    "delivered and not sent again (FAQBOT_DAILY_DELIVERY=at-most-once)",
                    _what(kind),
                    fact.chat_id,
                    index + 1,
                    fact.parts,
                    _describe(error),
                )
                fact = fact.part_sent(unsure=True)
            elif isinstance(error, BadRequest):
                # Telegram refuses this message here; the same request gets the same answer.
                return await _give_up(application, fact.chat_id, fact, _describe(error))
            else:
                await _not_sending(application, fact)
                return await _retry_or_give_up(
                    application, fact.chat_id, fact, Retry(attempt, None, kind), _describe(error)
                )
        else:
            fact = fact.part_sent()
        if not await _record(application, fact, attempt):
            return Outcome.PENDING
    return fact.outcome


def _describe(error: TelegramError) -> str:
    return f"{type(error).__name__}: {error.message}"


async def _record(application: BotApplication, fact: PendingFact, attempt: int) -> bool:
    """Write what Telegram took: the outcome of a finished fact, or the progress of a long one
    (which is also the intent to send its next part). If the database refuses, keep it in
    memory and write it again later; nothing more is sent to the chat until it lands."""
    state = application.bot_data
    store = state.stores.daily
    try:
        if fact.done:
            await store.finish(fact, fact.outcome, fact.entry_id, _now())
        else:
            await store.save_pending(fact, _now())
    except DATABASE_ERRORS as error:
        state.daily.unrecorded[(fact.chat_id, fact.kind)] = fact
        delay = retry_delay(attempt)
        _retry_later(
            application, fact.chat_id, Retry(attempt + 1, fact.local_day, fact.kind), delay
        )
        log.warning(
            "%s for chat %s was delivered but cannot be recorded in database %s yet "
            "(%s); kept in memory and written again in %.0f s",
            _what(fact.kind),
            fact.chat_id,
            state.stores.database.path,
            error,
            delay,
        )
        return False
    return True


async def _not_sending(application: BotApplication, fact: PendingFact) -> None:
    """Note that nothing is in flight, so a restart sends the part again; if the database
    refuses, a restart counts that part as it counts an unanswered one."""
    with contextlib.suppress(*DATABASE_ERRORS):
        await application.bot_data.stores.daily.mark_not_sending(fact.chat_id, fact.kind)


async def _retry_window(
    application: BotApplication, chat_id: int, local_day: date | None, kind: DailyKind
) -> tuple[date, datetime] | None:
    """The local day a chat's delivery is for, and when its retries end: at the end of that
    day, or FAQBOT_DAILY_RETRY_MINUTES after its time if that comes first. None if the chat
    no longer gets this kind."""
    found = await application.bot_data.stores.daily.get(chat_id, kind)
    if found is None or not found.deliverable or found.send_at is None:
        return None
    where = zone(found.timezone)
    day = local_day or local_date(_now(), found.timezone)
    ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=where)
    minutes = application.bot_data.settings.daily_retry_minutes
    if minutes is not None:
        due = datetime.combine(day, found.send_at, tzinfo=where)
        ends = min(ends, due + timedelta(minutes=minutes))
    return day, ends


async def _retry_or_give_up(
    application: BotApplication,
    chat_id: int,
    fact: PendingFact | None,
    retry: Retry,
    detail: str,
    local_day: date | None = None,
) -> Outcome:
    """Schedule the next attempt if it falls inside the fact's retry window; else give up."""
    day = local_day or (fact.local_day if fact is not None else None)
    kind = retry.kind
    delay = retry_delay(retry.attempt)
    try:
        window = await _retry_window(application, chat_id, day, kind)
    except DATABASE_ERRORS:
        # The database cannot say when the chat's day ends; the retry will find out.
        _retry_later(application, chat_id, Retry(retry.attempt + 1, day, kind), delay)
        return Outcome.PENDING
    if window is None:
        return Outcome.SKIPPED
    day, ends = window
    if _now() + timedelta(seconds=delay) >= ends:
        return await _give_up(application, chat_id, fact, detail, kind)
    _retry_later(application, chat_id, Retry(retry.attempt + 1, day, kind), delay)
    log.info(
        "%s for chat %s not delivered yet (%s); next try in %.0f s",
        _what(kind),
        chat_id,
        detail,
        delay,
    )
    return Outcome.PENDING


async def _give_up(
    application: BotApplication,
    chat_id: int,
    fact: PendingFact | None,
    detail: str,
    kind: DailyKind | None = None,
) -> Outcome:
    store = application.bot_data.stores.daily
    kind = kind or (fact.kind if fact is not None else "fact")
    try:
        if fact is not None:
            await store.finish(fact, Outcome.FAILED, detail, _now())
        else:
            await store.record_failure(chat_id, detail, _now(), kind)
    except DATABASE_ERRORS as error:
        # Nothing was sent, so nothing can be repeated: the failure is only not counted.
        log.warning("%s failure for chat %s not recorded: database %s", _what(kind), chat_id, error)
    log.error(
        "%s for chat %s not delivered when its retries ran out (%s); the next comes "
        "at its time tomorrow",
        _what(kind),
        chat_id,
        detail,
    )
    return Outcome.FAILED


async def _stop(application: BotApplication, chat_id: int, error: Forbidden) -> Outcome:
    """Telegram refuses the chat: nothing of any kind goes there until it lets the bot back."""
    try:
        await application.bot_data.stores.daily.stop(chat_id, error.message, _now())
    except DATABASE_ERRORS as db_error:
        log.warning("daily posts to chat %s not marked stopped: database %s", chat_id, db_error)
    _unschedule_all(application, chat_id)
    log.warning("daily posts to chat %s stopped: Telegram says %s", chat_id, error.message)
    return Outcome.STOPPED


async def move_subscription(
    application: BotApplication, old_chat_id: int, new_chat_id: int
) -> None:
    """Follow a group that became a supergroup: its subscriptions and jobs move to the new id."""
    store = application.bot_data.stores.daily
    if not await store.move(old_chat_id, new_chat_id, _now()):
        return
    _unschedule_all(application, old_chat_id)
    for kind in DAILY_KINDS:
        subscription = await store.get(new_chat_id, kind)
        if subscription is not None:
            schedule(application, subscription)
    log.info("daily posts of chat %s moved to supergroup %s", old_chat_id, new_chat_id)


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: move its subscription to the new chat id."""
    message = message_of(update)
    old = message.migrate_from_chat_id or message.chat_id
    new = message.migrate_to_chat_id or message.chat_id
    if old != new:
        await move_subscription(context.application, old, new)


async def on_membership(update: Update, context: Context) -> None:
    """The bot was blocked or removed (stop the chat's facts), or let back in (resume them)."""
    change = update.my_chat_member
    chat_id = change.chat.id
    store = context.bot_data.stores.daily
    now_gone = change.new_chat_member.status in GONE_STATUSES
    was_gone = change.old_chat_member.status in GONE_STATUSES
    if now_gone and not was_gone:
        reason = f"bot {change.new_chat_member.status} in chat"
        if await store.stop(chat_id, reason, _now()):
            _unschedule_all(context.application, chat_id)
            log.info("daily posts to chat %s stopped: %s", chat_id, reason)
    elif was_gone and not now_gone:
        resumed = [found for found in await store.resume(chat_id) if found.deliverable]
        for found in resumed:
            schedule(context.application, found)
        if resumed:
            log.info("daily posts to chat %s resumed", chat_id)


async def on_startup(application: BotApplication) -> None:
    """Rebuild every chat's jobs from the database, and send what was missed while the bot was
    down."""
    state = application.bot_data
    store = state.stores.daily
    now = _now()
    await store.prune_deliveries(now)
    # What the last run left half done: sends that may have gone out are settled by the
    # delivery policy; deliveries still owed today are carried on now.
    owed = set(await store.resolve_pending(now, state.settings.daily_delivery == "at-most-once"))
    found = await store.deliverable()
    scheduled = dict.fromkeys(DAILY_KINDS, 0)
    missed = dict.fromkeys(DAILY_KINDS, 0)
    for subscription in found:
        kind = subscription.kind
        scheduled[kind] += 1
        # The queue is empty at start-up; looking for old jobs would cost O(n) per chat.
        schedule(application, subscription, replace=False)
        if (subscription.chat_id, kind) in owed or (
            subscription.send_at is not None
            and missed_today(
                now,
                subscription.send_at,
                subscription.timezone,
                subscription.scheduled_since,
                subscription.last_sent_on,
            )
        ):
            missed[kind] += 1
            name = f"{_prefix(kind)}-missed:{subscription.chat_id}"
            application.job_queue.run_once(
                daily_job,
                when=0,
                name=name,
                chat_id=subscription.chat_id,
                data=kind,
                job_kwargs={**JOB_KWARGS, "id": name},
            )
    log.info(
        "daily facts: %d chats scheduled, %d missed today sent now",
        scheduled["fact"],
        missed["fact"],
    )
    log.info(
        "daily quizzes: %d chats scheduled, %d missed today started now",
        scheduled["quiz"],
        missed["quiz"],
    )


def observers() -> list[BaseHandler[Update, Context, None]]:
    """Handlers that keep subscriptions pointed at live chats; they must see every migration
    and membership change, so they go in a group of their own."""
    return [
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration),
        ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
