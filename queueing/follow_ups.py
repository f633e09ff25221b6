"""Follow-ups: the feedback loop 受理—办理—反馈—改进 (差评整改, 投诉, 回访).

A follow-up is one of three types:

- `rating`: a citizen rated a service 1 or 2 (非常不满意/不满意);
- `complaint`: a complaint (投诉) filed at a kiosk, on a tablet or through the 12345 hotline;
- `callback`: a 回访 task for a share (`rules.callback_share`) of finished services with a
  phone on file (a booking's; a case's through `callback_for_case`).

Its lifecycle: open → assigned (to a staff member) → called back (`reached`; `unreachable` may
be tried again) → rectified (what the hall changed) → closed (citizen satisfied or not). A
callback task closes after the citizen was reached, without a rectification; a rating's or a
complaint's closes only after its rectification. Deadlines count working days of the hall's
calendar (`queueing/calendar.py`): the callback within `rules.callback_working_days`, closing
within `rules.rectify_working_days` (ratings) or `rules.complaint_reply_working_days`
(complaints). A deadline that passes while the follow-up is open gives `follow_up.overdue` once
per step (`tick`).

Pure functions of the state, the command and the time handed in, like `decide` and `apply`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from queueing import commands as cmd
from queueing import errors
from queueing import events as ev
from queueing.calendar import service_day, working_deadline
from queueing.frozen import replace
from queueing.model import (
    FOLLOW_UP_ASSIGNED,
    FOLLOW_UP_CALLED_BACK,
    FOLLOW_UP_CLOSED,
    FOLLOW_UP_OPEN,
    FOLLOW_UP_RECTIFIED,
    FollowUp,
    HallState,
    PendingRating,
    Ticket,
)

Events = list[ev.Event]

RATING = "rating"
COMPLAINT = "complaint"
CALLBACK = "callback"
TYPES = (RATING, COMPLAINT, CALLBACK)

REACHED = "reached"
UNREACHABLE = "unreachable"
OUTCOMES = (REACHED, UNREACHABLE)

CHANNELS = ("kiosk", "tablet", "12345", "phone", "web", "letter", "in_person")
"""Where complaints come from: a kiosk, a tablet, the 12345 hotline, the hall's own phone, its
website, a letter, a citizen at the front desk."""

STEP_CALLBACK = "callback"
STEP_CLOSE = "close"

MAX_COMPLAINT = 2000
MAX_NOTE = 2000
SHARE_SCALE = 10_000


# --- opening -------------------------------------------------------------------------------


def for_rating(
    state: HallState, pending: PendingRating, rate: cmd.Rate, t: float
) -> ev.FollowUpOpened:
    """The follow-up a rating of 1 or 2 opens."""
    rules = state.config.rules
    snapshot = pending.snapshot
    follow_up = FollowUp(
        id=f"FU-{pending.ticket}",
        type=RATING,
        opened_at=t,
        callback_due=working_deadline(state.config, t, rules.callback_working_days),
        due=working_deadline(state.config, t, rules.rectify_working_days),
        ticket=pending.ticket,
        number=pending.number,
        window=pending.window,
        clerk=pending.clerk,
        service=snapshot.service if snapshot is not None else None,
        score=rate.score,
        reasons=tuple(rate.reasons),
        comment=rate.comment,
    )
    return opened(follow_up)


def opened(follow_up: FollowUp) -> ev.FollowUpOpened:
    """`follow_up.opened` for a new follow-up, with the fields older readers know."""
    return ev.FollowUpOpened(
        follow_up.id,
        follow_up.ticket or "",
        follow_up.number,
        follow_up.window or "",
        follow_up.clerk,
        follow_up.score or 0,
        follow_up.callback_due,
        follow_up,
    )


def selected_for_callback(key: str, share: float) -> bool:
    """Whether `key` (a ticket or case id) falls in the hall's callback share: a fixed hash of
    the key against the share, so the same service is chosen on every replay."""
    if share <= 0:
        return False
    return zlib.crc32(key.encode()) % SHARE_SCALE < round(share * SHARE_SCALE)


def callback_for_ticket(state: HallState, ticket: Ticket, clerk: str | None, t: float) -> Events:
    """A 回访 task for a finished ticket that came from a booking (whose phone the server keeps),
    when the hall's callback share selects it; else nothing."""
    if ticket.booking is None or not selected_for_callback(ticket.id, _share(state)):
        return []
    follow_up = _callback(state, f"CB-{ticket.id}", t)
    follow_up = replace(
        follow_up,
        ticket=ticket.id,
        number=ticket.number,
        window=ticket.window,
        clerk=clerk,
        service=ticket.service,
        booking=ticket.booking,
    )
    return [opened(follow_up)]


