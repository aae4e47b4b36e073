"""Draw a benchmark record as an SVG bar chart, by plain string building.

One horizontal bar per contender, grouped by section and scenario, its length the
contender's throughput relative to its group's baseline (the first contender, drawn grey; a
dashed line marks 1.0x). Ratios, not raw throughput, share the axis because groups differ by
orders of magnitude (a batch and a one-by-one loop); each bar's label gives the throughput
itself. Whiskers span the slowest and the fastest repetition, so a noisy run shows as noisy.

No plotting library: the chart is a few dozen elements, a dependency would outweigh it, and
string building gives byte-identical output for the same record (no timestamps, no random
ids), so a re-drawn chart only shows in a diff when the numbers changed. Colours switch with
``prefers-color-scheme`` and the chart paints its own background, so it stays readable when
the page's theme and the browser's disagree.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from ._record import Bar, Record

__all__ = ["render"]

WIDTH = 840  # the chart's width, unless its labels need more
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Advances of the 12px sans-serif font, in pixels, to size the label column from its labels
# (generous: a label is never clipped, it may only have some room to spare).
_NARROW = frozenset("iljftrI!.,:;'|()[] ")
_WIDE = frozenset("mwMWQGODHNU@%")
CHAR_WIDTH = 7.0  # any other character
MIN_PLOT_WIDTH = 320  # the bars' room when the labels are long
BAR_HEIGHT = 16
BAR_GAP = 6
HEADING_HEIGHT = 22
TOP = 64
VALUE_LABEL_WIDTH = 170
MARGIN = 16

STYLE = """
.bg{fill:#ffffff}.fg{fill:#1f2328}.muted{fill:#57606a}
.grid{stroke:#d8dee4;stroke-width:1}.axis{stroke:#57606a;stroke-width:1}
.bar{fill:#0969da}.base{fill:#8c959f}.whisker{stroke:#1f2328;stroke-width:1.2}
.ref{stroke:#bf3989;stroke-width:1.5;stroke-dasharray:4 3}.reflabel{fill:#bf3989}
.title{font-size:15px;font-weight:600}.heading{font-weight:600}.small{font-size:11px}
@media (prefers-color-scheme: dark){
.bg{fill:#0d1117}.fg{fill:#e6edf3}.muted{fill:#9198a1}
.grid{stroke:#30363d}.axis{stroke:#9198a1}
.bar{fill:#4493f8}.base{fill:#6e7681}.whisker{stroke:#e6edf3}
.ref{stroke:#db61a2}.reflabel{fill:#db61a2}
}
"""


def _number(value: float) -> str:
    """Coordinates with one decimal and no trailing zeros: short and deterministic."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, content: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" class="{css}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return (
        f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}" '
        f'class="{css}"/>'
    )


def _tick_step(top: float) -> float:
    """A 1, 2 or 5 times a power of ten step giving four to ten ticks up to ``top``."""
    raw = top / 6
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def _axis_top(bars: tuple[Bar, ...]) -> float:
    finite = [high for bar in bars for high in bar.ratio_range if math.isfinite(high)]
    top = max([1.0, *finite]) * 1.05
    step = _tick_step(top)
    return math.ceil(top / step) * step


def _ratio_label(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def render(record: Record) -> str:
    """The SVG document for ``record`` (deterministic: same record, same bytes)."""
    label_width = max(160, max(_text_width(_label(bar)) for bar in record.bars) + 16)
    plot_left = MARGIN + label_width
    chart_width = max(WIDTH, round(plot_left + MIN_PLOT_WIDTH + VALUE_LABEL_WIDTH + MARGIN))
    plot_width = chart_width - plot_left - VALUE_LABEL_WIDTH - MARGIN
    top_value = _axis_top(record.bars)

    def x(value: float) -> float:
        return plot_left + plot_width * min(max(value, 0.0), top_value) / top_value

    body: list[str] = []
    y = TOP
    heading = None
    for bar in record.bars:
        if bar.heading != heading:
            heading = bar.heading
            if heading:
                y += 6
                body.append(_text(MARGIN, y + 14, heading, "fg heading"))
                y += HEADING_HEIGHT
        middle = y + BAR_HEIGHT / 2
        body.append(_text(plot_left - 8, middle + 4, _label(bar), "fg", anchor="end"))
        width = x(bar.ratio) - plot_left
        body.append(
            f'<rect x="{_number(plot_left)}" y="{_number(y)}" width="{_number(width)}" '
            f'height="{BAR_HEIGHT}" class="{"base" if bar.baseline else "bar"}">'
            f"<title>{escape(_bar_tooltip(bar, record.unit))}</title></rect>"
        )
        low, high = bar.ratio_range
        if len(bar.seconds) > 1:
            body.append(_line(x(low), middle, x(high), middle, "whisker"))
            for end in (low, high):
                body.append(_line(x(end), middle - 4, x(end), middle + 4, "whisker"))
        value = f"{bar.per_second:,.0f} {record.unit} · {_ratio_label(bar.ratio)}"
        # Right of the whisker and of the baseline line, so no label is crossed by either.
        body.append(_text(max(x(high), x(bar.ratio), x(1.0)) + 6, middle + 4, value, "muted"))
        y += BAR_HEIGHT + BAR_GAP
    plot_bottom = y + 2

    axis: list[str] = []
    step = _tick_step(top_value)
    ticks = round(top_value / step)
    for index in range(ticks + 1):
        tick = index * step
        axis.append(_line(x(tick), TOP - 4, x(tick), plot_bottom, "grid"))
        axis.append(_text(x(tick), plot_bottom + 16, f"{tick:g}x", "muted small", "middle"))
    axis.append(_line(plot_left, plot_bottom, plot_left + plot_width, plot_bottom, "axis"))
    axis.append(_line(x(1.0), TOP - 4, x(1.0), plot_bottom, "ref"))
    axis.append(_text(x(1.0) + 4, TOP - 6, "baseline 1.0x", "reflabel small"))
    axis.append(
        _text(
            plot_left + plot_width / 2,
            plot_bottom + 34,
            f"throughput relative to the group's baseline ({record.unit} / baseline's)",
            "fg",
            "middle",
        )
    )
    height = plot_bottom + 62
    footer = _text(
        MARGIN,
        height - 10,
        f"{record.machine}; {record.date}. Bars: median; whiskers: slowest and fastest run.",
        "muted small",
    )
    description = (
        f"Bar chart of {record.title}: {len(record.bars)} contenders, throughput relative to "
        "the first contender of each group."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart_width}" '
        f'height="{_number(height)}" viewBox="0 0 {chart_width} {_number(height)}" role="img" '
        'aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(record.title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f"<style>text{{font-family:{FONT};font-size:12px}}{STYLE}</style>",
        '<rect width="100%" height="100%" rx="6" class="bg"/>',
        _text(MARGIN, 26, record.title, "fg title"),
        _text(
            MARGIN,
            44,
            "Each group's first contender is its baseline (grey, 1.0x).",
            "muted",
        ),
        *axis,
        *body,
        footer,
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _text_width(text: str) -> float:
    """About how wide ``text`` is drawn in the 12px font: narrow letters take half the
    average advance, wide ones a third more."""
    return sum(
        CHAR_WIDTH * (0.5 if char in _NARROW else 1.35 if char in _WIDE else 1.0) for char in text
    )


def _label(bar: Bar) -> str:
    """The contender's name without the table's markdown (``**ours** `create_async```)."""
    name = bar.contender.replace("**", "").replace("`", "")
    return f"{name} (baseline)" if bar.baseline else name


def _bar_tooltip(bar: Bar, unit: str) -> str:
    return (
        f"{bar.heading + ': ' if bar.heading else ''}{bar.contender}: "
        f"median {bar.median * 1000:.1f} ms for {bar.items:,} items, {bar.per_second:,.0f} "
        f"{unit}, {_ratio_label(bar.ratio)} the baseline, spread {bar.spread:.0%}"
    )
