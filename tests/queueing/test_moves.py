"""A floor manager's actions on waiting tickets: move one to another queue or direct it to one
window (`move_ticket`), put one in the green channel (`prioritise_ticket`)."""

from __future__ import annotations

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.estimate import estimate_waits
from queueing.model import GREEN, NORMAL, WAITING, Ticket
from tests.queueing.conftest import Hall, local, of_type

# --- move to a queue -------------------------------------------------------------------------


def test_a_ticket_moved_to_a_queue_keeps_number_issue_time_and_time_waited(hall: Hall) -> None:
    ticket = hall.issue()
    hall.advance(minutes=10)

    events = hall.do(cmd.MoveTicket(ticket.id, to_queue="B"))

    moved = of_type(events, ev.TicketMoved)
    assert len(moved) == 1 and len(events) == 1
    assert (moved[0].from_queue, moved[0].to_queue, moved[0].to_window) == ("A", "B", None)
    assert moved[0].from_window is None
    after = hall.ticket(ticket.id)
    assert (after.number, after.queue, after.state) == ("A001", "B", WAITING)
    assert after.priority == NORMAL
    assert (after.issued_at, after.waiting_since) == (ticket.issued_at, ticket.waiting_since)
    assert hall.state.lines["A"] == ()
    assert hall.state.lines["B"] == (ticket.id,)
    assert hall.state.waiting_counts() == {"A": 0, "B": 1, "C": 0}


def test_a_moved_ticket_goes_ahead_of_the_tickets_that_waited_less() -> None:
    hall = Hall()
    early_b = hall.issue("tax")  # 09:00
    hall.advance(minutes=5)
    moved = hall.issue()  # 09:05, queue A
    hall.advance(minutes=5)
    late_b = hall.issue("tax")  # 09:10
    hall.advance(minutes=5)

    hall.do(cmd.MoveTicket(moved.id, to_queue="B"))

    assert hall.state.lines["B"] == (early_b.id, moved.id, late_b.id)
    hall.open("3")
    assert [hall.serve("3").id for _ in range(3)] == [early_b.id, moved.id, late_b.id]


def test_a_green_ticket_moves_to_the_other_queues_priority_line(hall: Hall) -> None:
    green = hall.issue(priority="green")
    walk_in = hall.issue("tax")

    hall.do(cmd.MoveTicket(green.id, to_queue="B"))

    assert hall.state.priority_lines["B"] == (green.id,)
    assert hall.state.lines["B"] == (walk_in.id,)
    hall.open("3")
    assert hall.serve("3").id == green.id


def test_a_moved_bundle_ticket_changes_only_its_current_steps_queue(hall: Hall) -> None:
    hall.open("4", "3")
    ticket = hall.issue("startup")  # steps A then B
    hall.do(cmd.MoveTicket(ticket.id, to_queue="C"))

    assert hall.serve("4").id == ticket.id

    after = hall.ticket(ticket.id)
    assert (after.queue, after.step, after.state) == ("B", 1, WAITING)
    assert hall.state.service_stats == {"C": (1, 0.0)}
    assert hall.serve("3").id == ticket.id
    assert ticket.id not in hall.state.tickets


# --- move to a window ------------------------------------------------------------------------


def test_a_ticket_directed_to_a_window_is_called_there_first_even_outside_its_profile(
    hall: Hall,
) -> None:
    hall.open("1", "3")
    first = hall.issue("tax")
    ticket = hall.issue()  # queue A; window 3 serves only B

    events = hall.do(cmd.MoveTicket(ticket.id, to_window="3"))

    moved = of_type(events, ev.TicketMoved)[0]
    assert (moved.from_queue, moved.to_queue, moved.to_window) == ("A", None, "3")
    after = hall.ticket(ticket.id)
    assert (after.queue, after.target_window, after.state) == ("A", "3", WAITING)
    assert hall.state.window_lines["3"] == (ticket.id,)
    assert ticket.id not in hall.state.waiting_tickets("A")
    assert hall.state.waiting_counts() == {"A": 1, "B": 1, "C": 0}
    assert hall.call("1") is None  # window 1 serves A, but the ticket waits for window 3
    assert hall.refuse(cmd.CallTicket("1", ticket.id)) == "not_your_window"
    assert hall.serve("3").id == ticket.id
    assert hall.serve("3").id == first.id


