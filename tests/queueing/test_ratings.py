"""Ratings (好差评): requested on finish, one per ticket, follow-up cases for low scores, expiry."""

from __future__ import annotations

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.model import Ticket
from tests.queueing.conftest import Hall, hall_config, local, of_type


def finished_at(hall: Hall, window: str = "1", service: str = "social") -> Ticket:
    """Open `window`, issue a ticket, call and finish it there."""
    hall.open(window)
    hall.issue(service)
    return hall.serve(window)


def test_a_finished_ticket_requests_a_rating_at_its_window(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    ticket = hall.serve("1")

    requested = of_type(hall.log, ev.RatingRequested)[0]
    assert (requested.ticket.id, requested.window, requested.clerk) == (ticket.id, "1", "staff-1")
    assert requested.requested_at == hall.t
    pending = hall.state.ratings[ticket.id]
    assert (pending.number, pending.window, pending.clerk) == ("A001", "1", "staff-1")


def test_a_rating_is_recorded_once(hall: Hall) -> None:
    ticket = finished_at(hall)

    events = hall.do(cmd.Rate(ticket.id, 4, ("快",), "很好", window="1"))

    submitted = of_type(events, ev.RatingSubmitted)[0]
    assert (submitted.ticket, submitted.number, submitted.window, submitted.clerk) == (
        ticket.id,
        "A001",
        "1",
        "staff-1",
    )
    assert (submitted.score, submitted.reasons, submitted.comment) == (4, ("快",), "很好")
    assert submitted.snapshot is not None
    assert (submitted.snapshot.id, submitted.snapshot.state) == (ticket.id, "finished")
    assert of_type(events, ev.FollowUpOpened) == []
    assert ticket.id not in hall.state.ratings
    assert hall.refuse(cmd.Rate(ticket.id, 5)) == "no_rating_pending"


@pytest.mark.parametrize("score", [1, 2])
def test_a_low_rating_opens_a_follow_up_case_with_a_deadline(score: int) -> None:
    hall = Hall(hall_config({"follow_up_days": 3}))
    ticket = finished_at(hall)
    hall.advance(minutes=1)

    events = hall.do(cmd.Rate(ticket.id, score, ("态度差",)))

    case = of_type(events, ev.FollowUpOpened)[0]
    assert (case.ticket, case.number, case.window, case.clerk, case.score) == (
        ticket.id,
        "A001",
        "1",
        "staff-1",
        score,
    )
    assert case.case == f"FU-{ticket.id}"
    assert case.deadline == local("17:30", "2024-03-05").timestamp()  # 1 working day: callback


@pytest.mark.parametrize("score", [3, 4, 5])
def test_ratings_of_three_and_above_open_no_case(hall: Hall, score: int) -> None:
    ticket = finished_at(hall)

    assert of_type(hall.do(cmd.Rate(ticket.id, score)), ev.FollowUpOpened) == []


@pytest.mark.parametrize(
    ("rate", "code"),
    [
        (cmd.Rate("T", 0), "invalid_score"),
        (cmd.Rate("T", 6), "invalid_score"),
        (cmd.Rate("T", -1), "invalid_score"),
        (cmd.Rate("T", True), "invalid_score"),
        (cmd.Rate("nope", 5), "no_rating_pending"),
        (cmd.Rate("T", 5, window="2"), "not_your_window"),
        (cmd.Rate("T", 5, comment="x" * 501), "invalid_text"),
        (cmd.Rate("T", 5, reasons=("ok", "x" * 201)), "invalid_text"),
    ],
)
def test_rating_refusals(hall: Hall, rate: cmd.Rate, code: str) -> None:
    ticket = finished_at(hall)
    if rate.ticket == "T":
        rate = cmd.Rate(ticket.id, rate.score, rate.reasons, rate.comment, rate.window)

    assert hall.refuse(rate) == code


def test_no_rating_within_the_timeout_counts_as_not_rated() -> None:
    hall = Hall(hall_config({"rating_timeout_seconds": 120}))
    ticket = finished_at(hall)
    hall.advance(seconds=120)
    assert of_type(hall.do(cmd.Tick()), ev.RatingExpired) == []

    hall.advance(seconds=1)
    expired = of_type(hall.do(cmd.Tick()), ev.RatingExpired)

    assert [(e.ticket, e.window, e.reason) for e in expired] == [(ticket.id, "1", "timeout")]
    assert hall.state.ratings == {}
    assert hall.refuse(cmd.Rate(ticket.id, 5)) == "no_rating_pending"


def test_calling_the_next_ticket_at_a_window_ends_its_pending_rating(hall: Hall) -> None:
    """The pad shows the window's current citizen: once the next one is called, the previous
    citizen's rating is over (`next_called`), and the new citizen is never asked to rate it."""
    first = finished_at(hall)
    hall.issue()

    events = hall.do(cmd.CallNext("1"))

    expired = of_type(events, ev.RatingExpired)
    assert [(e.ticket, e.window, e.reason) for e in expired] == [(first.id, "1", "next_called")]
    assert first.id not in hall.state.ratings
    assert hall.refuse(cmd.Rate(first.id, 5)) == "no_rating_pending"


def test_calling_at_another_window_leaves_a_pending_rating_alone(hall: Hall) -> None:
    first = finished_at(hall, "1")
    hall.open("2")
    hall.issue()

    hall.do(cmd.CallNext("2"))

    assert of_type(hall.log, ev.RatingExpired) == []
    assert first.id in hall.state.ratings


def test_the_next_finish_at_a_window_closes_its_pending_rating(hall: Hall) -> None:
    first = finished_at(hall)
    hall.issue()

    hall.serve("1")

    assert [e.ticket for e in of_type(hall.log, ev.RatingExpired)] == [first.id]
    assert first.id not in hall.state.ratings


def test_a_rating_pending_at_another_window_is_left_alone(hall: Hall) -> None:
    first = finished_at(hall, "1")
    second = finished_at(hall, "3", "tax")

    assert set(hall.state.ratings) == {first.id, second.id}
    assert of_type(hall.log, ev.RatingExpired) == []


def test_each_step_of_a_bundle_is_rated_at_its_own_window(hall: Hall) -> None:
    ticket = finished_at(hall, "1", "startup")
    hall.open("3")
    hall.serve("3")

    expired = of_type(hall.log, ev.RatingExpired)
    assert [(e.ticket, e.window) for e in expired] == [(ticket.id, "1")]
    assert hall.state.ratings[ticket.id].window == "3"
    hall.do(cmd.Rate(ticket.id, 5, window="3"))
