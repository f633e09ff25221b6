"""The report's pure parts: dates and hour slots, nearest-rank percentiles, SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from hall.report.day import BadDate, ReportDay, parse_date
from hall.report.figures import durations, nearest_rank
from hall.report.svg import Series, Target, bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("text", ["2026-11-22", "2024-02-29"])
def test_a_calendar_date_is_a_date(text: str) -> None:
    assert parse_date(text) == text


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "20261122", "22/11/2026", "", "x"])
def test_anything_else_is_a_bad_date(text: str) -> None:
    with pytest.raises(BadDate):
        parse_date(text)


def test_a_shanghai_day_starts_at_16_utc() -> None:
    day = ReportDay.of("2026-11-22", "Asia/Shanghai", now=0.0)
    midnight = datetime(2026, 11, 21, 16, tzinfo=UTC).timestamp()
    assert (day.start, day.end) == (midnight, midnight + 86400)
    assert day.slots == 24 and not day.begun
    assert day.label(0) == "00:00" and day.label(23) == "23:00"
    assert day.slot_of(day.start + 3599) == 0 and day.slot_of(day.start + 3600) == 1


def test_a_day_with_a_clock_change_has_25_hour_slots() -> None:
    day = ReportDay.of("2026-11-01", "America/New_York", now=2e9)  # clocks go back at 02:00
    assert day.slots == 25
    assert [day.label(s) for s in range(4)] == ["00:00", "01:00", "01:00", "02:00"]
    assert day.until == day.end and not day.partial


def test_nearest_rank_percentiles() -> None:
    samples = [120.0, 120, 180, 300, 360, 480, 120]
    assert durations(samples).p50 == 180  # rank ceil(3.5) = 4 of 7
    assert durations(samples).p90 == 480  # rank 7
    assert nearest_rank([5.0], 0.9) == 5.0
    assert durations([]).mean is None and durations([]).p50 is None


def test_a_bar_chart_is_valid_svg_with_a_bar_per_value() -> None:
    svg = bar_chart(
        "等候 <时间> & 目标",
        ["综合受理", "税务"],
        [Series("平均", (4.0, 15.75), "#4e79a7"), Series("90%", (8.0, 25.0), "#f28e2b")],
        target=Target(10, "目标 10 分钟"),
    )
    root = ET.fromstring(svg)  # escaped and well formed
    assert root.get("aria-label") == "等候 <时间> & 目标"
    assert len(root.findall(f"{NS}rect")) == 4 + 2  # bars, then the legend's swatches
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"综合受理", "税务", "平均", "90%", "目标 10 分钟"} <= set(texts)
    assert root.findall(f"{NS}line")[-1].get("stroke-dasharray")  # the target line


def test_a_stacked_chart_writes_each_total() -> None:
    svg = bar_chart(
        "t",
        ["08", "09"],
        [Series("A", (1, 3), "#111"), Series("B", (0, 2), "#222")],
        stacked=True,
        totals=True,
        legend=False,
    )
    root = ET.fromstring(svg)
    assert len(root.findall(f"{NS}rect")) == 3  # no bar for a zero
    assert {"1", "5"} <= {t.text for t in root.iter(f"{NS}text")}


def test_a_line_chart_has_a_point_per_value() -> None:
    svg = line_chart("t", ["a", "b", "c"], [Series("x", (0.5, 1.8, 0.0), "#111")])
    root = ET.fromstring(svg)
    assert len(root.findall(f"{NS}circle")) == 3
    assert len(root.find(f"{NS}polyline").get("points", "").split()) == 3  # type: ignore[union-attr]


def test_series_must_match_the_categories() -> None:
    with pytest.raises(ValueError, match="2 values, not 3"):
        bar_chart("t", ["a", "b", "c"], [Series("x", (1, 2), "#111")])
