"""The figures of one hall, read from its `metrics.fold.HallFold`: the body of the protocol's
`metrics` message (`snapshot_body`), per queue, service, window, clerk and for the hall.

Costs O(queues + services + windows + clerks), a few hundred bins at most per histogram,
whatever the number of tickets. A queue or service not seen yet reads as empty figures (and is
kept from then on, as the fold would). docs/metrics.md defines every figure.
"""

from __future__ import annotations

from typing import Any

from metrics.clock import iso_utc
from metrics.erlang_hint import windows_needed, windows_short
from metrics.figures import Stats, seconds
from metrics.fold import HallFold
from metrics.tracks import ClerkTrack, WindowTrack
from metrics.window_time import SERVING_STATUSES
from metrics.windows import minute_of
from queueing.model import PAUSED

_TICKET_COUNTS = frozenset({"issued", "cancelled"})
"""Counts that belong to queues, services and the hall, not to windows or clerks."""

_DEFAULT_SERVICE_S = 300.0
"""A queue's mean service time when nothing was measured and it is not configured."""


def snapshot_body(fold: HallFold, now: float) -> dict[str, Any]:
    """The figures at `now` as the `metrics` message body: queues, services, windows, clerks,
    hall, alerts. Bring the fold to `now` first (`HallFold.evaluate`)."""
    minute = minute_of(now)
    config = fold.config
    return {
        "day": fold.day,
        "queues": {q.id: _queue_figures(fold, q.id, q.name, now, minute) for q in config.queues},
        "services": {
            s.id: _service_figures(fold, s.id, s.name, s.queue, now, minute)
            for s in config.services
        },
        "windows": {w.id: _window_figures(fold.windows[w.id], now, minute) for w in config.windows},
        "clerks": {
            staff: _clerk_figures(fold, track, now, minute) for staff, track in fold.clerks.items()
        },
        "hall": _hall_figures(fold, now, minute),
        "alerts": [alert.as_dict() for alert in fold.alerts.listed()],
    }


def _queue_figures(
    fold: HallFold, queue: str, name: str, now: float, minute: int
) -> dict[str, Any]:
    stats = fold.queue_stats(queue)
    line = fold.queue_line(queue)
    figures = stats.figures(minute)
    arrivals = fold.arrivals_of(queue).at(minute)
    needed = windows_needed(arrivals, _mean_service_s(fold, queue, figures), fold.target_s)
    open_now = fold.windows_open(queue)
    return {
        "name": name,
        "waiting": len(line),
        "longest_wait_s": seconds(line.longest_wait(now)),
        "eta_new_s": seconds(fold.expected.get(queue)),
        "windows_open": open_now,
        "arrivals_hour": arrivals,
        "windows_needed": needed,
        "windows_short": windows_short(needed, open_now, len(line)),
        **figures,
    }


def _service_figures(
    fold: HallFold, service: str, name: str, queue: str, now: float, minute: int
) -> dict[str, Any]:
    line = fold.service_line(service)
    return {
        "name": name,
        "queue": queue,
        "waiting": len(line),
        "longest_wait_s": seconds(line.longest_wait(now)),
        "eta_new_s": seconds(fold.expected.get(queue)),
        **fold.service_stats(service).figures(minute),
    }


def _window_figures(track: WindowTrack, now: float, minute: int) -> dict[str, Any]:
    running = max(0.0, now - track.started)
    return {
        "name": track.name,
        "status": track.status,
        "since": iso_utc(track.since) if track.since else None,
        "status_s": seconds(max(0.0, now - track.since)),
        "reason": track.reason,
        "clerk": track.clerk,
        "clerk_name": track.clerk_name,
        "ticket": track.ticket,
        "queues": list(track.queues),
        **track.account.figures(track.status, running),
        **_staff_figures(track.stats, minute),
    }


def _clerk_figures(fold: HallFold, track: ClerkTrack, now: float, minute: int) -> dict[str, Any]:
    window = fold.windows.get(track.window) if track.window else None
    status, running = (window.status, now - window.started) if window else (None, 0.0)
    return {
        "name": track.name,
        "window": track.window,
        **track.account.figures(status, max(0.0, running)),
        **_staff_figures(track.stats, minute),
    }


def _hall_figures(fold: HallFold, now: float, minute: int) -> dict[str, Any]:
    waits = [line.longest_wait(now) for line in fold.queue_lines.values()]
    statuses = [track.status for track in fold.windows.values()]
    follow_ups = sorted(fold.follow_ups.values(), key=lambda f: (f.deadline, f.case))
    return {
        "waiting": len(fold.waiting_tickets),
        "longest_wait_s": seconds(max(waits, default=0.0)),
        "windows_open": sum(status in SERVING_STATUSES for status in statuses),
        "windows_paused": statuses.count(PAUSED),
        "ratings_by_score": {str(score): count for score, count in fold.scores.items()},
        "follow_ups_open": len(follow_ups),
        "follow_ups_overdue": sum(now > f.deadline for f in follow_ups),
        "follow_ups": [f.as_dict(now) for f in follow_ups],
        **fold.hall.figures(minute),
    }


def _staff_figures(stats: Stats, minute: int) -> dict[str, Any]:
    """A window's or clerk's figures: those of the hall but the ticket counts."""
    return {k: v for k, v in stats.figures(minute).items() if k not in _TICKET_COUNTS}


def _mean_service_s(fold: HallFold, queue: str, figures: dict[str, Any]) -> float:
    """The last hour's mean service time, else the day's, else the configured one."""
    for key in ("avg_service_s", "day_avg_service_s"):
        if figures[key]:
            return float(figures[key])
    configured = fold.config.queue(queue)
    return configured.service_minutes * 60.0 if configured else _DEFAULT_SERVICE_S
