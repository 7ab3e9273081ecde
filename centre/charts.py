"""Bar charts drawn on the server as SVG: no JavaScript, no inline styles (the Content
Security Policy allows neither), so they show the same in every browser and in print.

A chart is data (``Chart``); ``bar_chart_svg`` draws it. Colours come from classes
styled in handover.css (``chart-series-0`` and on), each dark enough against white for
non-text contrast, and never carry the meaning alone: every second series is hatched, the
legend names each, every bar has its own ``<title>``, and the page shows the figures in a
table beside the chart (``templates/includes/charts/chart.html``)."""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .dates import add_months

WIDTH = 640
HEIGHT = 280
LEFT = 44  # room for the scale's numbers
RIGHT = 8
TOP = 12
BOTTOM = 44  # room for two lines of category labels
PALETTE_SIZE = 7  # chart-series-0 .. chart-series-6 in handover.css
MONTHS = 12  # the home page's charts: this month and the eleven before it


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """``categories`` along the bottom, one value per category in each series. Stacked
    charts pile the series up (a total per category); grouped ones stand them side by
    side."""

    key: str  # unique on the page: the SVG's ids are made from it
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    description: str = ""
    unit: str = ""
    # For the table: the heading of the category column.
    category_heading: str = ""
    # Shorter names for the categories under the bars (the table keeps the full ones).
    axis_labels: tuple[str, ...] = ()
    totals: tuple[int, ...] = field(init=False)

    def __post_init__(self):
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"{series.label}: one value per category is needed")
        totals = tuple(sum(values) for values in zip(*(s.values for s in self.series), strict=True))
        object.__setattr__(self, "totals", totals or tuple(0 for _ in self.categories))

    @property
    def rows(self):
        """``(category, [value per series], total)`` for the table."""
        return [
            (category, [series.values[i] for series in self.series], self.totals[i])
            for i, category in enumerate(self.categories)
        ]

    @property
    def is_empty(self):
        return not any(self.totals)

    @property
    def svg(self) -> SafeString:
        return bar_chart_svg(self)

    @property
    def legend(self):
        """``(swatch, label)`` for each series, in the order the bars stack."""
        return [(legend_swatch(self, i), s.label) for i, s in enumerate(self.series)]


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the ``months`` calendar months ending with ``today``'s."""
    this_month = today.replace(day=1)
    return [add_months(this_month, n) for n in range(1 - months, 1)]


def month_window(today: datetime.date, months: int = MONTHS):
    """``(month starts, (first day, first day after))`` of the charts' months to ``today``."""
    starts = month_starts(today, months)
    return starts, (starts[0], add_months(starts[-1], 1))


