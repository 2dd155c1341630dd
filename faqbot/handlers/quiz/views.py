"""What the quiz says: usage, round summaries, leaderboards and review notices, in HTML."""

from __future__ import annotations

import html
from collections.abc import Mapping

from faqbot.bot.state import Round
from faqbot.knowledge.catalogue import Key, say
from faqbot.knowledge.quiz_items import QuizBank
from faqbot.knowledge.review import ReviewState
from faqbot.storage.quiz import Record, Standing

MAX_ROUND = 20
ROUND_SUMMARY_PLAYERS = 10


def said(language: str, key: Key, **values: object) -> str:
    """A catalogue sentence as HTML; its values are HTML already (escaped where they must be)."""
    return say(language, key, **values)


def usage(language: str) -> str:
    """How to use /quiz."""
    return said(language, "quiz_usage", most=MAX_ROUND)


def busy(running: Round, language: str) -> str:
    """Why a new round cannot start while one runs."""
    return said(language, "quiz_busy", asked=running.asked, total=running.total)


def round_summary(current: Round, stopped: bool) -> str:
    """How the round went, in HTML, in the round's language."""
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
    lines += [
        said(
            language,
            "quiz_player",
            name=html.escape(t.name),
            correct=t.correct,
            answered=t.answered,
        )
        for t in ranked[:ROUND_SUMMARY_PLAYERS]
    ]
    if not ranked:
        lines.append(said(language, "quiz_nobody"))
    lines.append(said(language, "quiz_see_top"))
    return "\n".join(lines)


def _score(row: Standing | Record, language: str) -> str:
    score = said(language, "quiz_score", correct=row.correct, answered=row.answered)
    if row.correct:
        score += said(language, "quiz_score_timing", seconds=f"{row.average_seconds:.1f}")
    return score


def leaderboard_message(
    board: list[Standing], mine: Standing | None, players: int, language: str
) -> str:
    """The top of the chat's leaderboard and the asker's rank, in HTML."""
    if not board:
        return said(language, "quiz_board_empty")
    lines = [f"<b>{said(language, 'quiz_board_title')}</b>"]
    lines += [f"{row.rank}. {html.escape(row.name)}: {_score(row, language)}" for row in board]
    if mine is None:
        lines.append("\n" + said(language, "quiz_board_not_played"))
    else:
        lines.append("\n" + said(language, "quiz_board_you", rank=mine.rank, players=players))
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
