"""Halls driven through the real core (`decide`/`apply`) for the display tests.

Secrets that must never reach a device other than the owner contain `SECRET`: tracker tokens,
booking codes, citizen keys, and a citizen's rating comment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from displays.interface import HallView
from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import apply
from queueing.calendar import slot_starts
from queueing.config import parse_config
from queueing.decide import decide
from queueing.estimate import estimate_waits
from queueing.model import HallState, Ticket, initial_state
from queueing.stream import SequencedEvent

SECRET = "SECRET"
ZONE = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)

DOCUMENT: dict[str, Any] = {
    "id": "demo",
    "name": "高新区政务服务中心",
    "timezone": "Asia/Shanghai",
    "queues": [
        {"id": "A", "name": "综合受理", "prefix": "A", "service_minutes": 6},
        {"id": "B", "name": "社保医保", "prefix": "B", "service_minutes": 8},
    ],
    "services": [
        {"id": "general", "name": "综合受理", "queue": "A"},
        {"id": "social", "name": "社保医保", "queue": "B"},
        {"id": "startup", "name": "开办企业", "steps": ["A", "B"]},
    ],
    "windows": [
        {"id": "1", "name": "1号窗口", "queues": {"A": 1.0, "B": 0.5}},
        {"id": "2", "name": "2号窗口", "queues": {"B": 1.0}},
        {"id": "5", "name": "5号窗口", "queues": {"A": 1.0, "B": 1.0}},
    ],
    # Window 2 is opened from a tablet and calls with nobody signed in: how pages show a window
    # without a clerk (halls that require a clerk refuse those calls: tests/queueing).
    "rules": {"require_sign_in": False},
}


class Hall:
    """One hall's state and event log; each command runs `wait` seconds after the last."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        config = parse_config(document or DOCUMENT)
        self.state: HallState = initial_state(config)
        self.now = MONDAY_9AM
        self.log: list[SequencedEvent] = []
        self._tracks = 0

    @property
    def seq(self) -> int:
        return len(self.log)

    def run(self, command: cmd.Command, wait: float = 5.0) -> list[ev.Event]:
        self.now += timedelta(seconds=wait)
        events = decide(self.state, command, self.now)
        for event in events:
            self.state = apply(self.state, event)
            self.log.append(SequencedEvent("demo", self.seq + 1, self.now, event))
        return events

    def view(self) -> HallView:
        return HallView(self.state, self.seq, estimate_waits(self.state, self.now.timestamp()))

    def issue(self, service: str = "general", priority: str = "normal") -> Ticket:
        self._tracks += 1
        track = f"trk-{SECRET}-{self._tracks}"
        events = self.run(cmd.IssueTicket(service, priority, track))
        return _issued(events)

    def sign_in(self, window: str, staff: str, name: str) -> None:
        self.run(cmd.SignIn(window, staff, name))

    def slot(self, hhmm: str) -> float:
        """Today's slot starting at HH:MM (hall time), as epoch seconds."""
        day = self.now.date().isoformat()
        start = datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=ZONE).timestamp()
        assert start in slot_starts(self.state.config, day)
        return start

    def events_named(self, name: str) -> list[SequencedEvent]:
        return [e for e in self.log if e.event.name == name]


def _issued(events: list[ev.Event]) -> Ticket:
    issued = [e for e in events if isinstance(e, ev.TicketIssued)]
    assert len(issued) == 1
    return issued[0].ticket


def open_hall() -> Hall:
    """A hall with windows 1 and 5 signed in and window 2 opened by a tablet."""
    hall = Hall()
    hall.sign_in("1", "s001", "张三")
    hall.run(cmd.OpenWindow("2"))
    hall.sign_in("5", "s005", "李四")
    return hall


def full_day() -> Hall:
    """A day in which every kind of event happens at least once."""
    hall = open_hall()
    first = hall.issue()
    hall.issue(priority="green")
    hall.issue("social")
    hall.issue("startup")
    hall.run(cmd.Book("general", hall.slot("10:00"), f"cit-{SECRET}-1", f"BK-{SECRET}-1"))
    hall.run(cmd.Book("general", hall.slot("09:30"), f"cit-{SECRET}-2", f"BK-{SECRET}-2"))
    hall.run(cmd.Book("social", hall.slot("11:00"), f"cit-{SECRET}-3", f"BK-{SECRET}-3"))
    hall.run(cmd.CancelBooking(f"BK-{SECRET}-3"))
    hall.run(cmd.CheckIn(f"BK-{SECRET}-1", f"trk-{SECRET}-booked"), wait=35 * 60)

    hall.run(cmd.CallTicket("1", first.id))
    hall.run(cmd.Recall("1"))
    hall.run(cmd.Start("1"))
    hall.run(cmd.Finish("1"), wait=300)
    hall.run(cmd.Rate(first.id, 1, ("等待时间长",), f"{SECRET} call me 13800138000", "1"))

    missed = _called(hall.run(cmd.CallNext("5")))
    hall.run(cmd.NoShow("5"))
    hall.run(cmd.Reactivate(missed.number))
    _called(hall.run(cmd.CallNext("5")))
    hall.run(cmd.Start("5"))
    hall.run(cmd.Park("5"))
    hall.run(cmd.Unpark("5"))
    hall.run(cmd.Transfer("5", to_window="1"))
    hall.run(cmd.CallNext("2"))
    hall.run(cmd.Transfer("2", to_queue="A"))
    hall.run(cmd.CallNext("1"))
    hall.run(cmd.Finish("1"))
    hall.run(cmd.CallNext("1"))
    hall.run(cmd.Finish("1"))  # expires the pending rating of the previous ticket

    spare = hall.issue()
    hall.run(cmd.CancelTicket(spare.id))
    lost = _called(hall.run(cmd.CallTicket("5", hall.issue().id)))
    hall.run(cmd.NoShow("5"))
    assert hall.state.tickets[lost.id].state == "missed"
    hall.run(cmd.Broadcast("午间照常办理"))
    hall.run(cmd.Pause("2", "午休"))
    hall.run(cmd.Resume("2"))
    hall.run(cmd.SetWindowQueues("2", {"B": 1.0, "A": 0.5}))
    hall.run(cmd.Tick(), wait=31 * 60)
    renamed = replace(
        hall.state.config,
        windows=tuple(
            replace(w, name="综合5号窗") if w.id == "5" else w for w in hall.state.config.windows
        ),
    )
    hall.run(cmd.Configure(renamed))
    hall.run(cmd.SignOut("5"))
    hall.run(cmd.CloseWindow("2"))
    hall.run(cmd.Tick(), wait=86_400)  # the next day starts
    return hall


def _called(events: list[ev.Event]) -> Ticket:
    called = [e for e in events if isinstance(e, ev.TicketCalled)]
    assert len(called) == 1
    return called[0].ticket