def callback_for_case(
    state: HallState, case: str, service: str | None, has_phone: bool, t: float
) -> Events:
    """The hook for cases (办件): a 回访 task for a closed case with a contact phone, when the
    hall's callback share selects it. The shell looks the phone up by `case`."""
    if not has_phone or not selected_for_callback(case, _share(state)):
        return []
    follow_up = replace(_callback(state, f"CB-{case}", t), case=case, service=service)
    return [opened(follow_up)]


def _share(state: HallState) -> float:
    return state.config.rules.callback_share


def _callback(state: HallState, follow_up_id: str, t: float) -> FollowUp:
    due = working_deadline(state.config, t, state.config.rules.callback_working_days)
    return FollowUp(id=follow_up_id, type=CALLBACK, opened_at=t, callback_due=due, due=due)


def file_complaint(state: HallState, command: cmd.FileComplaint, t: float) -> Events:
    text = command.text.strip()
    if not text or len(text) > MAX_COMPLAINT:
        raise errors.InvalidText(f"text: 1 to {MAX_COMPLAINT} characters")
    if command.channel not in CHANNELS:
        raise errors.UnknownChannel(f"channel {command.channel!r}: one of {', '.join(CHANNELS)}")
    rules = state.config.rules
    follow_up = FollowUp(
        id=_complaint_id(state, t),
        type=COMPLAINT,
        opened_at=t,
        callback_due=working_deadline(state.config, t, rules.callback_working_days),
        due=working_deadline(state.config, t, rules.complaint_reply_working_days),
        comment=text,
        channel=command.channel,
        case=command.case,
    )
    return [opened(_about_ticket(state, follow_up, command.ticket))]


def _complaint_id(state: HallState, t: float) -> str:
    prefix = f"CP-{service_day(state.config, t).replace('-', '')}-"
    filed = sum(1 for key in state.follow_ups if key.startswith(prefix))
    return f"{prefix}{filed + 1:03d}"


def _about_ticket(state: HallState, follow_up: FollowUp, ticket_id: str | None) -> FollowUp:
    """A complaint about a ticket: its number, window and service when the hall still has it
    (a ticket of today in play), else only its id."""
    if ticket_id is None:
        return follow_up
    ticket = state.tickets.get(ticket_id)
    if ticket is None:
        return replace(follow_up, ticket=ticket_id)
    return replace(
        follow_up,
        ticket=ticket.id,
        number=ticket.number,
        window=ticket.window,
        service=ticket.service,
    )


# --- the lifecycle ---------------------------------------------------------------------------


def _open_follow_up(state: HallState, follow_up_id: str) -> FollowUp:
    follow_up = state.follow_ups.get(follow_up_id)
    if follow_up is None:
        raise errors.UnknownFollowUp(f"no follow-up {follow_up_id!r}")
    if follow_up.status == FOLLOW_UP_CLOSED:
        raise errors.FollowUpClosed(f"follow-up {follow_up_id} is closed")
    return follow_up


def _note(text: str, field: str, required: bool = False) -> str:
    note = text.strip()
    if len(note) > MAX_NOTE or (required and not note):
        bounds = f"1 to {MAX_NOTE}" if required else f"at most {MAX_NOTE}"
        raise errors.InvalidText(f"{field}: {bounds} characters")
    return note


def assign(state: HallState, command: cmd.AssignFollowUp, t: float) -> Events:
    """Give the follow-up to a staff member; a follow-up may be reassigned until it closes."""
    follow_up = _open_follow_up(state, command.follow_up)
    staff = command.staff.strip()
    if not staff:
        raise errors.InvalidArgument("staff: required staff number")
    status = FOLLOW_UP_ASSIGNED if follow_up.status == FOLLOW_UP_OPEN else follow_up.status
    return [ev.FollowUpAssigned(replace(follow_up, assignee=staff, status=status))]


