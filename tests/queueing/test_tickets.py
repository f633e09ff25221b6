"""A ticket's life: issue, call, recall, serve, finish, no-show, reactivate, park, cancel, transfer,
bundles, and the numbers tickets get."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import replay
from queueing.decide import decide
from queueing.model import CALLED, FINISHED, MISSED, PARKED, SERVING, WAITING, initial_state
from tests.queueing.conftest import Hall, hall_config, local, of_type

# --- issue -----------------------------------------------------------------------------------


def test_an_issued_ticket_waits_at_the_back_of_its_queue(hall: Hall) -> None:
    first = hall.issue("social")
    events = hall.do(cmd.IssueTicket("social", track="tok"))

    second = of_type(events, ev.TicketIssued)[0]
    assert (first.number, second.ticket.number) == ("A001", "A002")
    assert second.ticket.state == WAITING
    assert second.ticket.issued_at == second.ticket.waiting_since == hall.t
    assert second.ticket.track == "tok"
    assert second.waiting == {"A": 2, "B": 0, "C": 0}
    assert hall.state.lines["A"] == (first.id, second.ticket.id)


def test_a_green_channel_ticket_waits_in_the_priority_line(hall: Hall) -> None:
    ticket = hall.issue("social", "green")

    assert ticket.priority == "green"
    assert hall.state.priority_lines["A"] == (ticket.id,)
    assert hall.state.lines.get("A", ()) == ()


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (cmd.IssueTicket("passport"), "unknown_service"),
        (cmd.IssueTicket("social", priority="appointment"), "bad_request"),
        (cmd.IssueTicket("social", priority="vip"), "bad_request"),
    ],
)
def test_issuing_refuses_bad_requests(hall: Hall, command: cmd.IssueTicket, code: str) -> None:
    assert hall.refuse(command) == code


@pytest.mark.parametrize(
    ("day", "hhmm"),
    [
        ("2024-03-04", "08:29"),  # before opening
        ("2024-03-04", "17:30"),  # at closing
        ("2024-03-04", "23:00"),
        ("2024-03-09", "10:00"),  # a Saturday, in a hall open Monday to Friday
    ],
)
def test_no_ticket_outside_opening_hours(day: str, hhmm: str) -> None:
    hall = Hall(hall_config({"weekdays": [1, 2, 3, 4, 5]}), local(hhmm, day))

    assert hall.refuse(cmd.IssueTicket("social")) == "hall_closed"


def test_tickets_are_issued_from_opening_time_to_just_before_closing() -> None:
    hall = Hall(now=local("08:30"))
    assert hall.issue().number == "A001"
    hall.now = local("17:29")
    assert hall.issue().number == "A002"


# --- numbering -------------------------------------------------------------------------------


def test_numbers_count_per_queue_prefix(hall: Hall) -> None:
    numbers = [hall.issue(s).number for s in ("social", "tax", "social", "permit", "startup")]

    assert numbers == ["A001", "B001", "A002", "C001", "A003"]


def test_a_number_is_never_reused_within_a_day(hall: Hall) -> None:
    hall.open("1")
    served = hall.issue()
    cancelled = hall.issue()
    hall.serve("1")
    hall.do(cmd.CancelTicket(cancelled.id))

    assert hall.issue().number == "A003"
    assert served.number == "A001"


def test_numbers_past_999_keep_counting() -> None:
    state = initial_state(hall_config({"open_time": "00:00", "close_time": "23:59"}))
    now = local("01:00")
    for _ in range(999):
        state = replay(state, decide(state, cmd.IssueTicket("social"), now))

    issued = of_type(decide(state, cmd.IssueTicket("social"), now), ev.TicketIssued)

    assert issued[0].ticket.number == "A1000"


# --- calling, serving, finishing -------------------------------------------------------------


def test_waiting_called_serving_finished(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.advance(minutes=4)

    called = hall.call("1")
    assert called is not None and called.id == ticket.id
    assert hall.ticket(ticket.id).state == CALLED
    assert hall.ticket(ticket.id).called_at == hall.t
    assert (hall.status("1"), hall.in_hand("1")) == ("calling", ticket.id)
    assert ticket.id not in hall.state.lines["A"]

    hall.advance(minutes=1)
    hall.do(cmd.Start("1"))
    assert hall.ticket(ticket.id).state == SERVING
    assert hall.status("1") == "serving"

    hall.advance(minutes=6)
    finished = of_type(hall.do(cmd.Finish("1")), ev.TicketFinished)[0]
    assert finished.ticket.state == FINISHED
    assert (finished.wait_seconds, finished.service_seconds) == (240.0, 360.0)
    assert finished.next_queue is None
    assert ticket.id not in hall.state.tickets
    assert (hall.status("1"), hall.in_hand("1")) == ("idle", None)


def test_finishing_a_called_ticket_counts_service_from_the_call(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.advance(minutes=3)

    finished = of_type(hall.do(cmd.Finish("1")), ev.TicketFinished)[0]

    assert finished.service_seconds == 180.0


def test_call_next_with_nothing_waiting_changes_nothing(hall: Hall) -> None:
    hall.open("1")
    hall.issue("tax")

    assert hall.do(cmd.CallNext("1")) == []
    assert hall.status("1") == "idle"


def test_a_clerk_may_call_a_chosen_waiting_ticket(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    second = hall.issue()

    hall.do(cmd.CallTicket("1", second.id))

    assert hall.in_hand("1") == second.id
    assert hall.ticket(second.id).state == CALLED


@pytest.fixture
def busy(hall: Hall) -> Hall:
    """Windows 1, 2 and 4 open; A001 called at window 1; A002 and B001 waiting."""
    hall.open("1", "2", "4")
    hall.issue()
    hall.call("1")
    hall.issue()
    hall.issue("tax")
    return hall


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (cmd.CallNext("9"), "unknown_window"),
        (cmd.CallNext("1"), "window_busy"),
        (cmd.CallNext("3"), "window_closed"),
        (cmd.CallTicket("9", "20240304-A002"), "unknown_window"),
        (cmd.CallTicket("2", "nope"), "unknown_ticket"),
        (cmd.CallTicket("1", "20240304-A002"), "window_busy"),
        (cmd.CallTicket("3", "20240304-A002"), "window_closed"),
        (cmd.CallTicket("2", "20240304-A001"), "not_waiting"),
        (cmd.CallTicket("4", "20240304-B001"), "not_in_profile"),
    ],
)
def test_calling_refusals(busy: Hall, command: cmd.Command, code: str) -> None:
    assert busy.refuse(command) == code


# --- recall ----------------------------------------------------------------------------------


def test_recall_announces_again_and_is_counted(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")

    events = hall.do(cmd.Recall("1"))

    called = of_type(events, ev.TicketCalled)[0]
    assert called.recall is True
    assert called.ticket.recalls == 1
    assert hall.ticket(ticket.id).recalls == 1
    assert hall.state.calls[0].ticket == ticket.id


def test_recall_is_refused_past_the_limit() -> None:
    hall = Hall(hall_config({"max_recalls": 2}))
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.do(cmd.Recall("1"))
    hall.do(cmd.Recall("1"))

    assert hall.refuse(cmd.Recall("1")) == "recall_limit"


def test_recall_with_a_zero_limit_is_always_refused() -> None:
    hall = Hall(hall_config({"max_recalls": 0}))
    hall.open("1")
    hall.issue()
    hall.call("1")

    assert hall.refuse(cmd.Recall("1")) == "recall_limit"


def test_a_ticket_being_served_is_not_recalled(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.do(cmd.Start("1"))

    assert hall.refuse(cmd.Recall("1")) == "not_called"


# --- in-hand commands: shared refusals -------------------------------------------------------

IN_HAND = [
    cmd.Recall("1"),
    cmd.Start("1"),
    cmd.Finish("1"),
    cmd.NoShow("1"),
    cmd.Transfer("1", to_queue="B"),
    cmd.Park("1"),
]


@pytest.mark.parametrize("command", IN_HAND, ids=lambda c: c.name)
def test_in_hand_commands_need_a_ticket_in_hand(hall: Hall, command: cmd.Command) -> None:
    hall.open("1")

    assert hall.refuse(command) == "no_current_ticket"


@pytest.mark.parametrize("command", IN_HAND, ids=lambda c: c.name)
def test_in_hand_commands_need_an_open_window(hall: Hall, command: cmd.Command) -> None:
    assert hall.refuse(command) == "window_closed"


@pytest.mark.parametrize(
    "command",
    [*IN_HAND, cmd.CallNext("1"), cmd.Unpark("1"), cmd.Pause("1", "break"), cmd.SignOut("1")],
    ids=lambda c: c.name,
)
def test_commands_at_an_unknown_window_are_refused(hall: Hall, command: Any) -> None:
    assert hall.refuse(replace(command, window="9")) == "unknown_window"


@pytest.mark.parametrize("command", [cmd.Start("1"), cmd.NoShow("1")], ids=lambda c: c.name)
def test_start_and_no_show_need_a_called_ticket(hall: Hall, command: cmd.Command) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.do(cmd.Start("1"))

    assert hall.refuse(command) == "not_called"


# --- no-show and reactivation ----------------------------------------------------------------


def test_no_show_marks_the_ticket_missed_and_frees_the_window(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")

    hall.do(cmd.NoShow("1"))

    missed = hall.ticket(ticket.id)
    assert (missed.state, missed.missed_at) == (MISSED, hall.t)
    assert (hall.status("1"), hall.in_hand("1")) == ("idle", None)
    assert ticket.id not in hall.state.waiting_tickets("A")


def _missed_with_line(hall: Hall, waiting: int) -> str:
    hall.open("1")
    missed = hall.issue()
    hall.call("1")
    hall.do(cmd.NoShow("1"))
    for _ in range(waiting):
        hall.issue()
    return missed.id


def test_a_reactivated_ticket_reenters_its_line_the_configured_places_back() -> None:
    hall = Hall(hall_config({"reactivate_places": 3}))
    missed = _missed_with_line(hall, 5)
    hall.advance(minutes=10)

    events = hall.do(cmd.Reactivate("A001"))

    reactivated = of_type(events, ev.TicketReactivated)[0]
    assert reactivated.position == 3
    assert reactivated.ticket.state == WAITING
    assert reactivated.ticket.waiting_since == hall.t
    assert hall.state.lines["A"].index(missed) == 3
    assert hall.ticket(missed).issued_at < hall.t


def test_a_reactivated_ticket_goes_to_the_back_of_a_shorter_line() -> None:
    hall = Hall(hall_config({"reactivate_places": 3}))
    missed = _missed_with_line(hall, 1)

    hall.do(cmd.Reactivate("A001"))

    assert hall.state.lines["A"][-1] == missed
    assert len(hall.state.lines["A"]) == 2


def test_reactivation_is_accepted_up_to_the_limit_and_refused_after() -> None:
    hall = Hall(hall_config({"reactivate_minutes": 30}))
    _missed_with_line(hall, 0)
    start = hall.now

    hall.advance(minutes=30, seconds=1)
    assert hall.refuse(cmd.Reactivate("A001")) == "reactivation_expired"
    hall.now = start
    hall.advance(minutes=30)
    hall.do(cmd.Reactivate("A001"))
    assert hall.state.tickets["20240304-A001"].state == WAITING


@pytest.mark.parametrize(("number", "code"), [("A001", "not_missed"), ("A999", "unknown_ticket")])
def test_only_a_missed_ticket_is_reactivated(hall: Hall, number: str, code: str) -> None:
    hall.issue()

    assert hall.refuse(cmd.Reactivate(number)) == code


def test_a_missed_ticket_leaves_the_hall_when_its_reactivation_time_passed() -> None:
    hall = Hall(hall_config({"reactivate_minutes": 30}))
    missed = _missed_with_line(hall, 0)
    hall.advance(minutes=30)
    assert of_type(hall.do(cmd.Tick()), ev.TicketExpired) == []

    hall.advance(seconds=1)
    expired = of_type(hall.do(cmd.Tick()), ev.TicketExpired)

    assert [e.ticket.id for e in expired] == [missed]
    assert missed not in hall.state.tickets
    assert hall.refuse(cmd.Reactivate("A001")) == "unknown_ticket"


# --- park (容缺) and unpark -------------------------------------------------------------------


def test_park_sets_the_ticket_aside_and_unpark_resumes_it(hall: Hall) -> None:
    hall.open("1")
    parked = hall.issue()
    hall.call("1")
    hall.do(cmd.Start("1"))

    hall.do(cmd.Park("1"))
    assert hall.ticket(parked.id).state == PARKED
    assert hall.ticket(parked.id).parked_by == "1"
    assert (hall.status("1"), hall.in_hand("1")) == ("idle", None)

    hall.advance(minutes=20)
    events = hall.do(cmd.Unpark("1"))
    resumed = of_type(events, ev.TicketUnparked)[0].ticket
    assert (resumed.state, resumed.window, resumed.served_at) == (SERVING, "1", hall.t)
    assert (hall.status("1"), hall.in_hand("1")) == ("serving", parked.id)


def test_a_called_ticket_can_be_parked(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")

    hall.do(cmd.Park("1"))

    assert hall.ticket(ticket.id).state == PARKED


def test_unpark_without_a_ticket_resumes_the_oldest_parked_here(hall: Hall) -> None:
    hall.open("1")
    first, second = hall.issue(), hall.issue()
    for _ in (first, second):
        hall.call("1")
        hall.do(cmd.Park("1"))

    hall.do(cmd.Unpark("1"))
    assert hall.in_hand("1") == first.id
    hall.do(cmd.Finish("1"))
    hall.do(cmd.Unpark("1", second.id))
    assert hall.in_hand("1") == second.id


def test_unpark_refusals(hall: Hall) -> None:
    hall.open("1", "2")
    waiting = hall.issue()
    hall.issue()
    assert hall.refuse(cmd.Unpark("1")) == "not_parked"
    assert hall.refuse(cmd.Unpark("1", waiting.id)) == "not_parked"
    assert hall.refuse(cmd.Unpark("1", "nope")) == "unknown_ticket"

    hall.call("1")
    hall.do(cmd.Park("1"))
    assert hall.refuse(cmd.Unpark("2", waiting.id)) == "not_your_window"
    assert hall.refuse(cmd.Unpark("2")) == "not_parked"
    hall.call("1")
    assert hall.refuse(cmd.Unpark("1", waiting.id)) == "window_busy"
    assert hall.refuse(cmd.Unpark("3")) == "window_closed"


# --- cancel ----------------------------------------------------------------------------------


def test_cancelling_a_waiting_ticket_takes_it_out_of_its_line(hall: Hall) -> None:
    first, second = hall.issue(), hall.issue()

    events = hall.do(cmd.CancelTicket(first.id))

    assert of_type(events, ev.TicketCancelled)[0].reason == "cancelled"
    assert first.id not in hall.state.tickets
    assert hall.state.lines["A"] == (second.id,)


@pytest.mark.parametrize("how", [cmd.NoShow, cmd.Park], ids=["missed", "parked"])
def test_missed_and_parked_tickets_can_be_cancelled(
    hall: Hall, how: Callable[[str], cmd.Command]
) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")
    hall.do(how("1"))

    hall.do(cmd.CancelTicket(ticket.id))

    assert ticket.id not in hall.state.tickets


def test_a_ticket_in_hand_cannot_be_cancelled(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")

    assert hall.refuse(cmd.CancelTicket(ticket.id)) == "not_waiting"
    assert hall.refuse(cmd.CancelTicket("nope")) == "unknown_ticket"


# --- transfer --------------------------------------------------------------------------------


def test_transfer_to_a_queue_keeps_number_and_issue_time(hall: Hall) -> None:
    hall.open("1", "3")
    ticket = hall.issue()
    hall.issue("tax")
    hall.call("1")
    hall.advance(minutes=5)

    events = hall.do(cmd.Transfer("1", to_queue="B"))

    moved = of_type(events, ev.TicketTransferred)[0]
    assert (moved.from_window, moved.to_queue, moved.to_window) == ("1", "B", None)
    after = hall.ticket(ticket.id)
    assert (after.id, after.number, after.queue, after.state) == (ticket.id, "A001", "B", WAITING)
    assert (after.issued_at, after.waiting_since) == (ticket.issued_at, hall.t)
    assert hall.state.lines["B"][-1] == ticket.id
    assert (hall.status("1"), hall.in_hand("1")) == ("idle", None)


def test_transfer_to_a_window_is_called_there_first_even_outside_its_profile(hall: Hall) -> None:
    hall.open("1", "3")
    ticket = hall.issue()
    hall.call("1")
    hall.issue("tax")

    hall.do(cmd.Transfer("1", to_window="3"))

    after = hall.ticket(ticket.id)
    assert (after.queue, after.target_window, after.state) == ("A", "3", WAITING)
    assert hall.state.window_lines["3"] == (ticket.id,)
    assert ticket.id not in hall.state.waiting_tickets("A")
    assert hall.refuse(cmd.CallTicket("1", ticket.id)) == "not_your_window"
    called = hall.call("3")
    assert called is not None and called.id == ticket.id
    assert called.target_window is None


def test_a_serving_ticket_can_be_transferred(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")
    hall.do(cmd.Start("1"))

    hall.do(cmd.Transfer("1", to_queue="C"))

    after = hall.ticket(ticket.id)
    assert (after.state, after.served_at, after.called_at) == (WAITING, None, None)


@pytest.mark.parametrize(
    ("transfer", "code"),
    [
        (cmd.Transfer("1"), "bad_request"),
        (cmd.Transfer("1", to_queue="B", to_window="3"), "bad_request"),
        (cmd.Transfer("1", to_queue="Z"), "unknown_queue"),
        (cmd.Transfer("1", to_queue="A"), "same_target"),
        (cmd.Transfer("1", to_window="1"), "same_target"),
        (cmd.Transfer("1", to_window="9"), "unknown_window"),
    ],
)
def test_transfer_refusals(hall: Hall, transfer: cmd.Transfer, code: str) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")

    assert hall.refuse(transfer) == code


# --- bundles (一件事一次办) ---------------------------------------------------------------------


def test_a_bundle_ticket_moves_to_its_next_step_on_finish(hall: Hall) -> None:
    hall.open("1", "3")
    ticket = hall.issue("startup")
    assert ticket.queue == "A"
    hall.call("1")
    hall.advance(minutes=6)

    events = hall.do(cmd.Finish("1"))

    finished = of_type(events, ev.TicketFinished)[0]
    assert finished.next_queue == "B"
    after = hall.ticket(ticket.id)
    assert (after.number, after.queue, after.step, after.state) == ("A001", "B", 1, WAITING)
    assert after.issued_at == ticket.issued_at
    assert hall.state.lines["B"] == (ticket.id,)
    assert of_type(events, ev.RatingRequested)[0].window == "1"

    assert hall.serve("3").id == ticket.id
    assert ticket.id not in hall.state.tickets
    last = of_type(hall.log, ev.TicketFinished)[-1]
    assert (last.next_queue, last.ticket.state) == (None, FINISHED)


def test_a_bundle_step_counts_its_service_time_in_the_queue_it_was_served_in(hall: Hall) -> None:
    hall.open("1")
    hall.issue("startup")
    hall.call("1")
    hall.advance(minutes=2)

    hall.do(cmd.Finish("1"))

    assert hall.state.service_stats == {"A": (1, 120.0)}
