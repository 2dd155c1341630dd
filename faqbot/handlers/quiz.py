"""/quiz rounds of quiz polls, scores from poll answers, /top leaderboards and /review."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import random
import time
from collections import deque
from dataclasses import dataclass, field
from functools import partial

from telegram import InputPollOption, Message, Poll, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    PollHandler,
    filters,
)

from faqbot.bot import quiz_store
from faqbot.bot.chat_admins import is_chat_admin
from faqbot.bot.menu import PRIVATE, menu
from faqbot.bot.messaging import reply, send
from faqbot.bot.quiz_store import OpenPoll
from faqbot.bot.rendering import html_message
from faqbot.bot.services import services
from faqbot.knowledge.quiz import (
    QuizBank,
    QuizItem,
    due_for_review,
    shuffled_options,
)
from faqbot.knowledge.schema import QUIZ_QUESTION_LIMIT

log = logging.getLogger(__name__)

BANK_KEY = "quiz_bank"
POLLS_KEY = "quiz_polls"  # poll id -> OpenPoll, for polls not closed yet
ROUNDS_KEY = "quiz_rounds"  # chat id -> Round, for chats with a round running
OPENING_KEY = "quiz_opening"  # one Event per poll being sent and stored
RECENT_KEY = "quiz_recent"  # in chat_data: keys of items asked lately, to avoid repeats
MAX_ROUND = 20
REVIEW_ROUND = 5
RECENT_ITEMS = 30
# A closed poll is forgotten only this long after it closes (or after a restart, for polls
# that closed while the bot was down), so answers Telegram took just before the close, still on
# their way to the bot, are counted first.
ANSWER_GRACE_SECONDS = 10.0
# Group migrations are observed beside the daily-facts handlers, in a group of their own.
MIGRATION_GROUP = 2
OPENING_WAIT_SECONDS = 10.0

USAGE = (
    "Send /quiz for one question, /quiz N for a round of N questions (1 to "
    f"{MAX_ROUND}), or /quiz stop to end the round."
)
NO_ITEMS = "This knowledge pack has no quiz questions."
STOP_REFUSED = "Only whoever started this round, or a chat admin, can stop it."
REVIEW_IN_PRIVATE = "Send /review to me in a private chat: it quizzes you on what you got wrong."

_rng = random.Random()


@dataclass
class Round:
    """The polls one chat is working through, posted one after another."""

    chat_id: int
    thread_id: int | None
    starter_id: int | None
    kind: str  # "quiz" or "review"
    items: list[QuizItem]
    total: int
    asked: int = 0
    poll_ids: set[str] = field(default_factory=set)
    tally: dict[int, Tally] = field(default_factory=dict)  # by user id


@dataclass
class Tally:
    """One player's answers in one round."""

    name: str
    answered: int = 0
    correct: int = 0


def _polls(application: Application) -> dict[str, OpenPoll]:
    return application.bot_data.setdefault(POLLS_KEY, {})


def _opening(application: Application) -> set[asyncio.Event]:
    return application.bot_data.setdefault(OPENING_KEY, set())


def _rounds(application: Application) -> dict[int, Round]:
    return application.bot_data.setdefault(ROUNDS_KEY, {})


def _bank(application: Application) -> QuizBank:
    return application.bot_data[BANK_KEY]


def _close_job_name(poll_id: str) -> str:
    return f"quiz-close:{poll_id}"


def _open_period(settings_period: int) -> tuple[int, int]:
    """Seconds for Telegram's own countdown (within its bounds), and for our stopPoll job."""
    shown = min(max(settings_period, Poll.MIN_OPEN_PERIOD), Poll.MAX_OPEN_PERIOD)
    return shown, min(settings_period, shown)


