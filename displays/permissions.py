"""Who may send what, and who receives which events: docs/protocol.md's Permissions as data.

`authorize(kind, device_window, command)` returns the command a device may run (a rating pad's
`rate` comes back bound to its window) or raises `Forbidden`. `receives(kind, device_window,
track_ticket_id, event)` says whether a device gets an event. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

from displays.errors import Forbidden
from displays.kinds import (
    ADMIN,
    CALL_SCREEN,
    CLERK,
    GUIDE,
    HALL_WIDE_KINDS,
    KIOSK,
    OFFICE,
    RATING_PAD,
    TABLET,
    TRACKER,
    WINDOW_SCREEN,
)
from displays.protocol import SessionCommand, SignInRequest
from queueing import commands as cmd
from queueing import events as ev
from queueing.stream import SequencedEvent

C = TypeVar("C", bound=cmd.Command | SignInRequest | SessionCommand)


CLERK_COMMANDS = frozenset(
    {
        "sign_in",
        "sign_out",
        "pause",
        "resume",
        "call_next",
        "call",
        "recall",
        "start",
        "finish",
        "no_show",
        "transfer",
        "park",
        "unpark",
    }
)
CASE_CLERK_COMMANDS = frozenset(
    {"open_case", "request_documents", "submit_documents", "deliver_case"}
)
"""Cases (办件, queueing/cases.py) at the window: accept, ask for and take documents, hand over."""
OFFICE_COMMANDS = frozenset(
    {"request_documents", "approve_case", "reject_case", "ready_case", "deliver_case"}
)
"""A back office's commands, on its own office's cases (the edge binds the office)."""
CLERK_COMMANDS |= CASE_CLERK_COMMANDS
TABLET_COMMANDS = CLERK_COMMANDS | {
    "issue_ticket",
    "open_window",
    "close_window",
    "broadcast",
    "cancel_ticket",
    "move_ticket",
    "prioritise_ticket",
    "set_window_queues",
}
FOLLOW_UP_COMMANDS = frozenset(
    {"assign_follow_up", "record_callback", "rectify_follow_up", "close_follow_up"}
)
"""差评整改, 投诉, 回访: a tablet's floor manager steps a follow-up on (queueing/follow_ups.py)."""
TABLET_COMMANDS |= FOLLOW_UP_COMMANDS | {"file_complaint"}
TABLET_COMMANDS |= OFFICE_COMMANDS  # a floor manager may step any office's case on (办件)
TABLET_SESSION_COMMANDS = frozenset({"manager_sign_in", "ack_alert"})
"""Commands the gateway answers itself: a floor manager's sign-in, acknowledging an alert."""

GUIDE_COMMANDS = frozenset({"issue_ticket", "claim_help", "close_help"})
"""A guide's commands (导办/帮办): each needs a staff member signed in on the phone's
connection with `guide_sign_in`, whose staff number goes on the command (`by`)."""
GUIDE_SESSION_COMMANDS = frozenset({"guide_sign_in"})

MAY_SEND: Mapping[str, frozenset[str]] = {
    KIOSK: frozenset(
        {"issue_ticket", "check_in", "reactivate", "request_help", "file_complaint"}
        | {"submit_documents"}  # 补正: a citizen hands a case's documents in (办件)
    ),
    CLERK: CLERK_COMMANDS,
    CALL_SCREEN: frozenset(),
    WINDOW_SCREEN: frozenset(),
    RATING_PAD: frozenset({"rate"}),
    TABLET: TABLET_COMMANDS | TABLET_SESSION_COMMANDS,
    TRACKER: frozenset(),
    GUIDE: GUIDE_COMMANDS | GUIDE_SESSION_COMMANDS,
    OFFICE: OFFICE_COMMANDS,
}
"""Command names each kind may send. `admin` (the admin token over HTTP) may send anything."""

MANAGER_COMMANDS = MAY_SEND[TABLET] - TABLET_SESSION_COMMANDS
"""A tablet's hall-changing commands: every tablet command but the session commands. While the
hall rule `tablet_requires_manager` holds, a tablet sends them only with a floor manager signed
in on its connection, whose staff number goes on their events."""

OWN_WINDOW_ONLY = frozenset({CLERK})
"""Kinds whose commands must name their own window."""

ASSISTING = frozenset({GUIDE, TABLET})
"""Kinds that may issue a 帮办 ticket (`issue_ticket` with `assisted: true`)."""

METRICS_KINDS = frozenset({TABLET, ADMIN})
"""Kinds sent the live `metrics` message without asking."""


def authorize(kind: str, device_window: str | None, command: C) -> C:
    """The command as this device may run it, or `Forbidden`."""
    if kind == ADMIN:
        return command
    allowed = MAY_SEND.get(kind)
    if allowed is None:
        raise Forbidden(f"unknown device kind {kind!r}")
    if command.name not in allowed:
        raise Forbidden(f"a {kind} may not send {command.name!r}")
    command = _bind_case(kind, device_window, command)
    if kind in OWN_WINDOW_ONLY:
        _require_own_window(kind, device_window, command)
    if isinstance(command, cmd.IssueTicket) and command.assisted and kind not in ASSISTING:
        raise Forbidden(f"a {kind} may not issue an assisted (帮办) ticket")
    if isinstance(command, cmd.FileComplaint) and kind == KIOSK:
        return replace(command, channel=KIOSK)  # a citizen at a kiosk files through it
    if isinstance(command, cmd.Rate):
        if device_window is None:
            raise Forbidden("this rating pad is bound to no window")
        return replace(command, window=device_window)
    return command


