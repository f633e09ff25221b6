"""Windows: closed / idle / calling / serving / paused, clerk sign-in and sign-out, profiles."""

from __future__ import annotations

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.decide import MAX_TEXT
from tests.queueing.conftest import Hall, hall_config, of_type


def test_windows_start_the_day_closed(hall: Hall) -> None:
    assert {w.status for w in hall.state.windows.values()} == {"closed"}
    assert hall.refuse(cmd.CallNext("1")) == "window_closed"


def test_sign_in_opens_the_window_for_its_clerk(hall: Hall) -> None:
    events = hall.do(cmd.SignIn("1", "s-01", "张三"))

    changed = of_type(events, ev.WindowChanged)[0]
    assert changed.cause == "sign_in"
    window = hall.state.windows["1"]
    assert (window.status, window.clerk, window.clerk_name) == ("idle", "s-01", "张三")
    assert window.since == hall.t


def test_signing_in_again_at_the_same_window_changes_nothing(hall: Hall) -> None:
    hall.do(cmd.SignIn("1", "s-01", "张三"))

    assert hall.do(cmd.SignIn("1", "s-01", "张三")) == []


def test_a_clerk_signs_in_at_one_window_at_a_time(hall: Hall) -> None:
    hall.do(cmd.SignIn("1", "s-01", "张三"))

    assert hall.refuse(cmd.SignIn("2", "s-01", "张三")) == "staff_busy"
    assert hall.refuse(cmd.SignIn("1", "s-02", "李四")) == "window_open"
    assert hall.refuse(cmd.SignIn("9", "s-03", "王五")) == "unknown_window"


def test_a_clerk_may_sign_in_at_a_window_a_tablet_opened(hall: Hall) -> None:
    hall.do(cmd.OpenWindow("1"))
    assert (hall.status("1"), hall.state.windows["1"].clerk) == ("idle", None)

    hall.do(cmd.SignIn("1", "s-01", "张三"))

    assert (hall.status("1"), hall.state.windows["1"].clerk) == ("idle", "s-01")


def test_sign_out_closes_the_window_and_frees_the_clerk(hall: Hall) -> None:
    hall.do(cmd.SignIn("1", "s-01", "张三"))

    events = hall.do(cmd.SignOut("1"))

    assert of_type(events, ev.WindowChanged)[0].cause == "sign_out"
    window = hall.state.windows["1"]
    assert (window.status, window.clerk, window.clerk_name) == ("closed", None, None)
    hall.do(cmd.SignIn("2", "s-01", "张三"))
    assert hall.state.windows["2"].clerk == "s-01"


def test_a_revoked_clerk_is_signed_out_and_the_window_closes(hall: Hall) -> None:
    hall.do(cmd.SignIn("1", "s-01", "张三"))
    hall.do(cmd.Pause("1", "lunch"))

    events = hall.do(cmd.SignOut("1", staff="s-01", cause="staff_revoked"))

    assert [e.cause for e in of_type(events, ev.WindowChanged)] == ["staff_revoked"]
    window = hall.state.windows["1"]
    assert (window.status, window.clerk, window.clerk_name, window.reason) == (
        "closed",
        None,
        None,
        None,
    )


def test_a_revoked_clerk_with_a_ticket_in_hand_leaves_the_ticket_at_the_open_window(
    hall: Hall,
) -> None:
    hall.do(cmd.SignIn("1", "s-01", "张三"))
    hall.issue()
    called = hall.call("1")
    assert called is not None

    events = hall.do(cmd.SignOut("1", staff="s-01", cause="staff_revoked"))

    assert [e.cause for e in of_type(events, ev.WindowChanged)] == ["staff_revoked"]
    window = hall.state.windows["1"]
    assert (window.status, window.clerk, window.ticket) == ("calling", None, called.id)
    assert hall.refuse(cmd.Finish("1")) == "not_signed_in"  # its rating would go to nobody
    hall.do(cmd.SignIn("1", "s-02", "李四"))  # another clerk takes the window over
    hall.do(cmd.Finish("1"))
    assert hall.status("1") == "idle"


def test_an_open_window_with_nobody_signed_in_does_not_call(hall: Hall) -> None:
    """`open_window` (the tablet's) opens a window for sign-in: calls and services there need a
    clerk, so that every service has someone its rating goes to."""
    hall.do(cmd.OpenWindow("1"))
    hall.issue()

    assert hall.refuse(cmd.CallNext("1")) == "not_signed_in"
    ticket = next(iter(hall.state.tickets))
    assert hall.refuse(cmd.CallTicket("1", ticket)) == "not_signed_in"
    hall.do(cmd.SignIn("1", "s-01", "张三"))
    assert hall.call("1") is not None


def test_a_hall_may_let_open_windows_call_without_a_clerk() -> None:
    hall = Hall(hall_config({"require_sign_in": False}))
    hall.do(cmd.OpenWindow("1"))
    hall.issue()

    called = hall.call("1")

    assert called is not None
    hall.do(cmd.Finish("1"))
    assert hall.state.ratings[called.id].clerk is None


