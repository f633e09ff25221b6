"""The day history behind the tablet's chart: one sample per minute, reset at local midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metrics.history import HALL, DayHistory, samples_of


def utc(text: str) -> float:
    """Epoch seconds of a UTC time written 'YYYY-MM-DD HH:MM:SS'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_a_minute_keeps_its_last_sample_stamped_with_the_minute_start() -> None:
    history = DayHistory("Asia/Shanghai")
    history.record(utc("2026-11-22 01:30:05"), {"A": (3, 360)})  # 09:30:05 in Shanghai
    history.record(utc("2026-11-22 01:30:55"), {"A": (4, 420)})
    history.record(utc("2026-11-22 01:31:00"), {"A": (5, None)})
    history.record(utc("2026-11-22 01:34:20"), {"A": (2, 120)})

    assert history.day == "2026-11-22"
    assert history.as_dict() == {
        "day": "2026-11-22",
        "step_s": 60,
        "series": {
            "A": [
                ["2026-11-22T01:30:00.000Z", 4, 420],
                ["2026-11-22T01:31:00.000Z", 5, None],
                ["2026-11-22T01:34:00.000Z", 2, 120],
            ]
        },
    }


def test_the_series_restart_at_midnight_in_the_halls_time_zone() -> None:
    history = DayHistory("Asia/Shanghai")  # UTC+8: local midnight is 16:00 UTC
    history.record(utc("2026-11-22 15:58:10"), {"A": (7, 900), HALL: (9, 900)})  # 23:58:10
    history.record(utc("2026-11-22 15:59:59"), {"A": (6, 840), HALL: (8, 840)})
    assert history.day == "2026-11-22"
    assert history.series("A") == [
        (utc("2026-11-22 15:58:00"), 7, 900),
        (utc("2026-11-22 15:59:00"), 6, 840),
    ]

    history.record(utc("2026-11-22 16:00:01"), {"A": (0, None), HALL: (0, None)})  # 00:00:01

    assert history.as_dict() == {
        "day": "2026-11-23",
        "step_s": 60,
        "series": {
            "A": [["2026-11-22T16:00:00.000Z", 0, None]],
            HALL: [["2026-11-22T16:00:00.000Z", 0, None]],
        },
    }


def test_samples_from_before_the_current_day_are_ignored() -> None:
    history = DayHistory("Asia/Shanghai")
    history.record(utc("2026-11-22 16:00:30"), {"A": (1, 60)})  # 2026-11-23 00:00:30
    history.record(utc("2026-11-22 15:59:30"), {"A": (9, 999)})  # a late sample of the 22nd
    history.record(utc("2026-11-22 16:00:10"), {"A": (2, 90)})  # earlier in the same minute

    assert history.day == "2026-11-23"
    assert history.series("A") == [(utc("2026-11-22 16:00:00"), 2, 90)]


def test_an_earlier_minute_of_the_same_day_does_not_rewrite_a_later_one() -> None:
    history = DayHistory("UTC")
    history.record(utc("2026-11-22 10:05:00"), {"A": (5, 300)})
    history.record(utc("2026-11-22 10:04:59"), {"A": (1, 60)})  # the clock stepped back

    assert history.series("A") == [(utc("2026-11-22 10:05:00"), 5, 300)]


def test_memory_is_one_point_per_minute_of_the_day_at_most() -> None:
    history = DayHistory("Asia/Shanghai")
    start = utc("2026-11-21 16:00:00")  # midnight of the 22nd in Shanghai
    for second in range(0, 24 * 3600, 15):  # a sample every 15 s, all day
        history.record(start + second, {"A": (second // 3600, None)})

    points = history.series("A")
    assert len(points) == 24 * 60
    assert points[-1] == (utc("2026-11-22 15:59:00"), 23, None)


def test_the_step_must_be_positive() -> None:
    with pytest.raises(ValueError, match="step_s"):
        DayHistory("UTC", step_s=0)


def test_samples_of_a_metrics_body_the_hall_takes_the_longest_expected_wait() -> None:
    body = {
        "queues": {
            "A": {"waiting": 4, "eta_new_s": 540, "longest_wait_s": 700},
            "B": {"waiting": 2, "eta_new_s": 1200},
            "C": {"waiting": 0, "eta_new_s": None},
        },
        "hall": {"waiting": 6},
    }

    assert samples_of(body) == {
        "A": (4, 540),
        "B": (2, 1200),
        "C": (0, None),
        HALL: (6, 1200),
    }


def test_samples_of_a_hall_with_no_estimate_at_all() -> None:
    body = {"queues": {"A": {"waiting": 3, "eta_new_s": None}}, "hall": {"waiting": 3}}

    assert samples_of(body) == {"A": (3, None), HALL: (3, None)}
