"""Where a window's (and a clerk's) day went: open, busy, idle, paused.

A window is *open* in every status but `closed`; *busy* while it calls or serves (a ticket in
hand); *idle* while open with nothing in hand; *paused* while paused (open time too: the window
is staffed but not serving, so long pauses lower utilisation). Utilisation is busy / open.
Time is credited per status segment, between the commit times of the window's changes; the
segment still running is added at read time, so nothing is rescanned.
"""

from __future__ import annotations

from typing import Any

from metrics.figures import seconds
from queueing.model import CALLING, CLOSED, IDLE, PAUSED, SERVING_WINDOW

BUSY_STATUSES = frozenset({CALLING, SERVING_WINDOW})
SERVING_STATUSES = frozenset({IDLE, CALLING, SERVING_WINDOW})
"""Statuses in which a window takes tickets from its queues."""


class TimeAccount:
    __slots__ = ("busy", "idle", "open", "paused")

    def __init__(self) -> None:
        self.open = 0.0
        self.busy = 0.0
        self.idle = 0.0
        self.paused = 0.0

    def add(self, status: str, elapsed: float) -> None:
        if status == CLOSED or elapsed <= 0:
            return
        self.open += elapsed
        if status in BUSY_STATUSES:
            self.busy += elapsed
        elif status == IDLE:
            self.idle += elapsed
        elif status == PAUSED:
            self.paused += elapsed

    def figures(self, status: str | None = None, running: float = 0.0) -> dict[str, Any]:
        """The day's figures, with `running` seconds of the current segment in `status`."""
        total = TimeAccount()
        total.open, total.busy, total.idle, total.paused = (
            self.open,
            self.busy,
            self.idle,
            self.paused,
        )
        if status is not None:
            total.add(status, running)
        return {
            "open_s": seconds(total.open),
            "busy_s": seconds(total.busy),
            "idle_s": seconds(total.idle),
            "paused_s": seconds(total.paused),
            "utilisation": round(total.busy / total.open, 4) if total.open > 0 else None,
        }
