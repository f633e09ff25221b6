"""Realistic event streams for the storage tests, made by the real core (`decide`/`apply`).

`Driver` runs commands against a hall and keeps what each one committed; `busy_days` plays a
random but reproducible mix of everything a hall does (tickets, calls, recalls, transfers,
parking, ratings, appointments with personal data, pauses, sign-outs) over two service days.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hall.storage.base import Batch
from queueing import commands as cmd
from queueing.apply import apply
from queueing.calendar import slot_starts
from queueing.config import HallConfig
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.events import Event, HallConfigured
from queueing.model import HallState, initial_state
from queueing.stream import SequencedEvent
from tests.queueing.conftest import hall_config, local


@dataclass
class Step:
    """What one command committed: its events and the personal data that came with it."""

    events: list[SequencedEvent]
    personal: dict[str, dict[str, str]] = field(default_factory=dict)


class Driver:
    """A hall driven by commands; `steps` holds every command's events, numbered from seq 1."""

    def __init__(self, hall: str, config: HallConfig | None = None) -> None:
        self.hall = hall
        self.config = config if config is not None else hall_config(id=hall)
        self.now: datetime = local("09:00")
        self.state: HallState = initial_state(self.config)
        self.seq = 0
        self.steps: list[Step] = []
        self._record([HallConfigured(self.config)], {})

    def do(
        self, command: cmd.Command, personal: Mapping[str, dict[str, str]] | None = None
    ) -> list[Event]:
        """Decide and apply a command; raises `DomainError` (changing nothing) if refused."""
        events = decide(self.state, command, self.now)
        self._record(events, dict(personal or {}))
        return events

    def try_do(self, command: cmd.Command) -> list[Event]:
        try:
            return self.do(command)
        except DomainError:
            return []

    def _record(self, events: Sequence[Event], personal: dict[str, dict[str, str]]) -> None:
        stored = []
        for event in events:
            self.state = apply(self.state, event)
            self.seq += 1
            stored.append(SequencedEvent(self.hall, self.seq, self.now, event))
        if stored:
            self.steps.append(Step(stored, personal))

    def advance(self, minutes: float = 0.0, seconds: float = 0.0) -> None:
        self.now += timedelta(minutes=minutes, seconds=seconds)

    def events(self) -> list[SequencedEvent]:
        return [e for step in self.steps for e in step.events]

    def batches(self, sizes: Sequence[int] | None = None) -> list[Batch]:
        """The steps as batches: one per step, or `sizes[i]` steps per batch (cycling)."""
        batches: list[Batch] = []
        index, turn = 0, 0
        while index < len(self.steps):
            size = 1 if not sizes else sizes[turn % len(sizes)]
            group = self.steps[index : index + size]
            events = [e for step in group for e in step.events]
            personal = {k: v for step in group for k, v in step.personal.items()}
            batches.append(Batch(self.hall, events[0].seq - 1, events, personal=personal))
            index, turn = index + size, turn + 1
        return batches


def busy_days(hall: str, seed: int = 7, commands: int = 600) -> Driver:
    """Two service days of a four-window hall under a random mix of every command."""
    rng = random.Random(seed)
    driver = Driver(hall)
    booked: list[str] = []
    for window in "1234":
        driver.do(cmd.SignIn(window, f"staff-{window}", f"Clerk {window}"))
    for n in range(commands):
        if n == commands // 2:  # the next morning: a new service day
            driver.now = local("09:00") + timedelta(days=1)
        driver.advance(seconds=rng.randint(5, 120))
        driver.try_do(_random_command(rng, driver, booked, n))
        if rng.random() < 0.03:
            _book(rng, driver, booked, n)
    return driver


def _random_command(rng: random.Random, driver: Driver, booked: list[str], n: int) -> cmd.Command:
    state = driver.state
    window = rng.choice("1234")
    roll = rng.random()
    if roll < 0.25:
        service = rng.choice(["social", "tax", "permit", "startup"])
        priority = "green" if rng.random() < 0.1 else "normal"
        return cmd.IssueTicket(service, priority, track=f"{driver.hall}-t{n}")
    if roll < 0.45:
        return cmd.Finish(window) if state.windows[window].ticket else cmd.CallNext(window)
    if roll < 0.55:
        return cmd.Start(window)
    if roll < 0.6:
        return cmd.Recall(window)
    if roll < 0.63:
        return cmd.NoShow(window)
    if roll < 0.66:
        return cmd.Transfer(window, to_queue=rng.choice("ABC"))
    if roll < 0.69:
        return cmd.Park(window)
    if roll < 0.72:
        parked = sorted(str(t.parked_by) for t in state.tickets.values() if t.state == "parked")
        return cmd.Unpark(rng.choice(parked) if parked else window)
    if roll < 0.82 and state.ratings:
        ticket = rng.choice(sorted(state.ratings))
        return cmd.Rate(ticket, rng.randint(1, 5), ("slow",) if rng.random() < 0.5 else ())
    if roll < 0.85:
        missed = [t.number for t in state.tickets.values() if t.state == "missed"]
        return cmd.Reactivate(rng.choice(missed) if missed else "A999")
    if roll < 0.88:
        return cmd.Pause(window, "break") if rng.random() < 0.5 else cmd.Resume(window)
    if roll < 0.91:
        if state.windows[window].clerk is None:
            return cmd.SignIn(window, f"staff-{window}", f"Clerk {window}")
        return cmd.SignOut(window)
    if roll < 0.95 and booked:
        return cmd.CheckIn(rng.choice(booked), track=f"{driver.hall}-c{n}")
    return cmd.Tick()


def _book(rng: random.Random, driver: Driver, booked: list[str], n: int) -> None:
    day = driver.state.day or "2024-03-04"
    slots = [s for s in slot_starts(driver.config, day) if s > driver.now.timestamp()]
    if not slots:
        return
    code = f"BK{n:04d}"
    command = cmd.Book("social", rng.choice(slots[:4]), f"citizen-{n % 5}", code)
    personal = {code: {"name": f"张{n}", "phone": f"138{n:08d}"}}
    try:
        driver.do(command, personal)
    except DomainError:
        return
    booked.append(code)