def test_a_ticket_may_be_directed_to_a_closed_window_which_calls_it_once_open(hall: Hall) -> None:
    ticket = hall.issue()

    hall.do(cmd.MoveTicket(ticket.id, to_window="4"))

    assert hall.status("4") == "closed"
    assert hall.ticket(ticket.id).target_window == "4"
    hall.open("4")
    assert hall.serve("4").id == ticket.id


def test_a_directed_ticket_moves_to_another_window_or_back_to_its_queue(hall: Hall) -> None:
    earlier = hall.issue()
    hall.advance(minutes=1)
    ticket = hall.issue()
    hall.advance(minutes=1)
    later = hall.issue()
    hall.do(cmd.MoveTicket(ticket.id, to_window="3"))

    events = hall.do(cmd.MoveTicket(ticket.id, to_window="4"))

    assert of_type(events, ev.TicketMoved)[0].from_window == "3"
    assert (hall.state.window_lines["3"], hall.state.window_lines["4"]) == ((), (ticket.id,))

    events = hall.do(cmd.MoveTicket(ticket.id, to_queue="A"))

    moved = of_type(events, ev.TicketMoved)[0]
    assert (moved.from_queue, moved.to_queue, moved.from_window) == ("A", "A", "4")
    assert hall.ticket(ticket.id).target_window is None
    assert hall.state.window_lines["4"] == ()
    assert hall.state.lines["A"] == (earlier.id, ticket.id, later.id)


def test_tickets_directed_to_one_window_line_up_by_time_waited(hall: Hall) -> None:
    hall.open("1")
    old = hall.issue()  # 09:00
    hall.advance(minutes=10)
    handed_over = hall.issue()
    hall.do(cmd.CallTicket("1", handed_over.id))
    hall.advance(minutes=1)
    hall.do(cmd.Transfer("1", to_window="2"))  # waits for window 2 since 09:11
    hall.advance(minutes=1)

    hall.do(cmd.MoveTicket(old.id, to_window="2"))

    assert hall.state.window_lines["2"] == (old.id, handed_over.id)


# --- move refusals ---------------------------------------------------------------------------


def _missed_and_parked(hall: Hall) -> None:
    """A001 in hand at window 1 becomes missed; A002 called and parked; A003 called, in hand."""
    hall.do(cmd.NoShow("1"))
    hall.call("1")  # A002
    hall.do(cmd.Park("1"))
    hall.call("1")  # A003


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (cmd.MoveTicket("nope", to_queue="B"), "unknown_ticket"),
        (cmd.MoveTicket("20240304-A001", to_queue="B"), "not_waiting"),  # missed
        (cmd.MoveTicket("20240304-A002", to_queue="B"), "not_waiting"),  # parked
        (cmd.MoveTicket("20240304-A003", to_queue="B"), "not_waiting"),  # called
        (cmd.MoveTicket("20240304-A004"), "bad_request"),
        (cmd.MoveTicket("20240304-A004", to_queue="B", to_window="2"), "bad_request"),
        (cmd.MoveTicket("20240304-A004", to_queue="Z"), "unknown_queue"),
        (cmd.MoveTicket("20240304-A004", to_window="9"), "unknown_window"),
        (cmd.MoveTicket("20240304-A004", to_queue="A"), "same_target"),
        (cmd.MoveTicket("20240304-B001", to_window="2"), "same_target"),
    ],
)
def test_move_refusals(hall: Hall, command: cmd.MoveTicket, code: str) -> None:
    hall.open("1")
    for _ in range(4):
        hall.issue()
    hall.issue("tax")
    hall.do(cmd.MoveTicket("20240304-B001", to_window="2"))
    hall.call("1")  # A001
    _missed_and_parked(hall)
    assert hall.ticket("20240304-A004").state == WAITING

    assert hall.refuse(command) == code


