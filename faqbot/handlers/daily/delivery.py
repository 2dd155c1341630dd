"""Daily delivery of facts and quizzes, by due time: every subscription keeps its next due
instant in the database, and one loop (a repeating job) claims due chats in batches, with a
lease and a fencing token, and delivers them. Any number of replicas can run the loop: a
chat's day is closed once, in the transaction that ends its claim. Retries are the row due
again later, until the chat's day ends; the intent to send is written before each send and its
outcome after, so nothing is silently repeated. A quiz is sent by the deliverer the quiz
feature registers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time as clock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

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

from faqbot.bot.jobs import run_loop
from faqbot.bot.language import chat_language
from faqbot.bot.messaging import message_of, send
from faqbot.bot.rendering import Rendered, answer_prefix, render
from faqbot.bot.send_errors import may_have_arrived
from faqbot.bot.state import BotApplication, ChatBusy, Context, NothingToDeliver
from faqbot.knowledge import Pack
from faqbot.knowledge.bundle import Knowledge
from faqbot.knowledge.replies import answer_reply
from faqbot.knowledge.timetable import local_date, zone
from faqbot.storage.claims import LostClaim
from faqbot.storage.daily import (
    Claim,
    DailyKind,
    Outcome,
    PendingFact,
)
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)

# Deliveries at once, per process: when thousands of chats are due in the same second,
# unbounded deliveries flood the event loop, so sends the limiter spaced out leave the process
# in bursts and trip Telegram's limit; and after a RetryAfter pause every send queued inside
# the limiter fires at once. The loop claims no more chats than it has free slots, so a
# claimed chat waits for at most this many sends ahead of it in the rate limiter, not for its
# lease to run out.
DELIVERY_CONCURRENCY = 16
# How often the loop looks for due chats when it has nothing to do; a delivery that ends
# while more are due claims the next batch at once.
LOOP_INTERVAL = 1.0
LOOP_JOB = "daily-delivery"
# A claim's lease: renewed by every write of its delivery (one before each send), so it only
# has to outlast one send and its wait in the rate limiter. A replica that stops (killed, or
# cut off from the database) loses its chats to another claimer once their leases expire.
DELIVERY_LEASE_SECONDS = 30.0
# The loop claims again as a delivery ends only once this many slots are free: fewer,
# larger claims.
REFILL_SLOTS = 4
# Back-off of the loop while the database refuses its claims.
LOOP_MAX_PAUSE = 60.0
# Back-off between attempts at a fact Telegram did not take (5xx, network down): doubling
# from the first delay up to the cap. Each wait is drawn between half and all of that, so
# chats that failed together do not retry together. A retry is the chat's row due again
# later, so a chat waiting for its retry holds no delivery slot and no claim.
RETRY_FIRST_DELAY = 5.0
RETRY_MAX_DELAY = 600.0
# RetryAfter rounds waited for inline, on top of AIORateLimiter's own retries, before the
# fact waits for a retry instead.
MAX_RETRY_AFTER_ROUNDS = 10
# A group migrates once; more ChatMigrated answers for one fact mean something is wrong.
MAX_MIGRATIONS = 3
GONE_STATUSES: frozenset[str] = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


def _what(kind: DailyKind) -> str:
    """How the log names a kind's delivery."""
    return f"daily {kind}"


def retry_delay(attempt: int) -> float:
    """Seconds to wait before retry number attempt + 1 (capped exponential, jittered)."""
    ceiling = min(RETRY_MAX_DELAY, RETRY_FIRST_DELAY * 2**attempt)
    return random.uniform(ceiling / 2, ceiling)


def _now() -> datetime:
    return datetime.now(UTC)


def _lease() -> datetime:
    """When a claim renewed now expires."""
    return _now() + timedelta(seconds=DELIVERY_LEASE_SECONDS)


async def delivery_tick(context: Context) -> None:
    """The delivery loop's beat: claim the chats that are due, as many as slots are free."""
    await claim_and_deliver(context.application)


