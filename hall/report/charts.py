"""The report's charts: which figures each one draws (SVG by `svg.py`). A chart with nothing
to draw is None; the page says so instead."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from displays.i18n import rating_label, t
from hall.report.figures import Report
from hall.report.svg import Series, Target, bar_chart, color, line_chart

PROFILE_COLORS = ("#4e79a7", "#e15759")
WAIT_COLORS = ("#4e79a7", "#76b7b2", "#f28e2b")
SMALL = 190
"""The height of charts with few bars."""
RATING_COLORS = {5: "#2e7d32", 4: "#7cb342", 3: "#fbc02d", 2: "#fb8c00", 1: "#d32f2f"}


@dataclass(frozen=True, slots=True)
class Charts:
    issued: Markup | None
    profile: Markup | None
    waits: Markup | None
    windows: Markup | None
    ratings: Markup | None


def charts(report: Report, lang: str) -> Charts:
    return Charts(
        issued=_issued(report, lang),
        profile=_profile(report, lang),
        waits=_waits(report, lang),
        windows=_windows(report, lang),
        ratings=_ratings(report, lang),
    )


def _hour_labels(report: Report) -> list[str]:
    return [hour.label[:2] for hour in report.hours]


def _issued(report: Report, lang: str) -> Markup | None:
    lines = [line for line in report.issued_by_queue if line.total]
    if not lines:
        return None
    series = [
        Series(line.name, tuple(float(n) for n in line.per_hour), color(i))
        for i, line in enumerate(lines)
    ]
    title = t("report.chart.issued", lang)
    return bar_chart(title, _hour_labels(report), series, stacked=True, totals=True)


def _profile(report: Report, lang: str) -> Markup | None:
    if not report.hours:
        return None
    mean = tuple(hour.waiting_mean for hour in report.hours)
    peak = tuple(float(hour.waiting_peak) for hour in report.hours)
    series = [
        Series(t("report.col.waiting_mean", lang), mean, PROFILE_COLORS[0]),
        Series(t("report.col.waiting_peak", lang), peak, PROFILE_COLORS[1]),
    ]
    return line_chart(t("report.chart.profile", lang), _hour_labels(report), series)


def _waits(report: Report, lang: str) -> Markup | None:
    queues = [q for q in report.queues if q.waits.count]
    if not queues:
        return None
    figures = (
        ("report.series.mean", "mean"),
        ("report.series.p50", "p50"),
        ("report.series.p90", "p90"),
    )
    series = [
        Series(
            t(key, lang),
            tuple((getattr(q.waits, name) or 0.0) / 60 for q in queues),
            WAIT_COLORS[i],
        )
        for i, (key, name) in enumerate(figures)
    ]
    minutes = report.target_minutes
    target = Target(minutes, t("report.series.target", lang, minutes=f"{minutes:g}"))
    title = t("report.chart.waits", lang)
    return bar_chart(title, [q.name for q in queues], series, target=target)


def _windows(report: Report, lang: str) -> Markup | None:
    windows = [w for w in report.windows if w.called or w.service.count]
    if not windows:
        return None
    served = Series(
        t("report.col.served", lang), tuple(float(w.service.count) for w in windows), color(0)
    )
    title = t("report.chart.windows", lang)
    names = [w.name for w in windows]
    return bar_chart(title, names, [served], totals=True, height=SMALL)


def _ratings(report: Report, lang: str) -> Markup | None:
    if not any(count for _, count in report.ratings_by_score):
        return None
    labels = [rating_label(score, lang) for score, _ in report.ratings_by_score]
    series = [
        Series(
            rating_label(score, lang),
            tuple(float(count) if s == score else 0.0 for s, count in report.ratings_by_score),
            RATING_COLORS[score],
        )
        for score, _ in report.ratings_by_score
    ]
    title = t("report.chart.ratings", lang)
    return bar_chart(title, labels, series, stacked=True, totals=True, legend=False, height=SMALL)
