"""The HTTP API: commands, snapshots, hall configuration, devices, staff, appointments, tracking.

Handlers decide nothing themselves: they check the caller (`callers.py`) and hand commands to the
command edge (`displays/command_edge.py`, the same one the websocket uses) or the engine. Every
refusal is a `HallError`, rendered as JSON `{"ok": false, "error": {...}}` by the one handler in
`app.py`.
"""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from displays.errors import Forbidden, UnknownStaff
from displays.kinds import ADMIN, TABLET
from displays.views import public_ticket, snapshot, ticket_progress
from hall.accounts import pair_device, staff_record
from hall.server.bookings import booking_routes
from hall.server.callers import (
    caller,
    idempotency_key,
    json_body,
    reply_response,
    require_admin,
    require_hall,
    server_of,
)
from hall.server.photos import photo_response
from hall.server.reports import report_routes
from queueing import errors
from queueing.config import config_document, parse_config
from queueing.errors import ConfigError
from queueing.stream import Actor

_PHONE = re.compile(r"^\+?[0-9 -]{6,20}$")
BOOKING = Actor("booking", "citizen")


# --- commands and snapshots ------------------------------------------------------------------


async def post_command(request: Request) -> JSONResponse:
    hall, name = request.path_params["hall"], request.path_params["name"]
    require_hall(request, hall)
    who = await caller(request, hall)
    args = await json_body(request)
    reply = await server_of(request).commands.run(who, name, args, idempotency_key(request))
    return reply_response(reply)


async def get_metrics(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_hall(request, hall)
    await caller(request, hall)
    return JSONResponse(server_of(request).metrics.body(hall))


async def get_metrics_history(request: Request) -> JSONResponse:
    """Today's waiting counts and expected waits, a sample a minute (the tablet's chart)."""
    hall = request.path_params["hall"]
    require_hall(request, hall)
    if (await caller(request, hall)).kind not in (ADMIN, TABLET):
        raise Forbidden("the history is for tablets and the admin")
    return JSONResponse(server_of(request).metrics.history(hall))


async def get_snapshot(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    engine = require_hall(request, hall)
    await caller(request, hall)
    view = engine.view(hall)
    return JSONResponse({"hall": hall, "seq": view.seq, "snapshot": snapshot("tablet", view)})


# --- hall configuration ----------------------------------------------------------------------


async def put_hall(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_admin(request)
    body = await json_body(request)
    if "id" in body and body["id"] != hall:
        raise errors.InvalidConfig("id: must match the hall in the URL")
    try:
        config = parse_config(body, hall_id=hall)
    except ConfigError as error:
        raise errors.InvalidConfig(
            "the hall document is invalid", problems=error.problems
        ) from None
    created, reply = await server_of(request).engine.configure(config)
    if not reply.ok:
        return reply_response(reply)
    return JSONResponse(
        {"ok": True, "result": {"hall": hall, "created": created}}, 201 if created else 200
    )


async def get_hall(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    engine = require_hall(request, hall)
    await caller(request, hall)
    return JSONResponse(config_document(engine.view(hall).state.config))


async def list_halls(request: Request) -> JSONResponse:
    require_admin(request)
    engine = server_of(request).engine
    return JSONResponse(
        {"halls": [{"id": h, "name": engine.view(h).state.config.name} for h in engine.halls()]}
    )


# --- devices and staff -----------------------------------------------------------------------


async def post_device(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    engine = require_hall(request, hall)
    require_admin(request)
    body = await json_body(request)
    kind, window, name = body.get("kind"), body.get("window"), body.get("name")
    windows = engine.view(hall).state.windows
    device, token = await pair_device(server_of(request).store, hall, windows, kind, window, name)
    return JSONResponse(
        {
            "device": device.id,
            "token": token,
            "kind": device.kind,
            "window": device.window,
            "name": device.name,
        },
        status_code=201,
    )


async def get_devices(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_hall(request, hall)
    require_admin(request)
    records = await asyncio.to_thread(server_of(request).store.devices, hall)
    return JSONResponse(
        {
            "devices": [
                {
                    "device": r.id,
                    "kind": r.kind,
                    "window": r.window,
                    "name": r.name,
                    "created_at": r.created_at.isoformat(),
                }
                for r in records
            ]
        }
    )


async def post_staff(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_hall(request, hall)
    require_admin(request)
    body = await json_body(request)
    record = staff_record(hall, body)
    await asyncio.to_thread(server_of(request).store.add_staff, record)
    return JSONResponse(
        {"number": record.number, "name": record.display_name, "role": record.role}, 201
    )


async def get_staff_photo(request: Request) -> Response:
    """The clerk's photo (or initials badge) for window screens and rating pads; no token."""
    hall, number = request.path_params["hall"], request.path_params["number"]
    require_hall(request, hall)
    record = await asyncio.to_thread(server_of(request).store.staff, hall, number)
    if record is None:
        raise UnknownStaff(f"no staff number {number!r} in hall {hall!r}")
    return photo_response(record)


# --- tracking, health -----------------------------------------------------------------------


async def get_track(request: Request) -> JSONResponse:
    server = server_of(request)
    identity = await server.directory.tracker_for(request.path_params["track"])
    if identity is None or identity.ticket is None:
        raise errors.UnknownTicket("no ticket for that link")
    view = server.engine.view(identity.hall)
    ticket = view.state.tickets.get(identity.ticket)
    if ticket is not None:
        return JSONResponse(
            {
                "hall": identity.hall,
                "ticket": public_ticket(ticket),
                **ticket_progress(view, ticket.id),
            }
        )
    record = await asyncio.to_thread(server.store.ticket, identity.hall, identity.ticket)
    assert record is not None
    return JSONResponse(
        {
            "hall": identity.hall,
            "ticket": {
                "id": record.id,
                "number": record.number,
                "queue": record.queue,
                "service": record.service,
                "priority": record.priority,
                "state": record.state,
            },
            "position": None,
            "eta_seconds": None,
        }
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    server = server_of(request)
    try:
        await asyncio.wait_for(asyncio.to_thread(server.store.hall_ids), 2.0)
    except Exception as error:  # any failure to reach the database means not ready
        return JSONResponse({"status": "unavailable", "reason": type(error).__name__}, 503)
    return JSONResponse({"status": "ready", "halls": server.engine.halls()})


def routes() -> list[Route]:
    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/api/halls", list_halls),
        Route("/api/halls/{hall}", put_hall, methods=["PUT"]),
        Route("/api/halls/{hall}", get_hall, methods=["GET"]),
        Route("/api/halls/{hall}/snapshot", get_snapshot),
        Route("/api/halls/{hall}/metrics", get_metrics),
        Route("/api/halls/{hall}/metrics/history", get_metrics_history),
        Route("/api/halls/{hall}/commands/{name}", post_command, methods=["POST"]),
        Route("/api/halls/{hall}/devices", post_device, methods=["POST"]),
        Route("/api/halls/{hall}/devices", get_devices, methods=["GET"]),
        Route("/api/halls/{hall}/staff", post_staff, methods=["POST"]),
        Route("/api/halls/{hall}/staff/{number}/photo", get_staff_photo, methods=["GET"]),
        Route("/api/track/{track}", get_track),
        *booking_routes(),
        *report_routes(),
    ]
