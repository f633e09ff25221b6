"""Prometheus exposition of a server process's halls, with prometheus-client.

One `PrometheusExporter` per server process, on its own `CollectorRegistry` (never the global
one). `sink(hall)` gives the `metrics.sink.Sink` a hall's `HallMetrics` reports to; the server
reports commands, device connections, dropped websockets and refused sign-ins itself;
`exposition(registry)` is the body of `GET /metrics` (content type `CONTENT_TYPE`).

Counters and histograms are process-local: each process counts what it committed, and
Prometheus sums over processes. Gauges `hall_waiting` and `hall_expected_wait_seconds` are
hall-wide facts every process reports alike (aggregate with max, not sum);
`hall_connected_devices` counts this process's sockets (sum them). See docs/metrics.md.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from metrics.alerts import KINDS
from queueing.config import HallConfig

CONTENT_TYPE = CONTENT_TYPE_LATEST

WAIT_BUCKETS = (30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)
"""Seconds. 900 is the usual 15-minute service target."""
SERVICE_BUCKETS = (30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 3600)
COMMAND_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
DELIVERY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)
"""The real-time path: the targets are a few milliseconds (docs/metrics.md)."""
SCORES = ("1", "2", "3", "4", "5")


def exposition(registry: CollectorRegistry) -> bytes:
    """The registry's series in the Prometheus text format."""
    return generate_latest(registry)


def _multiprocess() -> bool:
    return "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ


class PrometheusExporter:
    """Every hall series of one server process."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        hall_queue = ["hall", "queue"]
        on = self.registry
        self.tickets_issued = Counter(
            "hall_tickets_issued", "Tickets issued.", hall_queue, registry=on
        )
        self.tickets_finished = Counter(
            "hall_tickets_finished", "Service steps finished at a window.", hall_queue, registry=on
        )
        self.wait = Histogram(
            "hall_wait_seconds",
            "Wait from joining a queue to the first call.",
            hall_queue,
            buckets=WAIT_BUCKETS,
            registry=on,
        )
        self.service = Histogram(
            "hall_service_seconds",
            "Service time of a finished step, from start to finish.",
            hall_queue,
            buckets=SERVICE_BUCKETS,
            registry=on,
        )
        self.waiting = Gauge(
            "hall_waiting",
            "Tickets waiting now (hall-wide: every process reports the same).",
            hall_queue,
            multiprocess_mode="livemax",
            registry=on,
        )
        self.expected_wait = Gauge(
            "hall_expected_wait_seconds",
            "Expected wait of a ticket issued now (hall-wide; absent with no open window).",
            hall_queue,
            multiprocess_mode="livemax",
            registry=on,
        )
        self.ratings = Counter(
            "hall_ratings", "Ratings submitted, by score 1-5.", ["hall", "score"], registry=on
        )
        self.connected_devices = Gauge(
            "hall_connected_devices",
            "Devices connected to this process.",
            ["hall", "kind"],
            multiprocess_mode="livesum",
            registry=on,
        )
        self.command_seconds = Histogram(
            "hall_command_seconds",
            "Time from receiving a command to its reply.",
            ["hall", "command", "outcome"],
            buckets=COMMAND_BUCKETS,
            registry=on,
        )
        self.reply_write_seconds = Histogram(
            "hall_reply_write_seconds",
            "Time from a device's command frame arriving to its reply written to the socket.",
            ["hall"],
            buckets=DELIVERY_BUCKETS,
            registry=on,
        )
        self.event_delivery_seconds = Histogram(
            "hall_event_delivery_seconds",
            "Time from an event's commit to its frame written to every local device's socket.",
            ["hall"],
            buckets=DELIVERY_BUCKETS,
            registry=on,
        )
        self.ws_dropped = Counter(
            "hall_ws_dropped", "Websocket connections dropped by the server.", registry=on
        )
        self.bus_malformed = Counter(
            "hall_bus_malformed_messages",
            "Bus messages skipped because no server process sends such a message.",
            ["channel"],
            registry=on,
        )
        self.alerts = Counter(
            "hall_alerts", "Alerts raised, by kind.", ["hall", "kind"], registry=on
        )
        self.sign_in_failures = Counter(
            "hall_sign_in_failures",
            "Refused staff sign-ins (sign_in, manager_sign_in): reason unauthorized (wrong staff "
            "number or password) or too_many_attempts (locked out, not checked).",
            ["hall", "command", "reason"],
            registry=on,
        )

        self.open_cases = Gauge(
            "hall_open_cases",
            "Open cases (办件) by back office and status (hall-wide: every process alike).",
            ["hall", "office", "status"],
            multiprocess_mode="livemax",
            registry=on,
        )
        self.overdue_cases = Gauge(
            "hall_overdue_cases",
            "Open cases past their promised date with the clock running, by back office.",
            ["hall", "office"],
            multiprocess_mode="livemax",
            registry=on,
        )

        self.follow_ups_open = Gauge(
            "hall_follow_ups_open",
            "Open follow-ups (差评整改, 投诉, 回访) the hall holds (every process alike).",
            ["hall"],
            multiprocess_mode="livemax",
            registry=on,
        )
        self.follow_ups_overdue = Gauge(
            "hall_follow_ups_overdue",
            "Open follow-ups past a deadline now.",
            ["hall"],
            multiprocess_mode="livemax",
            registry=on,
        )
        self.follow_up_rate = Gauge(
            "hall_follow_up_rate",
            "Feedback-loop rates over the follow-ups the hall holds (open, and closed today): "
            "rectify (差评整改率), callback (回访率), satisfaction (回访满意率), "
            "complaints_on_time.",
            ["hall", "figure"],
            multiprocess_mode="livemax",
            registry=on,
        )

    def follow_ups(self, hall: str, figures: Mapping[str, Any]) -> None:
        """Set the follow-up gauges from `queueing.follow_ups.figures` (a rate with nothing to
        count is left out)."""
        self.follow_ups_open.labels(hall).set(figures["open"])
        self.follow_ups_overdue.labels(hall).set(figures["overdue"])
        complaints = figures["complaints"]
        rates = {
            "rectify": figures["rectify_rate"],
            "callback": figures["callback_rate"],
            "satisfaction": figures["satisfaction_rate"],
            "complaints_on_time": (
                figures["complaints_on_time"] / complaints if complaints else None
            ),
        }
        for figure, rate in rates.items():
            if rate is not None:
                self.follow_up_rate.labels(hall, figure).set(rate)

    def cases(self, hall: str, figures: Mapping[str, Any]) -> None:
        """Set the case gauges from `metrics.cases.case_figures`."""
        for office, counts in figures["open"].items():
            for status, count in counts.items():
                self.open_cases.labels(hall, office, status).set(count)
        for office, count in figures["overdue"].items():
            self.overdue_cases.labels(hall, office).set(count)

    def sink(self, hall: str) -> HallSink:
        return HallSink(self, hall)

    def declare(self, config: HallConfig) -> None:
        """Create a hall's counter series at zero, so rates start from its first scrape."""
        for queue in config.queues:
            self.tickets_issued.labels(config.id, queue.id)
            self.tickets_finished.labels(config.id, queue.id)
            self.waiting.labels(config.id, queue.id)
        for score in SCORES:
            self.ratings.labels(config.id, score)
        for kind in KINDS:
            self.alerts.labels(config.id, kind)

    # --- what the server reports itself --------------------------------------------------------

    def command(self, hall: str, command: str, outcome: str, seconds: float) -> None:
        """A command's reply was sent `seconds` after it arrived; `outcome` is "ok" or the error
        code (keep it to a bounded set of codes)."""
        self.command_seconds.labels(hall, command, outcome).observe(seconds)

    def reply_written(self, hall: str, seconds: float) -> None:
        """A websocket command's reply was written to its socket `seconds` after it arrived."""
        self.reply_write_seconds.labels(hall).observe(seconds)

    def event_delivered(self, hall: str, seconds: float) -> None:
        """An event committed here reached every local device's socket `seconds` after its
        commit (devices reading too slowly to take it at once excepted: they get it later)."""
        self.event_delivery_seconds.labels(hall).observe(seconds)

    def devices(self, hall: str, kind: str, connected: int) -> None:
        """How many devices of a kind are connected to this process for a hall now."""
        self.connected_devices.labels(hall, kind).set(connected)

    def dropped(self, count: int = 1) -> None:
        """Websockets the server disconnected because it could not deliver to them."""
        self.ws_dropped.inc(count)

    def bus_message_skipped(self, channel: str) -> None:
        """A malformed bus message was skipped; `channel` is `hall` (a hall's channel) or
        `halls` (the process-wide one), never the hall id a stranger chose."""
        self.bus_malformed.labels(channel).inc()

    def sign_in_failed(self, hall: str, command: str, reason: str) -> None:
        """A staff sign-in was refused (`reason`: `unauthorized` or `too_many_attempts`)."""
        self.sign_in_failures.labels(hall, command, reason).inc()


