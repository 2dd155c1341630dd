"""The `faqbot` command line: `cli.main` in this process, and as the installed command."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

from faqbot import cli
from faqbot.knowledge import Pack, load_pack
from faqbot.knowledge.evaluation import load_questions
from faqbot.knowledge.languages import LanguageAnswerers
from tests.support.application import knowledge_of
from tests.support.paths import QUESTIONS


@dataclass(frozen=True)
class Result:
    """What a run of the command left: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


def clean_environment(env: dict[str, str] | None) -> dict[str, str]:
    """The test's environment without a developer's FAQBOT_ and TELEGRAM_ settings, plus env."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FAQBOT_", "TELEGRAM_"))}
    return {**base, **(env or {})}


def faqbot(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    """`faqbot ARGS` as `cli.main`, in this process: its own stdin, stdout, stderr and
    environment, and SystemExit (argparse's usage errors, --help) read as the exit code."""
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, clean_environment(env), clear=True),
        mock.patch.object(sys, "stdin", io.StringIO(stdin or "")),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


@functools.cache
def _load_pack_once(path: Path | None, overlay: Path | None = None) -> Pack:
    return load_pack(path, overlay)


def _answerers_once(pack: Pack) -> LanguageAnswerers:
    return knowledge_of(pack).answerers


@pytest.fixture(autouse=True)
def pack_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command loads its pack and builds the matchers on every run, as a new process
    must; in this process every test shares what a path gave the first time. A pack a test
    writes has a path of its own, so it is loaded (and rejected) for real."""
    monkeypatch.setattr(cli, "load_pack", _load_pack_once)
    monkeypatch.setattr(cli, "LanguageAnswerers", _answerers_once)


def installed(*args: str, env: dict[str, str] | None = None) -> Result:
    """The same, as a real process of the command that installing the package made."""
    command = shutil.which("faqbot", path=str(Path(sys.executable).parent))
    assert command is not None, "the faqbot console script is not installed next to python"
    done = subprocess.run(
        [command, *args], capture_output=True, text=True, env=clean_environment(env), timeout=60
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.mark.slow
def test_the_installed_command_lists_every_command() -> None:
    result = installed("--help")
    assert result.returncode == 0
    for command in ("run", "chat", "ask", "validate", "eval", "export"):
        assert command in result.stdout


def test_help_lists_every_command() -> None:
    result = faqbot("--help")
    assert result.returncode == 0
    for command in ("run", "chat", "ask", "validate", "eval", "export"):
        assert command in result.stdout


def test_ask_one_question_as_json() -> None:
    result = faqbot("ask", "JSST kya hai", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["status"] == "answer" and data["id"] == "joint-service-staff-talks"
    assert data["question"] == "JSST kya hai"


def test_ask_batch_from_stdin_keeps_order() -> None:
    questions = ["what is jimex", "weather in delhi", "", "milan japan india"]
    result = faqbot("ask", "--json", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["question"] for row in rows] == questions
    assert [row["status"] for row in rows] == ["answer", "none", "none", "suggest"]
    assert rows[3]["suggestions"] and rows[3]["id"] == rows[3]["suggestions"][0]["id"]


def test_ask_as_text() -> None:
    result = faqbot("ask", "what is malabar")
    assert result.returncode == 0
    assert "Malabar" in result.stdout and "Source:" in result.stdout


def test_ask_without_a_question_is_a_usage_error() -> None:
    result = faqbot("ask")
    assert result.returncode == 2
    assert "give a QUESTION" in result.stderr


def test_validate_shipped_pack() -> None:
    result = faqbot("validate")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "ok:" in result.stderr


def test_validate_checks_an_overlay_with_the_pack(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("phrasings:\n  what-is-malabar:\n    - what is jimex\n", encoding="utf-8")
    result = faqbot("validate", "--overlay", str(overlay))
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{overlay}:3: what-is-malabar: phrasing 'what is jimex' is too alike to"
    )
    overlay.write_text("phrasings:\n  what-is-malabar:\n    - sea drill of quad navies\n")
    assert faqbot("validate", "--overlay", str(overlay)).returncode == 0


def test_validate_bad_pack_prints_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pack: {title: t, language: en, source_document: s}\n"
        "topics: [{id: a, title: A}]\n"
        "entries:\n"
        "  - id: one\n    topic: a\n    question: q\n    alternates: [x]\n"
        "    answer: ''\n    source: s\n    related: [two]\n",
        encoding="utf-8",
    )
    result = faqbot("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}:8: one: 'answer' is empty",
        f"{bad}:10: one: related id 'two' does not exist",
    ]


def test_a_bad_pack_in_the_environment_stops_other_commands(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: [", encoding="utf-8")
    result = faqbot("ask", "jimex", env={"FAQBOT_KNOWLEDGE": str(bad)})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"faqbot: knowledge pack is invalid: {bad}:")
    assert "yaml: syntax error" in result.stderr


def test_eval_prints_the_report() -> None:
    result = faqbot("eval", str(QUESTIONS), "--no-failures")
    assert result.returncode == 0
    for line in ("top-1 accuracy:", "top-3 accuracy:", "confident wrong answers:", "held back"):
        assert line in result.stdout
    # No unrelated question answered; one near-topic one is (tests/knowledge/test_evaluation.py).
    assert re.search(r"off-topic answered: +\d+ \(0 unrelated", result.stdout)


def test_ask_json_carries_why_language_and_small_talk() -> None:
    result = faqbot("ask", "--json", stdin="namaste\nwhat is the capital of France\n")
    greeting, unknown = (json.loads(line) for line in result.stdout.splitlines())
    assert greeting["status"] == "smalltalk" and greeting["smalltalk"]["id"] == "greeting"
    assert greeting["answer"] is None and greeting["language"] == "en"
    assert unknown["status"] in ("suggest", "none") and unknown["why"]


def test_ask_reads_a_follow_up_after_an_entry() -> None:
    result = faqbot("ask", "and the second one?", "--json", "--after", "inaugural-dialogue")
    data = json.loads(result.stdout)
    assert data["status"] == "answer" and data["id"] == "second-dialogue"
    assert data["followup_of"] == "inaugural-dialogue"


def test_export_json_matches_the_contract() -> None:
    result = faqbot("export", "--format", "json")
    records = json.loads(result.stdout)
    assert len(records) >= 25
    # The contract's fields stay; citable sources add theirs beside them.
    contract = {"id", "question", "alternates", "answer", "topic", "source"}
    assert set(records[0]) == contract | {"cites", "background", "citation"}
    assert isinstance(records[0]["alternates"], list)
    rpss = next(record for record in records if record["id"] == "rpss-agreement")
    assert "sub-bullet" in rpss["source"]  # the maintainer's pointer is kept for export
    assert rpss["cites"] == ["mea-joint-statement-2022"]
    assert rpss["background"] == ["mod-rpss-2020"]
    assert rpss["citation"].startswith("Source: India–Japan 2+2 joint statement, MEA")


def test_ask_json_declines_a_later_dialogue_and_dates_the_latest() -> None:
    questions = "third India–Japan 2+2\n2+2 in 2024\nwhat happened at the latest india japan 2+2\n"
    third, later, latest = map(
        json.loads, faqbot("ask", "--json", stdin=questions).stdout.split("\n")[:3]
    )
    assert third["status"] == "none" and third["id"] is None
    assert third["why"] == "rule: a topic the pack does not cover"
    assert (
        third["notice"]["kind"] == "not_covered" and third["notice"]["topic"] == "later-dialogues"
    )
    assert (
        later["status"] == "none"
        and later["why"] == "rule: asks about a time after the pack's as_of date"
    )
    assert later["notice"]["text"].startswith("My notes cover up to September 2022")
    assert latest["status"] == "answer" and latest["why"] is None
    assert latest["notice"]["text"].startswith("As of September 2022, the latest")


def test_export_csv_has_one_row_per_entry() -> None:
    json_records = json.loads(faqbot("export").stdout)
    rows = list(csv.DictReader(io.StringIO(faqbot("export", "--format", "csv").stdout)))
    assert [row["id"] for row in rows] == [record["id"] for record in json_records]


def test_chat_answers_and_follows_numbered_choices() -> None:
    result = faqbot("chat", stdin="what is jimex\n1\n")
    assert result.returncode == 0
    assert "JIMEX" in result.stdout
    # choice 1 under the JIMEX answer is its first related question
    assert result.stdout.count("bot> ") == 2


@pytest.mark.slow
@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_run_without_a_valid_token_exits_2_with_one_line(token: str, tmp_path: Path) -> None:
    """As the process an operator starts: one line on stderr, whatever logging would add."""
    result = installed(
        "run", env={"TELEGRAM_BOT_TOKEN": token, "FAQBOT_DATABASE": str(tmp_path / "d")}
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "BotFather" in result.stderr and "make chat" in result.stderr
    assert not (tmp_path / "d").exists()


def test_ask_json_says_which_language_answered() -> None:
    result = faqbot("ask", "--json", "भारत जापान RPSS समझौता क्या है")
    record = json.loads(result.stdout)
    assert result.returncode == 0
    assert record["language"] == "hi" and record["id"] == "rpss-agreement"
    assert "समझौता" in record["answer"]
    english = json.loads(faqbot("ask", "--json", "what is rpss").stdout)
    assert english["language"] == "en" and english["answer"].startswith("RPSS")


def test_ask_language_forces_the_answer_language() -> None:
    record = json.loads(faqbot("ask", "--json", "--language", "hi", "what is jimex").stdout)
    assert record["language"] == "hi" and "जिमेक्स" in record["answer"]


def test_an_unknown_language_is_a_usage_error() -> None:
    result = faqbot("ask", "--language", "xx", "what is jimex")
    assert result.returncode == 2
    assert "no language 'xx'" in result.stderr and "Traceback" not in result.stderr


def test_eval_of_a_hindi_set_reports_hindi_figures() -> None:
    path = QUESTIONS.parent / "hindi-dev.yaml"
    answerable = sum(not question.offtopic for question in load_questions(path))
    result = faqbot("eval", "--no-failures", str(path))
    assert result.returncode == 0
    assert result.stdout.split("\n")[0].split() == ["answerable", "questions:", str(answerable)]


def test_eval_auto_reports_each_language(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(
        "answerable:\n  - {q: what is jimex, id: what-is-jimex}\n"
        "  - {q: जिमेक्स क्या है, id: what-is-jimex}\n"
        "offtopic:\n  - {q: रेपो रेट क्या होता है, near: false}\n",
        encoding="utf-8",
    )
    result = faqbot("eval", "--no-failures", str(mixed))
    assert result.returncode == 0
    english, hindi = result.stdout.split("\n\nlanguage: hi\n")
    assert english.startswith("language: en\nanswerable questions:      1\n")
    assert "off-topic questions:       1" in hindi


def test_ask_chat_and_eval_read_the_overlay_the_bot_reads(tmp_path: Path) -> None:
    (tmp_path / "overlay.yaml").write_text(
        "phrasings:\n  what-is-malabar:\n    - sea drill of quad navies\n", encoding="utf-8"
    )
    env = {"FAQBOT_DATABASE": str(tmp_path / "faqbot.sqlite3")}

    def asked(*options: str) -> dict[str, object]:
        result = faqbot("ask", "--json", *options, "sea drill of quad navies", env=env)
        assert result.returncode == 0, result.stderr
        answer: dict[str, object] = json.loads(result.stdout)
        return answer

    # Next to the database, as the bot reads it: the accepted phrasing answers outright.
    assert (asked()["status"], asked()["id"]) == ("answer", "what-is-malabar")
    assert asked("--no-overlay")["status"] != "answer"
    # Another pack named with --knowledge is read alone; --overlay names the file for it.
    other = tmp_path / "pack.yaml"
    shutil.copy(load_pack().paths[0], other)
    assert asked("--knowledge", str(other))["status"] != "answer"
    overlay = ["--overlay", str(tmp_path / "overlay.yaml")]
    assert asked("--knowledge", str(other), *overlay)["status"] == "answer"
    chat = faqbot("chat", stdin="sea drill of quad navies\n", env=env)
    assert "Malabar is a naval exercise" in chat.stdout
    questions = tmp_path / "set.yaml"
    questions.write_text(
        "answerable:\n  - {q: sea drill of quad navies, id: what-is-malabar}\nofftopic: []\n",
        encoding="utf-8",
    )
    assert "1/1" in faqbot("eval", str(questions), env=env).stdout
    missing = faqbot("ask", "--overlay", str(tmp_path / "none.yaml"), "x", env=env)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_validate_checks_the_overlay_the_bot_reads(tmp_path: Path) -> None:
    """A reload refused for overlay.yaml says to run `faqbot validate`: that finds it too."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("phrasings:\n  no-such-entry:\n    - a b c\n", encoding="utf-8")
    env = {"FAQBOT_DATABASE": str(tmp_path / "faqbot.sqlite3")}
    found = faqbot("validate", env=env)
    assert found.returncode == 1 and found.stdout.startswith(f"{overlay}:3: no-such-entry: ")
    assert faqbot("validate", "--no-overlay", env=env).returncode == 0
    # A pack named on the command line is checked alone, as the other commands read it.
    assert faqbot("validate", str(load_pack().paths[0]), env=env).returncode == 0
    overlay.write_text("phrasings:\n  what-is-malabar:\n    - sea drill of quad navies\n")
    ok = faqbot("validate", env=env)
    assert ok.returncode == 0 and f", {overlay}: 29 entries" in ok.stderr
