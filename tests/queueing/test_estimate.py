"""Expected waits: the routing policy run forward over the open windows, checked by hand."""

from __future__ import annotations

import pytest

from queueing import commands as cmd
from queueing.estimate import estimate_waits, estimate_work
from tests.queueing.conftest import Hall

SIX_MINUTES = 360.0  # queue A's configured service time


def test_one_idle_window_three_tickets(hall: Hall) -> None:
    hall.open("1")
    tickets = [hall.issue() for _ in range(3)]

    estimate = estimate_waits(hall.state, hall.t)

    assert estimate.at == hall.t
    assert [estimate.tickets[t.id] for t in tickets] == [0.0, 360.0, 720.0]
    assert estimate.new_ticket == {"A": 1080.0}


def test_a_window_serving_frees_up_when_its_ticket_is_expected_to_finish(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.advance(minutes=1)
    hall.do(cmd.Start("1"))
    hall.advance(minutes=2)
    waiting = hall.issue()

    estimate = estimate_waits(hall.state, hall.t)

    assert estimate.tickets == {waiting.id: 240.0}
    assert estimate.new_ticket == {"A": 600.0}


def test_an_overrunning_service_still_takes_a_fifth_of_its_expected_time(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.advance(minutes=30)

    estimate = estimate_waits(hall.state, hall.t)

    assert estimate.new_ticket == {"A": 0.2 * SIX_MINUTES}


def test_two_windows_share_a_queue(hall: Hall) -> None:
    hall.open("1")
    hall.do(cmd.SetWindowQueues("2", {"A": 1.0}))
    hall.open("2")
    tickets = [hall.issue() for _ in range(4)]

    estimate = estimate_waits(hall.state, hall.t)

    assert [estimate.tickets[t.id] for t in tickets] == [0.0, 0.0, 360.0, 360.0]
    assert estimate.new_ticket == {"A": 720.0}


def test_service_times_are_learned_after_five_finished_tickets(hall: Hall) -> None:
    hall.open("1")
    for _ in range(5):
        hall.issue()
        hall.call("1")
        hall.advance(minutes=2)
        assert hall.state.expected_service_seconds("A") == SIX_MINUTES
        hall.do(cmd.Finish("1"))

    assert hall.state.expected_service_seconds("A") == 120.0
    waiting = [hall.issue(), hall.issue()]
    estimate = estimate_waits(hall.state, hall.t)
    assert [estimate.tickets[t.id] for t in waiting] == [0.0, 120.0]
    assert estimate.new_ticket == {"A": 240.0}


def test_tickets_no_open_window_serves_are_absent(hall: Hall) -> None:
    hall.open("1", "3")
    hall.do(cmd.Pause("3", "lunch"))
    social, tax = hall.issue("social"), hall.issue("tax")
    hall.issue("permit")

    estimate = estimate_waits(hall.state, hall.t)

    assert set(estimate.tickets) == {social.id}
    assert set(estimate.new_ticket) == {"A"}
    assert tax.id not in estimate.tickets


def test_a_closed_hall_has_no_estimates(hall: Hall) -> None:
    hall.issue()

    estimate = estimate_waits(hall.state, hall.t)

    assert (dict(estimate.tickets), dict(estimate.new_ticket)) == ({}, {})


def test_priority_and_transferred_tickets_are_estimated_ahead(hall: Hall) -> None:
    hall.open("1", "2")
    hall.issue()
    moved = hall.call("2")
    assert moved is not None
    hall.do(cmd.Transfer("2", to_window="1"))
    hall.do(cmd.SignOut("2"))
    walk_in = hall.issue()
    green = hall.issue("social", "green")

    estimate = estimate_waits(hall.state, hall.t)

    assert estimate.tickets == {moved.id: 0.0, green.id: 360.0, walk_in.id: 720.0}


@pytest.mark.parametrize("waiting", [0, 1, 5])
def test_a_new_ticket_waits_behind_everyone_in_its_queue(hall: Hall, waiting: int) -> None:
    hall.open("1")
    for _ in range(waiting):
        hall.issue()

    estimate = estimate_waits(hall.state, hall.t)

    assert estimate.new_ticket["A"] == waiting * SIX_MINUTES


def test_an_estimates_work_grows_with_open_windows_and_waiting_tickets(hall: Hall) -> None:
    queues = len(hall.state.config.queues)
    assert estimate_work(hall.state) == queues
    for _ in range(3):
        hall.issue()
    assert estimate_work(hall.state) == 3 + queues
    hall.open("1")
    assert estimate_work(hall.state) == 2 * (3 + queues)
