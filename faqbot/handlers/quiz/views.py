"""What the quiz says: usage, topics, poll answers, round summaries, standings, settings and
review notices, in HTML, in the language asked for. The sentences are in the catalogue."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from faqbot.bot.rendering import ECHO_LIMIT, excerpt
from faqbot.bot.state import Round
from faqbot.knowledge import Pack, Topic
from faqbot.knowledge.catalogue import Key, say
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

# Button choices on the settings message; any value in range can be typed instead.
OPEN_PERIOD_CHOICES = (10, 20, 30, 60, 120, 300, 600)
ROUND_SIZE_CHOICES = (1, 3, 5, 10, 15, 20)
SETTINGS_BUTTON = "qs"  # callback data "qs:<version>:<setting>:<value>"
_SETTING_CODES = {Setting.OPEN_PERIOD: "p", Setting.ROUND_SIZE: "n", Setting.SHOW_EXPLANATION: "e"}
SETTING_BY_CODE = {code: setting for setting, code in _SETTING_CODES.items()}

_PERIOD_TITLES: dict[Period, Key] = {
    Period.WEEK: "quiz_title_week",
    Period.MONTH: "quiz_title_month",
    Period.ALL: "quiz_title_all",
}
_NOTHING_YET: dict[Period, Key] = {
    Period.WEEK: "quiz_board_empty_week",
    Period.MONTH: "quiz_board_empty_month",
    Period.ALL: "quiz_board_empty",
}
_NOT_PLAYED: dict[Period, Key] = {
    Period.WEEK: "quiz_not_played_week",
    Period.MONTH: "quiz_not_played_month",
    Period.ALL: "quiz_not_played",
}


def said(language: str, key: Key, **values: object) -> str:
    """A catalogue sentence as HTML; its values are HTML already (escaped where they must be).

    The catalogue's sentences hold no '<', '>' or '&' (tests/knowledge/test_catalogue.py)."""
    return say(language, key, **values)


def _typed(text: str, limit: int = ECHO_LIMIT) -> str:
    """What the user typed, as a short escaped excerpt in quotes."""
    return f"“{html.escape(excerpt(text, limit))}”"


def player_name(name: str, language: str, left: bool = False) -> str:
    """A player's name for a board: invisible characters dropped, cut, escaped."""
    shown = html.escape(excerpt(name, NAME_LIMIT)) or "?"
    return said(language, "quiz_player_left", name=shown) if left else shown


def usage(language: str) -> str:
    """How to use /quiz."""
    return said(language, "quiz_usage", most=MAX_ROUND)


def busy(asked: int, total: int, language: str) -> str:
    """Why a new round cannot start while one runs (`asked` of its `total` polls so far)."""
    return said(language, "quiz_busy", asked=asked, total=total)


def bad_count(typed: str, language: str) -> str:
    """/quiz with a number of questions no round can have."""
    return said(language, "quiz_bad_count", most=MAX_ROUND, typed=_typed(typed))


def unknown_topic(typed: str, closest: Topic | None, language: str) -> str:
    """/quiz with a topic the pack does not have, and the closest one it has."""
    head = said(language, "quiz_unknown_topic", typed=_typed(typed))
    if closest is None:
        return f"{head} {said(language, 'quiz_topics_list')}"
    title = f"<b>{html.escape(closest.title)}</b>"
    return f"{head} {said(language, 'quiz_closest_topic', title=title, id=closest.id)}"


def ambiguous_topic(typed: str, topics: Sequence[Topic], language: str) -> str:
    """/quiz with a word that fits several topics equally."""
    choices = ", ".join(f"/quiz {t.id} ({html.escape(t.title)})" for t in topics)
    return said(language, "quiz_ambiguous_topic", typed=_typed(typed), choices=choices)


def fewer_on_topic(topic: Topic, available: int, language: str) -> str:
    """A topic round cut to the items the topic has."""
    key: Key = "quiz_fewer_on_topic_one" if available == 1 else "quiz_fewer_on_topic"
    return said(language, key, title=html.escape(topic.title), count=available)


def no_items_on_topic(topic: Topic, language: str) -> str:
    """A topic the pack has, but with no quiz questions."""
    return said(language, "quiz_no_items_on_topic", title=html.escape(topic.title))