def test_a_directed_ticket_may_go_back_to_its_own_queue(hall: Hall) -> None:
    ticket = hall.issue("tax")
    hall.do(cmd.MoveTicket(ticket.id, to_window="2"))

    hall.do(cmd.MoveTicket(ticket.id, to_queue="B"))

    assert hall.state.lines["B"] == (ticket.id,)


# --- prioritise ------------------------------------------------------------------------------


def test_a_prioritised_ticket_is_green_and_called_before_walk_ins(hall: Hall) -> None:
    hall.open("1")
    first = hall.issue()
    hall.advance(minutes=1)
    second = hall.issue()

    events = hall.do(cmd.PrioritiseTicket(second.id))

    assert [e.name for e in events] == ["ticket.prioritised"]
    after = of_type(events, ev.TicketPrioritised)[0].ticket
    assert (after.priority, after.queue, after.state) == (GREEN, "A", WAITING)
    assert (after.issued_at, after.waiting_since) == (second.issued_at, second.waiting_since)
    assert hall.state.priority_lines["A"] == (second.id,)
    assert hall.state.lines["A"] == (first.id,)
    assert hall.state.waiting_counts() == {"A": 2, "B": 0, "C": 0}
    assert [hall.serve("1").id, hall.serve("1").id] == [second.id, first.id]


def test_a_prioritised_ticket_goes_ahead_of_green_tickets_that_waited_less(hall: Hall) -> None:
    walk_in = hall.issue()
    hall.advance(minutes=5)
    green = hall.issue(priority="green")

    hall.do(cmd.PrioritiseTicket(walk_in.id))

    assert hall.state.priority_lines["A"] == (walk_in.id, green.id)


def test_a_prioritised_directed_ticket_keeps_its_place_in_the_windows_line(hall: Hall) -> None:
    first, second = hall.issue(), hall.issue()
    for ticket in (first, second):
        hall.do(cmd.MoveTicket(ticket.id, to_window="3"))

    hall.do(cmd.PrioritiseTicket(second.id))

    assert hall.state.window_lines["3"] == (first.id, second.id)
    assert hall.ticket(second.id).priority == GREEN
    assert hall.state.priority_lines.get("A", ()) == ()


def _appointment(hall: Hall) -> Ticket:
    hall.do(cmd.Book("social", local("09:30").timestamp(), "citizen", "BK1"))
    issued = of_type(hall.do(cmd.CheckIn("BK1")), ev.TicketIssued)[0]
    ticket: Ticket = issued.ticket
    assert ticket.priority == "appointment"
    return ticket


def test_prioritise_refusals(hall: Hall) -> None:
    hall.open("1")
    called = hall.issue()
    hall.call("1")
    green = hall.issue(priority="green")
    appointment = _appointment(hall)

    assert hall.refuse(cmd.PrioritiseTicket("nope")) == "unknown_ticket"
    assert hall.refuse(cmd.PrioritiseTicket(called.id)) == "not_waiting"
    assert hall.refuse(cmd.PrioritiseTicket(green.id)) == "already_priority"
    assert hall.refuse(cmd.PrioritiseTicket(appointment.id)) == "already_priority"
    hall.do(cmd.NoShow("1"))
    assert hall.refuse(cmd.PrioritiseTicket(called.id)) == "not_waiting"


# --- expected waits follow --------------------------------------------------------------------


def test_expected_waits_follow_a_move_and_a_prioritisation(hall: Hall) -> None:
    hall.open("1")  # serves A only, 6 minutes a ticket
    a1, a2, a3 = hall.issue(), hall.issue(), hall.issue()
    assert estimate_waits(hall.state, hall.t).tickets == {a1.id: 0, a2.id: 360, a3.id: 720}

    hall.do(cmd.PrioritiseTicket(a3.id))
    assert estimate_waits(hall.state, hall.t).tickets == {a3.id: 0, a1.id: 360, a2.id: 720}

    hall.do(cmd.MoveTicket(a1.id, to_queue="B"))  # no open window serves B
    estimate = estimate_waits(hall.state, hall.t)
    assert estimate.tickets == {a3.id: 0, a2.id: 360}
    assert "B" not in estimate.new_ticket
