from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from displays.permissions import receives
from displays.views import (
    iso_datetime,
    public_ticket,
    render_event,
    snapshot,
    ticket_position,
    ticket_progress,
)
from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import apply
from queueing.calendar import day_closes_at
from queueing.config import OfficeConfig
from queueing.events import EVENT_TYPES
from queueing.frozen import replace
from queueing.model import HallState
from queueing.stream import SequencedEvent
from tests.displays.halls import SECRET, Hall, full_day, open_hall

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TICKET_FIELDS = {"id", "number", "queue", "service", "priority", "state", "issued_at"}
KINDS = ["kiosk", "clerk", "call_screen", "window_screen", "rating_pad", "tablet", "tracker"]


@pytest.fixture(scope="module")
def day() -> Hall:
    return with_floor_actions(full_day())


def with_floor_actions(hall: Hall) -> Hall:
    """A floor manager's actions after `full_day`, on the next morning: A001 moved to queue B,
    then directed to window 5, then prioritised; and a case (办件) the morning after."""
    ticket = hall.issue()
    hall.issue("social")
    hall.run(cmd.MoveTicket(ticket.id, to_queue="B"))
    hall.run(cmd.MoveTicket(ticket.id, to_window="5"))
    hall.run(cmd.PrioritiseTicket(ticket.id))
    hall.run(cmd.RequestHelp("不会操作", kiosk="k1", kiosk_name="1号取号机"))
    help_id = next(iter(hall.state.help_requests))
    hall.run(cmd.ClaimHelp(help_id, by="G01"))
    hall.run(cmd.CloseHelp(help_id, "已帮办", by="G01"))
    follow_up = next(iter(hall.state.follow_ups))  # the low rating's (差评整改)
    hall.run(cmd.AssignFollowUp(follow_up, "M01", by="M00"))
    hall.run(cmd.RecordCallback(follow_up, "reached", "已致歉"))
    hall.run(cmd.RectifyFollowUp(follow_up, "增加引导员"))
    hall.run(cmd.CloseFollowUp(follow_up, True))
    rules = replace(hall.state.config.rules, callback_working_days=0)
    hall.run(cmd.Configure(replace(hall.state.config, rules=rules)))  # complaints due back today
    hall.run(cmd.FileComplaint("空调太冷 13800138000", "12345"))
    closing = day_closes_at(hall.state.config, hall.state.day)
    hall.run(cmd.Tick(), wait=closing + 60 - hall.now.timestamp())  # its callback is overdue
    walk_a_case(hall)
    return hall


def walk_a_case(hall: Hall) -> None:
    """A case (办件) through every case event, its pickup at window 1 (queue B is 出证 here);
    its tracker token holds `SECRET` (never rendered), its pickup code does not (staff see it
    in `case.opened`)."""
    config = hall.state.config
    services = tuple(
        replace(s, office="civil", promise_days=2) if s.id == "general" else s
        for s in config.services
    )
    offices = (OfficeConfig("civil", "民政科"),)
    rules = replace(config.rules, pickup_queue="B")
    changed = replace(config, services=services, offices=offices, rules=rules)
    hall.run(cmd.Configure(changed), wait=16 * 3600)  # the next morning
    hall.sign_in("1", "s001", "张三")
    ticket = hall.issue()
    hall.run(cmd.CallTicket("1", ticket.id))
    code, track = "PICKUP2345", f"trk-{SECRET}-case"
    case = hall.run(cmd.OpenCase(ticket.id, window="1", code=code, track=track))[-1]
    assert isinstance(case, ev.CaseOpened)
    case_id = case.case.id
    hall.run(cmd.Finish("1"))
    hall.run(cmd.RequestDocuments(case_id, ("户口本",), office="civil"))
    hall.run(cmd.SubmitDocuments(case_id, window="1"))
    hall.run(cmd.ApproveCase(case_id, office="civil"))
    hall.run(cmd.ReadyCase(case_id, "window", office="civil"))
    hall.run(cmd.CheckIn(case_code=code, track=f"trk-{SECRET}-pickup"))
    pickup = hall.state.cases[case_id].pickup_ticket
    assert pickup is not None
    hall.run(cmd.CallTicket("1", pickup))
    hall.run(cmd.DeliverCase(case_id, window="1"))
    hall.run(cmd.Finish("1"))
    other = hall.issue()
    hall.run(cmd.CallTicket("1", other.id))
    refused = hall.run(cmd.OpenCase(other.id, window="1", code="OTHERCODE2"))[-1]
    assert isinstance(refused, ev.CaseOpened)
    hall.run(cmd.RejectCase(refused.case.id, "不符合条件", office="civil"))
    hall.run(cmd.Finish("1"))
    hall.run(cmd.SignOut("1"))


