"""Quiz state: open polls, who answered them, dated results, players, settings, review.

The functions take a SQLAlchemy connection, inside one transaction; QuizStore is what the event
loop awaits (`await stores.quiz.leaderboard(chat_id)`).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    ScalarSelect,
    Subquery,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)

from faqbot.knowledge.periods import week_of
from faqbot.knowledge.review import ReviewState, next_review
from faqbot.storage import claims
from faqbot.storage.claims import LostClaim
from faqbot.storage.database import Storage
from faqbot.storage.schema import (
    Id,
    daily_subscription,
    quiz_answer,
    quiz_player,
    quiz_poll,
    quiz_result,
    quiz_round,
    quiz_settings,
    quiz_week,
    review_box,
)
from faqbot.storage.upserts import insert, inserted

LEADERBOARD_SIZE = 10
# Results in a period start here for "all time": scores carried over from before dated
# results are dated 0.
EVER = -1.0
FOREVER = float("inf")
# Leases renewed per statement at most: an IN (...) list short enough for any SQLite.
RENEW_BATCH = 500


@dataclass(frozen=True)
class OpenPoll:
    """A quiz poll the bot sent and has not closed yet."""

    poll_id: str
    chat_id: int
    message_id: int
    item_key: str
    correct_option: int
    opened_at: float
    closes_at: float


@dataclass(frozen=True)
class CloseClaim:
    """A process's claim on closing one poll: its writes carry the token (storage/claims.py)."""

    poll: OpenPoll
    token: int


@dataclass(frozen=True)
class StoredRound:
    """A chat's running round as the database keeps it: enough for any replica to move it on."""

    chat_id: int
    round_id: str
    kind: str
    thread_id: int | None
    starter_id: int | None
    language: str
    item_keys: tuple[str, ...]  # still to ask, in order
    asked: int
    total: int
    open_period: int
    show_explanation: bool
    started_at: float
    poll_id: str | None = None  # the poll it waits on


@dataclass(frozen=True)
class AnswerOutcome:
    """What one counted answer was: right or wrong, and how long it took."""

    poll: OpenPoll
    correct: bool
    seconds: float


@dataclass(frozen=True)
class Standing:
    """One user's line on a chat's leaderboard for a period."""

    rank: int
    user_id: int
    name: str
    correct: int
    answered: int
    average_seconds: float  # over correct answers; 0 when there are none
    left: bool = False  # left the chat (shown as such until the period ends)


@dataclass(frozen=True)
class RoundScore:
    """One player's answers in a chat since a moment: a round's tally, from the database."""

    user_id: int
    name: str
    answered: int
    correct: int
    fastest: float | None  # seconds of the quickest right answer


@dataclass(frozen=True)
class Record:
    """One user's totals over every chat they played in."""

    answered: int
    correct: int
    average_seconds: float
    chats: int


class Setting(StrEnum):
    """A chat's quiz settings, by their column in quiz_settings."""

    OPEN_PERIOD = "open_period"
    ROUND_SIZE = "round_size"
    SHOW_EXPLANATION = "show_explanation"


@dataclass(frozen=True)
class QuizSettings:
    """How a chat's quiz runs: seconds per question, questions per round, explanations."""

    open_period: int
    round_size: int
    show_explanation: bool
    language: str | None = None
    version: int = 0  # changes so far; 0 until the chat changes anything


def default_settings(open_period: int) -> QuizSettings:
    """The settings of a chat that changed none: `open_period` seconds, one question a round."""
    return QuizSettings(open_period=open_period, round_size=1, show_explanation=True)


@dataclass(frozen=True)
class OwedWeek:
    """A closed-or-running week in which a group ran a quiz, whose standings are not posted."""

    chat_id: int
    week_start: date
    timezone: str


_POLLS = (
    quiz_poll.c.poll_id,
    quiz_poll.c.chat_id,
    quiz_poll.c.message_id,
    quiz_poll.c.item_key,
    quiz_poll.c.correct_option,
    quiz_poll.c.opened_at,
    quiz_poll.c.closes_at,
)


def _poll(row: Any) -> OpenPoll:
    return OpenPoll(*row)


