"""Appointments (预约): booking slots, check-in windows, no-shows and the booking restriction."""

from __future__ import annotations

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.calendar import slot_starts
from queueing.model import APPOINTMENT, NORMAL, slot_key
from tests.queueing.conftest import MONDAY, Hall, hall_config, hall_document, local, of_type

SLOT = local("10:00").timestamp()
"""A 30-minute slot on the test Monday; the hall clock starts at 09:00 that day."""


def book(hall: Hall, code: str, citizen: str = "c1", slot: float = SLOT) -> None:
    hall.do(cmd.Book("social", slot, citizen, code))


def test_slots_run_from_opening_to_closing_time() -> None:
    config = hall_config({"open_time": "08:30", "close_time": "10:00", "slot_minutes": 30})

    starts = slot_starts(config, MONDAY)

    assert starts == [local(hhmm).timestamp() for hhmm in ("08:30", "09:00", "09:30")]


def test_a_day_the_hall_is_closed_has_no_slots() -> None:
    config = hall_config({"weekdays": [1, 2, 3, 4, 5]})

    assert slot_starts(config, "2024-03-09") == []


def test_booking_takes_a_place_in_the_slot(hall: Hall) -> None:
    events = hall.do(cmd.Book("social", SLOT, "c1", "BK1"))

    booked = of_type(events, ev.AppointmentBooked)[0].appointment
    assert (booked.code, booked.service, booked.slot_start, booked.state) == (
        "BK1",
        "social",
        SLOT,
        "booked",
    )
    assert hall.state.appointments["BK1"] == booked
    assert hall.state.slot_use[slot_key("social", SLOT)] == 1


def test_a_full_slot_refuses_more_bookings(hall: Hall) -> None:
    book(hall, "BK1", "c1")
    book(hall, "BK2", "c2")  # the default slot capacity is 2

    assert hall.refuse(cmd.Book("social", SLOT, "c3", "BK3")) == "slot_full"
    hall.do(cmd.Book("social", SLOT + 1800, "c3", "BK3"))


def test_cancelling_a_booking_frees_its_place(hall: Hall) -> None:
    book(hall, "BK1", "c1")
    book(hall, "BK2", "c2")

    hall.do(cmd.CancelBooking("BK1"))

    assert "BK1" not in hall.state.appointments
    assert hall.state.slot_use[slot_key("social", SLOT)] == 1
    book(hall, "BK3", "c3")
    assert hall.refuse(cmd.CancelBooking("BK1")) == "unknown_booking"


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (cmd.Book("passport", SLOT, "c1", "X"), "unknown_service"),
        (cmd.Book("notary", SLOT, "c1", "X"), "not_bookable"),
        (cmd.Book("social", SLOT, "c1", "TAKEN"), "duplicate_booking"),
        (cmd.Book("social", local("09:00").timestamp(), "c1", "X"), "slot_past"),
        (cmd.Book("social", local("08:30").timestamp(), "c1", "X"), "slot_past"),
        (cmd.Book("social", local("10:10").timestamp(), "c1", "X"), "slot_invalid"),
        (cmd.Book("social", local("17:30").timestamp(), "c1", "X"), "slot_invalid"),
        (cmd.Book("social", local("07:00", "2024-03-05").timestamp(), "c1", "X"), "slot_invalid"),
        (cmd.Book("social", local("10:00", "2024-03-19").timestamp(), "c1", "X"), "slot_invalid"),
    ],
)
def test_booking_refusals(hall: Hall, command: cmd.Book, code: str) -> None:
    book(hall, "TAKEN", "c0")

    assert hall.refuse(command) == code


def test_booking_opens_the_configured_days_ahead() -> None:
    hall = Hall(hall_config({"booking_days_ahead": 14}))

    hall.do(cmd.Book("social", local("17:00", "2024-03-18").timestamp(), "c1", "far"))

    assert "far" in hall.state.appointments


def test_a_service_with_no_slot_capacity_takes_no_appointments() -> None:
    document = hall_document()
    document["services"][0]["slot_capacity"] = 0
    hall = Hall(hall_config(services=document["services"]))

    assert hall.refuse(cmd.Book("social", SLOT, "c1", "X")) == "not_bookable"


def test_a_booking_on_a_closed_weekday_is_refused() -> None:
    hall = Hall(hall_config({"weekdays": [1, 2, 3, 4, 5]}))

    saturday = local("10:00", "2024-03-09").timestamp()

    assert hall.refuse(cmd.Book("social", saturday, "c1", "X")) == "slot_invalid"


# --- check-in --------------------------------------------------------------------------------