def states_after(hall: Hall) -> list[HallState]:
    """The hall's state after each event of its log, replayed from the start."""
    state = Hall().state  # every test hall starts from the same document
    result = []
    for e in hall.log:
        state = apply(state, e.event)
        result.append(state)
    return result


def rendered_day(hall: Hall) -> list[dict[str, Any]]:
    return [render_event(e, s) for e, s in zip(hall.log, states_after(hall), strict=True)]


def by_name(messages: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["event"] == name]


# --- tickets and times -----------------------------------------------------------------------


def test_a_public_ticket_has_the_protocol_fields_and_never_the_token_or_booking() -> None:
    hall = open_hall()
    hall.run(cmd.Book("general", hall.slot("10:00"), f"cit-{SECRET}", f"BK-{SECRET}"))
    hall.run(cmd.CheckIn(f"BK-{SECRET}", f"trk-{SECRET}"), wait=3600)
    ticket = next(iter(hall.state.tickets.values()))
    assert ticket.track and ticket.booking
    data = public_ticket(ticket)
    assert set(data) == TICKET_FIELDS
    assert data["number"] == "A001"
    assert data["priority"] == "appointment"
    assert data["state"] == "waiting"
    assert data["issued_at"] == "2026-11-23T02:00:20.000Z"
    assert SECRET not in json.dumps(data)


def test_a_public_ticket_names_its_window_once_called() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("5", ticket.id))
    assert public_ticket(hall.state.tickets[ticket.id])["window"] == "5"


def test_times_are_utc_with_milliseconds_and_z() -> None:
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2026, 11, 22, 17, 15, 2, 120_999, tzinfo=shanghai)
    assert iso_datetime(at) == "2026-11-22T09:15:02.120Z"
    assert iso_datetime(datetime(2026, 11, 22, 9, 15, 2)) == "2026-11-22T09:15:02.000Z"


# --- events ----------------------------------------------------------------------------------


def test_every_event_type_renders_as_a_protocol_event_message(day: Hall) -> None:
    messages = rendered_day(day)
    assert {m["event"] for m in messages} == set(EVENT_TYPES)
    for e, message in zip(day.log, messages, strict=True):
        assert set(message) == {"type", "seq", "at", "event", "data"}
        assert message["type"] == "event"
        assert message["seq"] == e.seq
        assert ISO_MS_Z.match(message["at"])
        assert message["event"] == e.event.name
        assert isinstance(message["data"], dict)
    assert [m["seq"] for m in messages] == list(range(1, len(messages) + 1))


def test_a_ticket_in_event_data_is_always_an_object_with_id_and_number(day: Hall) -> None:
    with_ticket = [m for m in rendered_day(day) if "ticket" in m["data"]]
    assert len({m["event"] for m in with_ticket}) >= 12
    for message in with_ticket:
        assert {"id", "number"} <= set(message["data"]["ticket"]), message["event"]


def test_no_rendered_event_carries_a_token_booking_code_citizen_key_or_comment(day: Hall) -> None:
    text = json.dumps(rendered_day(day), ensure_ascii=False)
    assert SECRET not in text
    assert "13800138000" not in text


def test_ticket_issued_carries_the_ticket_and_waiting_counts(day: Hall) -> None:
    issued = by_name(rendered_day(day), "ticket.issued")
    first, second = issued[0]["data"], issued[1]["data"]
    assert set(first["ticket"]) == TICKET_FIELDS
    assert first["ticket"]["number"] == "A001"
    assert first["waiting"] == {"A": 1, "B": 0}
    assert second["ticket"]["priority"] == "green"
    assert second["waiting"] == {"A": 2, "B": 0}


def test_ticket_called_carries_window_recall_flag_and_the_announcement(day: Hall) -> None:
    called = by_name(rendered_day(day), "ticket.called")
    first, recall = called[0]["data"], called[1]["data"]
    assert first["window"] == {"id": "1", "name": "1号窗口"}
    assert first["recall"] is False
    assert first["announce"] == "请A001号到1号窗口办理"
    assert first["announce_en"] == "Ticket A001, please go to 1号窗口"
    assert first["ticket"]["state"] == "called"
    assert recall["recall"] is True
    assert "A001" in recall["announce"]


