"""Follow-up questions ("and the second one?", "why?", "iska significance kya hai?") resolved
against the entry answered just before, through its related entries and topic.

Where the previous entry id is kept (per chat, per user, for a few minutes) is the caller's
business; this module only reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from faqbot.knowledge.matcher import Matcher
from faqbot.knowledge.normaliser import clean
from faqbot.knowledge.schema import Entry

How = Literal["more", "context"]

_WORD = re.compile(r"[^\W_]+")
# "tell me more", "aur?", "details": the next related entry.
_MORE = re.compile(
    r"^(?:ok |okay |and |aur |or |so |to )?(?:tell me more|more|aur|aur batao|aur bataiye|"
    r"more details?|details?|elaborate|explain more|explain|go on|continue|kuch aur|"
    r"aur kuch|aage|aage batao|next|then|phir|what else|anything else|more please)$"
)
# Words that point back at what was just answered.
_REFERENCES = frozenset(
    """
    it its this that these those they them their there then iska iski iske uska uski uske inka
    unka inki unki iss isme usme ismein usmein ye yeh wo woh vo wahan yahan one ones same
    """.split()
)
_OPENERS = ("and", "aur", "what about", "how about", "or", "also", "but", "so", "toh", "to")
_WH = frozenset(
    "why when where who what how which kab kyun kyu kyon kahan kaha kaun kon kitne kitna".split()
)
_ORDINALS = re.compile(
    r"\b(first|inaugural|maiden|second|third|fourth|1st|2nd|3rd|pehla|pehli|doosra|dusra|"
    r"doosri|dusri|latest|recent|next|previous)\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"\b(why|kyun|kyu|kyon)\b")
MAX_WORDS = 8


@dataclass(frozen=True)
class FollowUp:
    """The entry a follow-up asks about, and the question it was read as."""

    entry: Entry
    previous: Entry
    how: How
    read_as: str


def _words(text: str) -> list[str]:
    return _WORD.findall(clean(text))


def is_followup(message: str) -> bool:
    """Whether a message only makes sense after a previous answer."""
    tokens = _words(message)
    if not tokens or len(tokens) > MAX_WORDS:
        return False
    text = " ".join(tokens)
    if _MORE.match(text):
        return True
    if any(text == o or text.startswith(o + " ") for o in _OPENERS):
        return True
    if set(tokens) <= _WH | {"and", "aur", "ok", "so", "then", "hai", "tha", "hua", "kya"}:
        return True
    return bool(_REFERENCES.intersection(tokens))


def has_reference(message: str) -> bool:
    """Whether a message points back at something ("it", "iska", "the second one")."""
    return bool(_REFERENCES.intersection(_words(message)))


def resolve_followup(
    matcher: Matcher, entries_by_id: dict[str, Entry], previous_id: str | None, message: str
) -> FollowUp | None:
    """The entry a follow-up message asks about, given the entry answered before; else None.

    Only the previous entry, its related entries and its topic are candidates, so a follow-up
    never jumps to an unrelated part of the pack. None when there is no (known) previous entry
    or the message is not a follow-up: the caller then answers it as a question of its own.
    """
    previous = entries_by_id.get(previous_id) if previous_id else None
    if previous is None or not is_followup(message):
        return None
    text = " ".join(_words(message))
    related = [entries_by_id[i] for i in previous.related if i in entries_by_id]
    if _MORE.match(text):
        if related:
            return FollowUp(related[0], previous, "more", related[0].question)
        return None
    candidates = [previous, *related]
    candidates += [
        e for e in entries_by_id.values() if e.topic == previous.topic and e not in candidates
    ]
    context = previous.question
    if _ORDINALS.search(message):
        context = _ORDINALS.sub(" ", context)
    asked = message
    if _WHY.search(text):
        # "why?" after an answer asks what it is for: its purpose or importance.
        asked = f"{message} purpose importance significance"
    read_as = f"{asked} {context}"
    ranked = [s.entry for s in matcher.match(read_as).ranked]
    allowed = {e.id for e in candidates}
    for entry in ranked:
        if entry.id in allowed:
            return FollowUp(entry, previous, "context", read_as)
    return FollowUp(previous, previous, "context", read_as)
