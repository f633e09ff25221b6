"""Property tests: random halls driven by random command sequences, with time passing and days
turning. After every command: no ticket lost or duplicated, none in two windows' hands, numbers
unique per queue and day, windows only get tickets of their profile (or directed to them);
moves and prioritisations keep a ticket's number and time waited; refused commands change
nothing; `decide` never mutates its input. At the end: replaying the events (through JSON) gives
the same state, and driving every window until the lines are empty calls every waiting ticket."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queueing import commands as cmd
from queueing import events as ev
from queueing.apply import apply, replay
from queueing.calendar import service_day, slot_starts
from queueing.codec import event_from_dict, event_to_dict, state_from_dict, state_to_dict
from queueing.config import HallConfig, parse_config
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.estimate import estimate_waits
from queueing.model import (
    CALLED,
    CALLING,
    CLOSED,
    IDLE,
    MISSED,
    NORMAL,
    PARKED,
    PAUSED,
    SERVING,
    SERVING_WINDOW,
    WAITING,
    HallState,
    Ticket,
    Window,
    initial_state,
)
from tests.queueing.conftest import contents, local

QUEUE_IDS = ("A", "B", "C")
PROPERTY_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- random halls ----------------------------------------------------------------------------


@st.composite
def configs(draw: st.DrawFn) -> HallConfig:
    queues = QUEUE_IDS[: draw(st.integers(1, 3))]
    services: list[dict[str, Any]] = [
        {
            "id": f"s{q}",
            "name": f"service {q}",
            "queue": q,
            "slot_capacity": draw(st.integers(0, 2)),
        }
        for q in queues
    ]
    if len(queues) > 1 and draw(st.booleans()):
        steps = draw(st.permutations(queues))[: draw(st.integers(2, len(queues)))]
        services.append({"id": "bundle", "name": "bundle", "steps": list(steps)})
    weights = st.sampled_from([0.5, 1.0, 2.0])
    windows: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 3))):
        profile = draw(st.lists(st.sampled_from(queues), min_size=1, unique=True))
        windows.append(
            {
                "id": f"w{index}",
                "name": f"{index}号窗口",
                "queues": {q: draw(weights) for q in profile},
            }
        )
    for queue in queues:
        if not any(queue in w["queues"] for w in windows):
            windows[0]["queues"][queue] = 1.0
    hours = draw(st.sampled_from([("00:00", "23:59"), ("08:30", "17:30")]))
    rules = {
        "routing": draw(st.sampled_from(["weighted", "strict"])),
        "priority_cap": draw(st.integers(1, 3)),
        "max_wait_minutes": draw(st.sampled_from([5, 60])),
        "max_recalls": draw(st.integers(0, 2)),
        "reactivate_minutes": draw(st.sampled_from([5, 30])),
        "reactivate_places": draw(st.integers(0, 3)),
        "open_time": hours[0],
        "close_time": hours[1],
        "rating_timeout_seconds": draw(st.sampled_from([60, 600])),
        "no_show_limit": draw(st.integers(1, 2)),
    }
    document = {
        "id": "prop",
        "name": "property hall",
        "timezone": "Asia/Shanghai",
        "queues": [
            {"id": q, "name": q, "prefix": q, "service_minutes": draw(st.sampled_from([1, 5, 12]))}
            for q in queues
        ],
        "services": services,
        "windows": windows,
        "rules": rules,
    }
    return parse_config(document)


KINDS = (
    *("issue",) * 4,
    "issue_green",
    "sign_in",
    "sign_out",
    "open",
    "close",
    "pause",
    "resume",
    *("call_next",) * 6,
    "call",
    "recall",
    *("start",) * 2,
    *("finish",) * 4,
    "no_show",
    "transfer_queue",
    "transfer_window",
    "park",
    "unpark",
    "unpark_ticket",
    "reactivate",
    "cancel",
    "move_queue",
    "move_window",
    "prioritise",
    *("rate",) * 2,
    "book",
    "check_in",
    "cancel_booking",
    "set_queues",
    "configure",
    "tick",
    *("wait",) * 2,
    "wait_long",
    "next_day",
)
"""Kinds of action, some repeated to weigh them: days are mostly calling and finishing."""

Action = tuple[str, int, int]


def _action(kind: str, digits: int) -> Action:
    return (kind, digits // 10, digits % 10)


actions = st.lists(
    st.builds(_action, st.sampled_from(KINDS), st.integers(0, 99)), min_size=25, max_size=80
)


def pick(items: list[str], index: int) -> str:
    return items[index % len(items)] if items else "none"


_IN_HAND = {"recall", "start", "finish", "no_show", "transfer_queue", "transfer_window", "park"}
_READY = {"call_next", "call", "unpark", "unpark_ticket", "pause", "sign_out", "close"}
_WINDOW_WANTS: dict[str, Callable[[Window], bool]] = {
    **{kind: lambda w: w.ticket is not None for kind in _IN_HAND},
    **{kind: lambda w: w.status == IDLE for kind in _READY},
    "resume": lambda w: w.status == PAUSED,
    "sign_in": lambda w: w.status == CLOSED,
    "open": lambda w: w.status == CLOSED,
}
_TICKET_WANTS: dict[str, str] = {
    "call": WAITING,
    "move_queue": WAITING,
    "move_window": WAITING,
    "prioritise": WAITING,
    "unpark_ticket": PARKED,
    "reactivate": MISSED,
}


def _window_for(state: HallState, kind: str, index: int) -> str:
    """Mostly a window the command suits; index 0 picks among all windows (mostly refusals)."""
    every = sorted(state.windows)
    wants = _WINDOW_WANTS.get(kind)
    suited = [w for w in every if wants(state.windows[w])] if wants and index else []
    return pick(suited or every, index)


def _ticket_for(state: HallState, kind: str, index: int) -> str:
    every = sorted(state.tickets)
    wanted = _TICKET_WANTS.get(kind)
    suited = [t for t in every if state.tickets[t].state == wanted] if wanted and index else []
    return pick(suited or every, index)


def to_command(state: HallState, action: Action, now: datetime) -> cmd.Command | None:
    """The command an action stands for in this state; None for a pure time step."""
    kind, a, b = action
    config = state.config
    window = _window_for(state, kind, a)
    other_window = pick(sorted(state.windows), b)
    queue = pick([q.id for q in config.queues], b)
    ticket = _ticket_for(state, kind, b)
    number = state.tickets[ticket].number if ticket in state.tickets else "Z999"
    service = pick([s.id for s in config.services], a)
    codes = sorted(state.appointments)
    simple: dict[str, cmd.Command] = {
        "issue": cmd.IssueTicket(service),
        "issue_green": cmd.IssueTicket(service, "green"),
        "sign_in": cmd.SignIn(window, f"staff{b % 4}", f"Clerk {b % 4}"),
        "sign_out": cmd.SignOut(window),
        "open": cmd.OpenWindow(window),
        "close": cmd.CloseWindow(window),
        "pause": cmd.Pause(window, "break"),
        "resume": cmd.Resume(window),
        "call_next": cmd.CallNext(window),
        "call": cmd.CallTicket(window, ticket),
        "recall": cmd.Recall(window),
        "start": cmd.Start(window),
        "finish": cmd.Finish(window),
        "no_show": cmd.NoShow(window),
        "transfer_queue": cmd.Transfer(window, to_queue=queue),
        "transfer_window": cmd.Transfer(window, to_window=other_window),
        "park": cmd.Park(window),
        "unpark": cmd.Unpark(window),
        "unpark_ticket": cmd.Unpark(window, ticket),
        "reactivate": cmd.Reactivate(number),
        "cancel": cmd.CancelTicket(ticket),
        "move_queue": cmd.MoveTicket(ticket, to_queue=pick([q.id for q in config.queues], a)),
        "move_window": cmd.MoveTicket(ticket, to_window=pick(sorted(state.windows), a)),
        "prioritise": cmd.PrioritiseTicket(ticket),
        "rate": cmd.Rate(pick(sorted(state.ratings), b), a % 6),
        "check_in": cmd.CheckIn(pick(codes, a)),
        "cancel_booking": cmd.CancelBooking(pick(codes, a)),
        "set_queues": cmd.SetWindowQueues(window, {queue: 1.0 + a % 2}),
        "configure": cmd.Configure(config),
        "tick": cmd.Tick(),
    }
    if kind in simple:
        return simple[kind]
    if kind == "book":
        day = service_day(config, now.timestamp() + 86400 * (a % 2))
        slots = slot_starts(config, day)
        slot = slots[b % len(slots)] if slots else now.timestamp()
        return cmd.Book(service, slot, f"citizen{a % 3}", f"BK{len(codes)}-{a}{b}")
    return None


def next_time(action: Action, now: datetime) -> datetime:
    kind, a, b = action
    if kind == "wait":
        return now + timedelta(seconds=a * 60 + b * 7)
    if kind == "wait_long":
        return now + timedelta(hours=a, minutes=b * 5)
    if kind == "next_day":
        day = now.date() + timedelta(days=1)
        return local(f"{6 + a:02d}:{b * 5:02d}", day.isoformat())
    return now


# --- the bookkeeping of where every ticket is -------------------------------------------------


@dataclass
class Ledger:
    """What the events said: tickets issued and tickets that left through a terminal event."""

    initial: HallState
    log: list[ev.Event] = field(default_factory=list)
    live: set[str] = field(default_factory=set)
    numbers: set[tuple[str, str]] = field(default_factory=set)
    issued_today: Counter[str] = field(default_factory=Counter)

    def record(self, state: HallState, event: ev.Event) -> None:
        """Check one event against the state it applies to, and note what it did."""
        self.log.append(event)
        if isinstance(event, ev.DayStarted):
            self.live = {t for t in self.live if state.tickets[t].state == PARKED}
            self.issued_today = Counter()
        elif isinstance(event, ev.TicketIssued):
            self._issued(state, event)
        elif isinstance(event, ev.TicketCalled) and not event.recall:
            self._called(state, event)
        elif isinstance(event, ev.TicketMoved | ev.TicketPrioritised):
            self._rearranged(state, event)
        elif (leaving := _leaving(event)) is not None:
            self.live.remove(leaving)

    def _issued(self, state: HallState, event: ev.TicketIssued) -> None:
        ticket = event.ticket
        assert ticket.id not in self.live and ticket.id not in state.tickets
        key = (state.day, ticket.number)
        assert key not in self.numbers, f"number {ticket.number} issued twice on {state.day}"
        self.numbers.add(key)
        queue = state.config.queue(ticket.queue)
        assert queue is not None
        self.issued_today[queue.id] += 1
        assert ticket.number == f"{queue.prefix}{self.issued_today[queue.id]:03d}"
        self.live.add(ticket.id)

    def _called(self, state: HallState, event: ev.TicketCalled) -> None:
        before = state.tickets[event.ticket.id]
        window = state.windows[event.window]
        assert before.state == WAITING
        assert window.ticket is None, "a window called a second ticket"
        assert before.queue in window.queues or before.target_window == window.id
        assert before.target_window in (None, window.id)

    def _rearranged(self, state: HallState, event: ev.TicketMoved | ev.TicketPrioritised) -> None:
        """A floor manager's move or prioritisation keeps the ticket waiting, with its number,
        issue time, time waited and bundle step."""
        before, after = state.tickets[event.ticket.id], event.ticket
        assert before.state == after.state == WAITING
        kept = ("number", "service", "issued_at", "waiting_since", "step", "track")
        assert all(getattr(before, name) == getattr(after, name) for name in kept)
        if isinstance(event, ev.TicketPrioritised):
            assert (before.priority, after.priority) == (NORMAL, "green")
            assert (before.queue, before.target_window) == (after.queue, after.target_window)
        else:
            assert before.priority == after.priority
            assert event.from_queue == before.queue and event.from_window == before.target_window
            assert (after.queue, after.target_window) != (before.queue, before.target_window)


def _leaving(event: ev.Event) -> str | None:
    """The ticket a terminal event takes out of the hall (a finished bundle step stays)."""
    if isinstance(event, ev.TicketFinished) and event.next_queue is None:
        return event.ticket.id
    if isinstance(event, ev.TicketCancelled | ev.TicketExpired):
        return event.ticket.id
    return None


def check_state(state: HallState, ledger: Ledger) -> None:
    """Every ticket in play is in exactly one place; windows hold what they say they hold."""
    assert set(state.tickets) == ledger.live
    places: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, lines in (
        ("lines", state.lines),
        ("priority", state.priority_lines),
        ("window", state.window_lines),
    ):
        for key, line in lines.items():
            for ticket_id in line:
                places[ticket_id].append((kind, key))
    holders: defaultdict[str, list[str]] = defaultdict(list)
    for window in state.windows.values():
        if window.ticket is not None:
            holders[window.ticket].append(window.id)
    assert set(places) <= set(state.tickets) and set(holders) <= set(state.tickets)
    for ticket in state.tickets.values():
        if ticket.state == WAITING:
            assert places[ticket.id] == [_line_of(ticket)]
            assert holders[ticket.id] == []
        elif ticket.state in (CALLED, SERVING):
            assert places[ticket.id] == []
            assert holders[ticket.id] == [ticket.window]
        else:
            assert places[ticket.id] == [] and holders[ticket.id] == []
    _check_windows(state)


def _line_of(ticket: Ticket) -> tuple[str, str]:
    if ticket.target_window is not None:
        return ("window", ticket.target_window)
    return ("priority" if ticket.priority != NORMAL else "lines", ticket.queue)


def _check_windows(state: HallState) -> None:
    in_hand = {CALLING: CALLED, SERVING_WINDOW: SERVING}
    for window in state.windows.values():
        if window.status in in_hand:
            assert window.ticket is not None
            assert state.tickets[window.ticket].state == in_hand[window.status]
        else:
            assert window.ticket is None
        if window.status == CLOSED:
            assert window.clerk is None
        assert (window.status == PAUSED) == (window.reason is not None)
    clerks = [w.clerk for w in state.windows.values() if w.clerk is not None]
    assert len(clerks) == len(set(clerks)), "a clerk is signed in at two windows"


# --- driving a hall --------------------------------------------------------------------------


def step(state: HallState, command: cmd.Command, now: datetime, ledger: Ledger) -> HallState:
    """Decide and apply one command, checking every event and the state after it."""
    before = contents(state)
    try:
        events = decide(state, command, now)
    except DomainError as error:
        assert error.code and error.message
        events = []
    assert contents(state) == before, f"decide mutated the state on {command.name}"
    for event in events:
        ledger.record(state, event)
        previous, state = state, apply(state, event)
        assert contents(previous) == before, f"apply mutated the state on {event.name}"
        before = contents(state)
    check_state(state, ledger)
    return state


def play(
    config: HallConfig, script: list[Action], start: datetime
) -> tuple[HallState, Ledger, datetime]:
    state = initial_state(config)
    ledger = Ledger(state)
    now = start
    state = _morning(state, now, ledger)
    for action in script:
        command = to_command(state, action, now)
        if command is not None:
            state = step(state, command, now, ledger)
            continue
        now, day = next_time(action, now), state.day
        state = step(state, cmd.Tick(), now, ledger)
        if state.day != day:
            state = _morning(state, now, ledger)
    return state, ledger, now


def _morning(state: HallState, now: datetime, ledger: Ledger) -> HallState:
    """Clerks sign in at every window (as they do each morning)."""
    for window in state.config.windows:
        state = step(state, cmd.SignIn(window.id, f"clerk-{window.id}", "Clerk"), now, ledger)
    return state


def open_every_window(state: HallState, now: datetime, ledger: Ledger) -> HallState:
    """Every window open, staffed (calls need a clerk: `require_sign_in`) and free."""
    for window in list(state.windows.values()):
        if window.status == PAUSED:
            state = step(state, cmd.Resume(window.id), now, ledger)
        if state.windows[window.id].clerk is None:  # signing in opens a closed window too
            state = step(state, cmd.SignIn(window.id, f"opener-{window.id}", "Clerk"), now, ledger)
        if state.windows[window.id].ticket is not None:
            state = step(state, cmd.Finish(window.id), now, ledger)
    assert all(w.status == IDLE for w in state.windows.values())
    return state


def drain(state: HallState, now: datetime, ledger: Ledger) -> tuple[HallState, set[str]]:
    """call_next and finish at every window, round after round, until no window calls."""
    called: set[str] = set()
    for _ in range(10 * (len(state.tickets) + 1)):
        progress = False
        for window in state.windows:
            mark = len(ledger.log)
            state = step(state, cmd.CallNext(window), now, ledger)
            calls = [e for e in ledger.log[mark:] if isinstance(e, ev.TicketCalled)]
            if calls:
                called.add(calls[0].ticket.id)
                state = step(state, cmd.Finish(window), now, ledger)
                progress = True
        if not progress:
            return state, called
    raise AssertionError("the hall never stopped calling")


def served(state: HallState, queue: str) -> bool:
    return any(queue in w.queues for w in state.windows.values())


def start_times() -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda day, minutes: local("08:30", f"2024-03-{day:02d}") + timedelta(minutes=minutes),
        st.integers(4, 10),
        st.integers(0, 8 * 60),
    )


# --- the properties --------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(config=configs(), script=actions, start=start_times())
def test_no_ticket_is_lost_or_duplicated_and_replay_gives_the_state(
    config: HallConfig, script: list[Action], start: datetime
) -> None:
    state, ledger, _ = play(config, script, start)

    stored = json.loads(json.dumps([event_to_dict(e) for e in ledger.log]))
    assert replay(ledger.initial, [event_from_dict(d) for d in stored]) == state
    assert state_from_dict(json.loads(json.dumps(state_to_dict(state)))) == state


@PROPERTY_SETTINGS
@given(config=configs(), script=actions, start=start_times())
def test_every_waiting_ticket_is_called_while_an_open_window_serves_its_queue(
    config: HallConfig, script: list[Action], start: datetime
) -> None:
    state, ledger, now = play(config, script, start)
    state = step(state, cmd.Tick(), now, ledger)
    state = open_every_window(state, now, ledger)
    waiting = {t.id: t for t in state.tickets.values() if t.state == WAITING}
    expected = {
        tid for tid, t in waiting.items() if t.target_window is not None or served(state, t.queue)
    }

    estimate = estimate_waits(state, now.timestamp())
    assert set(estimate.tickets) == expected
    for line in (*state.lines.values(), *state.priority_lines.values()):
        waits = [estimate.tickets[t] for t in line if t in expected]
        assert waits == sorted(waits) and all(w >= 0 for w in waits)

    state, called = drain(state, now, ledger)

    assert expected <= called
    left = [t for t in state.tickets.values() if t.state == WAITING]
    assert all(not served(state, t.queue) and t.target_window is None for t in left)
