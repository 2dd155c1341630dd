"""What `faqbot validate` can tell mechanically about a quiz item's fairness: wording that
points at a document students never see, options whose shape gives the answer away, and
distractors that are true after all (a maintainer's `true_elsewhere` list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from faqbot.knowledge.quiz_items import BLANK, mentions
from faqbot.knowledge.schema import QuizItem

# Students read answers and quiz items, never the pack's source document.
_SOURCE_WORDING = re.compile(
    r"\b(?:according to|as per|in|from|by) the source\b|\bthe source (?:says|calls|states|"
    r"notes|document|note|text)\b|\bsource (?:document|note)\b|स्रोत",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"(?<![\w/])[A-Z]{2,6}(?:/[A-Z]{1,4})?(?![\w/])")
# Words an acronym skips: "Reciprocal Provision of Supplies and Services" is RPSS.
_SKIPPED = frozenset({"of", "and", "the", "for", "in", "on", "to", "a", "an", "&", "between"})
_OPTION_WORD = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")
# The correct option this many times longer than every distractor stands out by length.
LENGTH_RATIO = 2.0


def source_wording(text: str) -> bool:
    """Whether text speaks of "the source" (document) that students never see."""
    return _SOURCE_WORDING.search(text) is not None


def wording_problems(item: QuizItem) -> list[str]:
    """Item text that refers to the source document."""
    for text in (item.question, item.explanation, item.correct, *item.distractors):
        if source_wording(text):
            return [
                "quiz item refers to the source document, which students never see: "
                "say what it states instead"
            ]
    return []


def spells(option: str, acronym: str) -> bool:
    """Whether the option's words, in a row, begin with the acronym's letters ("Japan–India
    Maritime Exercise" spells JIMEX), or the option contains the acronym itself."""
    if re.search(rf"(?<![A-Za-z]){re.escape(acronym)}(?![A-Za-z])", option):
        return True
    letters = acronym.casefold()
    tokens = [w.casefold() for w in _OPTION_WORD.findall(option)]
    tokens = [w for w in tokens if w not in _SKIPPED]

    def from_word(index: int, rest: str) -> bool:
        if not rest:
            return True
        if index >= len(tokens):
            return False
        word = tokens[index]
        return any(
            word.startswith(rest[:size]) and from_word(index + 1, rest[size:])
            for size in range(1, min(len(word), len(rest)) + 1)
        )

    return any(from_word(start, letters) for start in range(len(tokens)))


def acronyms(text: str) -> list[str]:
    """Acronyms of three or more capitals in text ("RPSS", "HA/DR" as HADR)."""
    found = (match.replace("/", "") for match in _ACRONYM.findall(text))
    return [acronym for acronym in found if len(acronym) >= 3]


def shape_problems(item: QuizItem) -> list[str]:
    """Options whose shape alone points at the correct one."""
    problems = []
    distractors = item.distractors
    for acronym in acronyms(item.question):
        if spells(item.correct, acronym) and not all(spells(d, acronym) for d in distractors):
            problems.append(
                f"the correct option '{item.correct[:40]}' spells {acronym}, which the "
                "question names, and not every distractor does: the item answers itself"
            )
    with_digits = [bool(_DIGIT.search(option)) for option in (item.correct, *distractors)]
    if distractors and with_digits.count(with_digits[0]) == 1:
        has = "the only option with" if with_digits[0] else "the only option without"
        problems.append(f"the correct option is {has} a number")
    if distractors and len(item.correct) > LENGTH_RATIO * max(len(d) for d in distractors):
        problems.append(
            f"the correct option is over {LENGTH_RATIO:g} times longer than every distractor"
        )
    if f"{BLANK} (" in item.question:
        problems.append("a gloss in brackets right after the blank may give the answer away")
    return problems


def true_elsewhere_problems(distractors: Iterable[str], facts: Sequence[str]) -> list[str]:
    """Distractors that state something the maintainer listed as true outside the pack."""
    problems = []
    for distractor in distractors:
        fact = next((fact for fact in facts if mentions(distractor, fact)), None)
        if fact is not None:
            problems.append(
                f"distractor '{distractor[:60]}' is true outside the pack ('{fact}' is in "
                "true_elsewhere): a student who knows it would be marked wrong"
            )
    return problems
