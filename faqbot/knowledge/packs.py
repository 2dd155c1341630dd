"""Checks a pack's YAML against the schema and builds the Pack; every problem is reported."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from faqbot.knowledge.citations import read_sources
from faqbot.knowledge.currency import read_as_of, read_not_covered
from faqbot.knowledge.devanagari import ascii_digits
from faqbot.knowledge.normaliser import Normaliser, words
from faqbot.knowledge.overlay import OverlayFile, merge_overlay, read_overlay
from faqbot.knowledge.quiz_items import QUIZ_DISTRACTORS, generation_problems, quiz_problems
from faqbot.knowledge.schema import (
    ANSWER_LIMIT,
    QUIZ_OPTION_LIMIT,
    SHORT_ANSWER_KINDS,
    Entry,
    EntryText,
    LanguageText,
    Pack,
    PackInfo,
    QuizItem,
    ShortAnswer,
    Topic,
)
from faqbot.knowledge.smalltalk import read_smalltalk
from faqbot.knowledge.trust_checks import trust_problems
from faqbot.knowledge.yaml_nodes import (
    Node,
    PackError,
    Problem,
    comma_split,
    iter_documents,
    shipped_pack_path,
)

TOP_KEYS = {"pack", "synonyms", "stopwords", "topics", "quiz_distractors", "entries", "smalltalk"}
# Trust: the documents answers cite, the date the pack runs to, topics it declines, and
# facts true outside the pack that no distractor may state.
TOP_KEYS |= {"sources", "as_of", "not_covered", "true_elsewhere"}
PACK_REQUIRED = ("title", "source_document")
PACK_KEYS = {*PACK_REQUIRED, "language", "languages", "description", "version"}
ENTRY_REQUIRED = ("id", "topic", "question", "alternates", "answer", "source", "related")
ENTRY_KEYS = {*ENTRY_REQUIRED, "keywords", "short_answer", "quiz", "cites", "background"}
# What a block keyed by a language code ("hi:") may hold, wherever it sits.
TOP_LANGUAGE_KEYS = {"synonyms", "stopwords", "quiz_distractors", "true_elsewhere"}
ENTRY_LANGUAGE_KEYS = {"question", "alternates", "answer", "keywords", "short_answer", "quiz"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
_NUMBER = re.compile(r"\d+")
QUIZ_KEYS = {"question", "correct", "distractors", "explanation"}
# Button data is "<prefix>:<id>" within Telegram's 64 bytes, and deep links allow 64 characters.
MAX_ID = 60
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Two phrasings of different entries scoring this alike (token_sort_ratio on their normalised
# content words) leave the matcher nothing to tell them apart by.
NEAR_DUPLICATE = 95


class _Checker:
    """Collects problems while reading documents into the pack's records."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, node: Node, subject: str, message: str) -> None:
        self.problems.append(Problem(node.location, subject, message))

    def text(self, node: Node | None, parent: Node, subject: str, name: str) -> str | None:
        """A required, non-empty string field."""
        if node is None:
            self.add(parent, subject, f"missing required field '{name}'")
            return None
        if not isinstance(node.value, str):
            self.add(node, subject, f"'{name}' must be text, not {_kind(node.value)}")
            return None
        if not node.value.strip():
            self.add(node, subject, f"'{name}' is empty")
            return None
        return node.value.strip()

    def texts(self, node: Node | None, subject: str, name: str) -> list[str]:
        """An optional list of non-empty strings."""
        if node is None:
            return []
        if not isinstance(node.value, list):
            hint = ""
            if isinstance(node.value, str):
                hint = f" ({node.value!r}); write each item on its own '- ' line"
            self.add(node, subject, f"'{name}' must be a list, not {_kind(node.value)}{hint}")
            return []
        out = []
        for item in node.items:
            if isinstance(item.value, str) and item.value.strip():
                out.append(item.value.strip())
            else:
                self.add(item, subject, f"each of '{name}' must be non-empty text")
        return out

    def keys(self, node: Node, allowed: set[str], subject: str) -> bool:
        """Whether node is a mapping; reports keys outside `allowed`."""
        if not isinstance(node.value, dict):
            self.add(node, subject, f"expected a mapping, not {_kind(node.value)}")
            return False
        for key, child in node.keys.items():
            if key not in allowed:
                self.add(child, subject, f"unknown key '{key}'")
        return True


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def check_pack(
    path: Path | None = None, overlay: Path | None = None
) -> tuple[Pack | None, list[Problem]]:
    """Read and validate a pack, with the phrasings of an overlay file (overlay.py) added to
    its entries; the Pack is returned only when there is no problem. Every problem is
    reported in one run: the semantic checks (near-duplicates, generated quiz items) run on
    the entries that could be read, beside the structural problems of the others."""
    path = path or shipped_pack_path()
    checker = _Checker()
    documents = list(iter_documents(path, checker.problems))
    extra = read_overlay(overlay, checker.problems) if overlay is not None else None
    pack = _check_documents(checker, documents, extra)
    if any(document.damaged for document in documents):
        checker.problems = _without_damaged(checker.problems, documents)
    if checker.problems:
        return None, checker.problems
    return pack, []


