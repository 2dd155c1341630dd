"""The knowledge engine: packs, normalisation and matching. Pure Python, no Telegram."""

from faqbot.knowledge.matcher import Match, Matcher, Suggestion, Thresholds
from faqbot.knowledge.packs import check_pack, load_pack
from faqbot.knowledge.schema import Entry, Pack, QuizItem, Topic
from faqbot.knowledge.yaml_nodes import PackError, Problem, shipped_pack_path

__all__ = [
    "Entry",
    "Match",
    "Matcher",
    "Pack",
    "PackError",
    "Problem",
    "QuizItem",
    "Suggestion",
    "Thresholds",
    "Topic",
    "check_pack",
    "load_pack",
    "shipped_pack_path",
]
