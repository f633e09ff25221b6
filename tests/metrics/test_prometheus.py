"""The /metrics exposition after a scripted scenario, parsed as Prometheus parses it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from metrics.prometheus import WAIT_BUCKETS, PrometheusExporter, exposition
from queueing import commands as cmd
from tests.metrics.driver import Hall

Series = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(exporter: PrometheusExporter) -> Series:
    """Every sample of the exposition: (name, sorted labels) -> value."""
    text = exposition(exporter.registry).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float | None:
    return series.get((name, tuple(sorted(labels.items()))))


def scenario() -> tuple[PrometheusExporter, Hall]:
    """Window 1 serves two A tickets (waits 120 and 420 s, services 300 and 600 s); a B ticket
    and an A ticket wait; the first A ticket is rated 5, the second 2."""
    exporter = PrometheusExporter()
    hall = Hall(sink=exporter.sink("small"))
    exporter.declare(hall.config)
    hall.at("09:00").sign_in("1")
    first, second = hall.issue("social"), hall.issue("social")
    hall.at("09:02").call("1")
    hall.at("09:07").finish("1")
    hall.rate(first, 5)
    hall.call("1")
    hall.at("09:17").finish("1")
    hall.rate(second, 2)
    hall.issue("tax")
    hall.issue("social")
    hall.estimate()
    exporter.command("small", "call_next", "ok", 0.004)
    exporter.command("small", "call_next", "window_closed", 0.002)
    exporter.devices("small", "kiosk", 3)
    exporter.dropped()
    return exporter, hall


def test_ticket_counters_and_histograms_after_a_scenario() -> None:
    exporter, _ = scenario()
    series = scrape(exporter)
    a, b = {"hall": "small", "queue": "A"}, {"hall": "small", "queue": "B"}

    assert value(series, "hall_tickets_issued_total", **a) == 3
    assert value(series, "hall_tickets_issued_total", **b) == 1
    assert value(series, "hall_tickets_finished_total", **a) == 2
    assert value(series, "hall_tickets_finished_total", **b) == 0
    assert value(series, "hall_wait_seconds_count", **a) == 2
    assert value(series, "hall_wait_seconds_sum", **a) == 120 + 420
    assert value(series, "hall_wait_seconds_bucket", **a, le="300.0") == 1
    assert value(series, "hall_wait_seconds_bucket", **a, le="600.0") == 2
    assert value(series, "hall_wait_seconds_bucket", **a, le="+Inf") == 2
    assert value(series, "hall_service_seconds_sum", **a) == 300 + 600
    assert value(series, "hall_service_seconds_bucket", **a, le="450.0") == 1
    buckets = [k for k in series if k[0] == "hall_wait_seconds_bucket" and ("queue", "A") in k[1]]
    assert len(buckets) == len(WAIT_BUCKETS) + 1


def test_gauges_ratings_alerts_and_server_series_after_a_scenario() -> None:
    exporter, hall = scenario()
    series = scrape(exporter)
    snap = hall.snapshot()

    assert value(series, "hall_waiting", hall="small", queue="A") == 1
    assert value(series, "hall_waiting", hall="small", queue="B") == 1
    assert (
        value(series, "hall_expected_wait_seconds", hall="small", queue="A")
        == (snap["queues"]["A"]["eta_new_s"])
    )
    assert value(series, "hall_expected_wait_seconds", hall="small", queue="B") is None
    assert value(series, "hall_ratings_total", hall="small", score="5") == 1
    assert value(series, "hall_ratings_total", hall="small", score="2") == 1
    assert value(series, "hall_ratings_total", hall="small", score="3") == 0
    assert value(series, "hall_alerts_total", hall="small", kind="bad_rating") == 1
    assert value(series, "hall_alerts_total", hall="small", kind="no_window_open") == 1
    assert value(series, "hall_alerts_total", hall="small", kind="window_paused") == 0
    assert value(series, "hall_connected_devices", hall="small", kind="kiosk") == 3
    ok = {"hall": "small", "command": "call_next", "outcome": "ok"}
    assert value(series, "hall_command_seconds_count", **ok) == 1
    assert value(series, "hall_command_seconds_bucket", **ok, le="0.005") == 1
    assert value(series, "hall_command_seconds_bucket", **ok, le="0.0025") == 0
    refused = {"hall": "small", "command": "call_next", "outcome": "window_closed"}
    assert value(series, "hall_command_seconds_count", **refused) == 1
    assert value(series, "hall_ws_dropped_total") == 1


def test_events_committed_elsewhere_move_the_gauges_but_not_the_counters() -> None:
    exporter = PrometheusExporter()
    hall = Hall(sink=exporter.sink("small"))
    hall.at("09:00").sign_in("1", staff="c1")
    hall.do(cmd.IssueTicket("social"), local=False)
    hall.do(cmd.IssueTicket("social"))

    series = scrape(exporter)

    assert value(series, "hall_tickets_issued_total", hall="small", queue="A") == 1
    assert value(series, "hall_waiting", hall="small", queue="A") == 2


def test_the_waiting_gauges_follow_a_moved_ticket() -> None:
    exporter = PrometheusExporter()
    hall = Hall(sink=exporter.sink("small"))
    exporter.declare(hall.config)
    hall.at("09:00")
    first = hall.issue("social")
    hall.issue("social")

    hall.do(cmd.MoveTicket(first.id, to_queue="B"))
    hall.do(cmd.PrioritiseTicket(first.id))

    series = scrape(exporter)
    assert value(series, "hall_waiting", hall="small", queue="A") == 1
    assert value(series, "hall_waiting", hall="small", queue="B") == 1
    assert value(series, "hall_tickets_issued_total", hall="small", queue="A") == 2
    assert value(series, "hall_tickets_issued_total", hall="small", queue="B") == 0


def test_each_exporter_has_its_own_registry() -> None:
    first, second = PrometheusExporter(), PrometheusExporter()
    first.dropped(2)

    assert value(scrape(first), "hall_ws_dropped_total") == 2
    assert value(scrape(second), "hall_ws_dropped_total") == 0
    assert REGISTRY.get_sample_value("hall_ws_dropped_total") is None


def test_a_queue_loses_its_expected_wait_when_no_window_serves_it() -> None:
    exporter = PrometheusExporter()
    hall = Hall(sink=exporter.sink("small"))
    hall.at("09:00").sign_in("3")
    hall.estimate()
    assert value(scrape(exporter), "hall_expected_wait_seconds", hall="small", queue="B") == 0

    hall.do(cmd.SignOut("3"))
    hall.estimate()

    assert value(scrape(exporter), "hall_expected_wait_seconds", hall="small", queue="B") is None


DASHBOARD = Path(__file__).parents[2] / "docs" / "grafana-dashboard.json"


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", ())]


def test_the_dashboard_queries_only_series_the_exporter_exposes() -> None:
    exporter, _ = scenario()
    exposed = {name for name, _ in scrape(exporter)}

    queries = dashboard_queries()

    assert len(queries) >= 10
    used = {name for query in queries for name in re.findall(r"\bhall_[a-z_]+", query)}
    assert used <= exposed
    assert {"hall_waiting", "hall_wait_seconds_bucket", "hall_ratings_total"} <= used


def test_the_dashboard_takes_the_max_of_hall_wide_series_and_never_sums_them() -> None:
    for query in dashboard_queries():
        for series in ("hall_waiting", "hall_expected_wait_seconds", "hall_alerts_total"):
            if series in query:
                assert re.search(rf"max by \([a-z]+\) \((increase\()?{series}\b", query), query
