"""Live metrics in the server: one `HallMetrics` per hall fed by the engine, `metrics` messages
pushed to tablets, the day's history for their chart, alert acknowledgements, Prometheus series
for `/metrics`.

What floor managers rely on is the same on every process and survives a restart:

- alerts are stored as they are raised and cleared (written every second, in one batch), and a
  process starts each hall from the stored ones (`start`): the same condition keeps its id, an
  acknowledged alert stays acknowledged, one not yet acknowledged stays listed;
- an acknowledgement is stored before it is answered, then announced on the bus (`alert`
  notice): the other processes check it in the database and drop the alert from their tablets
  at once; after a gap in the bus they read the acknowledgements again (`resync`);
- the day's chart is stored a row per hall per minute (written every `CHART_EVERY` seconds and
  at shutdown), and read back at start.

A device not connected to this process and not seen by any process (`devices.last_seen`, which
each process restamps for its connected devices every quarter of the limit) for
`offline_after_s` raises a `device_offline` alert (kiosks, clerk terminals, screens, rating
pads: not tablets, which managers carry around, nor citizens' phones); it clears when the device
is back, on any process. Devices are read from the database every `DEVICES_EVERY` seconds.

Tablets get a `metrics` message at least every `PUSH_EVERY` seconds and within about a second of
any change (coalesced: at most one per `PUSH_MIN` seconds per hall): a new event, an alert
raised or cleared by the passing of time, an alert acknowledged. The body is built once per hall
per push and sent to every tablet of that hall.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from displays.gateway import Gateway
from displays.interface import DeviceIdentity
from displays.kinds import CALL_SCREEN, CLERK, KIOSK, RATING_PAD, WINDOW_SCREEN
from displays.views import iso_datetime
from hall.bus.notices import HALLS_CHANNEL, Notice
from hall.engine import Engine
from hall.storage.base import AlertRecord, ChartSample, DeviceRecord, Store
from metrics import HallMetrics
from metrics.alerts import DEVICE_OFFLINE, Alert
from metrics.cases import case_figures
from metrics.history import DayHistory, samples_of
from metrics.prometheus import PrometheusExporter
from queueing import follow_ups
from queueing.apply import apply
from queueing.events import HallConfigured
from queueing.model import HallState, initial_state
from queueing.stream import SequencedEvent

log = logging.getLogger("hall.server.live_metrics")

PUSH_EVERY = 5.0
PUSH_MIN = 1.0
OFFLINE_AFTER_S = 60.0
"""Seconds a device may go unseen by every process before it is `device_offline` (env
HALL_DEVICE_OFFLINE_S)."""
DEVICES_EVERY = 5.0
"""Seconds between two readings of the devices' `last_seen`."""
CHART_EVERY = 10.0
"""Seconds between two writes of the chart minutes."""
ACKNOWLEDGED_SINCE = timedelta(days=1)
"""Acknowledgements read back at start: this far back (so that a retry succeeds), and those of
alerts whose condition may still hold, however old."""
CHART_SINCE = timedelta(hours=26)
"""Chart minutes read back at start (the service day is at most this long ago in any zone)."""
WRITES_KEPT = 10_000
"""Alert changes kept while the database cannot take them; older ones are dropped."""
WATCHED_KINDS = frozenset({KIOSK, CLERK, CALL_SCREEN, WINDOW_SCREEN, RATING_PAD})


class DeviceWatch:
    """Which watched devices are offline: connected to no process (none here, and none has
    stamped `last_seen` for `after_s`), and since when."""

    def __init__(self, after_s: float = OFFLINE_AFTER_S) -> None:
        self.after_s = after_s
        self._sockets: Counter[str] = Counter()

    def change(self, identity: DeviceIdentity, change: int) -> bool:
        """Count a connection here opened (+1) or closed (-1); True for a watched device that
        is connected now (an offline alert of it clears)."""
        if identity.kind not in WATCHED_KINDS:
            return False
        self._sockets[identity.id] += change
        if self._sockets[identity.id] <= 0:
            del self._sockets[identity.id]
            return False
        return True

    def offline_since(self, record: DeviceRecord, now: float) -> float | None:
        """When a watched device went (its `last_seen`), if it is offline at `now`; else None.
        A device never seen is not known to be missing."""
        if record.kind not in WATCHED_KINDS or record.id in self._sockets:
            return None
        if record.last_seen is None:
            return None
        since = record.last_seen.timestamp()
        return since if now - since >= self.after_s else None


@dataclass(frozen=True, slots=True)
class _Stored:
    """What a hall's floor managers had when this process started."""

    alerts: list[tuple[Alert, bool]]
    chart: list[ChartSample]