def _without_damaged(problems: list[Problem], documents: list[Node]) -> list[Problem]:
    """The problems, less those of entries a syntax error's blanked line cut short: their
    missing fields are that syntax error, already reported at its line."""
    spans: list[tuple[str, int, int]] = []  # file, first line, last line
    subjects: set[str] = set()
    for document in documents:
        if not document.damaged:
            continue
        entries = document.keys.get("entries")
        nodes = entries.items if entries is not None and isinstance(entries.value, list) else []
        starts = [node.line for node in nodes] + [10**9]
        for node, first, end in zip(nodes, starts, starts[1:], strict=False):
            if any(first <= line < end for line in document.damaged):
                spans.append((document.file, first, end - 1))
                id_node = node.keys.get("id") if isinstance(node.value, dict) else None
                if id_node is not None and isinstance(id_node.value, str):
                    subjects.add(id_node.value)
    return [
        problem
        for problem in problems
        if problem.subject == "yaml"
        or not (
            problem.subject in subjects
            or any(
                file == problem.location.file and first <= problem.location.line <= last
                for file, first, last in spans
            )
        )
    ]


def _check_documents(
    checker: _Checker, documents: list[Node], extra: OverlayFile | None
) -> Pack | None:
    """Every check of the pack's documents; the Pack, if it could be built at all."""
    info: PackInfo | None = None
    info_node: Node | None = None
    for root in documents:
        node = root.keys.get("pack") if isinstance(root.value, dict) else None
        if node is None:
            continue
        if info_node is not None:
            checker.add(node, "pack", f"metadata given twice (first at {info_node.location})")
        else:
            info_node = node
            info = _read_info(checker, info_node)
    languages = info.all_languages if info else ("en",)
    others = languages[1:]
    synonyms: dict[str, tuple[str, ...]] = {}
    stopwords: list[str] = []
    distractors: dict[str, tuple[str, ...]] = {}
    language_nodes: dict[str, list[Node]] = {language: [] for language in others}
    topics: list[tuple[Topic, Node]] = []
    entry_nodes: list[Node] = []
    smalltalk = []
    trust_nodes: dict[str, Node] = {}
    for root in documents:
        if not checker.keys(root, TOP_KEYS | set(others), "pack"):
            continue
        synonyms.update(_read_lists(checker, root.keys.get("synonyms"), "synonyms"))
        stopwords += checker.texts(root.keys.get("stopwords"), "stopwords", "stopwords")
        distractors.update(
            _read_lists(checker, root.keys.get("quiz_distractors"), "quiz_distractors")
        )
        for language in others:
            block = root.keys.get(language)
            if block is not None and checker.keys(block, TOP_LANGUAGE_KEYS, language):
                language_nodes[language].append(block)
        topics += _read_topics(checker, root.keys.get("topics"), others)
        for key in ("sources", "as_of", "not_covered", "true_elsewhere"):
            if key in root.keys:
                trust_nodes.setdefault(key, root.keys[key])
        kinds, problems = read_smalltalk(root.keys.get("smalltalk"), others)
        smalltalk += kinds
        checker.problems += problems
        entries_node = root.keys.get("entries")
        if entries_node is not None:
            if isinstance(entries_node.value, list):
                entry_nodes += entries_node.items
            else:
                checker.add(entries_node, "entries", "'entries' must be a list")
    if documents and info_node is None:
        checker.add(documents[0], "pack", "missing required 'pack' metadata")
    if documents and not entry_nodes:
        checker.add(documents[0], "entries", "the pack has no entries")
    if extra is not None:
        merge_overlay(extra, entry_nodes, checker.problems)
    translations = {
        language: _read_language_text(checker, info_node, language_nodes[language], language)
        for language in others
    }
    for language in others:
        _check_synonym_collisions(checker, synonyms, language_nodes[language], language)

    topic_ids: dict[str, Node] = {}
    for topic, node in topics:
        if topic.id in topic_ids:
            checker.add(
                node, topic.id, f"duplicate topic id (first at {topic_ids[topic.id].location})"
            )
        topic_ids.setdefault(topic.id, node)

    entries: list[Entry] = []
    seen: dict[str, Node] = {}
    for node in entry_nodes:
        entry = _read_entry(checker, node, topic_ids, others)
        id_node = node.keys.get("id") if isinstance(node.value, dict) else None
        entry_id = id_node.value if id_node and isinstance(id_node.value, str) else None
        if id_node is None or entry_id is None:
            continue
        if entry_id in seen:
            checker.add(id_node, entry_id, f"duplicate id (first at {seen[entry_id].location})")
            continue
        seen[entry_id] = node
        if entry is not None:
            entries.append(entry)
    for entry_id, node in seen.items():
        related = node.keys.get("related")
        for item in related.items if related and isinstance(related.value, list) else []:
            if item.value == entry_id:
                checker.add(item, entry_id, "an entry cannot be related to itself")
            elif isinstance(item.value, str) and item.value not in seen:
                checker.add(item, entry_id, f"related id '{item.value}' does not exist")
    main_language = languages[0]
    sources, problems = read_sources(trust_nodes.get("sources"), main_language, others)
    checker.problems += problems
    as_of, problems = read_as_of(trust_nodes.get("as_of"), main_language, others, set(seen))
    checker.problems += problems
    not_covered, problems = read_not_covered(trust_nodes.get("not_covered"), others, set(seen))
    checker.problems += problems
    if info is None:
        return None
    pack = Pack(
        info=info,
        topics=tuple(topic for topic, _ in topics),
        entries=tuple(entries),
        synonyms=synonyms,
        stopwords=tuple(stopwords),
        quiz_distractors=distractors,
        paths=tuple(sorted({node.file for node in documents})),
        translations={k: v for k, v in translations.items() if v is not None},
        smalltalk=tuple(smalltalk),
        sources=tuple(sources),
        as_of=as_of,
        not_covered=tuple(not_covered),
    )
    true_elsewhere = checker.texts(trust_nodes.get("true_elsewhere"), "pack", "true_elsewhere")
    for language in others:
        for block in language_nodes[language]:
            true_elsewhere += checker.texts(
                block.keys.get("true_elsewhere"), language, "true_elsewhere"
            )
    checker.problems += trust_problems(pack, seen, true_elsewhere)
    read = {entry.id for entry in entries}
    for language in languages:
        view = pack.in_language(language)
        normaliser = Normaliser(view.synonyms, view.stopwords)
        main = language == languages[0]
        blocks = {
            entry_id: node if main else node.keys[language]
            for entry_id, node in seen.items()
            if isinstance(node.value, dict) and (main or language in node.keys)
        }
        _check_near_duplicates(checker, blocks, normaliser)
        # Generated quiz items need the whole pack (distractors come from other entries).
        for entry, message in generation_problems(view):
            if entry.id in read:
                short_answer = blocks[entry.id].keys.get("short_answer") or blocks[entry.id]
                checker.add(short_answer, entry.id, message)
    return pack


