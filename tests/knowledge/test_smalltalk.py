"""Small talk is recognised only when a message is nothing else, and packs are checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqbot.knowledge import Pack, check_pack
from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.smalltalk import SmallTalkRecogniser


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", "greeting"),
        ("Hello sir!", "greeting"),
        ("namaste 🙏", "greeting"),
        ("good morning everyone", "greeting"),
        ("thanks a lot bhai", "thanks"),
        ("shukriya", "thanks"),
        ("dhanyavad ji", "thanks"),
        ("who are you?", "who-are-you"),
        ("tum kaun ho", "who-are-you"),
        ("ok", "ok"),
        ("theek hai", "ok"),
        ("bye", "bye"),
        ("alvida", "bye"),
        ("ok thanks", "thanks"),
    ],
)
def test_recognised(pack: Pack, message: str, kind: str) -> None:
    found = SmallTalkRecogniser(pack.smalltalk).recognise(message)
    assert found is not None and found.id == kind


@pytest.mark.parametrize(
    "message", ["hi what is jimex", "thanks, and when was the first 2+2?", "jimex", "", "sir"]
)
def test_questions_are_not_small_talk(pack: Pack, message: str) -> None:
    assert SmallTalkRecogniser(pack.smalltalk).recognise(message) is None


def test_outcome_is_smalltalk_not_answer(pack: Pack) -> None:
    outcome = Answerer.from_pack(pack).respond("hello")
    assert outcome.status == "smalltalk" and outcome.answered_id is None
    data = outcome.to_json()
    assert data["status"] == "smalltalk" and data["answer"] is None
    assert data["smalltalk"]["reply"]


def test_bad_smalltalk_is_reported(tmp_path: Path, pack: Pack) -> None:
    source = Path(pack.paths[0]).read_text(encoding="utf-8")
    broken = source.replace("  - id: thanks\n", "  - id: greeting\n", 1)
    broken = broken.replace("good bye, good night", "good bye, hello, good night", 1)
    path = tmp_path / "pack.yaml"
    path.write_text(broken, encoding="utf-8")
    loaded, problems = check_pack(path)
    assert loaded is None
    messages = [str(p) for p in problems]
    assert any("duplicate small-talk id" in m for m in messages), messages
    assert any("pattern 'hello' is also in 'greeting'" in m for m in messages), messages
    assert all(m.startswith(f"{path}:") for m in messages)
