"""The day simulator: whole days of a hall, run through the real `decide`/`apply` and routing.

Nothing here models the hall itself: every ticket is issued with `IssueTicket`, a clerk signs
in at every window with `SignIn`, clerks `CallNext`, `Start`, `Finish` and `NoShow` exactly as
terminals do, and the hall's own routing policy picks each next ticket. The simulator only plays the
citizens and the clerks:

- citizens arrive per queue as a Poisson process whose rate may change every local hour, from
  opening to closing time; each is green channel with probability `green_share` and absent when
  called with probability `no_show`, and brings a service time drawn from the queue's
  distribution (all drawn when the day's arrivals are made, so two halls given the same seed see
  the very same citizens);
- every window of the hall opens at opening time; a free clerk calls the next ticket at once,
  starts serving it at once (or marks it no-show when the citizen is absent) and finishes after
  the ticket's service time; a clerk with nothing to call waits, and is woken (longest idle
  first) when a ticket arrives that the window may serve;
- after closing time no ticket is issued and the clerks serve everyone still waiting. A day
  stops at local midnight at the latest: tickets not called by then count as `unserved`.

Randomness comes only from the `random.Random` handed in, and no clock is read: the same seed
gives the same result.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import apply
from queueing.config import HallConfig
from queueing.decide import decide
from queueing.demand import Demand, DemandError, ServiceTime, demand_problems
from queueing.estimate import estimate_waits
from queueing.model import GREEN, NORMAL, HallState, Ticket, initial_state

FIRST_DAY = date(2026, 1, 5)
"""The local date of the first simulated day (each further day is the next date)."""

TICK_SECONDS = 300.0
"""How often the simulated hall lets time pass (`Tick`): expiring missed tickets and ratings."""

ALL_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True, slots=True)
class Arrival:
    """One citizen: when they take a ticket, for what, and what they will do when called."""

    at: float
    queue: str
    service: str
    priority: str
    no_show: bool
    service_seconds: float


@dataclass(frozen=True, slots=True)
class QueueResult:
    """Waits of the tickets that entered a queue. Waits are from issue to (first) call.

    `service_level` is the share of `tickets` called within the hall's service target;
    tickets never called (`unserved`) count as missing it. Without tickets the figures are None.
    `green_*` describe the green-channel tickets among them.
    """

    tickets: int
    no_shows: int
    unserved: int
    mean_wait_s: float | None
    p50_wait_s: float | None
    p90_wait_s: float | None
    service_level: float | None
    green_tickets: int = 0
    green_mean_wait_s: float | None = None


@dataclass(frozen=True, slots=True)
class WindowResult:
    """`utilisation`: time serving / time the hall was open (opening until the last finish)."""

    served: int
    busy_s: float
    utilisation: float


@dataclass(frozen=True, slots=True)
class SimulationResult:
    days: int
    queues: Mapping[str, QueueResult]
    windows: Mapping[str, WindowResult]
    eta_mae_s: float | None
    """Mean absolute error of the estimator's expected wait for a new ticket (sampled)."""
    eta_samples: int

    @property
    def mean_wait_s(self) -> float | None:
        """Mean wait over every called ticket of every queue."""
        called = [
            (q.tickets - q.unserved, q.mean_wait_s)
            for q in self.queues.values()
            if q.mean_wait_s is not None
        ]
        total = sum(n for n, _ in called)
        return sum(n * w for n, w in called) / total if total else None


def simulate(
    config: HallConfig,
    demand: Demand,
    rng: random.Random,
    *,
    days: int = 1,
    eta_samples_per_day: int = 200,
    warmup_minutes: float = 0.0,
    first_day: date = FIRST_DAY,
) -> SimulationResult:
    """Run `days` whole days of the hall `config` under `demand`.

    The hall's opening hours become the demand's (every weekday open). At most
    `eta_samples_per_day` expected waits are computed per day, for every k-th walk-in ticket
    (k = ceil(arrivals of the day / eta_samples_per_day)); green tickets are not sampled.
    Tickets issued in the first `warmup_minutes` of each day are simulated but left out of every
    figure (for steady-state checks).
    """
    problems = demand_problems(demand, config)
    if days < 1:
        problems.append("days: must be at least 1")
    if problems:
        raise DemandError(problems)
    config = with_opening_hours(config, demand)
    run = _Run(config, rng, eta_samples_per_day, warmup_minutes * 60.0)
    for index in range(days):
        run.day(demand, first_day + timedelta(days=index))
    return run.result(days)


