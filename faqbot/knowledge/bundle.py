"""The knowledge the bot answers from, as one immutable bundle: the pack with its overlay's
phrasings, the answerer of each language (which hold the matchers), and the quiz banks.

A reload builds a whole new bundle and the bot swaps it in with one assignment; a handler
reads the bundle once and uses only that one, so every reply comes from one pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from faqbot.knowledge.answering import Answerer
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.overlay import Overlay, read_overlay
from faqbot.knowledge.packs import check_pack
from faqbot.knowledge.quiz_items import QuizBank, language_banks
from faqbot.knowledge.schema import Pack
from faqbot.knowledge.yaml_nodes import PackError, Problem


@dataclass(frozen=True)
class Knowledge:
    """One version of the pack and everything derived from it."""

    pack: Pack
    answerers: LanguageAnswerers
    banks: Mapping[str, QuizBank]  # a quiz bank per pack language
    overlay: Overlay
    version: int = 1  # 1 at start-up, one more for each reload

    @classmethod
    def build(cls, pack: Pack, overlay: Overlay | None = None, version: int = 1) -> Knowledge:
        """Everything made from `pack`, made now: nothing is built lazily once in use."""
        for language in pack.languages:
            pack.in_language(language)  # fills the pack's cache of language views
        return cls(
            pack=pack,
            answerers=LanguageAnswerers(pack),
            banks=MappingProxyType(language_banks(pack)),
            overlay=overlay or Overlay(),
            version=version,
        )

    @property
    def answerer(self) -> Answerer:
        """The answerer of the pack's main language."""
        return self.answerers.answerers[self.pack.info.language]

    @property
    def bank(self) -> QuizBank:
        """The quiz items in the pack's main language."""
        return self.banks[self.pack.info.language]

    def bank_in(self, language: str) -> QuizBank:
        """The quiz items in `language`, or in the main language if the pack lacks it."""
        return self.banks.get(language, self.bank)


def check_knowledge(
    path: Path | None, overlay: Path | None, version: int = 1
) -> tuple[Knowledge | None, list[Problem]]:
    """Read, validate and build the pack at `path` with the overlay file `overlay` (if it
    exists); the bundle only when there is no problem, else every problem."""
    pack, problems = check_pack(path, overlay)
    if pack is None:
        return None, problems
    extra = read_overlay(overlay, []) if overlay is not None else None
    return Knowledge.build(pack, extra.overlay if extra else None, version), []


def load_knowledge(path: Path | None, overlay: Path | None, version: int = 1) -> Knowledge:
    """A valid bundle, or PackError listing every problem."""
    knowledge, problems = check_knowledge(path, overlay, version)
    if knowledge is None:
        raise PackError(problems)
    return knowledge
