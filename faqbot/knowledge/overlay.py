"""The overlay pack: phrasings operators accepted from `/gaps`, kept in `overlay.yaml` next to
the database and read after the main pack, and the gap clusters they chose to ignore.

    phrasings:
      what-is-jimex:
        - jimex kab hua tha
    ignored:
      - who won the cricket world cup

`faqbot gaps --accepted` lists `phrasings:` so that they can be copied into the main pack; the
overlay's phrasings are checked with the main pack's (packs.check_pack), as if written there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

from faqbot.knowledge.normaliser import words
from faqbot.knowledge.schema import Location
from faqbot.knowledge.yaml_nodes import Node, Problem, read_yaml

OVERLAY_FILE = "overlay.yaml"
# Where the overlay is kept when the database is no file (PostgreSQL): the default data folder.
DATA_FOLDER = Path("data")


def overlay_path(database: Path | None) -> Path:
    """Where the accepted phrasings of the bot using the SQLite file `database` are kept:
    beside it; for a PostgreSQL database (None), in DATA_FOLDER."""
    return (database.parent if database is not None else DATA_FOLDER) / OVERLAY_FILE


OVERLAY_KEYS = ("phrasings", "ignored")
# A phrasing is a question as students type it; longer text is a pasted paragraph, not a
# wording the matcher should learn (the question log keeps the first 500 characters).
PHRASING_LIMIT = 300


def wording_key(text: str) -> str:
    """How two wordings compare: their words, in lower case, without punctuation."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Overlay:
    """The accepted phrasings by entry id, and the ignored gap wordings."""

    phrasings: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    ignored: tuple[str, ...] = ()

    @property
    def phrasing_count(self) -> int:
        return sum(len(texts) for texts in self.phrasings.values())

    def with_phrasing(self, entry_id: str, text: str) -> Overlay:
        """This overlay with one more phrasing of `entry_id`."""
        phrasings = dict(self.phrasings)
        phrasings[entry_id] = (*phrasings.get(entry_id, ()), text)
        return Overlay(MappingProxyType(phrasings), self.ignored)

    def with_ignored(self, text: str) -> Overlay:
        """This overlay with one more wording never to offer again."""
        if self.is_ignored([text]):
            return self
        return Overlay(self.phrasings, (*self.ignored, text))

    def is_ignored(self, wordings: Iterable[str]) -> bool:
        """Whether any of a cluster's wordings was ignored before."""
        ignored = {wording_key(text) for text in self.ignored}
        return any(wording_key(text) in ignored for text in wordings)

    def is_accepted(self, wordings: Iterable[str]) -> bool:
        """Whether any of a cluster's wordings is already an accepted phrasing."""
        accepted = {wording_key(text) for texts in self.phrasings.values() for text in texts}
        return any(wording_key(text) in accepted for text in wordings)

    def settles(self, representative: str, variants: Iterable[str]) -> bool:
        """Whether a gap cluster was dealt with already: its most asked wording accepted as a
        phrasing, or any of its wordings ignored (/gaps and `faqbot gaps` leave it out)."""
        return self.is_accepted([representative]) or self.is_ignored([representative, *variants])

    def to_yaml(self) -> str:
        """The overlay file's text."""
        data: dict[str, object] = {
            "phrasings": {entry_id: list(texts) for entry_id, texts in self.phrasings.items()},
            "ignored": list(self.ignored),
        }
        header = (
            "# Phrasings accepted from /gaps (copy them into the pack, then delete them here)\n"
            "# and gap clusters ignored. Written by faqbot; `faqbot gaps --accepted` lists them.\n"
        )
        return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class OverlayFile:
    """An overlay as read from its file: the data, and the YAML nodes of each phrasing (so a
    problem with one is reported at its line)."""

    overlay: Overlay
    nodes: Mapping[str, tuple[Node, list[Node]]]  # entry id -> (its key's node, phrasing nodes)


