"""What the quiz says: usage, round summaries, leaderboards and review notices, in HTML."""

from __future__ import annotations

import html
from collections.abc import Mapping

from faqbot.bot.state import Round
from faqbot.knowledge.quiz_items import QuizBank
from faqbot.knowledge.review import ReviewState
from faqbot.storage.quiz import Record, Standing

MAX_ROUND = 20
ROUND_SUMMARY_PLAYERS = 10

USAGE = (
    "Send /quiz for one question, /quiz N for a round of N questions (1 to "
    f"{MAX_ROUND}), or /quiz stop to end the round."
)
NO_ITEMS = "This knowledge pack has no quiz questions."
NO_ROUND = "No quiz round is running here."
STOP_REFUSED = "Only whoever started this round, or a chat admin, can stop it."
REVIEW_IN_PRIVATE = "Send /review to me in a private chat: it quizzes you on what you got wrong."


def busy(running: Round) -> str:
    """Why a new round cannot start while one runs."""
    return (
        f"A round is already running here ({running.asked} of {running.total} asked). "
        "Send /quiz stop to end it."
    )


def round_summary(current: Round, stopped: bool) -> str:
    """How the round went, in HTML."""
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
    lines += [
        f"{html.escape(t.name)}: {t.correct} of {t.answered} right"
        for t in ranked[:ROUND_SUMMARY_PLAYERS]
    ]
    if not ranked:
        lines.append("Nobody answered.")
    lines.append("Send /top for the leaderboard.")
    return "\n".join(lines)


def _score(row: Standing | Record) -> str:
    timing = f", {row.average_seconds:.1f} s on average" if row.correct else ""
    return f"{row.correct} of {row.answered} right{timing}"


def leaderboard_message(board: list[Standing], mine: Standing | None, players: int) -> str:
    """The top of the chat's leaderboard and the asker's rank, in HTML."""
    if not board:
        return "No quiz answers in this chat yet. Send /quiz to start."
    lines = ["<b>Quiz leaderboard</b>"]
    lines += [f"{row.rank}. {html.escape(row.name)}: {_score(row)}" for row in board]
    if mine is None:
        lines.append("\nYou have not answered a quiz here yet.")
    else:
        lines.append(f"\nYou: #{mine.rank} of {players} players")
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
