"""`HallMetrics`: a hall's live figures, kept up to date event by event.

Feed it every committed event of the hall, in order, with its commit time (`observe`); hand it
the core's expected waits when the server computes them (`set_expected`); read the figures as
the body of the protocol's `metrics` message (`snapshot`). Every event costs O(1) amortised
(O(log n) for the waiting lines): per-queue and per-service waiting lines keep the longest wait,
per-minute buckets keep the last hour, histograms keep the day, and window time is credited per
status segment. Nothing rescans the day. docs/metrics.md defines every figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from metrics.alerts import DEFAULT_PAUSE_LIMIT_S, HallAlerts
from metrics.clock import day_bounds, iso_utc
from metrics.erlang_hint import windows_needed
from metrics.figures import Stats, seconds
from metrics.histogram import bin_of
from metrics.sink import NULL_SINK, Sink
from metrics.tracks import ClerkTrack, FollowUp, InHand, Subject, WindowTrack, in_hand
from metrics.waiting import WaitingLine
from metrics.window_time import SERVING_STATUSES, TimeAccount
from metrics.windows import RollingCount, minute_of
from queueing import events as ev
from queueing.calendar import service_day
from queueing.config import HallConfig
from queueing.estimate import Estimate
from queueing.model import CLOSED, PAUSED, WAITING, HallState, Ticket

SCORES = (1, 2, 3, 4, 5)
_TICKET_COUNTS = frozenset({"issued", "cancelled"})
"""Counts that belong to queues, services and the hall, not to windows or clerks."""


class HallMetrics:
    """The live figures of one hall. Not thread-safe: call it from one thread (the event loop)."""

    def __init__(
        self,
        config: HallConfig,
        *,
        sink: Sink = NULL_SINK,
        pause_limit_s: float = DEFAULT_PAUSE_LIMIT_S,
    ) -> None:
        self.config = config
        self.day = ""
        self.alerts = HallAlerts(self, pause_limit_s=pause_limit_s, sink=sink)
        self._sink = sink
        self._counting = sink
        self._day_start = 0.0
        self._day_end = float("-inf")
        self.hall = Stats()
        self.queues: dict[str, Stats] = {}
        self.services: dict[str, Stats] = {}
        self._scores = dict.fromkeys(SCORES, 0)
        self._lines: dict[str, WaitingLine] = {}
        self._service_lines: dict[str, WaitingLine] = {}
        self._waiting: dict[str, tuple[str, str, str]] = {}  # ticket -> (queue, service, number)
        self._arrivals: dict[str, RollingCount] = {}
        self._windows: dict[str, WindowTrack] = {}
        self._clerks: dict[str, ClerkTrack] = {}
        self._open_for: dict[str, set[str]] = {}  # queue -> windows taking its tickets
        self._in_hand: dict[str, InHand] = {}  # window -> ticket in hand
        self._pending_ratings: dict[str, Subject] = {}
        self._just_finished: tuple[str, Subject] | None = None
        self._follow_ups: dict[str, FollowUp] = {}
        self._expected: dict[str, float] = {}
        self._configure(config)

    # --- feeding -----------------------------------------------------------------------------

    def observe(self, event: ev.Event, at: float, *, local: bool = True) -> None:
        """Take one committed event (in the hall's order) with its commit time, epoch seconds.

        `local=False` for events another server process committed: they update the figures
        but are not counted again in this process's Prometheus counters.
        """
        self._counting = self._sink if local else NULL_SINK
        if at >= self._day_end:
            self._new_day(at, service_day(self.config, at))
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, at)

    def set_expected(self, estimate: Estimate) -> None:
        """The core's expected waits (`queueing.estimate_waits`): a new ticket's wait per queue."""
        self._expected = dict(estimate.new_ticket)
        for queue in self.config.queues:
            self._sink.expected_wait(queue.id, self._expected.get(queue.id))

    def load(self, state: HallState, at: float) -> None:
        """Start from a hall state (a server that did not see the day's events): who waits, the
        windows, pending ratings. Day figures start from zero; replay the day's events instead
        where they are at hand."""
        self._configure(state.config)
        self._new_day(at, state.day or service_day(self.config, at))
        for ticket in state.tickets.values():
            if ticket.state == WAITING:
                self._join(ticket)
        for window in state.windows.values():
            self._window_changed(ev.WindowChanged(window, "load"), at)
            held = state.tickets.get(window.ticket) if window.ticket else None
            if held is not None:
                self._in_hand[window.id] = in_hand(held)
                self._windows[window.id].ticket = held.number
        for pending in state.ratings.values():
            queue = pending.snapshot.queue if pending.snapshot else ""
            service = pending.snapshot.service if pending.snapshot else ""
            self._pending_ratings[pending.ticket] = Subject(
                queue, service, pending.window, pending.clerk
            )
        self.alerts.evaluate(at)

    def close_follow_up(self, case: str) -> bool:
        """A follow-up case is done (no core event says so yet); False when it is not open."""
        return self._follow_ups.pop(case, None) is not None

    def evaluate(self, now: float) -> None:
        """Bring the figures to `now` without an event: midnight rollover, time-based alerts."""
        if now >= self._day_end:
            self._new_day(now, service_day(self.config, now))
        self.alerts.evaluate(now)

    # --- what the alerts read (metrics.alerts.AlertView) ---------------------------------------

    def oldest_waiting(self, queue: str) -> tuple[float, str, str] | None:
        line = self._lines.get(queue)
        oldest = line.oldest() if line is not None else None
        if oldest is None:
            return None
        since, ticket = oldest
        return since, ticket, self._waiting[ticket][2]

    def waiting(self, queue: str) -> int:
        line = self._lines.get(queue)
        return len(line) if line is not None else 0

    def windows_open(self, queue: str) -> int:
        return len(self._open_for.get(queue, ()))

    def paused_since(self, window: str) -> tuple[float, str] | None:
        track = self._windows.get(window)
        if track is None or track.status != PAUSED:
            return None
        return track.since, track.reason or ""

    # --- reading -----------------------------------------------------------------------------

    def snapshot(self, now: float) -> dict[str, Any]:
        """The figures at `now` as the `metrics` message body: queues, services, windows,
        clerks, hall, alerts. Rolls the day over and evaluates alerts first."""
        self.evaluate(now)
        minute = minute_of(now)
        return {
            "day": self.day,
            "queues": {
                q.id: self._queue_figures(q.id, q.name, now, minute) for q in self.config.queues
            },
            "services": {
                s.id: self._service_figures(s.id, s.name, s.queue, now, minute)
                for s in self.config.services
            },
            "windows": {
                w.id: self._window_figures(self._windows[w.id], now, minute)
                for w in self.config.windows
            },
            "clerks": {
                staff: self._clerk_figures(staff, track, now, minute)
                for staff, track in self._clerks.items()
            },
            "hall": self._hall_figures(now, minute),
            "alerts": [alert.as_dict() for alert in self.alerts.listed()],
        }

    def _queue_figures(self, queue: str, name: str, now: float, minute: int) -> dict[str, Any]:
        stats = self._stats(self.queues, queue)
        line = self._line(self._lines, queue)
        figures = stats.figures(minute)
        arrivals = self._arrivals_of(queue).at(minute)
        return {
            "name": name,
            "waiting": len(line),
            "longest_wait_s": seconds(line.longest_wait(now)),
            "eta_new_s": seconds(self._expected.get(queue)),
            "windows_open": self.windows_open(queue),
            "arrivals_hour": arrivals,
            "windows_needed": windows_needed(
                arrivals, self._mean_service(queue, figures), self._target_s()
            ),
            **figures,
        }

    def _service_figures(
        self, service: str, name: str, queue: str, now: float, minute: int
    ) -> dict[str, Any]:
        line = self._line(self._service_lines, service)
        return {
            "name": name,
            "queue": queue,
            "waiting": len(line),
            "longest_wait_s": seconds(line.longest_wait(now)),
            "eta_new_s": seconds(self._expected.get(queue)),
            **self._stats(self.services, service).figures(minute),
        }

    def _window_figures(self, track: WindowTrack, now: float, minute: int) -> dict[str, Any]:
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

    def _clerk_figures(
        self, staff: str, track: ClerkTrack, now: float, minute: int
    ) -> dict[str, Any]:
        window = self._windows.get(track.window) if track.window else None
        status, running = (window.status, now - window.started) if window else (None, 0.0)
        return {
            "name": track.name,
            "window": track.window,
            **track.account.figures(status, max(0.0, running)),
            **_staff_figures(track.stats, minute),
        }

    def _hall_figures(self, now: float, minute: int) -> dict[str, Any]:
        waits = [line.longest_wait(now) for line in self._lines.values()]
        statuses = [track.status for track in self._windows.values()]
        follow_ups = sorted(self._follow_ups.values(), key=lambda f: (f.deadline, f.case))
        return {
            "waiting": len(self._waiting),
            "longest_wait_s": seconds(max(waits, default=0.0)),
            "windows_open": sum(status in SERVING_STATUSES for status in statuses),
            "windows_paused": statuses.count(PAUSED),
            "ratings_by_score": {str(score): count for score, count in self._scores.items()},
            "follow_ups_open": len(follow_ups),
            "follow_ups_overdue": sum(now > f.deadline for f in follow_ups),
            "follow_ups": [f.as_dict(now) for f in follow_ups],
            **self.hall.figures(minute),
        }

    def _mean_service(self, queue: str, figures: dict[str, Any]) -> float:
        for key in ("avg_service_s", "day_avg_service_s"):
            if figures[key]:
                return float(figures[key])
        configured = self.config.queue(queue)
        return configured.service_minutes * 60.0 if configured else 300.0

    def _target_s(self) -> float:
        return self.config.rules.service_target_minutes * 60.0

    # --- subjects ----------------------------------------------------------------------------

    @staticmethod
    def _stats(table: dict[str, Stats], key: str) -> Stats:
        stats = table.get(key)
        if stats is None:
            stats = table[key] = Stats()
        return stats

    @staticmethod
    def _line(table: dict[str, WaitingLine], key: str) -> WaitingLine:
        line = table.get(key)
        if line is None:
            line = table[key] = WaitingLine()
        return line

    def _arrivals_of(self, queue: str) -> RollingCount:
        count = self._arrivals.get(queue)
        if count is None:
            count = self._arrivals[queue] = RollingCount()
        return count

    def _window(self, window: str) -> WindowTrack:
        track = self._windows.get(window)
        if track is None:
            track = self._windows[window] = WindowTrack(window, ())
        return track

    def _clerk(self, staff: str) -> ClerkTrack:
        track = self._clerks.get(staff)
        if track is None:
            track = self._clerks[staff] = ClerkTrack(staff)
        return track

    def _subjects(
        self,
        queue: str | None,
        service: str | None,
        window: str | None = None,
        clerk: str | None = None,
    ) -> list[Stats]:
        """The hall's figures and those of each subject named."""
        found = [self.hall]
        if queue:
            found.append(self._stats(self.queues, queue))
        if service:
            found.append(self._stats(self.services, service))
        if window:
            found.append(self._window(window).stats)
        if clerk:
            found.append(self._clerk(clerk).stats)
        return found

    # --- days and configuration --------------------------------------------------------------

    def _new_day(self, at: float, day: str) -> None:
        """Day figures restart (the last hour carries on); windows' open segments restart at
        the day's first moment."""
        if day == self.day:
            return
        self.day = day
        self._day_start, self._day_end = day_bounds(self.config.timezone, day)
        for stats in (self.hall, *self.queues.values(), *self.services.values()):
            stats.new_day()
        self._scores = dict.fromkeys(SCORES, 0)
        for track in self._windows.values():
            track.account = TimeAccount()
            track.stats.new_day()
            track.started = max(track.started, self._day_start)
        self._clerks = {
            staff: clerk for staff, clerk in self._clerks.items() if clerk.window is not None
        }
        for clerk in self._clerks.values():
            clerk.account = TimeAccount()
            clerk.stats.new_day()

    def _configure(self, config: HallConfig) -> None:
        self.config = config
        for window in config.windows:
            track = self._window(window.id)
            track.name = window.name
            self._set_queues(window.id, track, tuple(window.queues))
        for gone in set(self._windows) - {w.id for w in config.windows}:
            self._set_queues(gone, self._windows.pop(gone), ())

    def _set_queues(self, window: str, track: WindowTrack, queues: tuple[str, ...]) -> None:
        """Change a window's queues or status bookkeeping: who takes tickets from which queue."""
        for queue in track.queues:
            self._open_for.get(queue, set()).discard(window)
        track.queues = queues
        if track.status in SERVING_STATUSES:
            for queue in queues:
                self._open_for.setdefault(queue, set()).add(window)

    # --- waiting lines -----------------------------------------------------------------------

    def _join(self, ticket: Ticket) -> None:
        self._waiting[ticket.id] = (ticket.queue, ticket.service, ticket.number)
        line = self._line(self._lines, ticket.queue)
        line.join(ticket.id, ticket.waiting_since)
        self._line(self._service_lines, ticket.service).join(ticket.id, ticket.waiting_since)
        self._sink.waiting(ticket.queue, len(line))

    def _leave(self, ticket: str) -> None:
        where = self._waiting.pop(ticket, None)
        if where is None:
            return
        queue, service, _ = where
        line = self._lines[queue]
        line.leave(ticket)
        self._service_lines[service].leave(ticket)
        self._sink.waiting(queue, len(line))

    def _clear_waiting(self) -> None:
        self._waiting.clear()
        for queue, line in self._lines.items():
            line.clear()
            self._sink.waiting(queue, 0)
        for line in self._service_lines.values():
            line.clear()

    # --- events ------------------------------------------------------------------------------

    def _day_started(self, event: ev.DayStarted, at: float) -> None:
        """The core drops every ticket but the parked ones and closes every window. A window
        left open overnight is not credited with open time for the new day."""
        self._new_day(at, event.day)
        self._clear_waiting()
        self._in_hand.clear()
        self._pending_ratings.clear()
        self._just_finished = None
        for window_id, track in self._windows.items():
            track.status, track.since, track.reason, track.ticket = CLOSED, at, None, None
            track.started = at
            self._set_queues(window_id, track, track.queues)
            if track.clerk is not None:
                self._clerk(track.clerk).window = None
            track.clerk = track.clerk_name = None
        self.alerts.evaluate(at)

    def _configured(self, event: ev.HallConfigured, at: float) -> None:
        self._configure(event.config)
        self.alerts.evaluate(at)

    def _issued(self, event: ev.TicketIssued, at: float) -> None:
        ticket = event.ticket
        for stats in self._subjects(ticket.queue, ticket.service):
            stats.issued += 1
        self._arrivals_of(ticket.queue).add(minute_of(at))
        self._join(ticket)
        self._counting.ticket_issued(ticket.queue)
        self.alerts.check_queue(ticket.queue, at)

    def _called(self, event: ev.TicketCalled, at: float) -> None:
        ticket, window = event.ticket, event.window
        track = self._window(window)
        if event.recall:
            self._recalled(ticket, window, track.clerk)
            return
        self._leave(ticket.id)
        wait = max(0.0, (ticket.called_at or at) - ticket.waiting_since)
        within = wait <= self._target_s()
        minute, bin_ = minute_of(at), bin_of(wait)
        for stats in self._subjects(ticket.queue, ticket.service, window, track.clerk):
            stats.record_wait(minute, bin_, wait, within)
        self._in_hand[window] = in_hand(ticket)
        track.ticket = ticket.number
        self._counting.ticket_called(ticket.queue, wait)
        self.alerts.check_queue(ticket.queue, at)

    def _recalled(self, ticket: Ticket, window: str, clerk: str | None) -> None:
        hand = self._in_hand.get(window)
        if hand is None or hand.ticket != ticket.id or hand.recalled:
            return
        hand.recalled = True
        for stats in self._subjects(hand.queue, hand.service, window, clerk):
            stats.recalled += 1

    def _release(self, window: str, ticket: Ticket) -> tuple[str, str, str | None]:
        """The window's ticket leaves its hand: (queue, service) it was served in, the clerk."""
        track = self._window(window)
        track.ticket = None
        hand = self._in_hand.pop(window, None)
        if hand is not None and hand.ticket == ticket.id:
            return hand.queue, hand.service, track.clerk
        return ticket.queue, ticket.service, track.clerk

    def _finished(self, event: ev.TicketFinished, at: float) -> None:
        queue, service, clerk = self._release(event.window, event.ticket)
        duration = event.service_seconds
        minute, bin_ = minute_of(at), bin_of(duration)
        for stats in self._subjects(queue, service, event.window, clerk):
            stats.record_service(minute, bin_, duration)
        self._just_finished = (event.ticket.id, Subject(queue, service, event.window, clerk))
        self._counting.ticket_finished(queue, duration)
        if event.next_queue is not None and event.ticket.state == WAITING:
            self._join(event.ticket)
            self.alerts.check_queue(event.ticket.queue, at)

    def _no_show(self, event: ev.TicketNoShow, at: float) -> None:
        queue, service, clerk = self._release(event.window, event.ticket)
        for stats in self._subjects(queue, service, event.window, clerk):
            stats.no_shows += 1

    def _transferred(self, event: ev.TicketTransferred, at: float) -> None:
        queue, service, clerk = self._release(event.from_window, event.ticket)
        for stats in self._subjects(queue, service, event.from_window, clerk):
            stats.transferred += 1
        self._join(event.ticket)
        self.alerts.check_queue(event.ticket.queue, at)

    def _moved(self, event: ev.TicketMoved, at: float) -> None:
        """A waiting ticket changes queue keeping its `waiting_since`; directed to one window, it
        stays in its queue's line (as `HallState.waiting_counts` counts it)."""
        self._leave(event.ticket.id)
        self._join(event.ticket)
        self.alerts.check_queue(event.from_queue, at)
        if event.ticket.queue != event.from_queue:
            self.alerts.check_queue(event.ticket.queue, at)

    def _parked(self, event: ev.TicketParked, at: float) -> None:
        self._release(event.window, event.ticket)

    def _unparked(self, event: ev.TicketUnparked, at: float) -> None:
        self._in_hand[event.window] = in_hand(event.ticket)
        self._window(event.window).ticket = event.ticket.number

    def _cancelled(self, event: ev.TicketCancelled, at: float) -> None:
        ticket = event.ticket
        self._leave(ticket.id)
        for stats in self._subjects(ticket.queue, ticket.service):
            stats.cancelled += 1
        self.alerts.check_queue(ticket.queue, at)

    def _reactivated(self, event: ev.TicketReactivated, at: float) -> None:
        self._join(event.ticket)
        self.alerts.check_queue(event.ticket.queue, at)

    def _window_changed(self, event: ev.WindowChanged, at: float) -> None:
        window = event.window
        track = self._window(window.id)
        self._credit(track, at)
        if track.clerk is not None and track.clerk != window.clerk:
            self._clerk(track.clerk).window = None
        was_open, old_queues = track.status in SERVING_STATUSES, track.queues
        track.status, track.since, track.reason = window.status, window.since, window.reason
        track.clerk, track.clerk_name = window.clerk, window.clerk_name
        if window.ticket is None:
            track.ticket = None
            self._in_hand.pop(window.id, None)
        if window.clerk is not None:
            clerk = self._clerk(window.clerk)
            clerk.name, clerk.window = window.clerk_name or window.clerk, window.id
        queues = tuple(window.queues)
        if was_open != (window.status in SERVING_STATUSES) or old_queues != queues:
            self._set_queues(window.id, track, queues)
            for queue in {*old_queues, *queues}:
                self.alerts.check_queue(queue, at)
        self.alerts.check_window(window.id, at)

    def _credit(self, track: WindowTrack, at: float) -> None:
        """Credit the running status segment to the window and its clerk; start a new one."""
        elapsed = at - track.started
        if elapsed > 0:
            track.account.add(track.status, elapsed)
            if track.clerk is not None:
                self._clerk(track.clerk).account.add(track.status, elapsed)
            track.started = at

    def _rating_requested(self, event: ev.RatingRequested, at: float) -> None:
        ticket = event.ticket
        finished, self._just_finished = self._just_finished, None
        if finished is not None and finished[0] == ticket.id:
            subject = finished[1]
        else:
            subject = Subject(ticket.queue, ticket.service, event.window, event.clerk)
        self._pending_ratings[ticket.id] = subject

    def _rating_submitted(self, event: ev.RatingSubmitted, at: float) -> None:
        subject = self._pending_ratings.pop(event.ticket, None)
        if subject is None:
            snapshot = event.snapshot
            queue = snapshot.queue if snapshot else ""
            service = snapshot.service if snapshot else ""
            subject = Subject(queue, service, event.window, event.clerk)
        for stats in self._subjects(subject.queue, subject.service, event.window, event.clerk):
            stats.record_rating(event.score)
        if event.score in self._scores:
            self._scores[event.score] += 1
        self._counting.rating(event.score)
        if event.score <= 2:
            self.alerts.bad_rating(event.ticket, event.number, event.window, event.score, at)

    def _rating_expired(self, event: ev.RatingExpired, at: float) -> None:
        self._pending_ratings.pop(event.ticket, None)

    def _follow_up(self, event: ev.FollowUpOpened, at: float) -> None:
        self._follow_ups[event.case] = FollowUp(
            event.case,
            event.ticket,
            event.number,
            event.window,
            event.clerk,
            event.score,
            at,
            event.deadline,
        )


def _staff_figures(stats: Stats, minute: int) -> dict[str, Any]:
    return {k: v for k, v in stats.figures(minute).items() if k not in _TICKET_COUNTS}


_HANDLERS: dict[type[Any], Callable[[HallMetrics, Any, float], None]] = {
    ev.DayStarted: HallMetrics._day_started,
    ev.HallConfigured: HallMetrics._configured,
    ev.TicketIssued: HallMetrics._issued,
    ev.TicketCalled: HallMetrics._called,
    ev.TicketFinished: HallMetrics._finished,
    ev.TicketNoShow: HallMetrics._no_show,
    ev.TicketTransferred: HallMetrics._transferred,
    ev.TicketParked: HallMetrics._parked,
    ev.TicketUnparked: HallMetrics._unparked,
    ev.TicketCancelled: HallMetrics._cancelled,
    ev.TicketReactivated: HallMetrics._reactivated,
    ev.TicketMoved: HallMetrics._moved,
    ev.WindowChanged: HallMetrics._window_changed,
    ev.RatingRequested: HallMetrics._rating_requested,
    ev.RatingSubmitted: HallMetrics._rating_submitted,
    ev.RatingExpired: HallMetrics._rating_expired,
    ev.FollowUpOpened: HallMetrics._follow_up,
}
"""Events that change no figure (serving, expiry of a missed ticket, a prioritised ticket that
stays in its queue's line, appointments, broadcasts) have no handler."""
