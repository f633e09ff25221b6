"""`HallFold`: the running statistics of one hall, updated event by event.

Feed it every committed event of the hall, in order, with its commit time (`observe`). Each
event class that changes a figure has one handler in `EVENT_HANDLERS`; the others are
`IGNORED`. Every event costs O(1) amortised (O(log n) for the waiting lines): per-queue
and per-service waiting lines keep the longest wait, per-minute buckets keep the last hour,
histograms keep the day, and window time is credited per status segment. Nothing rescans the
day. `metrics.views` turns the fold into figures; docs/metrics.md defines every figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from metrics.alerts import DEFAULT_PAUSE_LIMIT_S, HallAlerts
from metrics.clock import day_bounds
from metrics.figures import Stats
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
from queueing.follow_ups import REACHED, STEP_CALLBACK
from queueing.model import CLOSED, FOLLOW_UP_CLOSED, PAUSED, WAITING, HallState, Ticket
from queueing.model import FollowUp as CoreFollowUp

SCORES = (1, 2, 3, 4, 5)


class HallFold:
    """What the live figures keep about one hall. It is also the `metrics.alerts.AlertView`
    its alerts read. Not thread-safe: call it from one thread (the event loop)."""

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
        self.sink = sink
        """Where gauges go (waiting counts, expected waits)."""
        self.counting = sink
        """Where counters go: `sink`, or `NULL_SINK` for events another process committed."""
        self.day_start = 0.0
        self.day_end = float("-inf")
        self.hall = Stats()
        self.queues: dict[str, Stats] = {}
        self.services: dict[str, Stats] = {}
        self.scores = dict.fromkeys(SCORES, 0)
        self.queue_lines: dict[str, WaitingLine] = {}
        self.service_lines: dict[str, WaitingLine] = {}
        self.waiting_tickets: dict[str, tuple[str, str, str]] = {}  # id -> queue, service, number
        self.arrivals: dict[str, RollingCount] = {}  # queue -> tickets issued, last hour
        self.windows: dict[str, WindowTrack] = {}
        self.clerks: dict[str, ClerkTrack] = {}  # staff number -> track
        self.open_for: dict[str, set[str]] = {}  # queue -> windows taking its tickets
        self.in_hand: dict[str, InHand] = {}  # window -> ticket in hand
        self.pending_ratings: dict[str, Subject] = {}  # ticket -> whom its rating counts for
        self.just_finished: tuple[str, Subject] | None = None
        self.follow_ups: dict[str, FollowUp] = {}
        self.expected: dict[str, float] = {}  # queue -> a new ticket's expected wait
        _configure(self, config)

    # --- taking events -----------------------------------------------------------------------

    def observe(self, event: ev.Event, at: float, *, local: bool = True) -> None:
        """Take one committed event (in the hall's order) with its commit time, epoch seconds;
        `local=False` for one another server process committed (not counted again)."""
        self.counting = self.sink if local else NULL_SINK
        if at >= self.day_end:
            _new_day(self, at, service_day(self.config, at))
        handler = EVENT_HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, at)

    def evaluate(self, now: float) -> None:
        """Bring the fold to `now` without an event: midnight rollover, time-based alerts."""
        if now >= self.day_end:
            _new_day(self, now, service_day(self.config, now))
        self.alerts.evaluate(now)

    def load(self, state: HallState, at: float) -> None:
        """Start from a hall state: who waits, the windows, pending ratings. Day figures start
        from zero."""
        _configure(self, state.config)
        _new_day(self, at, state.day or service_day(self.config, at))
        for ticket in state.tickets.values():
            if ticket.state == WAITING:
                _join(self, ticket)
        for window in state.windows.values():
            _on_window_changed(self, ev.WindowChanged(window, "load"), at)
            held = state.tickets.get(window.ticket) if window.ticket else None
            if held is not None:
                self.in_hand[window.id] = in_hand(held)
                self.windows[window.id].ticket = held.number
        for pending in state.ratings.values():
            queue = pending.snapshot.queue if pending.snapshot else ""
            service = pending.snapshot.service if pending.snapshot else ""
            self.pending_ratings[pending.ticket] = Subject(
                queue, service, pending.window, pending.clerk
            )
        for follow_up in state.follow_ups.values():  # open ones outlive days and restarts
            if follow_up.status != FOLLOW_UP_CLOSED:
                self.follow_ups[follow_up.id] = _open_follow_up(follow_up)
        self.alerts.evaluate(at)

    def set_expected(self, estimate: Estimate) -> None:
        """The core's expected waits (`queueing.estimate_waits`): a new ticket's wait per queue."""
        self.expected = dict(estimate.new_ticket)
        for queue in self.config.queues:
            self.sink.expected_wait(queue.id, self.expected.get(queue.id))

    # --- subjects, made on first sight ---------------------------------------------------------

    def queue_stats(self, queue: str) -> Stats:
        return _stats_in(self.queues, queue)

    def service_stats(self, service: str) -> Stats:
        return _stats_in(self.services, service)

    def queue_line(self, queue: str) -> WaitingLine:
        return _line_in(self.queue_lines, queue)

    def service_line(self, service: str) -> WaitingLine:
        return _line_in(self.service_lines, service)

    def arrivals_of(self, queue: str) -> RollingCount:
        count = self.arrivals.get(queue)
        if count is None:
            count = self.arrivals[queue] = RollingCount()
        return count

    def window(self, window: str) -> WindowTrack:
        track = self.windows.get(window)
        if track is None:
            track = self.windows[window] = WindowTrack(window, ())
        return track

    def clerk(self, staff: str) -> ClerkTrack:
        track = self.clerks.get(staff)
        if track is None:
            track = self.clerks[staff] = ClerkTrack(staff)
        return track

    @property
    def target_s(self) -> float:
        """The hall's wait target (`rules.service_target_minutes`), in seconds."""
        return self.config.rules.service_target_minutes * 60.0

    # --- what the alerts read (metrics.alerts.AlertView) ---------------------------------------

    def oldest_waiting(self, queue: str) -> tuple[float, str, str] | None:
        line = self.queue_lines.get(queue)
        oldest = line.oldest() if line is not None else None
        if oldest is None:
            return None
        since, ticket = oldest
        return since, ticket, self.waiting_tickets[ticket][2]

    def waiting(self, queue: str) -> int:
        line = self.queue_lines.get(queue)
        return len(line) if line is not None else 0

    def windows_open(self, queue: str) -> int:
        return len(self.open_for.get(queue, ()))

    def paused_since(self, window: str) -> tuple[float, str] | None:
        track = self.windows.get(window)
        if track is None or track.status != PAUSED:
            return None
        return track.since, track.reason or ""


def _stats_in(table: dict[str, Stats], key: str) -> Stats:
    stats = table.get(key)
    if stats is None:
        stats = table[key] = Stats()
    return stats


def _line_in(table: dict[str, WaitingLine], key: str) -> WaitingLine:
    line = table.get(key)
    if line is None:
        line = table[key] = WaitingLine()
    return line


def _subjects(
    fold: HallFold,
    queue: str | None,
    service: str | None,
    window: str | None = None,
    clerk: str | None = None,
) -> list[Stats]:
    """The hall's figures and those of each subject named."""
    found = [fold.hall]
    if queue:
        found.append(fold.queue_stats(queue))
    if service:
        found.append(fold.service_stats(service))
    if window:
        found.append(fold.window(window).stats)
    if clerk:
        found.append(fold.clerk(clerk).stats)
    return found


# --- days and configuration ------------------------------------------------------------------


def _new_day(fold: HallFold, at: float, day: str) -> None:
    """Day figures restart (the last hour carries on); windows' open segments restart at the
    day's first moment."""
    if day == fold.day:
        return
    fold.day = day
    fold.day_start, fold.day_end = day_bounds(fold.config.timezone, day)
    for stats in (fold.hall, *fold.queues.values(), *fold.services.values()):
        stats.new_day()
    fold.scores = dict.fromkeys(SCORES, 0)
    for track in fold.windows.values():
        track.account = TimeAccount()
        track.stats.new_day()
        track.started = max(track.started, fold.day_start)
    fold.clerks = {staff: clerk for staff, clerk in fold.clerks.items() if clerk.window is not None}
    for clerk in fold.clerks.values():
        clerk.account = TimeAccount()
        clerk.stats.new_day()


def _configure(fold: HallFold, config: HallConfig) -> None:
    fold.config = config
    for window in config.windows:
        track = fold.window(window.id)
        track.name = window.name
        _set_queues(fold, window.id, track, tuple(window.queues))
    for gone in set(fold.windows) - {w.id for w in config.windows}:
        _set_queues(fold, gone, fold.windows.pop(gone), ())


def _set_queues(fold: HallFold, window: str, track: WindowTrack, queues: tuple[str, ...]) -> None:
    """Change a window's queues or status bookkeeping: who takes tickets from which queue."""
    for queue in track.queues:
        fold.open_for.get(queue, set()).discard(window)
    track.queues = queues
    if track.status in SERVING_STATUSES:
        for queue in queues:
            fold.open_for.setdefault(queue, set()).add(window)


# --- waiting lines ---------------------------------------------------------------------------


def _join(fold: HallFold, ticket: Ticket) -> None:
    fold.waiting_tickets[ticket.id] = (ticket.queue, ticket.service, ticket.number)
    line = fold.queue_line(ticket.queue)
    line.join(ticket.id, ticket.waiting_since)
    fold.service_line(ticket.service).join(ticket.id, ticket.waiting_since)
    fold.sink.waiting(ticket.queue, len(line))


def _leave(fold: HallFold, ticket: str) -> None:
    where = fold.waiting_tickets.pop(ticket, None)
    if where is None:
        return
    queue, service, _ = where
    line = fold.queue_lines[queue]
    line.leave(ticket)
    fold.service_lines[service].leave(ticket)
    fold.sink.waiting(queue, len(line))


def _clear_waiting(fold: HallFold) -> None:
    fold.waiting_tickets.clear()
    for queue, line in fold.queue_lines.items():
        line.clear()
        fold.sink.waiting(queue, 0)
    for line in fold.service_lines.values():
        line.clear()


# --- windows ---------------------------------------------------------------------------------


def _release(fold: HallFold, window: str, ticket: Ticket) -> tuple[str, str, str | None]:
    """The window's ticket leaves its hand: (queue, service) it was served in, the clerk."""
    track = fold.window(window)
    track.ticket = None
    hand = fold.in_hand.pop(window, None)
    if hand is not None and hand.ticket == ticket.id:
        return hand.queue, hand.service, track.clerk
    return ticket.queue, ticket.service, track.clerk


def _recalled(fold: HallFold, ticket: Ticket, window: str, clerk: str | None) -> None:
    hand = fold.in_hand.get(window)
    if hand is None or hand.ticket != ticket.id or hand.recalled:
        return
    hand.recalled = True
    for stats in _subjects(fold, hand.queue, hand.service, window, clerk):
        stats.recalled += 1


def _credit(fold: HallFold, track: WindowTrack, at: float) -> None:
    """Credit the running status segment to the window and its clerk; start a new one."""
    elapsed = at - track.started
    if elapsed > 0:
        track.account.add(track.status, elapsed)
        if track.clerk is not None:
            fold.clerk(track.clerk).account.add(track.status, elapsed)
        track.started = at


# --- one handler per event -------------------------------------------------------------------


def _on_day_started(fold: HallFold, event: ev.DayStarted, at: float) -> None:
    """The core drops every ticket but the parked ones and closes every window. A window left
    open overnight is not credited with open time for the new day."""
    _new_day(fold, at, event.day)
    _clear_waiting(fold)
    fold.in_hand.clear()
    fold.pending_ratings.clear()
    fold.just_finished = None
    for window_id, track in fold.windows.items():
        track.status, track.since, track.reason, track.ticket = CLOSED, at, None, None
        track.started = at
        _set_queues(fold, window_id, track, track.queues)
        if track.clerk is not None:
            fold.clerk(track.clerk).window = None
        track.clerk = track.clerk_name = None
    fold.alerts.evaluate(at)


def _on_configured(fold: HallFold, event: ev.HallConfigured, at: float) -> None:
    _configure(fold, event.config)
    fold.alerts.evaluate(at)


def _on_issued(fold: HallFold, event: ev.TicketIssued, at: float) -> None:
    ticket = event.ticket
    for stats in _subjects(fold, ticket.queue, ticket.service):
        stats.issued += 1
    fold.arrivals_of(ticket.queue).add(minute_of(at))
    _join(fold, ticket)
    fold.counting.ticket_issued(ticket.queue)
    fold.alerts.check_queue(ticket.queue, at)


def _on_called(fold: HallFold, event: ev.TicketCalled, at: float) -> None:
    ticket, window = event.ticket, event.window
    track = fold.window(window)
    if event.recall:
        _recalled(fold, ticket, window, track.clerk)
        return
    _leave(fold, ticket.id)
    wait = max(0.0, (ticket.called_at or at) - ticket.waiting_since)
    within = wait <= fold.target_s
    minute, bin_ = minute_of(at), bin_of(wait)
    for stats in _subjects(fold, ticket.queue, ticket.service, window, track.clerk):
        stats.record_wait(minute, bin_, wait, within)
    fold.in_hand[window] = in_hand(ticket)
    track.ticket = ticket.number
    fold.counting.ticket_called(ticket.queue, wait)
    fold.alerts.check_queue(ticket.queue, at)


def _on_finished(fold: HallFold, event: ev.TicketFinished, at: float) -> None:
    queue, service, clerk = _release(fold, event.window, event.ticket)
    duration = event.service_seconds
    minute, bin_ = minute_of(at), bin_of(duration)
    for stats in _subjects(fold, queue, service, event.window, clerk):
        stats.record_service(minute, bin_, duration)
    fold.just_finished = (event.ticket.id, Subject(queue, service, event.window, clerk))
    fold.counting.ticket_finished(queue, duration)
    if event.next_queue is not None and event.ticket.state == WAITING:
        _join(fold, event.ticket)
        fold.alerts.check_queue(event.ticket.queue, at)


def _on_no_show(fold: HallFold, event: ev.TicketNoShow, at: float) -> None:
    queue, service, clerk = _release(fold, event.window, event.ticket)
    for stats in _subjects(fold, queue, service, event.window, clerk):
        stats.no_shows += 1


def _on_transferred(fold: HallFold, event: ev.TicketTransferred, at: float) -> None:
    queue, service, clerk = _release(fold, event.from_window, event.ticket)
    for stats in _subjects(fold, queue, service, event.from_window, clerk):
        stats.transferred += 1
    _join(fold, event.ticket)
    fold.alerts.check_queue(event.ticket.queue, at)


def _on_parked(fold: HallFold, event: ev.TicketParked, at: float) -> None:
    _release(fold, event.window, event.ticket)


def _on_unparked(fold: HallFold, event: ev.TicketUnparked, at: float) -> None:
    fold.in_hand[event.window] = in_hand(event.ticket)
    fold.window(event.window).ticket = event.ticket.number


def _on_cancelled(fold: HallFold, event: ev.TicketCancelled, at: float) -> None:
    ticket = event.ticket
    _leave(fold, ticket.id)
    for stats in _subjects(fold, ticket.queue, ticket.service):
        stats.cancelled += 1
    fold.alerts.check_queue(ticket.queue, at)


def _on_reactivated(fold: HallFold, event: ev.TicketReactivated, at: float) -> None:
    _join(fold, event.ticket)
    fold.alerts.check_queue(event.ticket.queue, at)


def _on_moved(fold: HallFold, event: ev.TicketMoved, at: float) -> None:
    """A waiting ticket changes queue keeping its `waiting_since`; directed to one window, it
    stays in its queue's line (as `HallState.waiting_counts` counts it)."""
    _leave(fold, event.ticket.id)
    _join(fold, event.ticket)
    fold.alerts.check_queue(event.from_queue, at)
    if event.ticket.queue != event.from_queue:
        fold.alerts.check_queue(event.ticket.queue, at)


def _on_window_changed(fold: HallFold, event: ev.WindowChanged, at: float) -> None:
    window = event.window
    track = fold.window(window.id)
    _credit(fold, track, at)
    if track.clerk is not None and track.clerk != window.clerk:
        fold.clerk(track.clerk).window = None
    was_open, old_queues = track.status in SERVING_STATUSES, track.queues
    track.status, track.since, track.reason = window.status, window.since, window.reason
    track.clerk, track.clerk_name = window.clerk, window.clerk_name
    if window.ticket is None:
        track.ticket = None
        fold.in_hand.pop(window.id, None)
    if window.clerk is not None:
        clerk = fold.clerk(window.clerk)
        clerk.name, clerk.window = window.clerk_name or window.clerk, window.id
    queues = tuple(window.queues)
    if was_open != (window.status in SERVING_STATUSES) or old_queues != queues:
        _set_queues(fold, window.id, track, queues)
        for queue in {*old_queues, *queues}:
            fold.alerts.check_queue(queue, at)
    fold.alerts.check_window(window.id, at)


def _on_rating_requested(fold: HallFold, event: ev.RatingRequested, at: float) -> None:
    ticket = event.ticket
    finished, fold.just_finished = fold.just_finished, None
    if finished is not None and finished[0] == ticket.id:
        subject = finished[1]
    else:
        subject = Subject(ticket.queue, ticket.service, event.window, event.clerk)
    fold.pending_ratings[ticket.id] = subject


def _on_rating_submitted(fold: HallFold, event: ev.RatingSubmitted, at: float) -> None:
    subject = fold.pending_ratings.pop(event.ticket, None)
    if subject is None:
        snapshot = event.snapshot
        queue = snapshot.queue if snapshot else ""
        service = snapshot.service if snapshot else ""
        subject = Subject(queue, service, event.window, event.clerk)
    for stats in _subjects(fold, subject.queue, subject.service, event.window, event.clerk):
        stats.record_rating(event.score)
    if event.score in fold.scores:
        fold.scores[event.score] += 1
    fold.counting.rating(event.score)
    if event.score <= 2:
        fold.alerts.bad_rating(
            event.ticket,
            event.number,
            event.window,
            event.score,
            at,
            event.reasons,
            event.comment,
        )


def _on_rating_expired(fold: HallFold, event: ev.RatingExpired, at: float) -> None:
    fold.pending_ratings.pop(event.ticket, None)


def _on_follow_up_opened(fold: HallFold, event: ev.FollowUpOpened, at: float) -> None:
    fold.follow_ups[event.case] = FollowUp(
        event.case,
        event.ticket,
        event.number,
        event.window,
        event.clerk,
        event.score,
        at,
        event.deadline,
    )


def _open_follow_up(follow_up: CoreFollowUp) -> FollowUp:
    """The open list's entry of a follow-up the hall holds; its deadline the one that counts."""
    reached = follow_up.outcome == REACHED
    return FollowUp(
        follow_up.id,
        follow_up.ticket or "",
        follow_up.number,
        follow_up.window or "",
        follow_up.clerk,
        follow_up.score or 0,
        follow_up.opened_at,
        follow_up.due if reached else follow_up.callback_due,
    )


def _on_follow_up_changed(fold: HallFold, event: Any, at: float) -> None:
    """A follow-up stepped on: closed, it leaves the open list; its citizen reached, the
    closing deadline is the one that counts."""
    follow_up = event.follow_up
    if follow_up.status == FOLLOW_UP_CLOSED:
        fold.follow_ups.pop(follow_up.id, None)
    else:
        fold.follow_ups[follow_up.id] = _open_follow_up(follow_up)


def _on_follow_up_overdue(fold: HallFold, event: ev.FollowUpOverdue, at: float) -> None:
    due = event.follow_up.callback_due if event.step == STEP_CALLBACK else event.follow_up.due
    fold.alerts.follow_up_overdue(event.follow_up.id, event.step, due)


EVENT_HANDLERS: dict[type[Any], Callable[[HallFold, Any, float], None]] = {
    ev.DayStarted: _on_day_started,
    ev.HallConfigured: _on_configured,
    ev.TicketIssued: _on_issued,
    ev.TicketCalled: _on_called,
    ev.TicketFinished: _on_finished,
    ev.TicketNoShow: _on_no_show,
    ev.TicketTransferred: _on_transferred,
    ev.TicketParked: _on_parked,
    ev.TicketUnparked: _on_unparked,
    ev.TicketCancelled: _on_cancelled,
    ev.TicketReactivated: _on_reactivated,
    ev.TicketMoved: _on_moved,
    ev.WindowChanged: _on_window_changed,
    ev.RatingRequested: _on_rating_requested,
    ev.RatingSubmitted: _on_rating_submitted,
    ev.RatingExpired: _on_rating_expired,
    ev.FollowUpOpened: _on_follow_up_opened,
    ev.FollowUpAssigned: _on_follow_up_changed,
    ev.FollowUpCalledBack: _on_follow_up_changed,
    ev.FollowUpRectified: _on_follow_up_changed,
    ev.FollowUpClosed: _on_follow_up_changed,
    ev.FollowUpOverdue: _on_follow_up_overdue,
}
"""How each event class that changes a figure changes the fold (every other one is `IGNORED`:
tests/test_event_tables.py)."""

IGNORED: frozenset[type[ev.Event]] = frozenset(
    {
        ev.TicketServing,
        ev.TicketPrioritised,
        ev.TicketExpired,
        ev.HallBroadcast,
        ev.AppointmentBooked,
        ev.AppointmentCancelled,
        ev.AppointmentCheckedIn,
        ev.AppointmentMissed,
        ev.HelpRequested,
        ev.HelpClaimed,
        ev.HelpClosed,
        *ev.CASE_EVENTS,  # cases (办件): their live figures come from the hall's state
    }
)
"""The events with no handler: they change no figure (serving, expiry of a missed ticket, a
prioritised ticket that stays in its queue's line, appointments, broadcasts)."""
