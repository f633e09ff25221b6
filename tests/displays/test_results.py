from __future__ import annotations

import json
from typing import Any

import pytest

from displays.results import render_result
from queueing import commands as cmd
from queueing.estimate import estimate_waits
from tests.displays.halls import SECRET, Hall, open_hall


def run(hall: Hall, command: cmd.Command, lang: str = "zh-CN", wait: float = 5.0) -> dict[str, Any]:
    """Run a command as the engine does: estimate, decide and apply, then render the result."""
    estimate = estimate_waits(hall.state, hall.now.timestamp())
    events = hall.run(command, wait=wait)
    result = render_result(command, events, hall.state, estimate, lang)
    json.dumps(result)
    return result


def test_issue_ticket_returns_ticket_position_wait_track_and_print() -> None:
    hall = open_hall()
    for _ in range(3):
        hall.issue()
    before = estimate_waits(hall.state, hall.now.timestamp())
    result = run(hall, cmd.IssueTicket("general", track=f"trk-{SECRET}-new"))
    assert result["ticket"]["number"] == "A004"
    assert result["ticket"]["state"] == "waiting"
    assert result["position"] == 3
    assert result["eta_seconds"] == round(before.new_ticket["A"])
    assert result["eta_seconds"] > 0
    assert result["track"] == f"trk-{SECRET}-new"
    assert "track" not in result["ticket"]
    lines = result["print"]
    assert lines[:3] == ["高新区政务服务中心", "综合受理", "A004"]
    assert lines[3] == "前面还有 3 人等候"
    assert lines[4] == f"预计等候约 {-(-result['eta_seconds'] // 60)} 分钟"
    assert lines[5] == "取号时间 2026-11-23 09:00"  # the hall's zone, not UTC
    assert lines[6] == "请留意叫号，过号请到取号机重新激活"


def test_a_green_channel_ticket_prints_its_priority_under_the_number() -> None:
    hall = open_hall()
    hall.issue()
    result = run(hall, cmd.IssueTicket("general", "green", "t"))
    assert result["position"] == 0
    assert result["print"][2:5] == ["A002", "绿色通道", "前面还有 0 人等候"]


def test_before_any_window_opens_the_first_ticket_is_told_so() -> None:
    result = run(Hall(), cmd.IssueTicket("social", track="t"))
    assert result["eta_seconds"] == 0
    assert "窗口暂未开放，开放后按序叫号" in result["print"]


def test_before_any_window_opens_the_wait_comes_from_the_configuration() -> None:
    hall = Hall()
    for _ in range(3):
        hall.issue("social")
    result = run(hall, cmd.IssueTicket("social", track="t"))
    # 3 ahead, 8 minutes each, shared by the three windows configured for queue B
    assert result["eta_seconds"] == 3 * 8 * 60 // 3
    assert "预计等候约 8 分钟" in result["print"]


def test_a_green_ticket_waits_by_its_own_place_not_the_back_of_the_line() -> None:
    hall = open_hall()
    for _ in range(6):
        hall.issue()
    result = run(hall, cmd.IssueTicket("general", "green", "t"))
    new_walk_in = estimate_waits(hall.state, hall.now.timestamp()).new_ticket["A"]
    assert result["position"] == 0
    assert result["eta_seconds"] < new_walk_in


def test_with_a_window_free_the_ticket_prints_that_the_call_is_near() -> None:
    result = run(open_hall(), cmd.IssueTicket("social", track="t"))
    assert result["eta_seconds"] == 0
    assert "即将叫号，请留意屏幕" in result["print"]


def test_a_ticket_prints_in_english_when_asked() -> None:
    hall = open_hall()
    hall.issue()
    result = run(hall, cmd.IssueTicket("general", track="t"), lang="en")
    assert "1 ahead of you" in result["print"]
    assert result["print"][0] == "高新区政务服务中心"  # names are the hall's own


def test_check_in_returns_an_appointment_ticket_with_its_track_token() -> None:
    hall = open_hall()
    hall.run(cmd.Book("general", hall.slot("10:00"), f"cit-{SECRET}", f"BK-{SECRET}"))
    result = run(hall, cmd.CheckIn(f"BK-{SECRET}", f"trk-{SECRET}-c"), wait=3600)
    assert result["ticket"]["priority"] == "appointment"
    assert result["track"] == f"trk-{SECRET}-c"
    assert result["print"][3] == "预约"
    assert f"BK-{SECRET}" not in json.dumps(result)


def test_reactivate_returns_the_same_ticket_a_few_places_back() -> None:
    hall = open_hall()
    missed = hall.issue()
    for _ in range(5):
        hall.issue()
    hall.run(cmd.CallTicket("1", missed.id))
    hall.run(cmd.NoShow("1"))
    result = run(hall, cmd.Reactivate(missed.number))
    assert result["ticket"]["id"] == missed.id
    assert result["ticket"]["state"] == "waiting"
    assert result["position"] == hall.state.config.rules.reactivate_places
    assert result["track"] == missed.track
    assert result["print"][2] == missed.number


