"""Expected waits, by running the hall's real routing policy forward over its open windows.

Each open window becomes free when its current ticket is expected to finish; the earliest free
window asks the routing policy for its next ticket, which keeps it for the queue's expected
service time; and so on until every waiting ticket has an expected call time. A zero-length
"new ticket" stands at the back of every queue, so the same run gives the expected wait of a
ticket issued now, per queue, without delaying anyone.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from queueing.model import CALLING, IDLE, SERVING_WINDOW, HallState, Window
from queueing.routing import Head, choose_next

_NEW = "\x00new:"


@dataclass(frozen=True, slots=True)
class Estimate:
    """Seconds from `at` until each waiting ticket (and a new ticket per queue) is called.

    A ticket or queue that no open window serves is absent: it has no expected wait.
    """

    at: float
    tickets: Mapping[str, float]
    new_ticket: Mapping[str, float]


class _SimLines:
    __slots__ = ("normal", "priority", "directed")

    def __init__(self) -> None:
        self.normal: dict[str, deque[Head]] = {}
        self.priority: dict[str, deque[Head]] = {}
        self.directed: dict[str, deque[Head]] = {}

    def head(self, queue: str) -> Head | None:
        line = self.normal.get(queue)
        return line[0] if line else None

    def priority_head(self, queue: str) -> Head | None:
        line = self.priority.get(queue)
        return line[0] if line else None

    def window_head(self, window: str) -> Head | None:
        line = self.directed.get(window)
        return line[0] if line else None


def estimate_waits(state: HallState, t: float) -> Estimate:
    lines, where = _lines(state, t)
    service = {q.id: state.expected_service_seconds(q.id) for q in state.config.queues}
    windows = [w for w in state.windows.values() if w.status in (IDLE, CALLING, SERVING_WINDOW)]
    free: list[tuple[float, int]] = [
        (_free_at(state, w, t, service), i) for i, w in enumerate(windows)
    ]
    heapq.heapify(free)
    streaks = [w.priority_streak for w in windows]
    rules = state.config.rules
    tickets: dict[str, float] = {}
    new_ticket: dict[str, float] = {}
    while free:
        at, index = heapq.heappop(free)
        window = windows[index]
        choice = choose_next(rules, window.id, window.queues, streaks[index], lines, at)
        if choice is None:
            continue
        line = where[choice.ticket]
        line.popleft()
        if choice.ticket.startswith(_NEW):
            new_ticket[choice.ticket[len(_NEW) :]] = at - t
            heapq.heappush(free, (at, index))
            continue
        tickets[choice.ticket] = at - t
        streaks[index] = streaks[index] + 1 if choice.priority else 0
        queue = state.tickets[choice.ticket].queue
        heapq.heappush(free, (at + service[queue], index))
    return Estimate(t, tickets, new_ticket)


def estimate_work(state: HallState) -> int:
    """How much an estimate of `state` costs, in steps: (open windows + 1) × (waiting tickets +
    queues). A caller can refresh estimates eagerly while it is small and throttle them after."""
    lines = (state.lines, state.priority_lines, state.window_lines)
    waiting = sum(len(line) for source in lines for line in source.values())
    windows = sum(1 for w in state.windows.values() if w.status in (IDLE, CALLING, SERVING_WINDOW))
    return (windows + 1) * (waiting + len(state.config.queues))


def _lines(state: HallState, t: float) -> tuple[_SimLines, dict[str, deque[Head]]]:
    lines = _SimLines()
    where: dict[str, deque[Head]] = {}
    sources = (
        (lines.normal, state.lines),
        (lines.priority, state.priority_lines),
        (lines.directed, state.window_lines),
    )
    for target, source in sources:
        for key, ids in source.items():
            line = deque((state.tickets[i].issued_at, i) for i in ids)
            target[key] = line
            for ticket_id in ids:
                where[ticket_id] = line
    for queue in state.config.queues:
        line = lines.normal.setdefault(queue.id, deque())
        line.append((t, _NEW + queue.id))
        where[_NEW + queue.id] = line
    return lines, where


def _free_at(state: HallState, window: Window, t: float, service: Mapping[str, float]) -> float:
    if window.ticket is None:
        return t
    ticket = state.tickets[window.ticket]
    expected = service[ticket.queue]
    started = ticket.served_at if ticket.served_at is not None else ticket.called_at or t
    return t + max(expected - (t - started), 0.2 * expected)
