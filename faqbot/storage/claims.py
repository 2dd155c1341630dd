"""Claims with a lease and a fencing token: how replicas share out rows that fall due (a
daily delivery, a quiz poll's close) so that each is done by one of them.

A claimable table has `claim_until` (Unix seconds the lease runs to; None: unclaimed) and
`claim_token` (bumped by every claim). A claim takes rows that are due and unclaimed, or whose
lease ran out (their claimer stopped); each later write of the claimer checks the token it
got, so one whose lease was taken over writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Table, bindparam, or_, select, update


class LostClaim(Exception):
    """The claim's lease expired and another claim took the row: this one writes nothing."""


def unclaimed(table: Table) -> ColumnElement[bool]:
    """Rows no live claim holds: never claimed, given back, or with a lease that ran out
    before the bound `b_now`."""
    return or_(table.c.claim_until.is_(None), table.c.claim_until < bindparam("b_now"))


def claim_due(
    connection: Connection,
    table: Table,
    due: ColumnElement[bool],
    order_by: ColumnElement[Any],
    limit: int,
    *,
    now: float,
    lease_until: float,
    returning: Sequence[ColumnElement[Any]],
    values: Mapping[str, Any] | None = None,
) -> Sequence[Row[Any]]:
    """Claim up to `limit` rows that are `due` and unclaimed, first by `order_by`: set their
    lease, bump their token (and set `values`), and return `returning` of each.

    PostgreSQL skips rows another transaction is claiming (FOR UPDATE SKIP LOCKED), so
    concurrent claimers get disjoint rows without waiting; on SQLite one process writes at a
    time. `due` may use the bound `b_now`.
    """
    keys = list(table.primary_key)
    # A CTE, not an IN (subquery): PostgreSQL evaluates a locking CTE once, so the batch is
    # exactly the rows it locked, never more than `limit`.
    chosen = (
        select(*keys)
        .where(due, unclaimed(table))
        .order_by(order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    return connection.execute(
        update(table)
        .where(*(key == chosen.c[key.name] for key in keys))
        .values(claim_until=lease_until, claim_token=table.c.claim_token + 1, **(values or {}))
        .returning(*returning),
        {"b_now": now},
    ).all()