def _chat_zone(chat_id: Any) -> ScalarSelect[Any]:
    """The timezone a chat chose (one daily row per kind, all alike: take one), as a subquery."""
    return (
        select(daily_subscription.c.timezone)
        .where(daily_subscription.c.chat_id == chat_id)
        .order_by(daily_subscription.c.kind)
        .limit(1)
        .scalar_subquery()
    )


def chat_timezone(connection: Connection, chat_id: int, default: str) -> str:
    """The timezone a chat chose with /timezone (kept with its daily settings), or the default."""
    found = connection.execute(select(_chat_zone(chat_id))).scalar()
    return str(found) if found is not None else default


def _note_week(connection: Connection, chat_id: int, at: float, zone_name: str) -> None:
    """Remember that a group quizzed in the week holding `at`, so its standings are posted."""
    if chat_id >= 0:
        return  # private chats get no weekly standings
    week = week_of(datetime.fromtimestamp(at, UTC), chat_timezone(connection, chat_id, zone_name))
    connection.execute(
        insert(connection, quiz_week)
        .values(chat_id=chat_id, week_start=week.isoformat())
        .on_conflict_do_nothing(index_elements=[quiz_week.c.chat_id, quiz_week.c.week_start])
    )


def add_poll(connection: Connection, poll: OpenPoll, default_timezone: str) -> None:
    """Remember a poll just sent, so answers to it count, even after a restart."""
    connection.execute(
        quiz_poll.insert().values(
            poll_id=poll.poll_id,
            chat_id=poll.chat_id,
            message_id=poll.message_id,
            item_key=poll.item_key,
            correct_option=poll.correct_option,
            opened_at=poll.opened_at,
            closes_at=poll.closes_at,
        )
    )
    _note_week(connection, poll.chat_id, poll.opened_at, default_timezone)


def open_polls(connection: Connection) -> list[OpenPoll]:
    """Every poll not closed yet, oldest first."""
    return [
        _poll(row)
        for row in connection.execute(
            select(*_POLLS).where(quiz_poll.c.closed_at.is_(None)).order_by(quiz_poll.c.opened_at)
        )
    ]


# Closing a poll (stopPoll, its answer revealed, its round moved on) is claimed as a daily
# delivery is (storage/claims.py): each process's close loop claims the polls whose close is
# due, and renews the leases of the closes it is doing now, so a process that stops, or a
# close that fails, loses them to another once their lease runs out, and a live one never does.

_UNCLOSED = quiz_poll.c.closed_at.is_(None)


def _close_claims(rows: Any) -> list[CloseClaim]:
    return [CloseClaim(_poll(row[:-1]), row[-1]) for row in rows]


def claim_closes(
    connection: Connection, owner: str, now: float, lease_until: float, limit: int
) -> list[CloseClaim]:
    """Claim up to `limit` polls whose close is due and that no live claim holds, earliest
    first; concurrent claimers get disjoint polls."""
    rows = claims.claim_due(
        connection,
        quiz_poll,
        and_(_UNCLOSED, quiz_poll.c.closes_at <= bindparam("b_now")),
        quiz_poll.c.closes_at,
        limit,
        now=now,
        lease_until=lease_until,
        returning=(*_POLLS, quiz_poll.c.claim_token),
        values={"claim_owner": owner},
    )
    return _close_claims(rows)


def claim_close(
    connection: Connection, poll_id: str, owner: str, now: float, lease_until: float
) -> CloseClaim | None:
    """Claim closing one poll now, due or not (Telegram closed it, or its round is stopped);
    None if it is closed, unknown, or another live claim holds it."""
    rows = claims.claim_due(
        connection,
        quiz_poll,
        and_(_UNCLOSED, quiz_poll.c.poll_id == poll_id),
        quiz_poll.c.closes_at,
        1,
        now=now,
        lease_until=lease_until,
        returning=(*_POLLS, quiz_poll.c.claim_token),
        values={"claim_owner": owner},
    )
    found = _close_claims(rows)
    return found[0] if found else None