def read_overlay(path: Path, problems: list[Problem]) -> OverlayFile:
    """The overlay at `path` (an empty one if there is no such file); problems are added."""
    if not path.exists():
        return OverlayFile(Overlay(), {})
    root = read_yaml(path, problems) if path.read_bytes().strip() else None
    if root is None:
        return OverlayFile(Overlay(), {})
    if not isinstance(root.value, dict):
        problems.append(Problem(root.location, "overlay", "expected a mapping of phrasings"))
        return OverlayFile(Overlay(), {})
    for key, node in root.keys.items():
        if key not in OVERLAY_KEYS:
            problems.append(
                Problem(node.location, "overlay", f"unknown key '{key}'; use phrasings, ignored")
            )
    phrasings: dict[str, tuple[str, ...]] = {}
    nodes: dict[str, tuple[Node, list[Node]]] = {}
    block = root.keys.get("phrasings")
    if block is not None and block.value is not None:
        if not isinstance(block.value, dict):
            problems.append(
                Problem(block.location, "overlay", "'phrasings' maps entry ids to lists")
            )
        else:
            for entry_id, child in block.keys.items():
                items = child.items if isinstance(child.value, list) else [child]
                good = [item for item in items if _phrasing_ok(item, entry_id, problems)]
                phrasings[entry_id] = tuple(item.value.strip() for item in good)
                nodes[entry_id] = (child, good)
    ignored: list[str] = []
    block = root.keys.get("ignored")
    if block is not None and block.value is not None:
        items = block.items if isinstance(block.value, list) else [block]
        for item in items:
            if isinstance(item.value, str) and item.value.strip():
                ignored.append(item.value.strip())
            else:
                problems.append(Problem(item.location, "overlay", "each ignored must be text"))
    return OverlayFile(Overlay(MappingProxyType(phrasings), tuple(ignored)), nodes)


def _phrasing_ok(node: Node, entry_id: str, problems: list[Problem]) -> bool:
    """Whether one phrasing may join the pack; reports why not."""
    value = node.value
    if not isinstance(value, str) or not value.strip():
        shown = "" if value is None else f" ({value!r})"
        problems.append(Problem(node.location, entry_id, f"phrasing is empty{shown}"))
        return False
    if len(value.strip()) > PHRASING_LIMIT:
        problems.append(
            Problem(
                node.location,
                entry_id,
                f"phrasing is {len(value.strip())} characters ('{value.strip()[:40]}…'); "
                f"the limit is {PHRASING_LIMIT}: a phrasing is a question as students type it",
            )
        )
        return False
    if not words(value):
        problems.append(
            Problem(node.location, entry_id, f"phrasing '{value.strip()}' has no words")
        )
        return False
    return True


def merge_overlay(overlay: OverlayFile, entry_nodes: list[Node], problems: list[Problem]) -> None:
    """Add the overlay's phrasings to the alternates of the entries they name, as if written
    there, so that every check of the pack also checks them; report the ones that cannot go."""
    by_id = {
        node.keys["id"].value: node
        for node in entry_nodes
        if isinstance(node.value, dict) and "id" in node.keys
    }
    for entry_id, (key_node, phrasing_nodes) in overlay.nodes.items():
        node = by_id.get(entry_id)
        if node is None:
            problems.append(
                Problem(
                    key_node.location,
                    entry_id,
                    "no entry has this id in the pack; move its phrasings to an entry that "
                    "exists, or delete them",
                )
            )
            continue
        alternates = node.keys.get("alternates")
        if alternates is None or not isinstance(alternates.value, list):
            continue  # the entry's own problem is reported where it is written
        known: dict[str, Location] = {}
        for phrasing in (node.keys.get("question"), *alternates.items):
            if phrasing is not None and isinstance(phrasing.value, str):
                known.setdefault(wording_key(phrasing.value), phrasing.location)
        for phrasing in phrasing_nodes:
            key = wording_key(phrasing.value)
            if key in known:
                problems.append(
                    Problem(
                        phrasing.location,
                        entry_id,
                        f"phrasing '{phrasing.value.strip()}' is already one of this entry's "
                        f"({known[key]})",
                    )
                )
                continue
            known[key] = phrasing.location
            alternates.items.append(phrasing)
            alternates.value.append(phrasing.value)
