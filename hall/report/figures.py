"""The report's figures, from the day's rows (pure: rows in, figures out).

Definitions are docs/metrics.md's: waits and service times per queue, service, window, clerk and
hall; service level against the hall's target; good-rating rate (ratings of 4-5 / ratings) and
active-rating rate (ratings / services finished); no-show rate (no-shows / calls). The report's
percentiles are nearest-rank over the exact samples (the live figures bin them). Durations are
seconds as floats here; rounding is the output's business.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hall.report.applications import ApplicationLine, application_lines
from hall.report.day import ReportDay
from hall.report.rows import Booking, Case, DayRows, Rating, Session
from hall.report.steps import Steps, Subject, fold
from metrics.figures import GOOD_SCORE, rate
from queueing.config import HallConfig
from queueing.model import BOOKED, CHECKED_IN, NO_SHOW

SCORES = (5, 4, 3, 2, 1)
CANCELLED_BOOKING = "cancelled"
QUEUE, SERVICE, HALL = "queue", "service", "hall"


@dataclass(frozen=True, slots=True)
class Durations:
    count: int
    mean: float | None
    p50: float | None
    p90: float | None


def nearest_rank(ordered: Sequence[float], share: float) -> float | None:
    """The smallest sample with at least `share` of the samples at or below it."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def durations(samples: Iterable[float]) -> Durations:
    ordered = sorted(samples)
    mean = sum(ordered) / len(ordered) if ordered else None
    return Durations(len(ordered), mean, nearest_rank(ordered, 0.5), nearest_rank(ordered, 0.9))


@dataclass(frozen=True, slots=True)
class SubjectLine:
    """A queue, a service or the whole hall."""

    kind: str
    id: str
    name: str
    issued: int
    waits: Durations
    within_target: int
    service_level: float | None
    service: Durations
    no_shows: int
    no_show_rate: float | None


@dataclass(frozen=True, slots=True)
class StaffLine:
    """A window or a clerk: calls, services, no-shows and ratings at it (by them)."""

    id: str
    name: str
    windows: tuple[str, ...]  # a clerk's windows that day; a window's own id
    signed_in_s: float | None  # clerks only
    called: int
    service: Durations
    no_shows: int
    ratings: int
    good_ratings: int
    good_rate: float | None
    active_rate: float | None


@dataclass(frozen=True, slots=True)
class IssuedLine:
    """Tickets of one service per hour slot of `Report.hours`."""

    service: str
    name: str
    per_hour: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class HourLine:
    slot: int
    label: str
    issued: int
    called: int
    mean_wait: float | None
    waiting_mean: float  # tickets waiting, averaged over the (elapsed part of the) hour
    waiting_peak: int  # most tickets waiting at one moment


@dataclass(frozen=True, slots=True)
class BookingLine:
    """Appointments whose slot starts that day, per service (or for the hall: `id` "")."""

    id: str
    name: str
    booked: int
    kept: int  # checked in
    late: int  # checked in after the late limit (served as walk-ins)
    missed: int
    cancelled: int
    pending: int  # not checked in yet, not missed yet


@dataclass(frozen=True, slots=True)
class CaseLine:
    case: str
    number: str
    window: str
    window_name: str
    clerk: str | None
    clerk_name: str | None
    score: int
    status: str
    opened_at: float
    deadline: float
    overdue: bool
    type: str = "rating"
    outcome: str | None = None
    closed_at: float | None = None
    satisfied: bool | None = None

    @property
    def on_time(self) -> bool:
        """Closed by its deadline (差评整改率, complaints answered on time)."""
        return self.closed_at is not None and self.closed_at <= self.deadline


@dataclass(frozen=True, slots=True)
class HelpLine:
    """Help requests (导办/帮办) raised that day, claimed and closed by guides, the mean wait
    from request to claim, and 帮办 tickets (issued by a guide for a citizen)."""

    raised: int = 0
    claimed: int = 0
    closed: int = 0
    claim_wait: Durations = Durations(0, None, None, None)
    assisted: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    hall: str
    hall_name: str
    day: ReportDay
    target_minutes: float
    hall_line: SubjectLine
    queues: tuple[SubjectLine, ...]
    services: tuple[SubjectLine, ...]
    windows: tuple[StaffLine, ...]
    clerks: tuple[StaffLine, ...]
    hours: tuple[HourLine, ...]
    issued: tuple[IssuedLine, ...]  # per service, over `hours`
    issued_by_queue: tuple[IssuedLine, ...]  # the same per queue (for the chart)
    ratings_by_score: tuple[tuple[int, int], ...]  # (score, count), 5 first
    ratings: int
    good_ratings: int
    good_rate: float | None
    active_rate: float | None
    bookings: tuple[BookingLine, ...]
    bookings_total: BookingLine
    cases: tuple[CaseLine, ...]
    peak_waiting: int
    peak_at: float | None
    help: HelpLine = HelpLine()
    applications: tuple[ApplicationLine, ...] = ()
    """Cases (办件) per office, per service, then the hall (`applications.py`)."""


