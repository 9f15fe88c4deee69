"""Charts drawn as inline SVG: no script and no library, so they show wherever the page opens."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .markup import Html, join, tag

__all__ = ["Series", "column_chart", "line_chart"]


@dataclass(frozen=True, slots=True)
class Series:
    """One coloured series of a chart: a value per category (None: nothing printed)."""

    name: str
    values: Sequence[float | None]
    color: str


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``: a round top for an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _ticks(top: float) -> int:
    """How many steps cut a round axis top into round whole numbers (50 → 5 of 10, 20 → 4 of 5, 2 → 2 of 1)."""
    return next(n for n in (5, 4, 2, 1) if (top / n).is_integer() and _nice_max(top / n) == top / n)


@dataclass(frozen=True, slots=True)
class _Frame:
    """A chart's plot area and value axis: where a category sits and how high a value stands."""

    width: int
    height: int
    categories: int
    top_value: float
    left: int = 48
    top: int = 36
    bottom: int = 28

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def slot(self) -> float:
        return (self.width - self.left - 8) / max(self.categories, 1)

    def x(self, index: int) -> float:
        """The middle of a category's slot."""
        return self.left + self.slot * index + self.slot / 2

    def y(self, value: float) -> float:
        return self.top + self.plot_h - self.plot_h * value / self.top_value

    def axes(self, categories: Sequence[str]) -> list[Html]:
        """Grid lines with round labels, and the category names below."""
        steps = _ticks(self.top_value)
        parts = []
        for i in range(steps + 1):
            tick = self.top_value * i / steps
            y = self.y(tick)
            parts.append(Html(f'<line x1="{self.left}" x2="{self.width - 8}" y1="{y:.1f}" y2="{y:.1f}" '
                              'class="grid"/>'))
            parts.append(tag("text", f"{tick:,.0f}", x=self.left - 6, y=f"{y + 4:.1f}", class_="axis",
                             text_anchor="end"))
        parts += [tag("text", category, x=f"{self.x(c):.1f}", y=self.height - 8, class_="axis", text_anchor="middle")
                  for c, category in enumerate(categories)]
        return parts


def _legend(series: Sequence[Series], width: int) -> list[Html]:
    """One coloured square and name per series, top right; none for a single series (the title names it)."""
    if len(series) < 2:
        return []
    parts = []
    for i, s in enumerate(series):
        x = width - 8 - 96 * (len(series) - i)
        parts.append(Html(f'<rect x="{x}" y="6" width="12" height="12" fill="{s.color}"/>'))
        parts.append(tag("text", s.name, x=x + 18, y=16, class_="axis"))
    return parts


def _svg(parts: list[Html], title: str, width: int, height: int) -> Html:
    return tag("svg", join([tag("title", title), *parts]), xmlns="http://www.w3.org/2000/svg", width=width,
               height=height, viewBox=f"0 0 {width} {height}", role="img", aria_label=title, class_="chart")


def column_chart(categories: Sequence[str], series: Sequence[Series], *, title: str,
                 width: int = 640, height: int = 240, legend: bool = True) -> Html:
    """Stacked columns, one per category, with a labelled axis, a tooltip per column part and a legend
    (``legend`` False: the page prints one, for more series than fit the chart's top line); a category
    no series has a value for (a year without a report) stays empty, without a total."""
    totals = [sum(v or 0 for v in values) for values in zip(*(s.values for s in series))]
    frame = _Frame(width, height, len(categories), _nice_max(max(totals, default=0)))
    bar_w = min(48.0, frame.slot * 0.6)
    parts = frame.axes(categories)
    for c, category in enumerate(categories):
        x = frame.x(c) - bar_w / 2
        base = frame.y(0)
        for s in series:
            value = s.values[c] or 0
            h = frame.plot_h * value / frame.top_value
            base -= h
            if value:
                parts.append(tag("rect", tag("title", f"{category} {s.name}：{value:,.0f}"), x=f"{x:.1f}",
                                 y=f"{base:.1f}", width=f"{bar_w:.1f}", height=f"{h:.1f}", fill=s.color))
        if any(s.values[c] is not None for s in series):
            parts.append(tag("text", f"{totals[c]:,.0f}", x=f"{frame.x(c):.1f}", y=f"{base - 4:.1f}", class_="value",
                             text_anchor="middle"))
    return _svg(parts + (_legend(series, width) if legend else []), title, width, height)


def line_chart(categories: Sequence[str], series: Sequence[Series], *, title: str, width: int = 420,
               height: int = 200, marked: Sequence[tuple[int, str]] = ()) -> Html:
    """Lines over categories (years), a dot and tooltip per value, a gap where a value is missing; each
    ``marked`` category (index, why) gets a dashed red line with its reason as tooltip: a break the
    reviewer should look at."""
    frame = _Frame(width, height, len(categories),
                   _nice_max(max((v for s in series for v in s.values if v is not None), default=0)))
    parts = frame.axes(categories)
    for s in series:
        runs: list[list[str]] = [[]]
        for c, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{frame.x(c):.1f},{frame.y(value):.1f}")
            parts.append(tag("circle", tag("title", f"{categories[c]} {s.name}：{value:,.0f}"), cx=f"{frame.x(c):.1f}",
                             cy=f"{frame.y(value):.1f}", r=3.5, fill=s.color))
        parts += [Html(f'<polyline points="{" ".join(run)}" fill="none" stroke="{s.color}" stroke-width="2"/>')
                  for run in runs if len(run) > 1]
    parts += [tag("line", tag("title", why), x1=f"{frame.x(c):.1f}", x2=f"{frame.x(c):.1f}", y1=frame.top - 8,
                  y2=f"{frame.y(0):.1f}", class_="mark") for c, why in marked]
    return _svg(parts + _legend(series, width), title, width, height)