def mark_closed(connection: Connection, held: CloseClaim, now: float) -> None:
    """Record that a claimed poll's close is done; LostClaim if another claim took it over."""
    done = connection.execute(
        update(quiz_poll)
        .where(
            quiz_poll.c.poll_id == held.poll.poll_id,
            quiz_poll.c.claim_token == held.token,
            _UNCLOSED,
        )
        .values(closed_at=now, claim_until=None)
    ).rowcount
    if not done:
        raise LostClaim(f"the close of quiz poll {held.poll.poll_id} was taken over")


def forget_closed(connection: Connection, before: float) -> int:
    """Forget the polls closed before `before` and their answers; later answers to them are
    ignored as stale. Returns how many went."""
    return connection.execute(delete(quiz_poll).where(quiz_poll.c.closed_at < before)).rowcount


def _renew(
    connection: Connection,
    key: Column[str],
    ids: Collection[str],
    *where: ColumnElement[bool],
    **lease: float,
) -> None:
    """Set `lease` on the rows of `key`'s table whose key is in `ids` and that match `where`,
    RENEW_BATCH ids to a statement."""
    listed = sorted(ids)
    for at in range(0, len(listed), RENEW_BATCH):
        batch = listed[at : at + RENEW_BATCH]
        connection.execute(update(key.table).where(key.in_(batch), *where).values(**lease))


def close_tick(
    connection: Connection,
    owner: str,
    now: float,
    lease_until: float,
    forget_before: float,
    limit: int,
    *,
    closing: Collection[str] = (),
    starting: Collection[str] = (),
) -> list[CloseClaim]:
    """The close loop's beat, in one transaction: renew the leases of the polls `owner` is
    closing now (ids `closing`) and of the rounds it is starting now (ids `starting`), forget
    polls closed before `forget_before`, and claim the closes that are due. A close or start
    that ended without finishing is not renewed: its lease runs out and it is taken up again."""
    poll, round_ = quiz_poll.c, quiz_round.c
    _renew(
        connection,
        poll.poll_id,
        closing,
        poll.claim_owner == owner,
        _UNCLOSED,
        poll.claim_until.is_not(None),
        claim_until=lease_until,
    )
    _renew(
        connection,
        round_.round_id,
        starting,
        round_.owner == owner,
        round_.poll_id.is_(None),
        lease_until=lease_until,
    )
    forget_closed(connection, forget_before)
    return claim_closes(connection, owner, now, lease_until, limit)


# One running round per chat, kept in quiz_round (keyed on the chat): a round begins only if
# its insert goes in, so two replicas never run two rounds in one chat. A round that waits on
# no open poll and whose lease ran out was left by a process that stopped while starting it,
# or whose start failed.

_ROUNDS = (
    quiz_round.c.chat_id,
    quiz_round.c.round_id,
    quiz_round.c.kind,
    quiz_round.c.thread_id,
    quiz_round.c.starter_id,
    quiz_round.c.language,
    quiz_round.c.item_keys,
    quiz_round.c.asked,
    quiz_round.c.total,
    quiz_round.c.open_period,
    quiz_round.c.show_explanation,
    quiz_round.c.started_at,
    quiz_round.c.poll_id,
)


def _round(row: Any) -> StoredRound:
    chat, round_id, kind, thread, starter, language, keys, asked, total, period, show, at, poll = (
        row
    )
    return StoredRound(
        chat,
        round_id,
        kind,
        thread,
        starter,
        language,
        tuple(json.loads(keys)),
        asked,
        total,
        period,
        bool(show),
        at,
        poll,
    )


def round_of(connection: Connection, chat_id: int) -> StoredRound | None:
    """The round the chat is running, if any."""
    row = connection.execute(select(*_ROUNDS).where(quiz_round.c.chat_id == chat_id)).first()
    return _round(row) if row else None


