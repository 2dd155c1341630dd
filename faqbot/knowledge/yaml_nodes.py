"""YAML parsed into Nodes that remember their file and line, so each problem can say where."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from faqbot.knowledge.schema import Location

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SHIPPED_PACK = "india_japan_2plus2.yaml"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, worded for the person who maintains it."""

    location: Location
    subject: str  # the entry id, or the top-level key, the problem is about
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.subject}: {self.message}"


class PackError(Exception):
    """A pack that must not load; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"knowledge pack is invalid: {first}{more}; run `faqbot validate` to see all"
        )


@dataclass
class Node:
    """A parsed YAML value that remembers the line it was written on."""

    value: Any
    line: int
    file: str
    keys: dict[str, Node] = field(default_factory=dict)
    items: list[Node] = field(default_factory=list)

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    def plain(self) -> Any:
        """The value as plain Python data."""
        return self.value


def shipped_pack_path() -> Path:
    """The default pack that ships inside the package."""
    return Path(str(resources.files("faqbot.knowledge") / "packs" / SHIPPED_PACK))


def pack_files(path: Path) -> list[Path]:
    """The YAML files a pack path stands for: the file itself, or a folder's, in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def read_yaml(path: Path, problems: list[Problem]) -> Node | None:
    """Parse one file into Nodes, adding a Problem (not raising) for anything unreadable."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        problems.append(Problem(Location(name, 1), "file", f"cannot read file: {reason}"))
        return None
    loader = YamlLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            problems.append(Problem(Location(name, 1), "file", "file is empty"))
            return None
        return _convert(root, loader, name, problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(part) for part in (error.context, error.problem) if part)
        problems.append(Problem(Location(name, line), "yaml", f"syntax error: {what}"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(Location(name, 1), "yaml", f"syntax error: {error}"))
        return None
    finally:
        loader.dispose()


def _convert(node: yaml.Node, loader: Any, file: str, problems: list[Problem]) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in keys:
                problems.append(
                    Problem(Location(file, key_node.start_mark.line + 1), key, "duplicate key")
                )
            keys[key] = _convert(value_node, loader, file, problems)
        return Node({k: v.plain() for k, v in keys.items()}, line, file, keys=keys)
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(child, loader, file, problems) for child in node.value]
        return Node([item.plain() for item in items], line, file, items=items)
    return Node(loader.construct_object(node, deep=True), line, file)


def iter_documents(path: Path, problems: list[Problem]) -> Iterator[Node]:
    """Every readable top-level document of a pack path."""
    if not path.exists():
        problems.append(Problem(Location(str(path), 1), "file", "no such file or folder"))
        return
    files = pack_files(path)
    if not files:
        problems.append(Problem(Location(str(path), 1), "file", "folder has no .yaml files"))
    for file in files:
        node = read_yaml(file, problems)
        if node is not None:
            yield node
