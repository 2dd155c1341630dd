"""The question log's feedback and privacy: keyed hashes, language, taps, ratings; `meta`

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Legacy version 9 (faqbot/storage/legacy.py), on either engine: a SQLite file at version 9 is
stamped here, not rebuilt. Who asked is kept only as keyed hashes (HMAC-SHA256 with
FAQBOT_LOG_KEY, or the key kept in `meta`); the chat, hashed the same way, and the bot's reply,
so a card's buttons find their row; the reply's language; the suggestion tapped; 👍/👎 and what
a 👎 was looking for; the answer's version.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
        sqlite_with_rowid=False,
    )
    # ALTER TABLE … ADD COLUMN on both engines (SQLite allows it for these columns): no copy
    # of a large log.
    op.add_column("question_log", sa.Column("user_hash", sa.Text(), nullable=True))
    op.add_column("question_log", sa.Column("chat_hash", sa.Text(), nullable=True))
    op.add_column("question_log", sa.Column("message_id", Id, nullable=True))
    op.add_column(
        "question_log", sa.Column("language", sa.Text(), server_default="en", nullable=False)
    )
    op.add_column("question_log", sa.Column("tapped_id", sa.Text(), nullable=True))
    op.add_column(
        "question_log",
        sa.Column("rating", sa.Integer(), sa.CheckConstraint("rating IN (-1, 1)"), nullable=True),
    )
    op.add_column("question_log", sa.Column("feedback", sa.Text(), nullable=True))
    op.add_column("question_log", sa.Column("answer_version", sa.Text(), nullable=True))
    op.create_index("question_log_user", "question_log", ["user_hash"], unique=False)
    op.create_index("question_log_card", "question_log", ["chat_hash", "message_id"], unique=False)
    op.create_index("question_log_asked", "question_log", ["asked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_index("question_log_asked")
        batch_op.drop_index("question_log_card")
        batch_op.drop_index("question_log_user")
        for column in (
            "answer_version",
            "feedback",
            "rating",
            "tapped_id",
            "language",
            "message_id",
            "chat_hash",
            "user_hash",
        ):
            batch_op.drop_column(column)
    op.drop_table("meta")