def begin_round(
    connection: Connection, begun: StoredRound, owner: str, now: float, lease_until: float
) -> StoredRound | None:
    """Start a round in its chat unless one is running there: None if it began, else the
    running one. A round left by a process that stopped before its first poll is replaced."""
    polls_open = exists().where(quiz_poll.c.chat_id == quiz_round.c.chat_id, _UNCLOSED)
    connection.execute(
        delete(quiz_round).where(
            quiz_round.c.chat_id == begun.chat_id,
            quiz_round.c.lease_until < now,
            ~polls_open,
        )
    )
    began = inserted(
        connection,
        insert(connection, quiz_round)
        .values(
            chat_id=begun.chat_id,
            round_id=begun.round_id,
            kind=begun.kind,
            thread_id=begun.thread_id,
            starter_id=begun.starter_id,
            language=begun.language,
            item_keys=json.dumps(list(begun.item_keys)),
            asked=begun.asked,
            total=begun.total,
            open_period=begun.open_period,
            show_explanation=int(begun.show_explanation),
            started_at=begun.started_at,
            poll_id=None,
            owner=owner,
            lease_until=lease_until,
        )
        .on_conflict_do_nothing(index_elements=[quiz_round.c.chat_id]),
    )
    if began:
        return None
    running = round_of(connection, begun.chat_id)
    if running is None:  # ended between the two statements
        raise LookupError(f"quiz round of chat {begun.chat_id} is missing")
    return running


def end_round(connection: Connection, chat_id: int, round_id: str) -> bool:
    """End a chat's round (its last poll closed, it was stopped, or a poll was refused)."""
    return (
        connection.execute(
            delete(quiz_round).where(
                quiz_round.c.chat_id == chat_id, quiz_round.c.round_id == round_id
            )
        ).rowcount
        > 0
    )


def poll_sent(
    connection: Connection,
    poll: OpenPoll,
    default_timezone: str,
    round_id: str,
    item_keys: tuple[str, ...],
    asked: int,
    owner: str,
) -> bool:
    """Remember a round's poll just sent, and that the round now waits on it with these items
    left (one transaction). False if the round is gone (stopped while the poll was on its
    way): the poll is then remembered as closed, for its caller to stop."""
    add_poll(connection, poll, default_timezone)
    waits = connection.execute(
        update(quiz_round)
        .where(quiz_round.c.chat_id == poll.chat_id, quiz_round.c.round_id == round_id)
        .values(
            poll_id=poll.poll_id, item_keys=json.dumps(list(item_keys)), asked=asked, owner=owner
        )
    ).rowcount
    if waits:
        return True
    connection.execute(
        update(quiz_poll)
        .where(quiz_poll.c.poll_id == poll.poll_id)
        .values(closed_at=poll.opened_at, claim_until=None)
    )
    return False


def record_answer(
    connection: Connection,
    poll_id: str,
    user_id: int,
    name: str,
    option: int,
    answered_at: float,
    default_timezone: str,
) -> AnswerOutcome | None:
    """Count one answer: its result and review box, atomically; None if unknown, stale or seen.

    The result is dated when the answer reached the bot, so an answer given on Sunday night
    counts for that week even if its round goes on into Monday.
    """
    row = connection.execute(select(*_POLLS).where(quiz_poll.c.poll_id == poll_id)).first()
    if row is None:
        return None
    poll = _poll(row)
    first = inserted(
        connection,
        insert(connection, quiz_answer)
        .values(poll_id=poll_id, user_id=user_id)
        .on_conflict_do_nothing(index_elements=[quiz_answer.c.poll_id, quiz_answer.c.user_id]),
    )
    if not first:
        return None
    correct = option == poll.correct_option
    # Answers read from a backlog after a restart arrive late; the poll was open no longer.
    seconds = min(max(answered_at - poll.opened_at, 0.0), poll.closes_at - poll.opened_at)
    connection.execute(
        quiz_result.insert().values(
            chat_id=poll.chat_id,
            user_id=user_id,
            at=answered_at,
            answered=1,
            correct=int(correct),
            correct_seconds=seconds if correct else 0.0,
        )
    )
    # An answer from someone who left still counts, and does not make them a member again.
    player = insert(connection, quiz_player).values(
        chat_id=poll.chat_id, user_id=user_id, name=name
    )
    connection.execute(
        player.on_conflict_do_update(
            index_elements=[quiz_player.c.chat_id, quiz_player.c.user_id],
            set_={"name": player.excluded.name},
        )
    )
    _note_week(connection, poll.chat_id, answered_at, default_timezone)
    current = connection.execute(
        select(review_box.c.box, review_box.c.due_at).where(
            review_box.c.user_id == user_id, review_box.c.item_key == poll.item_key
        )
    ).first()
    state = next_review(ReviewState(*current) if current else None, correct, answered_at)
    box = insert(connection, review_box).values(
        user_id=user_id, item_key=poll.item_key, box=state.box, due_at=state.due_at
    )
    connection.execute(
        box.on_conflict_do_update(
            index_elements=[review_box.c.user_id, review_box.c.item_key],
            set_={"box": box.excluded.box, "due_at": box.excluded.due_at},
        )
    )
    return AnswerOutcome(poll, correct, seconds)


