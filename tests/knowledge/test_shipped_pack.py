"""Every fact of the source document is in the shipped pack, and a student's question finds it."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Matcher, Pack
from tests.support.application import knowledge_of

# One row per bullet and sub-bullet of the source document: a question a student would ask,
# the entry that answers it, and words of the source the answer must carry.
SOURCE_FACTS = [
    ("where was the second india japan 2+2 held", "second-dialogue", ["Tokyo"]),
    ("what is a 2+2 dialogue", "what-is-2plus2", ["foreign and defence ministers"]),
    ("why is a 2+2 dialogue useful", "purpose-of-2plus2", ["strategic concerns"]),
    ("india 2+2 partners", "india-2plus2-partners", ["Australia", "Japan", "Russia"]),
    ("first india japan 2+2 kab hua", "inaugural-dialogue", ["November 2019"]),
    ("who initiated the idea of india japan 2+2", "idea-origin", ["October 2018", "Abe"]),
    ("secretary level 2+2 india japan", "secretary-level-dialogue", ["2010", "secretary"]),
    ("rules based order india japan", "rules-based-order", ["territorial integrity"]),
    ("peaceful resolution of disputes", "peaceful-resolution", ["international law"]),
    ("FOIP", "free-open-indo-pacific", ["free from coercion"]),
    ("counterstrike capabilities", "counterstrike-capabilities", ["counterstrike"]),
    ("japan defence budget increase", "japan-defence-budget", ["five years"]),
    ("india reaction to japan defence", "india-on-japan-defence", ["acknowledged"]),
    ("JSST", "joint-service-staff-talks", ["Integrated Defence Staff", "Joint Staff"]),
    ("did japan take part in milan", "japan-in-milan", ["first time"]),
    ("RPSS", "rpss-agreement", ["Reciprocal Provision of Supplies and Services"]),
    ("dharma guardian jimex malabar continue", "continuing-exercises", ["Dharma Guardian"]),
    ("HADR", "hadr-and-pandemics", ["pandemics"]),
    ("defence equipment and technology cooperation", "defence-equipment-technology",
     ["concrete areas"]),
    ("UGV", "ugv-robotics", ["Robotics"]),
    ("sixth joint working group", "jwg-detc", ["Sixth"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def matcher(pack: Pack) -> Matcher:
    """The shipped pack's, from the bundle the whole run shares (its main language)."""
    return knowledge_of(pack).answerer.matcher


@pytest.mark.parametrize(("question", "entry_id", "phrases"), SOURCE_FACTS)
def test_source_fact_is_answered(
    matcher: Matcher, pack: Pack, question: str, entry_id: str, phrases: list[str]
) -> None:
    entry = pack.entry(entry_id)
    assert entry is not None
    for phrase in phrases:
        assert phrase.casefold() in entry.answer.casefold(), phrase
    match = matcher.match(question)
    assert match.status == "answer" and match.entry == entry, match


def test_every_entry_has_enough_phrasings_and_a_source(pack: Pack) -> None:
    for entry in pack.entries:
        assert len(entry.phrasings) >= 5, entry.id
        assert entry.source.strip(), entry.id
        assert entry.related, entry.id


def test_background_entries_say_so(pack: Pack) -> None:
    background = [e for e in pack.entries if e.topic == "exercises"]
    assert background
    assert all("not in the source document" in e.source for e in background)
