"""A fresh database on each engine for a test: a SQLite file in the test's folder, or a schema
of its own in the test PostgreSQL (dropped afterwards), so parallel tests never meet."""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy.engine import make_url

from faqbot.storage.database import Storage

_template: Path | None = None
_template_lock = threading.Lock()


def first_start_sqlite(path: Path) -> None:
    """Put at `path` the SQLite file a first start makes (Alembic from an empty file, as
    Storage.open runs it), copied from one made so once per test process: migrating from
    nothing costs ~25 ms of CPU, a copy ~1 ms. The migrations themselves are tested in
    tests/storage/test_migrations.py, and the end-to-end bots still migrate empty files."""
    global _template
    with _template_lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="faqbot-template-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            storage = Storage(folder / "first-start.sqlite3")
            storage.open()
            storage.close()
            _template = storage.target.path
    assert _template is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_template, path)


@contextlib.contextmanager
def postgresql_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped on exit."""
    # Imported here, not by conftest in every worker: only `services` tests need psycopg.
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


class OnDatabaseThread:
    """A store module's functions, each run in a transaction of its own on the database's
    thread: `OnDatabaseThread(storage, daily).get(chat_id=1)`."""

    def __init__(self, storage: Storage, module: ModuleType) -> None:
        self.storage = storage
        self.module = module

    def __getattr__(self, name: str) -> Callable[..., Any]:
        function = getattr(self.module, name)
        return lambda **kwargs: self.storage.run_sync(partial(function, **kwargs))