async def claim_and_deliver(application: BotApplication) -> int:
    """Claim due chats (up to the free delivery slots) and start delivering each; returns
    how many were claimed. One claim at a time per process; a call while one runs returns."""
    state = application.bot_data
    daily = state.daily
    if daily.claiming.locked() or clock.monotonic() < daily.paused_until:
        return 0
    async with daily.claiming:
        free = DELIVERY_CONCURRENCY - daily.claimed
        if free <= 0:
            return 0
        now = _now()
        try:
            claims = await state.stores.daily.claim_due(now, free, _lease())
        except DATABASE_ERRORS as error:
            pause = min(LOOP_MAX_PAUSE, LOOP_INTERVAL * 2**daily.failures)
            daily.failures += 1
            daily.paused_until = clock.monotonic() + pause
            if daily.claimed == 0:
                daily.no_backlog.set()  # nothing in flight: no broadcast holds follow-ups
            if daily.failures == 1:
                log.warning(
                    "daily delivery cannot claim due chats in database %s (%s); nothing is "
                    "lost: it tries again with back-off (up to %.0f s) until the database "
                    "answers",
                    state.stores.database.path,
                    error,
                    LOOP_MAX_PAUSE,
                )
            return 0
        if daily.failures:
            log.info("daily delivery claims due chats again")
            daily.failures = 0
        daily.claimed += len(claims)
        # The backlog lasts while first sends are still to go: rows due and not claimed yet
        # (this claim took all it asked for, so more may be due), or claimed chats whose
        # delivery is under way. A claim that finds fewer rows than it asked for does not end
        # it: the chats it and earlier claims took are still sending.
        if claims:
            daily.no_backlog.clear()
        elif daily.claimed == 0:
            daily.no_backlog.set()
        for held in claims:
            application.create_task(_run_claim(application, held), name=f"daily:{held.chat_id}")
        return len(claims)


async def _run_claim(application: BotApplication, held: Claim) -> None:
    """Deliver one claimed chat; then, if more were due than slots were free, claim more."""
    daily = application.bot_data.daily
    try:
        await _deliver_claim(application, held, None, on_time=True)
    except Exception as error:  # a task's error would otherwise go unreported
        log.error(
            "%s for chat %s failed unexpectedly (%s: %s); its claim's lease runs out and it "
            "is tried again",
            _what(held.kind),
            held.chat_id,
            type(error).__name__,
            error,
        )
    finally:
        daily.claimed -= 1
    if daily.backlog and DELIVERY_CONCURRENCY - daily.claimed >= REFILL_SLOTS:
        await claim_and_deliver(application)
    if daily.claimed == 0 and not daily.claiming.locked():
        # Nothing in flight and no claim under way (that one decides when it ends): no
        # broadcast holds follow-ups back.
        daily.no_backlog.set()


async def deliver_fact(
    application: BotApplication, chat_id: int, now: datetime | None = None
) -> Outcome:
    """Send a chat today's fact unless it already had one (see deliver_daily)."""
    return await deliver_daily(application, chat_id, "fact", now)


async def deliver_daily(
    application: BotApplication,
    chat_id: int,
    kind: DailyKind,
    now: datetime | None = None,
) -> Outcome:
    """Claim a chat's delivery of a kind and send it today's fact or quiz now, due or not,
    unless it already had one. Returns SENT or AMBIGUOUS (see Outcome), PENDING (a retry is
    due later), FAILED, STOPPED, or SKIPPED (nothing to send, or another claim holds it)."""
    store = application.bot_data.stores.daily
    at = now or _now()
    try:
        held = await store.claim(chat_id, kind, at, at + timedelta(seconds=DELIVERY_LEASE_SECONDS))
    except DATABASE_ERRORS as error:
        log.warning("%s for chat %s not claimed: database %s", _what(kind), chat_id, error)
        return Outcome.PENDING
    if held is None:
        return Outcome.SKIPPED
    return await _deliver_claim(application, held, now, on_time=False)


