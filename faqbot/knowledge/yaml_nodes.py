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
# Syntax errors reported per file before the rest of it is given up.
MAX_SYNTAX_ERRORS = 10


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
    # A document's lines blanked to read past syntax errors (read_yaml): the problems of what
    # they held are reported as those errors, not as missing fields.
    damaged: frozenset[int] = frozenset()
    # How it was written: a [flow, list] and a scalar without quotes, in which a comma ends
    # the item (the usual way one phrasing becomes two).
    flow: bool = False
    unquoted: bool = False

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
    """Parse one file into Nodes, adding a Problem (not raising) for anything unreadable.

    A syntax error does not end the reading: its line is blanked and the file parsed again, so
    that one run reports every syntax error (up to MAX_SYNTAX_ERRORS) and the problems of the
    rest of the file; the root Node's `damaged` says which lines were blanked.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        problems.append(Problem(Location(name, 1), "file", f"cannot read file: {reason}"))
        return None
    original = text.split("\n")
    lines = list(original)
    damaged: set[int] = set()
    for _ in range(MAX_SYNTAX_ERRORS):
        try:
            root = _parse("\n".join(lines), name, problems)
        except yaml.MarkedYAMLError as error:
            line = _error_line(error)
            # Blanking a line can only make its neighbour fail for the same reason: that is
            # the same mistake, not a second one.
            if line - 1 not in damaged:
                problems.append(
                    Problem(Location(name, line), "yaml", _describe(error, original, line))
                )
            if not 1 <= line <= len(lines) or not lines[line - 1].strip():
                return None  # nothing left to blank: the rest cannot be read
            lines[line - 1] = ""
            damaged.add(line)
            continue
        except yaml.YAMLError as error:
            problems.append(Problem(Location(name, 1), "yaml", f"syntax error: {error}"))
            return None
        if root is None:
            if not damaged:
                problems.append(Problem(Location(name, 1), "file", "file is empty"))
            return None
        root.damaged = frozenset(damaged)
        return root
    return None


def _parse(text: str, name: str, problems: list[Problem]) -> Node | None:
    loader = YamlLoader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _convert(root, loader, name, problems)
    finally:
        loader.dispose()


# Errors whose context mark is where the mistake was written (an unclosed bracket or quote, a
# line without its colon); the parser notices them only on a later line. For the others (a
# block that goes wrong), the context is where the block began, and the problem mark is right.
_CONTEXT_FIRST = ("while scanning a simple key", "while scanning a quoted scalar", "flow")


def _error_line(error: yaml.MarkedYAMLError) -> int:
    """The 1-based line where the mistake is written."""
    context = error.context or ""
    if error.context_mark is not None and any(part in context for part in _CONTEXT_FIRST):
        return error.context_mark.line + 1
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark else 1


def _describe(error: yaml.MarkedYAMLError, lines: list[str], line: int) -> str:
    """The parser's words, the offending line's text, and where the parser noticed."""
    what = " ".join(str(part) for part in (error.context, error.problem) if part)
    message = f"syntax error: {what}"
    if 1 <= line <= len(lines) and lines[line - 1].strip():
        message += f" in {lines[line - 1].strip()!r}"
    noticed = error.problem_mark.line + 1 if error.problem_mark else line
    if noticed != line:
        message += f" (noticed at line {noticed})"
    return message


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
        flow = bool(node.flow_style)
        return Node([item.plain() for item in items], line, file, items=items, flow=flow)
    # The C loader marks a plain scalar's style "", the Python one None.
    unquoted = isinstance(node, yaml.ScalarNode) and not node.style
    return Node(loader.construct_object(node, deep=True), line, file, unquoted=unquoted)


def comma_split(node: Node | None) -> str:
    """A hint for a problem with a [flow, list] whose items are unquoted: a comma meant as
    part of an item split it in two. Empty when the list was not written so."""
    if node is None or not node.flow:
        return ""
    bare = [item.value for item in node.items if item.unquoted and isinstance(item.value, str)]
    if len(bare) < 2:
        return ""
    shown = ", ".join(repr(text) for text in node.value)
    return (
        f"; the list [{shown}] has unquoted items, so each comma starts a new one: "
        f'if an item holds a comma, quote it ("{bare[0]}, {bare[1]}")'
    )


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