@pytest.mark.parametrize(
    "name", ["ticket.serving", "ticket.no_show", "ticket.parked", "ticket.unparked"]
)
def test_ticket_events_at_a_window_name_the_window(day: Hall, name: str) -> None:
    for message in by_name(rendered_day(day), name):
        data = message["data"]
        assert set(data["ticket"]) >= TICKET_FIELDS
        assert set(data["window"]) == {"id", "name"}
        assert data["window"]["name"].endswith("窗口")


def test_ticket_finished_carries_window_and_timings(day: Hall) -> None:
    finished = by_name(rendered_day(day), "ticket.finished")[0]["data"]
    assert finished["window"] == {"id": "1", "name": "1号窗口"}
    assert finished["ticket"]["state"] == "finished"
    assert finished["service_seconds"] == 300
    assert isinstance(finished["wait_seconds"], int) and finished["wait_seconds"] > 0


def test_a_bundle_step_finishes_into_its_next_queue(day: Hall) -> None:
    steps = [
        m["data"] for m in by_name(rendered_day(day), "ticket.finished") if m["data"]["next_queue"]
    ]
    for data in steps:
        assert data["next_queue"] == {"id": "B", "name": "社保医保"}
        assert data["ticket"]["state"] == "waiting"


def test_ticket_transferred_names_where_from_and_where_to(day: Hall) -> None:
    moved = [m["data"] for m in by_name(rendered_day(day), "ticket.transferred")]
    to_window = next(d for d in moved if "to_window" in d)
    assert to_window["from_window"] == {"id": "5", "name": "5号窗口"}
    assert to_window["to_window"] == {"id": "1", "name": "1号窗口"}
    assert "to_queue" not in to_window
    to_queue = next(d for d in moved if "to_queue" in d)
    assert to_queue["to_queue"] == {"id": "A", "name": "综合受理"}
    assert "to_window" not in to_queue


def test_ticket_moved_names_the_queue_it_left_and_where_it_went(day: Hall) -> None:
    to_queue, to_window = (m["data"] for m in by_name(rendered_day(day), "ticket.moved"))
    assert to_queue["ticket"]["number"] == "A001"
    assert to_queue["ticket"]["queue"] == "B" and to_queue["ticket"]["state"] == "waiting"
    assert to_queue["from_queue"] == {"id": "A", "name": "综合受理"}
    assert to_queue["to_queue"] == {"id": "B", "name": "社保医保"}
    assert "to_window" not in to_queue and "from_window" not in to_queue
    assert to_window["from_queue"] == {"id": "B", "name": "社保医保"}
    assert to_window["to_window"] == {"id": "5", "name": "综合5号窗"}  # renamed that day
    assert to_window["ticket"]["to_window"] == "5"
    assert "to_queue" not in to_window


def test_a_move_away_from_a_window_names_that_window() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.MoveTicket(ticket.id, to_window="2"))
    hall.run(cmd.MoveTicket(ticket.id, to_window="5"))
    hall.run(cmd.MoveTicket(ticket.id, to_queue="A"))
    moves = [render_event(e, hall.state)["data"] for e in hall.events_named("ticket.moved")]
    assert "from_window" not in moves[0]
    assert moves[1]["from_window"] == {"id": "2", "name": "2号窗口"}
    assert moves[2]["from_window"] == {"id": "5", "name": "5号窗口"}
    assert moves[2]["to_queue"] == {"id": "A", "name": "综合受理"}
    assert "to_window" not in moves[2]["ticket"]


def test_ticket_prioritised_carries_the_green_ticket(day: Hall) -> None:
    (message,) = by_name(rendered_day(day), "ticket.prioritised")
    assert set(message["data"]) == {"ticket"}
    ticket = message["data"]["ticket"]
    assert (ticket["number"], ticket["priority"], ticket["state"]) == ("A001", "green", "waiting")


@pytest.mark.parametrize(
    "name", ["ticket.cancelled", "ticket.reactivated", "ticket.expired", "ticket.parked"]
)
def test_ticket_only_events_carry_the_ticket(day: Hall, name: str) -> None:
    messages = by_name(rendered_day(day), name)
    assert messages
    for message in messages:
        assert set(message["data"]["ticket"]) >= TICKET_FIELDS


