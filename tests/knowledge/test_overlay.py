"""The overlay pack: accepted phrasings checked as if written in the main pack, at their own
lines, and the bundle built with them."""

from __future__ import annotations

from pathlib import Path

import yaml

from faqbot.knowledge import check_pack, shipped_pack_path
from faqbot.knowledge.bundle import check_knowledge
from faqbot.knowledge.overlay import PHRASING_LIMIT, Overlay, read_overlay


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(overlay: Path) -> list[str]:
    pack, found = check_pack(None, overlay)
    assert pack is None
    return [str(problem) for problem in found]


def test_the_file_format_round_trips() -> None:
    overlay = Overlay().with_phrasing("what-is-jimex", "jimex kab se hai").with_ignored("hi bot")
    data = yaml.safe_load(overlay.to_yaml())
    assert data == {"phrasings": {"what-is-jimex": ["jimex kab se hai"]}, "ignored": ["hi bot"]}
    assert overlay.is_ignored(["Hi, bot!"]) and overlay.is_accepted(["JIMEX kab se hai?"])
    assert overlay.with_ignored("HI BOT") is overlay


def test_no_file_is_an_empty_overlay(tmp_path: Path) -> None:
    found: list[object] = []
    read = read_overlay(tmp_path / "overlay.yaml", [])
    assert read.overlay == Overlay() and not found
    knowledge, problems_found = check_knowledge(None, tmp_path / "overlay.yaml")
    assert problems_found == [] and knowledge is not None
    assert knowledge.overlay.phrasing_count == 0


def test_an_accepted_phrasing_joins_its_entry_and_is_answered(tmp_path: Path) -> None:
    wording = "which sea exercise has all quad navies"
    overlay = write(tmp_path, Overlay().with_phrasing("what-is-malabar", wording).to_yaml())
    knowledge, found = check_knowledge(None, overlay, version=4)
    assert found == [] and knowledge is not None and knowledge.version == 4
    entry = knowledge.pack.entry("what-is-malabar")
    assert entry is not None and entry.alternates[-1] == wording
    outcome = knowledge.answerers.respond(wording).outcome
    assert outcome.status == "answer" and outcome.answered_id == "what-is-malabar"
    assert knowledge.overlay.phrasings == {"what-is-malabar": (wording,)}


def test_bad_phrasings_are_rejected_each_at_its_line_saying_why(tmp_path: Path) -> None:
    long = "x " * 2000
    path = write(
        tmp_path,
        "phrasings:\n"
        "  what-is-malabar:\n"
        "    - what is jimex\n"  # line 3: another entry's phrasing
        '    - ""\n'  # line 4
        f"    - {long}\n"  # line 5
        "    - What is the Malabar exercise?\n"  # line 6: its own already
        "  no-such-entry:\n"  # line 7
        "    - anything\n"
        "colour: blue\n",  # line 9
    )
    found = problems(path)
    assert f"{path}:9: overlay: unknown key 'colour'; use phrasings, ignored" in found
    assert f"{path}:4: what-is-malabar: phrasing is empty ('')" in found
    assert any(
        p.startswith(f"{path}:5: what-is-malabar: phrasing is {len(long.strip())} characters")
        and f"the limit is {PHRASING_LIMIT}" in p
        for p in found
    )
    assert any(
        p.startswith(f"{path}:6: what-is-malabar: phrasing 'What is the Malabar exercise?' is")
        and "already one of this entry's" in p
        for p in found
    )
    assert f"{path}:8: no-such-entry: no entry has this id in the pack" in " ".join(found)
    assert any(
        p.startswith(f"{path}:3: what-is-malabar: phrasing 'what is jimex' is too alike to")
        and f"of entry what-is-jimex ({shipped_pack_path()}:" in p
        for p in found
    )


def test_an_overlay_in_invalid_yaml_is_a_problem_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "phrasings:\n  what-is-jimex: [unclosed\n")
    [found] = problems(path)
    assert found.startswith(f"{path}:2: yaml: syntax error: while parsing a flow sequence")
