"""Follow-ups (差评整改, 投诉, 回访): opening, every transition and refusal, working-day deadlines
across holidays and 调休, overdue once per step, carried over from day to day."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queueing import commands as cmd
from queueing import events as ev
from queueing import follow_ups
from queueing.codec import event_from_dict, event_to_dict, state_from_dict, state_to_dict
from queueing.errors import DomainError
from queueing.frozen import replace
from queueing.model import FollowUp, Ticket
from tests.queueing.conftest import Hall, hall_config, local, of_type

SPRING_FESTIVAL: dict[str, Any] = {
    "weekdays": [1, 2, 3, 4, 5],
    "holidays": [(date(2026, 2, 15) + timedelta(days=i)).isoformat() for i in range(9)],
    "workdays": ["2026-02-14", "2026-02-28"],
}


def closing(day: str) -> float:
    return local("17:30", day).timestamp()


def rated(hall: Hall, score: int = 1, comment: str = "等太久") -> FollowUp:
    """Serve a ticket at window 1 and rate it; the follow-up it opened."""
    hall.open("1")
    hall.issue()
    ticket = hall.serve("1")
    events = hall.do(cmd.Rate(ticket.id, score, ("态度差",), comment))
    opened = of_type(events, ev.FollowUpOpened)
    assert len(opened) == 1
    return follow_up(hall, opened[0].case)


def follow_up(hall: Hall, follow_up_id: str) -> FollowUp:
    return hall.state.follow_ups[follow_up_id]


def through_callback(hall: Hall, fid: str) -> None:
    hall.do(cmd.AssignFollowUp(fid, "M01"))
    hall.do(cmd.RecordCallback(fid, "reached", "已致歉"))


# --- opening ---------------------------------------------------------------------------------


def test_a_low_rating_opens_a_rating_follow_up_with_what_the_citizen_said(hall: Hall) -> None:
    fu = rated(hall, 2, "窗口人员态度冷淡")

    assert (fu.type, fu.status, fu.number, fu.window, fu.clerk) == (
        "rating",
        "open",
        "A001",
        "1",
        "staff-1",
    )
    assert (fu.score, fu.reasons, fu.comment, fu.service) == (
        2,
        ("态度差",),
        "窗口人员态度冷淡",
        "social",
    )
    assert fu.opened_at == hall.t
    assert fu.callback_due == closing("2024-03-05")  # Monday: callback by Tuesday's closing
    assert fu.due == closing("2024-03-19")  # 15 working days (this hall opens every day)


def test_a_complaint_opens_a_complaint_follow_up_numbered_per_day(hall: Hall) -> None:
    hall.open("1")
    ticket = hall.issue()
    hall.call("1")

    first = of_type(
        hall.do(cmd.FileComplaint("办事要跑三次", "12345", ticket=ticket.id)), ev.FollowUpOpened
    )[0]
    second = of_type(hall.do(cmd.FileComplaint(" 大厅太冷 ", "kiosk")), ev.FollowUpOpened)[0]

    assert (first.case, second.case) == ("CP-20240304-001", "CP-20240304-002")
    fu = follow_up(hall, first.case)
    assert (fu.type, fu.channel, fu.comment, fu.ticket, fu.number, fu.window) == (
        "complaint",
        "12345",
        "办事要跑三次",
        ticket.id,
        "A001",
        "1",
    )
    assert fu.due == closing("2024-03-09")  # 5 working days
    assert follow_up(hall, second.case).comment == "大厅太冷"
    assert first.follow_up is not None and first.ticket == ticket.id


def test_a_complaint_about_an_earlier_ticket_or_a_case_keeps_its_reference(hall: Hall) -> None:
    events = hall.do(cmd.FileComplaint("材料被退回两次", "phone", "20240301-A009", "CASE-7"))

    fu = follow_up(hall, of_type(events, ev.FollowUpOpened)[0].case)
    assert (fu.ticket, fu.case, fu.number, fu.window) == ("20240301-A009", "CASE-7", "", None)


@pytest.mark.parametrize(
    ("complaint", "code"),
    [
        (cmd.FileComplaint("", "kiosk"), "invalid_text"),
        (cmd.FileComplaint("   ", "kiosk"), "invalid_text"),
        (cmd.FileComplaint("x" * 2001, "kiosk"), "invalid_text"),
        (cmd.FileComplaint("太慢", "wechat"), "unknown_channel"),
    ],
)
def test_complaint_refusals(hall: Hall, complaint: cmd.FileComplaint, code: str) -> None:
    assert hall.refuse(complaint) == code


def booked_ticket(hall: Hall, booking: str = "BK7Q2M9XHC") -> Ticket:
    """A ticket from a booking, waiting (as check-in makes it)."""
    ticket = hall.issue()
    stored = hall.state.tickets[ticket.id]
    with_booking = replace(stored, booking=booking)
    hall.state = replace(hall.state, tickets={**hall.state.tickets, ticket.id: with_booking})
    return with_booking


def test_a_share_of_finished_booked_services_gets_a_callback_task() -> None:
    hall = Hall(hall_config({"callback_share": 1.0}))
    hall.open("1")
    ticket = booked_ticket(hall)
    hall.call("1")

    events = hall.do(cmd.Finish("1"))

    opened = of_type(events, ev.FollowUpOpened)
    assert [o.case for o in opened] == [f"CB-{ticket.id}"]
    fu = follow_up(hall, f"CB-{ticket.id}")
    assert (fu.type, fu.booking, fu.window, fu.clerk, fu.service) == (
        "callback",
        "BK7Q2M9XHC",
        "1",
        "staff-1",
        "social",
    )
    assert fu.due == fu.callback_due == closing("2024-03-05")


def test_no_callback_without_a_booking_or_with_share_zero() -> None:
    walk_in = Hall(hall_config({"callback_share": 1.0}))
    walk_in.open("1")
    walk_in.issue()
    walk_in.serve("1")
    nobody = Hall()
    nobody.open("1")
    booked_ticket(nobody)
    nobody.serve("1")

    assert of_type(walk_in.log + nobody.log, ev.FollowUpOpened) == []


def test_the_callback_share_is_a_fixed_choice_close_to_the_share() -> None:
    keys = [f"20240304-A{n:03d}" for n in range(1, 1001)]
    chosen = [k for k in keys if follow_ups.selected_for_callback(k, 0.2)]

    assert 150 < len(chosen) < 250
    assert chosen == [k for k in keys if follow_ups.selected_for_callback(k, 0.2)]
    assert all(follow_ups.selected_for_callback(k, 1.0) for k in keys)
    assert not any(follow_ups.selected_for_callback(k, 0.0) for k in keys)


def test_the_case_hook_opens_a_callback_for_a_case_with_a_phone(hall: Hall) -> None:
    assert follow_ups.callback_for_case(hall.state, "CASE-1", "tax", False, hall.t) == []
    shared = Hall(hall_config({"callback_share": 1.0}))
    events = follow_ups.callback_for_case(shared.state, "CASE-1", "tax", True, shared.t)

    assert [
        (e.case, e.follow_up and e.follow_up.case) for e in of_type(events, ev.FollowUpOpened)
    ] == [("CB-CASE-1", "CASE-1")]


# --- the lifecycle ---------------------------------------------------------------------------


def test_a_rating_follow_up_goes_through_its_whole_lifecycle(hall: Hall) -> None:
    fid = rated(hall).id
    hall.advance(minutes=5)

    assigned = hall.do(cmd.AssignFollowUp(fid, "M01", by="M00"))
    hall.advance(minutes=30)
    unreachable = hall.do(cmd.RecordCallback(fid, "unreachable"))
    hall.advance(minutes=30)
    reached = hall.do(cmd.RecordCallback(fid, "reached", "已致歉"))
    rectified = hall.do(cmd.RectifyFollowUp(fid, "窗口增加引导员"))
    closed = hall.do(cmd.CloseFollowUp(fid, True, "群众表示满意"))

    assert [type(e) for e in assigned + unreachable + reached + rectified + closed] == [
        ev.FollowUpAssigned,
        ev.FollowUpCalledBack,
        ev.FollowUpCalledBack,
        ev.FollowUpRectified,
        ev.FollowUpClosed,
    ]
    assert assigned[0].by == "M00"
    fu = follow_up(hall, fid)
    assert (fu.status, fu.assignee, fu.attempts, fu.outcome, fu.callback_note) == (
        "closed",
        "M01",
        2,
        "reached",
        "已致歉",
    )
    assert (fu.rectification, fu.satisfied, fu.close_note, fu.closed_at) == (
        "窗口增加引导员",
        True,
        "群众表示满意",
        hall.t,
    )
    assert follow_ups.on_time(fu)


def test_a_callback_task_closes_once_the_citizen_is_reached() -> None:
    hall = Hall(hall_config({"callback_share": 1.0}))
    hall.open("1")
    ticket = booked_ticket(hall)
    hall.serve("1")
    fid = f"CB-{ticket.id}"
    hall.do(cmd.AssignFollowUp(fid, "M01"))
    hall.do(cmd.RecordCallback(fid, "unreachable"))
    assert hall.refuse(cmd.CloseFollowUp(fid, True)) == "follow_up_not_called_back"

    hall.do(cmd.RecordCallback(fid, "reached"))
    hall.do(cmd.CloseFollowUp(fid, False, "嫌等候时间长"))

    assert (follow_up(hall, fid).status, follow_up(hall, fid).satisfied) == ("closed", False)


def test_a_follow_up_may_be_reassigned_until_it_closes(hall: Hall) -> None:
    fid = rated(hall).id
    through_callback(hall, fid)

    hall.do(cmd.AssignFollowUp(fid, "M02"))

    assert (follow_up(hall, fid).assignee, follow_up(hall, fid).status) == ("M02", "called_back")


def test_an_unreachable_retry_after_rectifying_keeps_the_rectification(hall: Hall) -> None:
    fid = rated(hall).id
    hall.do(cmd.AssignFollowUp(fid, "M01"))
    hall.do(cmd.RecordCallback(fid, "unreachable"))
    hall.do(cmd.RectifyFollowUp(fid, "调整排班"))

    hall.do(cmd.RecordCallback(fid, "reached"))

    assert (follow_up(hall, fid).status, follow_up(hall, fid).outcome) == ("rectified", "reached")


REFUSALS: list[tuple[str, cmd.Command, str]] = [
    ("open", cmd.RecordCallback("F", "reached"), "follow_up_not_assigned"),
    ("open", cmd.RectifyFollowUp("F", "x"), "follow_up_not_assigned"),
    ("open", cmd.CloseFollowUp("F", True), "follow_up_not_assigned"),
    ("assigned", cmd.RectifyFollowUp("F", "x"), "follow_up_not_called_back"),
    ("assigned", cmd.CloseFollowUp("F", True), "follow_up_not_called_back"),
    ("assigned", cmd.RecordCallback("F", "maybe"), "bad_request"),
    ("assigned", cmd.RecordCallback("F", "reached", "x" * 2001), "invalid_text"),
    ("open", cmd.AssignFollowUp("F", " "), "bad_request"),
    ("called_back", cmd.RecordCallback("F", "reached"), "follow_up_already_reached"),
    ("called_back", cmd.CloseFollowUp("F", True), "follow_up_not_rectified"),
    ("called_back", cmd.RectifyFollowUp("F", "  "), "invalid_text"),
    ("closed", cmd.AssignFollowUp("F", "M01"), "follow_up_closed"),
    ("closed", cmd.RecordCallback("F", "reached"), "follow_up_closed"),
    ("closed", cmd.RectifyFollowUp("F", "x"), "follow_up_closed"),
    ("closed", cmd.CloseFollowUp("F", True), "follow_up_closed"),
    ("open", cmd.AssignFollowUp("nope", "M01"), "unknown_follow_up"),
    ("open", cmd.CloseFollowUp("nope", True), "unknown_follow_up"),
]


def to_status(hall: Hall, fid: str, status: str) -> None:
    steps: dict[str, list[cmd.Command]] = {
        "assigned": [cmd.AssignFollowUp(fid, "M01")],
        "called_back": [cmd.AssignFollowUp(fid, "M01"), cmd.RecordCallback(fid, "reached")],
        "closed": [
            cmd.AssignFollowUp(fid, "M01"),
            cmd.RecordCallback(fid, "reached"),
            cmd.RectifyFollowUp(fid, "整改"),
            cmd.CloseFollowUp(fid, True),
        ],
    }
    for command in steps.get(status, []):
        hall.do(command)


@pytest.mark.parametrize(("status", "command", "code"), REFUSALS)
def test_illegal_steps_are_refused_with_their_own_code(
    hall: Hall, status: str, command: cmd.Command, code: str
) -> None:
    fid = rated(hall).id
    to_status(hall, fid, status)
    if getattr(command, "follow_up", None) == "F":
        command = replace(command, follow_up=fid)

    assert hall.refuse(command) == code


# --- deadlines -------------------------------------------------------------------------------


def festival_hall(now: datetime) -> Hall:
    return Hall(hall_config(SPRING_FESTIVAL), now)


def test_deadlines_skip_the_spring_festival_and_count_the_makeup_saturday() -> None:
    hall = festival_hall(local("10:00", "2026-02-13"))  # Friday before the festival

    events = hall.do(cmd.FileComplaint("排队太久", "web"))

    fu = of_type(events, ev.FollowUpOpened)[0].follow_up
    assert fu is not None
    assert fu.callback_due == closing("2026-02-14")  # the 调休 Saturday works
    # 5 working days: Sat 14, (festival Sun 15 - Mon 23 closed), Tue 24, Wed 25, Thu 26, Fri 27
    assert fu.due == closing("2026-02-27")


def test_a_rating_on_the_last_day_before_the_festival_is_called_back_after_it() -> None:
    hall = festival_hall(local("16:00", "2026-02-14"))

    fu = rated(hall)

    assert fu.callback_due == closing("2026-02-24")
    assert fu.due == closing("2026-03-13")  # 15 working days incl. Saturday 28 February


def test_overdue_is_raised_once_per_step(hall: Hall) -> None:
    fid = rated(hall).id
    hall.now = datetime.fromtimestamp(closing("2024-03-05") + 60, hall.now.tzinfo)

    first = of_type(hall.do(cmd.Tick()), ev.FollowUpOverdue)
    again = of_type(hall.do(cmd.Tick()), ev.FollowUpOverdue)

    assert [(e.follow_up.id, e.step) for e in first] == [(fid, "callback")]
    assert again == []
    assert follow_up(hall, fid).overdue == ("callback",)
    hall.now = datetime.fromtimestamp(closing("2024-03-19") + 60, hall.now.tzinfo)
    late = of_type(hall.do(cmd.Tick()), ev.FollowUpOverdue)
    assert [(e.follow_up.id, e.step) for e in late] == [(fid, "close")]


def test_a_reached_citizen_stops_the_callback_deadline_and_closing_stops_all(hall: Hall) -> None:
    reached = rated(hall).id
    through_callback(hall, reached)
    hall.now = datetime.fromtimestamp(closing("2024-03-06"), hall.now.tzinfo)

    assert of_type(hall.do(cmd.Tick()), ev.FollowUpOverdue) == []


def test_closing_late_is_not_on_time(hall: Hall) -> None:
    fid = rated(hall).id
    through_callback(hall, fid)
    hall.do(cmd.RectifyFollowUp(fid, "整改"))
    hall.now = datetime.fromtimestamp(closing("2024-03-19") + 60, hall.now.tzinfo)

    hall.do(cmd.CloseFollowUp(fid, True))

    assert not follow_ups.on_time(follow_up(hall, fid))


# --- across days and storage -----------------------------------------------------------------


def test_open_follow_ups_outlive_the_day_and_closed_ones_leave_with_it(hall: Hall) -> None:
    kept = rated(hall).id
    done = of_type(hall.do(cmd.FileComplaint("噪音大", "kiosk")), ev.FollowUpOpened)[0].case
    to_status(hall, done, "closed")
    hall.now = local("09:00", "2024-03-05")

    hall.do(cmd.Tick())

    assert set(hall.state.follow_ups) == {kept}
    hall.do(cmd.AssignFollowUp(kept, "M01"))
    assert follow_up(hall, kept).status == "assigned"


def test_follow_ups_round_trip_through_the_codec(hall: Hall) -> None:
    fid = rated(hall).id
    through_callback(hall, fid)

    assert state_from_dict(state_to_dict(hall.state)) == hall.state
    for event in hall.log:
        assert event_from_dict(event_to_dict(event)) == event


def test_a_follow_up_opened_event_stored_before_the_lifecycle_still_reads(hall: Hall) -> None:
    old = {
        "name": "follow_up.opened",
        "case": "FU-20240304-A001",
        "ticket": "20240304-A001",
        "number": "A001",
        "window": "1",
        "clerk": "staff-1",
        "score": 1,
        "deadline": 1709800000.0,
    }
    event = event_from_dict(old)
    hall.state = follow_ups.apply_follow_up(hall.state, event)

    fu = follow_up(hall, "FU-20240304-A001")
    assert (fu.type, fu.status, fu.score, fu.due) == ("rating", "open", 1, 1709800000.0)
    hall.do(cmd.AssignFollowUp(fu.id, "M01"))


ACTIONS = st.lists(
    st.sampled_from(["assign", "unreachable", "reached", "rectify", "close", "tick"]),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(ACTIONS)
def test_any_sequence_of_actions_keeps_the_follow_up_coherent(actions: list[str]) -> None:
    hall = Hall()
    fu = rated(hall)
    fid = fu.id
    commands: dict[str, cmd.Command] = {
        "assign": cmd.AssignFollowUp(fid, "M01"),
        "unreachable": cmd.RecordCallback(fid, "unreachable"),
        "reached": cmd.RecordCallback(fid, "reached"),
        "rectify": cmd.RectifyFollowUp(fid, "整改"),
        "close": cmd.CloseFollowUp(fid, True),
        "tick": cmd.Tick(),
    }
    for action in actions:
        hall.advance(minutes=600)
        with contextlib.suppress(DomainError):
            hall.do(commands[action])
        if fid not in hall.state.follow_ups:  # closed on an earlier day: gone with that day
            assert fu.status == "closed"
            break
        fu = follow_up(hall, fid)
        assert (fu.status == "open") == (fu.assignee is None)
        assert (fu.status == "closed") == (fu.closed_at is not None)
        assert fu.status not in ("rectified", "closed") or fu.outcome is not None
        assert fu.status != "closed" or fu.rectified_at is not None
        assert len(set(fu.overdue)) == len(fu.overdue)
        assert fu.attempts >= (fu.outcome is not None)


def test_the_figures_count_on_time_rates_and_each_window_and_clerk(hall: Hall) -> None:
    on_time = rated(hall).id
    to_status(hall, on_time, "closed")
    hall.advance(minutes=1)
    hall.issue()
    late_ticket = hall.serve("1")
    hall.do(cmd.Rate(late_ticket.id, 2))
    hall.do(cmd.FileComplaint("太吵", "web"))
    later = datetime.fromtimestamp(closing("2024-03-05") + 60, hall.now.tzinfo)

    figures = follow_ups.figures(hall.state.follow_ups.values(), later.timestamp())

    assert (figures["opened"], figures["open"], figures["overdue"]) == (3, 2, 2)
    assert (figures["ratings"], figures["ratings_closed_on_time"], figures["rectify_rate"]) == (
        2,
        1,
        0.5,
    )
    assert (figures["callback_rate"], figures["satisfaction_rate"]) == (round(1 / 3, 4), 1.0)
    assert (figures["complaints"], figures["complaints_on_time"]) == (1, 0)
    assert figures["by_window"] == {"1": {"opened": 2, "closed_on_time": 1, "overdue": 1}}
    assert figures["by_clerk"] == {"staff-1": {"opened": 2, "closed_on_time": 1, "overdue": 1}}
