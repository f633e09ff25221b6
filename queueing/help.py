"""Help requests (导办/帮办): a kiosk's 需要帮助 button calls a floor guide.

The life of a request: `request_help` from a kiosk opens it (`help.requested`); one guide takes it
with `claim_help` (`help.claimed`); that guide ends it with `close_help` and an optional note
(`help.closed`), and it leaves the state. Who the guide is comes in as the command's `by` (the
staff number the guide signed in with on the phone). Refusals:

- `unknown_help`: no open or claimed request with that id (never raised, closed already, or
  from an earlier day);
- `help_taken`: another guide claimed it first (claiming one's own claim again changes nothing);
- `help_not_claimed`: closing a request nobody claimed;
- `help_not_yours`: closing a request another guide claimed;
- `help_pending`: a kiosk asking again while its previous request is still open or claimed;
- `staff_required`: a claim, close or 帮办 ticket without a guide's staff number.

Help requests do not outlive the service day: the new day's state starts without them (the
citizen has gone home), and the report counts them as raised but not closed.
"""

from __future__ import annotations

from queueing import commands as cmd
from queueing import errors
from queueing import events as ev
from queueing.frozen import replace
from queueing.model import HELP_CLAIMED, HELP_CLOSED, HallState, HelpRequest

MAX_REASON = 200
MAX_NOTE = 500

# --- decide ----------------------------------------------------------------------------------


def request_help(state: HallState, command: cmd.RequestHelp, t: float) -> list[ev.Event]:
    reason = command.reason.strip()
    if len(reason) > MAX_REASON:
        raise errors.InvalidText(f"reason: at most {MAX_REASON} characters")
    kiosk = command.kiosk
    if any(h.kiosk == kiosk for h in state.help_requests.values()):
        raise errors.HelpPending(f"kiosk {command.kiosk_name or kiosk} has asked for help already")
    number = state.help_count + 1
    help_id = f"{state.day.replace('-', '')}-H{number:03d}"
    request = HelpRequest(help_id, kiosk, command.kiosk_name or kiosk, reason, t)
    return [ev.HelpRequested(request)]


def claim_help(state: HallState, command: cmd.ClaimHelp, t: float) -> list[ev.Event]:
    staff = _staff(command.by)
    request = _request(state, command.help)
    if request.state == HELP_CLAIMED:
        if request.staff == staff:
            return []
        raise errors.HelpTaken(f"help request {request.id} is taken by guide {request.staff}")
    claimed = replace(request, state=HELP_CLAIMED, staff=staff, claimed_at=t)
    return [ev.HelpClaimed(claimed, staff)]


def close_help(state: HallState, command: cmd.CloseHelp, t: float) -> list[ev.Event]:
    staff = _staff(command.by)
    request = _request(state, command.help)
    if request.state != HELP_CLAIMED:
        raise errors.HelpNotClaimed(f"help request {request.id} is not claimed: claim it first")
    if request.staff != staff:
        raise errors.HelpNotYours(f"help request {request.id} is claimed by guide {request.staff}")
    note = command.note.strip()
    if len(note) > MAX_NOTE:
        raise errors.InvalidText(f"note: at most {MAX_NOTE} characters")
    return [ev.HelpClosed(replace(request, state=HELP_CLOSED), staff, note)]


def assisted_by(command: cmd.IssueTicket) -> str | None:
    """The guide's staff number on a 帮办 ticket; None for any other ticket."""
    if not command.assisted:
        return None
    return _staff(command.by)


def _staff(by: str | None) -> str:
    if not by:
        raise errors.StaffRequired("sign in with a staff number first (guide_sign_in)")
    return by


def _request(state: HallState, help_id: str) -> HelpRequest:
    request = state.help_requests.get(help_id)
    if request is None:
        raise errors.UnknownHelp(f"no open help request {help_id!r}")
    return request


# --- apply -----------------------------------------------------------------------------------


def requested(state: HallState, event: ev.HelpRequested) -> HallState:
    requests = dict(state.help_requests)
    requests[event.help.id] = event.help
    return replace(state, help_requests=requests, help_count=state.help_count + 1)


def claimed(state: HallState, event: ev.HelpClaimed) -> HallState:
    requests = dict(state.help_requests)
    requests[event.help.id] = event.help
    return replace(state, help_requests=requests)


def closed(state: HallState, event: ev.HelpClosed) -> HallState:
    requests = {k: v for k, v in state.help_requests.items() if k != event.help.id}
    return replace(state, help_requests=requests)


def open_requests(state: HallState) -> list[HelpRequest]:
    """Open and claimed requests, oldest first."""
    return sorted(state.help_requests.values(), key=lambda h: (h.requested_at, h.id))
