"""What the quiz says: usage, topics, poll answers, round summaries, standings, settings and
review notices, in HTML. Every sentence of the quiz feature is here, kept together."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from faqbot.bot.rendering import ECHO_LIMIT, excerpt
from faqbot.bot.state import Round
from faqbot.knowledge import Pack, Topic
from faqbot.knowledge.periods import Period
from faqbot.knowledge.quiz_items import QuizBank
from faqbot.knowledge.review import ReviewState
from faqbot.storage.quiz import QuizSettings, Record, Setting, Standing

MAX_ROUND = 20
ROUND_SUMMARY_PLAYERS = 10
# A big group can tie by the hundred; the summary must stay one message.
WINNERS_NAMED = 5
# Telegram allows 64 characters in a first name and 64 in a last; a board line needs fewer.
NAME_LIMIT = 32
OPEN_PERIOD_RANGE = (10, 600)

USAGE = (
    "Send /quiz for a round, /quiz 5 for five questions, /quiz exercises 5 for five on one "
    f"topic (1 to {MAX_ROUND} questions), /quiz topics for the topics, or /quiz stop to end "
    "the round."
)
NO_ITEMS = "This knowledge pack has no quiz questions."
NO_ROUND = "No quiz round is running here."
STOP_REFUSED = "Only whoever started this round, or a chat admin, can stop it."
REVIEW_IN_GROUP = (
    "Your review is personal, so it runs in a private chat with me: tap the button, then Start."
)
REVIEW_BUTTON = "📝 Review my mistakes"
READ_ANSWER_BUTTON = "📖 Read the answer"
TOP_USAGE = "Send /top for this week, /top month for this month, or /top all for all time."
SETTINGS_ADMINS_ONLY = "Only this group's admins can change its quiz settings."
SETTINGS_CHANGED_SINCE = "These settings changed meanwhile; here they are now."
SETTINGS_USAGE = (
    "Change a setting with the buttons, or send /quizsettings seconds 45, "
    "/quizsettings questions 5, or /quizsettings explanation off."
)
SETTINGS_SAVED = "Saved."

# Button choices on the settings message; any value in range can be typed instead.
OPEN_PERIOD_CHOICES = (10, 20, 30, 60, 120, 300, 600)
ROUND_SIZE_CHOICES = (1, 3, 5, 10, 15, 20)
SETTINGS_BUTTON = "qs"  # callback data "qs:<version>:<setting>:<value>"
_SETTING_CODES = {Setting.OPEN_PERIOD: "p", Setting.ROUND_SIZE: "n", Setting.SHOW_EXPLANATION: "e"}
SETTING_BY_CODE = {code: setting for setting, code in _SETTING_CODES.items()}

_PERIOD_TITLES = {
    Period.WEEK: "This week's quiz standings",
    Period.MONTH: "This month's quiz standings",
    Period.ALL: "All-time quiz standings",
}


def player_name(name: str, left: bool = False) -> str:
    """A player's name for a board: invisible characters dropped, cut, escaped."""
    shown = html.escape(excerpt(name, NAME_LIMIT)) or "?"
    return f"{shown} (left)" if left else shown


def busy(running: Round) -> str:
    """Why a new round cannot start while one runs."""
    return (
        f"A round is already running here ({running.asked} of {running.total} asked). "
        "Send /quiz stop to end it."
    )


def bad_count(typed: str) -> str:
    """/quiz with a number of questions no round can have."""
    return (
        f"A round has 1 to {MAX_ROUND} questions, so “{html.escape(excerpt(typed))}” "
        "will not do. Try /quiz 5."
    )


def unknown_topic(typed: str, closest: Topic | None) -> str:
    """/quiz with a topic the pack does not have, and the closest one it has."""
    head = f"I have no quiz topic “{html.escape(excerpt(typed, ECHO_LIMIT))}”."
    if closest is None:
        return f"{head} Send /quiz topics for the list."
    return (
        f"{head} Did you mean <b>{html.escape(closest.title)}</b>? Send /quiz {closest.id}, "
        "or /quiz topics for the list."
    )


