"""The documents a pack's answers rest on (`sources:`), and the short citation line students
see under an answer. The maintainer's pointer into the source document (an entry's `source`)
stays in the pack and in `faqbot export`; students see documents they can cite.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from faqbot.knowledge.catalogue import say
from faqbot.knowledge.currency import read_date
from faqbot.knowledge.schema import Entry, Pack, Source
from faqbot.knowledge.yaml_nodes import Node, Problem

# "Source: India–Japan 2+2 joint statement, MEA, 8 Sep 2022" fits one line on a phone.
CITATION_LIMIT = 120
SOURCE_REQUIRED = ("id", "title", "publisher", "date", "citation")
SOURCE_KEYS = {*SOURCE_REQUIRED, "url"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def citation_text(entry: Entry, pack: Pack) -> str | None:
    """What follows "Source:" under an entry's answer, in the pack's language: the documents
    it rests on, then its background facts' documents marked as such. None if it cites none."""
    language = pack.info.language
    main = [s.citation(language) for s in _sources(pack, entry.cites)]
    background = [s.citation(language) for s in _sources(pack, entry.background)]
    label = say(language, "background")
    if main and background:
        return f"{'; '.join(main)}; {label}: {'; '.join(background)}"
    if main:
        return "; ".join(main)
    if background:
        return f"{'; '.join(background)} ({label})"
    return None


def student_source(entry: Entry, pack: Pack) -> str:
    """What students see after "Source:": the citation, or in a pack that lists no sources,
    the entry's own `source` text."""
    return citation_text(entry, pack) or entry.source


def citation_line(entry: Entry, pack: Pack) -> str | None:
    """The whole line a student sees, label included ("Source: …")."""
    text = citation_text(entry, pack)
    return None if text is None else f"{say(pack.info.language, 'source')}: {text}"


def _sources(pack: Pack, ids: Sequence[str]) -> list[Source]:
    return [source for source in map(pack.source, ids) if source is not None]


def read_sources(
    node: Node | None, main: str, others: tuple[str, ...]
) -> tuple[list[Source], list[Problem]]:
    """The pack's `sources:` list. Each has an id, title, publisher, date, the short citation
    students see, a URL where one exists, and a block per other language with its citation."""
    problems: list[Problem] = []
    if node is None:
        return [], problems
    if not isinstance(node.value, list):
        problems.append(Problem(node.location, "sources", "'sources' must be a list"))
        return [], problems
    sources: list[Source] = []
    seen: dict[str, Node] = {}
    for item in node.items:
        if not isinstance(item.value, dict):
            problems.append(Problem(item.location, "sources", "each source must be a mapping"))
            continue
        subject = str(item.value.get("id") or "sources")
        before = len(problems)
        for key, child in item.keys.items():
            if key not in SOURCE_KEYS and key not in others:
                problems.append(Problem(child.location, subject, f"unknown key '{key}'"))
        fields: dict[str, str] = {}
        for name in SOURCE_REQUIRED:
            field_node = item.keys.get(name)
            if field_node is None:
                problems.append(Problem(item.location, subject, f"missing required field '{name}'"))
            elif name == "date":
                date = read_date(field_node, subject, problems)
                if date is not None:
                    fields[name] = date
            elif isinstance(field_node.value, str) and field_node.value.strip():
                fields[name] = field_node.value.strip()
            else:
                problems.append(Problem(field_node.location, subject, f"'{name}' must be text"))
        ident = item.keys.get("id")
        if "id" in fields and ident is not None:
            if not _ID.match(fields["id"]):
                problems.append(
                    Problem(ident.location, subject, "id must be lower-case words joined by '-'")
                )
            elif fields["id"] in seen:
                first = seen[fields["id"]].location
                problems.append(Problem(ident.location, subject, f"duplicate source id ({first})"))
            seen.setdefault(fields["id"], ident)
        url = item.keys.get("url")
        if url is not None and not (
            isinstance(url.value, str) and url.value.startswith(("https://", "http://"))
        ):
            problems.append(Problem(url.location, subject, "'url' must be an http(s) address"))
        citations = {}
        for language in others:
            block = item.keys.get(language)
            text = block.keys.get("citation") if block and isinstance(block.value, dict) else None
            if block is None or text is None:
                problems.append(
                    Problem((block or item).location, subject, f"missing '{language}' citation")
                )
            elif not isinstance(text.value, str) or not text.value.strip():
                problems.append(Problem(text.location, subject, f"'{language}' citation is empty"))
            else:
                citations[language] = text.value.strip()
            for key, child in block.keys.items() if block and isinstance(block.value, dict) else ():
                if key != "citation":
                    problems.append(Problem(child.location, subject, f"unknown key '{key}'"))
        if len(problems) > before:
            continue
        sources.append(
            Source(
                id=fields["id"],
                title=fields["title"],
                publisher=fields["publisher"],
                date=fields["date"],
                citations={main: fields["citation"], **citations},
                url=url.value if url is not None else None,
            )
        )
    return sources, problems


def citation_problems(entry: Entry, node: Node, pack: Pack) -> list[Problem]:
    """An entry citing nothing in a pack with sources, citing a source that does not exist, or
    whose citation line is too long in one of the pack's languages."""
    problems = []
    known = {source.id for source in pack.sources}
    for key in ("cites", "background"):
        list_node = node.keys.get(key)
        for item in list_node.items if list_node is not None else []:
            if item.value not in known:
                problems.append(
                    Problem(item.location, entry.id, f"{key}: unknown source id '{item.value}'")
                )
    # A pack without `sources` is of the older kind, whose `source` lines students see.
    if pack.sources and not entry.cites and not entry.background:
        problems.append(
            Problem(node.location, entry.id, "cites no source: add 'cites' (or 'background')")
        )
    for language in pack.languages:
        view = pack.in_language(language)
        view_entry = view.entry(entry.id) or entry
        line = f"{say(language, 'source')}: {student_source(view_entry, view)}"
        if len(line) > CITATION_LIMIT:
            # Without `sources`, students see the entry's own `source` text.
            fix = "shorten the sources' citations or cite fewer"
            if not pack.sources:
                fix = "shorten 'source', or list the pack's 'sources' and cite them"
            problems.append(
                Problem(
                    node.location,
                    entry.id,
                    f"'{language}' citation line is {len(line)} characters; the limit is "
                    f"{CITATION_LIMIT}: {fix}",
                )
            )
    return problems
