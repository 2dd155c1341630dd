"""Small talk: greetings, thanks, "who are you", "ok", "bye", in English and Hinglish.

A message is small talk when it is made only of a pack's small-talk phrases and friendly filler
("hi bhai", "thanks a lot sir"); anything more ("hi, what is jimex") goes to the matcher.
"""

from __future__ import annotations

from collections.abc import Sequence

from faqbot.knowledge import devanagari
from faqbot.knowledge.normaliser import WORD, clean
from faqbot.knowledge.schema import ANSWER_LIMIT, SmallTalk
from faqbot.knowledge.yaml_nodes import Node, Problem

# Words that may surround a small-talk phrase without making it a question (Devanagari ones
# in folded spelling, as messages are read).
FILLER = frozenset(
    devanagari.fold(word)
    for word in """
    sir madam mam maam bro bhai bhaiya didi yaar ji dear friend buddy bot there everyone all
    so much very a lot lots again too ya haan han hmm oh ah and the you u
    जी सर मैडम भाई यार दोस्त बहुत बहुत-बहुत आपका आपको फिर से हाँ हां और
    """.split()
)
SMALLTALK_KEYS = {"id", "patterns", "reply"}


def _words(text: str) -> tuple[str, ...]:
    text = clean(text)
    if devanagari.has_devanagari(text):
        text = devanagari.fold(text)
    return tuple(WORD.findall(text))


class SmallTalkRecogniser:
    """Finds the small-talk kind a message is, if it is nothing else."""

    def __init__(self, kinds: Sequence[SmallTalk]) -> None:
        self.kinds = tuple(kinds)
        self._phrases: dict[tuple[str, ...], SmallTalk] = {}
        for kind in self.kinds:
            for pattern in kind.patterns:
                self._phrases.setdefault(_words(pattern), kind)
        self._phrases.pop((), None)
        self._longest = max((len(p) for p in self._phrases), default=0)

    def recognise(self, message: str) -> SmallTalk | None:
        """The small-talk kind when the message is only phrases and filler, else None."""
        tokens = _words(message)
        if not tokens or len(tokens) > 12:
            return None
        found: SmallTalk | None = None
        i = 0
        while i < len(tokens):
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                kind = self._phrases.get(tokens[i : i + size])
                if kind is not None:
                    found = kind  # the last phrase says most: "ok thanks" is thanks
                    i += size
                    break
            else:
                if tokens[i] not in FILLER:
                    return None
                i += 1
        return found


def read_smalltalk(
    node: Node | None, others: tuple[str, ...] = ()
) -> tuple[list[SmallTalk], list[Problem]]:
    """The pack's `smalltalk:` list: each item has an id, patterns and a reply, and for each
    of the pack's other languages a block (`hi: {patterns, reply}`) with the same."""
    if node is None:
        return [], []
    problems: list[Problem] = []

    def add(at: Node, subject: str, message: str) -> None:
        problems.append(Problem(at.location, subject, message))

    if not isinstance(node.value, list):
        add(node, "smalltalk", "'smalltalk' must be a list")
        return [], problems
    kinds: list[SmallTalk] = []
    seen: dict[str, Node] = {}
    owner: dict[tuple[str, ...], str] = {}
    for item in node.items:
        if not isinstance(item.value, dict):
            add(item, "smalltalk", "each small-talk item must be a mapping")
            continue
        subject = str(item.value.get("id") or "smalltalk")
        for key, child in item.keys.items():
            if key not in SMALLTALK_KEYS and key not in others:
                add(child, subject, f"unknown key '{key}'")
        translations: dict[str, tuple[tuple[str, ...], str]] = {}
        for language in others:
            block = item.keys.get(language)
            if block is None:
                add(item, subject, f"missing '{language}' translation")
                continue
            found, block_problems = read_smalltalk(
                Node([block.value], block.line, block.file, items=[_with_id(block, subject)])
            )
            problems += block_problems
            if found:
                translations[language] = (found[0].patterns, found[0].reply)
        ident, patterns, reply = (item.keys.get(k) for k in ("id", "patterns", "reply"))
        if ident is None or not isinstance(ident.value, str) or not ident.value.strip():
            add(item, subject, "missing required field 'id'")
            continue
        if ident.value in seen:
            add(ident, subject, f"duplicate small-talk id (first at {seen[ident.value].location})")
            continue
        seen[ident.value] = ident
        texts: list[str] = []
        if patterns is None or not isinstance(patterns.value, list) or not patterns.items:
            add(patterns or item, subject, "'patterns' must be a non-empty list of phrases")
        else:
            for pattern in patterns.items:
                if not isinstance(pattern.value, str) or not _words(pattern.value):
                    add(pattern, subject, "each pattern must be text with a word in it")
                    continue
                phrase = _words(pattern.value)
                if phrase in owner and owner[phrase] != ident.value:
                    add(pattern, subject, f"pattern {pattern.value!r} is also in '{owner[phrase]}'")
                owner.setdefault(phrase, ident.value)
                texts.append(pattern.value.strip())
        if reply is None or not isinstance(reply.value, str) or not reply.value.strip():
            add(reply or item, subject, "missing required field 'reply'")
            continue
        if len(reply.value) > ANSWER_LIMIT:
            add(reply, subject, f"reply is longer than {ANSWER_LIMIT} characters")
            continue
        if texts:
            kinds.append(SmallTalk(ident.value, tuple(texts), reply.value.strip(), translations))
    return kinds, problems


def _with_id(block: Node, ident: str) -> Node:
    """A language block read as a small-talk item of its own, under its item's id."""
    id_node = Node(ident, block.line, block.file)
    if not isinstance(block.value, dict):
        return block
    keys = {"id": id_node, **block.keys}
    return Node({k: v.plain() for k, v in keys.items()}, block.line, block.file, keys=keys)
