"""HTTP for the feedback loop (差评整改, 投诉, 回访): the tablet's 整改 board and the phone for a
callback.

- `GET /api/halls/{hall}/follow-ups` (a tablet's or the admin token): every follow-up the hall
  has now (open ones, and those closed today) with what opened it, the citizen's words (the
  rating's comment, the complaint's text) and the staff's notes, plus the figures. Never a
  phone: the event stream and hall-wide devices get the public part only
  (`displays.views.public_follow_up`).
- `GET /api/halls/{hall}/follow-ups/{id}/phone` (a tablet's or the admin token): the phone of a
  callback task's booking, only while the callback step is open (not yet reached, not closed).
  Logged with the follow-up and the device, never the phone.

- `GET /api/halls/{hall}/follow-ups/{YYYY-MM}.csv` (the admin token; `?lang=en`): the month's
  ledger (`hall/report/follow_ups.py`).

Complaints from the 12345 hotline come in through `POST /api/halls/{hall}/commands/file_complaint`
with the admin token (docs/follow-ups.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from displays.errors import BadRequest, Forbidden, InternalError
from displays.interface import DeviceIdentity
from displays.kinds import ADMIN, TABLET
from displays.views import follow_up_view
from hall.report.follow_ups import BadMonth, Month, month_csv, read_month
from hall.server.callers import caller, require_admin, require_hall, server_of
from hall.storage import SqlStore
from hall.storage.base import Store
from queueing import errors, follow_ups
from queueing.model import FOLLOW_UP_CLOSED, FollowUp, HallState

log = logging.getLogger("hall.follow_ups")

BOARD_KINDS = frozenset({ADMIN, TABLET})


async def _board_caller(request: Request, hall: str) -> DeviceIdentity:
    require_hall(request, hall)
    who = await caller(request, hall)
    if who.kind not in BOARD_KINDS:
        raise Forbidden("follow-ups are for tablets and the admin")
    return who


def board_entry(state: HallState, follow_up: FollowUp) -> dict[str, Any]:
    """A follow-up as the 整改 board shows it: the public part plus the citizen's words and the
    staff's notes; `has_phone` says whether a callback phone can be looked up."""
    return {
        **follow_up_view(state, follow_up),
        "comment": follow_up.comment,
        "callback_note": follow_up.callback_note,
        "rectification": follow_up.rectification,
        "close_note": follow_up.close_note,
        "has_phone": follow_up.booking is not None,
    }


async def get_follow_ups(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    await _board_caller(request, hall)
    server = server_of(request)
    state = server.engine.view(hall).state
    now = server.seen.clock().timestamp()
    board = sorted(state.follow_ups.values(), key=lambda f: (f.status == FOLLOW_UP_CLOSED, f.due))
    return JSONResponse(
        {
            "follow_ups": [board_entry(state, f) for f in board],
            "figures": follow_ups.figures(state.follow_ups.values(), now),
        },
        headers={"Cache-Control": "no-store"},
    )


async def get_follow_up_phone(request: Request) -> JSONResponse:
    hall, follow_up_id = request.path_params["hall"], request.path_params["follow_up"]
    who = await _board_caller(request, hall)
    server = server_of(request)
    follow_up = server.engine.view(hall).state.follow_ups.get(follow_up_id)
    if follow_up is None:
        raise errors.UnknownFollowUp(f"no follow-up {follow_up_id!r}")
    if follow_up.status == FOLLOW_UP_CLOSED or follow_up.outcome == follow_ups.REACHED:
        raise Forbidden("the phone is shown during the callback step only")
    phone = await asyncio.to_thread(_phone_on_file, server.store, hall, follow_up)
    if not phone:
        raise errors.UnknownFollowUp(f"follow-up {follow_up_id!r} has no phone on file")
    log.info("follow-up phone shown hall=%s follow_up=%s device=%s", hall, follow_up_id, who.id)
    return JSONResponse({"phone": phone}, headers={"Cache-Control": "no-store"})


def _phone_on_file(store: Store, hall: str, follow_up: FollowUp) -> str:
    """The phone the citizen left with the booking or the case the follow-up is about."""
    if follow_up.booking is not None:
        record = store.appointment(hall, follow_up.booking)
        return record.phone if record is not None else ""
    if follow_up.case is not None:
        return store.case_phone(hall, follow_up.case)
    return ""


async def get_month_csv(request: Request) -> Response:
    """The month's follow-up ledger as CSV (`hall/report/follow_ups.py`): the admin token."""
    hall, name = request.path_params["hall"], request.path_params["month"]
    engine = require_hall(request, hall)
    require_admin(request)
    config = engine.view(hall).state.config
    try:
        month = Month.of(name, config.timezone)
    except BadMonth as error:
        raise BadRequest(str(error)) from None
    store = server_of(request).store
    if not isinstance(store, SqlStore):
        raise InternalError("the ledger needs the SQL store")
    rows = await asyncio.to_thread(read_month, store.engine, config, month)
    lang = request.query_params.get("lang", "zh-CN")
    headers = {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{hall}-{name}-follow-ups.csv"',
    }
    body = month_csv(config, rows, lang)
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


def follow_up_routes() -> list[Route]:
    return [
        Route("/api/halls/{hall}/follow-ups", get_follow_ups),
        Route("/api/halls/{hall}/follow-ups/{month}.csv", get_month_csv),
        Route("/api/halls/{hall}/follow-ups/{follow_up}/phone", get_follow_up_phone),
    ]