def topic_list(pack: Pack, bank: QuizBank) -> str:
    """`/quiz topics`: each topic with how many quiz questions it has, in the pack's language."""
    language = pack.info.language
    counts = bank.counts()
    lines = [f"<b>{said(language, 'quiz_topics_title')}</b>"]
    for topic in pack.topics:
        count = counts.get(topic.id, 0)
        if count:
            lines.append(f"• {html.escape(topic.title)}: {count} — /quiz {topic.id}")
    lines.append("\n" + said(language, "quiz_topics_hint"))
    return "\n".join(lines)


def revealed_answer(correct: str, language: str) -> str:
    """The reply to a closed poll: which option was right."""
    return said(language, "quiz_revealed", correct=f"<b>{html.escape(correct)}</b>")


def read_answer_keyboard(
    url: str | None, callback_data: str | None, language: str
) -> InlineKeyboardMarkup:
    """The "Read the answer" button: a deep link into a private chat, or in one, a button."""
    label = say(language, "quiz_read_answer_button")
    if url is not None:
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=callback_data)]])


def review_keyboard(url: str, language: str) -> InlineKeyboardMarkup:
    """The button that takes a group member to their review in a private chat."""
    label = say(language, "quiz_review_button")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


def round_summary(current: Round, stopped: bool) -> str:
    """How the round went, in HTML, in the round's language: the winners, every player's
    score, the fastest answer."""
    language = current.language
    if current.kind == "review":
        right = sum(tally.correct for tally in current.tally.values())
        head = said(language, "quiz_review_stopped" if stopped else "quiz_review_done")
        summary = said(language, "quiz_review_summary", right=right, asked=current.asked)
        return f"<b>{head}</b>: {summary}"
    head = said(language, "quiz_round_stopped" if stopped else "quiz_round_over")
    after = said(language, "quiz_round_after", asked=current.asked, total=current.total)
    lines = [f"<b>{head}</b> {after}"]
    ranked = sorted(current.tally.values(), key=lambda t: (-t.correct, t.name.casefold()))
    if not ranked:
        lines.append(said(language, "quiz_nobody"))
        return "\n".join(lines)
    best = ranked[0].correct
    if best > 0:
        winners = [player_name(t.name, language) for t in ranked if t.correct == best]
        named = ", ".join(winners[:WINNERS_NAMED])
        if len(winners) > WINNERS_NAMED:
            more = len(winners) - WINNERS_NAMED
            named = said(language, "quiz_names_and_more", names=named, count=more)
        key: Key = "quiz_winner" if len(winners) == 1 else "quiz_winners"
        lines.append(said(language, key, names=named, best=best))
    for t in ranked[:ROUND_SUMMARY_PLAYERS]:
        name = player_name(t.name, language)
        score = said(language, "quiz_score", correct=t.correct, answered=t.answered)
        lines.append(f"{name}: {score}")
    if len(ranked) > ROUND_SUMMARY_PLAYERS:
        lines.append(said(language, "quiz_more", count=len(ranked) - ROUND_SUMMARY_PLAYERS))
    timed = [t for t in ranked if t.fastest is not None]
    if timed:
        fastest = min(timed, key=lambda t: (t.fastest or 0.0, t.name.casefold()))
        lines.append(
            said(
                language,
                "quiz_fastest",
                name=player_name(fastest.name, language),
                seconds=f"{fastest.fastest:.1f}",
            )
        )
    lines.append(said(language, "quiz_see_week"))
    return "\n".join(lines)


def _score(row: Standing | Record, language: str) -> str:
    score = said(language, "quiz_score", correct=row.correct, answered=row.answered)
    if row.correct:
        score += said(language, "quiz_score_timing", seconds=f"{row.average_seconds:.1f}")
    return score


def _board_lines(board: list[Standing], language: str) -> list[str]:
    return [
        f"{row.rank}. {player_name(row.name, language, row.left)}: {_score(row, language)}"
        for row in board
    ]


def leaderboard_message(
    board: list[Standing],
    mine: Standing | None,
    players: int,
    period: Period = Period.ALL,
    language: str = "en",
) -> str:
    """The top of the chat's board for a period and the asker's rank, in HTML."""
    if not board:
        return said(language, _NOTHING_YET[period])
    title = said(language, _PERIOD_TITLES[period])
    lines = [f"<b>{title}</b>", *_board_lines(board, language)]
    if mine is None:
        lines.append("\n" + said(language, _NOT_PLAYED[period]))
    else:
        lines.append("\n" + said(language, "quiz_board_you", rank=mine.rank, players=players))
    if period is Period.WEEK:
        lines.append(said(language, "quiz_week_starts"))
    return "\n".join(lines)