def ambiguous_topic(typed: str, topics: Sequence[Topic]) -> str:
    """/quiz with a word that fits several topics equally."""
    choices = ", ".join(f"/quiz {t.id} ({html.escape(t.title)})" for t in topics)
    return f"“{html.escape(excerpt(typed))}” fits several topics. Send one of: {choices}."


def fewer_on_topic(topic: Topic, available: int) -> str:
    """A topic round cut to the items the topic has."""
    questions = "question" if available == 1 else "questions"
    return f"{html.escape(topic.title)} has {available} {questions}, so the round has {available}."


def no_items_on_topic(topic: Topic) -> str:
    """A topic the pack has, but with no quiz questions."""
    return f"{html.escape(topic.title)} has no quiz questions yet. Send /quiz topics for the list."


def topic_list(pack: Pack, bank: QuizBank) -> str:
    """`/quiz topics`: each topic with how many quiz questions it has."""
    counts = bank.counts()
    lines = ["<b>Quiz topics</b>"]
    for topic in pack.topics:
        count = counts.get(topic.id, 0)
        if count:
            lines.append(f"• {html.escape(topic.title)}: {count} — /quiz {topic.id}")
    lines.append("\nAdd a number for a round, for example /quiz exercises 3.")
    return "\n".join(lines)


def revealed_answer(correct: str) -> str:
    """The reply to a closed poll: which option was right."""
    return f"✅ Answer: <b>{html.escape(correct)}</b>"


def read_answer_keyboard(url: str | None, callback_data: str | None) -> InlineKeyboardMarkup:
    """The "Read the answer" button: a deep link into a private chat, or in one, a button."""
    if url is not None:
        return InlineKeyboardMarkup([[InlineKeyboardButton(READ_ANSWER_BUTTON, url=url)]])
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(READ_ANSWER_BUTTON, callback_data=callback_data)]]
    )


def review_keyboard(url: str) -> InlineKeyboardMarkup:
    """The button that takes a group member to their review in a private chat."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(REVIEW_BUTTON, url=url)]])


def round_summary(current: Round, stopped: bool) -> str:
    """How the round went, in HTML: the winners, every player's score, the fastest answer."""
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
    if not ranked:
        lines.append("Nobody answered.")
        return "\n".join(lines)
    best = ranked[0].correct
    if best > 0:
        winners = [player_name(t.name) for t in ranked if t.correct == best]
        label = "Winner" if len(winners) == 1 else "Winners"
        named = ", ".join(winners[:WINNERS_NAMED])
        if len(winners) > WINNERS_NAMED:
            named += f" and {len(winners) - WINNERS_NAMED} more"
        lines.append(f"🏆 {label}: {named} ({best} right)")
    lines += [
        f"{player_name(t.name)}: {t.correct} of {t.answered} right"
        for t in ranked[:ROUND_SUMMARY_PLAYERS]
    ]
    if len(ranked) > ROUND_SUMMARY_PLAYERS:
        lines.append(f"…and {len(ranked) - ROUND_SUMMARY_PLAYERS} more.")
    timed = [t for t in ranked if t.fastest is not None]
    if timed:
        fastest = min(timed, key=lambda t: (t.fastest, t.name.casefold()))
        lines.append(
            f"⚡ Fastest right answer: {player_name(fastest.name)}, {fastest.fastest:.1f} s"
        )
    lines.append("Send /top for this week's standings.")
    return "\n".join(lines)


def _score(row: Standing | Record) -> str:
    timing = f", {row.average_seconds:.1f} s on average" if row.correct else ""
    return f"{row.correct} of {row.answered} right{timing}"


def _board_lines(board: list[Standing]) -> list[str]:
    return [f"{row.rank}. {player_name(row.name, row.left)}: {_score(row)}" for row in board]


