"""The storage tests' database: freshly migrated, on each engine (`database_target`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faqbot.storage.database import Storage


@pytest.fixture
def storage(database_target: Path | str) -> Iterator[Storage]:
    """A freshly migrated database, on each engine."""
    opened = Storage(database_target)
    opened.open()
    try:
        yield opened
    finally:
        opened.close()