def _ranked(chat_id: int, since: float, until: float) -> Subquery:
    """The chat's board for [since, until): one row per player, ranked.

    Ties are what the board shows as equal: the same number right at the same average time,
    to a tenth of a second. A player who left before the period began is not on its board.
    """
    r, p = quiz_result.alias("r"), quiz_player.alias("p")
    right = func.sum(r.c.correct)
    right_seconds = func.sum(r.c.correct_seconds)
    totals = (
        select(
            r.c.user_id.label("user_id"),
            func.coalesce(p.c.name, cast(r.c.user_id, Text)).label("name"),
            right.label("correct"),
            func.sum(r.c.answered).label("answered"),
            case((right > 0, right_seconds / right), else_=0.0).label("average"),
            case(
                (right > 0, cast(func.round(right_seconds * 10.0 / right), Integer)), else_=0
            ).label("tenths"),
            p.c.left_at.is_not(None).label("has_left"),
        )
        .select_from(r.outerjoin(p, and_(p.c.chat_id == r.c.chat_id, p.c.user_id == r.c.user_id)))
        .where(
            r.c.chat_id == chat_id,
            r.c.at >= since,
            r.c.at < until,
            or_(p.c.left_at.is_(None), p.c.left_at >= since),
        )
        # p's columns are one row per (chat, user): grouping by them changes nothing, and
        # PostgreSQL asks for it.
        .group_by(r.c.user_id, p.c.name, p.c.left_at)
        .subquery("totals")
    )
    rank = func.rank().over(order_by=(totals.c.correct.desc(), totals.c.tenths.asc()))
    return select(
        rank.label("rank"),
        totals.c.user_id,
        totals.c.name,
        totals.c.correct,
        totals.c.answered,
        totals.c.average,
        totals.c.has_left,
    ).subquery("ranked")


def _standing(row: Any) -> Standing:
    rank, user_id, name, correct, answered, average, has_left = row
    return Standing(
        int(rank), user_id, name, int(correct), int(answered), float(average), bool(has_left)
    )


def leaderboard(
    connection: Connection,
    chat_id: int,
    limit: int = LEADERBOARD_SIZE,
    since: float = EVER,
    until: float = FOREVER,
) -> list[Standing]:
    """The chat's best players over [since, until); tied players share a rank."""
    ranked = _ranked(chat_id, since, until)
    rows = connection.execute(
        select(ranked)
        .order_by(ranked.c.rank, func.lower(ranked.c.name), ranked.c.user_id)
        .limit(limit)
    )
    return [_standing(row) for row in rows]


def standing(
    connection: Connection,
    chat_id: int,
    user_id: int,
    since: float = EVER,
    until: float = FOREVER,
) -> Standing | None:
    """One user's place on the chat's board for the period, or None if not on it."""
    ranked = _ranked(chat_id, since, until)
    row = connection.execute(select(ranked).where(ranked.c.user_id == user_id)).first()
    return _standing(row) if row else None


def players(
    connection: Connection, chat_id: int, since: float = EVER, until: float = FOREVER
) -> int:
    """How many users are on the chat's board for the period."""
    ranked = _ranked(chat_id, since, until)
    return int(connection.execute(select(func.count()).select_from(ranked)).scalar_one())


