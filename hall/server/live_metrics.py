"""Live metrics in the server: one `HallMetrics` per hall fed by the engine, `metrics` messages
pushed to tablets, the day's history for their chart, alert acknowledgements, Prometheus series
for `/metrics`.

A device that stays disconnected for `OFFLINE_AFTER_S` raises a `device_offline` alert (kiosks,
clerk terminals, screens, rating pads: not tablets, which managers carry around, nor citizens'
phones); it clears when the device is back.

Tablets get a `metrics` message at least every `PUSH_EVERY` seconds and within about a second of
any change (coalesced: at most one per `PUSH_MIN` seconds per hall): a new event, an alert
raised or cleared by the passing of time, an alert acknowledged. The body is built once per hall
per push and sent to every tablet of that hall.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, OrderedDict
from typing import Any

from displays.gateway import Gateway
from displays.interface import DeviceIdentity
from displays.kinds import CALL_SCREEN, CLERK, KIOSK, RATING_PAD, WINDOW_SCREEN
from displays.views import iso_datetime
from hall.bus.notices import HALLS_CHANNEL
from hall.engine import Engine
from metrics import HallMetrics
from metrics.history import DayHistory, samples_of
from metrics.prometheus import PrometheusExporter
from queueing.apply import apply
from queueing.events import HallConfigured
from queueing.model import HallState, initial_state
from queueing.stream import SequencedEvent

log = logging.getLogger("hall.server.live_metrics")

PUSH_EVERY = 5.0
PUSH_MIN = 1.0
ACKNOWLEDGED_KEPT = 10_000
"""Acknowledged alert ids remembered per hall, so that a repeated acknowledgement succeeds."""
OFFLINE_AFTER_S = 60.0
WATCHED_KINDS = frozenset({KIOSK, CLERK, CALL_SCREEN, WINDOW_SCREEN, RATING_PAD})


class DeviceWatch:
    """Which watched devices lost their last connection, and since when."""

    def __init__(self, after_s: float = OFFLINE_AFTER_S) -> None:
        self.after_s = after_s
        self._sockets: Counter[str] = Counter()
        self._gone: dict[str, tuple[DeviceIdentity, float]] = {}
        self._reported: set[str] = set()
        self._revoked: set[str] = set()

    def change(self, identity: DeviceIdentity, change: int, at: float) -> bool:
        """Count a connection opened (+1) or closed (-1) at `at`; True when a device reported
        offline is back (its alert clears)."""
        if identity.kind not in WATCHED_KINDS:
            return False
        self._sockets[identity.id] += change
        if identity.id in self._revoked:  # unpaired: its sockets close, it is not missed
            if self._sockets[identity.id] <= 0:
                del self._sockets[identity.id]
                self._revoked.discard(identity.id)
            return False
        if self._sockets[identity.id] > 0:
            self._gone.pop(identity.id, None)
            if identity.id not in self._reported:
                return False
            self._reported.discard(identity.id)
            return True
        del self._sockets[identity.id]
        self._gone[identity.id] = (identity, at)
        return False

    def forget(self, device: str) -> bool:
        """An unpaired device: never reported offline; True when it was (its alert clears)."""
        self._gone.pop(device, None)
        if self._sockets.get(device, 0) > 0:
            self._revoked.add(device)
        reported = device in self._reported
        self._reported.discard(device)
        return reported

    def overdue(self, now: float) -> list[tuple[DeviceIdentity, float]]:
        """Devices gone for `after_s` or longer, with the time they went (each reported once;
        a device that comes back is watched again)."""
        due = [(who, since) for who, since in self._gone.values() if now - since >= self.after_s]
        for who, _ in due:
            del self._gone[who.id]
            self._reported.add(who.id)
        return due


class MetricsHub:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.exporter = PrometheusExporter()
        self.halls: dict[str, HallMetrics] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.histories: dict[str, DayHistory] = {}
        self._pushed: dict[str, tuple[int, float, tuple[str, ...]]] = {}
        self._acknowledged: dict[str, OrderedDict[str, None]] = {}
        self._devices: Counter[tuple[str, str]] = Counter()
        self.watch = DeviceWatch()
        self.gateway: Gateway | None = None
        for hall in engine.halls():  # before their first event, whose state is already ahead
            self._attach(hall)

    # --- engine.Monitor -------------------------------------------------------------------

    def event(self, event: SequencedEvent, local: bool) -> None:
        if isinstance(event.event, HallConfigured):
            self._attach(event.hall)
            return
        live = self.halls.get(event.hall)
        if live is None:
            # The engine's state already holds this event's batch. A hall created since the
            # last push (its stream began with its configuration, seq 1) starts from that, so
            # the batch's events count once and raise their alerts once.
            live = self._attach(event.hall, created=event.seq == 2)
        live.observe(event.event, event.at.timestamp(), local=local)

    def command(self, hall: str, name: str, outcome: str, seconds: float) -> None:
        self.exporter.command(hall, name, outcome, seconds)

    def hall_loaded(self, hall: str) -> None:
        """A hall the engine runs from now on (created, or discovered from another process):
        its figures start from its state now, before any later event."""
        self._attach(hall)

    def malformed_notice(self, channel: str) -> None:
        self.exporter.bus_message_skipped("halls" if channel == HALLS_CHANNEL else "hall")

    # --- devices --------------------------------------------------------------------------

    def connected(self, identity: DeviceIdentity, change: int) -> None:
        key = (identity.hall, identity.kind)
        self._devices[key] += change
        self.exporter.devices(identity.hall, identity.kind, self._devices[key])
        now = self.engine.clock().timestamp()
        if self.watch.change(identity, change, now) and identity.hall in self.halls:
            self.halls[identity.hall].alerts.device_online(identity.id, now)

    def _report_offline(self) -> None:
        for who, since in self.watch.overdue(self.engine.clock().timestamp()):
            if who.hall in self.engine.halls():
                self._live(who.hall).alerts.device_offline(who.id, who.kind, since, who.name)

    def dropped(self) -> None:
        self.exporter.dropped()

    def device_revoked(self, hall: str, device: str) -> None:
        """An unpaired device is not `device_offline`; an alert raised for it clears."""
        if self.watch.forget(device) and hall in self.halls:
            self.halls[hall].alerts.device_online(device, self.engine.clock().timestamp())

    # --- refused sign-ins (displays.command_edge.SignInWatch) ----------------------------------

    def sign_in_failed(self, hall: str, command: str, reason: str) -> None:
        self.exporter.sign_in_failed(hall, command, reason)

    # --- alerts (displays.gateway.AlertDesk) ------------------------------------------------

    def acknowledge(self, hall: str, alert: str) -> bool:
        """Stop listing an alert and push the figures to the hall's tablets at once. An id
        acknowledged before succeeds again (a retried acknowledgement); an unknown one fails."""
        done = self._acknowledged.setdefault(hall, OrderedDict())
        if alert not in done:
            if not self._live(hall).alerts.acknowledge(alert):
                return False
            done[alert] = None
            if len(done) > ACKNOWLEDGED_KEPT:
                done.popitem(last=False)
        self._push(hall, force=True)
        return True

    # --- figures --------------------------------------------------------------------------

    def _attach(self, hall: str, *, created: bool = False) -> HallMetrics:
        """Live figures for a hall, from its state now, or from the state its configuration
        made (`created`: what the engine holds is ahead of the events still to come)."""
        state: HallState = self.engine.view(hall).state
        config = state.config
        if created:
            state = apply(initial_state(config), HallConfigured(config))
        self.exporter.declare(config)
        live = HallMetrics(config, sink=self.exporter.sink(hall))
        live.load(state, self.engine.clock().timestamp())
        self.halls[hall] = live
        return live

    def _live(self, hall: str) -> HallMetrics:
        return self.halls.get(hall) or self._attach(hall)

    def body(self, hall: str) -> dict[str, Any]:
        """The newest figures of a hall (built now if none were pushed yet)."""
        if hall not in self.bodies:
            self._build(hall)
        return self.bodies[hall]

    def history(self, hall: str) -> dict[str, Any]:
        """The hall's waiting counts and expected waits so far today, one sample a minute."""
        if hall not in self.histories:
            self._build(hall)
        return self.histories[hall].as_dict()

    def _build(self, hall: str) -> dict[str, Any]:
        live = self._live(hall)
        view = self.engine.view(hall)
        live.set_expected(view.estimate)
        now = self.engine.clock()
        body = {"type": "metrics", "hall": hall, "seq": view.seq, "at": iso_datetime(now)}
        body.update(live.snapshot(now.timestamp()))
        body["service_target_s"] = round(live.config.rules.service_target_minutes * 60)
        self.bodies[hall] = body
        self._history_of(hall, live.config.timezone).record(now.timestamp(), samples_of(body))
        return body

    def _history_of(self, hall: str, timezone: str) -> DayHistory:
        history = self.histories.get(hall)
        if history is None or history.timezone != timezone:
            history = self.histories[hall] = DayHistory(timezone)
        return history

    async def run(self) -> None:
        """Push figures to tablets: on change (coalesced) and at least every PUSH_EVERY s."""
        while True:
            await asyncio.sleep(PUSH_MIN)
            try:
                self._report_offline()
            except Exception:  # the figures still go out
                log.exception("device offline check failed")
            for hall in self.engine.halls():
                try:
                    self._push(hall)
                except Exception:  # one hall's failure must not stop the others' figures
                    log.exception("hall=%s metrics push failed", hall)

    def _push(self, hall: str, *, force: bool = False) -> None:
        seq = self.engine.view(hall).seq
        last_seq, last_at, last_alerts = self._pushed.get(hall, (-1, 0.0, ()))
        clock = time.monotonic()
        quiet = not force and seq == last_seq and clock - last_at < PUSH_EVERY
        if quiet and self._alerts_now(hall) == last_alerts:
            return
        body = self._build(hall)
        self._pushed[hall] = (seq, clock, _alert_states(body))
        if self.gateway is not None:
            self.gateway.push(hall, "tablet", body)

    def _alerts_now(self, hall: str) -> tuple[str, ...]:
        """The listed alerts as of now (waits and pauses pass their limits without events)."""
        live = self._live(hall)
        live.evaluate(self.engine.clock().timestamp())
        return tuple(f"{a.id}:{a.active}" for a in live.alerts.listed())


def _alert_states(body: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{a['id']}:{a['active']}" for a in body["alerts"])
