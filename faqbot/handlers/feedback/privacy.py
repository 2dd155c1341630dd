"""/privacy says what the bot keeps and for how long; /forget deletes it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.rendering import text_message
from faqbot.bot.state import Context
from faqbot.knowledge.catalogue import say
from faqbot.storage.database import DATABASE_ERRORS

log = logging.getLogger(__name__)


async def privacy(update: Update, context: Context) -> None:
    """What I keep about you, and for how long"""
    language = await language_for(update, context)
    days = context.bot_data.settings.log_retention_days
    await reply(message_of(update), text_message(say(language, "privacy", days=days)))


async def forget(update: Update, context: Context) -> None:
    """Delete what I keep about you"""
    user = update.effective_user
    message = message_of(update)
    # Asked before deleting: /language is among what goes.
    language = await language_for(update, context)
    state = context.bot_data
    try:
        gone = await state.stores.forget_user(user.id)
    except DATABASE_ERRORS as error:
        log.warning("/forget failed in %s: %s", state.stores.database.path, error)
        await reply(message, text_message(say(language, "feedback_failed")))
        return
    state.feedback_prompts.forget_user(user.id)
    await state.recent_answers.forget_user(user.id)
    for hook in state.on_forget:  # what other features keep in memory about the user
        try:
            await hook(context.application, user.id)
        except Exception:  # the rows are gone already; a job left behind only finds none
            log.exception("/forget: deleted a user's data, but a feature's clean-up failed")
    if not gone.anything:
        await reply(message, text_message(say(language, "forget_nothing")))
        return
    log.info("/forget: deleted a user's data (%s)", gone)
    done = say(
        language,
        "forget_done",
        questions=gone.questions,
        settings=gone.language + gone.daily,
        quiz=gone.quiz,
    )
    await reply(message, text_message(done))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/privacy and /forget, in their menu order."""
    new = filters.UpdateType.MESSAGE
    return [
        CommandHandler("privacy", privacy, filters=new),
        CommandHandler("forget", forget, filters=new),
    ]
