"""`HallMetrics`: a hall's live figures, kept up to date event by event.

Feed it every committed event of the hall, in order, with its commit time (`observe`); hand it
the core's expected waits when the server computes them (`set_expected`); read the figures as
the body of the protocol's `metrics` message (`snapshot`). It joins two halves:

- `metrics.fold.HallFold`: the running statistics, one handler per event (`EVENT_HANDLERS`);
- `metrics.views.snapshot_body`: the figures read from them.

docs/metrics.md defines every figure.
"""

from __future__ import annotations

from typing import Any

from metrics.alerts import DEFAULT_PAUSE_LIMIT_S
from metrics.fold import HallFold
from metrics.sink import NULL_SINK, Sink
from metrics.views import snapshot_body
from queueing import events as ev
from queueing.config import HallConfig
from queueing.estimate import Estimate
from queueing.model import HallState


class HallMetrics:
    """The live figures of one hall. Not thread-safe: call it from one thread (the event loop)."""

    def __init__(
        self,
        config: HallConfig,
        *,
        sink: Sink = NULL_SINK,
        pause_limit_s: float = DEFAULT_PAUSE_LIMIT_S,
    ) -> None:
        self.fold = HallFold(config, sink=sink, pause_limit_s=pause_limit_s)
        self.alerts = self.fold.alerts

    @property
    def config(self) -> HallConfig:
        """The hall's configuration, as of the last `HallConfigured` event."""
        return self.fold.config

    @property
    def day(self) -> str:
        """The service day the figures are for (`YYYY-MM-DD`, the hall's time zone)."""
        return self.fold.day

    def observe(self, event: ev.Event, at: float, *, local: bool = True) -> None:
        """Take one committed event (in the hall's order) with its commit time, epoch seconds.

        `local=False` for events another server process committed: they update the figures
        but are not counted again in this process's Prometheus counters.
        """
        self.fold.observe(event, at, local=local)

    def set_expected(self, estimate: Estimate) -> None:
        """The core's expected waits (`queueing.estimate_waits`): a new ticket's wait per queue."""
        self.fold.set_expected(estimate)

    def load(self, state: HallState, at: float) -> None:
        """Start from a hall state (a server that did not see the day's events): who waits, the
        windows, pending ratings. Day figures start from zero; replay the day's events instead
        where they are at hand."""
        self.fold.load(state, at)

    def evaluate(self, now: float) -> None:
        """Bring the figures to `now` without an event: midnight rollover, time-based alerts."""
        self.fold.evaluate(now)

    def snapshot(self, now: float) -> dict[str, Any]:
        """The figures at `now` as the `metrics` message body: queues, services, windows,
        clerks, hall, alerts. Rolls the day over and evaluates alerts first."""
        self.fold.evaluate(now)
        return snapshot_body(self.fold, now)
