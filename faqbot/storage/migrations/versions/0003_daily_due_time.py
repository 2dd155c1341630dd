"""Due-time daily delivery: each subscription's next due instant, claim and closed day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

One delivery loop claims due subscriptions in batches instead of one scheduler job per chat
(faqbot/handlers/daily/delivery.py). daily_subscription gets its next due instant (Unix
seconds, UTC), the lease and fencing token of a claim, its retries and the last local day it
closed; daily_delivery gets the local day an outcome closed, unique per chat and kind. The
due instant of every existing subscription is computed here from its time and timezone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from alembic import op

from faqbot.knowledge.timetable import next_due

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN on both engines: no copy of a large table.
    op.add_column("daily_subscription", sa.Column("next_due", sa.Float(), nullable=True))
    op.add_column("daily_subscription", sa.Column("claim_until", sa.Float(), nullable=True))
    op.add_column(
        "daily_subscription",
        sa.Column("claim_token", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "daily_subscription",
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("daily_subscription", sa.Column("closed_on", sa.Text(), nullable=True))
    op.create_index("daily_subscription_due", "daily_subscription", ["next_due"], unique=False)
    op.add_column("daily_delivery", sa.Column("local_day", sa.Text(), nullable=True))
    op.create_index(
        "daily_delivery_day", "daily_delivery", ["chat_id", "kind", "local_day"], unique=True
    )
    _fill_due()


def _fill_due() -> None:
    """Each deliverable subscription's next due instant; its last delivered day is taken as
    its last closed one."""
    connection = op.get_bind()
    subscription = sa.table(
        "daily_subscription",
        sa.column("chat_id"),
        sa.column("kind"),
        sa.column("timezone"),
        sa.column("send_at"),
        sa.column("scheduled_since"),
        sa.column("last_sent_on"),
        sa.column("active"),
        sa.column("next_due"),
        sa.column("closed_on"),
    )
    connection.execute(subscription.update().values(closed_on=subscription.c.last_sent_on))
    now = datetime.now(UTC)
    rows = connection.execute(
        sa.select(
            subscription.c.chat_id,
            subscription.c.kind,
            subscription.c.timezone,
            subscription.c.send_at,
            subscription.c.scheduled_since,
            subscription.c.last_sent_on,
        ).where(subscription.c.send_at.is_not(None), subscription.c.active == 1)
    ).all()
    for chat_id, kind, zone_name, send_at, since, last_sent_on in rows:
        due, _day = next_due(
            now,
            time.fromisoformat(send_at),
            zone_name,
            datetime.fromisoformat(since) if since else None,
            date.fromisoformat(last_sent_on) if last_sent_on else None,
        )
        connection.execute(
            subscription.update()
            .where(subscription.c.chat_id == chat_id, subscription.c.kind == kind)
            .values(next_due=due.timestamp())
        )


def downgrade() -> None:
    op.drop_index("daily_delivery_day", table_name="daily_delivery")
    with op.batch_alter_table("daily_delivery", schema=None) as batch_op:
        batch_op.drop_column("local_day")
    op.drop_index("daily_subscription_due", table_name="daily_subscription")
    with op.batch_alter_table("daily_subscription", schema=None) as batch_op:
        for column in ("closed_on", "attempts", "claim_token", "claim_until", "next_due"):
            batch_op.drop_column(column)