def parse_count(args: list[str]) -> int | None:
    """The number of questions `/quiz [N]` asks for, or None if the arguments are not valid."""
    if not args:
        return 1
    # isascii(): isdigit() alone accepts '²', which int() refuses.
    if len(args) != 1 or not (args[0].isascii() and args[0].isdigit()):
        return None
    count = int(args[0])
    return count if 1 <= count <= MAX_ROUND else None


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Quiz polls: /quiz, /quiz 5 for a round, /quiz stop"""
    message = update.effective_message
    args = context.args or []
    if len(args) == 1 and args[0].casefold() == "stop":
        await stop_round(update, context)
        return
    count = parse_count(args)
    if count is None:
        await reply(message, html_message(USAGE))
        return
    bank = _bank(context.application)
    if not bank.items:
        await reply(message, html_message(NO_ITEMS))
        return
    recent: deque[str] = context.chat_data.setdefault(RECENT_KEY, deque(maxlen=RECENT_ITEMS))
    items = bank.choose(count, _rng, avoid=set(recent))
    started = _start_round(context.application, message, "quiz", items)
    if started is None:
        await reply(message, html_message(_busy(_rounds(context.application)[message.chat_id])))
        return
    recent.extend(item.key for item in items)
    await post_next(context.application, started)


def _busy(running: Round) -> str:
    return (
        f"A round is already running here ({running.asked} of {running.total} asked). "
        "Send /quiz stop to end it."
    )


def _start_round(
    application: Application, message: Message, kind: str, items: list[QuizItem]
) -> Round | None:
    """Claim the chat for a new round; None if one is running (one round per chat)."""
    rounds = _rounds(application)
    if message.chat_id in rounds:
        return None
    started = Round(
        chat_id=message.chat_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        starter_id=message.from_user.id if message.from_user else None,
        kind=kind,
        items=list(items),
        total=len(items),
    )
    rounds[message.chat_id] = started
    return started


async def post_next(application: Application, current: Round) -> None:
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
    _opening(application).add(opening)
    try:
        await _send_poll(application, current, item, question)
    finally:
        opening.set()
        _opening(application).discard(opening)


async def _send_poll(
    application: Application, current: Round, item: QuizItem, question: str
) -> None:
    svc = services(application)
    shown, closes_in = _open_period(svc.settings.quiz_open_period)
    choice = shuffled_options(item, _rng)
    try:
        sent = await application.bot.send_poll(
            current.chat_id,
            question,
            [InputPollOption(option, text_parse_mode=None) for option in choice.options],
            is_anonymous=False,
            type=Poll.QUIZ,
            correct_option_ids=[choice.correct],
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
        if _rounds(application).get(current.chat_id) is current:
            del _rounds(application)[current.chat_id]
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
    await svc.storage.run(partial(quiz_store.add_poll, poll=poll))
    current.poll_ids.add(poll.poll_id)
    _track(application, poll, closes_in)


def _track(application: Application, poll: OpenPoll, closes_in: float) -> None:
    """Keep the poll in the live map and schedule the stopPoll that closes it."""
    _polls(application)[poll.poll_id] = poll
    application.job_queue.run_once(
        close_poll_job,
        closes_in,
        data=poll.poll_id,
        name=_close_job_name(poll.poll_id),
        chat_id=poll.chat_id,
    )


async def close_poll_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop a poll whose time is up, then move its round on."""
    poll_id = context.job.data
    poll = _polls(context.application).get(poll_id)
    if poll is None:
        return
    await _stop_poll(context.application, poll)
    await finish_poll(context.application, poll_id)


async def _stop_poll(application: Application, poll: OpenPoll) -> None:
    try:
        await application.bot.stop_poll(poll.chat_id, poll.message_id)
    except BadRequest as error:
        # Telegram closes a poll itself at open_period; stopping it again is refused.
        log.debug("stopPoll for poll %s: %s", poll.poll_id, error)
    except TelegramError as error:
        log.warning("could not stop quiz poll %s: %s", poll.poll_id, error)


async def finish_poll(application: Application, poll_id: str) -> None:
    """Forget a closed poll (once, however many times it is reported) and post the next one."""
    poll = _polls(application).pop(poll_id, None)
    if poll is None:
        return
    for job in application.job_queue.get_jobs_by_name(_close_job_name(poll_id)):
        job.schedule_removal()
    application.job_queue.run_once(forget_poll_job, ANSWER_GRACE_SECONDS, data=poll_id)
    current = _rounds(application).get(poll.chat_id)
    if current is not None and poll_id in current.poll_ids:
        await post_next(application, current)


async def forget_poll_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop a closed poll's row; answers to it from now on are stale."""
    storage = services(context.application).storage
    await storage.run(partial(quiz_store.close_poll, poll_id=context.job.data))


