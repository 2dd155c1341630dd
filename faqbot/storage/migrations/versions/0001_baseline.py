"""Baseline: the schema of legacy version 8 (daily quizzes, webhook updates)

Revision ID: 0001
Revises:
Create Date: 2026-11-28

The tables and indexes PRAGMA user_version 8 left (faqbot/storage/legacy.py), on either engine.
A SQLite file at version 8 is stamped here, not rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_delivery",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), server_default="fact", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("daily_delivery", schema=None) as batch_op:
        batch_op.create_index("daily_delivery_outcome", ["kind", "outcome", "at"], unique=False)

    op.create_table(
        "daily_subscription",
        sa.Column(
            "chat_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Text(),
            sa.CheckConstraint("kind IN ('fact', 'quiz')"),
            server_default="fact",
            nullable=False,
        ),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("send_at", sa.Text(), nullable=True),
        sa.Column("scheduled_since", sa.Text(), nullable=True),
        sa.Column("active", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("stopped_reason", sa.Text(), nullable=True),
        sa.Column("cycle", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("last_entry_id", sa.Text(), nullable=True),
        sa.Column("last_sent_on", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "kind"),
    )
    op.create_table(
        "language_setting",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column(
            "chosen",
            sa.Text(),
            sa.CheckConstraint("chosen = 'auto' OR length(chosen) = 2"),
            nullable=True,
        ),
        sa.Column("telegram", sa.Text(), sa.CheckConstraint("length(telegram) = 2"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "question_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("asked_at", sa.Text(), nullable=False),
        sa.Column("chat_type", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.create_index("question_log_status", ["status", "asked_at"], unique=False)

    op.create_table(
        "quiz_player",
        sa.Column(
            "chat_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column(
            "user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("left_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "user_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "quiz_poll",
        sa.Column("poll_id", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("item_key", sa.Text(), nullable=False),
        sa.Column("correct_option", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.Float(), nullable=False),
        sa.Column("closes_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("poll_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "quiz_result",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("correct_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quiz_result", schema=None) as batch_op:
        batch_op.create_index("quiz_result_chat", ["chat_id", "at"], unique=False)
        batch_op.create_index("quiz_result_user", ["user_id"], unique=False)

    op.create_table(
        "quiz_settings",
        sa.Column(
            "chat_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("open_period", sa.Integer(), nullable=True),
        sa.Column("round_size", sa.Integer(), nullable=True),
        sa.Column("show_explanation", sa.Integer(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    op.create_table(
        "quiz_week",
        sa.Column(
            "chat_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("week_start", sa.Text(), nullable=False),
        sa.Column("posted", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "week_start"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("quiz_week", schema=None) as batch_op:
        batch_op.create_index(
            "quiz_week_unposted",
            ["week_start"],
            unique=False,
            sqlite_where=sa.text("posted = 0"),
            postgresql_where=sa.text("posted = 0"),
        )

    op.create_table(
        "review_box",
        sa.Column(
            "user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("item_key", sa.Text(), nullable=False),
        sa.Column("box", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "item_key"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "webhook_update",
        sa.Column(
            "update_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("claimed_at", sa.Float(), nullable=False),
        sa.Column("handled_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("update_id"),
    )
    with op.batch_alter_table("webhook_update", schema=None) as batch_op:
        batch_op.create_index("webhook_update_received", ["received_at"], unique=False)

    op.create_table(
        "daily_pending",
        sa.Column(
            "chat_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("local_day", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("parts_sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("parts_unsure", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sending", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("started_at", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id", "kind"],
            ["daily_subscription.chat_id", "daily_subscription.kind"],
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "kind"),
    )
    op.create_table(
        "daily_sent",
        sa.Column(
            "chat_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("cycle", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id", "kind"],
            ["daily_subscription.chat_id", "daily_subscription.kind"],
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "kind", "cycle", "entry_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "quiz_answer",
        sa.Column("poll_id", sa.Text(), nullable=False),
        sa.Column(
            "user_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["poll_id"], ["quiz_poll.poll_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id", "user_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("quiz_answer")
    op.drop_table("daily_sent")
    op.drop_table("daily_pending")
    with op.batch_alter_table("webhook_update", schema=None) as batch_op:
        batch_op.drop_index("webhook_update_received")

    op.drop_table("webhook_update")
    op.drop_table("review_box")
    with op.batch_alter_table("quiz_week", schema=None) as batch_op:
        batch_op.drop_index(
            "quiz_week_unposted",
            sqlite_where=sa.text("posted = 0"),
            postgresql_where=sa.text("posted = 0"),
        )

    op.drop_table("quiz_week")
    op.drop_table("quiz_settings")
    with op.batch_alter_table("quiz_result", schema=None) as batch_op:
        batch_op.drop_index("quiz_result_user")
        batch_op.drop_index("quiz_result_chat")

    op.drop_table("quiz_result")
    op.drop_table("quiz_poll")
    op.drop_table("quiz_player")
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_index("question_log_status")

    op.drop_table("question_log")
    op.drop_table("language_setting")
    op.drop_table("daily_subscription")
    with op.batch_alter_table("daily_delivery", schema=None) as batch_op:
        batch_op.drop_index("daily_delivery_outcome")

    op.drop_table("daily_delivery")
