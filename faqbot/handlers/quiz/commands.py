"""/quiz, /top and /review, and the leaderboard following a group that became a supergroup."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from faqbot.bot.menu import PRIVATE, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import html_message
from faqbot.bot.state import Context, Round
from faqbot.handlers.quiz import rounds
from faqbot.handlers.quiz.views import (
    MAX_ROUND,
    NO_ITEMS,
    NO_ROUND,
    REVIEW_IN_PRIVATE,
    STOP_REFUSED,
    USAGE,
    busy,
    leaderboard_message,
    nothing_due,
    own_record,
)
from faqbot.knowledge.review import due_for_review

log = logging.getLogger(__name__)

REVIEW_ROUND = 5


def parse_count(args: list[str]) -> int | None:
    """The number of questions `/quiz [N]` asks for, or None if the arguments are not valid."""
    if not args:
        return 1
    # isascii(): isdigit() alone accepts '²', which int() refuses.
    if len(args) != 1 or not (args[0].isascii() and args[0].isdigit()):
        return None
    count = int(args[0])
    return count if 1 <= count <= MAX_ROUND else None


async def quiz(update: Update, context: Context) -> None:
    """Quiz polls: /quiz, /quiz 5 for a round, /quiz stop"""
    message = message_of(update)
    args = context.args or []
    if len(args) == 1 and args[0].casefold() == "stop":
        await stop(update, context)
        return
    count = parse_count(args)
    if count is None:
        await reply(message, html_message(USAGE))
        return
    state = context.bot_data.quiz
    if not state.bank.items:
        await reply(message, html_message(NO_ITEMS))
        return
    recent = context.chat_data.recent_quiz_items
    items = state.bank.choose(count, rounds.rng, avoid=set(recent))
    started = rounds.start_round(context.application, message, "quiz", items)
    if started is None:
        await reply(message, html_message(busy(state.rounds[message.chat_id])))
        return
    recent.extend(item.key for item in items)
    await rounds.post_next(context.application, started)


async def stop(update: Update, context: Context) -> None:
    """End the chat's round: its starter or a chat admin may, in groups."""
    message = message_of(update)
    current = context.bot_data.quiz.rounds.get(message.chat_id)
    if current is None:
        await reply(message, html_message(NO_ROUND))
        return
    if not await _may_stop(update, context, current):
        await reply(message, html_message(STOP_REFUSED))
        return
    await rounds.stop_round(context.application, current)


async def _may_stop(update: Update, context: Context, current: Round) -> bool:
    user = update.effective_user
    if user is not None and user.id == current.starter_id:
        return True
    return await is_chat_admin(update, context)


async def top(update: Update, context: Context) -> None:
    """The chat's quiz leaderboard (your own record in private)"""
    message = message_of(update)
    user = update.effective_user
    store = context.bot_data.stores.quiz
    if message.chat.type == ChatType.PRIVATE:
        record = await store.user_record(user.id)
        await reply(message, html_message(own_record(record)))
        return
    board = await store.leaderboard(message.chat_id)
    mine = None
    if user is not None:
        mine = await store.standing(message.chat_id, user.id)
    count = await store.players(message.chat_id)
    await reply(message, html_message(leaderboard_message(board, mine, count)))


@menu(PRIVATE)
async def review(update: Update, context: Context) -> None:
    """Review the quiz questions you got wrong"""
    message = message_of(update)
    if message.chat.type != ChatType.PRIVATE:
        await reply(message, html_message(REVIEW_IN_PRIVATE))
        return
    state = context.bot_data.quiz
    running = state.rounds.get(message.chat_id)
    if running is not None:
        await reply(message, html_message(busy(running)))
        return
    schedule = await context.bot_data.stores.quiz.review_schedule(update.effective_user.id)
    now = time.time()
    items = due_for_review(schedule, state.bank, now, REVIEW_ROUND)
    if not items:
        await reply(message, html_message(nothing_due(schedule, state.bank, now)))
        return
    started = rounds.start_round(context.application, message, "review", items)
    if started is None:
        await reply(message, html_message(busy(state.rounds[message.chat_id])))
        return
    await rounds.post_next(context.application, started)


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: its leaderboard moves to the new chat id."""
    message = message_of(update)
    if not message.migrate_to_chat_id:  # the new supergroup's twin message says the same
        return
    moved = await context.bot_data.stores.quiz.move_chat(
        message.chat_id, message.migrate_to_chat_id
    )
    if moved:
        log.info("quiz scores of chat %s moved to %s", message.chat_id, message.migrate_to_chat_id)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/quiz, /top and /review."""
    new_messages = filters.UpdateType.MESSAGE
    return [
        CommandHandler("quiz", quiz, filters=new_messages),
        CommandHandler("top", top, filters=new_messages),
        CommandHandler("review", review, filters=new_messages),
    ]


def observers() -> list[BaseHandler[Update, Context, None]]:
    """The group-migration observer; it must see every migration, so it has a group of its own."""
    return [MessageHandler(filters.StatusUpdate.MIGRATE, on_migration)]