async def finish_round(application: Application, current: Round, stopped: bool = False) -> None:
    """End the round and post how it went (a lone /quiz poll needs no summary)."""
    if _rounds(application).get(current.chat_id) is current:
        del _rounds(application)[current.chat_id]
    if current.total == 1 and current.kind == "quiz" and not stopped:
        return
    await send(
        application.bot,
        current.chat_id,
        html_message(round_summary(current, stopped)),
        thread_id=current.thread_id,
    )


def round_summary(current: Round, stopped: bool) -> str:
    """How the round went, in HTML."""
    if current.kind == "review":
        right = sum(tally.correct for tally in current.tally.values())
        head = "<b>Review stopped</b>" if stopped else "<b>Review done</b>"
        return (
            f"{head}: {right} of {current.asked} right. What you missed comes back at your "
            "next /review; what you got right comes back later."
        )
    head = "<b>Round stopped</b>" if stopped else "<b>Round over</b>"
    lines = [f"{head} after {current.asked} of {current.total} questions."]
    ranked = sorted(current.tally.values(), key=lambda t: (-t.correct, t.name.casefold()))
    lines += [f"{html.escape(t.name)}: {t.correct} of {t.answered} right" for t in ranked[:10]]
    if not ranked:
        lines.append("Nobody answered.")
    lines.append("Send /top for the leaderboard.")
    return "\n".join(lines)