def load_pack(path: Path | None = None, overlay: Path | None = None) -> Pack:
    """A valid pack, or PackError listing every problem."""
    pack, problems = check_pack(path, overlay)
    if pack is None:
        raise PackError(problems)
    return pack


def _read_info(checker: _Checker, node: Node) -> PackInfo | None:
    if not isinstance(node.value, dict):
        checker.keys(node, PACK_KEYS, "pack")
        return None
    languages = _read_languages(checker, node)
    if not checker.keys(node, PACK_KEYS | set(languages[1:]), "pack"):
        return None
    title, source_document = (
        checker.text(node.keys.get(name), node, "pack", name) for name in PACK_REQUIRED
    )
    if title is None or source_document is None or not languages:
        return None
    return PackInfo(title, languages[0], source_document, languages if len(languages) > 1 else ())


def _read_languages(checker: _Checker, node: Node) -> tuple[str, ...]:
    """`languages: [en, hi]` (main language first), or the older single `language: en`."""
    language_node, languages_node = node.keys.get("language"), node.keys.get("languages")
    if languages_node is None:
        language = checker.text(language_node, node, "pack", "language")
        if language is not None and not LANGUAGE_CODE.match(language):
            checker.add(node, "pack", f"language '{language}' is not a two-letter code")
            return ()
        return (language,) if language else ()
    languages = tuple(checker.texts(languages_node, "pack", "languages"))
    bad = [code for code in languages if not LANGUAGE_CODE.match(code)]
    if bad or not languages or len(set(languages)) != len(languages):
        checker.add(
            languages_node,
            "pack",
            "'languages' must list different two-letter codes, the main language first",
        )
        return ()
    if language_node is not None and language_node.value != languages[0]:
        checker.add(
            language_node, "pack", f"language '{language_node.value}' is not the first of languages"
        )
    return languages


