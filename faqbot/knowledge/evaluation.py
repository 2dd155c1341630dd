"""Measures a matcher against a labelled question set (`faqbot eval`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from faqbot.knowledge.languages import LanguageMatchers
from faqbot.knowledge.matcher import Match, Matcher
from faqbot.knowledge.yaml_nodes import YamlLoader


@dataclass(frozen=True)
class LabelledQuestion:
    """A question and the entry ids that answer it; no ids means it must not be answered."""

    text: str
    expected: tuple[str, ...] = ()

    @property
    def offtopic(self) -> bool:
        return not self.expected


@dataclass
class Report:
    """Accuracy figures and the cases that failed."""

    answerable: int = 0
    offtopic: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    offtopic_answered: int = 0
    offtopic_suggested: int = 0
    failures: list[str] = field(default_factory=list)

    @staticmethod
    def _share(part: int, whole: int) -> float:
        return 100 * part / whole if whole else 0.0

    @property
    def top1_accuracy(self) -> float:
        return self._share(self.top1, self.answerable)

    @property
    def top3_accuracy(self) -> float:
        return self._share(self.top3, self.answerable)

    @property
    def answered_accuracy(self) -> float:
        return self._share(self.answered_right, self.answerable)

    def format(self, show_failures: bool = True) -> str:
        """A plain-text report for the terminal."""
        lines = [
            f"answerable questions:      {self.answerable}",
            f"top-1 accuracy:            {self.top1_accuracy:.1f}% ({self.top1}/{self.answerable})",
            f"top-3 accuracy:            {self.top3_accuracy:.1f}% ({self.top3}/{self.answerable})",
            f"answered outright, right:  {self.answered_accuracy:.1f}% "
            f"({self.answered_right}/{self.answerable})",
            f"confident wrong answers:   {self.answered_wrong}",
            f"off-topic questions:       {self.offtopic}",
            f"off-topic answered:        {self.offtopic_answered}",
            f"off-topic suggested:       {self.offtopic_suggested}",
        ]
        if show_failures and self.failures:
            lines += ["", f"failing cases ({len(self.failures)}):", *self.failures]
        return "\n".join(lines)


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read `answerable:` ({q, id, accept?}) and `offtopic:` (strings) from a YAML file."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader) or {}
    questions = [
        LabelledQuestion(str(item["q"]), (item["id"], *item.get("accept", ())))
        for item in data.get("answerable", [])
    ]
    questions += [
        LabelledQuestion(str(item["q"] if isinstance(item, dict) else item))
        for item in data.get("offtopic", [])
    ]
    return questions


def question_set_language(path: Path) -> str | None:
    """The `language:` a question set declares (`hi` for the Hindi sets), if any."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader) or {}
    language = data.get("language") if isinstance(data, dict) else None
    return str(language) if language else None


def evaluate_by_language(
    matchers: LanguageMatchers, questions: list[LabelledQuestion], language: str | None = None
) -> dict[str, Report]:
    """One report per language: each question goes to `language`'s matcher, or (None) to the
    matcher of the language it is written in, as the bot does."""
    groups: dict[str, list[LabelledQuestion]] = {}
    for question in questions:
        chosen = language or matchers.language_of(question.text)
        groups.setdefault(chosen, []).append(question)
    return {
        chosen: evaluate(_InLanguage(matchers, chosen), group)
        for chosen, group in sorted(groups.items())
    }


@dataclass(frozen=True)
class _InLanguage:
    """LanguageMatchers held to one language, with the Matcher's `match(question)` shape."""

    matchers: LanguageMatchers
    language: str

    def match(self, question: str) -> Match:
        return self.matchers.match(question, self.language)


def evaluate(matcher: Matcher | _InLanguage, questions: list[LabelledQuestion]) -> Report:
    """Run every question through the matcher and count what went right and wrong."""
    report = Report()
    for question in questions:
        match = matcher.match(question.text)
        ranked = [s.entry.id for s in match.ranked]
        if question.offtopic:
            report.offtopic += 1
            if match.status == "answer":
                report.offtopic_answered += 1
                report.failures.append(_describe("off-topic answered", question, match))
            elif match.status == "suggest":
                report.offtopic_suggested += 1
            continue
        report.answerable += 1
        right_top1 = bool(ranked) and ranked[0] in question.expected
        report.top1 += right_top1
        report.top3 += any(entry_id in question.expected for entry_id in ranked[:3])
        if match.status == "answer":
            if match.entry and match.entry.id in question.expected:
                report.answered_right += 1
            else:
                report.answered_wrong += 1
                report.failures.append(_describe("CONFIDENT WRONG", question, match))
        if not right_top1:
            report.failures.append(_describe("wrong top-1", question, match))
        elif match.status != "answer":
            report.failures.append(_describe(f"right but {match.status}", question, match))
    return report


def _describe(label: str, question: LabelledQuestion, match: Match) -> str:
    ranked = ", ".join(f"{s.entry.id} {s.score:.0f}" for s in match.ranked[:3]) or "nothing"
    expected = "/".join(question.expected) or "off-topic"
    return f"- {label}: {question.text!r} expected {expected}; got {match.status} [{ranked}]"
