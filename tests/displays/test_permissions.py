from __future__ import annotations

import pytest

from displays.errors import Forbidden
from displays.permissions import authorize, event_windows, receives, receives_metrics
from displays.protocol import SignInRequest
from queueing import commands as cmd
from queueing import errors
from queueing import events as ev
from queueing.decide import decide
from tests.displays.halls import Hall, full_day, open_hall

# One command of each name a device may send, for window "5".
SAMPLES: dict[str, cmd.Command | SignInRequest] = {
    "issue_ticket": cmd.IssueTicket("general"),
    "check_in": cmd.CheckIn("BK1"),
    "reactivate": cmd.Reactivate("A001"),
    "sign_in": SignInRequest("5", "s005", "pw"),
    "sign_out": cmd.SignOut("5"),
    "pause": cmd.Pause("5", "午休"),
    "resume": cmd.Resume("5"),
    "call_next": cmd.CallNext("5"),
    "call": cmd.CallTicket("5", "t1"),
    "recall": cmd.Recall("5"),
    "start": cmd.Start("5"),
    "finish": cmd.Finish("5"),
    "no_show": cmd.NoShow("5"),
    "transfer": cmd.Transfer("5", to_queue="B"),
    "park": cmd.Park("5"),
    "unpark": cmd.Unpark("5"),
    "open_window": cmd.OpenWindow("5"),
    "close_window": cmd.CloseWindow("5"),
    "broadcast": cmd.Broadcast("notice"),
    "rate": cmd.Rate("t1", 5),
    "cancel_ticket": cmd.CancelTicket("t1"),
    "set_window_queues": cmd.SetWindowQueues("5", {"A": 1.0}),
}

CLERK = {
    "sign_in",
    "sign_out",
    "pause",
    "resume",
    "call_next",
    "call",
    "recall",
    "start",
    "finish",
    "no_show",
    "transfer",
    "park",
    "unpark",
}
# docs/protocol.md's Permissions table, row by row.
MAY_SEND = {
    "kiosk": {"issue_ticket", "check_in", "reactivate"},
    "clerk": CLERK,
    "call_screen": set(),
    "window_screen": set(),
    "rating_pad": {"rate"},
    "tablet": CLERK
    | {
        "issue_ticket",
        "open_window",
        "close_window",
        "broadcast",
        "cancel_ticket",
        "set_window_queues",
    },
    "tracker": set(),
}
ROWS = [(kind, name) for kind in MAY_SEND for name in SAMPLES]


@pytest.mark.parametrize(("kind", "name"), ROWS)
def test_each_kind_may_send_exactly_its_row_of_the_table(kind: str, name: str) -> None:
    command = SAMPLES[name]
    if name in MAY_SEND[kind]:
        allowed = authorize(kind, "5", command)
        assert allowed.name == name
    else:
        with pytest.raises(Forbidden) as caught:
            authorize(kind, "5", command)
        assert caught.value.code == "forbidden"
        assert name in caught.value.message


@pytest.mark.parametrize("name", sorted(CLERK))
def test_a_clerk_acts_for_its_own_window_only(name: str) -> None:
    command = SAMPLES[name]
    assert authorize("clerk", "5", command) == command
    with pytest.raises(Forbidden):
        authorize("clerk", "1", command)
    with pytest.raises(Forbidden):
        authorize("clerk", None, command)


@pytest.mark.parametrize("name", sorted(CLERK))
def test_a_tablet_acts_for_any_window(name: str) -> None:
    command = SAMPLES[name]
    assert authorize("tablet", None, command) == command


def test_a_clerk_may_transfer_to_another_window() -> None:
    command = cmd.Transfer("5", to_window="1")
    assert authorize("clerk", "5", command) == command


def test_a_rating_pad_rates_for_its_own_window() -> None:
    rated = authorize("rating_pad", "5", cmd.Rate("t1", 4, ("快",), ""))
    assert rated == cmd.Rate("t1", 4, ("快",), "", window="5")
    with pytest.raises(Forbidden):
        authorize("rating_pad", None, cmd.Rate("t1", 4))


def test_a_rating_pad_cannot_rate_a_ticket_another_window_finished() -> None:
    hall = open_hall()
    ticket = hall.issue()
    hall.run(cmd.CallTicket("1", ticket.id))
    hall.run(cmd.Finish("1"))
    at_other_pad = authorize("rating_pad", "5", cmd.Rate(ticket.id, 5))
    with pytest.raises(errors.NotYourWindow):
        decide(hall.state, at_other_pad, hall.now)
    at_its_pad = authorize("rating_pad", "1", cmd.Rate(ticket.id, 5))
    assert [e.name for e in hall.run(at_its_pad)] == ["rating.submitted"]


