"""Commands: what devices and the shell ask of a hall. Frozen; validated by `decide`.

`name` is the command's name in the device protocol. Tokens that must be unguessable (tracker
tokens, booking codes) and identities checked by the shell (staff names) are handed in here: the
core makes no randomness and checks no passwords. Every command may carry `by`, the staff number
of the floor manager who sent it from a tablet (`queueing/attribution.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from queueing.attribution import Attributed
from queueing.config import HallConfig


@dataclass(frozen=True, slots=True)
class IssueTicket(Attributed):
    name: ClassVar[str] = "issue_ticket"
    service: str
    priority: str = "normal"
    track: str = ""


@dataclass(frozen=True, slots=True)
class CheckIn(Attributed):
    name: ClassVar[str] = "check_in"
    booking_code: str
    track: str = ""


@dataclass(frozen=True, slots=True)
class Reactivate(Attributed):
    name: ClassVar[str] = "reactivate"
    number: str


@dataclass(frozen=True, slots=True)
class SignIn(Attributed):
    name: ClassVar[str] = "sign_in"
    window: str
    staff: str
    staff_name: str


@dataclass(frozen=True, slots=True)
class SignOut(Attributed):
    """A clerk leaves the window (离岗). The server also signs out an account that was
    deactivated or deleted: `cause` `staff_revoked`, `staff` the account's number (nothing
    happens when someone else is signed in there by then)."""

    name: ClassVar[str] = "sign_out"
    window: str
    staff: str = ""
    cause: Literal["sign_out", "staff_revoked"] = "sign_out"


@dataclass(frozen=True, slots=True)
class OpenWindow(Attributed):
    name: ClassVar[str] = "open_window"
    window: str


@dataclass(frozen=True, slots=True)
class CloseWindow(Attributed):
    name: ClassVar[str] = "close_window"
    window: str


@dataclass(frozen=True, slots=True)
class Pause(Attributed):
    name: ClassVar[str] = "pause"
    window: str
    reason: str


@dataclass(frozen=True, slots=True)
class Resume(Attributed):
    name: ClassVar[str] = "resume"
    window: str


@dataclass(frozen=True, slots=True)
class CallNext(Attributed):
    name: ClassVar[str] = "call_next"
    window: str


@dataclass(frozen=True, slots=True)
class CallTicket(Attributed):
    name: ClassVar[str] = "call"
    window: str
    ticket: str


@dataclass(frozen=True, slots=True)
class Recall(Attributed):
    name: ClassVar[str] = "recall"
    window: str


@dataclass(frozen=True, slots=True)
class Start(Attributed):
    name: ClassVar[str] = "start"
    window: str


@dataclass(frozen=True, slots=True)
class Finish(Attributed):
    name: ClassVar[str] = "finish"
    window: str


@dataclass(frozen=True, slots=True)
class NoShow(Attributed):
    name: ClassVar[str] = "no_show"
    window: str


@dataclass(frozen=True, slots=True)
class Transfer(Attributed):
    name: ClassVar[str] = "transfer"
    window: str
    to_queue: str | None = None
    to_window: str | None = None


@dataclass(frozen=True, slots=True)
class Park(Attributed):
    name: ClassVar[str] = "park"
    window: str


@dataclass(frozen=True, slots=True)
class Unpark(Attributed):
    name: ClassVar[str] = "unpark"
    window: str
    ticket: str | None = None


@dataclass(frozen=True, slots=True)
class Rate(Attributed):
    """A citizen's rating. `window` is set when a rating pad sends it (it may rate its own)."""

    name: ClassVar[str] = "rate"
    ticket: str
    score: int
    reasons: tuple[str, ...] = ()
    comment: str = ""
    window: str | None = None


@dataclass(frozen=True, slots=True)
class Broadcast(Attributed):
    name: ClassVar[str] = "broadcast"
    text: str


@dataclass(frozen=True, slots=True)
class CancelTicket(Attributed):
    name: ClassVar[str] = "cancel_ticket"
    ticket: str


@dataclass(frozen=True, slots=True)
class MoveTicket(Attributed):
    """A floor manager moves a waiting ticket to another queue (`to_queue`) or directs it to one
    window (`to_window`); it keeps its number, issue time and time waited."""

    name: ClassVar[str] = "move_ticket"
    ticket: str
    to_queue: str | None = None
    to_window: str | None = None


@dataclass(frozen=True, slots=True)
class PrioritiseTicket(Attributed):
    """A floor manager puts a waiting walk-in ticket in the green channel (绿色通道)."""

    name: ClassVar[str] = "prioritise_ticket"
    ticket: str


@dataclass(frozen=True, slots=True)
class SetWindowQueues(Attributed):
    name: ClassVar[str] = "set_window_queues"
    window: str
    queues: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Book(Attributed):
    """Book an appointment slot. `citizen` is an opaque key (a hash), never personal data."""

    name: ClassVar[str] = "book"
    service: str
    slot_start: float
    citizen: str
    code: str


@dataclass(frozen=True, slots=True)
class CancelBooking(Attributed):
    name: ClassVar[str] = "cancel_booking"
    code: str


@dataclass(frozen=True, slots=True)
class Tick(Attributed):
    """Let time pass: expire ratings, missed appointments and stale missed tickets."""

    name: ClassVar[str] = "tick"


@dataclass(frozen=True, slots=True)
class Configure(Attributed):
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
