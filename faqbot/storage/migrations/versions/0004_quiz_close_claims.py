"""Quiz polls closed by claims, and one running round per chat in the database

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Closing a quiz poll is claimed as a daily delivery is (faqbot/storage/claims.py), so any
replica closes a poll whose sender is gone, once: quiz_poll gets a claim's lease, fencing token
and holder, and when its close was done. quiz_round keeps each chat's running round, keyed on
the chat, so two replicas never start two rounds in one chat and any replica can move a round
on. Polls open at the upgrade are unclaimed and not closed yet: the close loop takes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Telegram ids: BIGINT on PostgreSQL, INTEGER (64-bit) on SQLite, as in schema.Id.
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN on both engines: no copy of the table.
    op.add_column("quiz_poll", sa.Column("claim_until", sa.Float(), nullable=True))
    op.add_column(
        "quiz_poll",
        sa.Column("claim_token", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("quiz_poll", sa.Column("claim_owner", sa.Text(), nullable=True))
    op.add_column("quiz_poll", sa.Column("closed_at", sa.Float(), nullable=True))
    op.create_index("quiz_poll_closes", "quiz_poll", ["closes_at"], unique=False)
    op.create_table(
        "quiz_round",
        sa.Column("chat_id", _ID, autoincrement=False, nullable=False),
        sa.Column("round_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("thread_id", _ID, nullable=True),
        sa.Column("starter_id", _ID, nullable=True),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("item_keys", sa.Text(), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("open_period", sa.Integer(), nullable=False),
        sa.Column("show_explanation", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("poll_id", sa.Text(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    op.drop_table("quiz_round")
    op.drop_index("quiz_poll_closes", table_name="quiz_poll")
    # In place (SQLite 3.35+ drops an unindexed column): rebuilding the table would drop it,
    # and with foreign keys on, that deletes every quiz_answer of every poll.
    with op.batch_alter_table("quiz_poll", schema=None, recreate="never") as batch_op:
        for column in ("closed_at", "claim_owner", "claim_token", "claim_until"):
            batch_op.drop_column(column)