def test_window_changed_carries_status_and_clerk_display_name(day: Hall) -> None:
    changed = [m["data"]["window"] for m in by_name(rendered_day(day), "window.changed")]
    first = changed[0]
    assert {"id", "name", "status", "clerk"} <= set(first)
    assert first == first | {"id": "1", "name": "1号窗口", "status": "idle", "clerk": "张三"}
    paused = next(w for w in changed if w["status"] == "paused")
    assert paused["reason"] == "午休"
    statuses = {w["status"] for w in changed}
    assert statuses == {"closed", "idle", "calling", "serving", "paused"}
    # The staff number (工号) is public, as on every window's badge and rating pad.
    assert first["clerk_number"] == "s001"
    assert all(w["clerk_number"] is None for w in changed if w["status"] == "closed")


def test_rating_events_name_the_ticket_window_and_score(day: Hall) -> None:
    messages = rendered_day(day)
    requested = by_name(messages, "rating.requested")[0]["data"]
    assert requested["ticket"]["number"] == "A001"
    assert requested["window"] == {"id": "1", "name": "1号窗口"}
    submitted = by_name(messages, "rating.submitted")[0]["data"]
    assert submitted["ticket"]["number"] == "A001"
    assert submitted["window"] == {"id": "1", "name": "1号窗口"}
    assert submitted["score"] == 1
    assert submitted["reasons"] == ["等待时间长"]
    assert "comment" not in submitted
    case = by_name(messages, "follow_up.opened")[0]["data"]
    assert case["score"] == 1
    assert ISO_MS_Z.match(case["deadline"])


def test_broadcast_day_and_appointment_events_render_without_personal_data(day: Hall) -> None:
    messages = rendered_day(day)
    assert by_name(messages, "hall.broadcast")[0]["data"] == {"text": "午间照常办理"}
    assert by_name(messages, "hall.day_started")[0]["data"] == {"day": "2026-11-23"}
    booked = by_name(messages, "appointment.booked")[0]["data"]
    assert booked == {"service": "general", "slot_start": "2026-11-23T02:00:00.000Z"}
    checked_in = by_name(messages, "appointment.checked_in")[0]["data"]
    assert checked_in["on_time"] is True
    assert by_name(messages, "appointment.missed")[0]["data"] == {}
    configured = by_name(messages, "hall.configured")[0]["data"]
    assert {"id": "5", "name": "综合5号窗", "queues": {"A": 1.0, "B": 1.0}} in configured["windows"]


def test_a_replayed_event_renders_as_it_did_live() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("5", ticket.id))
    hall.run(cmd.Start("5"))
    hall.run(cmd.Finish("5"))
    hall.issue("social")
    live = rendered_day(hall)
    replayed = [render_event(e, hall.state) for e in hall.log]
    assert replayed == live


def test_without_any_state_a_window_is_named_by_its_id() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("5", ticket.id))
    hall.run(cmd.Start("5"))
    serving = hall.events_named("ticket.serving")[0]
    assert render_event(serving)["data"]["window"] == {"id": "5", "name": "5"}
    called = hall.events_named("ticket.called")[0]
    assert render_event(called) == render_event(called, hall.state)


def test_an_event_time_is_rendered_in_utc() -> None:
    hall = open_hall()
    e = SequencedEvent("demo", 7, datetime(2026, 11, 23, 1, 0, tzinfo=UTC), ev.HallBroadcast("x"))
    assert render_event(e, hall.state)["at"] == "2026-11-23T01:00:00.000Z"


# --- snapshots -------------------------------------------------------------------------------


def busy_hall() -> Hall:
    """Twelve calls made, tickets waiting in both queues, a rating pending at window 1."""
    hall = open_hall()
    for _ in range(12):
        ticket = hall.issue()
        hall.run(cmd.CallTicket("1", ticket.id))
        hall.run(cmd.Finish("1"))
    for service in ("general", "general", "social"):
        hall.issue(service)
    hall.issue(priority="green")
    hall.run(cmd.CallNext("5"))
    hall.run(cmd.Pause("2", "午休"))
    hall.run(cmd.Broadcast("今日17:00闭厅"))
    return hall


