"""The HTTP API: commands, snapshots, hall configuration, devices, staff, appointments, tracking.

Handlers decide nothing themselves: they check the caller (`callers.py`) and hand commands to the
command edge (`displays/command_edge.py`, the same one the websocket uses) or the engine. Every
refusal is a `HallError`, rendered as JSON `{"ok": false, "error": {...}}` by the one handler in
`app.py`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from displays.errors import BadRequest, Forbidden, UnknownDevice, UnknownStaff
from displays.kinds import ADMIN, OFFICE, TABLET
from displays.pages import qr_svg
from displays.views import iso_datetime, public_ticket, snapshot, ticket_progress
from hall.accounts import (
    device_name,
    pair_device,
    renew_device_token,
    staff_record,
    updated_staff,
)
from hall.server.bookings import booking_routes
from hall.server.callers import (
    Server,
    caller,
    idempotency_key,
    json_body,
    reply_response,
    require_admin,
    require_hall,
    server_of,
)
from hall.server.follow_ups import follow_up_routes
from hall.server.limits import TRACK, limit
from hall.server.photos import photo_response
from hall.server.reports import report_routes
from hall.server.webhook_api import webhook_routes
from hall.storage.base import DeviceRecord, StaffRecord
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
    args = await json_body(request, where="args")
    origin = request.client.host if request.client else ""
    commands = server_of(request).commands
    reply = await commands.run(who, name, args, idempotency_key(request), origin=origin)
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
    config = engine.view(hall).state.config
    if kind == OFFICE:  # an office device keeps its office where others keep a window
        window = body.get("office")
    offices = [o.id for o in config.offices]
    windows = [w.id for w in config.windows]
    store = server_of(request).store
    device, token = await pair_device(store, hall, windows, kind, window, name, offices)
    return JSONResponse(_pairing(device, token), status_code=201)


def _pairing(device: DeviceRecord, token: str) -> dict[str, Any]:
    """A device with its new token (shown once: only its hash is stored)."""
    return {
        "device": device.id,
        "token": token,
        "kind": device.kind,
        **_bound_to(device),
        "name": device.name,
    }


def _bound_to(device: DeviceRecord) -> dict[str, Any]:
    """`window` (a window device's), and `office` for an office device (kept in its window)."""
    if device.kind == OFFICE:
        return {"window": None, "office": device.window}
    return {"window": device.window}


async def get_devices(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_hall(request, hall)
    require_admin(request)
    server = server_of(request)
    records = await asyncio.to_thread(server.store.devices, hall)
    return JSONResponse([_device(r, server) for r in records])


def _device(record: DeviceRecord, server: Server) -> dict[str, Any]:
    """A device as the API lists it (never its token); `last_seen` is the newer of the
    database's and what this process knows but has not written yet (now, for a device
    connected here). `online`: seen within the offline limit, by this process or another
    (each restamps its connected devices every quarter of the limit)."""
    seen_here = server.seen.last_seen(record.id)
    seen = [at for at in (record.last_seen, seen_here) if at is not None]
    last = max(seen) if seen else None
    unseen_s = (server.seen.clock() - last).total_seconds() if last is not None else None
    return {
        "device": record.id,
        "kind": record.kind,
        **_bound_to(record),
        "name": record.name,
        "created_at": iso_datetime(record.created_at),
        "last_seen": iso_datetime(last) if last is not None else None,
        "online": unseen_s is not None and unseen_s < server.metrics.watch.after_s,
    }


async def _hall_device(request: Request) -> tuple[str, DeviceRecord]:
    """The hall and the device the path names, for the admin; `unknown_device` when the hall
    has no such device."""
    hall, device = request.path_params["hall"], request.path_params["device"]
    require_hall(request, hall)
    require_admin(request)
    record = await asyncio.to_thread(server_of(request).store.device, hall, device)
    if record is None:
        raise UnknownDevice(f"no device {device!r} in hall {hall!r}")
    return hall, record


async def patch_device(request: Request) -> JSONResponse:
    """Rename a device (`{"name"}`); its token and kind stay."""
    hall, record = await _hall_device(request)
    name = device_name(await json_body(request))
    server = server_of(request)
    if not await asyncio.to_thread(server.store.rename_device, hall, record.id, name):
        raise UnknownDevice(f"no device {record.id!r} in hall {hall!r}")
    return JSONResponse(_device(replace(record, name=name), server))


async def delete_device(request: Request) -> Response:
    """Unpair a device: its token stops working at once, and its live sockets, on every
    server process, close with 4401."""
    hall, record = await _hall_device(request)
    server = server_of(request)
    if not await asyncio.to_thread(server.store.remove_device, record.id):
        raise UnknownDevice(f"no device {record.id!r} in hall {hall!r}")
    await server.revocation.device_removed(hall, record.id)
    return Response(status_code=204)


async def post_device_token(request: Request) -> JSONResponse:
    """Re-pair a device: a new token for it. The old one stops working at once, and the
    sockets opened with it, on every server process, close with 4401."""
    hall, record = await _hall_device(request)
    server = server_of(request)
    device, token = await renew_device_token(server.store, hall, record.id)
    await server.revocation.device_renewed(hall, device.id, device.token_hash)
    return JSONResponse(_pairing(device, token))


async def post_staff(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_hall(request, hall)
    require_admin(request)
    body = await json_body(request)
    record = await asyncio.to_thread(staff_record, hall, body)  # scrypt: not on the loop
    server = server_of(request)
    await asyncio.to_thread(server.store.add_staff, record)
    await server.revocation.staff_changed(hall, record.number)
    return JSONResponse(_staff(record), 201)


def _staff(record: StaffRecord) -> dict[str, Any]:
    """A staff account as the API shows it (never its password)."""
    return {
        "number": record.number,
        "name": record.display_name,
        "role": record.role,
        "active": record.active,
    }


async def get_staff(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    require_hall(request, hall)
    require_admin(request)
    members = await asyncio.to_thread(server_of(request).store.staff_members, hall)
    return JSONResponse([_staff(member) for member in members])


async def put_staff(request: Request) -> JSONResponse:
    """Create or update a staff account (`{"name", "role", "password"?, "active"?}`). An
    account set inactive is signed out of any window and cannot sign in."""
    hall, number = request.path_params["hall"], request.path_params["number"]
    require_hall(request, hall)
    require_admin(request)
    body = await json_body(request)
    server = server_of(request)
    current = await asyncio.to_thread(server.store.staff, hall, number)
    record = await asyncio.to_thread(updated_staff, hall, number, body, current)
    await asyncio.to_thread(server.store.add_staff, record)
    await server.revocation.staff_changed(hall, number)
    return JSONResponse(_staff(record), 201 if current is None else 200)


async def delete_staff(request: Request) -> Response:
    """Delete a staff account: it is signed out of any window and cannot sign in."""
    hall, number = request.path_params["hall"], request.path_params["number"]
    require_hall(request, hall)
    require_admin(request)
    server = server_of(request)
    if not await asyncio.to_thread(server.store.remove_staff, hall, number):
        raise UnknownStaff(f"no staff number {number!r} in hall {hall!r}")
    await server.revocation.staff_changed(hall, number)
    return Response(status_code=204)


async def get_staff_photo(request: Request) -> Response:
    """The clerk's photo (or initials badge) for window screens and rating pads; no token."""
    hall, number = request.path_params["hall"], request.path_params["number"]
    require_hall(request, hall)
    record = await asyncio.to_thread(server_of(request).store.staff, hall, number)
    if record is None:
        raise UnknownStaff(f"no staff number {number!r} in hall {hall!r}")
    return photo_response(record)


# --- QR codes of pairing links ----------------------------------------------------------------

QR_MAX_CHARS = 500


async def post_qr(request: Request) -> Response:
    """A QR code (SVG) of a text of up to `QR_MAX_CHARS` characters, for the admin page's
    pairing links: sent in a body, so the device token in the link is in no URL that gets
    logged (`GET /qr.svg` makes codes of public links only). The admin token only."""
    require_admin(request)
    body = await json_body(request)
    text = body.get("text")
    problems = [f"{key}: unknown field" for key in sorted(set(body) - {"text"})]
    if not isinstance(text, str) or not text or len(text) > QR_MAX_CHARS:
        problems.append(f"text: a string of 1 to {QR_MAX_CHARS} characters")
    if problems or not isinstance(text, str):
        raise BadRequest("; ".join(problems))
    return Response(
        await asyncio.to_thread(qr_svg, text),
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


# --- tracking, health -----------------------------------------------------------------------


async def get_track(request: Request) -> JSONResponse:
    limit(request, TRACK)
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
        Route("/api/halls/{hall}/devices/{device}", patch_device, methods=["PATCH"]),
        Route("/api/halls/{hall}/devices/{device}", delete_device, methods=["DELETE"]),
        Route("/api/halls/{hall}/devices/{device}/token", post_device_token, methods=["POST"]),
        Route("/api/halls/{hall}/staff", post_staff, methods=["POST"]),
        Route("/api/halls/{hall}/staff", get_staff, methods=["GET"]),
        Route("/api/halls/{hall}/staff/{number}", put_staff, methods=["PUT"]),
        Route("/api/halls/{hall}/staff/{number}", delete_staff, methods=["DELETE"]),
        Route("/api/halls/{hall}/staff/{number}/photo", get_staff_photo, methods=["GET"]),
        Route("/api/track/{track}", get_track),
        Route("/api/qr", post_qr, methods=["POST"]),
        *booking_routes(),
        *follow_up_routes(),
        *webhook_routes(),
        *report_routes(),
    ]