def with_opening_hours(config: HallConfig, demand: Demand) -> HallConfig:
    rules = replace(
        config.rules,
        open_time=demand.open_time,
        close_time=demand.close_time,
        weekdays=ALL_WEEKDAYS,
    )
    return replace(config, rules=rules)


def service_for_queue(config: HallConfig, queue: str) -> str:
    """The service a citizen of `queue` picks: a one-step service of it if there is one."""
    starting = [s for s in config.services if s.queue == queue]
    single = [s for s in starting if len(s.steps) == 1]
    return (single or starting)[0].id


def sample_service_seconds(rng: random.Random, service: ServiceTime) -> float:
    mean = service.mean_minutes * 60.0
    if service.dist == "lognormal":
        sigma2 = math.log1p(service.cv * service.cv)
        return rng.lognormvariate(math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2))
    return rng.expovariate(1.0 / mean)


def day_arrivals(
    config: HallConfig, demand: Demand, rng: random.Random, day: date
) -> list[Arrival]:
    """The citizens of one day, in arrival order."""
    zone = ZoneInfo(config.timezone)
    open_at = _local(day, demand.open_time, zone)
    close_at = _local(day, demand.close_time, zone)
    times: list[tuple[float, int, str]] = []
    for order, (queue, queue_demand) in enumerate(demand.queues.items()):
        for hour, rate in enumerate(queue_demand.hourly_rates):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=zone).timestamp()
            begin, end = max(start, open_at), min(start + 3600.0, close_at)
            if rate > 0 and begin < end:
                times += [(t, order, queue) for t in _poisson(rng, rate / 3600.0, begin, end)]
    times.sort()
    services = {queue: service_for_queue(config, queue) for queue in demand.queues}
    arrivals = []
    for at, _, queue in times:
        green = rng.random() < demand.green_share
        absent = rng.random() < demand.no_show
        seconds = sample_service_seconds(rng, demand.queues[queue].service)
        priority = GREEN if green else NORMAL
        arrivals.append(Arrival(at, queue, services[queue], priority, absent, seconds))
    return arrivals


def _poisson(rng: random.Random, rate: float, begin: float, end: float) -> list[float]:
    times = []
    t = begin + rng.expovariate(rate)
    while t < end:
        times.append(t)
        t += rng.expovariate(rate)
    return times