def test_call_next_returns_the_called_ticket_or_null() -> None:
    hall = open_hall()
    ticket = hall.issue()
    called = run(hall, cmd.CallNext("1"))
    assert called["ticket"]["id"] == ticket.id
    assert called["ticket"]["state"] == "called"
    assert called["ticket"]["window"] == "1"
    assert run(hall, cmd.CallNext("5")) == {"ticket": None}


@pytest.mark.parametrize(
    ("commands", "last", "state"),
    [
        ([], cmd.Recall("5"), "called"),
        ([], cmd.Start("5"), "serving"),
        ([cmd.Start("5")], cmd.Finish("5"), "finished"),
        ([], cmd.NoShow("5"), "missed"),
        ([cmd.Start("5")], cmd.Transfer("5", to_queue="B"), "waiting"),
        ([cmd.Start("5")], cmd.Transfer("5", to_window="1"), "waiting"),
        ([cmd.Start("5")], cmd.Park("5"), "parked"),
        ([cmd.Start("5"), cmd.Park("5")], cmd.Unpark("5"), "serving"),
    ],
)
def test_clerk_commands_return_the_ticket_they_acted_on(
    commands: list[cmd.Command], last: cmd.Command, state: str
) -> None:
    hall = open_hall()
    hall.issue()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("5", ticket.id))
    for command in commands:
        hall.run(command)
    result = run(hall, last)
    assert result["ticket"]["id"] == ticket.id
    assert result["ticket"]["state"] == state


def test_call_and_cancel_return_the_ticket() -> None:
    hall = open_hall()
    first, second = hall.issue(), hall.issue()
    assert run(hall, cmd.CallTicket("1", second.id))["ticket"]["id"] == second.id
    cancelled = run(hall, cmd.CancelTicket(first.id))
    assert cancelled["ticket"] == cancelled["ticket"] | {"id": first.id, "state": "cancelled"}


@pytest.mark.parametrize(
    ("command", "status", "clerk"),
    [
        (cmd.SignIn("2", "s002", "王五"), "idle", "王五"),
        (cmd.Pause("5", "午休"), "paused", "李四"),
        (cmd.SignOut("5"), "closed", None),
        (cmd.CloseWindow("2"), "closed", None),
        (cmd.SetWindowQueues("1", {"A": 2.0}), "idle", "张三"),
    ],
)
def test_window_commands_return_the_window(
    command: cmd.Command, status: str, clerk: str | None
) -> None:
    result = run(open_hall(), command)
    window = result["window"]
    assert window["id"] == command.window  # type: ignore[union-attr]
    assert window["status"] == status
    assert window["clerk"] == clerk


def test_open_and_resume_return_the_window() -> None:
    hall = Hall()
    assert run(hall, cmd.OpenWindow("2"))["window"]["status"] == "idle"
    hall.run(cmd.Pause("2", "培训"))
    assert run(hall, cmd.Resume("2"))["window"]["reason"] is None


def test_signing_in_again_returns_the_window_unchanged() -> None:
    hall = open_hall()
    result = run(hall, cmd.SignIn("1", "s001", "张三"))
    assert result["window"]["clerk"] == "张三"


def test_rate_returns_the_ticket_and_score() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("1", ticket.id))
    hall.run(cmd.Finish("1"))
    result = run(hall, cmd.Rate(ticket.id, 5, (), f"{SECRET}", "1"))
    assert result == {
        "ticket": {"id": ticket.id, "number": ticket.number},
        "score": 5,
        "label": "非常满意",
        "follow_up": False,
    }


def test_a_low_rating_reports_its_follow_up() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("1", ticket.id))
    hall.run(cmd.Finish("1"))
    result = run(hall, cmd.Rate(ticket.id, 2, window="1"))
    assert result["follow_up"] is True
    assert result["label"] == "不满意"


def test_broadcast_returns_its_text() -> None:
    assert run(open_hall(), cmd.Broadcast(" 今日17:00闭厅 ")) == {"text": "今日17:00闭厅"}


def test_internal_commands_return_what_happened() -> None:
    hall = open_hall()
    booked = run(hall, cmd.Book("general", hall.slot("11:00"), "hash", "BK7"))
    assert booked == {
        "booking": {"code": "BK7", "service": "general", "slot_start": "2026-11-23T03:00:00.000Z"}
    }
    assert run(hall, cmd.CancelBooking("BK7")) == {"code": "BK7"}
    assert run(hall, cmd.Tick()) == {"events": []}
    assert run(hall, cmd.Configure(hall.state.config)) == {"events": ["hall.configured"]}


def test_the_first_command_of_a_day_reports_its_own_events_only() -> None:
    hall = Hall()
    result = run(hall, cmd.Tick())
    assert [e.event.name for e in hall.log] == ["hall.day_started"]
    assert result == {"events": []}