def build(rows: DayRows) -> Report:
    """The figures of one day."""
    steps = fold(rows.config, rows.events)
    config, day = rows.config, rows.day
    waiting = _waiting(steps, day)
    hours = _active_hours(day, steps, waiting)
    names = _clerk_names(rows.sessions, steps)
    peak, peak_at = _peak(waiting)
    hall_line = _subject(HALL, "", config.name, steps, _everything)
    good = sum(r.score >= GOOD_SCORE for r in rows.ratings)
    return Report(
        hall=config.id,
        hall_name=config.name,
        day=day,
        target_minutes=config.rules.service_target_minutes,
        hall_line=hall_line,
        queues=tuple(
            _subject(QUEUE, q, _queue_name(config, q), steps, _of_queue(q))
            for q in _ordered([q.id for q in config.queues], _seen_queues(steps))
        ),
        services=tuple(
            _subject(SERVICE, s, _service_name(config, s), steps, _of_service(s))
            for s in _ordered([s.id for s in config.services], _seen_services(steps))
        ),
        windows=_windows(rows, steps),
        clerks=_clerks(rows, steps, names),
        hours=tuple(_hour(slot, day, steps, waiting) for slot in hours),
        issued=_issued(steps, day, hours, config, by_queue=False),
        issued_by_queue=_issued(steps, day, hours, config, by_queue=True),
        ratings_by_score=_scores(rows.ratings),
        ratings=len(rows.ratings),
        good_ratings=good,
        good_rate=rate(good, len(rows.ratings)),
        active_rate=rate(len(rows.ratings), hall_line.service.count),
        bookings=_bookings(rows),
        bookings_total=_booking_line("", "", rows.bookings),
        cases=_cases(rows, names),
        peak_waiting=peak,
        peak_at=peak_at,
        help=_help(steps),
        applications=application_lines(config, day.day, day.start, day.until, rows.applications),
    )


def _help(steps: Steps) -> HelpLine:
    claimed = [h for h in steps.helps if h.claimed_at is not None]
    return HelpLine(
        raised=len(steps.helps),
        claimed=len(claimed),
        closed=sum(1 for h in steps.helps if h.closed_at is not None),
        claim_wait=durations((h.claimed_at or h.at) - h.at for h in claimed),
        assisted=steps.assisted,
    )


# --- names and order ---------------------------------------------------------------------------


def _ordered(configured: list[str], seen: Iterable[str]) -> list[str]:
    """The configured ids in their order, then any other id seen that day, sorted."""
    extra = sorted(set(seen) - set(configured))
    return configured + extra


def _queue_name(config: HallConfig, queue: str) -> str:
    found = config.queue(queue)
    return found.name if found else queue


def _service_name(config: HallConfig, service: str) -> str:
    found = config.service(service)
    return found.name if found else service


def _window_name(config: HallConfig, window: str) -> str:
    found = config.window(window)
    return found.name if found else window


def _seen_queues(steps: Steps) -> set[str]:
    return {i.queue for i in steps.issued} | {s.queue for s in _subjects(steps)}


def _seen_services(steps: Steps) -> set[str]:
    return {i.service for i in steps.issued} | {s.service for s in _subjects(steps)}


def _subjects(steps: Steps) -> list[Subject]:
    return [
        *(w.subject for w in steps.waits),
        *(s.subject for s in steps.served),
        *(n.subject for n in steps.no_shows),
    ]


def _clerk_names(sessions: Sequence[Session], steps: Steps) -> dict[str, str]:
    names = dict(steps.clerk_names)
    names.update({s.staff: s.name for s in sessions if s.name})
    return names


# --- queues, services, the hall ------------------------------------------------------------------

Match = Callable[[str, str], bool]
"""Whether a (queue, service) counts for a line."""


def _of_queue(queue: str) -> Match:
    return lambda q, s: q == queue


def _of_service(service: str) -> Match:
    return lambda q, s: s == service


def _everything(q: str, s: str) -> bool:
    return True