def weekly_standings(
    board: list[Standing], players: int, monday: date, language: str = "en"
) -> str:
    """The standings posted when a week closes, in HTML."""
    # A month's name is a word of one language; its number is in none.
    week = f"{monday:%d %b}".lstrip("0") if language == "en" else f"{monday:%d.%m.%Y}"
    lines = [f"<b>{said(language, 'quiz_week_title', week=week)}</b>"]
    winners = [
        player_name(row.name, language, row.left) for row in board if row.rank == 1 and row.correct
    ]
    if winners:
        key: Key = "quiz_week_winner" if len(winners) == 1 else "quiz_week_winners"
        lines.append(said(language, key, names=", ".join(winners)))
    lines += _board_lines(board, language)
    if players > len(board):
        lines.append(said(language, "quiz_more_players", count=players - len(board)))
    lines.append(said(language, "quiz_new_week"))
    return "\n".join(lines)


def own_record(record: Record | None, language: str) -> str:
    """A user's record over all chats, in HTML."""
    if record is None:
        return said(language, "quiz_record_none")
    if record.chats == 1:
        where = said(language, "quiz_one_chat")
    else:
        where = said(language, "quiz_chats", count=record.chats)
    title = said(language, "quiz_record_title")
    body = said(language, "quiz_record", score=_score(record, language), where=where)
    return f"<b>{title}</b>\n{body}"


def settings_message(settings: QuizSettings, can_change: bool, language: str) -> str:
    """A chat's quiz settings, in HTML."""
    explanation: Key = (
        "quiz_settings_explanation_shown"
        if settings.show_explanation
        else "quiz_settings_explanation_hidden"
    )
    lines = [
        f"<b>{said(language, 'quiz_settings_title')}</b>",
        said(language, "quiz_settings_seconds", value=settings.open_period),
        said(language, "quiz_settings_questions", value=settings.round_size),
        said(language, explanation),
        "",
        said(language, "quiz_settings_usage" if can_change else "quiz_settings_admins_only"),
    ]
    return "\n".join(lines)


def settings_keyboard(settings: QuizSettings, language: str) -> InlineKeyboardMarkup:
    """Buttons that change the settings; the current value of each is ticked."""

    def choice(setting: Setting, value: int, label: str, current: int) -> InlineKeyboardButton:
        code = _SETTING_CODES[setting]
        data = f"{SETTINGS_BUTTON}:{settings.version}:{code}:{value}"
        return InlineKeyboardButton(f"✓ {label}" if value == current else label, callback_data=data)

    periods = [
        choice(
            Setting.OPEN_PERIOD,
            s,
            say(language, "quiz_button_seconds", value=s),
            settings.open_period,
        )
        for s in OPEN_PERIOD_CHOICES
    ]
    sizes = [
        choice(
            Setting.ROUND_SIZE,
            n,
            say(language, "quiz_button_questions", value=n),
            settings.round_size,
        )
        for n in ROUND_SIZE_CHOICES
    ]
    explanation = int(settings.show_explanation)
    on = say(language, "quiz_button_explanation_on")
    off = say(language, "quiz_button_explanation_off")
    return InlineKeyboardMarkup(
        [
            periods[:4],
            periods[4:],
            sizes,
            [
                choice(Setting.SHOW_EXPLANATION, 1, on, explanation),
                choice(Setting.SHOW_EXPLANATION, 0, off, explanation),
            ],
        ]
    )


def bad_setting(typed: str, language: str) -> str:
    """/quizsettings with a setting or value that cannot be used."""
    low, high = OPEN_PERIOD_RANGE
    refused = said(
        language, "quiz_bad_setting", typed=_typed(typed), low=low, high=high, most=MAX_ROUND
    )
    return f"{refused} {said(language, 'quiz_settings_usage')}"


def nothing_due(
    schedule: Mapping[str, ReviewState], bank: QuizBank, now: float, language: str
) -> str:
    """Why /review has nothing to ask, and when it will."""
    known = [state.due_at for key, state in schedule.items() if bank.get(key) is not None]
    if not known:
        return said(language, "quiz_nothing_yet")
    return said(language, "quiz_nothing_now", when=_until(min(known) - now, language))


def _until(seconds: float, language: str) -> str:
    minutes = max(round(seconds / 60), 1)
    if minutes == 1:
        return said(language, "quiz_in_a_minute")
    if minutes < 90:
        return said(language, "quiz_in_minutes", count=minutes)
    hours = round(minutes / 60)
    if hours < 36:
        return said(language, "quiz_in_hours", count=hours)
    return said(language, "quiz_in_days", count=round(hours / 24))
