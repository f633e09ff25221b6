"""Commands: what devices and the shell ask of a hall. Frozen; validated by `decide`.

`name` is the command's name in the device protocol. Tokens that must be unguessable (tracker
tokens, booking codes) and identities checked by the shell (staff names) are handed in here: the
core makes no randomness and checks no passwords.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from queueing.config import HallConfig


@dataclass(frozen=True, slots=True)
class IssueTicket:
    name: ClassVar[str] = "issue_ticket"
    service: str
    priority: str = "normal"
    track: str = ""


@dataclass(frozen=True, slots=True)
class CheckIn:
    name: ClassVar[str] = "check_in"
    booking_code: str
    track: str = ""


@dataclass(frozen=True, slots=True)
class Reactivate:
    name: ClassVar[str] = "reactivate"
    number: str


@dataclass(frozen=True, slots=True)
class SignIn:
    name: ClassVar[str] = "sign_in"
    window: str
    staff: str
    staff_name: str


@dataclass(frozen=True, slots=True)
class SignOut:
    name: ClassVar[str] = "sign_out"
    window: str


@dataclass(frozen=True, slots=True)
class OpenWindow:
    name: ClassVar[str] = "open_window"
    window: str


@dataclass(frozen=True, slots=True)
class CloseWindow:
    name: ClassVar[str] = "close_window"
    window: str


@dataclass(frozen=True, slots=True)
class Pause:
    name: ClassVar[str] = "pause"
    window: str
    reason: str


@dataclass(frozen=True, slots=True)
class Resume:
    name: ClassVar[str] = "resume"
    window: str


@dataclass(frozen=True, slots=True)
class CallNext:
    name: ClassVar[str] = "call_next"
    window: str


@dataclass(frozen=True, slots=True)
class CallTicket:
    name: ClassVar[str] = "call"
    window: str
    ticket: str


@dataclass(frozen=True, slots=True)
class Recall:
    name: ClassVar[str] = "recall"
    window: str


@dataclass(frozen=True, slots=True)
class Start:
    name: ClassVar[str] = "start"
    window: str


@dataclass(frozen=True, slots=True)
class Finish:
    name: ClassVar[str] = "finish"
    window: str


@dataclass(frozen=True, slots=True)
class NoShow:
    name: ClassVar[str] = "no_show"
    window: str


@dataclass(frozen=True, slots=True)
class Transfer:
    name: ClassVar[str] = "transfer"
    window: str
    to_queue: str | None = None
    to_window: str | None = None


@dataclass(frozen=True, slots=True)
class Park:
    name: ClassVar[str] = "park"
    window: str


@dataclass(frozen=True, slots=True)
class Unpark:
    name: ClassVar[str] = "unpark"
    window: str
    ticket: str | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """A citizen's rating. `window` is set when a rating pad sends it (it may rate its own)."""

    name: ClassVar[str] = "rate"
    ticket: str
    score: int
    reasons: tuple[str, ...] = ()
    comment: str = ""
    window: str | None = None


@dataclass(frozen=True, slots=True)
class Broadcast:
    name: ClassVar[str] = "broadcast"
    text: str


@dataclass(frozen=True, slots=True)
class CancelTicket:
    name: ClassVar[str] = "cancel_ticket"
    ticket: str


@dataclass(frozen=True, slots=True)
class MoveTicket:
    """A floor manager moves a waiting ticket to another queue (`to_queue`) or directs it to one
    window (`to_window`); it keeps its number, issue time and time waited."""

    name: ClassVar[str] = "move_ticket"
    ticket: str
    to_queue: str | None = None
    to_window: str | None = None


@dataclass(frozen=True, slots=True)
class PrioritiseTicket:
    """A floor manager puts a waiting walk-in ticket in the green channel (绿色通道)."""

    name: ClassVar[str] = "prioritise_ticket"
    ticket: str


@dataclass(frozen=True, slots=True)
class SetWindowQueues:
    name: ClassVar[str] = "set_window_queues"
    window: str
    queues: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Book:
    """Book an appointment slot. `citizen` is an opaque key (a hash), never personal data."""

    name: ClassVar[str] = "book"
    service: str
    slot_start: float
    citizen: str
    code: str


@dataclass(frozen=True, slots=True)
class CancelBooking:
    name: ClassVar[str] = "cancel_booking"
    code: str


@dataclass(frozen=True, slots=True)
class Tick:
    """Let time pass: expire ratings, missed appointments and stale missed tickets."""

    name: ClassVar[str] = "tick"


@dataclass(frozen=True, slots=True)
class Configure:
    name: ClassVar[str] = "configure"
    config: HallConfig


Command = (
    IssueTicket
    | CheckIn
    | Reactivate
    | SignIn
    | SignOut
    | OpenWindow
    | CloseWindow
    | Pause
    | Resume
    | CallNext
    | CallTicket
    | Recall
    | Start
    | Finish
    | NoShow
    | Transfer
    | Park
    | Unpark
    | Rate
    | Broadcast
    | CancelTicket
    | MoveTicket
    | PrioritiseTicket
    | SetWindowQueues
    | Book
    | CancelBooking
    | Tick
    | Configure
)
