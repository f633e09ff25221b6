"""Live metrics in the server: one `HallMetrics` per hall fed by the engine, `metrics` messages
pushed to tablets, Prometheus series for `/metrics`.

Tablets get a `metrics` message at least every `PUSH_EVERY` seconds and within about a second of
any change (coalesced: at most one per `PUSH_MIN` seconds per hall). The body is built once per
hall per push and sent to every tablet of that hall.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any

from displays.gateway import Gateway
from displays.interface import DeviceIdentity, SequencedEvent
from displays.views import iso_datetime
from hall.engine import Engine
from metrics import HallMetrics
from metrics.prometheus import PrometheusExporter
from queueing.events import HallConfigured

log = logging.getLogger("hall.monitoring")

PUSH_EVERY = 5.0
PUSH_MIN = 1.0


class MetricsHub:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.exporter = PrometheusExporter()
        self.halls: dict[str, HallMetrics] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self._pushed: dict[str, tuple[int, float]] = {}
        self._devices: Counter[tuple[str, str]] = Counter()
        self.gateway: Gateway | None = None

    # --- engine.Monitor -------------------------------------------------------------------

    def event(self, event: SequencedEvent, local: bool) -> None:
        live = self.halls.get(event.hall)
        if live is None or isinstance(event.event, HallConfigured):
            live = self._attach(event.hall)
            if isinstance(event.event, HallConfigured):
                return
        live.observe(event.event, event.at.timestamp(), local=local)

    def command(self, hall: str, name: str, outcome: str, seconds: float) -> None:
        self.exporter.command(hall, name, outcome, seconds)

    # --- devices --------------------------------------------------------------------------

    def connected(self, identity: DeviceIdentity, change: int) -> None:
        key = (identity.hall, identity.kind)
        self._devices[key] += change
        self.exporter.devices(identity.hall, identity.kind, self._devices[key])

    def dropped(self) -> None:
        self.exporter.dropped()

    # --- figures --------------------------------------------------------------------------

    def _attach(self, hall: str) -> HallMetrics:
        view = self.engine.view(hall)
        config = view.state.config
        self.exporter.declare(config)
        live = HallMetrics(config, sink=self.exporter.sink(hall))
        live.load(view.state, self.engine.clock().timestamp())
        self.halls[hall] = live
        return live

    def body(self, hall: str) -> dict[str, Any]:
        """The newest figures of a hall (built now if none were pushed yet)."""
        if hall not in self.bodies:
            self._build(hall)
        return self.bodies[hall]

    def _build(self, hall: str) -> dict[str, Any]:
        live = self.halls.get(hall) or self._attach(hall)
        view = self.engine.view(hall)
        live.set_expected(view.estimate)
        now = self.engine.clock()
        body = {"type": "metrics", "hall": hall, "seq": view.seq, "at": iso_datetime(now)}
        body.update(live.snapshot(now.timestamp()))
        self.bodies[hall] = body
        return body

    async def run(self) -> None:
        """Push figures to tablets: on change (coalesced) and at least every PUSH_EVERY s."""
        while True:
            await asyncio.sleep(PUSH_MIN)
            for hall in self.engine.halls():
                try:
                    self._push(hall)
                except Exception:  # one hall's failure must not stop the others' figures
                    log.exception("hall=%s metrics push failed", hall)

    def _push(self, hall: str) -> None:
        seq = self.engine.view(hall).seq
        last_seq, last_at = self._pushed.get(hall, (-1, 0.0))
        clock = time.monotonic()
        if seq == last_seq and clock - last_at < PUSH_EVERY:
            return
        body = self._build(hall)
        self._pushed[hall] = (seq, clock)
        if self.gateway is not None:
            self.gateway.push(hall, "tablet", body)
