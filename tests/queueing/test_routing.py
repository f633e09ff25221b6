"""Who is next for a window: transferred tickets, overdue tickets, priority with a cap, weighted
or strict choice over the window's profile. First `choose_next` alone, then through `decide`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from queueing import commands as cmd
from queueing.config import Rules
from queueing.routing import Choice, Head, choose_next
from tests.queueing.conftest import Hall, hall_config

NOW = 100_000.0
MINUTE = 60.0


class FakeLines:
    """Lines given as heads: queue (or window) -> (issued_at, ticket id) of the front ticket."""

    def __init__(
        self,
        normal: Mapping[str, Head] | None = None,
        priority: Mapping[str, Head] | None = None,
        directed: Mapping[str, Head] | None = None,
    ) -> None:
        self.normal = dict(normal or {})
        self.priority = dict(priority or {})
        self.directed = dict(directed or {})

    def head(self, queue: str) -> Head | None:
        return self.normal.get(queue)

    def priority_head(self, queue: str) -> Head | None:
        return self.priority.get(queue)

    def window_head(self, window: str) -> Head | None:
        return self.directed.get(window)


def waited(minutes: float, ticket: str) -> Head:
    return (NOW - minutes * MINUTE, ticket)


def choose(
    lines: FakeLines,
    profile: Mapping[str, float] | None = None,
    streak: int = 0,
    **rules: Any,
) -> Choice | None:
    chosen_rules = Rules(**rules)
    return choose_next(chosen_rules, "W", profile or {"A": 1.0, "B": 1.0}, streak, lines, NOW)


def test_nothing_waiting_means_no_choice() -> None:
    assert choose(FakeLines()) is None


def test_a_ticket_transferred_to_the_window_goes_first() -> None:
    lines = FakeLines(
        normal={"A": waited(120, "overdue")},
        priority={"A": waited(5, "green")},
        directed={"W": waited(1, "mine"), "X": waited(50, "other window's")},
    )

    assert choose(lines) == Choice("mine", False)


def test_an_overdue_ticket_jumps_ahead_of_priority_and_weights() -> None:
    lines = FakeLines(
        normal={"A": waited(61, "overdue"), "B": waited(59, "long")},
        priority={"B": waited(30, "green")},
    )

    assert choose(lines, {"A": 0.01, "B": 100.0}, max_wait_minutes=60) == Choice("overdue", False)


def test_the_longest_overdue_ticket_goes_first_even_a_priority_one() -> None:
    lines = FakeLines(
        normal={"A": waited(70, "walk-in")},
        priority={"B": waited(90, "green")},
    )

    assert choose(lines, max_wait_minutes=60, priority_cap=1, streak=5) == Choice("green", True)


def test_a_ticket_at_exactly_the_maximum_wait_is_not_overdue() -> None:
    lines = FakeLines(normal={"A": waited(60, "at limit")}, priority={"B": waited(1, "green")})

    assert choose(lines, max_wait_minutes=60) == Choice("green", True)


def test_priority_tickets_go_before_walk_ins_below_the_cap() -> None:
    lines = FakeLines(normal={"A": waited(40, "walk-in")}, priority={"B": waited(1, "green")})

    assert choose(lines, streak=2, priority_cap=3) == Choice("green", True)


def test_a_walk_in_goes_first_once_the_cap_is_reached() -> None:
    lines = FakeLines(normal={"A": waited(1, "walk-in")}, priority={"B": waited(40, "green")})

    assert choose(lines, streak=3, priority_cap=3) == Choice("walk-in", False)


def test_priority_tickets_are_called_past_the_cap_when_no_walk_in_waits() -> None:
    lines = FakeLines(priority={"B": waited(1, "green")})

    assert choose(lines, streak=10, priority_cap=3) == Choice("green", True)


@pytest.mark.parametrize(
    ("wait_a", "wait_b", "expected"),
    [
        (10, 15, "a"),  # 1.0 x 10 > 0.5 x 15
        (10, 25, "b"),  # 0.5 x 25 > 1.0 x 10
        (0, 1, "b"),
    ],
)
def test_weighted_takes_the_largest_weight_times_wait(
    wait_a: float, wait_b: float, expected: str
) -> None:
    lines = FakeLines(normal={"A": waited(wait_a, "a"), "B": waited(wait_b, "b")})

    assert choose(lines, {"A": 1.0, "B": 0.5}) == Choice(expected, False)


def test_weighted_also_chooses_among_priority_lines() -> None:
    lines = FakeLines(priority={"A": waited(10, "a"), "B": waited(30, "b")})

    assert choose(lines, {"A": 1.0, "B": 0.5}) == Choice("b", True)


def test_strict_takes_the_heaviest_queue_with_a_ticket_however_long_others_waited() -> None:
    lines = FakeLines(normal={"A": waited(50, "a"), "B": waited(1, "b"), "C": waited(2, "c")})
    profile = {"A": 0.5, "B": 2.0, "C": 2.0}

    assert choose(lines, profile, routing="strict") == Choice("b", False)
    del lines.normal["B"]
    assert choose(lines, profile, routing="strict") == Choice("c", False)
    del lines.normal["C"]
    assert choose(lines, profile, routing="strict") == Choice("a", False)


def test_strict_keeps_priority_and_overdue_rules() -> None:
    lines = FakeLines(normal={"A": waited(5, "a")}, priority={"B": waited(1, "green")})
    profile = {"A": 2.0, "B": 1.0}

    assert choose(lines, profile, routing="strict") == Choice("green", True)
    assert choose(lines, profile, 3, routing="strict", priority_cap=3) == Choice("a", False)
    lines.normal["B"] = waited(61, "overdue")
    assert choose(lines, profile, routing="strict", max_wait_minutes=60) == Choice("overdue", False)


@pytest.mark.parametrize("routing", ["weighted", "strict"])
def test_a_window_never_gets_a_ticket_outside_its_profile(routing: str) -> None:
    lines = FakeLines(
        normal={"B": waited(300, "b")},
        priority={"C": waited(300, "c")},
        directed={"X": waited(300, "x")},
    )

    assert choose(lines, {"A": 1.0}, routing=routing) is None


# --- through decide --------------------------------------------------------------------------


def test_the_priority_cap_lets_walk_ins_through() -> None:
    hall = Hall(hall_config({"priority_cap": 3}))
    hall.open("1")
    for priority in ("normal", "normal", "green", "green", "green", "green", "green"):
        hall.issue("social", priority)
        hall.advance(seconds=10)

    called = []
    while (ticket := hall.call("1")) is not None:
        called.append(ticket.priority)
        hall.do(cmd.Finish("1"))

    assert called == ["green"] * 3 + ["normal"] + ["green"] * 2 + ["normal"]
    assert hall.state.windows["1"].priority_streak == 0


def test_the_streak_is_per_window() -> None:
    hall = Hall(hall_config({"priority_cap": 1}))
    hall.open("1", "2")
    hall.issue("social", "green")
    hall.issue("social", "green")
    hall.issue("social")

    first, second = hall.serve("1"), hall.serve("2")

    assert (first.priority, second.priority) == ("green", "green")
    assert hall.serve("1").priority == "normal"


def test_an_overdue_walk_in_is_called_before_a_fresh_green_ticket() -> None:
    hall = Hall(hall_config({"max_wait_minutes": 30}))
    hall.open("1")
    old = hall.issue()
    hall.advance(minutes=20)
    hall.issue("social", "green")
    hall.advance(minutes=11)

    assert hall.serve("1").id == old.id


def test_call_next_follows_the_weights_of_the_window_profile() -> None:
    hall = Hall()
    hall.open("2")  # A at weight 1, B at weight 0.5
    tax = hall.issue("tax")
    hall.advance(minutes=10)
    social = hall.issue("social")
    hall.advance(minutes=6)

    # A waited 6 min (score 6), B waited 16 min (score 8): B goes first.
    assert [hall.serve("2").id, hall.serve("2").id] == [tax.id, social.id]


def test_strict_routing_serves_the_profile_in_order() -> None:
    hall = Hall(hall_config({"routing": "strict"}))
    hall.open("2")  # A before B
    tax = hall.issue("tax")
    hall.advance(minutes=50)
    social = hall.issue("social")

    assert [hall.serve("2").id, hall.serve("2").id] == [social.id, tax.id]


def test_a_ticket_transferred_to_a_window_goes_ahead_of_its_queue() -> None:
    hall = Hall()
    hall.open("1", "2")
    hall.issue()
    moved = hall.call("1")
    assert moved is not None
    hall.issue("social", "green")
    hall.do(cmd.Transfer("1", to_window="2"))

    assert hall.serve("2").id == moved.id
