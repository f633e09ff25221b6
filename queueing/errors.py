"""Every refusal hall sends, with a stable code (part of the device protocol: never rename one)
and the HTTP status it answers with. The core raises `DomainError`s; the edges add their own
`HallError`s (`displays/errors.py`); each transport turns them into its reply at one place."""

from __future__ import annotations

from typing import Any, ClassVar

_STATUS_BY_CODE: dict[str, int] = {}


class HallError(Exception):
    """A refusal: `code` names it in protocol replies, `status` in HTTP responses. `details`
    (e.g. `problems`) go into the error body next to code and message."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            _STATUS_BY_CODE[cls.code] = cls.status

    def as_dict(self) -> dict[str, Any]:
        """The protocol's error body: `{"code", "message", ...details}`."""
        return {"code": self.code, "message": self.message, **self.details}


def status_for(code: str) -> int:
    """The HTTP status of a refusal code (500 for a code no error class declares)."""
    return _STATUS_BY_CODE.get(code, 500)


class DomainError(HallError):
    """A command the hall refuses: its state does not allow it (409 unless said otherwise)."""

    code = "domain_error"
    status = 409


class UnknownService(DomainError):
    """No such service in the hall."""

    code = "unknown_service"
    status = 404


class UnknownQueue(DomainError):
    """No such queue in the hall."""

    code = "unknown_queue"
    status = 404


class UnknownWindow(DomainError):
    """No such window in the hall."""

    code = "unknown_window"
    status = 404


class UnknownTicket(DomainError):
    """No such ticket (today)."""

    code = "unknown_ticket"
    status = 404


class UnknownBooking(DomainError):
    """No appointment with that code."""

    code = "unknown_booking"
    status = 404


class WindowClosed(DomainError):
    """The window is closed."""

    code = "window_closed"


class WindowOpen(DomainError):
    """The window is open already."""

    code = "window_open"


class WindowPaused(DomainError):
    """The window is paused."""

    code = "window_paused"


class WindowNotPaused(DomainError):
    """The window is not paused."""

    code = "window_not_paused"


class NotSignedIn(DomainError):
    """No clerk is signed in at the window, and the hall's calls need one (`require_sign_in`):
    a rating would go to nobody."""

    code = "not_signed_in"


class WindowBusy(DomainError):
    """The window has a ticket in hand."""

    code = "window_busy"


class NoCurrentTicket(DomainError):
    """The window has no ticket."""

    code = "no_current_ticket"


class NotCalled(DomainError):
    """The ticket is not in the called state."""

    code = "not_called"


class NotServing(DomainError):
    """The ticket is not being served."""

    code = "not_serving"


class NotYourWindow(DomainError):
    """The ticket belongs to another window."""

    code = "not_your_window"


class NotWaiting(DomainError):
    """The ticket is not waiting."""

    code = "not_waiting"


class NotServed(DomainError):
    """The window does not serve that queue."""

    code = "not_in_profile"


class RecallLimit(DomainError):
    """The ticket has been recalled too often."""

    code = "recall_limit"


class NotMissed(DomainError):
    """Only a missed ticket can be reactivated."""

    code = "not_missed"


class ReactivationExpired(DomainError):
    """Too late to reactivate the ticket."""

    code = "reactivation_expired"


class NotParked(DomainError):
    """The ticket is not parked."""

    code = "not_parked"


class SameTarget(DomainError):
    """The transfer goes nowhere new."""

    code = "same_target"


class AlreadyPriority(DomainError):
    """The ticket is in a priority line already (green channel or appointment)."""

    code = "already_priority"


class StaffBusy(DomainError):
    """The clerk is signed in at another window."""

    code = "staff_busy"


class SlotFull(DomainError):
    """The appointment slot is full."""

    code = "slot_full"


class SlotPast(DomainError):
    """The appointment slot has passed."""

    code = "slot_past"


class SlotInvalid(DomainError):
    """No such slot in the opening hours."""

    code = "slot_invalid"


class NotBookable(DomainError):
    """The service takes no appointments."""

    code = "not_bookable"


class BookingRestricted(DomainError):
    """Too many missed appointments to book."""

    code = "booking_restricted"


class DuplicateBooking(DomainError):
    """The booking code is in use."""

    code = "duplicate_booking"


class BookingClosed(DomainError):
    """The appointment is checked in, missed or cancelled."""

    code = "booking_closed"