def _read_language_text(
    checker: _Checker, info_node: Node | None, blocks: list[Node], language: str
) -> LanguageText | None:
    """The pack-wide words of one more language: the title in `pack:`, the rest at the top."""
    block = info_node.keys.get(language) if info_node is not None else None
    if block is None:
        if info_node is not None:
            checker.add(info_node, "pack", f"missing '{language}' translation of the title")
        return None
    if not checker.keys(block, {"title"}, "pack"):
        return None
    title = checker.text(block.keys.get("title"), block, "pack", f"{language} title")
    synonyms: dict[str, tuple[str, ...]] = {}
    stopwords: list[str] = []
    distractors: dict[str, tuple[str, ...]] = {}
    for node in blocks:
        synonyms.update(_read_lists(checker, node.keys.get("synonyms"), "synonyms"))
        stopwords += checker.texts(node.keys.get("stopwords"), "stopwords", "stopwords")
        distractors.update(
            _read_lists(checker, node.keys.get("quiz_distractors"), "quiz_distractors")
        )
    if title is None:
        return None
    return LanguageText(title, synonyms, tuple(stopwords), distractors)


def _check_synonym_collisions(
    checker: _Checker, main: dict[str, tuple[str, ...]], blocks: list[Node], language: str
) -> None:
    """Report a variant of one language that two canonical terms claim: the matcher would
    fold it into whichever it met first."""
    owner: dict[tuple[str, ...], tuple[str, str]] = {}
    for term, variants in main.items():
        for phrase in (term, *variants):
            owner.setdefault(tuple(words(phrase)), (term, "the main synonyms"))
    for block in blocks:
        node = block.keys.get("synonyms")
        if node is None or not isinstance(node.value, dict):
            continue
        for term, child in node.keys.items():
            phrases = [(term, child)]
            if isinstance(child.value, list):
                phrases += [(item.value, item) for item in child.items]
            for phrase, item in phrases:
                if not isinstance(phrase, str):
                    continue
                key = tuple(words(phrase))
                first_term, where = owner.setdefault(key, (term, str(item.location)))
                if key and words(first_term) != words(term):
                    checker.add(
                        item,
                        "synonyms",
                        f"{language} synonym '{phrase}' of '{term}' is also a variant of "
                        f"'{first_term}' ({where}); the matcher cannot fold it into both",
                    )


