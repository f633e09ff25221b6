"""The tablet's staffing hint: how many MORE windows a queue needs than it has open now, and
only while people wait in it (`windows_short` in each queue's figures)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from metrics.erlang_hint import windows_short
from tests.metrics.driver import Hall


def test_the_hint_counts_the_windows_missing_not_the_windows_needed() -> None:
    assert windows_short(needed=4, open_now=1, waiting=12) == 3
    assert windows_short(needed=2, open_now=14, waiting=5) == 0  # 14 open: none missing


def test_no_hint_where_nobody_waits() -> None:
    assert windows_short(needed=3, open_now=0, waiting=0) == 0


def test_people_waiting_with_no_window_open_need_one() -> None:
    assert windows_short(needed=0, open_now=0, waiting=2) == 1  # moved in: no arrival here
    assert windows_short(needed=None, open_now=0, waiting=2) == 1  # hint unknown


@given(
    needed=st.none() | st.integers(0, 50),
    open_now=st.integers(0, 60),
    waiting=st.integers(0, 500),
)
def test_the_hint_never_asks_for_windows_that_are_open_already(
    needed: int | None, open_now: int, waiting: int
) -> None:
    short = windows_short(needed, open_now, waiting)

    assert short >= 0
    assert short == 0 or (waiting > 0 and open_now + short == max(needed or 0, 1))


def test_a_busy_queue_with_one_window_open_needs_the_rest() -> None:
    hall = Hall()
    hall.at("09:00").sign_in("1")  # window 1 serves A
    for minute in range(30):
        hall.at(f"09:{minute:02d}").issue("social")

    queue = hall.at("09:30").snapshot()["queues"]["A"]

    # 30 an hour at 6 min each: 4 windows (tests/metrics/test_live.py); 1 open serves A
    assert (queue["windows_needed"], queue["windows_open"]) == (4, 1)
    assert queue["windows_short"] == 3


def test_a_queue_with_enough_windows_or_nobody_waiting_has_no_hint() -> None:
    hall = Hall()
    hall.at("09:00").sign_in("1")
    hall.sign_in("2")  # windows 1 and 2 serve A
    hall.issue("social")

    busy = hall.at("09:01").snapshot()["queues"]
    assert (busy["A"]["windows_open"], busy["A"]["windows_short"]) == (2, 0)
    assert (busy["B"]["waiting"], busy["B"]["windows_short"]) == (0, 0)
