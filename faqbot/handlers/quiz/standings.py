"""Weekly standings, posted once to each group that quizzed in a week, when that week closes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram.error import Forbidden, TelegramError

from faqbot.bot.language import chat_language
from faqbot.bot.messaging import send
from faqbot.bot.rendering import html_message
from faqbot.bot.state import BotApplication, Context
from faqbot.handlers.quiz.views import weekly_standings
from faqbot.knowledge.periods import week_bounds
from faqbot.storage.quiz import LEADERBOARD_SIZE, OwedWeek

log = logging.getLogger(__name__)

WEEKLY_JOB = "quiz-weekly-standings"
# How often closed weeks are looked for: a week's standings go out within this of its close
# (in every timezone, whole hours or not), or of the end of a round running at the close.
CHECK_EVERY = timedelta(minutes=1)


async def post_closed_weeks(application: BotApplication, now: datetime | None = None) -> int:
    """Post the standings of every week that has closed and not been posted; returns how many
    went out. A group running a round waits for it to end."""
    state = application.bot_data
    store = state.stores.quiz
    moment = now or datetime.now(UTC)
    posted = 0
    for week in await store.owed_weeks(state.settings.timezone):
        opened, closed = week_bounds(week.week_start, week.timezone)
        # The database, not this replica's memory: another replica may run the round.
        if closed > moment or await store.round_of(week.chat_id) is not None:
            continue
        # Claimed before sending: a crash in between loses one announcement rather than
        # posting it twice.
        if not await store.mark_week(week.chat_id, week.week_start, posted=True):
            continue
        if await _post(application, week, opened.timestamp(), closed.timestamp()):
            posted += 1
    return posted


async def _post(application: BotApplication, week: OwedWeek, since: float, until: float) -> bool:
    store = application.bot_data.stores.quiz
    board = await store.leaderboard(week.chat_id, LEADERBOARD_SIZE, since=since, until=until)
    if not board:
        return False  # polls went out, nobody answered: nothing to announce
    players = await store.players(week.chat_id, since=since, until=until)
    language = await chat_language(application.bot_data, week.chat_id)
    standings = weekly_standings(board, players, week.week_start, language)
    try:
        await send(application.bot, week.chat_id, html_message(standings))
    except Forbidden as error:
        log.info("weekly standings for chat %s not posted: %s", week.chat_id, error.message)
        return False
    except TelegramError as error:
        # Try again at the next check.
        await store.mark_week(week.chat_id, week.week_start, posted=False)
        log.warning(
            "could not post weekly standings to chat %s (%s); trying again in a minute",
            week.chat_id,
            error,
        )
        return False
    return True


async def weekly_standings_job(context: Context) -> None:
    """The minutely look for weeks that have closed."""
    await post_closed_weeks(context.application)


def schedule_weekly(application: BotApplication) -> None:
    """Start the minutely check (once, however often start-up runs)."""
    application.job_queue.run_repeating(
        weekly_standings_job,
        interval=CHECK_EVERY,
        first=CHECK_EVERY,
        name=WEEKLY_JOB,
        job_kwargs={"id": WEEKLY_JOB, "replace_existing": True},
    )