class MetricsHub:
    def __init__(
        self, engine: Engine, store: Store, *, offline_after_s: float = OFFLINE_AFTER_S
    ) -> None:
        self.engine = engine
        self.store = store
        self.exporter = PrometheusExporter()
        self.halls: dict[str, HallMetrics] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.histories: dict[str, DayHistory] = {}
        self._pushed: dict[str, tuple[int, float, tuple[str, ...]]] = {}
        self._devices: Counter[tuple[str, str]] = Counter()
        self.watch = DeviceWatch(offline_after_s)
        self.gateway: Gateway | None = None
        self._stored: dict[str, _Stored] = {}
        self._alert_writes: list[AlertRecord] = []
        self._chart_writes: dict[tuple[str, float], ChartSample] = {}
        self._devices_read = float("-inf")
        self._chart_written = time.monotonic()

    async def start(self) -> None:
        """Read what each hall's floor managers had (alerts, acknowledgements, today's chart),
        then follow every hall from its state now. Set the engine's monitor right after, with
        no await in between: the engine's state is ahead of no event this has not seen."""
        now = self.engine.clock()
        for hall in self.engine.halls():
            try:
                self._stored[hall] = await asyncio.to_thread(self._read_stored, hall, now)
            except Exception as error:  # the figures still run; alerts start afresh
                log.warning("hall=%s stored alerts and chart unreadable: %s", hall, error)
        for hall in self.engine.halls():
            self._attach(hall)

    def _read_stored(self, hall: str, now: datetime) -> _Stored:
        records = self.store.alerts(hall, now - ACKNOWLEDGED_SINCE)
        alerts = [(_alert_of(r), r.acknowledged_at is not None) for r in records]
        return _Stored(alerts, self.store.chart(hall, now - CHART_SINCE))

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

    def delivered(self, hall: str, seconds: float) -> None:
        self.exporter.event_delivered(hall, seconds)

    def reply_written(self, hall: str, seconds: float) -> None:
        self.exporter.reply_written(hall, seconds)

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
        if self.watch.change(identity, change) and identity.hall in self.halls:
            now = self.engine.clock().timestamp()
            self.halls[identity.hall].alerts.device_online(identity.id, now)

    async def _watch_devices(self) -> None:
        """Every `DEVICES_EVERY` s: raise `device_offline` for the devices no process has seen
        for the limit, clear it for those seen again (on any process) or unpaired."""
        if time.monotonic() - self._devices_read < DEVICES_EVERY:
            return
        self._devices_read = time.monotonic()
        for hall in self.engine.halls():
            records = await asyncio.to_thread(self.store.devices, hall)
            live = self._live(hall)
            now = self.engine.clock().timestamp()
            for record in records:
                since = self.watch.offline_since(record, now)
                if since is None:
                    live.alerts.device_online(record.id, now)
                else:
                    name = _given_name(record)
                    live.alerts.device_offline(record.id, record.kind, since, name, record.window)
            paired = {record.id for record in records}
            for device in live.alerts.holding(DEVICE_OFFLINE):
                if device not in paired:
                    live.alerts.device_online(device, now)

    def dropped(self) -> None:
        self.exporter.dropped()

    def device_revoked(self, hall: str, device: str) -> None:
        """An unpaired device is not `device_offline`; an alert raised for it clears."""
        if hall in self.halls:
            self.halls[hall].alerts.device_online(device, self.engine.clock().timestamp())

    # --- refused sign-ins (displays.command_edge.SignInWatch) ----------------------------------

    def sign_in_failed(self, hall: str, command: str, reason: str) -> None:
        self.exporter.sign_in_failed(hall, command, reason)

    # --- alerts (displays.gateway.AlertDesk) ------------------------------------------------

    async def acknowledge(self, hall: str, alert: str, by: str | None = None) -> bool:
        """Stop listing an alert, on every process, and push the figures to the hall's tablets
        at once. Stored first (`StoreUnavailable` when the database cannot be reached: nothing
        changes), then announced on the bus. An id acknowledged before succeeds again (a
        retried acknowledgement); an unknown one fails."""
        alerts = self._live(hall).alerts
        if not alerts.was_acknowledged(alert):
            listed = alerts.find(alert)
            if listed is None:
                return False
            at = self.engine.clock()
            await asyncio.to_thread(self.store.acknowledge_alert, _record(hall, listed), at, by)
            alerts.acknowledge(alert)
            await self.engine.notify("alert", hall, alert)
        self._push(hall, force=True)
        return True

    async def on_notice(self, notice: Notice) -> None:
        """Another process says an alert was acknowledged: believed once the database says so
        (anyone who can publish on the bus can send anything)."""
        if notice.topic != "alert" or notice.hall not in self.halls:
            return
        record = await asyncio.to_thread(self.store.alert, notice.hall, notice.subject)
        if record is not None and record.acknowledged_at is not None:
            self._acknowledged_elsewhere(notice.hall, notice.subject)

    async def resync(self) -> None:
        """After a gap in the bus: the acknowledgements made on other processes meanwhile."""
        since = self.engine.clock() - ACKNOWLEDGED_SINCE
        for hall in list(self.halls):
            records = await asyncio.to_thread(self.store.alerts, hall, since)
            for record in records:
                if record.acknowledged_at is not None:
                    self._acknowledged_elsewhere(hall, record.id)

    def _acknowledged_elsewhere(self, hall: str, alert: str) -> None:
        alerts = self.halls[hall].alerts
        if not alerts.was_acknowledged(alert):
            alerts.acknowledge(alert)
            self._push(hall, force=True)

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
        live.alerts.changes = []
        previous = self.halls.get(hall)
        if previous is not None:  # configured anew: its alerts carry on
            self._collect(hall, previous)
            live.alerts.take_over(previous.alerts)
        stored = self._stored.pop(hall, None)
        if stored is not None:
            live.alerts.restore(stored.alerts)
            history = self._history_of(hall, config.timezone)
            for sample in stored.chart:
                history.record(sample.at.timestamp(), sample.samples)
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
        cases = case_figures(view.state)  # 办件: open by office and status, overdue
        body["cases"] = cases
        self.exporter.cases(hall, cases)
        follow_up_figures = follow_ups.figures(view.state.follow_ups.values(), now.timestamp())
        body["follow_up_figures"] = follow_up_figures  # 差评整改率, 回访率 (docs/follow-ups.md)
        self.exporter.follow_ups(hall, follow_up_figures)
        self.bodies[hall] = body
        samples = samples_of(body)
        minute = self._history_of(hall, live.config.timezone).record(now.timestamp(), samples)
        if minute is not None:
            at = datetime.fromtimestamp(minute, UTC)
            self._chart_writes[(hall, minute)] = ChartSample(hall, at, samples)
        return body

    def _history_of(self, hall: str, timezone: str) -> DayHistory:
        history = self.histories.get(hall)
        if history is None or history.timezone != timezone:
            history = self.histories[hall] = DayHistory(timezone)
        return history

    async def run(self) -> None:
        """Push figures to tablets: on change (coalesced) and at least every PUSH_EVERY s.
        Watch the devices, store the alerts' changes and the chart."""
        while True:
            await asyncio.sleep(PUSH_MIN)
            try:
                await self._watch_devices()
            except Exception as error:  # the figures still go out
                log.warning("device offline check failed: %s", error)
            for hall in self.engine.halls():
                try:
                    self._push(hall)
                except Exception:  # one hall's failure must not stop the others' figures
                    log.exception("hall=%s metrics push failed", hall)
            await self._write_alerts()
            if time.monotonic() - self._chart_written >= CHART_EVERY:
                await self._write_chart()

    async def flush(self) -> None:
        """Store what is not stored yet (at shutdown)."""
        await self._write_alerts()
        await self._write_chart()

    def _collect(self, hall: str, live: HallMetrics) -> None:
        changes = live.alerts.changes
        if changes:
            self._alert_writes.extend(_record(hall, alert) for alert in changes)
            changes.clear()

    async def _write_alerts(self) -> None:
        for hall, live in self.halls.items():
            self._collect(hall, live)
        if not self._alert_writes:
            return
        writes, self._alert_writes = self._alert_writes, []
        try:
            await asyncio.to_thread(self.store.save_alerts, writes)
        except Exception as error:  # kept for the next write
            log.warning("could not store %d alert changes: %s", len(writes), error)
            self._alert_writes = (writes + self._alert_writes)[-WRITES_KEPT:]

    async def _write_chart(self) -> None:
        self._chart_written = time.monotonic()
        if not self._chart_writes:
            return
        writes, self._chart_writes = self._chart_writes, {}
        try:
            await asyncio.to_thread(self.store.save_chart, list(writes.values()))
        except Exception as error:  # kept for the next write; newer minutes win
            log.warning("could not store %d chart minutes: %s", len(writes), error)
            self._chart_writes = {**writes, **self._chart_writes}

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


def _given_name(record: DeviceRecord) -> str:
    """The device's name if an administrator gave it one; "" for the name pairing gives a
    device named by nobody (`kind`, or `kind window`): its alert names it by window and kind."""
    default = record.kind if record.window is None else f"{record.kind} {record.window}"
    return "" if record.name == default else record.name


def _alert_states(body: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{a['id']}:{a['active']}" for a in body["alerts"])


def _record(hall: str, alert: Alert) -> AlertRecord:
    cleared = None if alert.cleared_at is None else datetime.fromtimestamp(alert.cleared_at, UTC)
    return AlertRecord(
        hall,
        alert.id,
        alert.kind,
        alert.severity,
        alert.key,
        dict(alert.params),
        alert.subject,
        datetime.fromtimestamp(alert.raised_at, UTC),
        cleared,
    )


def _alert_of(record: AlertRecord) -> Alert:
    cleared = None if record.cleared_at is None else record.cleared_at.timestamp()
    return Alert(
        record.id,
        record.kind,
        record.severity,
        record.key,
        dict(record.params),
        record.subject,
        record.raised_at.timestamp(),
        cleared,
    )