def test_revoking_a_clerk_who_left_changes_nothing(hall: Hall) -> None:
    hall.do(cmd.SignIn("1", "s-02", "李四"))

    assert hall.do(cmd.SignOut("1", staff="s-01", cause="staff_revoked")) == []
    assert hall.do(cmd.SignOut("2", staff="s-01", cause="staff_revoked")) == []
    assert hall.state.windows["1"].clerk == "s-02"


@pytest.mark.parametrize("command", [cmd.SignOut("1"), cmd.CloseWindow("1")], ids=str)
def test_a_window_with_a_ticket_in_hand_stays_open(hall: Hall, command: cmd.Command) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")

    assert hall.refuse(command) == "window_busy"


@pytest.mark.parametrize(
    "command",
    [cmd.SignOut("1"), cmd.CloseWindow("1"), cmd.Pause("1", "lunch"), cmd.Resume("1")],
    ids=str,
)
def test_a_closed_window_refuses_to_close_pause_or_resume(hall: Hall, command: cmd.Command) -> None:
    assert hall.refuse(command) == "window_closed"


def test_open_and_close_window(hall: Hall) -> None:
    hall.do(cmd.OpenWindow("1"))
    assert hall.refuse(cmd.OpenWindow("1")) == "window_open"

    hall.do(cmd.CloseWindow("1"))

    assert hall.status("1") == "closed"
    assert hall.refuse(cmd.OpenWindow("9")) == "unknown_window"
    assert hall.refuse(cmd.CloseWindow("9")) == "unknown_window"


def test_the_window_status_follows_its_ticket(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.issue()
    seen = [hall.status("1")]
    hall.call("1")
    seen.append(hall.status("1"))
    hall.do(cmd.Start("1"))
    seen.append(hall.status("1"))
    hall.do(cmd.Finish("1"))
    seen.append(hall.status("1"))
    hall.call("1")
    hall.do(cmd.NoShow("1"))
    seen.append(hall.status("1"))

    assert seen == ["idle", "calling", "serving", "idle", "idle"]


def test_since_moves_only_when_the_status_changes(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.advance(minutes=1)
    hall.call("1")
    called_at = hall.t
    hall.advance(minutes=1)
    hall.do(cmd.Recall("1"))

    assert hall.state.windows["1"].since == called_at


# --- pause and resume ------------------------------------------------------------------------


def test_pause_with_a_reason_and_resume(hall: Hall) -> None:
    hall.open("1")
    hall.issue()

    hall.do(cmd.Pause("1", "  午休  "))
    window = hall.state.windows["1"]
    assert (window.status, window.reason) == ("paused", "午休")
    assert hall.refuse(cmd.CallNext("1")) == "window_paused"
    assert hall.refuse(cmd.Pause("1", "again")) == "window_paused"

    hall.do(cmd.Resume("1"))
    window = hall.state.windows["1"]
    assert (window.status, window.reason) == ("idle", None)
    assert hall.refuse(cmd.Resume("1")) == "window_not_paused"
    assert hall.call("1") is not None


def test_a_paused_window_can_sign_out(hall: Hall) -> None:
    hall.open("1")
    hall.do(cmd.Pause("1", "meeting"))

    hall.do(cmd.SignOut("1"))

    assert (hall.status("1"), hall.state.windows["1"].reason) == ("closed", None)


def test_a_window_with_a_ticket_in_hand_cannot_pause(hall: Hall) -> None:
    hall.open("1")
    hall.issue()
    hall.call("1")

    assert hall.refuse(cmd.Pause("1", "lunch")) == "window_busy"


@pytest.mark.parametrize("reason", ["", "   ", "x" * (MAX_TEXT + 1)])
def test_a_pause_needs_a_reason_of_reasonable_length(hall: Hall, reason: str) -> None:
    hall.open("1")

    assert hall.refuse(cmd.Pause("1", reason)) == "invalid_text"


# --- profiles --------------------------------------------------------------------------------


def test_a_window_profile_can_be_changed(hall: Hall) -> None:
    hall.open("1")
    tax = hall.issue("tax")
    assert hall.call("1") is None

    hall.do(cmd.SetWindowQueues("1", {"B": 2.0}))

    assert hall.state.windows["1"].queues == {"B": 2.0}
    called = hall.call("1")
    assert called is not None and called.id == tax.id


@pytest.mark.parametrize(
    ("queues", "code"),
    [
        ({}, "bad_request"),
        ({"Z": 1.0}, "unknown_queue"),
        ({"A": 0.0}, "bad_request"),
        ({"A": -1.0}, "bad_request"),
        ({"A": 100.5}, "bad_request"),
    ],
)
def test_a_profile_must_name_known_queues_with_positive_weights(
    hall: Hall, queues: dict[str, float], code: str
) -> None:
    assert hall.refuse(cmd.SetWindowQueues("1", queues)) == code


def test_a_profile_of_an_unknown_window_is_refused(hall: Hall) -> None:
    assert hall.refuse(cmd.SetWindowQueues("9", {"A": 1.0})) == "unknown_window"
