"""Pack validation: every problem is found, with its exact file:line: subject: message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from faqbot.knowledge import PackError, check_pack, load_pack

HEADER = """\
pack:
  title: Test pack
  language: en
  source_document: notes.txt
topics:
  - id: basics
    title: Basics
entries:
"""

ENTRY = """\
  - id: {id}
    topic: basics
    question: {question}
    alternates: [{alternate}]
    answer: An answer about {id}.
    source: notes, line 1
    related: []
"""


def write(tmp_path: Path, body: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    pack, found = check_pack(path)
    assert pack is None
    return [str(problem) for problem in found]


def entry(entry_id: str, question: str, alternate: str) -> str:
    return ENTRY.format(id=entry_id, question=question, alternate=alternate)


def test_shipped_pack_is_valid() -> None:
    pack, found = check_pack()
    assert found == [] and pack is not None
    assert len(pack.entries) >= 25
    assert all(len(entry.alternates) >= 4 for entry in pack.entries)


def test_a_valid_pack_loads(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + entry("alpha", "What is alpha?", "alpha kya hai"))
    pack = load_pack(path)
    assert [e.id for e in pack.entries] == ["alpha"]
    assert pack.entry("alpha").location.line == 9


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "  - id: alpha\n    question: [unclosed\n")
    (found,) = problems(path)
    # libyaml and the pure-Python parser word the rest of the message differently.
    assert found.startswith(f"{path}:10: yaml: syntax error: while parsing a flow sequence")


def test_unknown_key_and_missing_field(tmp_path: Path) -> None:
    body = entry("alpha", "What is alpha?", "alpha kya hai").replace("answer:", "anwser:")
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [
        f"{path}:13: alpha: unknown key 'anwser'",
        f"{path}:9: alpha: missing required field 'answer'",
    ]


def test_duplicate_id(tmp_path: Path) -> None:
    body = entry("alpha", "What is alpha?", "alpha kya hai") + entry(
        "alpha", "Where is beta?", "beta location"
    )
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [f"{path}:16: alpha: duplicate id (first at {path}:9)"]


def test_related_id_that_does_not_exist(tmp_path: Path) -> None:
    body = entry("alpha", "What is alpha?", "alpha kya hai").replace(
        "related: []", "related: [gamma]"
    )
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [f"{path}:15: alpha: related id 'gamma' does not exist"]


def test_empty_answer(tmp_path: Path) -> None:
    body = entry("alpha", "What is alpha?", "alpha kya hai").replace(
        "answer: An answer about alpha.", "answer:"
    )
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [f"{path}:13: alpha: answer is empty"]


def test_answer_over_telegram_limit(tmp_path: Path) -> None:
    body = entry("alpha", "What is alpha?", "alpha kya hai").replace(
        "An answer about alpha.", "x" * 4097
    )
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [
        f"{path}:13: alpha: answer is 4097 characters; Telegram's limit is 4096"
    ]


def test_phrasings_too_alike_across_entries(tmp_path: Path) -> None:
    body = entry("alpha", "What is the alpha treaty?", "alpha treaty") + entry(
        "beta", "What is the beta pact?", "the alpha treaty?"
    )
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [
        f"{path}:19: beta: phrasing 'the alpha treaty?' is too alike to 'What is the alpha "
        f"treaty?' of entry alpha ({path}:11); the matcher cannot tell them apart",
        f"{path}:19: beta: phrasing 'the alpha treaty?' is too alike to 'alpha treaty' of "
        f"entry alpha ({path}:12); the matcher cannot tell them apart",
    ]


def test_unknown_topic_and_bad_id(tmp_path: Path) -> None:
    body = entry("Alpha_1", "What is alpha?", "alpha kya hai").replace("topic: basics", "topic: x")
    path = write(tmp_path, HEADER + body)
    assert problems(path) == [
        f"{path}:9: Alpha_1: id must be lower-case letters and digits joined by '-'",
        f"{path}:10: Alpha_1: unknown topic 'x'",
    ]


def test_id_too_long_for_button_data(tmp_path: Path) -> None:
    long_id = "a" * 61
    path = write(tmp_path, HEADER + entry(long_id, "What is alpha?", "alpha kya hai"))
    assert problems(path) == [
        f"{path}:9: {long_id}: id is 61 characters; the limit is 60, since ids go into "
        "Telegram button data and deep links"
    ]


def test_quiz_item_over_limits(tmp_path: Path) -> None:
    quiz = textwrap.indent(
        textwrap.dedent(
            f"""\
            quiz:
              - question: {"q" * 301}
                correct: Right
                distractors: [Wrong, Right]
                explanation: {"e" * 201}
            """
        ),
        "    ",
    )
    path = write(tmp_path, HEADER + entry("alpha", "What is alpha?", "alpha kya hai") + quiz)
    found = problems(path)
    assert f"{path}:17: alpha: quiz question is 301 characters; Telegram's limit is 300" in found
    assert f"{path}:17: alpha: quiz needs exactly 3 distractors, not 2" in found
    assert f"{path}:17: alpha: quiz options must all differ" in found
    assert f"{path}:17: alpha: quiz explanation is 201 characters; Telegram's limit is 200" in found


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    body = (
        entry("alpha", "What is alpha?", "alpha kya hai").replace("related: []", "related: [x]")
        + entry("alpha", "Where is beta?", "beta location")
        + entry("gamma", "What is gamma?", "gamma").replace(
            "answer: An answer about gamma.", "answer:"
        )
    )
    path = write(tmp_path, HEADER + body)
    assert len(problems(path)) == 3


def test_a_folder_of_files_is_one_pack(tmp_path: Path) -> None:
    write(tmp_path, HEADER + entry("alpha", "What is alpha?", "alpha kya hai"), "a.yaml")
    write(tmp_path, "entries:\n" + entry("beta", "Where is beta?", "beta location"), "b.yaml")
    pack = load_pack(tmp_path)
    assert [e.id for e in pack.entries] == ["alpha", "beta"]
    assert pack.entry("beta").location.file == str(tmp_path / "b.yaml")


def test_missing_path_and_missing_metadata(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert problems(missing) == [f"{missing}:1: file: no such file or folder"]
    path = write(tmp_path, "entries:\n" + entry("alpha", "What is alpha?", "alpha"))
    assert problems(path) == [
        f"{path}:1: pack: missing required 'pack' metadata",
        f"{path}:3: alpha: unknown topic 'basics'",
    ]


def test_load_pack_raises_with_a_one_line_summary(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "  - id: alpha\n")
    with pytest.raises(PackError) as raised:
        load_pack(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"knowledge pack is invalid: {path}:9: alpha: missing required field")
    assert "run `faqbot validate` to see all" in message


def test_every_problem_in_one_run_structural_and_near_duplicates(tmp_path: Path) -> None:
    """A structural problem does not hold back the near-duplicate check, even in its entry."""
    beta = entry("beta", "What is alpha?", "beta kya hai").replace("topic: basics", "topic: nope")
    path = write(tmp_path, HEADER + entry("alpha", "What is alpha?", "alpha kya hai") + beta)
    found = problems(path)
    assert f"{path}:17: beta: unknown topic 'nope'" in found
    assert any(
        p.startswith(f"{path}:18: beta: phrasing 'What is alpha?' is too alike") for p in found
    )


def test_syntax_error_at_its_own_line_with_its_text_and_the_rest_still_checked(
    tmp_path: Path,
) -> None:
    """libyaml notices a line without its colon on the next line; the error names the line
    where it is written, shows it, and the other entries are still checked."""
    broken = entry("alpha", "What is alpha?", "alpha kya hai").replace(
        "    answer:", "    this line has no colon\n    answer:"
    )
    second = entry("beta", "What is beta?", "beta kya hai").replace("topic: basics", "topic: x")
    third = entry("gamma", "What is gamma?", "[gamma").replace("alternates: [[gamma]", "al: [x")
    path = write(tmp_path, HEADER + broken + second + third)
    found = problems(path)
    assert found[0] == (
        f"{path}:13: yaml: syntax error: while scanning a simple key could not find "
        "expected ':' in 'this line has no colon' (noticed at line 14)"
    )
    assert found[1].startswith(f"{path}:27: yaml: syntax error: while parsing a flow sequence")
    assert f"{path}:18: beta: unknown topic 'x'" in found
    # The entries the blanked lines cut short get no "missing field" on top of their error.
    assert not [p for p in found if "alpha" in p or "gamma:" in p]


def test_an_unquoted_comma_that_split_a_list_says_so(tmp_path: Path) -> None:
    quiz = textwrap.indent(
        textwrap.dedent(
            """\
            quiz:
              question: Where did the first dialogue meet?
              correct: New Delhi
              distractors: [Tokyo, Japan, Mumbai, Chennai]
              explanation: It met in New Delhi.
            """
        ),
        "    ",
    )
    path = write(tmp_path, HEADER + entry("alpha", "What is alpha?", "alpha kya hai") + quiz)
    [found] = [p for p in problems(path) if "distractors" in p]
    assert found == (
        f"{path}:17: alpha: quiz needs exactly 3 distractors, not 4; the list ['Tokyo', "
        "'Japan', 'Mumbai', 'Chennai'] has unquoted items, so each comma starts a new one: "
        'if an item holds a comma, quote it ("Tokyo, Japan")'
    )


def test_quoted_items_get_no_comma_hint(tmp_path: Path) -> None:
    quiz = (
        "    quiz:\n      question: Where did the first dialogue meet?\n"
        "      correct: New Delhi\n"
        '      distractors: ["Tokyo, Japan", "Mumbai", "Chennai", "Pune"]\n'
        "      explanation: It met in New Delhi.\n"
    )
    path = write(tmp_path, HEADER + entry("alpha", "What is alpha?", "alpha kya hai") + quiz)
    [found] = [p for p in problems(path) if "distractors" in p]
    assert found.endswith("quiz needs exactly 3 distractors, not 4")


def test_text_where_a_list_belongs_shows_the_value(tmp_path: Path) -> None:
    body = entry("alpha", "What is alpha?", "x").replace(
        "alternates: [x]", "alternates: alpha kya hai, what is alpha"
    )
    path = write(tmp_path, HEADER + body)
    assert (
        f"{path}:12: alpha: 'alternates' must be a list, not text ('alpha kya hai, what is "
        "alpha'); write each item on its own '- ' line"
    ) in problems(path)
