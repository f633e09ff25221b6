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


class ConfigError(ValueError):
    """A hall configuration document with problems; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class InvalidArgument(DomainError):
    """An argument the edge let through but the hall cannot use."""

    code = "bad_request"
    status = 400