def round_scores(connection: Connection, chat_id: int, since: float) -> list[RoundScore]:
    """Each player's answers in the chat since `since`, wherever they were counted: with
    several replicas, a round's answers may reach any of them."""
    r, p = quiz_result.alias("r"), quiz_player.alias("p")
    rows = connection.execute(
        select(
            r.c.user_id,
            func.coalesce(func.max(p.c.name), cast(r.c.user_id, Text)),
            func.sum(r.c.answered),
            func.sum(r.c.correct),
            func.min(case((r.c.correct > 0, r.c.correct_seconds))),
        )
        .select_from(r.outerjoin(p, and_(p.c.chat_id == r.c.chat_id, p.c.user_id == r.c.user_id)))
        .where(r.c.chat_id == chat_id, r.c.at >= since)
        .group_by(r.c.user_id)
    )
    return [RoundScore(int(u), str(n), int(a), int(c), f) for u, n, a, c, f in rows]


def user_record(connection: Connection, user_id: int) -> Record | None:
    """A user's totals across all chats, or None if they never answered."""
    answered, correct, seconds, chats = connection.execute(
        select(
            func.sum(quiz_result.c.answered),
            func.sum(quiz_result.c.correct),
            func.sum(quiz_result.c.correct_seconds),
            func.count(quiz_result.c.chat_id.distinct()),
        ).where(quiz_result.c.user_id == user_id)
    ).one()
    if not chats:
        return None
    return Record(int(answered), int(correct), seconds / correct if correct else 0.0, int(chats))


def review_schedule(connection: Connection, user_id: int) -> dict[str, ReviewState]:
    """Every item the user has answered, with its Leitner box and when it is due."""
    rows = connection.execute(
        select(review_box.c.item_key, review_box.c.box, review_box.c.due_at).where(
            review_box.c.user_id == user_id
        )
    )
    return {key: ReviewState(box, due_at) for key, box, due_at in rows}


def mark_left(connection: Connection, chat_id: int, user_id: int, at: float) -> bool:
    """A player left the chat; True if they had played there."""
    return _set_left_at(connection, chat_id, user_id, at)


def mark_back(connection: Connection, chat_id: int, user_id: int) -> bool:
    """A player who had left joined the chat again; True if they were marked as left."""
    return _set_left_at(connection, chat_id, user_id, None)


def _set_left_at(connection: Connection, chat_id: int, user_id: int, at: float | None) -> bool:
    """Mark a player as left at `at`, or back (None); True if that changed their row."""
    left = quiz_player.c.left_at
    return (
        connection.execute(
            update(quiz_player)
            .where(
                quiz_player.c.chat_id == chat_id,
                quiz_player.c.user_id == user_id,
                left.is_(None) if at is not None else left.is_not(None),
            )
            .values(left_at=at)
        ).rowcount
        > 0
    )


def _copy_rows(connection: Connection, table: Table, old_chat_id: int, new_chat_id: int) -> int:
    """Copy a chat's rows of `table` to the new chat id, keeping rows the new chat already
    has (they are newer); returns how many were copied. The old rows are then deleted."""
    columns = [column for column in table.c if column.name != "chat_id"]
    copied = inserted(
        connection,
        insert(connection, table)
        .from_select(
            ["chat_id", *(column.name for column in columns)],
            select(literal(new_chat_id, Id), *columns).where(table.c.chat_id == old_chat_id),
        )
        .on_conflict_do_nothing(index_elements=[column for column in table.primary_key]),
    )
    connection.execute(delete(table).where(table.c.chat_id == old_chat_id))
    return copied


def move_chat(connection: Connection, old_chat_id: int, new_chat_id: int) -> int:
    """Carry a group's results, players, settings, owed weeks and open polls over to the
    supergroup it became; returns the players moved. Moving twice moves nothing the second time.
    """
    moved = _copy_rows(connection, quiz_player, old_chat_id, new_chat_id)
    _copy_rows(connection, quiz_round, old_chat_id, new_chat_id)
    for table in (quiz_result, quiz_poll):
        connection.execute(
            update(table).where(table.c.chat_id == old_chat_id).values(chat_id=new_chat_id)
        )
    # The supergroup's own settings and weeks, if it already has some, are newer and win.
    _copy_rows(connection, quiz_settings, old_chat_id, new_chat_id)
    _copy_rows(connection, quiz_week, old_chat_id, new_chat_id)
    return moved


