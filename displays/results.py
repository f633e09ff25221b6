"""A successful command's `result` (PROTOCOL "Results"), rendered once when it commits.

`render_result(command, events, state_after, estimate)`: the new ticket with its place in line,
expected wait, tracker token and printed lines for `issue_ticket` / `check_in` / `reactivate`;
the ticket acted on for clerk commands; the window for window commands. The reply goes to the
device that sent the command only, so the ticket's own `track` token may appear here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from math import ceil
from typing import Any
from zoneinfo import ZoneInfo

from displays import i18n
from displays.case_views import case_result
from displays.views import (
    follow_up_view,
    iso_utc,
    public_help,
    public_ticket,
    rough_wait,
    ticket_position,
    window_view,
)
from queueing import cases, follow_ups
from queueing import commands as cmd
from queueing import events as ev
from queueing.estimate import Estimate
from queueing.model import APPOINTMENT, CLOSED, GREEN, NORMAL, PAUSED, HallState, Ticket

_TICKET_EVENTS = (
    ev.TicketIssued,
    ev.TicketCalled,
    ev.TicketServing,
    ev.TicketFinished,
    ev.TicketNoShow,
    ev.TicketTransferred,
    ev.TicketParked,
    ev.TicketUnparked,
    ev.TicketCancelled,
    ev.TicketReactivated,
    ev.TicketMoved,
    ev.TicketPrioritised,
)


def render_result(
    command: cmd.Command,
    events: Sequence[ev.Event],
    state_after: HallState,
    estimate: Estimate | None,
    lang: str = i18n.ZH,
) -> dict[str, Any]:
    """The `result` of a command that `decide` accepted and whose `events` were applied."""
    context = _Context(command, events, state_after, estimate, lang)
    render = _RESULTS.get(type(command), _event_names)
    return render(context)


class _Context:
    __slots__ = ("command", "events", "state", "estimate", "lang")

    def __init__(
        self,
        command: cmd.Command,
        events: Sequence[ev.Event],
        state: HallState,
        estimate: Estimate | None,
        lang: str,
    ) -> None:
        self.command = command
        self.events = [e for e in events if not isinstance(e, ev.DayStarted)]
        self.state = state
        self.estimate = estimate
        self.lang = lang

    def ticket(self) -> Ticket | None:
        """The ticket the command acted on: the first ticket event's snapshot."""
        found = next((e for e in self.events if isinstance(e, _TICKET_EVENTS)), None)
        return found.ticket if found is not None else None

    def eta(self, ticket: Ticket, position: int | None) -> int | None:
        """Expected seconds to the call. The engine may hand in the estimate made before the
        command: then a new walk-in takes the expected wait of a new ticket in its queue, and
        other tickets (green channel, appointments, reactivated) a `rough_wait` from their
        place in line, as does any ticket no open window serves yet."""
        if position is None:
            return None
        estimate = self.estimate
        seconds = estimate.tickets.get(ticket.id) if estimate is not None else None
        if seconds is None and estimate is not None and self._new_walk_in(ticket):
            seconds = estimate.new_ticket.get(ticket.queue)
        if seconds is None:
            return rough_wait(self.state, ticket.queue, position)
        return max(0, round(seconds))

    def _new_walk_in(self, ticket: Ticket) -> bool:
        issued = any(isinstance(e, ev.TicketIssued) for e in self.events)
        return issued and ticket.priority == NORMAL and ticket.target_window is None


# --- new tickets -----------------------------------------------------------------------------


def _new_ticket(context: _Context) -> dict[str, Any]:
    ticket = context.ticket()
    assert ticket is not None, "issue_ticket, check_in and reactivate issue a ticket"
    position = ticket_position(context.state, ticket.id)
    eta = context.eta(ticket, position)
    return {
        "ticket": public_ticket(ticket),
        "position": position,
        "eta_seconds": eta,
        "track": ticket.track,
        "print": print_lines(context.state, ticket, position, eta, context.lang),
    }


def print_lines(
    state: HallState, ticket: Ticket, position: int | None, eta: int | None, lang: str = i18n.ZH
) -> list[str]:
    """The lines an 80 mm ticket printer prints, top to bottom: hall name, service name, the
    number (the third line, printed large), a priority line where it applies, people ahead,
    expected wait, where to wait (the queue's area, where the hall sets one), issue time in the
    hall's zone, a hint. The QR code (from `track`) goes last."""
    config = state.config
    service = config.service(ticket.service)
    lines = [config.name, service.name if service is not None else ticket.service, ticket.number]
    label = _priority_label(ticket)
    if label is not None:
        lines.append(i18n.t(label, lang))
    lines.append(i18n.t("print.ahead", lang, count=position or 0))
    lines.append(_wait_line(state, ticket, eta, lang))
    queue = config.queue(ticket.queue)
    if queue is not None and queue.area:
        lines.append(i18n.t("print.area", lang, area=queue.area))
    issued = datetime.fromtimestamp(ticket.issued_at, ZoneInfo(config.timezone))
    lines.append(i18n.t("print.issued_at", lang, time=issued.strftime("%Y-%m-%d %H:%M")))
    lines.append(i18n.t("print.hint", lang))
    return lines