@pytest.mark.parametrize("kind", ["kiosk", "clerk", "call_screen", "tablet"])
def test_a_hall_wide_snapshot_has_queues_windows_latest_calls_and_the_notice(kind: str) -> None:
    hall = busy_hall()
    view = hall.view()
    data = snapshot(kind, view, window="5" if kind == "clerk" else None)
    assert data["hall"]["name"] == "高新区政务服务中心"
    assert data["notice"] == "今日17:00闭厅"
    waiting = hall.state.waiting_counts()
    assert [(q["id"], q["name"], q["prefix"], q["waiting"]) for q in data["queues"]] == [
        ("A", "综合受理", "A", waiting["A"]),
        ("B", "社保医保", "B", waiting["B"]),
    ]
    assert [q["eta_new_s"] for q in data["queues"]] == [
        round(view.estimate.new_ticket[q]) for q in ("A", "B")
    ]
    windows = {w["id"]: w for w in data["windows"]}
    assert windows["5"]["status"] == "calling"
    assert windows["5"]["clerk"] == "李四"
    assert windows["5"]["ticket"]["number"] == hall.state.calls[0].number
    assert windows["2"]["status"] == "paused" and windows["2"]["reason"] == "午休"
    assert windows["1"]["ticket"] is None
    calls = data["calls"]
    assert len(calls) >= 10
    assert calls[0]["number"] == hall.state.calls[0].number
    assert calls[0]["window"] == {"id": "5", "name": "5号窗口"}
    assert calls[1]["number"] == "A012"
    assert [c["at"] for c in calls] == sorted((c["at"] for c in calls), reverse=True)


def test_staff_snapshots_list_tickets_in_play_public_ones_do_not() -> None:
    view = busy_hall().view()
    staff = snapshot("tablet", view)
    assert {t["number"] for t in staff["tickets"]} == {
        t.number for t in view.state.tickets.values()
    }
    assert "tickets" not in snapshot("call_screen", view)
    assert "tickets" not in snapshot("kiosk", view)


def test_a_kiosk_snapshot_lists_the_services_to_pick() -> None:
    data = snapshot("kiosk", busy_hall().view())
    assert [(s["id"], s["name"]) for s in data["services"]] == [
        ("general", "综合受理"),
        ("social", "社保医保"),
        ("startup", "开办企业"),
    ]


def test_a_window_screen_shows_its_window_and_its_ticket() -> None:
    hall = busy_hall()
    data = snapshot("window_screen", hall.view(), window="5")
    assert data["window"]["name"] == "5号窗口"
    assert data["window"]["status"] == "calling"
    assert data["window"]["ticket"]["number"] == hall.state.calls[0].number
    assert "windows" not in data and "calls" not in data


def test_a_rating_pad_shows_the_ticket_awaiting_its_rating() -> None:
    hall = busy_hall()
    data = snapshot("rating_pad", hall.view(), window="1")
    assert data["rating"]["ticket"]["number"] == "A012"
    assert ISO_MS_Z.match(data["rating"]["expires_at"])
    assert snapshot("rating_pad", hall.view(), window="5")["rating"] is None


def test_a_tracker_snapshot_shows_its_ticket_position_and_expected_wait() -> None:
    hall = busy_hall()
    view = hall.view()
    waiting = [t for t in view.state.tickets.values() if t.state == "waiting"]
    last = max(waiting, key=lambda t: (t.queue == "A", t.issued_at))
    data = snapshot("tracker", view, ticket=last.id)
    assert data["ticket"]["number"] == last.number
    assert last.number == "A014"
    assert data["position"] == 1
    assert data["eta_seconds"] == round(view.estimate.tickets[last.id])
    assert "windows" not in data and "queues" not in data


def test_a_tracker_whose_ticket_left_the_hall_sees_no_ticket() -> None:
    data = snapshot("tracker", busy_hall().view(), ticket="20261123-A001")
    assert data["ticket"] is None and data["position"] is None and data["eta_seconds"] is None


def test_an_unknown_kind_has_no_snapshot() -> None:
    with pytest.raises(ValueError, match="unknown device kind"):
        snapshot("printer", busy_hall().view())