def test_the_admin_token_may_send_everything_including_internal_commands() -> None:
    hall = Hall()
    internal: list[cmd.Command] = [
        cmd.Book("general", hall.slot("10:00"), "citizen-hash", "BK9"),
        cmd.CancelBooking("BK9"),
        cmd.Tick(),
        cmd.Configure(hall.state.config),
    ]
    for command in [*SAMPLES.values(), *internal]:
        assert authorize("admin", None, command) == command


def test_internal_commands_are_forbidden_to_every_device() -> None:
    for kind in MAY_SEND:
        with pytest.raises(Forbidden):
            authorize(kind, "5", cmd.Tick())


def test_an_unknown_kind_may_send_nothing() -> None:
    with pytest.raises(Forbidden) as caught:
        authorize("printer", "5", cmd.IssueTicket("general"))
    assert "unknown device kind" in caught.value.message


# --- which events each kind receives ---------------------------------------------------------


@pytest.fixture(scope="module")
def day() -> Hall:
    return full_day()


@pytest.mark.parametrize("kind", ["kiosk", "clerk", "call_screen", "tablet", "admin"])
def test_hall_wide_kinds_receive_every_event(day: Hall, kind: str) -> None:
    assert all(receives(kind, "5", None, e) for e in day.log)


def test_a_window_screen_receives_its_windows_events_and_the_hall_wide_ones(day: Hall) -> None:
    got = [e.event for e in day.log if receives("window_screen", "5", None, e)]
    assert got, "window 5 worked that day"
    for event in got:
        assert "5" in event_windows(event) or isinstance(
            event, ev.DayStarted | ev.HallBroadcast | ev.HallConfigured
        )
    missed = [
        e.event
        for e in day.log
        if not receives("window_screen", "5", None, e) and "5" in event_windows(e.event)
    ]
    assert all(isinstance(event, ev.FollowUpOpened) for event in missed)
    names = {e.name for e in got}
    assert {"ticket.called", "window.changed", "hall.broadcast", "hall.day_started"} <= names
    assert "ticket.issued" not in names


def test_a_window_screen_does_not_see_other_windows_calls(day: Hall) -> None:
    calls_at_1 = [
        e for e in day.log if isinstance(e.event, ev.TicketCalled) and e.event.window == "1"
    ]
    assert calls_at_1
    assert not any(receives("window_screen", "5", None, e) for e in calls_at_1)
    assert all(receives("window_screen", "1", None, e) for e in calls_at_1)


def test_a_ticket_transferred_to_a_window_is_news_for_both_windows(day: Hall) -> None:
    to_window = next(
        e for e in day.log if isinstance(e.event, ev.TicketTransferred) and e.event.to_window == "1"
    )
    assert receives("window_screen", "5", None, to_window)
    assert receives("window_screen", "1", None, to_window)
    assert not receives("window_screen", "2", None, to_window)


def test_a_rating_pad_receives_its_windows_rating_requests_and_ratings(day: Hall) -> None:
    ratings = [e for e in day.log if isinstance(e.event, ev.RatingRequested | ev.RatingSubmitted)]
    assert {e.event.name for e in ratings} == {"rating.requested", "rating.submitted"}
    for e in ratings:
        assert isinstance(e.event, ev.RatingRequested | ev.RatingSubmitted)
        assert receives("rating_pad", e.event.window, None, e)
        assert not receives("rating_pad", "2", None, e)


def test_follow_up_cases_go_to_staff_devices_only(day: Hall) -> None:
    cases = day.events_named("follow_up.opened")
    assert cases
    for e in cases:
        assert isinstance(e.event, ev.FollowUpOpened)
        assert receives("tablet", None, None, e)
        assert not receives("rating_pad", e.event.window, None, e)
        assert not receives("window_screen", e.event.window, None, e)
        assert not receives("tracker", None, e.event.ticket, e)


def test_a_tracker_receives_its_own_tickets_events_only(day: Hall) -> None:
    first = day.events_named("ticket.issued")[0].event
    assert isinstance(first, ev.TicketIssued)
    mine = [e.event for e in day.log if receives("tracker", None, first.ticket.id, e)]
    names = [e.name for e in mine]
    assert [n for n in names if n != "hall.day_started"][:1] == ["ticket.issued"]
    assert {"ticket.called", "ticket.serving", "ticket.finished", "rating.requested"} <= set(names)
    for event in mine:
        ticket = getattr(event, "ticket", None)
        ticket_id = getattr(ticket, "id", ticket)
        assert ticket_id == first.ticket.id or isinstance(event, ev.DayStarted | ev.HallBroadcast)


def test_a_tracker_without_a_ticket_gets_only_public_notices(day: Hall) -> None:
    got = {e.event.name for e in day.log if receives("tracker", None, None, e)}
    assert got == {"hall.day_started", "hall.broadcast"}


def test_call_screens_and_kiosks_do_not_get_metrics_unasked() -> None:
    assert receives_metrics("tablet")
    assert not receives_metrics("call_screen")
    assert not receives_metrics("kiosk")
