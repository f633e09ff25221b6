"""A small hall driven through the real core (`decide`/`apply`) with a scripted clock, every
committed event fed to a `HallMetrics` with its commit time.

Import with `from tests.metrics.driver import ...`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from metrics.live import HallMetrics
from metrics.sink import NULL_SINK, Sink
from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import apply
from queueing.config import HallConfig, parse_config
from queueing.decide import decide
from queueing.estimate import estimate_waits
from queueing.model import Ticket, initial_state

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = "2024-03-04"
TUESDAY = "2024-03-05"


def hall_config(**rules: Any) -> HallConfig:
    """Queues A (6 min) and B (10 min); services `social` (A), `tax` (B), `startup` (A then B);
    window 1 serves A, window 2 serves A and B (B at half weight), window 3 serves B."""
    return parse_config(
        {
            "id": "small",
            "name": "高新区便民服务中心",
            "timezone": "Asia/Shanghai",
            "queues": [
                {"id": "A", "name": "综合受理", "prefix": "A", "service_minutes": 6},
                {"id": "B", "name": "税务", "prefix": "B", "service_minutes": 10},
            ],
            "services": [
                {"id": "social", "name": "社保医保", "queue": "A"},
                {"id": "tax", "name": "税务登记", "queue": "B"},
                {"id": "startup", "name": "开办企业一件事", "steps": ["A", "B"]},
            ],
            "windows": [
                {"id": "1", "name": "1号窗口", "queues": {"A": 1.0}},
                {"id": "2", "name": "2号窗口", "queues": {"A": 1.0, "B": 0.5}},
                {"id": "3", "name": "3号窗口", "queues": {"B": 1.0}},
            ],
            "rules": dict(rules),
        }
    )


def local(hhmm: str, day: str = MONDAY, second: int = 0) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    date = datetime.fromisoformat(day)
    return datetime(date.year, date.month, date.day, hours, minutes, second, tzinfo=SHANGHAI)


class Hall:
    """The core's state, a clock set by the test, and the metrics fed from every commit."""

    def __init__(
        self, config: HallConfig | None = None, *, sink: Sink = NULL_SINK, **options: Any
    ) -> None:
        self.config = config if config is not None else hall_config()
        self.state = initial_state(self.config)
        self.metrics = HallMetrics(self.config, sink=sink, **options)
        self.now = local("08:30")
        self.log: list[tuple[float, ev.Event]] = []

    @property
    def t(self) -> float:
        return self.now.timestamp()

    def at(self, hhmm: str, day: str = MONDAY, second: int = 0) -> Hall:
        moved = local(hhmm, day, second)
        assert moved >= self.now, "the scripted clock only moves forward"
        self.now = moved
        return self

    def at_utc(self, when: datetime) -> Hall:
        assert when.tzinfo is UTC
        self.now = when
        return self

    def later(self, seconds: float) -> Hall:
        self.now += timedelta(seconds=seconds)
        return self

    def do(self, command: cmd.Command, *, local: bool = True) -> list[ev.Event]:
        events = decide(self.state, command, self.now)
        for event in events:
            self.state = apply(self.state, event)
            self.metrics.observe(event, self.t, local=local)
            self.log.append((self.t, event))
        return events

    # --- shorthands --------------------------------------------------------------------------

    def issue(self, service: str = "social", priority: str = "normal") -> Ticket:
        events = self.do(cmd.IssueTicket(service, priority))
        return next(e.ticket for e in events if isinstance(e, ev.TicketIssued))

    def sign_in(self, window: str, staff: str | None = None) -> None:
        staff = staff or f"c{window}"
        self.do(cmd.SignIn(window, staff, f"Clerk {staff}"))

    def call(self, window: str) -> Ticket:
        called = [e for e in self.do(cmd.CallNext(window)) if isinstance(e, ev.TicketCalled)]
        assert called, f"nothing waits for window {window}"
        return called[0].ticket

    def start(self, window: str) -> None:
        self.do(cmd.Start(window))

    def finish(self, window: str) -> None:
        self.do(cmd.Finish(window))

    def rate(self, ticket: Ticket, score: int) -> list[ev.Event]:
        return self.do(cmd.Rate(ticket.id, score))

    def estimate(self) -> None:
        self.metrics.set_expected(estimate_waits(self.state, self.t))

    def snapshot(self) -> dict[str, Any]:
        return self.metrics.snapshot(self.t)