class CheckInEarly(DomainError):
    """Too early to check in."""

    code = "check_in_early"


class NoRatingPending(DomainError):
    """That ticket awaits no rating (rated or expired)."""

    code = "no_rating_pending"


class InvalidScore(DomainError):
    """A rating is 1 to 5."""

    code = "invalid_score"
    status = 400


class HallClosed(DomainError):
    """The hall issues no tickets now."""

    code = "hall_closed"


class InvalidText(DomainError):
    """The text is empty or too long."""

    code = "invalid_text"
    status = 400


class InvalidConfig(DomainError):
    """The hall configuration is invalid."""

    code = "invalid_config"
    status = 400


# --- help requests (导办/帮办, queueing/help.py) ---


class UnknownHelp(DomainError):
    """No open help request with that id (unknown, closed already, or from an earlier day)."""

    code = "unknown_help"
    status = 404


class HelpTaken(DomainError):
    """Another guide has claimed the help request."""

    code = "help_taken"


class HelpNotClaimed(DomainError):
    """The help request is not claimed yet: claim it before closing it."""

    code = "help_not_claimed"


class HelpNotYours(DomainError):
    """The help request is claimed by another guide: only they close it."""

    code = "help_not_yours"


class HelpPending(DomainError):
    """The kiosk has a help request open already: a guide is on the way."""

    code = "help_pending"


class StaffRequired(DomainError):
    """The command needs the staff number of the guide sending it (`guide_sign_in`)."""

    code = "staff_required"
    status = 401


# --- follow-ups: 差评整改, 投诉, 回访 (queueing/follow_ups.py) ---


class UnknownFollowUp(DomainError):
    """No follow-up with that id (closed on an earlier day, or never opened)."""

    code = "unknown_follow_up"
    status = 404


class FollowUpClosed(DomainError):
    """The follow-up is closed already: nothing more happens to it."""

    code = "follow_up_closed"


class FollowUpNotAssigned(DomainError):
    """Nobody is assigned the follow-up yet: assign it before calling the citizen back."""

    code = "follow_up_not_assigned"


class FollowUpAlreadyReached(DomainError):
    """The citizen was reached already: the callback is recorded."""

    code = "follow_up_already_reached"


class FollowUpNotCalledBack(DomainError):
    """The citizen has not been called back yet (rectify or close after a callback)."""

    code = "follow_up_not_called_back"


class FollowUpNotRectified(DomainError):
    """A low rating's or a complaint's follow-up closes only after its rectification."""

    code = "follow_up_not_rectified"


class UnknownChannel(DomainError):
    """A complaint's channel is not one the hall takes complaints from."""

    code = "unknown_channel"
    status = 400


class ConfigError(ValueError):
    """A hall configuration document with problems; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class InvalidArgument(DomainError):
    """An argument the edge let through but the hall cannot use."""

    code = "bad_request"
    status = 400


# --- cases (办件, queueing/cases.py) ---


class UnknownCase(DomainError):
    """No case with that id (or that pickup code) is open, nor closed today."""

    code = "unknown_case"
    status = 404


class CaseExists(DomainError):
    """The ticket has a case for that service already."""

    code = "case_exists"


class CaseClosed(DomainError):
    """The case was delivered or rejected: it never changes again."""

    code = "case_closed"


class NotUnderReview(DomainError):
    """Approve, reject or ask for documents only while the case is under review (accepted,
    or its documents received)."""

    code = "not_under_review"


class NotAwaitingDocuments(DomainError):
    """Documents are submitted only for a case that asked for them (补正)."""

    code = "not_awaiting_documents"


class NotApproved(DomainError):
    """A case is made ready for pickup only once approved."""

    code = "not_approved"


class NotReady(DomainError):
    """A case is checked in for pickup and delivered only once ready."""

    code = "not_ready"


class NotYourOffice(DomainError):
    """An office acts on its own cases only."""

    code = "not_your_office"
    status = 403


class NotPickupWindow(DomainError):
    """The case is handed over at a window serving the pickup queue, to the citizen whose
    pickup ticket that window is serving; a mailed case is delivered by its office."""

    code = "not_pickup_window"


class NoPickupQueue(DomainError):
    """The hall names no pickup queue (rules.pickup_queue): certificates go by mail only."""

    code = "no_pickup_queue"
