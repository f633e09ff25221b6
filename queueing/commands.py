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
    """`assisted`: a 帮办 ticket a guide issues for a citizen (the guide's number is `by`)."""

    name: ClassVar[str] = "issue_ticket"
    service: str
    priority: str = "normal"
    track: str = ""
    assisted: bool = False


@dataclass(frozen=True, slots=True)
class CheckIn(Attributed):
    """Check in an appointment (`booking_code`), or a ready case's pickup code (`case_code`):
    a ticket in the hall's pickup queue (出证)."""

    name: ClassVar[str] = "check_in"
    booking_code: str = ""
    track: str = ""
    case_code: str = ""


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
class RequestHelp(Attributed):
    """A kiosk's 需要帮助 button. The edge hands in the kiosk's device id and name."""

    name: ClassVar[str] = "request_help"
    reason: str = ""
    kiosk: str = ""
    kiosk_name: str = ""


@dataclass(frozen=True, slots=True)
class ClaimHelp(Attributed):
    """A guide takes a help request; the guide's staff number is `by` (set by the edge)."""

    name: ClassVar[str] = "claim_help"
    help: str


@dataclass(frozen=True, slots=True)
class CloseHelp(Attributed):
    """The guide who claimed a help request closes it, with an optional note."""

    name: ClassVar[str] = "close_help"
    help: str
    note: str = ""


# --- cases (办件), queueing/cases.py: `window` (a clerk's) and `office` (an office device's) are
# bound by the edge to the device that sends the command; a tablet or the admin sends neither.


@dataclass(frozen=True, slots=True)
class OpenCase(Attributed):
    """受理: the clerk serving `ticket` accepts an application. The shell hands in the pickup
    `code` and the tracker token `track`, and keeps `contact_phone` to itself (it is blanked
    before the command reaches the core's log or events)."""

    name: ClassVar[str] = "open_case"
    ticket: str
    service: str | None = None
    contact_phone: str = field(default="", repr=False)
    window: str | None = None
    code: str = ""
    track: str = ""
    has_contact: bool = False
    """Set by the shell when it kept a `contact_phone` it blanked."""


@dataclass(frozen=True, slots=True)
class RequestDocuments(Attributed):
    """补正/容缺: the case waits for the citizen's `items`; its due date pauses."""

    name: ClassVar[str] = "request_documents"
    case: str
    items: tuple[str, ...] = ()
    window: str | None = None
    office: str | None = None


@dataclass(frozen=True, slots=True)
class SubmitDocuments(Attributed):
    name: ClassVar[str] = "submit_documents"
    case: str
    window: str | None = None


@dataclass(frozen=True, slots=True)
class ApproveCase(Attributed):
    name: ClassVar[str] = "approve_case"
    case: str
    office: str | None = None


@dataclass(frozen=True, slots=True)
class RejectCase(Attributed):
    name: ClassVar[str] = "reject_case"
    case: str
    reason: str
    office: str | None = None


@dataclass(frozen=True, slots=True)
class ReadyCase(Attributed):
    """出证: the certificate is ready, for `pickup` at the window (`window`) or by `mail`."""

    name: ClassVar[str] = "ready_case"
    case: str
    pickup: str
    office: str | None = None


@dataclass(frozen=True, slots=True)
class DeliverCase(Attributed):
    """送达: handed over at the pickup window, or (an office) sent by mail. Closes the case."""

    name: ClassVar[str] = "deliver_case"
    case: str
    window: str | None = None
    office: str | None = None


@dataclass(frozen=True, slots=True)
class Tick(Attributed):
    """Let time pass: expire ratings, missed appointments and stale missed tickets."""

    name: ClassVar[str] = "tick"


@dataclass(frozen=True, slots=True)
class Configure(Attributed):
    name: ClassVar[str] = "configure"
    config: HallConfig


# --- follow-ups: 差评整改, 投诉, 回访 (queueing/follow_ups.py) ---


@dataclass(frozen=True, slots=True)
class AssignFollowUp(Attributed):
    """A floor manager gives a follow-up to a staff member (staff number)."""

    name: ClassVar[str] = "assign_follow_up"
    follow_up: str
    staff: str


@dataclass(frozen=True, slots=True)
class RecordCallback(Attributed):
    """The citizen was called back: `outcome` `reached` or `unreachable` (may be retried)."""

    name: ClassVar[str] = "record_callback"
    follow_up: str
    outcome: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class RectifyFollowUp(Attributed):
    """What the hall changed (整改措施)."""

    name: ClassVar[str] = "rectify_follow_up"
    follow_up: str
    note: str


@dataclass(frozen=True, slots=True)
class CloseFollowUp(Attributed):
    """The follow-up is done: the citizen satisfied with the outcome or not."""

    name: ClassVar[str] = "close_follow_up"
    follow_up: str
    satisfied: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class FileComplaint(Attributed):
    """A complaint (投诉) from a kiosk, a tablet or the 12345 hotline (`channel`), optionally
    about a ticket or a case."""

    name: ClassVar[str] = "file_complaint"
    text: str
    channel: str
    ticket: str | None = None
    case: str | None = None


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
    | OpenCase
    | RequestDocuments
    | SubmitDocuments
    | ApproveCase
    | RejectCase
    | ReadyCase
    | DeliverCase
    | RequestHelp
    | ClaimHelp
    | CloseHelp
    | AssignFollowUp
    | RecordCallback
    | RectifyFollowUp
    | CloseFollowUp
    | FileComplaint
)