def _subject(kind: str, id_: str, name: str, steps: Steps, match: Match) -> SubjectLine:
    waits = [w for w in steps.waits if match(w.subject.queue, w.subject.service)]
    within = sum(w.within_target for w in waits)
    no_shows = sum(1 for n in steps.no_shows if match(n.subject.queue, n.subject.service))
    served = (s.seconds for s in steps.served if match(s.subject.queue, s.subject.service))
    return SubjectLine(
        kind=kind,
        id=id_,
        name=name,
        issued=sum(1 for i in steps.issued if match(i.queue, i.service)),
        waits=durations(w.seconds for w in waits),
        within_target=within,
        service_level=rate(within, len(waits)),
        service=durations(served),
        no_shows=no_shows,
        no_show_rate=rate(no_shows, len(waits)),
    )


# --- windows and clerks ---------------------------------------------------------------------------


def _staff_line(
    id_: str,
    name: str,
    windows: tuple[str, ...],
    signed_in_s: float | None,
    steps: Steps,
    ratings: Sequence[Rating],
    match: Callable[[Subject], bool],
) -> StaffLine:
    served = durations(s.seconds for s in steps.served if match(s.subject))
    good = sum(r.score >= GOOD_SCORE for r in ratings)
    return StaffLine(
        id=id_,
        name=name,
        windows=windows,
        signed_in_s=signed_in_s,
        called=sum(1 for w in steps.waits if match(w.subject)),
        service=served,
        no_shows=sum(1 for n in steps.no_shows if match(n.subject)),
        ratings=len(ratings),
        good_ratings=good,
        good_rate=rate(good, len(ratings)),
        active_rate=rate(len(ratings), served.count),
    )


def _at_window(window: str) -> Callable[[Subject], bool]:
    return lambda subject: subject.window == window


def _by_clerk(number: str) -> Callable[[Subject], bool]:
    return lambda subject: subject.clerk == number


def _windows(rows: DayRows, steps: Steps) -> tuple[StaffLine, ...]:
    config = rows.config
    seen = {s.window for s in _subjects(steps)} | {r.window for r in rows.ratings}
    return tuple(
        _staff_line(
            w,
            _window_name(config, w),
            (w,),
            None,
            steps,
            [r for r in rows.ratings if r.window == w],
            _at_window(w),
        )
        for w in _ordered([w.id for w in config.windows], seen)
    )


def _clerks(rows: DayRows, steps: Steps, names: dict[str, str]) -> tuple[StaffLine, ...]:
    seen = {s.clerk for s in _subjects(steps)} | {r.clerk for r in rows.ratings}
    staff = sorted({s.staff for s in rows.sessions} | {c for c in seen if c is not None})
    return tuple(
        _staff_line(
            number,
            names.get(number, number),
            _clerk_windows(number, rows, steps),
            _signed_in(number, rows.sessions, rows.day),
            steps,
            [r for r in rows.ratings if r.clerk == number],
            _by_clerk(number),
        )
        for number in staff
    )


def _clerk_windows(number: str, rows: DayRows, steps: Steps) -> tuple[str, ...]:
    windows = {s.window for s in rows.sessions if s.staff == number}
    windows |= {s.window for s in _subjects(steps) if s.clerk == number}
    return tuple(_ordered([w.id for w in rows.config.windows if w.id in windows], windows))


def _signed_in(number: str, sessions: Sequence[Session], day: ReportDay) -> float:
    """Seconds of the day (up to `until`) the clerk was signed in at some window."""
    total = 0.0
    for session in sessions:
        if session.staff != number:
            continue
        out = day.until if session.signed_out_at is None else session.signed_out_at
        total += max(0.0, min(out, day.until) - max(session.signed_in_at, day.start))
    return total


# --- hours ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Waiting:
    """The day's stays in waiting lines, cut to the day up to `until`: as (since, until) spans,
    and as +1/-1 changes in time order (a stop before a start at one moment)."""

    spans: list[tuple[float, float]]
    changes: list[tuple[float, int]]


def _waiting(steps: Steps, day: ReportDay) -> _Waiting:
    spans = []
    for stay in steps.stays:
        since = max(stay.since, day.start)
        until = day.until if stay.until is None else min(stay.until, day.until)
        if until > since:
            spans.append((since, until))
    changes = sorted(c for since, until in spans for c in ((since, 1), (until, -1)))
    return _Waiting(spans, changes)