def record_callback(state: HallState, command: cmd.RecordCallback, t: float) -> Events:
    follow_up = _open_follow_up(state, command.follow_up)
    if command.outcome not in OUTCOMES:
        raise errors.InvalidArgument("outcome: must be 'reached' or 'unreachable'")
    if follow_up.status == FOLLOW_UP_OPEN:
        raise errors.FollowUpNotAssigned(f"assign follow-up {follow_up.id} first")
    if follow_up.outcome == REACHED:
        raise errors.FollowUpAlreadyReached(f"follow-up {follow_up.id}: citizen reached already")
    rectified = follow_up.status == FOLLOW_UP_RECTIFIED
    called = replace(
        follow_up,
        status=FOLLOW_UP_RECTIFIED if rectified else FOLLOW_UP_CALLED_BACK,
        outcome=command.outcome,
        attempts=follow_up.attempts + 1,
        called_back_at=t,
        callback_note=_note(command.note, "note"),
    )
    return [ev.FollowUpCalledBack(called)]


def rectify(state: HallState, command: cmd.RectifyFollowUp, t: float) -> Events:
    follow_up = _open_follow_up(state, command.follow_up)
    _require_called_back(follow_up)
    note = _note(command.note, "note", required=True)
    rectified = replace(follow_up, status=FOLLOW_UP_RECTIFIED, rectified_at=t, rectification=note)
    return [ev.FollowUpRectified(rectified)]


def close(state: HallState, command: cmd.CloseFollowUp, t: float) -> Events:
    follow_up = _open_follow_up(state, command.follow_up)
    if follow_up.type == CALLBACK:
        _require_called_back(follow_up)
        if follow_up.outcome != REACHED:
            raise errors.FollowUpNotCalledBack(f"follow-up {follow_up.id}: citizen not reached")
    elif follow_up.status != FOLLOW_UP_RECTIFIED:
        _require_called_back(follow_up)
        raise errors.FollowUpNotRectified(f"record follow-up {follow_up.id}'s rectification first")
    closed = replace(
        follow_up,
        status=FOLLOW_UP_CLOSED,
        closed_at=t,
        satisfied=command.satisfied,
        close_note=_note(command.note, "note"),
    )
    return [ev.FollowUpClosed(closed)]


def _require_called_back(follow_up: FollowUp) -> None:
    if follow_up.status == FOLLOW_UP_OPEN:
        raise errors.FollowUpNotAssigned(f"assign follow-up {follow_up.id} first")
    if follow_up.status == FOLLOW_UP_ASSIGNED:
        raise errors.FollowUpNotCalledBack(f"call follow-up {follow_up.id}'s citizen back first")


# --- deadlines -------------------------------------------------------------------------------


def overdue(state: HallState, t: float) -> Events:
    """`follow_up.overdue` for each step whose deadline passed, once per follow-up and step."""
    events: Events = []
    for follow_up in sorted(state.follow_ups.values(), key=lambda f: f.id):
        for step in late_steps(follow_up, t):
            follow_up = replace(follow_up, overdue=(*follow_up.overdue, step))
            events.append(ev.FollowUpOverdue(follow_up, step))
    return events


def late_steps(follow_up: FollowUp, t: float) -> list[str]:
    """The steps of an open follow-up past their deadline at `t` and not reported yet."""
    if follow_up.status == FOLLOW_UP_CLOSED:
        return []
    steps = []
    reached = follow_up.outcome == REACHED
    if not reached and t > follow_up.callback_due and STEP_CALLBACK not in follow_up.overdue:
        steps.append(STEP_CALLBACK)
    if t > follow_up.due and STEP_CLOSE not in follow_up.overdue:
        steps.append(STEP_CLOSE)
    return steps


def on_time(follow_up: FollowUp) -> bool:
    """Closed by its deadline (差评整改率, complaints answered on time)."""
    return follow_up.closed_at is not None and follow_up.closed_at <= follow_up.due


# --- figures ---------------------------------------------------------------------------------