async def stop_round(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """End the chat's round: its starter or a chat admin may, in groups."""
    message = update.effective_message
    current = _rounds(context.application).get(message.chat_id)
    if current is None:
        await reply(message, html_message("No quiz round is running here."))
        return
    if not await _may_stop(update, context, current):
        await reply(message, html_message(STOP_REFUSED))
        return
    if _rounds(context.application).get(message.chat_id) is not current:
        return  # stopped meanwhile, by someone else or by its last poll closing
    del _rounds(context.application)[message.chat_id]
    current.items.clear()
    for poll_id in list(current.poll_ids):
        poll = _polls(context.application).get(poll_id)
        if poll is not None:
            await _stop_poll(context.application, poll)
            await finish_poll(context.application, poll_id)
    await finish_round(context.application, current, stopped=True)


async def _may_stop(update: Update, context: ContextTypes.DEFAULT_TYPE, current: Round) -> bool:
    user = update.effective_user
    if user is not None and user.id == current.starter_id:
        return True
    return await is_chat_admin(update, context)


async def on_poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count a quiz answer once; unknown, stale and repeated answers change nothing."""
    answer = update.poll_answer
    user = answer.user
    if user is None or not answer.option_ids:
        return  # voting as a channel, or a retracted vote
    record = partial(
        quiz_store.record_answer,
        poll_id=answer.poll_id,
        user_id=user.id,
        name=user.full_name or user.username or str(user.id),
        option=answer.option_ids[0],
        answered_at=time.time(),
    )
    storage = services(context).storage
    outcome = await storage.run(record)
    pending = list(_opening(context.application))
    if outcome is None and pending:
        # The answer may have overtaken the sendPoll response of the poll it belongs to.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(event.wait() for event in pending)), OPENING_WAIT_SECONDS
            )
        outcome = await storage.run(record)
    if outcome is None:
        return
    current = _rounds(context.application).get(outcome.poll.chat_id)
    if current is not None and answer.poll_id in current.poll_ids:
        tally = current.tally.setdefault(user.id, Tally(user.full_name))
        tally.answered += 1
        tally.correct += int(outcome.correct)


async def on_poll(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A poll closed (by its timer, or by us): move its round on if that has not happened yet."""
    if update.poll.is_closed:
        await finish_poll(context.application, update.poll.id)


async def top(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat's quiz leaderboard (your own record in private)"""
    message = update.effective_message
    user = update.effective_user
    storage = services(context).storage
    if message.chat.type == ChatType.PRIVATE:
        record = await storage.run(partial(quiz_store.user_record, user_id=user.id))
        await reply(message, html_message(own_record(record)))
        return
    board = await storage.run(partial(quiz_store.leaderboard, chat_id=message.chat_id))
    mine = None
    if user is not None:
        mine = await storage.run(
            partial(quiz_store.standing, chat_id=message.chat_id, user_id=user.id)
        )
    count = await storage.run(partial(quiz_store.players, chat_id=message.chat_id))
    await reply(message, html_message(leaderboardhtml_message(board, mine, count)))


def _score(row: quiz_store.Standing | quiz_store.Record) -> str:
    timing = f", {row.average_seconds:.1f} s on average" if row.correct else ""
    return f"{row.correct} of {row.answered} right{timing}"


def leaderboardhtml_message(
    board: list[quiz_store.Standing], mine: quiz_store.Standing | None, players: int
) -> str:
    """The top of the chat's leaderboard and the asker's rank, in HTML."""
    if not board:
        return "No quiz answers in this chat yet. Send /quiz to start."
    lines = ["<b>Quiz leaderboard</b>"]
    lines += [f"{row.rank}. {html.escape(row.name)}: {_score(row)}" for row in board]
    if mine is None:
        lines.append("\nYou have not answered a quiz here yet.")
    else:
        lines.append(f"\nYou: #{mine.rank} of {players} players")
    return "\n".join(lines)


def own_record(record: quiz_store.Record | None) -> str:
    """A user's record over all chats, in HTML."""
    if record is None:
        return "You have not answered any quiz yet. Send /quiz to play."
    where = "1 chat" if record.chats == 1 else f"{record.chats} chats"
    return (
        f"<b>Your quiz record</b>\n{_score(record)} over {where}.\n"
        "Send /review to go over what you got wrong."
    )


@menu(PRIVATE)
async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Review the quiz questions you got wrong"""
    message = update.effective_message
    if message.chat.type != ChatType.PRIVATE:
        await reply(message, html_message(REVIEW_IN_PRIVATE))
        return
    running = _rounds(context.application).get(message.chat_id)
    if running is not None:
        await reply(message, html_message(_busy(running)))
        return
    schedule = await services(context).storage.run(
        partial(quiz_store.review_schedule, user_id=update.effective_user.id)
    )
    now = time.time()
    bank = _bank(context.application)
    items = due_for_review(schedule, bank, now, REVIEW_ROUND)
    if not items:
        await reply(message, html_message(nothing_due(schedule, bank, now)))
        return
    started = _start_round(context.application, message, "review", items)
    if started is None:
        await reply(message, html_message(_busy(_rounds(context.application)[message.chat_id])))
        return
    await post_next(context.application, started)


def nothing_due(schedule: dict, bank: QuizBank, now: float) -> str:
    """Why /review has nothing to ask, and when it will."""
    known = [state.due_at for key, state in schedule.items() if bank.get(key) is not None]
    if not known:
        return (
            "Nothing to review yet. Answer some /quiz questions: the ones you miss come back here."
        )
    return f"Nothing to review right now. Your next review is due {_until(min(known) - now)}."


def _until(seconds: float) -> str:
    minutes = max(round(seconds / 60), 1)
    if minutes < 90:
        return f"in about {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 36:
        return f"in about {hours} hours"
    return f"in about {round(hours / 24)} days"


async def on_startup(application: Application) -> None:
    """Take back the polls left open by the last run, so their answers still count."""
    polls = await services(application).storage.run(quiz_store.open_polls)
    now = time.time()
    for poll in polls:
        _track(application, poll, max(poll.closes_at - now, ANSWER_GRACE_SECONDS))
    if polls:
        log.info("resumed %d open quiz poll(s) from the last run", len(polls))


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its leaderboard moves to the new chat id."""
    message = update.effective_message
    if not message.migrate_to_chat_id:  # the new supergroup's twin message says the same
        return
    moved = await services(context).storage.run(
        partial(
            quiz_store.move_chat,
            old_chat_id=message.chat_id,
            new_chat_id=message.migrate_to_chat_id,
        )
    )
    if moved:
        log.info("quiz scores of chat %s moved to %s", message.chat_id, message.migrate_to_chat_id)


def register(application: Application) -> None:
    """Add /quiz, /top, /review and the poll and answer handlers."""
    application.bot_data[BANK_KEY] = QuizBank.from_pack(services(application).pack)
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("quiz", quiz, filters=new_messages))
    application.add_handler(CommandHandler("top", top, filters=new_messages))
    application.add_handler(CommandHandler("review", review, filters=new_messages))
    application.add_handler(PollAnswerHandler(on_poll_answer))
    application.add_handler(PollHandler(on_poll))
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration), group=MIGRATION_GROUP
    )
