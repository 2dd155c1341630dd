"""/quizsettings: a chat's seconds per question, round size and explanations, set by its admins."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from faqbot.bot.menu import ADMINS, PRIVATE, menu
from faqbot.bot.messaging import edit, message_of, reply
from faqbot.bot.permissions import is_chat_admin
from faqbot.bot.rendering import Rendered, html_message
from faqbot.bot.state import Context
from faqbot.handlers.quiz.rounds import default_settings
from faqbot.handlers.quiz.views import (
    MAX_ROUND,
    OPEN_PERIOD_RANGE,
    SETTING_BY_CODE,
    SETTINGS_ADMINS_ONLY,
    SETTINGS_BUTTON,
    SETTINGS_CHANGED_SINCE,
    SETTINGS_SAVED,
    bad_setting,
    settings_keyboard,
    settings_message,
)
from faqbot.storage.quiz import QuizSettings, Setting

log = logging.getLogger(__name__)

_NAMES = {
    "seconds": Setting.OPEN_PERIOD,
    "time": Setting.OPEN_PERIOD,
    "questions": Setting.ROUND_SIZE,
    "round": Setting.ROUND_SIZE,
    "explanation": Setting.SHOW_EXPLANATION,
    "explanations": Setting.SHOW_EXPLANATION,
}
_SWITCH = {"on": 1, "yes": 1, "show": 1, "off": 0, "no": 0, "hide": 0}


def valid_value(setting: Setting, value: int) -> bool:
    """Whether a setting may take this value."""
    if setting is Setting.OPEN_PERIOD:
        low, high = OPEN_PERIOD_RANGE
        return low <= value <= high
    if setting is Setting.ROUND_SIZE:
        return 1 <= value <= MAX_ROUND
    return value in (0, 1)


def parse_change(args: list[str]) -> tuple[Setting, int] | None:
    """`seconds 45`, `questions 5`, `explanation off` as a setting and its value, if valid."""
    if len(args) != 2:
        return None
    setting = _NAMES.get(args[0].casefold())
    raw = args[1].casefold().removesuffix("s") if setting is Setting.OPEN_PERIOD else args[1]
    if setting is None:
        return None
    if setting is Setting.SHOW_EXPLANATION:
        value = _SWITCH.get(raw.casefold())
    elif raw.isascii() and raw.isdigit() and len(raw) <= 4:
        value = int(raw)
    else:
        value = None
    if value is None or not valid_value(setting, value):
        return None
    return setting, value


def _view(settings: QuizSettings, can_change: bool) -> list[Rendered]:
    [text] = html_message(settings_message(settings, can_change))
    keyboard = settings_keyboard(settings) if can_change else None
    return [Rendered(text.html, text.plain, keyboard)]


@menu(PRIVATE, ADMINS)
async def quiz_settings(update: Update, context: Context) -> None:
    """Quiz settings: seconds per question, round size, explanations"""
    message = message_of(update)
    state = context.bot_data
    store = state.stores.quiz
    defaults = default_settings(state)
    can_change = await is_chat_admin(update, context)
    args = context.args or []
    if not args:
        current = await store.settings(message.chat_id, defaults)
        await reply(message, _view(current, can_change))
        return
    if not can_change:
        await reply(message, html_message(SETTINGS_ADMINS_ONLY))
        return
    change = parse_change(args)
    if change is None:
        await reply(message, html_message(bad_setting(" ".join(args))))
        return
    setting, value = change
    changed = await store.change_setting(message.chat_id, setting, value, None, defaults)
    assert changed is not None  # no version to check: a typed change always applies
    await reply(message, _view(changed, True))


async def on_settings_button(update: Update, context: Context) -> None:
    """Apply a pressed settings button, if its presser is an admin and the settings are as the
    message showed them; otherwise say why and show them as they are."""
    query = update.callback_query
    if query is None:
        return  # the handler's pattern lets only callback queries through
    chat = update.effective_chat
    parts = (query.data or "").split(":")
    change = None
    if len(parts) == 4 and parts[1].isdigit() and parts[3].isdigit():
        setting = SETTING_BY_CODE.get(parts[2])
        if setting is not None and valid_value(setting, int(parts[3])):
            change = (int(parts[1]), setting, int(parts[3]))
    if change is None or chat is None or query.message is None:
        await query.answer(SETTINGS_CHANGED_SINCE)
        return
    if not await is_chat_admin(update, context):
        await query.answer(SETTINGS_ADMINS_ONLY, show_alert=True)
        return
    state = context.bot_data
    store = state.stores.quiz
    defaults = default_settings(state)
    seen, setting, value = change
    changed = await store.change_setting(chat.id, setting, value, seen, defaults)
    if changed is None:
        await query.answer(SETTINGS_CHANGED_SINCE, show_alert=True)
        await edit(query, _view(await store.settings(chat.id, defaults), True)[0])
        return
    await query.answer(SETTINGS_SAVED)
    await edit(query, _view(changed, True)[0])
    log.info("chat %s set quiz %s to %s", chat.id, setting.value, value)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/quizsettings and its buttons."""
    return [
        CommandHandler("quizsettings", quiz_settings, filters=filters.UpdateType.MESSAGE),
        CallbackQueryHandler(on_settings_button, pattern=f"^{SETTINGS_BUTTON}:"),
    ]
