"""Refusals of the core. Each carries a stable code that the edge turns into a protocol error."""

from __future__ import annotations


class DomainError(Exception):
    """A command the hall refuses. `code` is part of the device protocol: never rename one."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownService(DomainError):
    """No such service in the hall."""

    code = "unknown_service"


class UnknownQueue(DomainError):
    """No such queue in the hall."""

    code = "unknown_queue"


class UnknownWindow(DomainError):
    """No such window in the hall."""

    code = "unknown_window"


class UnknownTicket(DomainError):
    """No such ticket (today)."""

    code = "unknown_ticket"


class UnknownBooking(DomainError):
    """No appointment with that code."""

    code = "unknown_booking"


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


class HallClosed(DomainError):
    """The hall issues no tickets now."""

    code = "hall_closed"


class InvalidText(DomainError):
    """The text is empty or too long."""

    code = "invalid_text"


class InvalidConfig(DomainError):
    """The hall configuration is invalid."""

    code = "invalid_config"


class ConfigError(ValueError):
    """A hall configuration document with problems; `problems` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class InvalidArgument(DomainError):
    """An argument the edge let through but the hall cannot use."""

    code = "bad_request"