def _bind_case(kind: str, device_window: str | None, command: C) -> C:
    """A case command from a clerk acts for its window, from an office for its office."""
    if kind == CLERK and isinstance(command, _CASE_AT_WINDOW):
        return replace(command, window=device_window)
    if kind == OFFICE and isinstance(command, _CASE_AT_OFFICE):
        if device_window is None:
            raise Forbidden("this office device is bound to no office")
        return replace(command, office=device_window)
    return command


_CASE_AT_WINDOW = (cmd.OpenCase, cmd.RequestDocuments, cmd.SubmitDocuments, cmd.DeliverCase)
_CASE_AT_OFFICE = (
    cmd.RequestDocuments,
    cmd.ApproveCase,
    cmd.RejectCase,
    cmd.ReadyCase,
    cmd.DeliverCase,
)


def _require_own_window(
    kind: str, device_window: str | None, command: cmd.Command | SignInRequest | SessionCommand
) -> None:
    window = getattr(command, "window", None)
    if device_window is None or window != device_window:
        raise Forbidden(f"a {kind} acts for its own window {device_window!r} only")


# --- which events a device receives ----------------------------------------------------------

_PUBLIC_EVENTS = (ev.DayStarted, ev.HallBroadcast)
"""Events every connected device receives, whatever its kind."""

_WINDOW_WIDE_EVENTS = (*_PUBLIC_EVENTS, ev.HallConfigured)
"""Events that concern every window (windows close at day start, names change with config)."""

_STAFF_EVENTS = (
    ev.FollowUpOpened,
    ev.FollowUpAssigned,
    ev.FollowUpCalledBack,
    ev.FollowUpRectified,
    ev.FollowUpClosed,
    ev.FollowUpOverdue,
)
"""Management matters: hall-wide (staff) devices only, never a window's or a citizen's."""


def receives(
    kind: str,
    device_window: str | None,
    track_ticket_id: str | None,
    event: ev.Event | SequencedEvent,
) -> bool:
    """Whether a device of `kind` (bound to `device_window`, or tracking `track_ticket_id`)
    is sent `event`."""
    if isinstance(event, SequencedEvent):
        event = event.event
    if kind in HALL_WIDE_KINDS:
        return True
    if isinstance(event, _STAFF_EVENTS):
        return False
    if kind in (WINDOW_SCREEN, RATING_PAD):
        return _window_receives(device_window, event)
    if kind == OFFICE:  # its own office's cases, nothing else
        return isinstance(event, ev.CASE_EVENTS) and event.case.office == device_window
    if kind == TRACKER:
        if isinstance(event, _PUBLIC_EVENTS):
            return True
        if isinstance(event, ev.CASE_EVENTS):  # a case's tracker (`case_track`)
            return event.case.id == track_ticket_id
        return track_ticket_id is not None and event_ticket(event) == track_ticket_id
    return False


def _window_receives(device_window: str | None, event: ev.Event) -> bool:
    if isinstance(event, _WINDOW_WIDE_EVENTS):
        return True
    return device_window is not None and device_window in event_windows(event)


def event_windows(event: ev.Event) -> frozenset[str]:
    """The windows an event concerns."""
    match event:
        case ev.WindowChanged(window=window):
            return frozenset({window.id})
        case ev.TicketTransferred(from_window=source, to_window=target):
            return frozenset({source} if target is None else {source, target})
        case (
            ev.TicketCalled()
            | ev.TicketServing()
            | ev.TicketFinished()
            | ev.TicketNoShow()
            | ev.TicketParked()
            | ev.TicketUnparked()
            | ev.RatingRequested()
            | ev.RatingSubmitted()
            | ev.RatingExpired()
            | ev.FollowUpOpened()
        ):
            return frozenset({event.window})
        case ev.TicketMoved(from_window=source, to_window=target):
            return frozenset(w for w in (source, target) if w is not None)
        case (
            ev.TicketCancelled(ticket=ticket)
            | ev.TicketExpired(ticket=ticket)
            | ev.TicketPrioritised(ticket=ticket)
        ):
            return frozenset(w for w in (ticket.window, ticket.target_window) if w is not None)
    return frozenset()


def event_ticket(event: ev.Event) -> str | None:
    """The id of the ticket an event is about, if any."""
    match event:
        case (
            ev.TicketIssued(ticket=ticket)
            | ev.TicketCalled(ticket=ticket)
            | ev.TicketServing(ticket=ticket)
            | ev.TicketFinished(ticket=ticket)
            | ev.TicketNoShow(ticket=ticket)
            | ev.TicketTransferred(ticket=ticket)
            | ev.TicketParked(ticket=ticket)
            | ev.TicketUnparked(ticket=ticket)
            | ev.TicketCancelled(ticket=ticket)
            | ev.TicketReactivated(ticket=ticket)
            | ev.TicketMoved(ticket=ticket)
            | ev.TicketPrioritised(ticket=ticket)
            | ev.TicketExpired(ticket=ticket)
            | ev.RatingRequested(ticket=ticket)
        ):
            return ticket.id
        case (
            ev.RatingSubmitted(ticket=ticket_id)
            | ev.RatingExpired(ticket=ticket_id)
            | ev.FollowUpOpened(ticket=ticket_id)
            | ev.AppointmentCheckedIn(ticket=ticket_id)
        ):
            return ticket_id
    return None


def needs_guide(kind: str, name: str) -> bool:
    """Whether the command `name` from a device of `kind` is a guide's command, made by the
    staff member signed in on the phone (`guide_sign_in`)."""
    return kind == GUIDE and name in GUIDE_COMMANDS


def needs_manager(kind: str, name: str) -> bool:
    """Whether the command `name` from a device of `kind` is a tablet's hall-changing command."""
    return kind == TABLET and name in MANAGER_COMMANDS


def receives_metrics(kind: str) -> bool:
    """Whether the gateway pushes the live `metrics` message to this kind unasked."""
    return kind in METRICS_KINDS
