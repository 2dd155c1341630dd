"""/quiz, /top and /review, and the observers that keep scores with their chat and players."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    BaseHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url

from faqbot.bot.language import language_for, posting_language
from faqbot.bot.menu import menu
from faqbot.bot.messaging import message_of, reply, thread_of
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import Rendered, html_message
from faqbot.bot.state import Context, Round
from faqbot.handlers.quiz import rounds
from faqbot.handlers.quiz.views import (
    MAX_ROUND,
    ambiguous_topic,
    bad_count,
    busy,
    fewer_on_topic,
    leaderboard_message,
    no_items_on_topic,
    nothing_due,
    own_record,
    review_keyboard,
    said,
    topic_list,
    unknown_topic,
    usage,
)
from faqbot.knowledge import Topic
from faqbot.knowledge.periods import parse_period, period_start
from faqbot.knowledge.quiz_items import match_topic
from faqbot.knowledge.review import due_for_review
from faqbot.storage.quiz import EVER

log = logging.getLogger(__name__)

REVIEW_ROUND = 5
# The /start payload of the group's "review my mistakes" button; entry ids never hold '_'.
REVIEW_DEEP_LINK = "review_mistakes"
# Longer than any count anyone means; int() of thousands of digits is refused anyway.
_COUNT_DIGITS = 6
_GONE: frozenset[str] = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


@dataclass(frozen=True)
class QuizRequest:
    """What `/quiz [topic] [N]` asks for: a count (None: the chat's round size) and a topic."""

    count: int | None
    topic: str  # as typed; empty for a mix of every topic


def parse_request(args: list[str], language: str = "en") -> QuizRequest | str:
    """The request in `/quiz` arguments, or the HTML reply that says what is wrong with them."""
    words = list(args)
    count = None
    # Digits of any script read as a count, so "/quiz ٣" is told what a count can be; only
    # ASCII ones are taken (int() refuses '²').
    if words and words[-1].lstrip("-").isdigit():
        typed = words.pop()
        plain = typed.isascii() and len(typed) <= _COUNT_DIGITS
        number = int(typed) if plain else 0
        if not 1 <= number <= MAX_ROUND:
            return bad_count(typed, language)
        count = number
    return QuizRequest(count, " ".join(words))


async def quiz(update: Update, context: Context) -> None:
    """Quiz polls: /quiz, /quiz 5, /quiz exercises 5, /quiz topics, /quiz stop"""
    message = message_of(update)
    args = context.args or []
    first = args[0].casefold() if args else ""
    state = context.bot_data
    if len(args) == 1 and first == "stop":
        await stop(update, context)
        return
    language = await language_for(update, context)
    # The polls are the chat's: in a group, in the group's language, whoever asked for them.
    polls_in = await posting_language(update, context)
    knowledge = state.knowledge  # the round's items and their topic from one pack
    bank = knowledge.bank_in(polls_in)
    view = knowledge.pack.in_language(language)
    if len(args) == 1 and first == "topics":
        await reply(message, html_message(topic_list(view, bank)))
        return
    if first in ("help", "?"):
        await reply(message, html_message(usage(language)))
        return
    request = parse_request(args, language)
    if isinstance(request, str):
        await reply(message, html_message(request))
        return
    if not bank.items:
        await reply(message, html_message(said(language, "quiz_no_items")))
        return
    topic: Topic | None = None
    if request.topic:
        # Topics are matched in the main language and in the reader's, then named in theirs.
        found = match_topic(knowledge.pack, request.topic)
        if found.topic is None and not found.ambiguous and view is not knowledge.pack:
            found = match_topic(view, request.topic)
        if found.ambiguous:
            topics = [view.topic(t.id) or t for t in found.ambiguous]
            await reply(message, html_message(ambiguous_topic(request.topic, topics, language)))
            return
        if found.topic is None:
            closest = view.topic(found.closest.id) if found.closest else None
            await reply(message, html_message(unknown_topic(request.topic, closest, language)))
            return
        topic = view.topic(found.topic.id) or found.topic
    settings = await state.stores.quiz.settings(message.chat_id, rounds.default_settings(state))
    count = request.count or settings.round_size
    recent = context.chat_data.recent_quiz_items
    items = bank.choose(count, rounds.rng, avoid=set(recent), topic=topic.id if topic else None)
    if not items and topic is not None:
        await reply(message, html_message(no_items_on_topic(topic, language)))
        return
    try:
        started = await rounds.start_round(
            context.application,
            message.chat_id,
            "quiz",
            items,
            settings,
            thread_id=thread_of(message),
            starter_id=message.from_user.id if message.from_user else None,
            language=polls_in,
        )
    except rounds.RoundRunning as running:
        await reply(message, html_message(busy(running.asked, running.total, language)))
        return
    async with rounds.starting(context.application, started):
        if topic is not None and len(items) < count:
            await reply(message, html_message(fewer_on_topic(topic, len(items), language)))
        recent.extend(item.key for item in items)
        await rounds.post_next(context.application, started)


async def stop(update: Update, context: Context) -> None:
    """End the chat's round: its starter or a chat admin may, in groups."""
    message = message_of(update)
    current = await rounds.running_round(context.application, message.chat_id)
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
    """Quiz standings: /top (this week), /top month, /top all"""
    message = message_of(update)
    user = update.effective_user
    state = context.bot_data
    store = state.stores.quiz
    language = await language_for(update, context)
    if message.chat.type == ChatType.PRIVATE:
        record = await store.user_record(user.id)
        await reply(message, html_message(own_record(record, language)))
        return
    period = parse_period(" ".join(context.args or []))
    if period is None:
        await reply(message, html_message(said(language, "quiz_top_usage")))
        return
    zone_name = await store.chat_timezone(message.chat_id, state.settings.timezone)
    start = period_start(period, datetime.now(UTC), zone_name)
    since = start.timestamp() if start is not None else EVER
    board = await store.leaderboard(message.chat_id, since=since)
    mine = None
    if user is not None:
        mine = await store.standing(message.chat_id, user.id, since=since)
    count = await store.players(message.chat_id, since=since)
    board_text = leaderboard_message(board, mine, count, period, language)
    await reply(message, html_message(board_text))


async def review(update: Update, context: Context) -> None:
    """Review the quiz questions you got wrong"""
    message = message_of(update)
    language = await language_for(update, context)
    if message.chat.type != ChatType.PRIVATE:
        url = create_deep_linked_url(context.bot.username, REVIEW_DEEP_LINK)
        [text] = html_message(said(language, "quiz_review_in_group"))
        keyboard = review_keyboard(url, language)
        await reply(message, [Rendered(text.html, text.plain, keyboard)], quote=True)
        return
    state = context.bot_data
    running = await rounds.running_round(context.application, message.chat_id)
    if running is not None:
        await reply(message, html_message(busy(running.asked, running.total, language)))
        return
    schedule = await state.stores.quiz.review_schedule(update.effective_user.id)
    now = time.time()
    # Keys are the same in every language: a miss in English comes back in Hindi, as itself.
    bank = state.knowledge.bank_in(language)
    items = due_for_review(schedule, bank, now, REVIEW_ROUND)
    if not items:
        await reply(message, html_message(nothing_due(schedule, bank, now, language)))
        return
    settings = await state.stores.quiz.settings(message.chat_id, rounds.default_settings(state))
    try:
        started = await rounds.start_round(
            context.application,
            message.chat_id,
            "review",
            items,
            settings,
            starter_id=update.effective_user.id,
            language=language,
        )
    except rounds.RoundRunning as running_now:
        await reply(message, html_message(busy(running_now.asked, running_now.total, language)))
        return
    async with rounds.starting(context.application, started):
        await rounds.post_next(context.application, started)


@menu()  # /start belongs to the answers' menu entry
async def review_from_link(update: Update, context: Context) -> None:
    """Start a review from the group's "review my mistakes" deep link."""
    await review(update, context)


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: its scores, settings and running round move to the new id."""
    message = message_of(update)
    old = message.migrate_from_chat_id or message.chat_id
    new = message.migrate_to_chat_id or message.chat_id
    if old != new:
        await rounds.move_chat(context.application, old, new)


async def on_member_left(update: Update, context: Context) -> None:
    """A member left the group: they stay on its boards, shown as left, until the period ends."""
    message = message_of(update)
    gone = message.left_chat_member
    if gone is not None:
        await context.bot_data.stores.quiz.mark_left(message.chat_id, gone.id, time.time())


async def on_members_joined(update: Update, context: Context) -> None:
    """Members joined the group: any of them who had left are players again."""
    message = message_of(update)
    for member in message.new_chat_members or ():
        await context.bot_data.stores.quiz.mark_back(message.chat_id, member.id)


async def on_member_change(update: Update, context: Context) -> None:
    """A chat_member update (sent where the bot is an admin), for leaves Telegram hides."""
    change = update.chat_member
    user_id = change.new_chat_member.user.id
    store = context.bot_data.stores.quiz
    now_gone = change.new_chat_member.status in _GONE
    was_gone = change.old_chat_member.status in _GONE
    if now_gone and not was_gone:
        await store.mark_left(change.chat.id, user_id, time.time())
    elif was_gone and not now_gone:
        await store.mark_back(change.chat.id, user_id)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/quiz, /top and /review."""
    new_messages = filters.UpdateType.MESSAGE
    return [
        CommandHandler("quiz", quiz, filters=new_messages),
        CommandHandler("top", top, filters=new_messages),
        CommandHandler("review", review, filters=new_messages),
    ]


def deep_links() -> list[BaseHandler[Update, Context, None]]:
    """The /start payload of the "review my mistakes" button, before answers' own /start."""
    return [
        CommandHandler(
            "start",
            review_from_link,
            filters=filters.UpdateType.MESSAGE
            & filters.ChatType.PRIVATE
            & filters.Regex(rf"^/start(@\w+)?\s+{REVIEW_DEEP_LINK}\s*$"),
        )
    ]


def observers() -> list[BaseHandler[Update, Context, None]]:
    """Migrations and members coming and going; they must see every such update, so they have
    a group of their own."""
    return [
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migration),
        MessageHandler(filters.StatusUpdate.LEFT_CHAT_MEMBER, on_member_left),
        MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, on_members_joined),
        ChatMemberHandler(on_member_change, ChatMemberHandler.CHAT_MEMBER),
    ]