def _read_lists(checker: _Checker, node: Node | None, name: str) -> dict[str, tuple[str, ...]]:
    if node is None:
        return {}
    if not isinstance(node.value, dict):
        checker.add(node, name, f"'{name}' must be a mapping of term to a list of variants")
        return {}
    return {
        str(key): tuple(checker.texts(child, name, str(key))) for key, child in node.keys.items()
    }


def _read_topics(
    checker: _Checker, node: Node | None, others: tuple[str, ...]
) -> list[tuple[Topic, Node]]:
    if node is None:
        return []
    if not isinstance(node.value, list):
        checker.add(node, "topics", "'topics' must be a list")
        return []
    topics = []
    for item in node.items:
        if not checker.keys(item, {"id", "title", *others}, "topics"):
            continue
        topic_id = checker.text(item.keys.get("id"), item, "topics", "id")
        title = checker.text(item.keys.get("title"), item, topic_id or "topics", "title")
        titles = {}
        for language in others:
            block = item.keys.get(language)
            if block is None:
                checker.add(item, topic_id or "topics", f"missing '{language}' translation")
            elif checker.keys(block, {"title"}, topic_id or "topics"):
                text = checker.text(
                    block.keys.get("title"), block, topic_id or "topics", f"{language} title"
                )
                titles[language] = text or ""
        if topic_id and not _check_id(checker, item.keys["id"], topic_id):
            continue
        if topic_id and title:
            topics.append((Topic(topic_id, title, titles), item))
    return topics


def _check_id(checker: _Checker, node: Node, value: str) -> bool:
    """Whether an id can go into button data and deep links; reports why not."""
    if not ID_PATTERN.match(value):
        checker.add(node, value, "id must be lower-case letters and digits joined by '-'")
        return False
    if len(value) > MAX_ID:
        checker.add(
            node,
            value,
            f"id is {len(value)} characters; the limit is {MAX_ID}, since ids go into "
            "Telegram button data and deep links",
        )
        return False
    return True


def _read_entry(
    checker: _Checker, node: Node, topics: dict[str, Node], others: tuple[str, ...]
) -> Entry | None:
    raw_id = node.keys.get("id")
    subject = raw_id.value if raw_id and isinstance(raw_id.value, str) else "(no id)"
    if not checker.keys(node, ENTRY_KEYS | set(others), subject):
        return None
    before = len(checker.problems)
    entry_id = checker.text(raw_id, node, subject, "id")
    if entry_id and raw_id is not None:
        _check_id(checker, raw_id, entry_id)
    topic = checker.text(node.keys.get("topic"), node, subject, "topic")
    if topic and topic not in topics:
        checker.add(node.keys["topic"], subject, f"unknown topic '{topic}'")
    question = checker.text(node.keys.get("question"), node, subject, "question")
    alternates_node = node.keys.get("alternates")
    if alternates_node is None:
        checker.add(node, subject, "missing required field 'alternates'")
    alternates = checker.texts(alternates_node, subject, "alternates")
    if alternates_node is not None and not alternates and isinstance(alternates_node.value, list):
        checker.add(alternates_node, subject, "'alternates' needs at least one phrasing")
    answer = _read_answer(checker, node, subject)
    source = checker.text(node.keys.get("source"), node, subject, "source")
    related_node = node.keys.get("related")
    if related_node is None:
        checker.add(node, subject, "missing required field 'related' (use [] for none)")
    related = checker.texts(related_node, subject, "related")
    keywords = checker.texts(node.keys.get("keywords"), subject, "keywords")
    short_answer = _read_short_answer(checker, node.keys.get("short_answer"), subject)
    quiz = _read_quiz(checker, node.keys.get("quiz"), subject)
    cites = checker.texts(node.keys.get("cites"), subject, "cites")
    background = checker.texts(node.keys.get("background"), subject, "background")
    translations = {}
    for language in others:
        text = _read_entry_text(checker, node, language, subject, short_answer, quiz, answer)
        if text is not None:
            translations[language] = text
    if len(checker.problems) > before:
        return None
    # A required field that is None has a problem recorded above; this tells the type checker.
    if entry_id is None or topic is None or question is None or answer is None or source is None:
        return None
    return Entry(
        id=entry_id,
        topic=topic,
        question=question,
        alternates=tuple(alternates),
        answer=answer,
        source=source,
        related=tuple(related),
        keywords=tuple(keywords),
        short_answer=short_answer,
        quiz=tuple(quiz),
        location=node.location,
        translations=translations,
        cites=tuple(cites),
        background=tuple(background),
    )