def _local(day: date, hhmm: str, zone: ZoneInfo) -> float:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).timestamp()


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of a sorted, non-empty sequence."""
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass(slots=True)
class _QueueTally:
    tickets: int = 0
    no_shows: int = 0
    unserved: int = 0
    waits: list[float] = field(default_factory=list)
    green_tickets: int = 0
    green_waits: list[float] = field(default_factory=list)

    def result(self, target_s: float) -> QueueResult:
        green = _mean(self.green_waits)
        if not self.waits:
            level = 0.0 if self.tickets else None
            return QueueResult(
                self.tickets,
                self.no_shows,
                self.unserved,
                None,
                None,
                None,
                level,
                self.green_tickets,
                green,
            )
        ordered = sorted(self.waits)
        within = sum(1 for w in ordered if w <= target_s)
        return QueueResult(
            self.tickets,
            self.no_shows,
            self.unserved,
            _mean(ordered),
            percentile(ordered, 0.5),
            percentile(ordered, 0.9),
            within / self.tickets,
            self.green_tickets,
            green,
        )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(slots=True)
class _WindowTally:
    served: int = 0
    busy_s: float = 0.0


@dataclass(slots=True)
class _Ticket:
    """What the simulator knows of a ticket in play: its citizen, and whether it is counted."""

    arrival: Arrival
    counted: bool
    eta: float | None = None


class _Run:
    """The hall state of a run plus the clerks' and citizens' bookkeeping."""

    def __init__(
        self, config: HallConfig, rng: random.Random, eta_samples: int, warmup_s: float
    ) -> None:
        self.config = config
        self.rng = rng
        self.eta_samples = eta_samples
        self.warmup_s = warmup_s
        self.state: HallState = initial_state(config)
        self.order = {w.id: i for i, w in enumerate(config.windows)}
        self.profiles = {w.id: frozenset(w.queues) for w in config.windows}
        self.queues = {q.id: _QueueTally() for q in config.queues}
        self.windows = {w.id: _WindowTally() for w in config.windows}
        self.eta_errors: list[float] = []
        self.open_seconds = 0.0
        # per day
        self.tickets: dict[str, _Ticket] = {}
        self.idle: dict[str, None] = {}  # windows with nothing to call, longest idle first
        self.finishes: list[tuple[float, int, str]] = []
        self.limit = 0.0
        self.counted_from = 0.0
        self.now_at, self.now = 0.0, datetime.fromtimestamp(0.0, UTC)

    def submit(self, command: cmd.Command, t: float) -> list[ev.Event]:
        if t != self.now_at:  # a clerk often does several things at one moment
            self.now_at, self.now = t, datetime.fromtimestamp(t, UTC)
        events = decide(self.state, command, self.now)
        state = self.state
        for event in events:
            state = apply(state, event)
        self.state = state
        return events

    def day(self, demand: Demand, day: date) -> None:
        zone = ZoneInfo(self.config.timezone)
        open_at = _local(day, demand.open_time, zone)
        close_at = _local(day, demand.close_time, zone)
        next_day = day + timedelta(days=1)
        self.limit = datetime(next_day.year, next_day.month, next_day.day, tzinfo=zone).timestamp()
        self.counted_from = open_at + self.warmup_s
        self.tickets, self.idle, self.finishes = {}, {}, []
        arrivals = day_arrivals(self.config, demand, self.rng, day)
        every = max(1, math.ceil(len(arrivals) / self.eta_samples)) if self.eta_samples else 0
        for window in self.config.windows:  # a clerk signs in at each window (上岗)
            clerk = f"sim-{window.id}"
            self.submit(cmd.SignIn(window.id, clerk, f"Clerk {window.id}"), open_at)
            self.idle[window.id] = None
        last = self._run_day(arrivals, every, open_at)
        self._end_day()
        self.open_seconds += max(close_at, last) - open_at

    def _run_day(self, arrivals: list[Arrival], every: int, t: float) -> float:
        next_tick = t + TICK_SECONDS
        index = 0
        while index < len(arrivals) or self.finishes:
            arrival = arrivals[index] if index < len(arrivals) else None
            finish_at = self.finishes[0][0] if self.finishes else math.inf
            t = min(arrival.at if arrival is not None else math.inf, finish_at)
            if t >= self.limit:
                return self.limit
            if t >= next_tick:
                self.submit(cmd.Tick(), t)
                next_tick = t + TICK_SECONDS
            if arrival is not None and arrival.at < finish_at:
                sampled = every > 0 and index % every == 0 and arrival.priority == NORMAL
                self._arrive(arrival, t, sampled)
                index += 1
            else:
                _, _, window = heapq.heappop(self.finishes)
                self._finish(window, t)
        return t

    def _arrive(self, arrival: Arrival, t: float, sampled: bool) -> None:
        counted = t >= self.counted_from
        eta = None
        if sampled and counted:
            eta = estimate_waits(self.state, t).new_ticket.get(arrival.queue)
        events = self.submit(cmd.IssueTicket(arrival.service, arrival.priority), t)
        issued = next(e for e in events if isinstance(e, ev.TicketIssued))
        self.tickets[issued.ticket.id] = _Ticket(arrival, counted, eta)
        if counted:
            self.queues[arrival.queue].tickets += 1
            self.queues[arrival.queue].green_tickets += arrival.priority == GREEN
        self._wake(arrival.queue, t)

    def _wake(self, queue: str, t: float) -> None:
        """The clerk idle longest among those who may serve `queue` calls the next ticket."""
        for window in self.idle:  # in the order the windows fell idle
            if queue in self.profiles[window]:
                self._call_next(window, t)
                return

    def _waiting_for(self, window: str) -> bool:
        """Whether the clerk's terminal shows a ticket the window may call (else no call_next)."""
        state = self.state
        if state.window_lines.get(window):
            return True
        lines, priority = state.lines, state.priority_lines
        return any(lines.get(q) or priority.get(q) for q in state.windows[window].queues)

    def _call_next(self, window: str, t: float) -> None:
        while True:
            waiting = self._waiting_for(window)
            called = self._called(self.submit(cmd.CallNext(window), t)) if waiting else None
            if called is None:
                self.idle.setdefault(window)
                return
            self.idle.pop(window, None)
            ticket = self._record_call(called)
            if not ticket.arrival.no_show or called.step > 0:
                break
            self.submit(cmd.NoShow(window), t)
            if ticket.counted:
                self.queues[called.queue].no_shows += 1
        self.submit(cmd.Start(window), t)
        seconds = self._service_seconds(ticket, called)
        tally = self.windows[window]
        tally.served += 1
        tally.busy_s += min(seconds, self.limit - t)
        heapq.heappush(self.finishes, (t + seconds, self.order[window], window))

    @staticmethod
    def _called(events: list[ev.Event]) -> Ticket | None:
        for event in events:
            if isinstance(event, ev.TicketCalled):
                return event.ticket
        return None

    def _record_call(self, called: Ticket) -> _Ticket:
        ticket = self.tickets[called.id]
        if ticket.counted and called.called_at is not None:
            wait = called.called_at - called.waiting_since
            tally = self.queues[called.queue]
            tally.waits.append(wait)
            if called.priority == GREEN:
                tally.green_waits.append(wait)
            if ticket.eta is not None and called.step == 0:
                self.eta_errors.append(abs(ticket.eta - wait))
        return ticket

    def _service_seconds(self, ticket: _Ticket, called: Ticket) -> float:
        """The citizen's own service time; a later step of a bundle takes the queue's mean."""
        if called.step == 0:
            return ticket.arrival.service_seconds
        minutes = self.state.expected_service_seconds(called.queue) / 60.0
        return sample_service_seconds(self.rng, ServiceTime("exponential", minutes))

    def _finish(self, window: str, t: float) -> None:
        events = self.submit(cmd.Finish(window), t)
        for event in events:
            if isinstance(event, ev.TicketFinished) and event.next_queue is not None:
                ticket = self.tickets[event.ticket.id]
                if ticket.counted:
                    self.queues[event.next_queue].tickets += 1
                self._wake(event.next_queue, t)
        self._call_next(window, t)

    def _end_day(self) -> None:
        """Tickets still waiting at midnight were never called."""
        for ticket_id, ticket in self.tickets.items():
            in_play = self.state.tickets.get(ticket_id)
            if ticket.counted and in_play is not None and in_play.called_at is None:
                self.queues[in_play.queue].unserved += 1

    def result(self, days: int) -> SimulationResult:
        target = self.config.rules.service_target_minutes * 60.0
        open_s = self.open_seconds
        return SimulationResult(
            days=days,
            queues={q: tally.result(target) for q, tally in self.queues.items()},
            windows={
                w: WindowResult(t.served, t.busy_s, t.busy_s / open_s if open_s else 0.0)
                for w, t in self.windows.items()
            },
            eta_mae_s=_mean(self.eta_errors),
            eta_samples=len(self.eta_errors),
        )
