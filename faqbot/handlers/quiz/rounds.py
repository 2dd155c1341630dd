"""The round engine: posting quiz polls one after another, closing them, and counting answers."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

from telegram import InputPollOption, Poll, Update
from telegram.error import BadRequest, ChatMigrated, TelegramError
from telegram.ext import BaseHandler, PollAnswerHandler, PollHandler
from telegram.helpers import create_deep_linked_url

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
from faqbot.storage.database import DATABASE_ERRORS
from faqbot.storage.quiz import AnswerOutcome, OpenPoll, QuizSettings

log = logging.getLogger(__name__)

# A closed poll is forgotten only this long after it closes (or after a restart, for polls
# that closed while the bot was down), so answers Telegram took just before the close, still on
# their way to the bot, are counted first.
ANSWER_GRACE_SECONDS = 10.0
OPENING_WAIT_SECONDS = 10.0
# A poll still stored this long after its close was left by a replica that is gone (its own
# replica forgets it ANSWER_GRACE_SECONDS after the close): the leader takes it over.
ORPHAN_AFTER_SECONDS = 3 * ANSWER_GRACE_SECONDS
ORPHANS_CHECK_SECONDS = 30.0
ORPHANS_JOB = "quiz-orphan-polls"
# The first wait before an answer to a poll not stored yet is tried again (then doubled).
STORED_POLL_FIRST_WAIT = 0.05

rng = random.Random()


def _close_job_name(poll_id: str) -> str:
    return f"quiz-close:{poll_id}"


def _open_period(settings_period: int) -> tuple[int, int]:
    """Seconds for Telegram's own countdown (within its bounds), and for our close job."""
    shown = min(max(settings_period, Poll.MIN_OPEN_PERIOD), Poll.MAX_OPEN_PERIOD)
    return shown, min(settings_period, shown)


def _closed_by_telegram(poll: OpenPoll) -> bool:
    """Whether Telegram's own countdown has closed the poll by the time its close job runs.

    The countdown starts before Telegram answers sendPoll, and `opened_at` is taken after the
    answer, so a close job at `closes_at` runs after it whenever the two lengths are the same:
    every length Telegram takes (5 to 600 s). Only a shorter one needs a stopPoll.
    """
    return poll.closes_at - poll.opened_at >= Poll.MIN_OPEN_PERIOD


def default_settings(state: BotState) -> QuizSettings:
    """The settings of a chat that changed none: FAQBOT_QUIZ_OPEN_PERIOD, one question."""
    return quiz_store.default_settings(state.settings.quiz_open_period)


def start_round(
    application: BotApplication,
    chat_id: int,
    kind: RoundKind,
    items: list[QuizItem],
    settings: QuizSettings,
    *,
    thread_id: int | None = None,
    starter_id: int | None = None,
    language: str = "en",
) -> Round | None:
    """Claim the chat for a new round; None if one is running (one round per chat)."""
    rounds = application.bot_data.quiz.rounds
    if chat_id in rounds:
        return None
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
    rounds[chat_id] = started
    return started


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
        if state.quiz.rounds.get(current.chat_id) is current:
            del state.quiz.rounds[current.chat_id]
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
    try:
        await state.stores.quiz.add_poll(poll, state.settings.timezone)
    except DATABASE_ERRORS as error:
        # The poll is out: sending it again would show it twice. It still counts while the
        # bot runs; a restart before it closes forgets it.
        log.warning(
            "quiz poll %s in chat %s cannot be recorded in database %s (%s); its answers "
            "count until the bot restarts",
            poll.poll_id,
            poll.chat_id,
            state.stores.database.path,
            error,
        )
    current.poll_ids.add(poll.poll_id)
    current.posted[poll.poll_id] = item
    _track(application, poll, closes_in)


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
    current = start_round(application, chat_id, "quiz", items, settings)
    if current is None:
        raise ChatBusy(f"a quiz round is running in chat {chat_id}")
    try:
        await post_next(application, current, raising=True)
    except BaseException:
        # After a ChatMigrated, move_chat has moved the round to the supergroup's id.
        if state.quiz.rounds.get(current.chat_id) is current:
            del state.quiz.rounds[current.chat_id]
        raise
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
    for poll_id, poll in list(quiz.polls.items()):
        if poll.chat_id == old_chat_id:
            quiz.polls[poll_id] = dataclasses.replace(poll, chat_id=new_chat_id)
    if moved or running is not None:
        log.info("quiz of chat %s moved to %s", old_chat_id, new_chat_id)


def _track(application: BotApplication, poll: OpenPoll, closes_in: float) -> None:
    """Keep the poll in the live map and schedule the stopPoll that closes it."""
    application.bot_data.quiz.polls[poll.poll_id] = poll
    name = _close_job_name(poll.poll_id)
    application.job_queue.run_once(
        close_poll_job,
        closes_in,
        data=poll.poll_id,
        name=name,
        chat_id=poll.chat_id,
        # The name doubles as the job's id, so finish_poll finds it with a lookup instead of
        # a scan of every job (10,000 groups' daily rounds made that scan quadratic). A close
        # that starts late (a busy loop) still runs: APScheduler would drop it after 1 s.
        job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": None},
    )


