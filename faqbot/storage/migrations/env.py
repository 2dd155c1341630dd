"""Alembic's environment for faqbot: always online, on the connection faqbot/storage/migrate.py
hands it (inside faqbot's own transaction), for SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import context

from faqbot.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite runs DDL inside a transaction too: a revision applies whole or not at all.
    transactional_ddl=True,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
