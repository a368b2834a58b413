"""Charts drawn on the server as SVG: no script, no CDN, readable offline and in print.

Each chart is a record of shapes in the SVG's own coordinates (the template scales
it to the page); the page puts the same numbers in a table beside it, which is what
screen readers read (the SVG is one image with a title).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format

from dashboard.daily import DailyCount
from dashboard.stats import ClaimRow

WIDTH = 600
BAR_ROW_HEIGHT = 44
BAR_HEIGHT = 18
LINE_HEIGHT = 220
# Room for the axis labels around the plot of a line chart.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 12, 16, 36


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    label_y: int
    bar_y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_height: int
    bars: list[Bar]


def claim_rate_bars(rows: Sequence[ClaimRow]) -> BarChart:
    """One bar per row, as long as its claim rate (the full width is 100%)."""
    bars = [
        Bar(
            label=row.label,
            value_text=f"{row.counts.percent}%",
            label_y=index * BAR_ROW_HEIGHT + 14,
            bar_y=index * BAR_ROW_HEIGHT + 20,
            width=round(row.counts.rate * (WIDTH - 70), 1),
        )
        for index, row in enumerate(rows)
    ]
    return BarChart(WIDTH, max(len(bars), 1) * BAR_ROW_HEIGHT, BAR_HEIGHT, bars)


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def _nice_top(highest: int) -> int:
    """The smallest of 1, 2 or 5 times a power of ten at or above `highest`."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= highest:
                return step * magnitude
        magnitude *= 10


def daily_line(days: Sequence[DailyCount]) -> LineChart:
    """A line through each day's count, with the axis labelled at 0, the top and,
    when it is a whole number, half way."""
    top = _nice_top(max((day.count for day in days), default=0))
    left, right = PLOT_LEFT, WIDTH - PLOT_RIGHT
    upper, lower = PLOT_TOP, LINE_HEIGHT - PLOT_BOTTOM
    step = (right - left) / max(len(days) - 1, 1)

    def y(value: float) -> float:
        return round(lower - (lower - upper) * value / top, 1)

    points = " ".join(
        f"{round(left + index * step, 1)},{y(day.count)}" for index, day in enumerate(days)
    )
    # Whole numbers only: a half of 1 or 5 would label a count no day can have.
    marks = (0, top // 2, top) if top % 2 == 0 else (0, top)
    y_ticks = [Tick(y(value), str(value)) for value in marks]
    x_ticks = []
    if days:
        x_ticks = [
            Tick(left, date_format(days[0].day, "MONTH_DAY_FORMAT")),
            Tick(right, date_format(days[-1].day, "MONTH_DAY_FORMAT")),
        ]
    return LineChart(WIDTH, LINE_HEIGHT, points, left, right, upper, lower, y_ticks, x_ticks)
