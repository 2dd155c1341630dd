"""What the bot says back, independent of where it is shown (Telegram or the terminal)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from faqbot.knowledge.answering import Outcome
from faqbot.knowledge.catalogue import say
from faqbot.knowledge.citations import student_source
from faqbot.knowledge.matcher import Match
from faqbot.knowledge.schema import Entry, Pack

MAX_RELATED = 3
MAX_EXAMPLES = 4

# answer: an entry; fact: an entry sent unasked; suggest: did you mean; none: off-topic;
# welcome and info: /start and /help.
ReplyKind = Literal["answer", "fact", "suggest", "none", "welcome", "info", "smalltalk"]


@dataclass(frozen=True)
class Choice:
    """A follow-up the user can pick: a button in Telegram, a number in the terminal."""

    label: str
    entry_id: str


@dataclass(frozen=True)
class Reply:
    """A reply in plain text; renderers escape and format it."""

    kind: ReplyKind
    body: str
    title: str | None = None
    source: str | None = None
    entry_id: str | None = None
    choices_heading: str | None = None
    choices: tuple[Choice, ...] = ()
    # A close runner-up shown under the answer as "Or did you mean:".
    also: Choice | None = None
    language: str = "en"  # of the bot's own words around the pack's text


def example_entries(pack: Pack, count: int = MAX_EXAMPLES) -> list[Entry]:
    """One entry from each topic, in order: a sampler of what the pack can answer."""
    firsts = [entries[0] for topic in pack.topics if (entries := pack.entries_in(topic.id))]
    return (firsts or list(pack.entries))[:count]


def answer_reply(entry: Entry, pack: Pack, kind: ReplyKind = "answer") -> Reply:
    """An entry's answer card, with its related questions to follow."""
    related = [pack.entry(entry_id) for entry_id in entry.related[:MAX_RELATED]]
    return Reply(
        kind=kind,
        title=entry.question,
        body=entry.answer,
        source=student_source(entry, pack),
        entry_id=entry.id,
        choices_heading=say(pack.info.language, "related") if related else None,
        choices=tuple(Choice(e.question, e.id) for e in related if e is not None),
        language=pack.info.language,
    )


def reply_to(match: Match, pack: Pack) -> Reply:
    """Turn the matcher's verdict into what the user sees."""
    if match.status == "answer" and match.entry is not None:
        return answer_reply(match.entry, pack)
    language = pack.info.language
    if match.status == "suggest":
        return Reply(
            kind="suggest",
            body=say(language, "unsure"),
            choices_heading=say(language, "did_you_mean"),
            choices=tuple(Choice(s.entry.question, s.entry.id) for s in match.suggestions),
            language=language,
        )
    return Reply(
        kind="none",
        body=say(language, "dont_know", title=pack.info.title),
        choices_heading=say(language, "try_these"),
        choices=tuple(Choice(e.question, e.id) for e in example_entries(pack)),
        language=language,
    )


def outcome_reply(outcome: Outcome, pack: Pack) -> Reply:
    """Turn an Answerer's outcome (small talk, exam answer, follow-up…) into what the user sees."""
    if outcome.status == "smalltalk" and outcome.smalltalk is not None:
        return Reply(kind="smalltalk", body=outcome.smalltalk.reply, language=pack.info.language)
    notice = outcome.notice
    if notice is not None and notice.declines:
        # Declined on purpose (not covered, or after the pack's date): say why, offer what is.
        offered = [e for e in map(pack.entry, notice.entries) if e is not None]
        return Reply(
            kind="none",
            body=notice.text,
            choices_heading=say(pack.info.language, "notes_cover") if offered else None,
            choices=tuple(Choice(e.question, e.id) for e in offered),
            language=pack.info.language,
        )
    if outcome.match is None:
        return reply_to(Match(outcome.question, "none", None, 0.0), pack)
    reply = reply_to(outcome.match, pack)
    if notice is not None:
        # "As of September 2022, …" first: an old answer never reads as the latest news.
        reply = replace(reply, body=f"{notice.text}\n\n{reply.body}")
    if reply.kind != "answer":
        return reply
    body = reply.body
    if outcome.choice is not None:
        # The exam option first: it is what the student is looking for.
        body = f"{outcome.choice.lead()}\n\n{body}"
    also = outcome.match.also
    return replace(
        reply, body=body, also=Choice(also.entry.question, also.entry.id) if also else None
    )
