"""👍/👎 under an answer, and the one question a 👎 asks: "What were you looking for?"."""

from __future__ import annotations

import html
import logging

from telegram import CallbackQuery, ForceReply, Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from faqbot.bot.feedback_prompts import FeedbackPrompts
from faqbot.bot.language import language_for
from faqbot.bot.messaging import message_of, reply, thread_of
from faqbot.bot.rendering import RATE, RATE_DOWN, RATE_UP, RATED_MESSAGE, text_message
from faqbot.bot.state import BotState, Context
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.question_log import DOWN, FEEDBACK_CHARS, UP, answer_version
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)


class AwaitingFeedback(filters.MessageFilter):
    """Messages that answer a 👎's question (see bot/feedback_prompts.py)."""

    def __init__(self, prompts: FeedbackPrompts) -> None:
        super().__init__(name="AwaitingFeedback")
        self.prompts = prompts

    def filter(self, message: Message) -> bool:
        user = message.from_user
        replied = message.reply_to_message
        return user is not None and self.prompts.waiting(
            message.chat.id, user.id, replied.message_id if replied else None
        )


async def on_rate(update: Update, context: Context) -> None:
    """Keep a 👍 or 👎 on the asker's own answer; a 👎 then asks what they were looking for."""
    query = update.callback_query
    if query is None or query.data is None:
        return  # the handler's pattern lets only queries with data through
    language = await language_for(update, context)
    _, direction, rated = query.data.split(":")
    state = context.bot_data
    questions = state.stores.questions
    try:
        if rated != RATED_MESSAGE:
            card = await questions.card(int(rated))
        elif query.message is not None:
            asker = questions.asker(query.message.chat.id, query.from_user.id)
            card = await questions.card_on(asker, query.message.message_id)
        else:  # a button on a message sent through inline mode: never logged
            card = None
    except DATABASE_ERRORS as error:
        log.warning("could not read a rated question from %s: %s", questions.path, error)
        await query.answer(say(language, "feedback_failed"))
        return
    if card is None:  # pruned after FAQBOT_LOG_RETENTION_DAYS, or deleted by /forget
        await query.answer(say(language, "feedback_gone"), show_alert=True)
        return
    if card.user_hash != questions.user_hash(query.from_user.id):
        await query.answer(say(language, "feedback_not_yours"))
        return
    shown = card.shown_id
    entry = state.knowledge.pack.in_language(card.language).entry(shown) if shown else None
    if entry is None or answer_version(entry) != card.answer_version:
        await query.answer(say(language, "feedback_stale"), show_alert=True)
        return
    rating = UP if direction == RATE_UP else DOWN
    if card.rating == rating:
        await query.answer(say(language, "feedback_already"))
        return
    try:
        await questions.rate(card.id, rating)
    except DATABASE_ERRORS as error:
        log.warning("could not keep a rating in %s: %s", questions.path, error)
        await query.answer(say(language, "feedback_failed"))
        return
    if rating == UP or card.feedback is not None:
        await query.answer(say(language, "feedback_thanks") if rating == UP else None)
        return
    await query.answer()
    await _ask_what_was_wanted(query, context, card.id, language)


async def _ask_what_was_wanted(
    query: CallbackQuery, context: Context, row_id: int, language: str
) -> None:
    """Ask once, with ForceReply so the answer comes as a reply (in groups, only the presser's)."""
    message = query.message
    if message is None:
        return
    user = query.from_user
    private = message.chat.type == ChatType.PRIVATE
    if private:
        text = html.escape(say(language, "feedback_ask"))
    else:
        mention = f'<a href="tg://user?id={user.id}">{html.escape(user.first_name)}</a>'
        text = html.escape(say(language, "feedback_ask_named", name="\0")).replace("\0", mention)
    prompts = context.bot_data.feedback_prompts
    if private:
        # Waiting before the send: the answer may come before Telegram confirms the question.
        prompts.open(message.chat.id, user.id, row_id)
    try:
        prompt = await context.bot.send_message(
            message.chat.id,
            text,
            reply_markup=ForceReply(selective=True),
            message_thread_id=thread_of(message),
        )
    except Exception:
        if private:  # never asked: the next message is a question again
            prompts.take(message.chat.id, user.id)
        raise
    if not private:  # in a group the answer is a reply to the question, known once sent
        prompts.open(message.chat.id, user.id, row_id, prompt.message_id)


async def on_feedback_reply(update: Update, context: Context) -> None:
    """Keep what the user was looking for; anything but words is asked for again in words."""
    message = message_of(update)
    user = update.effective_user
    language = await language_for(update, context)
    text = (message.text or message.caption or "").strip()
    if not text:  # a sticker, a photo without a caption, a voice note: the question still waits
        await reply(message, text_message(say(language, "feedback_words_only")))
        return
    state = context.bot_data
    row_id = state.feedback_prompts.take(message.chat.id, user.id)
    if row_id is None:  # it expired between the filter and now
        return
    questions = state.stores.questions
    try:
        kept = await questions.keep_feedback(row_id, text)
    except DATABASE_ERRORS as error:
        log.warning("could not keep a 👎's reply in %s: %s", questions.path, error)
        await reply(message, text_message(say(language, "feedback_failed")))
        return
    if not kept:  # the question was forgotten or pruned meanwhile, or its 👎 became a 👍
        answer = say(language, "feedback_gone")
    elif len(text) > FEEDBACK_CHARS:
        answer = say(language, "feedback_kept_cut", limit=FEEDBACK_CHARS)
    else:
        answer = say(language, "feedback_kept")
    await reply(message, text_message(answer), quote=message.chat.type != ChatType.PRIVATE)


def reply_handlers(state: BotState) -> list[BaseHandler[Update, Context, None]]:
    """The answer to a 👎's question: any new message but a command, from the one asked."""
    awaiting = AwaitingFeedback(state.feedback_prompts)
    return [
        MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND & awaiting, on_feedback_reply)
    ]


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """The 👍/👎 buttons."""
    return [
        CallbackQueryHandler(
            on_rate, pattern=rf"^{RATE}:({RATE_UP}|{RATE_DOWN}):(\d{{1,18}}|{RATED_MESSAGE})$"
        )
    ]