async def _deliver_claim(
    application: BotApplication, held: Claim, now: datetime | None, *, on_time: bool
) -> Outcome:
    state = application.bot_data.daily
    key = (held.chat_id, held.kind)
    if key in state.in_flight:
        # This process still sends the chat's delivery under an older claim (whose lease ran
        # out): that one is fenced off now, and this claim carries on once its lease ends.
        return Outcome.SKIPPED
    state.in_flight.add(key)
    try:
        async with state.delivery_slots:
            return await _deliver(application, held, now, on_time)
    except LostClaim:
        log.info(
            "%s for chat %s: its claim was taken over by another (its lease ran out); this "
            "one stops",
            _what(held.kind),
            held.chat_id,
        )
        return Outcome.SKIPPED
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
    application: BotApplication, held: Claim, now: datetime | None, on_time: bool
) -> Outcome:
    state = application.bot_data
    knowledge = state.knowledge  # the entries planned from are the ones sent
    chat_id, kind = held.chat_id, held.kind
    unrecorded = state.daily.unrecorded.pop((chat_id, kind), None)
    if unrecorded is not None:
        # Telegram took (part of) this fact and its record did not land: write it first,
        # under this claim, before anything else goes to the chat.
        if not await _record(application, held, unrecorded):
            return Outcome.PENDING
        if not unrecorded.done:
            return await _send_parts(application, held, unrecorded, knowledge)
        return unrecorded.outcome
    pack = knowledge.pack.in_language(await chat_language(state, chat_id))
    try:
        fact = await state.stores.daily.begin_delivery(
            held,
            tuple(entry.id for entry in pack.entries),
            now or _now(),
            _parts_of(pack, kind),
            state.settings.daily_delivery == "at-most-once",
            _lease(),
            on_time=on_time,
        )
    except DATABASE_ERRORS as error:
        log.warning(
            "%s for chat %s not sent: its sending cannot be recorded in database %s (%s); "
            "it is never sent unrecorded, and is tried again when its claim's lease runs out",
            _what(kind),
            chat_id,
            state.stores.database.path,
            error,
        )
        return Outcome.PENDING
    if fact is None:
        return Outcome.SKIPPED
    return await _send_parts(application, held, fact, knowledge)


async def _send_parts(
    application: BotApplication, held: Claim, fact: PendingFact, knowledge: Knowledge
) -> Outcome:
    """Send the parts Telegram has not taken yet, recording each answer before the next send."""
    state = application.bot_data
    store = state.stores.daily
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
            await _not_sending(application, held, fact)
            return await _retry_or_give_up(application, held, fact.chat_id, fact, str(busy))
        except NothingToDeliver as nothing:
            await _not_sending(application, held, fact)
            return await _give_up(application, held, fact.chat_id, fact, str(nothing))
        except Forbidden as error:
            return await _stop(application, fact.chat_id, error)
        except ChatMigrated as error:
            migrations += 1
            if migrations > MAX_MIGRATIONS:
                return await _give_up(application, held, fact.chat_id, fact, _describe(error))
            try:
                await move_subscription(application, fact.chat_id, error.new_chat_id)
                fact = dataclasses.replace(fact, chat_id=error.new_chat_id)
                await store.save_pending(held, fact, _now(), _lease())
            except DATABASE_ERRORS as db_error:
                return await _retry_or_give_up(application, held, fact.chat_id, fact, str(db_error))
            continue
        except RetryAfter as error:
            retry_after_rounds += 1
            delay = error.retry_after
            seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
            if retry_after_rounds > MAX_RETRY_AFTER_ROUNDS:
                await _not_sending(application, held, fact)
                return await _retry_or_give_up(
                    application, held, fact.chat_id, fact, _describe(error)
                )
            await asyncio.sleep(seconds)
            try:
                # The wait may have outlasted a good part of the lease: renew it (and check
                # the claim still holds) before sending again.
                await store.hold(held, fact.chat_id, _lease())
            except DATABASE_ERRORS:
                return Outcome.PENDING  # tried again when the lease runs out
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
                return await _give_up(application, held, fact.chat_id, fact, _describe(error))
            else:
                await _not_sending(application, held, fact)
                return await _retry_or_give_up(
                    application, held, fact.chat_id, fact, _describe(error)
                )
        else:
            fact = fact.part_sent()
        if not await _record(application, held, fact):
            return Outcome.PENDING
    return fact.outcome


def _describe(error: TelegramError) -> str:
    return f"{type(error).__name__}: {error.message}"


async def _record(application: BotApplication, held: Claim, fact: PendingFact) -> bool:
    """Write what Telegram took: the outcome of a finished fact (closing the claim and the
    chat's day), or the progress of a long one (which is also the intent to send its next
    part). If the database refuses, keep it in memory: it is written first when the chat is
    claimed again (its lease runs out, then the loop takes it), and nothing more is sent to
    the chat until it lands."""
    state = application.bot_data
    store = state.stores.daily
    try:
        if fact.done:
            await store.finish(held, fact, fact.outcome, fact.entry_id, _now())
        else:
            await store.save_pending(held, fact, _now(), _lease())
    except DATABASE_ERRORS as error:
        state.daily.unrecorded[(fact.chat_id, fact.kind)] = fact
        log.warning(
            "%s for chat %s was delivered but cannot be recorded in database %s yet "
            "(%s); kept in memory and written again in %.0f s",
            _what(fact.kind),
            fact.chat_id,
            state.stores.database.path,
            error,
            DELIVERY_LEASE_SECONDS,
        )
        return False
    return True


