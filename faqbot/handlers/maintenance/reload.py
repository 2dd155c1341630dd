"""/reload: operators reload the pack and overlay.yaml without a restart (SIGHUP does too)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from faqbot.bot.language import language_for
from faqbot.bot.messaging import message_of, reply
from faqbot.bot.permissions import admin_only
from faqbot.bot.reloading import reload_knowledge
from faqbot.bot.rendering import excerpt, html_message
from faqbot.bot.state import Context, ReloadResult
from faqbot.knowledge import Problem
from faqbot.knowledge.catalogue import say

# Problems listed in the operator's reply; `faqbot validate` lists them all.
PROBLEMS_SHOWN = 5
PROBLEM_LIMIT = 300


# A file's folders, which say nothing in a chat and much about the server.
_FOLDERS = re.compile(r"(?:[A-Za-z]:)?[\\/][^\s():'\"]*[\\/](?=[^\\/\s():'\"]+)")


def problem_lines(problems: Sequence[Problem]) -> list[str]:
    """The first problems as HTML lines, each file named without the machine's folders."""
    lines = [
        excerpt(_FOLDERS.sub("", str(problem)), PROBLEM_LIMIT)
        for problem in problems[:PROBLEMS_SHOWN]
    ]
    more = [f"… +{len(problems) - PROBLEMS_SHOWN}"] if len(problems) > PROBLEMS_SHOWN else []
    return [f"• {html.escape(line)}" for line in lines] + more


def describe_reload(result: ReloadResult, language: str) -> str:
    """The operator's reply to a reload, as HTML."""
    knowledge = result.knowledge
    if result.ok:
        return html.escape(
            say(
                language,
                "reload_done",
                version=knowledge.version,
                entries=len(knowledge.pack.entries),
                phrasings=knowledge.overlay.phrasing_count,
                seconds=f"{result.seconds:.1f}",
            )
        )
    heading = html.escape(say(language, "reload_refused", version=knowledge.version))
    return "\n".join([heading, *problem_lines(result.problems)])


@admin_only
async def reload_command(update: Update, context: Context) -> None:
    """Reload the knowledge pack and its overlay from disk"""
    user = update.effective_user
    reason = f"/reload from user {user.id if user else 'unknown'}"
    result = await reload_knowledge(context.bot_data, reason)
    language = await language_for(update, context)
    await reply(message_of(update), html_message(describe_reload(result, language)))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """/reload, hidden from the menu."""
    return [CommandHandler("reload", reload_command, filters=filters.UpdateType.MESSAGE)]