def get_settings(connection: Connection, chat_id: int, defaults: QuizSettings) -> QuizSettings:
    """A chat's quiz settings: what it chose, and the bot's defaults for the rest."""
    row = connection.execute(
        select(
            quiz_settings.c.open_period,
            quiz_settings.c.round_size,
            quiz_settings.c.show_explanation,
            quiz_settings.c.language,
            quiz_settings.c.version,
        ).where(quiz_settings.c.chat_id == chat_id)
    ).first()
    if row is None:
        return defaults
    open_period, round_size, show_explanation, language, version = row
    return QuizSettings(
        open_period=defaults.open_period if open_period is None else open_period,
        round_size=defaults.round_size if round_size is None else round_size,
        show_explanation=(
            defaults.show_explanation if show_explanation is None else bool(show_explanation)
        ),
        language=language if language is not None else defaults.language,
        version=version,
    )


def change_setting(
    connection: Connection,
    chat_id: int,
    setting: Setting,
    value: int,
    seen_version: int | None,
    defaults: QuizSettings,
) -> QuizSettings | None:
    """Change one setting; None if seen_version is given and the settings changed since."""
    current = get_settings(connection, chat_id, defaults)
    if seen_version is not None and seen_version != current.version:
        return None
    column = quiz_settings.c[setting.value]
    statement = insert(connection, quiz_settings).values(
        {quiz_settings.c.chat_id: chat_id, column: value, quiz_settings.c.version: 1}
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[quiz_settings.c.chat_id],
            set_={
                setting.value: statement.excluded[setting.value],
                "version": quiz_settings.c.version + 1,
            },
        )
    )
    return get_settings(connection, chat_id, defaults)


def owed_weeks(connection: Connection, default_timezone: str) -> list[OwedWeek]:
    """Weeks in which a group quizzed and whose standings are not posted yet, oldest first."""
    rows = connection.execute(
        select(
            quiz_week.c.chat_id,
            quiz_week.c.week_start,
            func.coalesce(_chat_zone(quiz_week.c.chat_id), default_timezone),
        )
        .where(quiz_week.c.posted == 0)
        .order_by(quiz_week.c.week_start, quiz_week.c.chat_id)
    )
    return [OwedWeek(chat_id, date.fromisoformat(day), zone) for chat_id, day, zone in rows]


def mark_week(connection: Connection, chat_id: int, week_start: date, posted: bool) -> bool:
    """Claim a week's standings for posting (posted=True), or give the claim back; True if the
    row changed, so two claims never both succeed."""
    return (
        connection.execute(
            update(quiz_week)
            .where(
                quiz_week.c.chat_id == chat_id,
                quiz_week.c.week_start == week_start.isoformat(),
                quiz_week.c.posted == int(not posted),
            )
            .values(posted=int(posted))
        ).rowcount
        > 0
    )


