"""Measures a matcher against a labelled question set (`faqbot eval`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from faqbot.knowledge.answering import Answerer, Outcome
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.matcher import Matcher
from faqbot.knowledge.yaml_nodes import YamlLoader


@dataclass(frozen=True)
class LabelledQuestion:
    """A question and the entry ids that answer it; no ids means it must not be answered.

    `style` says how it was written (plain, mcq, hinglish…); `option` is the right option's
    label for an exam question; `near` marks an off-topic question that sounds on-topic.
    """

    text: str
    expected: tuple[str, ...] = ()
    style: str = "plain"
    option: str | None = None
    near: bool = False

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
    near: int = 0
    near_answered: int = 0
    smalltalk: int = 0  # questions taken for small talk (never counted as unanswered)
    also_offered: int = 0  # answers that also offered "Or did you mean:"
    also_rescued: int = 0  # … where the answer was wrong and the offered one right
    mcq: int = 0  # exam questions labelled with their right option
    mcq_right: int = 0
    mcq_wrong: int = 0  # a wrong option named: as bad as a confident wrong answer
    why: Counter[str] = field(default_factory=Counter)
    styles: dict[str, list[int]] = field(default_factory=dict)  # style -> [right, asked]
    near_answers: list[str] = field(default_factory=list)
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

    @property
    def wrong_rate(self) -> float:
        return self._share(self.answered_wrong, self.answerable)

    @property
    def mcq_accuracy(self) -> float:
        return self._share(self.mcq_right, self.mcq)

    @property
    def unrelated_answered(self) -> int:
        return self.offtopic_answered - self.near_answered

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
            f"off-topic answered:        {self.offtopic_answered} "
            f"({self.unrelated_answered} unrelated, {self.near_answered} of {self.near} near)",
            f"off-topic suggested:       {self.offtopic_suggested}",
            f"exam option named right:   {self.mcq_accuracy:.1f}% ({self.mcq_right}/{self.mcq}), "
            f"wrong option named {self.mcq_wrong}",
            f"'or did you mean' offered: {self.also_offered} (rescued a wrong answer "
            f"{self.also_rescued})",
            f"taken for small talk:      {self.smalltalk}",
        ]
        if self.styles:
            lines.append(
                "answered right by style:   "
                + ", ".join(f"{k} {r}/{n}" for k, (r, n) in sorted(self.styles.items()))
            )
        if self.why:
            lines.append("held back because:")
            lines += [f"  {count:4d}  {why}" for why, count in self.why.most_common()]
        if self.near_answers:
            lines += ["", "near-topic questions answered (check the answer is true):"]
            lines += self.near_answers
        if show_failures and self.failures:
            lines += ["", f"failing cases ({len(self.failures)}):", *self.failures]
        return "\n".join(lines)


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read a labelled set: `answerable:` ({q, id, accept?, style?, option?}) and `offtopic:`
    (plain strings, or {q, near?})."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader) or {}
    questions = [
        LabelledQuestion(
            str(item["q"]),
            (item["id"], *item.get("accept", ())),
            str(item.get("style", "plain")),
            str(item["option"]).strip("() ").casefold() if item.get("option") else None,
        )
        for item in data.get("answerable", []) or []
    ]
    for item in data.get("offtopic", []) or []:
        if isinstance(item, dict):
            questions.append(LabelledQuestion(str(item["q"]), near=bool(item.get("near"))))
        else:
            questions.append(LabelledQuestion(str(item)))
    return questions


def why_kind(why: str) -> str:
    """A why, without its numbers: "probability 0.41 < 0.62" counts as "probability"."""
    return re.sub(r" [\d.]+ < [\d.]+$", "", why)


def question_set_language(path: Path) -> str | None:
    """The `language:` a question set declares (`hi` for the Hindi sets), if any."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=YamlLoader) or {}
    language = data.get("language") if isinstance(data, dict) else None
    return str(language) if language else None


