"""/stats as a picture: questions per day with the answered-outright rate, the questions asked
most without an outright answer, and the answers turned down most. A PNG made with
matplotlib's Agg backend (no display, no pyplot state), so it is safe off the event loop.

The chart's own words are English: matplotlib's fonts cannot shape Devanagari, so a Hindi label
would come out as empty boxes. The operator gets the same figures as text in their language.
Characters the font lacks (Devanagari questions, emoji) are drawn as "·".
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Final

from faqbot.knowledge.catalogue import say
from faqbot.knowledge.question_log import LogFigures

LABEL_CHARS: Final = 34
BARS_SHOWN: Final = 8
WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 9.0, 100
MISSING: Final = "·"
# Who drew the chart is said by colour only where the text says it too.
QUESTIONS_COLOUR, RATE_COLOUR, GAP_COLOUR, DOWN_COLOUR = "#4c72b0", "#dd8452", "#8172b3", "#c44e52"


@lru_cache(maxsize=1)
def _drawable_characters() -> frozenset[int]:
    """The code points the chart's font has."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans")))
    return frozenset(font.get_charmap())


def drawable(text: str, limit: int = LABEL_CHARS, missing: str = MISSING) -> str:
    """`text` cut to `limit` characters, with those the font lacks drawn as `missing`."""
    known = _drawable_characters()
    shown = "".join(
        c if ord(c) in known or c.isspace() else missing for c in " ".join(text.split())
    )
    shown = " ".join(shown.replace("()", "").split())  # "(👎)" in a title, with nothing to draw
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "…"


def stats_png(figures: LogFigures) -> bytes:
    """The /stats chart as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    per_day, gaps, down = figure.subplots(3, 1, height_ratios=(1.2, 1, 1))

    days = [day.day.strftime("%d %b") for day in figures.days]
    per_day.bar(days, [day.questions for day in figures.days], color=QUESTIONS_COLOUR)
    per_day.set_ylabel(say("en", "stats_per_day"), color=QUESTIONS_COLOUR)
    per_day.tick_params(axis="x", labelrotation=60, labelsize=8)
    rate = per_day.twinx()
    rates = [day.answered_rate for day in figures.days]
    rate.plot(
        days,
        [100 * r if r is not None else float("nan") for r in rates],
        color=RATE_COLOUR,
        marker="o",
    )
    rate.set_ylim(0, 100)
    rate.set_ylabel(f"{say('en', 'stats_rate')} (%)", color=RATE_COLOUR)
    overall = figures.answered_rate
    summary = say(
        "en",
        "stats_summary",
        questions=figures.questions,
        rate="–" if overall is None else f"{overall:.0%}",
        smalltalk=figures.smalltalk,
    )
    window = say("en", "stats_window", days=len(figures.days))
    figure.suptitle(f"{window}\n{summary}", fontsize=11)

    _bars(gaps, figures.unanswered, say("en", "stats_gaps", days=len(figures.days)), GAP_COLOUR)
    _bars(down, figures.downvoted, say("en", "stats_downvoted"), DOWN_COLOUR)

    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _bars(axes: object, rows: tuple[tuple[str, int], ...], title: str, colour: str) -> None:
    """A horizontal bar per row, the largest on top; "–" when there is none."""
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(axes, Axes)
    axes.set_title(drawable(title, limit=90, missing=""), loc="left", fontsize=10)
    shown = rows[:BARS_SHOWN]
    if not shown:
        axes.text(0.5, 0.5, "–", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    # The most asked on top; bar positions, not labels, keep two rows apart that read the same.
    places = [BARS_SHOWN - 1 - rank for rank in range(len(shown))]
    axes.barh(places, [count for _, count in shown], color=colour)
    axes.set_yticks(places, [drawable(label) for label, _ in shown], fontsize=8)
    axes.set_ylim(-0.5, BARS_SHOWN - 0.5)  # bars keep one thickness however many there are
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
