"""The checks `faqbot validate` makes so students can trust and cite what they read:
citations, wording that points at the unseen source document, quiz items that give
themselves away, and declined topics or dates that would turn away the pack's own phrasings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from faqbot.knowledge.citations import citation_problems
from faqbot.knowledge.currency import Currency
from faqbot.knowledge.quiz_checks import (
    shape_problems,
    source_wording,
    true_elsewhere_problems,
    wording_problems,
)
from faqbot.knowledge.quiz_items import generate_item
from faqbot.knowledge.schema import Pack
from faqbot.knowledge.yaml_nodes import Node, Problem


def trust_problems(
    pack: Pack, nodes: Mapping[str, Node], true_elsewhere: Sequence[str]
) -> list[Problem]:
    """Every such problem in the pack, each at its entry's (or language block's) line."""
    problems: list[Problem] = []

    def add(node: Node, subject: str, message: str) -> None:
        problems.append(Problem(node.location, subject, message))

    for entry in pack.entries:
        problems += citation_problems(entry, nodes[entry.id], pack)
    for language in pack.languages:
        view = pack.in_language(language)
        currency = Currency.from_pack(view)
        for entry in view.entries:
            node = nodes[entry.id]
            if language != pack.info.language:
                node = node.keys.get(language, node)
            answer = node.keys.get("answer", node)
            if source_wording(entry.answer):
                add(
                    answer,
                    entry.id,
                    "answer refers to the source document, which students never see",
                )
            quiz_nodes = node.keys["quiz"].items if "quiz" in node.keys else []
            for number, item in enumerate(entry.quiz):
                where = quiz_nodes[number] if number < len(quiz_nodes) else node
                for message in wording_problems(item) + shape_problems(item):
                    add(where, entry.id, message)
                for message in true_elsewhere_problems(item.distractors, true_elsewhere):
                    add(where, entry.id, message)
            generated = generate_item(entry, view)
            if generated is not None:
                where = node.keys.get("short_answer", node)
                messages = wording_problems(generated) + shape_problems(generated)
                messages += true_elsewhere_problems(generated.distractors, true_elsewhere)
                for message in messages:
                    add(where, entry.id, f"generated quiz item: {message}")
            for phrasing in entry.phrasings:
                topic = currency.not_covered(phrasing)
                if topic is not None:
                    add(
                        node,
                        entry.id,
                        f"phrasing '{phrasing}' would be declined as not_covered "
                        f"'{topic.id}': narrow that topic's patterns",
                    )
                elif currency.after_as_of(phrasing):
                    add(
                        node,
                        entry.id,
                        f"phrasing '{phrasing}' would be declined as asking about a time "
                        "after as_of",
                    )
    return problems