def evaluate_by_language(
    answerers: LanguageAnswerers, questions: list[LabelledQuestion], language: str | None = None
) -> dict[str, Report]:
    """One report per language: each question goes to `language`'s answerer, or (None) to the
    answerer of the language it is written in, as the bot does."""
    groups: dict[str, list[LabelledQuestion]] = {}
    for question in questions:
        chosen = language or answerers.language_of(question.text)
        groups.setdefault(chosen, []).append(question)
    return {
        chosen: evaluate(_InLanguage(answerers, chosen), group)
        for chosen, group in sorted(groups.items())
    }


@dataclass(frozen=True)
class _InLanguage:
    """LanguageAnswerers held to one language, with the Answerer's `respond` shape."""

    answerers: LanguageAnswerers
    language: str

    def respond(self, message: str, previous_id: str | None = None) -> Outcome:
        return self.answerers.respond(message, self.language, previous_id).outcome


def evaluate(
    answerer: Answerer | Matcher | _InLanguage, questions: list[LabelledQuestion]
) -> Report:
    """Run every question through the answering path and count what went right and wrong."""
    if isinstance(answerer, Matcher):
        answerer = Answerer(answerer)
    report = Report()
    for question in questions:
        outcome = answerer.respond(question.text)
        match = outcome.match
        if match is not None and match.why:
            report.why[why_kind(match.why)] += 1
        if outcome.status == "smalltalk":
            report.smalltalk += 1
        if question.offtopic:
            report.offtopic += 1
            report.near += question.near
            if outcome.status == "answer":
                report.offtopic_answered += 1
                report.near_answered += question.near
                label = "near-topic answered" if question.near else "OFF-TOPIC ANSWERED"
                report.failures.append(_describe(label, question, outcome))
                if question.near and match and match.entry:
                    report.near_answers.append(
                        f"- {question.text!r} -> {match.entry.id}: {match.entry.answer.strip()}"
                    )
            elif outcome.status == "suggest":
                report.offtopic_suggested += 1
            continue
        report.answerable += 1
        ranked = [s.entry.id for s in match.ranked] if match else []
        right_top1 = bool(ranked) and ranked[0] in question.expected
        report.top1 += right_top1
        report.top3 += any(entry_id in question.expected for entry_id in ranked[:3])
        style = report.styles.setdefault(question.style, [0, 0])
        style[1] += 1
        answered = outcome.status == "answer" and match is not None and match.entry is not None
        if answered and match is not None and match.entry is not None:
            if match.entry.id in question.expected:
                report.answered_right += 1
                style[0] += 1
            else:
                report.answered_wrong += 1
                report.failures.append(_describe("CONFIDENT WRONG", question, outcome))
            if match.also is not None:
                report.also_offered += 1
                rescued = match.also.entry.id in question.expected
                report.also_rescued += rescued and match.entry.id not in question.expected
        if question.option is not None:
            report.mcq += 1
            choice = outcome.choice
            if choice is not None and choice.option is not None:
                if choice.option.label.casefold() == question.option:
                    report.mcq_right += 1
                else:
                    report.mcq_wrong += 1
                    report.failures.append(_describe("WRONG OPTION", question, outcome))
        if not right_top1:
            report.failures.append(_describe("wrong top-1", question, outcome))
        elif not answered:
            report.failures.append(_describe(f"right but {outcome.status}", question, outcome))
    return report


def _describe(label: str, question: LabelledQuestion, outcome: Outcome) -> str:
    match = outcome.match
    ranked = (
        ", ".join(f"{s.entry.id} {s.score:.0f}" for s in match.ranked[:3]) if match else ""
    ) or "nothing"
    expected = "/".join(question.expected) or "off-topic"
    why = f" ({match.why})" if match and match.why else ""
    option = ""
    if outcome.choice is not None:
        named = outcome.choice.option.label if outcome.choice.option else outcome.choice.verdict
        option = f" option {named}, expected {question.option}"
    return (
        f"- {label}: {question.text!r} expected {expected}; got {outcome.status}{why}"
        f" [{ranked}]{option}"
    )
