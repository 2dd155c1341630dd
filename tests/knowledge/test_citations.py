"""Citable sources: the line students see, and what `faqbot validate` checks about it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from faqbot.knowledge import Pack, check_pack, load_pack
from faqbot.knowledge.citations import CITATION_LIMIT, citation_line, student_source
from faqbot.knowledge.replies import answer_reply

# The shipped pack's languages, written out so that collecting this module loads no pack.
SHIPPED_LANGUAGES = ("en", "hi")


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_shipped_entry_has_a_short_citation_naming_a_document(
    pack: Pack, language: str
) -> None:
    assert pack.languages == SHIPPED_LANGUAGES, "add the pack's new language to SHIPPED_LANGUAGES"
    view = pack.in_language(language)
    titles = [source.citation(language) for source in pack.sources]
    for entry in view.entries:
        line = citation_line(entry, view)
        assert line is not None and len(line) <= CITATION_LIMIT, (entry.id, line)
        assert any(title in line for title in titles), line
        assert "bullet" not in line and ">" not in line  # never the maintainer's pointer


def test_the_answer_card_shows_the_citation_not_the_pointer(pack: Pack) -> None:
    entry = pack.entry("key-highlights")
    assert entry is not None
    card = answer_reply(entry, pack)
    assert card.source == "India–Japan 2+2 joint statement, MEA, 8 Sep 2022"
    hindi = pack.in_language("hi")
    assert answer_reply(hindi.entry("key-highlights"), hindi).source == (  # type: ignore[arg-type]
        "2+2 संयुक्त बयान, विदेश मंत्रालय, 8 सितंबर 2022"
    )


def test_background_facts_are_marked_as_such(pack: Pack) -> None:
    rpss, ministers = pack.entry("rpss-agreement"), pack.entry("second-dialogue-ministers")
    assert rpss is not None and ministers is not None
    assert citation_line(rpss, pack) == (
        "Source: India–Japan 2+2 joint statement, MEA, 8 Sep 2022; "
        "background: MoD release on RPSS signing, 10 Sep 2020"
    )
    assert student_source(ministers, pack).endswith("(background)")
    hindi = pack.in_language("hi")
    assert "पृष्ठभूमि" in (citation_line(hindi.entry("rpss-agreement"), hindi) or "")  # type: ignore[arg-type]


PACK_TEXT = """\
pack:
  title: Test pack
  language: en
  source_document: notes.txt
{sources}
topics:
  - id: basics
    title: Basics
entries:
  - id: first-meeting
    topic: basics
    question: When was the first meeting?
    alternates: [first meeting date]
    answer: The first meeting was in 2019.
    source: notes, line 1
    related: []
{cites}
"""


def problems(tmp_path: Path, sources: str, cites: str = "") -> list[str]:
    path = tmp_path / "pack.yaml"
    text = PACK_TEXT.format(sources=textwrap.dedent(sources), cites=cites)
    path.write_text(text, encoding="utf-8")
    _, found = check_pack(path)
    return [f"{p.location.line}: {p.subject}: {p.message}" for p in found]


SOURCES = """\
sources:
  - id: minutes
    title: Minutes of the first meeting
    publisher: The secretariat
    date: 2019-11
    citation: {citation}
"""


def test_a_pack_without_sources_keeps_showing_its_source_lines(tmp_path: Path) -> None:
    assert problems(tmp_path, "") == []
    pack = load_pack(tmp_path / "pack.yaml")
    assert student_source(pack.entries[0], pack) == "notes, line 1"
    # What students see is held to the same length: "Source: " and 115 characters.
    (tmp_path / "pack.yaml").write_text(
        (tmp_path / "pack.yaml").read_text().replace("notes, line 1", "n" * 115)
    )
    _, found = check_pack(tmp_path / "pack.yaml")
    assert [p.message for p in found] == [
        "'en' citation line is 123 characters; the limit is 120: shorten 'source', or list "
        "the pack's 'sources' and cite them"
    ]


def test_validate_checks_citations(tmp_path: Path) -> None:
    ok = SOURCES.format(citation="Meeting minutes, Nov 2019")
    assert problems(tmp_path, ok, "    cites: [minutes]") == []
    # every entry cites a source once the pack lists them
    assert any("cites no source" in p for p in problems(tmp_path, ok))
    unknown = problems(tmp_path, ok, "    cites: [minutes]\n    background: [press]")
    assert any("background: unknown source id 'press'" in p for p in unknown)
    long = SOURCES.format(citation="M" * 115)
    assert any(
        "citation line is 123 characters" in p
        for p in problems(tmp_path, long, "    cites: [minutes]")
    )
    bad = "sources:\n  - id: Minutes\n    title: x\n    date: last year\n    url: ftp://x\n"
    found = problems(tmp_path, bad, "    cites: [Minutes]")
    for message in (
        "lower-case words",
        "missing required field 'publisher'",
        "YYYY-MM-DD",
        "http(s)",
    ):
        assert any(message in p for p in found), (message, found)