def _read_entry_text(
    checker: _Checker,
    node: Node,
    language: str,
    subject: str,
    short_answer: ShortAnswer | None,
    quiz: list[QuizItem],
    answer: str | None,
) -> EntryText | None:
    """An entry's block in one more language, checked against the main language's text."""
    block = node.keys.get(language)
    if block is None:
        checker.add(node, subject, f"missing '{language}' translation")
        return None
    if not checker.keys(block, ENTRY_LANGUAGE_KEYS, subject):
        return None
    before = len(checker.problems)
    question = checker.text(block.keys.get("question"), block, subject, f"{language} question")
    alternates_node = block.keys.get("alternates")
    alternates = checker.texts(alternates_node, subject, f"{language} alternates")
    if not alternates:
        checker.add(alternates_node or block, subject, f"'{language}' needs at least one alternate")
    translated = _read_answer(checker, block, subject)
    keywords = checker.texts(block.keys.get("keywords"), subject, f"{language} keywords")
    short_node = block.keys.get("short_answer")
    short_text = (
        checker.text(short_node, block, subject, f"{language} short_answer")
        if (short_node is not None)
        else None
    )
    if short_answer is not None and short_node is None:
        checker.add(block, subject, f"missing '{language}' translation of short_answer")
    if short_answer is None and short_node is not None:
        checker.add(short_node, subject, "short_answer has no main-language short_answer")
    items = _read_quiz(checker, block.keys.get("quiz"), subject)
    quiz_node = block.keys.get("quiz") or block
    if len(items) != len(quiz) and len(checker.problems) == before:
        checker.add(
            quiz_node,
            subject,
            f"{len(quiz)} quiz item(s) in the main language but {len(items)} in '{language}'",
        )
    pairs = [("answer", answer, translated, block.keys.get("answer") or block)]
    if short_answer is not None and short_node is not None:
        pairs.append(("short_answer", short_answer.text, short_text, short_node))
    if len(items) == len(quiz):
        quiz_items_nodes = block.keys["quiz"].items if "quiz" in block.keys else []
        for number, (main, other) in enumerate(zip(quiz, items, strict=True), 1):
            where = quiz_items_nodes[number - 1] if number <= len(quiz_items_nodes) else quiz_node
            pairs.append((f"quiz item {number} answer", main.correct, other.correct, where))
    for field_name, main_text, other_text, where in pairs:
        if main_text is None or other_text is None:
            continue
        main_numbers = sorted(set(_NUMBER.findall(main_text)), key=int)
        other_numbers = sorted(set(_NUMBER.findall(ascii_digits(other_text))), key=int)
        if main_numbers != other_numbers:
            checker.add(
                where,
                subject,
                f"numbers differ between the main language's {field_name} "
                f"({', '.join(main_numbers) or 'none'}) and '{language}' "
                f"({', '.join(other_numbers) or 'none'})",
            )
    if len(checker.problems) > before or question is None or translated is None:
        return None
    return EntryText(
        question=question,
        alternates=tuple(alternates),
        answer=translated,
        keywords=tuple(keywords),
        short_answer=short_text,
        quiz=tuple(items),
    )


def _read_answer(checker: _Checker, node: Node, subject: str) -> str | None:
    answer_node = node.keys.get("answer")
    if answer_node is not None and answer_node.value is None:
        checker.add(answer_node, subject, "answer is empty")
        return None
    answer = checker.text(answer_node, node, subject, "answer")
    if answer is not None and answer_node is not None and len(answer) > ANSWER_LIMIT:
        checker.add(
            answer_node,
            subject,
            f"answer is {len(answer)} characters; Telegram's limit is {ANSWER_LIMIT}",
        )
        return None
    return answer


