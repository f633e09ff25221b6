"""Live waiting-time metrics of a hall, its alerts, and their Prometheus exposition.

The whole API, as the server uses it (one `HallMetrics` per hall per server process):

    from metrics import HallMetrics
    from metrics.prometheus import CONTENT_TYPE, PrometheusExporter, exposition

    exporter = PrometheusExporter()                    # its own CollectorRegistry
    exporter.declare(config)                           # zeroed series for the hall
    live = HallMetrics(config, sink=exporter.sink(config.id), pause_limit_s=15 * 60)
    live.load(state, now)                              # optional: start from a state mid-day

    live.observe(event, at)                 # every committed event, in seq order; `at` = commit
                                            # time (epoch s); local=False for events another
                                            # process committed (not counted again)
    live.set_expected(estimate)             # the core's `estimate_waits(...)` when it is made
    body = live.snapshot(now)               # the `metrics` message body (every <= 5 s);
                                            # also rolls the day and evaluates alerts
    live.evaluate(now)                      # the same without a snapshot (periodic timer)

    live.alerts.listed()                    # alerts not yet acknowledged (also in snapshot)
    live.alerts.acknowledge(alert_id)       # -> bool
    live.alerts.device_offline(device_id, kind, since, name="")
    live.alerts.device_online(device_id, at)

    exporter.command(hall, name, outcome, seconds)     # per command reply
    exporter.devices(hall, kind, connected)            # per change of connections
    exporter.dropped()                                 # per websocket dropped
    exposition(exporter.registry) -> bytes             # GET /metrics, with CONTENT_TYPE

`HallMetrics` (metrics/live.py) joins the fold, `metrics.fold.HallFold` (the running statistics,
one handler per event class in `metrics.fold.EVENT_HANDLERS`), and the views,
`metrics.views.snapshot_body` (the figures read from the fold).

`metrics.prometheus` is the only module importing prometheus-client. docs/metrics.md defines
every figure, its precision and the Prometheus series.
"""

from metrics.alerts import ALERT_MESSAGES, Alert, HallAlerts
from metrics.live import HallMetrics
from metrics.sink import NULL_SINK, NullSink, Sink
from metrics.tracks import FollowUp

__all__ = [
    "ALERT_MESSAGES",
    "NULL_SINK",
    "Alert",
    "FollowUp",
    "HallAlerts",
    "HallMetrics",
    "NullSink",
    "Sink",
]
