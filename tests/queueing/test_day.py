"""Service days in the hall's time zone: what a new day resets and what it keeps; hall notices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.calendar import service_day
from queueing.decide import MAX_TEXT
from queueing.model import MISSED, PARKED
from tests.queueing.conftest import Hall, hall_config, local, of_type

ALL_DAY = {"open_time": "00:00", "close_time": "23:59"}


def utc(hhmm: str, day: str = "2024-03-04") -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    date = datetime.fromisoformat(day)
    return datetime(date.year, date.month, date.day, hours, minutes, tzinfo=UTC)


def test_the_first_command_of_a_hall_starts_its_day(hall: Hall) -> None:
    events = hall.do(cmd.Tick())

    assert events == [ev.DayStarted("2024-03-04")]
    assert hall.state.day == "2024-03-04"
    assert hall.do(cmd.Tick()) == []


def test_the_service_day_turns_at_midnight_in_the_hall_time_zone() -> None:
    config = hall_config()

    assert service_day(config, utc("15:59").timestamp() + 59) == "2024-03-04"
    assert service_day(config, utc("16:00").timestamp()) == "2024-03-05"


def test_numbers_restart_at_midnight_in_shanghai_which_is_1600_utc() -> None:
    hall = Hall(hall_config(ALL_DAY), utc("15:00"))
    hall.issue()
    hall.now = utc("15:58")
    late = hall.issue()
    hall.now = utc("16:00")

    events = hall.do(cmd.IssueTicket("social"))

    assert events[0] == ev.DayStarted("2024-03-05")
    first = of_type(events, ev.TicketIssued)[0].ticket
    assert (late.number, late.id) == ("A002", "20240304-A002")
    assert (first.number, first.id) == ("A001", "20240305-A001")
    assert hall.state.counters == {"A": 1}


def test_a_utc_hall_turns_its_day_at_midnight_utc() -> None:
    hall = Hall(hall_config(ALL_DAY, timezone="UTC"), utc("16:00"))
    hall.issue()
    hall.now = utc("23:58")

    assert hall.issue().number == "A002"
    hall.now = utc("00:00", "2024-03-05")
    assert hall.issue().id == "20240305-A001"


def test_a_new_day_closes_windows_and_clears_what_was_in_play() -> None:
    hall = Hall(hall_config(ALL_DAY), local("20:00"))
    hall.open("1", "2", "3")
    hall.do(cmd.Broadcast("系统维护"))
    hall.issue()
    hall.issue()
    hall.call("1")
    hall.do(cmd.NoShow("1"))
    hall.issue("tax")
    hall.serve("3")  # its rating stays pending: window 3 calls nobody after it
    hall.issue("tax")
    hall.call("2")
    hall.do(cmd.Pause("1", "lunch"))
    assert hall.state.ratings and hall.state.calls

    hall.now = local("08:00", "2024-03-05")
    hall.do(cmd.Tick())

    state = hall.state
    assert {(w.status, w.clerk, w.ticket, w.reason) for w in state.windows.values()} == {
        ("closed", None, None, None)
    }
    assert state.tickets == {}
    assert all(not line for line in state.lines.values())
    assert (state.counters, state.ratings, state.calls, state.notice) == ({}, {}, (), "")
    assert state.service_stats == {"B": (1, 0.0)}


def test_parked_tickets_survive_the_night_and_resume_the_next_day() -> None:
    hall = Hall(hall_config(ALL_DAY), local("20:00"))
    hall.open("1")
    parked = hall.issue()
    hall.call("1")
    hall.do(cmd.Park("1"))

    hall.now = local("09:00", "2024-03-05")
    hall.open("1")
    assert hall.ticket(parked.id).state == PARKED
    hall.do(cmd.Unpark("1"))

    assert hall.in_hand("1") == parked.id


def test_reactivate_finds_todays_missed_ticket_beside_yesterdays_parked_one() -> None:
    hall = Hall(hall_config(ALL_DAY), local("20:00"))
    hall.open("1")
    hall.issue()
    hall.call("1")
    hall.do(cmd.Park("1"))
    hall.now = local("09:00", "2024-03-05")
    hall.open("1")
    missed = hall.issue()
    assert missed.number == "A001"
    hall.call("1")
    hall.do(cmd.NoShow("1"))
    assert hall.ticket(missed.id).state == MISSED

    hall.do(cmd.Reactivate("A001"))

    assert hall.state.lines["A"] == (missed.id,)


def test_bookings_and_no_show_counts_carry_over_to_the_next_day(hall: Hall) -> None:
    tomorrow = local("10:00", "2024-03-05").timestamp()
    hall.do(cmd.Book("social", tomorrow, "c1", "BK1"))
    hall.do(cmd.Book("social", local("10:00").timestamp(), "c2", "BK2"))
    hall.now = local("12:00")
    hall.do(cmd.Tick())

    hall.now = local("09:45", "2024-03-05")
    events = hall.do(cmd.CheckIn("BK1"))

    assert of_type(events, ev.AppointmentCheckedIn)[0].on_time
    assert hall.state.citizen_no_shows == {"c2": 1}
    assert "BK2" not in hall.state.appointments


def test_a_refused_command_on_a_new_day_does_not_start_the_day(hall: Hall) -> None:
    hall.issue()
    hall.now = local("07:00", "2024-03-05")

    assert hall.refuse(cmd.IssueTicket("social")) == "hall_closed"
    assert hall.state.day == "2024-03-04"


# --- hall notices ----------------------------------------------------------------------------


def test_a_broadcast_sets_the_hall_notice(hall: Hall) -> None:
    events = hall.do(cmd.Broadcast("  今日下午停电  "))

    assert of_type(events, ev.HallBroadcast) == [ev.HallBroadcast("今日下午停电")]
    assert hall.state.notice == "今日下午停电"


@pytest.mark.parametrize("text", ["", "  ", "x" * (MAX_TEXT + 1)])
def test_a_broadcast_needs_text_of_reasonable_length(hall: Hall, text: str) -> None:
    assert hall.refuse(cmd.Broadcast(text)) == "invalid_text"