def leaderboard_message(
    board: list[Standing], mine: Standing | None, players: int, period: Period = Period.ALL
) -> str:
    """The top of the chat's board for a period and the asker's rank, in HTML."""
    if not board:
        if period is Period.ALL:
            return "No quiz answers in this chat yet. Send /quiz to start."
        return f"No quiz answers here {_period_phrase(period)} yet. Send /quiz to start."
    lines = [f"<b>{_PERIOD_TITLES[period]}</b>", *_board_lines(board)]
    if mine is None:
        lines.append(f"\nYou have not answered a quiz here {_period_phrase(period)}.")
    else:
        lines.append(f"\nYou: #{mine.rank} of {players} players")
    if period is Period.WEEK:
        lines.append("The week starts on Monday at 00:00. /top month, /top all")
    return "\n".join(lines)


def _period_phrase(period: Period) -> str:
    return {Period.WEEK: "this week", Period.MONTH: "this month", Period.ALL: "yet"}[period]


def weekly_standings(board: list[Standing], players: int, monday: date) -> str:
    """The standings posted when a week closes, in HTML."""
    week = f"{monday:%d %b}".lstrip("0")
    lines = [f"<b>Week of {week}: final quiz standings</b>"]
    winners = [player_name(row.name, row.left) for row in board if row.rank == 1 and row.correct]
    if winners:
        label = "Winner of the week" if len(winners) == 1 else "Winners of the week"
        lines.append(f"🏆 {label}: {', '.join(winners)}")
    lines += _board_lines(board)
    if players > len(board):
        lines.append(f"…and {players - len(board)} more players.")
    lines.append("A new week has begun: /quiz to play, /top for its standings.")
    return "\n".join(lines)


def own_record(record: Record | None) -> str:
    """A user's record over all chats, in HTML."""
    if record is None:
        return "You have not answered any quiz yet. Send /quiz to play."
    where = "1 chat" if record.chats == 1 else f"{record.chats} chats"
    return (
        f"<b>Your quiz record</b>\n{_score(record)} over {where}.\n"
        "Send /review to go over what you got wrong."
    )


def settings_message(settings: QuizSettings, can_change: bool) -> str:
    """A chat's quiz settings, in HTML."""
    shown = "shown" if settings.show_explanation else "hidden"
    lines = [
        "<b>Quiz settings</b>",
        f"Seconds per question: {settings.open_period}",
        f"Questions per round: {settings.round_size}",
        f"Explanation after answering: {shown}",
        "",
        SETTINGS_USAGE if can_change else SETTINGS_ADMINS_ONLY,
    ]
    return "\n".join(lines)


def settings_keyboard(settings: QuizSettings) -> InlineKeyboardMarkup:
    """Buttons that change the settings; the current value of each is ticked."""

    def choice(setting: Setting, value: int, label: str, current: int) -> InlineKeyboardButton:
        code = _SETTING_CODES[setting]
        data = f"{SETTINGS_BUTTON}:{settings.version}:{code}:{value}"
        return InlineKeyboardButton(f"✓ {label}" if value == current else label, callback_data=data)

    periods = [
        choice(Setting.OPEN_PERIOD, s, f"{s}s", settings.open_period) for s in OPEN_PERIOD_CHOICES
    ]
    sizes = [
        choice(Setting.ROUND_SIZE, n, f"{n} q", settings.round_size) for n in ROUND_SIZE_CHOICES
    ]
    explanation = int(settings.show_explanation)
    return InlineKeyboardMarkup(
        [
            periods[:4],
            periods[4:],
            sizes,
            [
                choice(Setting.SHOW_EXPLANATION, 1, "Explanation on", explanation),
                choice(Setting.SHOW_EXPLANATION, 0, "Explanation off", explanation),
            ],
        ]
    )


def bad_setting(typed: str) -> str:
    """/quizsettings with a setting or value that cannot be used."""
    low, high = OPEN_PERIOD_RANGE
    return (
        f"I can't use “{html.escape(excerpt(typed))}”: seconds go from {low} to {high}, "
        f"questions from 1 to {MAX_ROUND}, explanation is on or off. {SETTINGS_USAGE}"
    )


def nothing_due(schedule: Mapping[str, ReviewState], bank: QuizBank, now: float) -> str:
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
