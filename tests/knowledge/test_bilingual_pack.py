"""Packs in two languages: views per language, and what `faqbot validate` says about them."""

from __future__ import annotations

from pathlib import Path

from faqbot.knowledge import check_pack, load_pack

PACK = """\
pack:
  title: Test pack
  languages: [en, hi]
  hi:
    title: परीक्षण पैक
  source_document: notes.txt
synonyms:
  jimex: [japan india maritime exercise]
quiz_distractors:
  date: [March 2015, June 2017, December 2016]
hi:
  synonyms:
    jimex: [जिमेक्स]
    exercise: [अभ्यास]
  stopwords: [जरा]
  quiz_distractors:
    date: [मार्च 2015, जून 2017, दिसंबर 2016]
topics:
  - id: basics
    title: Basics
    hi: {title: मूल बातें}
entries:
  - id: jimex-start
    topic: basics
    question: When did JIMEX start?
    alternates: [jimex kab shuru hua]
    answer: JIMEX began in January 2012.
    source: notes, line 1
    related: []
    short_answer: {kind: date, text: January 2012}
    hi:
      question: जिमेक्स कब शुरू हुआ?
      alternates: [जिमेक्स की शुरुआत]
      answer: जिमेक्स जनवरी २०१२ में शुरू हुआ।
      short_answer: जनवरी २०१२
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def problems(tmp_path: Path, body: str) -> list[str]:
    pack, found = check_pack(write(tmp_path, body))
    assert pack is None
    return [str(problem).replace(str(tmp_path) + "/", "") for problem in found]


def test_a_bilingual_pack_has_a_view_per_language(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, PACK))
    assert pack.languages == ("en", "hi")
    hindi = pack.in_language("hi")
    assert hindi.info.title == "परीक्षण पैक" and hindi.info.language == "hi"
    assert hindi.topics[0].title == "मूल बातें"
    entry = hindi.entries[0]
    assert entry.question == "जिमेक्स कब शुरू हुआ?"
    assert entry.short_answer is not None and entry.short_answer.kind == "date"
    assert entry.short_answer.text == "जनवरी २०१२"
    assert hindi.synonyms["jimex"] == ("japan india maritime exercise", "जिमेक्स")
    assert hindi.quiz_distractors["date"][0] == "मार्च 2015"
    assert pack.in_language("en") is pack and hindi.in_language("en") is pack
    assert pack.in_language("fr") is pack


def test_a_one_language_pack_is_its_own_view(tmp_path: Path) -> None:
    body = """\
pack: {title: Test pack, language: en, source_document: notes.txt}
topics: [{id: basics, title: Basics}]
entries:
  - {id: alpha, topic: basics, question: What is alpha?, alternates: [alpha kya hai],
     answer: Alpha is the first letter., source: notes, related: []}
"""
    pack = load_pack(write(tmp_path, body))
    assert pack.languages == ("en",) and pack.in_language("hi") is pack


def test_missing_translations_are_reported(tmp_path: Path) -> None:
    body = PACK.replace("    hi: {title: मूल बातें}\n", "").replace(
        "      answer: जिमेक्स जनवरी २०१२ में शुरू हुआ।\n", ""
    )
    assert problems(tmp_path, body) == [
        "pack.yaml:19: basics: missing 'hi' translation",
        "pack.yaml:31: jimex-start: missing required field 'answer'",
    ]


def test_an_entry_without_its_hindi_block(tmp_path: Path) -> None:
    body = PACK.split("    hi:\n      question")[0]
    assert problems(tmp_path, body) == ["pack.yaml:23: jimex-start: missing 'hi' translation"]


def test_numbers_must_agree_across_languages(tmp_path: Path) -> None:
    body = PACK.replace("जनवरी २०१२ में शुरू", "जनवरी २०१३ में शुरू")
    assert problems(tmp_path, body) == [
        "pack.yaml:34: jimex-start: numbers differ between the main language's answer (2012) "
        "and 'hi' (2013)"
    ]


def test_hindi_synonyms_that_collide(tmp_path: Path) -> None:
    body = PACK.replace("    exercise: [अभ्यास]", "    exercise: [अभ्यास, जिमेक्स]")
    assert problems(tmp_path, body) == [
        "pack.yaml:14: synonyms: hi synonym 'जिमेक्स' of 'exercise' is also a variant of "
        "'jimex' (pack.yaml:13); the matcher cannot fold it into both"
    ]


def test_a_language_block_the_pack_does_not_declare(tmp_path: Path) -> None:
    body = PACK.replace("  languages: [en, hi]", "  language: en").replace(
        "  hi:\n    title: परीक्षण पैक\n", ""
    )
    found = problems(tmp_path, body)
    assert "pack.yaml:10: pack: unknown key 'hi'" in found
    assert any("jimex-start: unknown key 'hi'" in line for line in found)


def test_languages_must_be_codes(tmp_path: Path) -> None:
    body = PACK.replace("[en, hi]", "[en, Hindi]")
    assert any(
        "'languages' must list different two-letter codes" in p for p in problems(tmp_path, body)
    )


def test_shipped_pack_speaks_hindi_everywhere() -> None:
    pack = load_pack()
    assert pack.languages == ("en", "hi")
    hindi = pack.in_language("hi")
    for entry, english in zip(hindi.entries, pack.entries, strict=True):
        assert entry.question != english.question and entry.answer != english.answer
        assert len(entry.quiz) == len(english.quiz)
    assert all(
        topic.title != english.title
        for topic, english in zip(hindi.topics, pack.topics, strict=True)
    )