def is_overdue(follow_up: FollowUp, t: float) -> bool:
    """Open and past a deadline at `t`: the callback's (citizen not reached) or the closing one."""
    if follow_up.status == FOLLOW_UP_CLOSED:
        return False
    return t > follow_up.due or (follow_up.outcome != REACHED and t > follow_up.callback_due)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(follow_ups: Iterable[FollowUp], t: float) -> dict[str, Any]:
    """The feedback loop's figures over some follow-ups (those opened in a period, or those a
    hall has now): 差评整改率 (ratings' follow-ups closed on time / opened), 回访率 (citizens
    reached / follow-ups), 回访满意率 (satisfied / closed with an answer), complaints answered
    (closed) on time, and how many are overdue at `t`."""
    every = list(follow_ups)
    ratings = [f for f in every if f.type == RATING]
    complaints = [f for f in every if f.type == COMPLAINT]
    answered = [f for f in every if f.satisfied is not None]
    reached = sum(f.outcome == REACHED for f in every)
    return {
        "opened": len(every),
        "open": sum(f.status != FOLLOW_UP_CLOSED for f in every),
        "overdue": sum(is_overdue(f, t) for f in every),
        "ratings": len(ratings),
        "ratings_closed_on_time": sum(on_time(f) for f in ratings),
        "rectify_rate": _rate(sum(on_time(f) for f in ratings), len(ratings)),
        "callback_rate": _rate(reached, len(every)),
        "satisfaction_rate": _rate(sum(bool(f.satisfied) for f in answered), len(answered)),
        "complaints": len(complaints),
        "complaints_on_time": sum(on_time(f) for f in complaints),
        "by_window": _per(every, lambda f: f.window, t),
        "by_clerk": _per(every, lambda f: f.clerk, t),
    }


def _per(
    follow_ups: list[FollowUp], key: Callable[[FollowUp], str | None], t: float
) -> dict[str, dict[str, int]]:
    """Per window or clerk (where a follow-up names one): opened, closed on time, overdue."""
    counts: dict[str, dict[str, int]] = {}
    for follow_up in follow_ups:
        subject = key(follow_up)
        if not subject:
            continue
        line = counts.setdefault(subject, {"opened": 0, "closed_on_time": 0, "overdue": 0})
        line["opened"] += 1
        line["closed_on_time"] += on_time(follow_up)
        line["overdue"] += is_overdue(follow_up, t)
    return counts


# --- state -----------------------------------------------------------------------------------


def legacy(event: ev.FollowUpOpened) -> FollowUp:
    """The follow-up an event stored before follow-ups had a lifecycle describes: a rating's,
    its deadline the callback's and the closing one (its opening time is unknown: 0)."""
    return FollowUp(
        id=event.case,
        type=RATING,
        opened_at=0.0,
        callback_due=event.deadline,
        due=event.deadline,
        ticket=event.ticket,
        number=event.number,
        window=event.window,
        clerk=event.clerk,
        score=event.score,
    )


def of_event(event: ev.Event) -> FollowUp:
    """The follow-up as a follow-up event leaves it."""
    if isinstance(event, ev.FollowUpOpened):
        return event.follow_up if event.follow_up is not None else legacy(event)
    if isinstance(event, CHANGES):
        return event.follow_up
    raise TypeError(f"{event.name} is not a follow-up event")


CHANGES = (
    ev.FollowUpAssigned,
    ev.FollowUpCalledBack,
    ev.FollowUpRectified,
    ev.FollowUpClosed,
    ev.FollowUpOverdue,
)


def apply_follow_up(state: HallState, event: Any) -> HallState:
    """Any follow-up event: the follow-up's new snapshot replaces the old."""
    follow_up = of_event(event)
    return replace(state, follow_ups={**state.follow_ups, follow_up.id: follow_up})


def carried_over(follow_ups: Mapping[str, FollowUp]) -> dict[str, FollowUp]:
    """What a new service day keeps: every follow-up not closed."""
    return {key: f for key, f in follow_ups.items() if f.status != FOLLOW_UP_CLOSED}


EVENTS = (ev.FollowUpOpened, *CHANGES)

COMMAND_HANDLERS: dict[type[Any], Callable[[HallState, Any, float], Events]] = {
    cmd.AssignFollowUp: assign,
    cmd.RecordCallback: record_callback,
    cmd.RectifyFollowUp: rectify,
    cmd.CloseFollowUp: close,
    cmd.FileComplaint: file_complaint,
}
"""`decide`'s handlers of the follow-up commands."""