async def close_poll_job(context: Context) -> None:
    """Stop a poll whose time is up (unless Telegram has closed it), then move its round on."""
    poll_id = cast(str, context.job.data)
    poll = context.bot_data.quiz.polls.get(poll_id)
    if poll is None:
        return
    if not _closed_by_telegram(poll):
        await _stop_poll(context.application, poll, FOLLOW_UP)
    await finish_poll(context.application, poll_id)


async def _stop_poll(application: BotApplication, poll: OpenPoll, pace: Pace) -> None:
    try:
        await application.bot.stop_poll(poll.chat_id, poll.message_id, rate_limit_args=pace)
    except BadRequest as error:
        # Telegram closes a poll itself at open_period; stopping it again is refused.
        log.debug("stopPoll for poll %s: %s", poll.poll_id, error)
    except TelegramError as error:
        log.warning("could not stop quiz poll %s: %s", poll.poll_id, error)


async def finish_poll(application: BotApplication, poll_id: str) -> None:
    """Forget a closed poll (once, however many times it is reported), reply to it with the
    right answer, and post the next one."""
    quiz = application.bot_data.quiz
    poll = quiz.polls.pop(poll_id, None)
    if poll is None:
        return
    scheduler = application.job_queue.scheduler
    if scheduler.get_job(_close_job_name(poll_id)) is not None:
        scheduler.remove_job(_close_job_name(poll_id))
    application.job_queue.run_once(
        forget_poll_job,
        ANSWER_GRACE_SECONDS,
        data=poll_id,
        job_kwargs={"misfire_grace_time": None},
    )
    await _reveal_answer(application, poll)
    current = quiz.rounds.get(poll.chat_id)
    if current is not None and poll_id in current.poll_ids:
        await post_next(application, current)


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


async def forget_poll_job(context: Context) -> None:
    """Drop a closed poll's row; answers to it from now on are stale."""
    await context.bot_data.stores.quiz.close_poll(cast(str, context.job.data))


async def finish_round(application: BotApplication, current: Round, stopped: bool = False) -> None:
    """End the round and post how it went (a lone /quiz poll needs no summary)."""
    rounds = application.bot_data.quiz.rounds
    if rounds.get(current.chat_id) is current:
        del rounds[current.chat_id]
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
    if stores.database.is_sqlite:
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
    """End a running round now: close its open polls and post the summary."""
    quiz = application.bot_data.quiz
    if quiz.rounds.get(current.chat_id) is not current:
        return  # stopped meanwhile, by someone else or by its last poll closing
    del quiz.rounds[current.chat_id]
    current.items.clear()
    for poll_id in list(current.poll_ids):
        poll = quiz.polls.get(poll_id)
        if poll is not None:
            await _stop_poll(application, poll, Pace())
            await finish_poll(application, poll_id)
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
    """A poll closed (by its timer, or by us): move its round on if that has not happened yet."""
    if update.poll.is_closed:
        await finish_poll(context.application, update.poll.id)


async def on_startup(application: BotApplication) -> None:
    """(The leader's) take back the polls left open by a run that is gone, so their answers
    still count and their rounds' answers are revealed; on PostgreSQL, keep looking."""
    await resume_polls(application, starting=True)
    if not application.bot_data.stores.database.is_sqlite:
        application.job_queue.run_repeating(
            _orphans_job,
            interval=ORPHANS_CHECK_SECONDS,
            first=ORPHANS_CHECK_SECONDS,
            name=ORPHANS_JOB,
            job_kwargs={"id": ORPHANS_JOB, "replace_existing": True},
        )


async def resume_polls(application: BotApplication, *, starting: bool = False) -> int:
    """Track the open polls no run here tracks: on SQLite at start-up every one (the last run
    is gone); on PostgreSQL those whose replica is surely gone, as their close and grace have
    passed with the row still there (the others belong to a replica still running them)."""
    state = application.bot_data
    now = time.time()
    single = state.stores.database.is_sqlite and starting
    polls = [
        poll
        for poll in await state.stores.quiz.open_polls()
        if poll.poll_id not in state.quiz.polls
        and (single or poll.closes_at + ORPHAN_AFTER_SECONDS < now)
    ]
    for poll in polls:
        _track(application, poll, max(poll.closes_at - now, ANSWER_GRACE_SECONDS))
    if polls:
        log.info("resumed %d open quiz poll(s) left by a run that is gone", len(polls))
    return len(polls)


async def _orphans_job(context: Context) -> None:
    try:
        await resume_polls(context.application)
    except DATABASE_ERRORS as error:
        log.warning("quiz: could not look for polls left open (%s); tries again", error)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The poll and poll-answer handlers."""
    return [PollAnswerHandler(on_poll_answer), PollHandler(on_poll)]
