"""Two versions of the shipped pack whose replies tell which one wrote them, for reload tests.

The revised version marks every answer "[revised]" and starts every citation with "‡" (in place
of its first letter, so that no citation line grows past its limit): an answer card
that has one mark and not the other mixed the two packs (the entry from one, the sources from
the other), which a reload must never produce.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml

from faqbot.knowledge import shipped_pack_path

ANSWER_MARK, SOURCE_MARK = "[revised]", "‡"
Version = Literal["original", "revised", "mixed"]


def write_atomically(path: Path, text: str) -> None:
    """Replace a file as editors and deploy tools do, so a reload never reads half of it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def original_text() -> str:
    return shipped_pack_path().read_text(encoding="utf-8")


def revised_text() -> str:
    """The shipped pack with every answer and citation marked."""
    data: dict[str, Any] = yaml.safe_load(original_text())
    for entry in data["entries"]:
        entry["answer"] = f"{entry['answer'].rstrip()} {ANSWER_MARK}"
    for source in data["sources"]:
        source["citation"] = SOURCE_MARK + source["citation"][1:]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def version_of(text: str) -> Version:
    """Which pack an answer card came from."""
    answer, source = ANSWER_MARK in text, SOURCE_MARK in text
    if answer != source:
        return "mixed"
    return "revised" if answer else "original"


def answerable_questions(count: int) -> list[str]:
    """Questions every version answers outright with a cited answer card: each entry's own
    question, repeated to `count`."""
    data = yaml.safe_load(original_text())
    questions = [entry["question"] for entry in data["entries"]]
    return [questions[index % len(questions)] for index in range(count)]
