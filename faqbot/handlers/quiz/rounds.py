"""The round engine: posting quiz polls one after another, closing them, and counting answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

from telegram import InputPollOption, Poll, Update
from telegram.error import BadRequest, ChatMigrated, TelegramError
from telegram.ext import BaseHandler, PollAnswerHandler, PollHandler
from telegram.helpers import create_deep_linked_url

from faqbot.bot.jobs import run_loop
from faqbot.bot.language import chat_language
from faqbot.bot.messaging import send
from faqbot.bot.pacing import FOLLOW_UP, Pace
from faqbot.bot.rendering import Rendered, answer_prefix, callback, html_message
from faqbot.bot.state import (
    BotApplication,
    BotState,
    ChatBusy,
    Context,
    NothingToDeliver,
    Round,
    RoundKind,
    Tally,
)
from faqbot.handlers.quiz.views import read_answer_keyboard, revealed_answer, round_summary
from faqbot.knowledge.quiz_items import shuffled_options
from faqbot.knowledge.schema import QUIZ_QUESTION_LIMIT, QuizItem
from faqbot.storage import quiz as quiz_store
from faqbot.storage.claims import LostClaim
from faqbot.storage.database import DATABASE_ERRORS
from faqbot.storage.quiz import AnswerOutcome, CloseClaim, OpenPoll, QuizSettings, StoredRound

log = logging.getLogger(__name__)

# A closed poll is forgotten only this long after it closes, so answers Telegram took just
# before the close, still on their way to the bot, are counted first.
ANSWER_GRACE_SECONDS = 10.0
OPENING_WAIT_SECONDS = 10.0
# Closing polls: every process runs the close loop, a repeating job that claims the polls
# whose close is due (storage/claims.py), so a poll is closed once, within a beat of its time,
# by whichever process is alive; and renews the leases of the closes it is doing and the
# rounds it is starting, while they go on. A process that stops, or a close or start that
# failed, loses them to another when the lease runs out.
CLOSE_LOOP_JOB = "quiz-closes"
CLOSE_LOOP_SECONDS = 1.0
CLOSE_LEASE_SECONDS = 15.0
CLOSE_BATCH = 500  # closes claimed per beat at most
# The first wait before an answer to a poll not stored yet is tried again (then doubled).
STORED_POLL_FIRST_WAIT = 0.05

rng = random.Random()


def _open_period(settings_period: int) -> tuple[int, int]:
    """Seconds for Telegram's own countdown (within its bounds), and until the close loop
    closes the poll."""
    shown = min(max(settings_period, Poll.MIN_OPEN_PERIOD), Poll.MAX_OPEN_PERIOD)
    return shown, min(settings_period, shown)


def _closed_by_telegram(poll: OpenPoll) -> bool:
    """Whether Telegram's own countdown has closed the poll by the time the close loop claims
    its close (at `closes_at` or later).

    The countdown starts before Telegram answers sendPoll, and `opened_at` is taken after the
    answer, so a close at `closes_at` comes after it whenever the two lengths are the same:
    every length Telegram takes (5 to 600 s). Only a shorter one needs a stopPoll.
    """
    return poll.closes_at - poll.opened_at >= Poll.MIN_OPEN_PERIOD


def default_settings(state: BotState) -> QuizSettings:
    """The settings of a chat that changed none: FAQBOT_QUIZ_OPEN_PERIOD, one question."""
    return quiz_store.default_settings(state.settings.quiz_open_period)


class RoundRunning(ChatBusy):
    """A round cannot start: the chat is running one, here or on another replica."""

    def __init__(self, chat_id: int, asked: int, total: int) -> None:
        super().__init__(f"a quiz round is running in chat {chat_id}")
        self.asked = asked
        self.total = total


def _stored(current: Round) -> StoredRound:
    return StoredRound(
        chat_id=current.chat_id,
        round_id=current.round_id,
        kind=current.kind,
        thread_id=current.thread_id,
        starter_id=current.starter_id,
        language=current.language,
        item_keys=tuple(item.key for item in current.items),
        asked=current.asked,
        total=current.total,
        open_period=current.open_period,
        show_explanation=current.show_explanation,
        started_at=current.started_at,
    )


async def start_round(
    application: BotApplication,
    chat_id: int,
    kind: RoundKind,
    items: list[QuizItem],
    settings: QuizSettings,
    *,
    thread_id: int | None = None,
    starter_id: int | None = None,
    language: str = "en",
) -> Round:
    """Claim the chat for a new round, in the database (one round per chat, across every
    replica); RoundRunning if one is running."""
    state = application.bot_data
    started = Round(
        chat_id=chat_id,
        thread_id=thread_id,
        starter_id=starter_id,
        kind=kind,
        items=list(items),
        total=len(items),
        open_period=settings.open_period,
        show_explanation=settings.show_explanation,
        language=language,
    )
    now = time.time()
    running = await state.stores.quiz.begin_round(
        _stored(started), state.quiz.replica, now, now + CLOSE_LEASE_SECONDS
    )
    if running is not None:
        raise RoundRunning(chat_id, running.asked, running.total)
    state.quiz.rounds[chat_id] = started
    state.quiz.starting.add(started.round_id)  # its lease is renewed until `starting` ends
    return started


@contextlib.asynccontextmanager
async def starting(application: BotApplication, current: Round) -> AsyncIterator[None]:
    """Wrap what follows start_round up to the round's first poll: if that fails, the round
    ends; either way its lease is no longer renewed (a sent poll holds the round now)."""
    try:
        yield
    except BaseException:
        # After a ChatMigrated, move_chat has moved the round to the supergroup's id.
        await _end_round(application, current)
        raise
    finally:
        application.bot_data.quiz.starting.discard(current.round_id)


async def _end_round(application: BotApplication, current: Round) -> None:
    """Forget a round here and in the database (so the chat may start another)."""
    state = application.bot_data
    if state.quiz.rounds.get(current.chat_id) is current:
        del state.quiz.rounds[current.chat_id]
    try:
        await state.stores.quiz.end_round(current.chat_id, current.round_id)
    except DATABASE_ERRORS as error:
        log.warning(
            "quiz round in chat %s not ended in database %s (%s); the chat is free again "
            "once its lease runs out",
            current.chat_id,
            state.stores.database.path,
            error,
        )


async def running_round(application: BotApplication, chat_id: int) -> Round | None:
    """The round the chat is running, on any replica: this process's own, or one taken up
    from the database."""
    stored = await application.bot_data.stores.quiz.round_of(chat_id)
    return _taken_up(application, stored) if stored is not None else None


def _taken_up(application: BotApplication, stored: StoredRound) -> Round:
    """The round as this process holds it, if it is the one stored; else rebuilt from the
    database (another process moved it on), with its items from the pack."""
    rounds = application.bot_data.quiz.rounds
    mine = rounds.get(stored.chat_id)
    if mine is not None and mine.round_id == stored.round_id and mine.asked == stored.asked:
        return mine
    knowledge = application.bot_data.knowledge
    bank = knowledge.bank_in(stored.language)
    items = [
        item
        for key in stored.item_keys
        if (item := bank.get(key) or knowledge.bank.get(key)) is not None
    ]
    taken = Round(
        chat_id=stored.chat_id,
        thread_id=stored.thread_id,
        starter_id=stored.starter_id,
        kind=cast(RoundKind, stored.kind),
        items=items,
        total=stored.total,
        open_period=stored.open_period,
        show_explanation=stored.show_explanation,
        language=stored.language,
        asked=stored.asked,
        poll_ids={stored.poll_id} if stored.poll_id is not None else set(),
        started_at=stored.started_at,
        round_id=stored.round_id,
        resumed=True,
    )
    rounds[stored.chat_id] = taken
    return taken


async def post_next(application: BotApplication, current: Round, *, raising: bool = False) -> None:
    """Send the round's next poll and schedule its close, or end the round if none is left.

    A poll Telegram refuses ends the round; raising=True raises its TelegramError instead
    (ChatMigrated included), for a caller that retries.
    """
    if not current.items:
        await finish_round(application, current)
        return
    item = current.items.pop(0)
    current.asked += 1
    # A round's first poll is what starts it; the later ones let other chats' rounds start
    # first (a daily quiz to many groups at one minute).
    pace = Pace() if current.asked == 1 else FOLLOW_UP
    question = item.question
    progress = f"[{current.asked}/{current.total}] "
    if current.total > 1 and len(progress) + len(question) <= QUIZ_QUESTION_LIMIT:
        question = progress + question
    # Until the poll is stored, an answer to it would look unknown; on_poll_answer waits.
    opening = asyncio.Event()
    application.bot_data.quiz.opening.add(opening)
    try:
        await _send_poll(application, current, item, question, pace, raising=raising)
    finally:
        opening.set()
        application.bot_data.quiz.opening.discard(opening)


async def _send_poll(
    application: BotApplication,
    current: Round,
    item: QuizItem,
    question: str,
    pace: Pace,
    *,
    raising: bool = False,
) -> None:
    state = application.bot_data
    shown, closes_in = _open_period(current.open_period)
    choice = shuffled_options(item, rng)
    options: dict[str, Any] = {
        "is_anonymous": False,
        "type": Poll.QUIZ,
        # PTB types an option index as Literal[0..11]; a poll has at most four options.
        "correct_option_ids": [cast(Any, choice.correct)],
        "explanation": item.explanation if current.show_explanation else None,
        "explanation_parse_mode": None,
        "question_parse_mode": None,
        "open_period": shown,
        "message_thread_id": current.thread_id,
        "rate_limit_args": pace,
    }
    poll_options = [InputPollOption(option, text_parse_mode=None) for option in choice.options]
    try:
        try:
            sent = await application.bot.send_poll(
                current.chat_id, question, poll_options, **options
            )
        except ChatMigrated as migrated:
            # The group became a supergroup before its migration message reached us.
            await move_chat(application, current.chat_id, migrated.new_chat_id)
            if raising:
                raise
            sent = await application.bot.send_poll(
                current.chat_id, question, poll_options, **options
            )
    except TelegramError as error:
        if raising:
            raise
        log.warning(
            "could not send a quiz poll to chat %s (%s); its round ends here",
            current.chat_id,
            error,
        )
        await _end_round(application, current)
        return
    opened_at = time.time()
    poll = OpenPoll(
        poll_id=sent.poll.id,
        chat_id=current.chat_id,
        message_id=sent.message_id,
        item_key=item.key,
        correct_option=choice.correct,
        opened_at=opened_at,
        closes_at=opened_at + closes_in,
    )
    current.poll_ids.add(poll.poll_id)
    current.posted[poll.poll_id] = item
    try:
        # The round waits on this poll now: whichever process claims its close moves it on.
        waits = await state.stores.quiz.poll_sent(
            poll,
            state.settings.timezone,
            current.round_id,
            tuple(next_item.key for next_item in current.items),
            current.asked,
            state.quiz.replica,
        )
    except DATABASE_ERRORS as error:
        # The poll is out: sending it again would show it twice. Unrecorded, nobody closes it
        # (Telegram's countdown does) nor counts its answers, and its round ends here.
        log.warning(
            "quiz poll %s in chat %s cannot be recorded in database %s (%s); its answers do "
            "not count and its round ends",
            poll.poll_id,
            poll.chat_id,
            state.stores.database.path,
            error,
        )
        await _end_round(application, current)
        return
    if not waits:
        # The round was stopped while the poll was on its way; the poll is recorded closed.
        log.info(
            "quiz poll %s in chat %s stopped: its round was stopped", poll.poll_id, poll.chat_id
        )
        if state.quiz.rounds.get(current.chat_id) is current:
            del state.quiz.rounds[current.chat_id]
        await _stop_poll(application, poll, FOLLOW_UP)


async def start_daily_round(application: BotApplication, chat_id: int) -> None:
    """The daily quiz's deliverer (DailyState.deliverers): start a round of the chat's round
    size and send its first poll. A refused poll raises its TelegramError and leaves no round
    behind, so the daily scheduler retries it; the later polls follow as in any round."""
    state = application.bot_data
    bank = state.knowledge.bank
    if not bank.items:
        raise NothingToDeliver("the knowledge pack has no quiz items")
    settings = await state.stores.quiz.settings(chat_id, default_settings(state))
    recent = application.chat_data[chat_id].recent_quiz_items
    items = bank.choose(settings.round_size, rng, avoid=set(recent))
    current = await start_round(application, chat_id, "quiz", items, settings)
    async with starting(application, current):
        await post_next(application, current, raising=True)
    recent.extend(item.key for item in items)


async def move_chat(application: BotApplication, old_chat_id: int, new_chat_id: int) -> None:
    """Follow a group that became a supergroup: its scores, settings, open polls and the round
    it is running all move to the new chat id (a second call for the same move changes nothing).
    """
    quiz = application.bot_data.quiz
    moved = await application.bot_data.stores.quiz.move_chat(old_chat_id, new_chat_id)
    running = quiz.rounds.pop(old_chat_id, None)
    if running is not None and new_chat_id not in quiz.rounds:
        running.chat_id = new_chat_id
        running.thread_id = None  # a basic group has no topics
        quiz.rounds[new_chat_id] = running
    if moved or running is not None:
        log.info("quiz of chat %s moved to %s", old_chat_id, new_chat_id)


async def _stop_poll(application: BotApplication, poll: OpenPoll, pace: Pace) -> None:
    try:
        await application.bot.stop_poll(poll.chat_id, poll.message_id, rate_limit_args=pace)
    except BadRequest as error:
        # Telegram closes a poll itself at open_period; stopping it again is refused.
        log.debug("stopPoll for poll %s: %s", poll.poll_id, error)
    except TelegramError as error:
        log.warning("could not stop quiz poll %s: %s", poll.poll_id, error)


async def close_due(
    application: BotApplication, now: float | None = None
) -> list[asyncio.Task[None]]:
    """The close loop's beat: renew this process's leases, forget polls closed a grace period
    ago, and start closing the polls that are due (each in a task; returned)."""
    state = application.bot_data
    quiz = state.quiz
    at = time.time() if now is None else now
    try:
        claims = await state.stores.quiz.close_tick(
            quiz.replica,
            at,
            at + CLOSE_LEASE_SECONDS,
            at - ANSWER_GRACE_SECONDS,
            CLOSE_BATCH,
            closing=quiz.closing,
            starting=quiz.starting,
        )
    except DATABASE_ERRORS as error:
        if not quiz.close_failures:
            log.warning(
                "quiz: cannot claim polls to close in database %s (%s); tries again each "
                "second until the database answers",
                state.stores.database.path,
                error,
            )
        quiz.close_failures += 1
        return []
    if quiz.close_failures:
        log.info("quiz: claims polls to close again")
        quiz.close_failures = 0
    return [
        application.create_task(
            close_poll(application, held), name=f"quiz-close:{held.poll.poll_id}"
        )
        for held in claims
    ]


async def _close_loop_job(context: Context) -> None:
    await close_due(context.application)


async def close_poll(
    application: BotApplication,
    held: CloseClaim,
    pace: Pace = FOLLOW_UP,
    *,
    stop: bool | None = None,
) -> None:
    """Close a claimed poll: stop it (stop=None: unless Telegram's countdown has closed it),
    reply with the right answer, move its round on (its next poll, or its summary), then
    record the close under the claim."""
    state = application.bot_data
    quiz = state.quiz
    poll = held.poll
    older = quiz.closing.get(poll.poll_id)
    if older is not None:
        # This process closes it already, under an older claim whose lease ran out: that
        # close records itself under this newer claim.
        if held.token > older.token:
            quiz.closing[poll.poll_id] = held
        return
    quiz.closing[poll.poll_id] = held
    try:
        if stop or (stop is None and not _closed_by_telegram(poll)):
            await _stop_poll(application, poll, pace)
        await _reveal_answer(application, poll)
        current = await _round_waiting_on(application, poll)
        if current is not None:
            try:
                await post_next(application, current)
            except TelegramError as error:
                # The summary refused (the bot was removed): the round has ended all the same.
                log.warning(
                    "quiz round in chat %s did not go on after poll %s (%s)",
                    poll.chat_id,
                    poll.poll_id,
                    error,
                )
        await state.stores.quiz.mark_closed(quiz.closing[poll.poll_id], time.time())
    except LostClaim:
        log.info(
            "quiz poll %s: its close was taken over by another claim (its lease ran out)",
            poll.poll_id,
        )
    except DATABASE_ERRORS as error:
        log.warning(
            "quiz poll %s closed but not recorded in database %s (%s); its claim's lease runs "
            "out and it is closed again",
            poll.poll_id,
            state.stores.database.path,
            error,
        )
    finally:
        del quiz.closing[poll.poll_id]


async def _round_waiting_on(application: BotApplication, poll: OpenPoll) -> Round | None:
    """The chat's round, if it waits on this poll (not stopped, nor moved on already by an
    earlier close of it)."""
    stored = await application.bot_data.stores.quiz.round_of(poll.chat_id)
    if stored is None or stored.poll_id != poll.poll_id:
        rounds = application.bot_data.quiz.rounds
        mine = rounds.get(poll.chat_id)
        if mine is not None and poll.poll_id in mine.poll_ids:
            del rounds[poll.chat_id]  # ended, stopped or moved on elsewhere
        return None
    return _taken_up(application, stored)


async def finish_poll(
    application: BotApplication, poll_id: str, pace: Pace = FOLLOW_UP, *, stop: bool = False
) -> bool:
    """Close a poll now, due or not (Telegram says it closed; or, with stop, its round is
    stopped), unless it is closed or another process is closing it; True if this call did."""
    state = application.bot_data
    now = time.time()
    held = await state.stores.quiz.claim_close(
        poll_id, state.quiz.replica, now, now + CLOSE_LEASE_SECONDS
    )
    if held is None:
        return False
    await close_poll(application, held, pace, stop=stop)
    return True


async def _reveal_answer(application: BotApplication, poll: OpenPoll) -> None:
    """Reply to a closed poll with its right option and a way to read the full answer: a deep
    link into a private chat from a group, a button in a private chat."""
    state = application.bot_data
    # Said unasked, to the chat: in the chat's language, as its polls are.
    language = await chat_language(state, poll.chat_id)
    knowledge = state.knowledge
    item = knowledge.bank_in(language).get(poll.item_key) or _round_item(state, poll)
    if item is None:
        return  # the pack changed while the poll was open, and no round holds the item
    if poll.chat_id > 0:  # private chats have positive ids
        prefix = answer_prefix(knowledge.pack.in_language(language))
        keyboard = read_answer_keyboard(None, callback(prefix, item.entry_id), language)
    else:
        url = create_deep_linked_url(application.bot.username, item.entry_id)
        keyboard = read_answer_keyboard(url, None, language)
    [message] = html_message(revealed_answer(item.correct, language))
    try:
        await send(
            application.bot,
            poll.chat_id,
            [Rendered(message.html, message.plain, keyboard)],
            reply_to=poll.message_id,
            pace=FOLLOW_UP,
        )
    except TelegramError as error:
        log.warning("could not reply to quiz poll %s with its answer: %s", poll.poll_id, error)


def _round_item(state: BotState, poll: OpenPoll) -> QuizItem | None:
    """A poll's item from the round that asked it: a round keeps its items through a reload
    that removed them from the pack."""
    current = state.quiz.rounds.get(poll.chat_id)
    return current.posted.get(poll.poll_id) if current is not None else None


async def finish_round(application: BotApplication, current: Round, stopped: bool = False) -> None:
    """End the round and post how it went (a lone /quiz poll needs no summary)."""
    if not stopped:
        await _end_round(application, current)
    if current.total == 1 and current.kind == "quiz" and not stopped:
        return
    await _tally_from_database(application, current)
    await send(
        application.bot,
        current.chat_id,
        html_message(round_summary(current, stopped)),
        thread_id=current.thread_id,
        pace=Pace() if stopped else FOLLOW_UP,  # /quiz stop is answered as any command
    )


async def _tally_from_database(application: BotApplication, current: Round) -> None:
    """With several replicas (PostgreSQL), the answers of the round's polls that reached the
    others count too: the tally is read back from the database. Unreadable, the answers this
    replica saw stand."""
    stores = application.bot_data.stores
    if stores.database.is_sqlite and not current.resumed:
        return  # one process saw every answer
    try:
        scores = await stores.quiz.round_scores(current.chat_id, current.started_at)
    except DATABASE_ERRORS as error:
        log.warning(
            "quiz round in chat %s summed up from this replica only (%s)", current.chat_id, error
        )
        return
    current.tally = {
        score.user_id: Tally(score.name, score.answered, score.correct, score.fastest)
        for score in scores
    }


async def stop_round(application: BotApplication, current: Round) -> None:
    """End a running round now: close its open poll and post the summary."""
    quiz = application.bot_data.quiz
    if not await application.bot_data.stores.quiz.end_round(current.chat_id, current.round_id):
        return  # stopped meanwhile, by someone else or by its last poll closing
    if quiz.rounds.get(current.chat_id) is current:
        del quiz.rounds[current.chat_id]
    current.items.clear()
    for poll_id in list(current.poll_ids):
        await finish_poll(application, poll_id, Pace(), stop=True)
    await finish_round(application, current, stopped=True)


async def on_poll_answer(update: Update, context: Context) -> None:
    """Count a quiz answer once; unknown, stale and repeated answers change nothing."""
    answer = update.poll_answer
    user = answer.user
    if user is None or not answer.option_ids:
        return  # voting as a channel, or a retracted vote
    quiz, store = context.bot_data.quiz, context.bot_data.stores.quiz
    name = user.full_name or user.username or str(user.id)
    answered_at = time.time()
    zone_name = context.bot_data.settings.timezone

    async def record() -> AnswerOutcome | None:
        return await store.record_answer(
            answer.poll_id, user.id, name, answer.option_ids[0], answered_at, zone_name
        )

    outcome = await record()
    pending = list(quiz.opening)
    if outcome is None and pending:
        # The answer may have overtaken the sendPoll response of the poll it belongs to.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(event.wait() for event in pending)), OPENING_WAIT_SECONDS
            )
        outcome = await record()
    if outcome is None and not context.bot_data.stores.database.is_sqlite:
        # ... or, behind a load balancer, the poll another replica sent and is storing.
        outcome = await _recorded_once_stored(record)
    if outcome is None:
        return
    current = quiz.rounds.get(outcome.poll.chat_id)
    if current is not None and answer.poll_id in current.poll_ids:
        tally = current.tally.setdefault(user.id, Tally(name))
        tally.name = name
        tally.answered += 1
        if outcome.correct:
            tally.correct += 1
            if tally.fastest is None or outcome.seconds < tally.fastest:
                tally.fastest = outcome.seconds


async def _recorded_once_stored(
    record: Callable[[], Awaitable[AnswerOutcome | None]],
) -> AnswerOutcome | None:
    """Record an answer to a poll not stored yet, as soon as it is, within OPENING_WAIT_SECONDS."""
    deadline = time.monotonic() + OPENING_WAIT_SECONDS
    delay = STORED_POLL_FIRST_WAIT
    while time.monotonic() < deadline:
        await asyncio.sleep(delay)
        if (outcome := await record()) is not None:
            return outcome
        delay = min(delay * 2, 1.0)
    return None


async def on_poll(update: Update, context: Context) -> None:
    """A poll closed (by its timer, or by us): close it here if no process has yet."""
    if update.poll.is_closed:
        await finish_poll(context.application, update.poll.id)


def start_closing(application: BotApplication) -> None:
    """Start the close loop (on every process): polls left open by a run or a replica that is
    gone are closed at their time, or at once if it has passed."""
    run_loop(application, _close_loop_job, CLOSE_LOOP_SECONDS, CLOSE_LOOP_JOB)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The poll and poll-answer handlers."""
    return [PollAnswerHandler(on_poll_answer), PollHandler(on_poll)]