async def _not_sending(application: BotApplication, held: Claim, fact: PendingFact) -> None:
    """Note that nothing is in flight, so the next claim sends the part again; if the
    database refuses, the next claim counts that part as it counts an unanswered one."""
    with contextlib.suppress(LostClaim, *DATABASE_ERRORS):
        await application.bot_data.stores.daily.mark_not_sending(held, fact.chat_id, _lease())


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
    held: Claim,
    chat_id: int,
    fact: PendingFact | None,
    detail: str,
) -> Outcome:
    """Make the chat due again after a back-off, if that falls inside the day's retry
    window; else give up. If the database refuses, the claim's lease running out is the
    retry."""
    kind = held.kind
    delay = retry_delay(held.attempts)
    store = application.bot_data.stores.daily
    try:
        window = await _retry_window(
            application, chat_id, fact.local_day if fact is not None else None, kind
        )
        if window is None:
            await store.release(held, chat_id, _now(), _lease())
            return Outcome.SKIPPED
        _day, ends = window
        if _now() + timedelta(seconds=delay) >= ends:
            return await _give_up(application, held, chat_id, fact, detail)
        await store.retry_later(held, chat_id, _now() + timedelta(seconds=delay), _now())
    except DATABASE_ERRORS:
        return Outcome.PENDING
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
    held: Claim,
    chat_id: int,
    fact: PendingFact | None,
    detail: str,
) -> Outcome:
    """Close the chat's day undelivered (any part Telegram took still moves it on)."""
    store = application.bot_data.stores.daily
    kind = held.kind
    try:
        if fact is not None:
            await store.finish(held, fact, Outcome.FAILED, detail, _now())
        else:
            await store.give_up(held, chat_id, detail, _now(), None)
    except DATABASE_ERRORS as error:
        # Nothing was sent: the claim's lease runs out and the day is tried again.
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
    """Telegram refuses the chat: nothing of any kind goes there until it lets the bot back
    (stopping fences off every claim on the chat)."""
    try:
        await application.bot_data.stores.daily.stop(chat_id, error.message, _now())
    except DATABASE_ERRORS as db_error:
        log.warning("daily posts to chat %s not marked stopped: database %s", chat_id, db_error)
    log.warning("daily posts to chat %s stopped: Telegram says %s", chat_id, error.message)
    return Outcome.STOPPED


async def move_subscription(
    application: BotApplication, old_chat_id: int, new_chat_id: int
) -> None:
    """Follow a group that became a supergroup: its subscriptions (due times and any claim
    with them) move to the new id."""
    store = application.bot_data.stores.daily
    if await store.move(old_chat_id, new_chat_id, _now()):
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
            log.info("daily posts to chat %s stopped: %s", chat_id, reason)
    elif was_gone and not now_gone:
        resumed = [found for found in await store.resume(chat_id, _now()) if found.deliverable]
        if resumed:
            log.info("daily posts to chat %s resumed", chat_id)


async def on_startup(application: BotApplication) -> None:
    """Start the delivery loop. Nothing is settled here: what an earlier run (or a replica
    that stopped) left half done is claimed by the loop once its lease runs out, and what
    fell due while the bot was down is due now."""
    store = application.bot_data.stores.daily
    now = _now()
    await store.prune_deliveries(now)
    await store.fill_due(now)
    startup_lines: tuple[tuple[DailyKind, str, str], ...] = (
        ("fact", "daily facts", "sent"),
        ("quiz", "daily quizzes", "started"),
    )
    for kind, what, verb in startup_lines:
        every, due_now = await store.due_counts(now, kind)
        log.info("%s: %d chats scheduled, %d missed today %s now", what, every, due_now, verb)
    run_loop(application, delivery_tick, LOOP_INTERVAL, LOOP_JOB)


def observers() -> list[BaseHandler[Update, Context, None]]:
    """Handlers that keep subscriptions pointed at live chats; they must see every migration
    and membership change, so they go in a group of their own."""
    return [
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration),
        ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]