def _read_short_answer(checker: _Checker, node: Node | None, subject: str) -> ShortAnswer | None:
    if node is None or not checker.keys(node, {"kind", "text"}, subject):
        return None
    kind = checker.text(node.keys.get("kind"), node, subject, "kind")
    text = checker.text(node.keys.get("text"), node, subject, "text")
    if kind and kind not in SHORT_ANSWER_KINDS:
        checker.add(
            node.keys["kind"],
            subject,
            f"unknown short_answer kind '{kind}'; "
            f"use one of {', '.join(sorted(SHORT_ANSWER_KINDS))}",
        )
        return None
    if text and len(text) > QUIZ_OPTION_LIMIT:
        checker.add(
            node.keys["text"],
            subject,
            f"short_answer text is {len(text)} characters; the limit is {QUIZ_OPTION_LIMIT}",
        )
        return None
    return ShortAnswer(kind, text) if kind and text else None


def _read_quiz(checker: _Checker, node: Node | None, subject: str) -> list[QuizItem]:
    if node is None:
        return []
    items = node.items if isinstance(node.value, list) else [node]
    out = []
    for item in items:
        if not checker.keys(item, QUIZ_KEYS, subject):
            continue
        question = checker.text(item.keys.get("question"), item, subject, "quiz question")
        correct = checker.text(item.keys.get("correct"), item, subject, "quiz correct")
        explanation = checker.text(item.keys.get("explanation"), item, subject, "quiz explanation")
        distractors = checker.texts(item.keys.get("distractors"), subject, "distractors")
        if item.keys.get("distractors") is None:
            checker.add(item, subject, "missing required field 'distractors'")
        quiz = QuizItem(
            subject, question or "", correct or "", tuple(distractors), explanation or ""
        )
        problems = quiz_problems(quiz)
        for problem in problems:
            if "distractors" in problem and len(distractors) > QUIZ_DISTRACTORS:
                problem += comma_split(item.keys.get("distractors"))
            checker.add(item, subject, problem)
        if question and correct and explanation and not problems:
            out.append(quiz)
    return out


def _phrasing_nodes(block: Node) -> list[Node]:
    """The question and alternates written in one entry (or language) block, as far as they
    are text: near-duplicates are checked even in an entry with other problems."""
    question, alternates = block.keys.get("question"), block.keys.get("alternates")
    lines = [question] if question is not None else []
    if alternates is not None and isinstance(alternates.value, list):
        lines += alternates.items
    return [line for line in lines if isinstance(line.value, str) and line.value.strip()]


def _check_near_duplicates(
    checker: _Checker, blocks: dict[str, Node], normaliser: Normaliser
) -> None:
    """Report phrasings of different entries that the matcher could not tell apart."""
    owners: list[str] = []
    texts: list[str] = []
    originals: list[tuple[str, Node]] = []
    lists: dict[int, Node] = {}  # id of a phrasing's node -> the list it was written in
    for entry_id, block in blocks.items():
        if not isinstance(block.value, dict):
            continue
        if (alternates := block.keys.get("alternates")) is not None:
            lists.update((id(item), alternates) for item in alternates.items)
        for line in _phrasing_nodes(block):
            phrasing = line.value.strip()
            owners.append(entry_id)
            texts.append(" ".join(sorted(set(normaliser.content_tokens(phrasing)))))
            originals.append((phrasing, line))
    if not texts:
        return
    scores = process.cdist(
        texts,
        texts,
        scorer=fuzz.token_sort_ratio,
        processor=None,
        score_cutoff=NEAR_DUPLICATE,
        dtype=np.uint8,
        workers=-1,
    )
    owner = np.asarray(owners)
    rows, cols = np.nonzero(scores)
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if row >= col or owner[row] == owner[col] or not texts[row]:
            continue
        phrasing, line = originals[col]
        other, other_line = originals[row]
        checker.add(
            line,
            owners[col],
            f"phrasing '{phrasing}' is too alike to '{other}' of entry "
            f"{owners[row]} ({other_line.location}); "
            "the matcher cannot tell them apart" + comma_split(lists.get(id(line))),
        )