def test_check_in_on_time_gives_an_appointment_priority_ticket(hall: Hall) -> None:
    book(hall, "BK1")
    hall.now = local("09:30")

    events = hall.do(cmd.CheckIn("BK1", track="tok"))

    checked = of_type(events, ev.AppointmentCheckedIn)[0]
    ticket = of_type(events, ev.TicketIssued)[0].ticket
    assert (checked.code, checked.ticket, checked.on_time) == ("BK1", ticket.id, True)
    assert (ticket.priority, ticket.booking, ticket.queue, ticket.track) == (
        APPOINTMENT,
        "BK1",
        "A",
        "tok",
    )
    assert hall.state.priority_lines["A"] == (ticket.id,)


@pytest.mark.parametrize(
    ("hhmm", "priority"),
    [("09:30", APPOINTMENT), ("10:15", APPOINTMENT), ("10:16", NORMAL), ("16:00", NORMAL)],
)
def test_check_in_priority_depends_on_the_slot_start(hall: Hall, hhmm: str, priority: str) -> None:
    book(hall, "BK1")
    hall.now = local(hhmm)

    events = hall.do(cmd.CheckIn("BK1"))

    assert of_type(events, ev.TicketIssued)[0].ticket.priority == priority
    assert of_type(events, ev.AppointmentCheckedIn)[0].on_time is (priority == APPOINTMENT)


def test_check_in_before_the_early_window_is_refused(hall: Hall) -> None:
    book(hall, "BK1")
    hall.now = local("09:29")

    assert hall.refuse(cmd.CheckIn("BK1")) == "check_in_early"


def test_check_in_outside_opening_hours_is_refused() -> None:
    hall = Hall(hall_config({"check_in_early_minutes": 60}), local("07:00"))
    book(hall, "BK1", slot=local("08:30").timestamp())
    hall.now = local("08:00")

    assert hall.refuse(cmd.CheckIn("BK1")) == "hall_closed"


def test_check_in_refusals(hall: Hall) -> None:
    book(hall, "BK1")
    hall.now = local("09:45")
    hall.do(cmd.CheckIn("BK1"))

    assert hall.refuse(cmd.CheckIn("NOPE")) == "unknown_booking"
    assert hall.refuse(cmd.CheckIn("BK1")) == "booking_closed"
    assert hall.refuse(cmd.CancelBooking("BK1")) == "booking_closed"


def test_check_in_for_a_service_no_longer_offered_is_refused(hall: Hall) -> None:
    book(hall, "BK1")
    document = hall_document()
    document["services"] = [s for s in document["services"] if s["id"] != "social"]
    hall.do(cmd.Configure(hall_config(services=document["services"])))
    hall.now = local("09:45")

    assert hall.refuse(cmd.CheckIn("BK1")) == "unknown_service"


def test_a_checked_in_appointment_goes_ahead_of_walk_ins(hall: Hall) -> None:
    hall.open("1")
    walk_in = hall.issue()
    book(hall, "BK1")
    hall.now = local("09:50")
    appointment = of_type(hall.do(cmd.CheckIn("BK1")), ev.TicketIssued)[0].ticket

    assert [hall.serve("1").id, hall.serve("1").id] == [appointment.id, walk_in.id]


# --- no-shows --------------------------------------------------------------------------------


def test_an_unchecked_booking_becomes_a_no_show_after_its_check_in_window(hall: Hall) -> None:
    book(hall, "BK1", "c1")
    hall.now = local("10:15")
    assert of_type(hall.do(cmd.Tick()), ev.AppointmentMissed) == []

    hall.now = local("10:16")
    missed = of_type(hall.do(cmd.Tick()), ev.AppointmentMissed)

    assert [(m.code, m.citizen) for m in missed] == [("BK1", "c1")]
    assert hall.state.citizen_no_shows == {"c1": 1}
    assert hall.refuse(cmd.CheckIn("BK1")) == "booking_closed"


def test_a_citizen_over_the_no_show_limit_cannot_book() -> None:
    hall = Hall(hall_config({"no_show_limit": 2}), local("08:00"))
    for index, hhmm in enumerate(("08:30", "09:00")):
        book(hall, f"BK{index}", "c1", local(hhmm).timestamp())
    hall.now = local("12:00")
    hall.do(cmd.Tick())

    assert hall.refuse(cmd.Book("social", local("14:00").timestamp(), "c1", "BK9")) == (
        "booking_restricted"
    )
    hall.do(cmd.Book("social", local("14:00").timestamp(), "c2", "BK9"))


def test_appointment_tickets_count_towards_the_priority_cap() -> None:
    hall = Hall(hall_config({"priority_cap": 1}), local("09:00"))
    hall.open("1")
    walk_in = hall.issue()
    for code in ("BK1", "BK2"):
        book(hall, code, code, local("09:30").timestamp())
        hall.do(cmd.CheckIn(code))

    priorities = [hall.serve("1").priority for _ in range(3)]

    assert priorities == [APPOINTMENT, NORMAL, APPOINTMENT]
    assert walk_in.id not in hall.state.tickets
