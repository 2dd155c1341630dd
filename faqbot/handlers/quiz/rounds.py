"""The round engine: posting quiz polls one after another, closing them, and counting answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from typing import Any, cast

from telegram import InputPollOption, Message, Poll, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, PollAnswerHandler, PollHandler

from faqbot.bot.messaging import send, thread_of
from faqbot.bot.rendering import html_message
from faqbot.bot.state import BotApplication, Context, Round, RoundKind, Tally
from faqbot.handlers.quiz.views import round_summary
from faqbot.knowledge.quiz_items import shuffled_options
from faqbot.knowledge.schema import QUIZ_QUESTION_LIMIT, QuizItem
from faqbot.storage.quiz import AnswerOutcome, OpenPoll

log = logging.getLogger(__name__)

# A closed poll is forgotten only this long after it closes (or after a restart, for polls
# that closed while the bot was down), so answers Telegram took just before the close, still on
# their way to the bot, are counted first.
ANSWER_GRACE_SECONDS = 10.0
OPENING_WAIT_SECONDS = 10.0

rng = random.Random()


def _close_job_name(poll_id: str) -> str:
    return f"quiz-close:{poll_id}"


def _open_period(settings_period: int) -> tuple[int, int]:
    """Seconds for Telegram's own countdown (within its bounds), and for our stopPoll job."""
    shown = min(max(settings_period, Poll.MIN_OPEN_PERIOD), Poll.MAX_OPEN_PERIOD)
    return shown, min(settings_period, shown)


def start_round(
    application: BotApplication,
    message: Message,
    kind: RoundKind,
    items: list[QuizItem],
    language: str = "en",
) -> Round | None:
    """Claim the chat for a new round; None if one is running (one round per chat)."""
    rounds = application.bot_data.quiz.rounds
    if message.chat_id in rounds:
        return None
    started = Round(
        chat_id=message.chat_id,
        thread_id=thread_of(message),
        starter_id=message.from_user.id if message.from_user else None,
        kind=kind,
        items=list(items),
        total=len(items),
        language=language,
    )
    rounds[message.chat_id] = started
    return started


async def post_next(application: BotApplication, current: Round) -> None:
    """Send the round's next poll and schedule its close, or end the round if none is left."""
    if not current.items:
        await finish_round(application, current)
        return
    item = current.items.pop(0)
    current.asked += 1
    question = item.question
    progress = f"[{current.asked}/{current.total}] "
    if current.total > 1 and len(progress) + len(question) <= QUIZ_QUESTION_LIMIT:
        question = progress + question
    # Until the poll is stored, an answer to it would look unknown; on_poll_answer waits.
    opening = asyncio.Event()
    application.bot_data.quiz.opening.add(opening)
    try:
        await _send_poll(application, current, item, question)
    finally:
        opening.set()
        application.bot_data.quiz.opening.discard(opening)


async def _send_poll(
    application: BotApplication, current: Round, item: QuizItem, question: str
) -> None:
    state = application.bot_data
    shown, closes_in = _open_period(state.settings.quiz_open_period)
    choice = shuffled_options(item, rng)
    try:
        sent = await application.bot.send_poll(
            current.chat_id,
            question,
            [InputPollOption(option, text_parse_mode=None) for option in choice.options],
            is_anonymous=False,
            type=Poll.QUIZ,
            # PTB types an option index as Literal[0..11]; a poll has at most four options.
            correct_option_ids=[cast(Any, choice.correct)],
            explanation=item.explanation,
            explanation_parse_mode=None,
            question_parse_mode=None,
            open_period=shown,
            message_thread_id=current.thread_id,
        )
    except TelegramError as error:
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
    await state.stores.quiz.add_poll(poll)
    current.poll_ids.add(poll.poll_id)
    _track(application, poll, closes_in)


def _track(application: BotApplication, poll: OpenPoll, closes_in: float) -> None:
    """Keep the poll in the live map and schedule the stopPoll that closes it."""
    application.bot_data.quiz.polls[poll.poll_id] = poll
    application.job_queue.run_once(
        close_poll_job,
        closes_in,
        data=poll.poll_id,
        name=_close_job_name(poll.poll_id),
        chat_id=poll.chat_id,
    )


async def close_poll_job(context: Context) -> None:
    """Stop a poll whose time is up, then move its round on."""
    poll_id = cast(str, context.job.data)
    poll = context.bot_data.quiz.polls.get(poll_id)
    if poll is None:
        return
    await _stop_poll(context.application, poll)
    await finish_poll(context.application, poll_id)


async def _stop_poll(application: BotApplication, poll: OpenPoll) -> None:
    try:
        await application.bot.stop_poll(poll.chat_id, poll.message_id)
    except BadRequest as error:
        # Telegram closes a poll itself at open_period; stopping it again is refused.
        log.debug("stopPoll for poll %s: %s", poll.poll_id, error)
    except TelegramError as error:
        log.warning("could not stop quiz poll %s: %s", poll.poll_id, error)


async def finish_poll(application: BotApplication, poll_id: str) -> None:
    """Forget a closed poll (once, however many times it is reported) and post the next one."""
    quiz = application.bot_data.quiz
    poll = quiz.polls.pop(poll_id, None)
    if poll is None:
        return
    for job in application.job_queue.get_jobs_by_name(_close_job_name(poll_id)):
        job.schedule_removal()
    application.job_queue.run_once(forget_poll_job, ANSWER_GRACE_SECONDS, data=poll_id)
    current = quiz.rounds.get(poll.chat_id)
    if current is not None and poll_id in current.poll_ids:
        await post_next(application, current)


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
    await send(
        application.bot,
        current.chat_id,
        html_message(round_summary(current, stopped)),
        thread_id=current.thread_id,
    )


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
            await _stop_poll(application, poll)
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

    async def record() -> AnswerOutcome | None:
        return await store.record_answer(
            answer.poll_id, user.id, name, answer.option_ids[0], answered_at
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
    if outcome is None:
        return
    current = quiz.rounds.get(outcome.poll.chat_id)
    if current is not None and answer.poll_id in current.poll_ids:
        tally = current.tally.setdefault(user.id, Tally(user.full_name))
        tally.answered += 1
        tally.correct += int(outcome.correct)


async def on_poll(update: Update, context: Context) -> None:
    """A poll closed (by its timer, or by us): move its round on if that has not happened yet."""
    if update.poll.is_closed:
        await finish_poll(context.application, update.poll.id)


async def on_startup(application: BotApplication) -> None:
    """Take back the polls left open by the last run, so their answers still count."""
    polls = await application.bot_data.stores.quiz.open_polls()
    now = time.time()
    for poll in polls:
        _track(application, poll, max(poll.closes_at - now, ANSWER_GRACE_SECONDS))
    if polls:
        log.info("resumed %d open quiz poll(s) from the last run", len(polls))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The poll and poll-answer handlers."""
    return [PollAnswerHandler(on_poll_answer), PollHandler(on_poll)]
