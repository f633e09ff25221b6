"""Shared helpers for the core's tests: a hall config factory, a clock, and a driven hall.

Import the helpers with `from tests.queueing.conftest import ...`; the `hall` fixture gives a
`Hall` on a Monday at 09:00 in Asia/Shanghai with the default configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import replay
from queueing.config import HallConfig, parse_config
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.model import HallState, Ticket, initial_state

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = "2024-03-04"
"""A Monday. Tests run their halls on it unless they say otherwise."""


def hall_document(**overrides: Any) -> dict[str, Any]:
    """The default hall as a configuration document; keyword arguments replace top-level keys.

    Queues A (6 min), B (10 min), C (4 min). Services: `social` (A), `tax` (B), `permit` (C),
    `startup` (a bundle: A then B), `notary` (A, takes no appointments). Windows: 1 serves A,
    2 serves A and B (B at half weight), 3 serves B, 4 serves C.
    """
    document: dict[str, Any] = {
        "id": "demo",
        "name": "高新区政务服务中心",
        "timezone": "Asia/Shanghai",
        "queues": [
            {"id": "A", "name": "综合受理", "prefix": "A", "service_minutes": 6},
            {"id": "B", "name": "税务", "prefix": "B", "service_minutes": 10},
            {"id": "C", "name": "出证", "prefix": "C", "service_minutes": 4},
        ],
        "services": [
            {"id": "social", "name": "社保医保", "queue": "A"},
            {"id": "tax", "name": "税务登记", "queue": "B"},
            {"id": "permit", "name": "证照领取", "queue": "C"},
            {"id": "startup", "name": "开办企业一件事", "steps": ["A", "B"]},
            {"id": "notary", "name": "公证", "queue": "A", "bookable": False},
        ],
        "windows": [
            {"id": "1", "name": "1号窗口", "queues": {"A": 1.0}},
            {"id": "2", "name": "2号窗口", "queues": {"A": 1.0, "B": 0.5}},
            {"id": "3", "name": "3号窗口", "queues": {"B": 1.0}},
            {"id": "4", "name": "4号窗口", "queues": {"C": 1.0}},
        ],
        "rules": {},
    }
    document.update(overrides)
    return document


def hall_config(rules: Mapping[str, Any] | None = None, **overrides: Any) -> HallConfig:
    """The default hall's configuration, with `rules` and top-level keys replaced."""
    return parse_config(hall_document(rules=dict(rules or {}), **overrides))


def local(hhmm: str, day: str = MONDAY) -> datetime:
    """A wall-clock time in the hall's time zone (Asia/Shanghai)."""
    hours, minutes = map(int, hhmm.split(":"))
    date = datetime.fromisoformat(day)
    return datetime(date.year, date.month, date.day, hours, minutes, tzinfo=SHANGHAI)


def later(now: datetime, minutes: float = 0.0, seconds: float = 0.0) -> datetime:
    return now + timedelta(minutes=minutes, seconds=seconds)


def contents(state: HallState) -> list[object]:
    """A copy of every mutable part of a state: its dictionaries (tickets, lines, windows, ...)
    and the window profiles inside them. Everything else in a state is frozen."""
    parts: list[object] = [
        dict(value) for f in fields(state) if isinstance(value := getattr(state, f.name), Mapping)
    ]
    parts += [dict(w.queues) for w in state.windows.values()]
    parts += [dict(w.queues) for w in state.config.windows]
    return parts


def run(state: HallState, command: cmd.Command, now: datetime) -> tuple[HallState, list[ev.Event]]:
    """Decide a command and apply its events; checks that neither `decide` nor `apply` touched
    the state they were given."""
    before = contents(state)
    events = decide(state, command, now)
    assert contents(state) == before, "decide mutated its input state"
    after = replay(state, events)
    assert contents(state) == before, "apply mutated its input state"
    return after, events


def refusal(state: HallState, command: cmd.Command, now: datetime) -> DomainError:
    """The error a refused command raises; checks the state is left exactly as it was."""
    before = contents(state)
    with pytest.raises(DomainError) as info:
        decide(state, command, now)
    assert contents(state) == before, "a refused command changed the state"
    return info.value


def of_type(events: Iterable[ev.Event], kind: type[ev.Event]) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]


class Hall:
    """A hall driven through `decide`/`apply`, with a clock that only moves when told to."""

    def __init__(self, config: HallConfig | None = None, now: datetime | None = None) -> None:
        self.config = config if config is not None else hall_config()
        self.state = initial_state(self.config)
        self.now = now if now is not None else local("09:00")
        self.log: list[ev.Event] = []

    def do(self, command: cmd.Command) -> list[ev.Event]:
        self.state, events = run(self.state, command, self.now)
        self.log += events
        return events

    def refuse(self, command: cmd.Command) -> str:
        """The code of a refused command (asserting it changed nothing)."""
        return refusal(self.state, command, self.now).code

    def advance(self, minutes: float = 0.0, seconds: float = 0.0) -> None:
        self.now = later(self.now, minutes, seconds)

    @property
    def t(self) -> float:
        return self.now.timestamp()

    def issue(self, service: str = "social", priority: str = "normal") -> Ticket:
        issued = of_type(self.do(cmd.IssueTicket(service, priority)), ev.TicketIssued)
        assert len(issued) == 1
        ticket: Ticket = issued[0].ticket
        return ticket

    def open(self, *windows: str) -> None:
        """Sign a clerk in at each window (clerk `staff-<window>`)."""
        for window in windows:
            self.do(cmd.SignIn(window, f"staff-{window}", f"Clerk {window}"))

    def call(self, window: str) -> Ticket | None:
        """`call_next` at a window: the ticket called, or None when nothing waits for it."""
        called = of_type(self.do(cmd.CallNext(window)), ev.TicketCalled)
        return called[0].ticket if called else None

    def serve(self, window: str) -> Ticket:
        """Call the next ticket at a window and finish it at once; the ticket served."""
        ticket = self.call(window)
        assert ticket is not None, f"nothing waits for window {window}"
        self.do(cmd.Finish(window))
        return ticket

    def ticket(self, ticket_id: str) -> Ticket:
        return self.state.tickets[ticket_id]

    def in_hand(self, window: str) -> str | None:
        return self.state.windows[window].ticket

    def status(self, window: str) -> str:
        return self.state.windows[window].status


@pytest.fixture
def hall() -> Hall:
    return Hall()
