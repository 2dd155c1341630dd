"""`faqbot gaps` output: clusters of unanswered questions as text, a JSON list, or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import yaml

from faqbot.knowledge.gaps import GapCluster

CSV_COLUMNS = (
    "count",
    "representative",
    "entry_id",
    "entry_share",
    "wordings",
    "variants",
    "suggested",
    "tapped",
    "none",
    "downvoted",
    "tapped_entries",
    "languages",
    "feedback_count",
    "feedback",
    "first_seen",
    "last_seen",
)
# Variants and feedback share one CSV cell each; a spreadsheet keeps them readable this way.
CSV_JOIN = " | "


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cluster_to_json(cluster: GapCluster) -> dict[str, object]:
    """One cluster as the JSON object of `faqbot gaps --json`."""
    return {
        "count": cluster.count,
        "representative": cluster.representative,
        "variants": list(cluster.variants),
        "wordings": cluster.wordings,
        "entry_id": cluster.entry_id,
        "entry_share": round(cluster.entry_share, 3),
        "outcomes": dict(cluster.outcomes),
        "languages": dict(cluster.languages),
        "feedback": list(cluster.feedback),
        "feedback_count": cluster.feedback_count,
        "tapped": dict(cluster.tapped),
        "first_seen": _stamp(cluster.first_seen),
        "last_seen": _stamp(cluster.last_seen),
    }


def render_json(clusters: Sequence[GapCluster]) -> str:
    """A JSON list of clusters, most asked first."""
    return json.dumps([cluster_to_json(c) for c in clusters], ensure_ascii=False, indent=2)


def render_csv(clusters: Sequence[GapCluster]) -> str:
    """One row per cluster under a header row (CSV_COLUMNS)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in clusters:
        writer.writerow(
            (
                c.count,
                c.representative,
                c.entry_id or "",
                f"{c.entry_share:.3f}",
                c.wordings,
                CSV_JOIN.join(c.variants),
                c.outcomes.get("suggested", 0),
                c.outcomes.get("tapped", 0),
                c.outcomes.get("none", 0),
                c.outcomes.get("downvoted", 0),
                CSV_JOIN.join(f"{entry_id}:{n}" for entry_id, n in c.tapped.items()),
                CSV_JOIN.join(f"{language}:{n}" for language, n in c.languages.items()),
                c.feedback_count,
                CSV_JOIN.join(c.feedback),
                _stamp(c.first_seen),
                _stamp(c.last_seen),
            )
        )
    return out.getvalue()


def render_text(clusters: Sequence[GapCluster], since: datetime | None = None) -> str:
    """A report for a terminal: a summary line, then one block per cluster."""
    window = f" since {_stamp(since)}" if since else ""
    if not clusters:
        return f"No unanswered questions{window}.\n"
    total = sum(c.count for c in clusters)
    lines = [
        f"{total} questions not answered outright{window}, "
        f"in {len(clusters)} cluster{'s' if len(clusters) != 1 else ''}:"
    ]
    width = len(str(clusters[0].count))
    for rank, c in enumerate(clusters, start=1):
        likely = f"likely {c.entry_id} ({c.entry_share:.0%})" if c.entry_id else "no likely entry"
        outcomes = ", ".join(f"{outcome} {n}" for outcome, n in c.outcomes.items())
        lines.append("")
        lines.append(f"{rank:>3}. {c.count:>{width}}× {c.representative!r}  {likely}")
        lines.append(
            f"     {outcomes}; {c.wordings} wording{'s' if c.wordings != 1 else ''}; "
            f"seen {_day(c.first_seen)} to {_day(c.last_seen)}"
        )
        if c.variants:
            lines.append(f"     also: {', '.join(repr(v) for v in c.variants)}")
        if c.tapped:
            pressed = ", ".join(f"{entry_id} {n}" for entry_id, n in c.tapped.items())
            lines.append(f"     tapped: {pressed}")
        if c.feedback_count:
            shown = "; ".join(repr(f) for f in c.feedback)
            more = c.feedback_count - len(c.feedback)
            lines.append(f"     👎 {shown}" + (f" (+{more} more)" if more > 0 else ""))
    return "\n".join(lines) + "\n"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def accepted_phrasings(path: Path) -> dict[str, list[str]]:
    """The overlay's `phrasings:` (entry id → accepted phrasings); {} if there is no file.
    Raises ValueError saying what is wrong with a file that is not in that shape."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML: {error}") from None
    phrasings = data.get("phrasings") if isinstance(data, Mapping) else None
    if phrasings is None:
        return {}
    if not isinstance(phrasings, Mapping) or not all(
        isinstance(items, list) and all(isinstance(p, str) for p in items)
        for items in phrasings.values()
    ):
        raise ValueError(f"{path}: `phrasings:` must map each entry id to a list of strings")
    return {str(entry_id): list(items) for entry_id, items in phrasings.items()}


def render_accepted(accepted: Mapping[str, Sequence[str]], fmt: str, path: Path) -> str:
    """`faqbot gaps --accepted` as text (to copy into the pack), JSON or CSV."""
    if fmt == "json":
        return json.dumps(dict(accepted), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("entry_id", "phrasing"))
        writer.writerows((entry_id, p) for entry_id, items in accepted.items() for p in items)
        return out.getvalue()
    if not accepted:
        return f"No accepted phrasings ({path} has none yet).\n"
    lines = [f"Accepted phrasings in {path}; add each under its entry's `alternates:`:"]
    for entry_id, items in accepted.items():
        lines += ["", f"{entry_id}:", *(f"  - {json.dumps(p, ensure_ascii=False)}" for p in items)]
    return "\n".join(lines) + "\n"
