"""Charts as inline SVG, drawn on the server: bars (grouped or stacked) and lines, with axes,
gridlines, a legend and an optional target line. No script, no external font or stylesheet;
text uses the system's CJK sans-serif fonts so Chinese labels render.

Pure: values in, SVG text (`Markup`) out. Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
WIDTH, HEIGHT = 700, 250
LEFT, RIGHT, BOTTOM = 46, 12, 30
MAX_BAR = 56
INK, GRID, MUTED, TARGET = "#222", "#e3e3e3", "#666", "#c0392b"


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float, ...]
    color: str


@dataclass(frozen=True, slots=True)
class Target:
    value: float
    label: str


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    target: Target | None = None,
    totals: bool = False,
    legend: bool = True,
    height: int = HEIGHT,
) -> Markup:
    """Bars per category: side by side, or stacked (`totals` writes each stack's sum on top;
    `legend=False` when the categories name the series already)."""
    _check(categories, series)
    columns = range(len(categories))
    sums = [sum(s.values[i] for s in series) for i in columns]
    tallest = sums if stacked else [max((s.values[i] for s in series), default=0) for i in columns]
    keys, top = _legend(series if legend else (), target)
    frame = _Frame(categories, max([*tallest, target.value if target else 0.0]), top, height)
    parts = frame.axes()
    for index in columns:
        parts += _stack(frame, index, series) if stacked else _group(frame, index, series)
        if totals and sums[index] > 0:
            parts.append(frame.value_label(index, sums[index]))
    if target is not None:
        parts.append(frame.target(target))
    return _svg(title, parts + keys, height)


def line_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, height: int = HEIGHT
) -> Markup:
    """A line per series through the categories' centres, with a dot at each value."""
    _check(categories, series)
    keys, top = _legend(series, None)
    peak = max((max(s.values, default=0) for s in series), default=0)
    frame = _Frame(categories, peak, top, height)
    parts = frame.axes()
    for s in series:
        points = [(frame.centre(i), frame.y(v)) for i, v in enumerate(s.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2"/>')
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{s.color}"/>' for x, y in points
        ]
    return _svg(title, parts + keys, height)


# --- drawing --------------------------------------------------------------------------------------


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(f"series {s.label!r}: {len(s.values)} values, not {len(categories)}")


class _Frame:
    """The plot area: categories along x, values from 0 to a round maximum along y."""

    def __init__(self, categories: Sequence[str], peak: float, top: float, height: int) -> None:
        self.categories = list(categories)
        self.step = _nice_step(peak)
        self.maximum = max(self.step, math.ceil(peak / self.step - 1e-9) * self.step)
        self.plot_top = top
        self.width = WIDTH - LEFT - RIGHT
        self.bottom = height - BOTTOM
        self.height = self.bottom - top
        self.band = self.width / max(1, len(self.categories))

    def y(self, value: float) -> float:
        return self.plot_top + self.height * (1 - value / self.maximum)

    def centre(self, index: int) -> float:
        return LEFT + self.band * (index + 0.5)

    def axes(self) -> list[str]:
        parts = []
        ticks = round(self.maximum / self.step)
        for k in range(ticks + 1):
            value = k * self.step
            y = self.y(value)
            parts.append(
                f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                f'stroke="{GRID if k else MUTED}" stroke-width="1"/>'
            )
            parts.append(_text(LEFT - 6, y + 3.5, _number(value), anchor="end", fill=MUTED))
        every = max(1, math.ceil(len(self.categories) * 34 / self.width))
        for index, label in enumerate(self.categories):
            if index % every == 0:
                parts.append(_text(self.centre(index), self.bottom + 15, label, anchor="middle"))
        return parts

    def value_label(self, index: int, value: float) -> str:
        return _text(self.centre(index), self.y(value) - 3, _number(value), anchor="middle", size=9)

    def target(self, target: Target) -> str:
        y = self.y(target.value)
        return (
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )


def _group(frame: _Frame, index: int, series: Sequence[Series]) -> list[str]:
    width = min(frame.band * 0.76 / max(1, len(series)), MAX_BAR)
    inner = width * len(series)
    left = LEFT + frame.band * index + (frame.band - inner) / 2
    return [
        _rect(left + k * width, frame.y(s.values[index]), width * 0.92, s.values[index], frame, s)
        for k, s in enumerate(series)
        if s.values[index] > 0
    ]


def _stack(frame: _Frame, index: int, series: Sequence[Series]) -> list[str]:
    width = min(frame.band * 0.7, MAX_BAR)
    left = LEFT + frame.band * index + (frame.band - width) / 2
    parts, base = [], 0.0
    for s in series:
        value = s.values[index]
        if value > 0:
            parts.append(_rect(left, frame.y(base + value), width, value, frame, s))
            base += value
    return parts


def _rect(x: float, y: float, width: float, value: float, frame: _Frame, s: Series) -> str:
    height = frame.height * value / frame.maximum
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{s.color}"><title>{escape(s.label)}: {_number(value)}</title></rect>'
    )


def _legend(series: Sequence[Series], target: Target | None) -> tuple[list[str], float]:
    """The legend under the title, wrapped into rows; and where the plot may start."""
    entries = [(s.label, s.color, False) for s in series]
    if target is not None:
        entries.append((target.label, TARGET, True))
    parts: list[str] = []
    x, y = float(LEFT), 32.0
    for label, fill, dashed in entries:
        width = 15 + _text_width(label) + 14
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = float(LEFT), y + 16
        if dashed:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 12:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{fill}" stroke-width="1.5" stroke-dasharray="4 2"/>'
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{fill}"/>'
            )
        parts.append(_text(x + 15, y, label))
        x += width
    return parts, y + 14


def _svg(title: str, parts: list[str], height: int) -> Markup:
    body = "".join(parts)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-label={quoteattr(title)} font-family={quoteattr(FONT)} font-size="11">'
    )
    heading = _text(LEFT, 14, title, size=13, weight="bold")
    return Markup(f"{head}<title>{escape(title)}</title>{heading}{body}</svg>")


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = 11,
    fill: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def _text_width(text: str, size: int = 11) -> float:
    """Roughly: CJK characters are square, others about half as wide."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.55 for ch in text)


def _nice_step(peak: float) -> float:
    """A round gridline step (1, 2 or 5 times a power of ten) giving two to four lines up to
    `peak`; whole numbers from a peak of 1 up."""
    if peak <= 0:
        return 1.0
    raw = peak / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(f * magnitude for f in (1.0, 2.0, 5.0, 10.0) if f * magnitude >= raw)
    return max(step, 1.0) if peak >= 1 else step


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
