"""/quiz, /top and /review, and the leaderboard following a group that became a supergroup."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from faqbot.bot.language import language_for, posting_language
from faqbot.bot.menu import PRIVATE, menu
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import html_message
from faqbot.bot.state import Context, Round
from faqbot.handlers.quiz import rounds
from faqbot.handlers.quiz.views import (
    MAX_ROUND,
    busy,
    leaderboard_message,
    nothing_due,
    own_record,
    said,
    usage,
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
    language = await language_for(update, context)
    count = parse_count(args)
    if count is None:
        await reply(message, html_message(usage(language)))
        return
    state = context.bot_data.quiz
    # The polls are the chat's: in a group, in the group's language, whoever asked for them.
    polls_in = await posting_language(update, context)
    bank = state.bank_in(polls_in)
    if not bank.items:
        await reply(message, html_message(said(language, "quiz_no_items")))
        return
    recent = context.chat_data.recent_quiz_items
    items = bank.choose(count, rounds.rng, avoid=set(recent))
    started = rounds.start_round(context.application, message, "quiz", items, polls_in)
    if started is None:
        running = busy(state.rounds[message.chat_id], language)
        await reply(message, html_message(running))
        return
    recent.extend(item.key for item in items)
    await rounds.post_next(context.application, started)


async def stop(update: Update, context: Context) -> None:
    """End the chat's round: its starter or a chat admin may, in groups."""
    message = message_of(update)
    current = context.bot_data.quiz.rounds.get(message.chat_id)
    if current is None:
        language = await language_for(update, context)
        await reply(message, html_message(said(language, "quiz_no_round")))
        return
    if not await _may_stop(update, context, current):
        language = await language_for(update, context)
        await reply(message, html_message(said(language, "quiz_stop_refused")))
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
    language = await language_for(update, context)
    if message.chat.type == ChatType.PRIVATE:
        record = await store.user_record(user.id)
        await reply(message, html_message(own_record(record, language)))
        return
    board = await store.leaderboard(message.chat_id)
    mine = None
    if user is not None:
        mine = await store.standing(message.chat_id, user.id)
    count = await store.players(message.chat_id)
    await reply(message, html_message(leaderboard_message(board, mine, count, language)))


@menu(PRIVATE)
async def review(update: Update, context: Context) -> None:
    """Review the quiz questions you got wrong"""
    message = message_of(update)
    language = await language_for(update, context)
    if message.chat.type != ChatType.PRIVATE:
        await reply(message, html_message(said(language, "quiz_review_in_private")))
        return
    state = context.bot_data.quiz
    running = state.rounds.get(message.chat_id)
    if running is not None:
        await reply(message, html_message(busy(running, language)))
        return
    schedule = await context.bot_data.stores.quiz.review_schedule(update.effective_user.id)
    now = time.time()
    # Keys are the same in every language: a miss in English comes back in Hindi, as itself.
    bank = state.bank_in(language)
    items = due_for_review(schedule, bank, now, REVIEW_ROUND)
    if not items:
        await reply(message, html_message(nothing_due(schedule, bank, now, language)))
        return
    started = rounds.start_round(context.application, message, "review", items, language)
    if started is None:
        await reply(message, html_message(busy(state.rounds[message.chat_id], language)))
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
