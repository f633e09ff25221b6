"""Events and hall states to JSON and back, and replaying stored events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import replay
from queueing.codec import event_from_dict, event_to_dict, state_from_dict, state_to_dict
from queueing.decide import decide
from queueing.model import initial_state
from tests.queueing.conftest import Hall, hall_config, local
from tests.queueing.test_cases import case_config, walk_a_case


def busy_day() -> Hall:
    """A hall that went through every kind of event."""
    hall = Hall(hall_config({"reactivate_minutes": 10}), local("08:40"))
    hall.do(cmd.Configure(hall_config({"reactivate_minutes": 10})))
    hall.do(cmd.Book("social", local("09:00").timestamp(), "c1", "BK1"))
    hall.do(cmd.Book("social", local("09:00").timestamp(), "c2", "BK2"))
    hall.do(cmd.Book("tax", local("11:00").timestamp(), "c3", "BK3"))
    hall.do(cmd.CancelBooking("BK3"))
    hall.do(cmd.CheckIn("BK1", track="t1"))
    hall.open("1", "2", "3")
    hall.do(cmd.Broadcast("欢迎"))
    for service in ("social", "social", "tax", "startup", "social"):
        hall.issue(service)
    hall.advance(minutes=2)
    hall.call("1")
    hall.do(cmd.Recall("1"))
    hall.do(cmd.Start("1"))
    hall.advance(minutes=5)
    hall.do(cmd.Finish("1"))
    rated = list(hall.state.ratings)[0]
    hall.do(cmd.Rate(rated, 2, ("慢",), "等太久"))
    missed = hall.call("1")
    assert missed is not None
    hall.do(cmd.NoShow("1"))
    hall.do(cmd.Reactivate(missed.number))
    hall.call("2")
    hall.do(cmd.Transfer("2", to_window="3"))
    hall.call("1")
    hall.do(cmd.Park("1"))
    hall.do(cmd.Unpark("1"))
    hall.do(cmd.Finish("1"))
    hall.call("1")
    hall.do(cmd.NoShow("1"))
    hall.do(cmd.Pause("2", "午休"))
    hall.do(cmd.CancelTicket(hall.state.lines["A"][-1]))
    moved = hall.issue("social")
    hall.do(cmd.MoveTicket(moved.id, to_queue="C"))
    hall.do(cmd.MoveTicket(moved.id, to_window="4"))
    hall.do(cmd.PrioritiseTicket(moved.id))
    hall.advance(minutes=40)
    hall.do(cmd.Tick())
    hall.do(cmd.SetWindowQueues("3", {"B": 1.0, "C": 0.5}))
    hall.do(cmd.RequestHelp("不会取号", kiosk="k1", kiosk_name="1号取号机"))
    hall.do(cmd.RequestHelp(kiosk="k2", kiosk_name="2号取号机"))
    helped, waiting = sorted(hall.state.help_requests)
    hall.do(cmd.ClaimHelp(helped, by="G01"))
    hall.do(cmd.IssueTicket("social", assisted=True, by="G01"))
    hall.do(cmd.CloseHelp(helped, "已陪同取号", by="G01"))
    hall.do(cmd.ClaimHelp(waiting, by="G02"))  # a claimed request stays in the state
    hall.do(cmd.Configure(case_config({"reactivate_minutes": 10})))  # cases (办件)
    hall.open("4")
    walk_a_case(hall)
    hall.do(cmd.SignOut("4"))
    follow_up = f"FU-{rated}"  # follow-ups (差评整改, 投诉, 回访)
    hall.do(cmd.AssignFollowUp(follow_up, "M01", by="M00"))
    hall.do(cmd.RecordCallback(follow_up, "reached", "已致歉"))
    hall.do(cmd.RectifyFollowUp(follow_up, "增加引导员"))
    hall.do(cmd.CloseFollowUp(follow_up, True))
    early = {"reactivate_minutes": 10, "callback_working_days": 0, "close_time": "10:00"}
    hall.do(cmd.Configure(case_config(early)))  # a complaint due back by 10:00 today
    hall.do(cmd.FileComplaint("大厅太冷", "12345"))
    hall.now = local("10:01")
    hall.do(cmd.Tick())  # its callback is overdue
    hall.do(cmd.Configure(case_config({"reactivate_minutes": 10})))
    return hall


@pytest.fixture(scope="module")
def day() -> Hall:
    return busy_day()


def through_json(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_the_busy_day_has_every_kind_of_event(day: Hall) -> None:
    assert {type(e) for e in day.log} == set(ev.EVENT_TYPES.values())


def test_every_event_round_trips_through_json(day: Hall) -> None:
    for event in day.log:
        assert event_from_dict(through_json(event_to_dict(event))) == event


def test_an_event_dict_carries_its_protocol_name_and_fields(day: Hall) -> None:
    called = next(e for e in day.log if isinstance(e, ev.TicketCalled))

    data = event_to_dict(called)

    assert data["name"] == "ticket.called"
    assert (data["window"], data["window_name"], data["recall"]) == ("1", "1号窗口", False)
    assert {"id", "number", "queue", "service", "priority", "state"} <= set(data["ticket"])
    assert data["ticket"]["state"] == "called"


def test_replaying_stored_events_rebuilds_the_state(day: Hall) -> None:
    stored = [through_json(event_to_dict(e)) for e in day.log]

    rebuilt = replay(initial_state(day.config), [event_from_dict(d) for d in stored])

    assert rebuilt == day.state


def test_the_state_round_trips_through_json(day: Hall) -> None:
    data = through_json(state_to_dict(day.state))

    assert state_from_dict(data) == day.state


def test_a_decoded_state_keeps_its_types(day: Hall) -> None:
    data = through_json(state_to_dict(day.state))
    data["service_stats"] = {"A": [5, 600]}  # a JSON store may write 600.0 as 600
    data["windows"]["3"]["queues"] = {"B": 1, "C": 0.5}

    state = state_from_dict(data)

    count, total = state.service_stats["A"]
    assert (type(count), type(total)) == (int, float)
    assert all(type(w) is float for w in state.windows["3"].queues.values())
    assert isinstance(state.calls, tuple) and isinstance(state.lines["B"], tuple)


def test_a_decoded_state_decides_like_the_original(day: Hall) -> None:
    decoded = state_from_dict(through_json(state_to_dict(day.state)))

    commands = (
        cmd.CallNext("3"),
        cmd.CallTicket("3", "20240304-B001"),
        cmd.IssueTicket("tax"),
        cmd.SignIn("4", "s4", "Clerk 4"),
    )
    for command in commands:
        events = decide(day.state, command, day.now)
        assert events
        assert decide(decoded, command, day.now) == events
