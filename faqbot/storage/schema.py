"""Every table faqbot keeps, as SQLAlchemy Core tables: what the stores' queries are built from.

Alembic owns how a database gets to this shape (faqbot/storage/migrations); a test compares a
fresh and an upgraded database with this module, so the two never drift apart. Times are kept
as the stores wrote them before PostgreSQL: ISO text for dates and instants, Unix seconds as
floats for quiz and webhook times, integers for flags.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    text,
)

metadata = MetaData()

# Telegram ids pass 2**31 (a supergroup is -100…): BIGINT on PostgreSQL. On SQLite INTEGER is
# already 64-bit, and only "INTEGER PRIMARY KEY" makes a column the rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")

question_log = Table(
    "question_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # UTC, YYYY-MM-DDTHH:MM:SSZ (the store writes it)
    Column("asked_at", Text, nullable=False),
    Column("chat_type", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("entry_id", Text),
    Column("score", Float, nullable=False),
    # Revision 0002 (the feedback and privacy of faqbot.storage.questions): who asked and
    # where, as keyed hashes only (HMAC-SHA256 with FAQBOT_LOG_KEY or the key kept in `meta`)
    Column("user_hash", Text),
    Column("chat_hash", Text),
    # the bot's message carrying the card's buttons
    Column("message_id", Id),
    Column("language", Text, nullable=False, server_default="en"),
    # the entry whose button the asker pressed under "Did you mean…?" (the first one)
    Column("tapped_id", Text),
    # 1: 👍, -1: 👎, NULL: not rated
    Column("rating", Integer, CheckConstraint("rating IN (-1, 1)")),
    # what a 👎 said the asker was looking for
    Column("feedback", Text),
    # the answer shown, as a short digest: a rating of an answer since changed is refused
    Column("answer_version", Text),
    Index("question_log_status", "status", "asked_at"),
    Index("question_log_user", "user_hash"),
    Index("question_log_card", "chat_hash", "message_id"),
    Index("question_log_asked", "asked_at"),
)

# faqbot's own settings kept in the database: the question log's generated key
meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

daily_subscription = Table(
    "daily_subscription",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column(
        "kind",
        Text,
        CheckConstraint("kind IN ('fact', 'quiz')"),
        primary_key=True,
        server_default="fact",
    ),
    Column("timezone", Text, nullable=False),
    # local time of day, HH:MM:SS; NULL: the chat chose a timezone but gets none
    Column("send_at", Text),
    # UTC moment send_at was set: a delivery missed during downtime is owed only after it
    Column("scheduled_since", Text),
    # 0 once Telegram refused delivery (bot blocked, kicked, account deactivated)
    Column("active", Integer, nullable=False, server_default=text("1")),
    Column("stopped_reason", Text),
    Column("cycle", Integer, nullable=False, server_default=text("1")),
    Column("last_entry_id", Text),
    # the chat's local date of its last delivery, YYYY-MM-DD: one per local day
    Column("last_sent_on", Text),
    # Revision 0003 (due-time delivery, faqbot.handlers.daily.delivery): the next instant the
    # chat is due, Unix seconds UTC, from send_at in its timezone (NULL: nothing to deliver);
    # the claim of a replica delivering it (lease expiry, Unix seconds; NULL: unclaimed) and
    # its fencing token (a write that carries an older token is refused); retries so far;
    # the chat's local date of its last closed day, whatever its outcome.
    Column("next_due", Float),
    Column("claim_until", Float),
    Column("claim_token", Integer, nullable=False, server_default=text("0")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("closed_on", Text),
    Index("daily_subscription_due", "next_due"),
)


def _follows_subscription() -> ForeignKeyConstraint:
    """A row that belongs to one chat's subscription of one kind, and moves and goes with it."""
    return ForeignKeyConstraint(
        ["chat_id", "kind"],
        ["daily_subscription.chat_id", "daily_subscription.kind"],
        onupdate="CASCADE",
        ondelete="CASCADE",
    )