@pytest.mark.parametrize("kind", KINDS)
def test_no_snapshot_carries_a_token_booking_code_or_citizen_key(day: Hall, kind: str) -> None:
    hall = open_hall()
    hall.run(cmd.Book("general", hall.slot("10:00"), f"cit-{SECRET}", f"BK-{SECRET}-1"))
    hall.run(cmd.Book("general", hall.slot("10:30"), f"cit-{SECRET}", f"BK-{SECRET}-2"))
    hall.run(cmd.CheckIn(f"BK-{SECRET}-1", f"trk-{SECRET}-x"), wait=3600)
    tickets = [hall.issue() for _ in range(3)]
    hall.run(cmd.CallTicket("1", tickets[0].id))
    for view in (hall.view(), day.view()):
        for ticket in [*view.state.tickets, None]:
            data = snapshot(kind, view, window="1", ticket=ticket)
            assert SECRET not in json.dumps(data, ensure_ascii=False)


# --- positions -------------------------------------------------------------------------------


def test_position_counts_the_tickets_ahead_priority_first() -> None:
    hall = open_hall()
    a1, a2 = hall.issue(), hall.issue()
    green = hall.issue(priority="green")
    a3 = hall.issue()
    b1 = hall.issue("social")
    state = hall.state
    assert ticket_position(state, green.id) == 0
    assert ticket_position(state, a1.id) == 1
    assert ticket_position(state, a2.id) == 2
    assert ticket_position(state, a3.id) == 3
    assert ticket_position(state, b1.id) == 0


def test_position_is_zero_once_called_and_none_when_waiting_for_nothing() -> None:
    hall = open_hall()
    first, second = hall.issue(), hall.issue()
    hall.run(cmd.CallTicket("1", first.id))
    assert ticket_position(hall.state, first.id) == 0
    assert ticket_position(hall.state, second.id) == 0
    hall.run(cmd.NoShow("1"))
    assert ticket_position(hall.state, first.id) is None
    assert ticket_position(hall.state, "no-such-ticket") is None


def test_a_ticket_transferred_to_a_window_counts_that_windows_line() -> None:
    hall = open_hall()
    first, second = hall.issue(), hall.issue()
    for ticket in (first, second):
        hall.run(cmd.CallTicket("5", ticket.id))
        hall.run(cmd.Transfer("5", to_window="1"))
    assert ticket_position(hall.state, first.id) == 0
    assert ticket_position(hall.state, second.id) == 1


def test_a_moved_ticket_counts_its_place_in_its_new_line() -> None:
    hall = open_hall()
    b1 = hall.issue("social")
    moved = hall.issue()
    b2 = hall.issue("social")
    green = hall.issue("social", priority="green")
    assert ticket_position(hall.state, moved.id) == 0

    hall.run(cmd.MoveTicket(moved.id, to_queue="B"))

    # Behind the green ticket and B001, ahead of B002 (which has waited less).
    assert [ticket_position(hall.state, t.id) for t in (green, b1, moved, b2)] == [0, 1, 2, 3]

    hall.run(cmd.PrioritiseTicket(moved.id))

    assert [ticket_position(hall.state, t.id) for t in (moved, green, b1, b2)] == [0, 1, 2, 3]
    progress = ticket_progress(hall.view(), moved.id)
    assert (progress["position"], progress["ticket"]["priority"]) == (0, "green")
    assert progress["eta_seconds"] == 0


def test_who_is_told_of_a_floor_managers_actions(day: Hall) -> None:
    to_queue, to_window = day.events_named("ticket.moved")
    (prioritised,) = day.events_named("ticket.prioritised")
    ticket_id = prioritised.event.ticket.id  # type: ignore[union-attr]
    for e in (to_queue, to_window, prioritised):
        assert all(receives(kind, None, None, e) for kind in ("clerk", "tablet", "call_screen"))
        assert receives("tracker", None, ticket_id, e)  # its tracker then gets its new position
        assert not receives("tracker", None, "someone-else", e)
        assert not receives("window_screen", "1", None, e)
    assert not receives("window_screen", "5", None, to_queue)  # names no window
    assert receives("window_screen", "5", None, to_window)
    assert receives("rating_pad", "5", None, to_window)
    assert receives("window_screen", "5", None, prioritised)  # a ticket directed to window 5


def test_progress_names_the_window_a_ticket_was_called_to() -> None:
    hall = open_hall()
    ticket = hall.issue()
    waiting = ticket_progress(hall.view(), ticket.id)
    assert waiting["window"] is None
    assert waiting["position"] == 0
    hall.run(cmd.CallTicket("5", ticket.id))
    called = ticket_progress(hall.view(), ticket.id)
    assert called["window"] == {"id": "5", "name": "5号窗口"}
    assert called["eta_seconds"] == 0
    assert called["ticket"]["state"] == "called"