M = TypeVar("M", Counter, Gauge, Histogram)


class HallSink:
    """The `metrics.sink.Sink` of one hall: what its `HallMetrics` and alerts report. Keeps the
    labelled children it uses (a `labels()` lookup per event would cost more than the rest)."""

    def __init__(self, exporter: PrometheusExporter, hall: str) -> None:
        self._exporter = exporter
        self._hall = hall
        self._children: dict[tuple[int, str], Any] = {}

    def _child(self, metric: M, label: str) -> M:
        key = (id(metric), label)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(self._hall, label)
        return cast(M, child)

    def ticket_issued(self, queue: str) -> None:
        self._child(self._exporter.tickets_issued, queue).inc()

    def ticket_called(self, queue: str, wait_s: float) -> None:
        self._child(self._exporter.wait, queue).observe(wait_s)

    def ticket_finished(self, queue: str, service_s: float) -> None:
        self._child(self._exporter.tickets_finished, queue).inc()
        self._child(self._exporter.service, queue).observe(service_s)

    def rating(self, score: int) -> None:
        self._child(self._exporter.ratings, str(score)).inc()

    def alert_raised(self, kind: str) -> None:
        self._child(self._exporter.alerts, kind).inc()

    def waiting(self, queue: str, count: int) -> None:
        self._child(self._exporter.waiting, queue).set(count)

    def expected_wait(self, queue: str, seconds: float | None) -> None:
        gauge = self._exporter.expected_wait  # not cached: a removed child must be made anew
        if seconds is not None:
            gauge.labels(self._hall, queue).set(seconds)
        elif _multiprocess():
            gauge.labels(self._hall, queue).set(math.nan)
        else:
            gauge.remove(self._hall, queue)