def _active_hours(day: ReportDay, steps: Steps, waiting: _Waiting) -> tuple[int, ...]:
    """The hour slots from the first with a ticket issued, called or waiting to the last."""
    slots = [day.slot_of(i.at) for i in steps.issued]
    slots += [day.slot_of(w.at) for w in steps.waits]
    for since, until in waiting.spans:
        slots += [day.slot_of(since), day.slot_of(until - 1e-6)]
    return tuple(range(min(slots), max(slots) + 1)) if slots else ()


def _hour(slot: int, day: ReportDay, steps: Steps, waiting: _Waiting) -> HourLine:
    begin, end = day.slot_start(slot), min(day.slot_end(slot), day.until)
    waits = [w.seconds for w in steps.waits if begin <= w.at < day.slot_end(slot)]
    person_s = sum(_overlap(since, until, begin, end) for since, until in waiting.spans)
    return HourLine(
        slot=slot,
        label=day.label(slot),
        issued=sum(1 for i in steps.issued if day.slot_of(i.at) == slot),
        called=len(waits),
        mean_wait=durations(waits).mean,
        waiting_mean=person_s / (end - begin) if end > begin else 0.0,
        waiting_peak=_peak_between(waiting, begin, end),
    )


def _overlap(since: float, until: float, begin: float, end: float) -> float:
    return max(0.0, min(until, end) - max(since, begin))


def _peak_between(waiting: _Waiting, begin: float, end: float) -> int:
    """The most tickets waiting at one moment in [begin, end)."""
    level = peak = 0
    for at, change in waiting.changes:
        if at >= end:
            break
        level += change
        peak = level if at < begin else max(peak, level)
    return peak


def _peak(waiting: _Waiting) -> tuple[int, float | None]:
    """The most tickets waiting at one moment of the day, and the first moment it happened."""
    level = peak = 0
    peak_at: float | None = None
    for at, change in waiting.changes:
        level += change
        if level > peak:
            peak, peak_at = level, at
    return peak, peak_at


def _issued(
    steps: Steps, day: ReportDay, hours: tuple[int, ...], config: HallConfig, *, by_queue: bool
) -> tuple[IssuedLine, ...]:
    keys = [i.queue if by_queue else i.service for i in steps.issued]
    counts = Counter(zip(keys, (day.slot_of(i.at) for i in steps.issued), strict=True))
    totals = Counter(keys)
    if by_queue:
        ids = _ordered([q.id for q in config.queues], totals)
        names = {q: _queue_name(config, q) for q in ids}
    else:
        ids = _ordered([s.id for s in config.services], totals)
        names = {s: _service_name(config, s) for s in ids}
    return tuple(
        IssuedLine(i, names[i], tuple(counts[(i, slot)] for slot in hours), totals[i]) for i in ids
    )


# --- ratings, appointments, follow-up cases ---------------------------------------------------


def _scores(ratings: Sequence[Rating]) -> tuple[tuple[int, int], ...]:
    counts = Counter(r.score for r in ratings)
    return tuple((score, counts[score]) for score in SCORES)


def _booking_line(id_: str, name: str, bookings: Sequence[Booking]) -> BookingLine:
    states = Counter(b.state for b in bookings)
    return BookingLine(
        id=id_,
        name=name,
        booked=len(bookings),
        kept=states[CHECKED_IN],
        late=sum(1 for b in bookings if b.state == CHECKED_IN and b.on_time is False),
        missed=states[NO_SHOW],
        cancelled=states[CANCELLED_BOOKING],
        pending=states[BOOKED],
    )


def _bookings(rows: DayRows) -> tuple[BookingLine, ...]:
    config = rows.config
    ids = _ordered(
        [s.id for s in config.services if s.bookable], {b.service for b in rows.bookings}
    )
    return tuple(
        _booking_line(s, _service_name(config, s), [b for b in rows.bookings if b.service == s])
        for s in ids
    )


def _cases(rows: DayRows, names: dict[str, str]) -> tuple[CaseLine, ...]:
    return tuple(_case(case, rows, names) for case in rows.cases)


def _case(case: Case, rows: DayRows, names: dict[str, str]) -> CaseLine:
    return CaseLine(
        case=case.case,
        number=case.number,
        window=case.window,
        window_name=_window_name(rows.config, case.window),
        clerk=case.clerk,
        clerk_name=names.get(case.clerk) if case.clerk else None,
        score=case.score,
        status=case.status,
        opened_at=case.opened_at,
        deadline=case.deadline,
        overdue=case.status != "closed" and rows.day.now > case.deadline,
        type=case.type,
        outcome=case.outcome,
        closed_at=case.closed_at,
        satisfied=case.satisfied,
    )