daily_sent = Table(
    "daily_sent",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column("kind", Text, primary_key=True),
    Column("cycle", Integer, primary_key=True, autoincrement=False),
    Column("entry_id", Text, primary_key=True),
    _follows_subscription(),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

daily_pending = Table(
    "daily_pending",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column("kind", Text, primary_key=True),
    # the chat's local date the delivery is for, YYYY-MM-DD
    Column("local_day", Text, nullable=False),
    # the fact's entry; a quiz's rounds are chosen by the quiz, so it is empty
    Column("entry_id", Text, nullable=False),
    Column("cycle", Integer, nullable=False),
    # messages the delivery takes, and how many of them Telegram has accepted
    Column("parts", Integer, nullable=False),
    Column("parts_sent", Integer, nullable=False, server_default=text("0")),
    # of parts_sent, those whose send went unanswered and counted as delivered
    Column("parts_unsure", Integer, nullable=False, server_default=text("0")),
    # 1 from just before a send until its outcome is written
    Column("sending", Integer, nullable=False, server_default=text("0")),
    Column("started_at", Text, nullable=False),
    _follows_subscription(),
)

daily_delivery = Table(
    "daily_delivery",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False),
    Column("chat_id", Id, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("detail", Text),
    Column("kind", Text, nullable=False, server_default="fact"),
    # Revision 0003: the chat's local day a day's outcome (sent, unconfirmed, failed) closed;
    # unique, so no local day is closed twice (NULL for stops and moves, which close none)
    Column("local_day", Text),
    Index("daily_delivery_outcome", "kind", "outcome", "at"),
    Index("daily_delivery_day", "chat_id", "kind", "local_day", unique=True),
)

# open polls only: a row is deleted when its poll closes, with its answers
quiz_poll = Table(
    "quiz_poll",
    metadata,
    Column("poll_id", Text, primary_key=True),
    Column("chat_id", Id, nullable=False),
    Column("message_id", Id, nullable=False),
    Column("item_key", Text, nullable=False),
    Column("correct_option", Integer, nullable=False),
    Column("opened_at", Float, nullable=False),
    Column("closes_at", Float, nullable=False),
    # Closing a poll is claimed like a daily delivery (storage/claims.py): the claim's lease
    # and fencing token, and which process holds it (its close loop renews the lease).
    Column("claim_until", Float),
    Column("claim_token", Integer, nullable=False, server_default=text("0")),
    Column("claim_owner", Text),
    # When its close was done (answer revealed, round moved on); the row stays a little longer
    # so that answers still on their way count.
    Column("closed_at", Float),
    Index("quiz_poll_closes", "closes_at"),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

# The round a chat is running, one per chat (the key): what any replica needs to move it on
# when it closes the round's poll. owner and lease_until: the process driving it, which renews
# the lease while it sends; a round whose lease ran out with no poll open is gone.
quiz_round = Table(
    "quiz_round",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column("round_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("thread_id", Id),
    Column("starter_id", Id),
    Column("language", Text, nullable=False),
    # the items still to ask, by QuizItem.key, as a JSON list in the order they are asked
    Column("item_keys", Text, nullable=False),
    Column("asked", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("open_period", Integer, nullable=False),
    Column("show_explanation", Integer, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("poll_id", Text),  # the poll it waits on; None before its first is stored
    Column("owner", Text, nullable=False),
    Column("lease_until", Float, nullable=False),
)

# who answered an open poll: a PollAnswer delivered twice counts once
quiz_answer = Table(
    "quiz_answer",
    metadata,
    Column("poll_id", Text, primary_key=True),
    Column("user_id", Id, primary_key=True, autoincrement=False),
    ForeignKeyConstraint(["poll_id"], ["quiz_poll.poll_id"], ondelete="CASCADE"),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

# one Leitner box per user and quiz item; item_key is QuizItem.key
review_box = Table(
    "review_box",
    metadata,
    Column("user_id", Id, primary_key=True, autoincrement=False),
    Column("item_key", Text, primary_key=True),
    Column("box", Integer, nullable=False),
    Column("due_at", Float, nullable=False),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

quiz_result = Table(
    "quiz_result",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("chat_id", Id, nullable=False),
    Column("user_id", Id, nullable=False),
    # Unix time the answer reached the bot; 0 for scores carried over from all-time counters
    Column("at", Float, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("correct", Integer, nullable=False),
    # summed answer time of the correct answers, in seconds
    Column("correct_seconds", Float, nullable=False),
    Index("quiz_result_chat", "chat_id", "at"),
    Index("quiz_result_user", "user_id"),
)

# who has played in a chat: the name last seen, and when they left the chat, if they did
quiz_player = Table(
    "quiz_player",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column("user_id", Id, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("left_at", Float),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

# a chat's quiz settings; NULL: the bot's default. version counts changes
quiz_settings = Table(
    "quiz_settings",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column("open_period", Integer),
    Column("round_size", Integer),
    Column("show_explanation", Integer),
    Column("language", Text),
    Column("version", Integer, nullable=False, server_default=text("0")),
)

# the weeks (local Monday, YYYY-MM-DD) in which a group ran a quiz; posted once its standings
# went out after the week closed
quiz_week = Table(
    "quiz_week",
    metadata,
    Column("chat_id", Id, primary_key=True, autoincrement=False),
    Column("week_start", Text, primary_key=True),
    Column("posted", Integer, nullable=False, server_default=text("0")),
    Index(
        "quiz_week_unposted",
        "week_start",
        sqlite_where=text("posted = 0"),
        postgresql_where=text("posted = 0"),
    ),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

language_setting = Table(
    "language_setting",
    metadata,
    # a user's id (also their private chat's) or a group's chat id (negative)
    Column("id", Id, primary_key=True, autoincrement=False),
    # what /language chose: a language code, or 'auto'; NULL: never chosen
    Column("chosen", Text, CheckConstraint("chosen = 'auto' OR length(chosen) = 2")),
    # a user's Telegram app language as last seen, reduced to one the pack has
    Column("telegram", Text, CheckConstraint("length(telegram) = 2")),
    # keyed on a composite or text key: SQLite stores it in key order, without a rowid
    sqlite_with_rowid=False,
)

# updates the webhook took: one Telegram delivers again is handled once
webhook_update = Table(
    "webhook_update",
    metadata,
    Column("update_id", Id, primary_key=True, autoincrement=False),
    # Unix times: first arrival, and when handling last started
    Column("received_at", Float, nullable=False),
    Column("claimed_at", Float, nullable=False),
    # NULL while being handled (or if the process handling it died)
    Column("handled_at", Float),
    Index("webhook_update_received", "received_at"),
)