def _priority_label(ticket: Ticket) -> str | None:
    if ticket.priority == GREEN:
        return "print.priority.green"
    if ticket.priority == APPOINTMENT:
        return "print.priority.appointment"
    return None


def _wait_line(state: HallState, ticket: Ticket, eta: int | None, lang: str) -> str:
    if eta is None:
        return i18n.t("print.wait_unknown", lang)
    if eta >= 60:
        return i18n.t("print.wait", lang, minutes=ceil(eta / 60))
    if _window_open_for(state, ticket.queue):
        return i18n.t("print.wait_none", lang)
    return i18n.t("print.wait_not_open", lang)


def _window_open_for(state: HallState, queue: str) -> bool:
    return any(
        w.status not in (CLOSED, PAUSED) and queue in w.queues for w in state.windows.values()
    )


# --- clerk, window and other commands --------------------------------------------------------


def _acted_on(context: _Context) -> dict[str, Any]:
    ticket = context.ticket()
    return {"ticket": public_ticket(ticket) if ticket is not None else None}


def _window(context: _Context) -> dict[str, Any]:
    window_id = getattr(context.command, "window", "")
    window = context.state.windows.get(window_id)
    return {"window": window_view(context.state, window) if window is not None else None}


def _rate(context: _Context) -> dict[str, Any]:
    submitted = next(e for e in context.events if isinstance(e, ev.RatingSubmitted))
    return {
        "ticket": {"id": submitted.ticket, "number": submitted.number},
        "score": submitted.score,
        "label": i18n.rating_label(submitted.score, context.lang),
        "follow_up": any(isinstance(e, ev.FollowUpOpened) for e in context.events),
    }


def _broadcast(context: _Context) -> dict[str, Any]:
    sent = next(e for e in context.events if isinstance(e, ev.HallBroadcast))
    return {"text": sent.text}


def _book(context: _Context) -> dict[str, Any]:
    booked = next(e for e in context.events if isinstance(e, ev.AppointmentBooked))
    appointment = booked.appointment
    return {
        "booking": {
            "code": appointment.code,
            "service": appointment.service,
            "slot_start": iso_utc(appointment.slot_start),
        }
    }


def _cancel_booking(context: _Context) -> dict[str, Any]:
    assert isinstance(context.command, cmd.CancelBooking)
    return {"code": context.command.code}


_HELP_EVENTS = (ev.HelpRequested, ev.HelpClaimed, ev.HelpClosed)


def _help(context: _Context) -> dict[str, Any]:
    """A help command's request as it is now (a claim repeated by its own guide: unchanged)."""
    found = [e for e in context.events if isinstance(e, _HELP_EVENTS)]
    if found:
        event = found[-1]
        body: dict[str, Any] = {"help": public_help(event.help)}
        if isinstance(event, ev.HelpClosed):
            body["note"] = event.note  # the guide's own reply: the note is theirs to see
        return body
    request = context.state.help_requests.get(getattr(context.command, "help", ""))
    return {"help": public_help(request) if request is not None else None}


def _follow_up(context: _Context) -> dict[str, Any]:
    """A follow-up command's follow-up as it is now (public fields: the tablet's board reads
    the citizen's words over HTTP)."""
    found = [e for e in context.events if isinstance(e, follow_ups.EVENTS)]
    follow_up = follow_ups.of_event(found[-1])
    return {"follow_up": follow_up_view(context.state, follow_up)}


def _case(context: _Context) -> dict[str, Any]:
    return case_result(context.command, context.events, context.state)


def _event_names(context: _Context) -> dict[str, Any]:
    return {"events": [e.name for e in context.events]}


_RESULTS: Mapping[type[Any], Callable[[_Context], dict[str, Any]]] = {
    cmd.IssueTicket: _new_ticket,
    cmd.CheckIn: _new_ticket,
    cmd.Reactivate: _new_ticket,
    cmd.CallNext: _acted_on,
    cmd.CallTicket: _acted_on,
    cmd.Recall: _acted_on,
    cmd.Start: _acted_on,
    cmd.Finish: _acted_on,
    cmd.NoShow: _acted_on,
    cmd.Transfer: _acted_on,
    cmd.Park: _acted_on,
    cmd.Unpark: _acted_on,
    cmd.CancelTicket: _acted_on,
    cmd.MoveTicket: _acted_on,
    cmd.PrioritiseTicket: _acted_on,
    cmd.SignIn: _window,
    cmd.SignOut: _window,
    cmd.OpenWindow: _window,
    cmd.CloseWindow: _window,
    cmd.Pause: _window,
    cmd.Resume: _window,
    cmd.SetWindowQueues: _window,
    cmd.Rate: _rate,
    cmd.Broadcast: _broadcast,
    cmd.Book: _book,
    cmd.CancelBooking: _cancel_booking,
    cmd.RequestHelp: _help,
    cmd.ClaimHelp: _help,
    cmd.CloseHelp: _help,
    **dict.fromkeys(follow_ups.COMMAND_HANDLERS, _follow_up),
    **dict.fromkeys(cases.DECIDERS, _case),
}
"""Each command's result; any other command (tick, configure) lists the events it caused."""