def month_labels(months) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each month's full name for the table ("November 2026") and a short one for under
    its bars ("Nov 2026")."""
    full = tuple(date_format(month, "F Y") for month in months)
    short = tuple(date_format(month, "M Y") for month in months)
    return full, short


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... at or above ``value`` (at least 1), so the
    scale's top is a round number."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if step * multiple >= value:
                return step * multiple
        step *= 10


def _ticks(top: int) -> list[int]:
    """0, the middle (when it is a whole number) and the top of the scale."""
    if top % 2 == 0 and top >= 2:
        return [0, top // 2, top]
    return [0, top]


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _label_lines(label: str) -> list[str]:
    """A category label on one line, or two where it has a space and is long."""
    if len(label) <= 6 or " " not in label:
        return [label]
    words = label.split()
    half = (len(label) + 1) // 2
    first, rest = [], list(words)
    while rest and len(" ".join([*first, rest[0]])) <= half:
        first.append(rest.pop(0))
    if not first:
        first.append(rest.pop(0))
    return [" ".join(first), " ".join(rest)] if rest else [" ".join(first)]


def _bar(chart, x, y, width, height, index, tooltip):
    """One bar (or segment): its colour by class, hatching on every second series, and
    a ``<title>`` naming what it counts."""
    hatch = ""
    if index % 2:
        hatch = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-hatch)"/>',
            _fmt(x),
            _fmt(y),
            _fmt(width),
            _fmt(height),
            chart.key,
        )
    return format_html(
        '<g><title>{}</title><rect class="chart-series-{}" x="{}" y="{}" width="{}" '
        'height="{}"/>{}</g>',
        tooltip,
        index % PALETTE_SIZE,
        _fmt(x),
        _fmt(y),
        _fmt(width),
        _fmt(height),
        hatch,
    )


def bar_chart_svg(chart: Chart) -> SafeString:
    """The chart as an ``<svg role="img">`` named by its ``<title>`` (and described by
    its ``<desc>``), with its scale, bars and category labels. The legend is HTML, beside
    it (``chart.html``), so it wraps on a narrow screen."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    base = TOP + plot_height
    if chart.stacked:
        highest = max(chart.totals, default=0)
    else:
        highest = max((max(s.values, default=0) for s in chart.series), default=0)
    top = nice_ceiling(highest)

    def y_of(value):
        return base - plot_height * value / top

    parts = []
    for tick in _ticks(top):
        y = y_of(tick)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-scale" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                _fmt(y),
                WIDTH - RIGHT,
                _fmt(y),
                LEFT - 6,
                _fmt(y + 4),
                tick,
            )
        )
    band = plot_width / max(len(chart.categories), 1)
    bar_width = band * 0.7
    for i, category in enumerate(chart.categories):
        left = LEFT + band * i + (band - bar_width) / 2
        centre = LEFT + band * i + band / 2
        if chart.stacked:
            level = 0
            for index, series in enumerate(chart.series):
                value = series.values[i]
                if not value:
                    continue
                y_top, y_bottom = y_of(level + value), y_of(level)
                tooltip = f"{category}, {series.label}: {value}"
                parts.append(_bar(chart, left, y_top, bar_width, y_bottom - y_top, index, tooltip))
                level += value
            if chart.totals[i]:
                parts.append(_value_label(centre, y_of(chart.totals[i]), chart.totals[i]))
        else:
            width = bar_width / max(len(chart.series), 1)
            for index, series in enumerate(chart.series):
                value = series.values[i]
                x = left + width * index
                tooltip = f"{category}, {series.label}: {value}"
                if value:
                    height = base - y_of(value)
                    parts.append(_bar(chart, x, y_of(value), width, height, index, tooltip))
                if value or len(chart.series) == 1:
                    parts.append(_value_label(x + width / 2, y_of(value), value))
        lines = _label_lines(chart.axis_labels[i] if chart.axis_labels else category)
        parts.append(
            format_html(
                '<text class="chart-category" x="{}" y="{}" text-anchor="middle">{}</text>',
                _fmt(centre),
                base + 16,
                format_html_join(
                    "",
                    '<tspan x="{}" dy="{}">{}</tspan>',
                    (
                        (_fmt(centre), "0" if n == 0 else "1.2em", line)
                        for n, line in enumerate(lines)
                    ),
                ),
            )
        )
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            LEFT,
            base,
            WIDTH - RIGHT,
            base,
        )
    )
    description = chart.description or _describe(chart)
    return format_html(
        '<svg class="chart-svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "<defs>{}</defs>{}</svg>",
        WIDTH,
        HEIGHT,
        chart.key,
        chart.key,
        chart.key,
        chart.title,
        chart.key,
        description,
        hatch_pattern(chart.key),
        mark_safe("".join(parts)),  # noqa: S308 - every part built by format_html
    )


def hatch_pattern(key: str) -> SafeString:
    """White diagonal lines laid over every second series (and its legend swatch)."""
    return format_html(
        '<pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" '
        'class="chart-hatch"/></pattern>',
        key,
    )


def _value_label(x, y, value):
    return format_html(
        '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
        _fmt(x),
        _fmt(y - 4),
        value,
    )


def _describe(chart: Chart) -> str:
    """A sentence for the ``<desc>``: what each category adds up to."""
    if chart.is_empty:
        return "Nothing to show yet: every figure is 0."
    if chart.stacked or len(chart.series) == 1:
        figures = "; ".join(
            f"{category}: {total}"
            for category, total in zip(chart.categories, chart.totals, strict=True)
        )
        names = ", ".join(series.label for series in chart.series)
        return f"{names}. Totals: {figures}. The table beside it gives every figure."
    figures = "; ".join(
        f"{category}: "
        + ", ".join(f"{series.label.lower()} {series.values[i]}" for series in chart.series)
        for i, category in enumerate(chart.categories)
    )
    return f"{figures}. The table beside it gives every figure."


def legend_swatch(chart: Chart, index: int) -> SafeString:
    """The small square the legend shows for series ``index``, drawn as its bars are."""
    defs = hatch = ""
    if index % 2:
        key = f"{chart.key}-legend-{index}"
        defs = hatch_pattern(key)
        hatch = format_html('<rect width="14" height="14" fill="url(#{}-hatch)"/>', key)
    return format_html(
        '<svg class="chart-swatch" viewBox="0 0 14 14" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<defs>{}</defs><rect class="chart-series-{}" width="14" height="14"/>{}</svg>',
        defs,
        index % PALETTE_SIZE,
        hatch,
    )