class QuizStore:
    """Quiz polls, results, settings and review boxes for the event loop; one transaction a call."""

    def __init__(self, database: Storage) -> None:
        self._database = database

    async def add_poll(self, poll: OpenPoll, default_timezone: str) -> None:
        await self._database.run(partial(add_poll, poll=poll, default_timezone=default_timezone))

    async def open_polls(self) -> list[OpenPoll]:
        return await self._database.read(open_polls)

    async def claim_close(
        self, poll_id: str, owner: str, now: float, lease_until: float
    ) -> CloseClaim | None:
        return await self._database.run(
            partial(claim_close, poll_id=poll_id, owner=owner, now=now, lease_until=lease_until)
        )

    async def mark_closed(self, held: CloseClaim, now: float) -> None:
        await self._database.run(partial(mark_closed, held=held, now=now))

    async def forget_closed(self, before: float) -> int:
        return await self._database.run(partial(forget_closed, before=before))

    async def close_tick(
        self,
        owner: str,
        now: float,
        lease_until: float,
        forget_before: float,
        limit: int,
        *,
        closing: Collection[str] = (),
        starting: Collection[str] = (),
    ) -> list[CloseClaim]:
        return await self._database.run(
            partial(
                close_tick,
                owner=owner,
                now=now,
                lease_until=lease_until,
                forget_before=forget_before,
                limit=limit,
                closing=tuple(closing),
                starting=tuple(starting),
            )
        )

    async def round_of(self, chat_id: int) -> StoredRound | None:
        return await self._database.read(partial(round_of, chat_id=chat_id))

    async def begin_round(
        self, begun: StoredRound, owner: str, now: float, lease_until: float
    ) -> StoredRound | None:
        return await self._database.run(
            partial(begin_round, begun=begun, owner=owner, now=now, lease_until=lease_until)
        )

    async def end_round(self, chat_id: int, round_id: str) -> bool:
        return await self._database.run(partial(end_round, chat_id=chat_id, round_id=round_id))

    async def poll_sent(
        self,
        poll: OpenPoll,
        default_timezone: str,
        round_id: str,
        item_keys: tuple[str, ...],
        asked: int,
        owner: str,
    ) -> bool:
        return await self._database.run(
            partial(
                poll_sent,
                poll=poll,
                default_timezone=default_timezone,
                round_id=round_id,
                item_keys=item_keys,
                asked=asked,
                owner=owner,
            )
        )

    async def record_answer(
        self,
        poll_id: str,
        user_id: int,
        name: str,
        option: int,
        answered_at: float,
        default_timezone: str,
    ) -> AnswerOutcome | None:
        return await self._database.run(
            partial(
                record_answer,
                poll_id=poll_id,
                user_id=user_id,
                name=name,
                option=option,
                answered_at=answered_at,
                default_timezone=default_timezone,
            )
        )

    async def leaderboard(
        self,
        chat_id: int,
        limit: int = LEADERBOARD_SIZE,
        since: float = EVER,
        until: float = FOREVER,
    ) -> list[Standing]:
        return await self._database.read(
            partial(leaderboard, chat_id=chat_id, limit=limit, since=since, until=until)
        )

    async def standing(
        self, chat_id: int, user_id: int, since: float = EVER, until: float = FOREVER
    ) -> Standing | None:
        return await self._database.read(
            partial(standing, chat_id=chat_id, user_id=user_id, since=since, until=until)
        )

    async def players(self, chat_id: int, since: float = EVER, until: float = FOREVER) -> int:
        return await self._database.read(
            partial(players, chat_id=chat_id, since=since, until=until)
        )

    async def round_scores(self, chat_id: int, since: float) -> list[RoundScore]:
        return await self._database.read(partial(round_scores, chat_id=chat_id, since=since))

    async def user_record(self, user_id: int) -> Record | None:
        return await self._database.read(partial(user_record, user_id=user_id))

    async def review_schedule(self, user_id: int) -> dict[str, ReviewState]:
        return await self._database.read(partial(review_schedule, user_id=user_id))

    async def mark_left(self, chat_id: int, user_id: int, at: float) -> bool:
        return await self._database.run(partial(mark_left, chat_id=chat_id, user_id=user_id, at=at))

    async def mark_back(self, chat_id: int, user_id: int) -> bool:
        return await self._database.run(partial(mark_back, chat_id=chat_id, user_id=user_id))

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        return await self._database.run(
            partial(move_chat, old_chat_id=old_chat_id, new_chat_id=new_chat_id)
        )

    async def chat_timezone(self, chat_id: int, default: str) -> str:
        return await self._database.read(partial(chat_timezone, chat_id=chat_id, default=default))

    async def settings(self, chat_id: int, defaults: QuizSettings) -> QuizSettings:
        return await self._database.read(partial(get_settings, chat_id=chat_id, defaults=defaults))

    async def change_setting(
        self,
        chat_id: int,
        setting: Setting,
        value: int,
        seen_version: int | None,
        defaults: QuizSettings,
    ) -> QuizSettings | None:
        return await self._database.run(
            partial(
                change_setting,
                chat_id=chat_id,
                setting=setting,
                value=value,
                seen_version=seen_version,
                defaults=defaults,
            )
        )

    async def owed_weeks(self, default_timezone: str) -> list[OwedWeek]:
        return await self._database.read(partial(owed_weeks, default_timezone=default_timezone))

    async def mark_week(self, chat_id: int, week_start: date, posted: bool) -> bool:
        return await self._database.run(
            partial(mark_week, chat_id=chat_id, week_start=week_start, posted=posted)
        )
