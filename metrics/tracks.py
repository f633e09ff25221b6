"""What the live figures keep about things in play: windows, clerks, tickets in hand, the
subject a finished service counts for, open follow-up cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metrics.clock import iso_utc
from metrics.figures import Stats
from metrics.window_time import TimeAccount
from queueing.model import CLOSED, Ticket


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An open follow-up case (回访、整改) after a low rating."""

    case: str
    ticket: str
    number: str
    window: str
    clerk: str | None
    score: int
    opened_at: float
    deadline: float

    def as_dict(self, now: float) -> dict[str, Any]:
        return {
            "case": self.case,
            "ticket": self.ticket,
            "number": self.number,
            "window": self.window,
            "clerk": self.clerk,
            "score": self.score,
            "opened_at": iso_utc(self.opened_at),
            "deadline": iso_utc(self.deadline),
            "overdue": now > self.deadline,
        }


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom a finished service counts for: its queue, service, window and clerk."""

    queue: str
    service: str
    window: str
    clerk: str | None


@dataclass(slots=True)
class InHand:
    ticket: str
    number: str
    queue: str
    service: str
    recalled: bool = False


class WindowTrack:
    __slots__ = (
        "account",
        "clerk",
        "clerk_name",
        "name",
        "queues",
        "reason",
        "since",
        "started",
        "stats",
        "status",
        "ticket",
    )

    def __init__(self, name: str, queues: tuple[str, ...]) -> None:
        self.name = name
        self.queues = queues
        self.status = CLOSED
        self.since = 0.0
        self.started = 0.0  # start of the status segment not yet credited
        self.reason: str | None = None
        self.clerk: str | None = None
        self.clerk_name: str | None = None
        self.ticket: str | None = None  # number of the ticket in hand
        self.account = TimeAccount()
        self.stats = Stats(hourly=False)


class ClerkTrack:
    __slots__ = ("account", "name", "stats", "window")

    def __init__(self, name: str) -> None:
        self.name = name
        self.window: str | None = None
        self.account = TimeAccount()
        self.stats = Stats(hourly=False)


def in_hand(ticket: Ticket) -> InHand:
    return InHand(ticket.id, ticket.number, ticket.queue, ticket.service)
