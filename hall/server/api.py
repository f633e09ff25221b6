"""The HTTP API: commands, snapshots, hall configuration, devices, staff, appointments, tracking.

Handlers decide nothing themselves: they check the caller, build a core command and hand it to
the engine. Every refusal is an `ApiError`, rendered as JSON `{"ok": false, "error": {...}}` by the
one handler in `hall/app.py`.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from displays.interface import DeviceIdentity
from displays.kinds import ADMIN, DEVICE_KINDS, TABLET, WINDOW_KINDS
from displays.permissions import Forbidden, authorize
from displays.protocol import ProtocolError, SignInRequest, command_from_args
from displays.views import public_ticket, snapshot, ticket_progress
from hall.auth import citizen_key, new_booking_code, new_token, same_secret, token_hash
from hall.engine import Engine
from hall.errors import ApiError, status_for
from hall.server.directory import StoreDirectory
from hall.server.live_metrics import MetricsHub
from hall.server.photos import photo_response
from hall.storage.base import DeviceRecord, StaffRecord, Store
from queueing import commands as cmd
from queueing.calendar import slot_starts
from queueing.config import config_document, parse_config
from queueing.errors import ConfigError
from queueing.model import slot_key
from queueing.stream import Reply

_PHONE = re.compile(r"^\+?[0-9 -]{6,20}$")


@dataclass
class Server:
    engine: Engine
    store: Store
    directory: StoreDirectory
    admin_token: str
    citizen_secret: str
    metrics: MetricsHub


def server_of(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


# --- callers -----------------------------------------------------------------------------------


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError("unauthorized", "send 'Authorization: Bearer <token>'")
    return token.strip()


async def caller(request: Request, hall: str) -> DeviceIdentity:
    """The admin or a device of this hall; anyone else is refused."""
    server = server_of(request)
    token = _bearer(request)
    if same_secret(token, server.admin_token):
        return DeviceIdentity(ADMIN, ADMIN, hall)
    device = await server.directory.device_for_token(token)
    if device is None:
        raise ApiError("unauthorized", "unknown or revoked token")
    if device.hall != hall:
        raise ApiError("forbidden", "that device belongs to another hall")
    return device


def require_admin(request: Request) -> None:
    if not same_secret(_bearer(request), server_of(request).admin_token):
        raise ApiError("forbidden", "this needs the admin token")


def require_hall(request: Request, hall: str) -> Engine:
    engine = server_of(request).engine
    if hall not in engine.runners:
        raise ApiError("unknown_hall", f"no hall {hall!r}")
    return engine


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError("bad_request", "body: malformed JSON") from None
    if not isinstance(body, dict):
        raise ApiError("bad_request", "body: must be a JSON object")
    return body


def reply_response(reply: Reply, created: bool = False) -> JSONResponse:
    if reply.ok:
        return JSONResponse(reply.as_dict(), status_code=201 if created else 200)
    return JSONResponse(reply.as_dict(), status_code=status_for(str(reply.body.get("code"))))


def _key(request: Request) -> str:
    return request.headers.get("idempotency-key") or f"auto-{uuid.uuid4().hex}"


# --- commands and snapshots ------------------------------------------------------------------


async def post_command(request: Request) -> JSONResponse:
    hall, name = request.path_params["hall"], request.path_params["name"]
    engine = require_hall(request, hall)
    who = await caller(request, hall)
    args = await json_body(request)
    try:
        command = command_from_args(name, args)
        if isinstance(command, SignInRequest):
            command = await _sign_in(request, hall, command)
        if who.kind != ADMIN:
            command = authorize(who.kind, who.window, command)
    except ProtocolError as error:
        raise ApiError(error.code, error.message) from None
    except Forbidden as error:
        raise ApiError(error.code, error.message) from None
    reply = await engine.submit(
        hall, command, scope=f"{hall}:{who.id}", key=_key(request), actor=who.kind
    )
    return reply_response(reply)


async def _sign_in(request: Request, hall: str, command: SignInRequest) -> cmd.SignIn:
    staff = await server_of(request).directory.check_staff(hall, command.staff, command.password)
    if staff is None:
        raise ApiError("unauthorized", "staff number or password is wrong")
    return cmd.SignIn(command.window, staff.number, staff.display_name)


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
        raise ApiError("forbidden", "the history is for tablets and the admin")
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
        raise ApiError("invalid_config", "id: must match the hall in the URL")
    try:
        config = parse_config(body, hall_id=hall)
    except ConfigError as error:
        raise ApiError(
            "invalid_config", "the hall document is invalid", problems=error.problems
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
    device, token = await mint_device(
        server_of(request).store,
        engine,
        hall,
        body.get("kind"),
        body.get("window"),
        body.get("name"),
    )
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


async def mint_device(
    store: Store, engine: Engine, hall: str, kind: Any, window: Any, name: Any
) -> tuple[DeviceRecord, str]:
    if kind not in DEVICE_KINDS:
        raise ApiError("bad_request", f"kind: one of {', '.join(DEVICE_KINDS)}")
    if kind in WINDOW_KINDS:
        if not isinstance(window, str) or window not in engine.view(hall).state.windows:
            raise ApiError("bad_request", f"window: a window of hall {hall!r} for a {kind}")
    elif window is not None:
        raise ApiError("bad_request", f"window: a {kind} serves the whole hall")
    if name is None:
        name = kind if window is None else f"{kind} {window}"
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ApiError("bad_request", "name: a string of 1 to 100 characters")
    token = new_token()
    record = DeviceRecord(
        id=uuid.uuid4().hex[:12],
        hall=hall,
        kind=kind,
        window=window,
        name=name.strip(),
        token_hash=token_hash(token),
        created_at=datetime.now(UTC),
    )
    await asyncio.to_thread(store.add_device, record)
    return record, token


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
        raise ApiError("unknown_staff", f"no staff number {number!r} in hall {hall!r}")
    return photo_response(record)


def staff_record(hall: str, body: dict[str, Any]) -> StaffRecord:
    from hall.auth import hash_password

    problems = []
    number, name, password = body.get("number"), body.get("name"), body.get("password")
    role, photo = body.get("role", "clerk"), body.get("photo", "")
    if not isinstance(number, str) or not re.match(r"^[A-Za-z0-9_-]{1,32}$", number):
        problems.append("number: 1-32 letters, digits, '-' or '_'")
    if not isinstance(name, str) or not name.strip() or len(name) > 50:
        problems.append("name: a display name of 1 to 50 characters")
    if not isinstance(password, str) or len(password) < 6:
        problems.append("password: at least 6 characters")
    if role not in ("clerk", "manager"):
        problems.append("role: 'clerk' or 'manager'")
    if not isinstance(photo, str) or len(photo) > 200_000:
        problems.append("photo: a URL or data: URI")
    if problems:
        raise ApiError("bad_request", "; ".join(problems))
    return StaffRecord(
        hall, str(number), str(name).strip(), str(role), hash_password(str(password)), str(photo)
    )


# --- appointments (booking portal, citizens' phones) -----------------------------------------


async def get_services(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    config = require_hall(request, hall).view(hall).state.config
    return JSONResponse(
        {
            "hall": {"id": hall, "name": config.name, "timezone": config.timezone},
            "services": [
                {"id": s.id, "name": s.name, "category": s.category, "bookable": s.bookable}
                for s in config.services
            ],
        }
    )


async def get_slots(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    engine = require_hall(request, hall)
    state = engine.view(hall).state
    service = state.config.service(request.query_params.get("service", ""))
    if service is None:
        raise ApiError("unknown_service", "service: no such service")
    day = request.query_params.get("date", "")
    try:
        datetime.fromisoformat(day)
    except ValueError:
        raise ApiError("bad_request", "date: YYYY-MM-DD") from None
    now = engine.clock().timestamp()
    slots = [
        {
            "start": _iso(start),
            "time": datetime.fromtimestamp(start, UTC)
            .astimezone(_zone(state.config.timezone))
            .strftime("%H:%M"),
            "free": max(
                0, service.slot_capacity - state.slot_use.get(slot_key(service.id, start), 0)
            ),
        }
        for start in slot_starts(state.config, day[:10])
        if start > now and service.bookable
    ]
    return JSONResponse({"service": service.id, "date": day[:10], "slots": slots})


async def post_appointment(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    server = server_of(request)
    require_hall(request, hall)
    body = await json_body(request)
    service, slot, name, phone = (body.get(k) for k in ("service", "slot", "name", "phone"))
    problems = []
    if not isinstance(service, str):
        problems.append("service: required string")
    slot_start = _parse_time(slot)
    if slot_start is None:
        problems.append("slot: the slot's start time, ISO 8601 with zone")
    if not isinstance(name, str) or not name.strip() or len(name) > 50:
        problems.append("name: 1 to 50 characters")
    if not isinstance(phone, str) or not _PHONE.match(phone):
        problems.append("phone: a phone number")
    if problems:
        raise ApiError("bad_request", "; ".join(problems))
    assert isinstance(service, str) and isinstance(name, str) and isinstance(phone, str)
    assert slot_start is not None
    citizen = citizen_key(server.citizen_secret, phone)
    key = _key(request)
    for _ in range(5):
        code = new_booking_code()
        reply = await server.engine.submit(
            hall,
            cmd.Book(service, slot_start, citizen, code),
            scope=f"{hall}:booking",
            key=key,
            actor="booking",
            personal={code: {"name": name.strip(), "phone": phone.strip()}},
        )
        if reply.ok or reply.body.get("code") != "duplicate_booking":
            return reply_response(reply, created=True)
        key = f"{key}-retry"
    raise ApiError("internal", "could not find a free booking code")


async def get_appointment(request: Request) -> JSONResponse:
    hall, code = request.path_params["hall"], request.path_params["code"]
    require_hall(request, hall)
    record = await asyncio.to_thread(server_of(request).store.appointment, hall, code)
    if record is None:
        raise ApiError("unknown_booking", f"no appointment {code!r}")
    return JSONResponse(
        {
            "code": record.code,
            "service": record.service,
            "slot": record.slot_start.isoformat(),
            "state": record.state,
            "name": mask_name(record.name),
            "phone": mask_phone(record.phone),
            "ticket": record.ticket,
        }
    )


async def delete_appointment(request: Request) -> JSONResponse:
    hall, code = request.path_params["hall"], request.path_params["code"]
    engine = require_hall(request, hall)
    reply = await engine.submit(
        hall, cmd.CancelBooking(code), scope=f"{hall}:booking", key=_key(request), actor="booking"
    )
    return reply_response(reply)


def mask_name(name: str) -> str:
    """张三 -> 张*, 张小三 -> 张*三: enough to recognise, not to identify."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


# --- tracking, health -----------------------------------------------------------------------


async def get_track(request: Request) -> JSONResponse:
    server = server_of(request)
    identity = await server.directory.tracker_for(request.path_params["track"])
    if identity is None or identity.ticket is None:
        raise ApiError("unknown_ticket", "no ticket for that link")
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


def _parse_time(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


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
        Route("/api/halls/{hall}/services", get_services),
        Route("/api/halls/{hall}/slots", get_slots),
        Route("/api/halls/{hall}/appointments", post_appointment, methods=["POST"]),
        Route("/api/halls/{hall}/appointments/{code}", get_appointment, methods=["GET"]),
        Route("/api/halls/{hall}/appointments/{code}", delete_appointment, methods=["DELETE"]),
        Route("/api/track/{track}", get_track),
        *_report_routes(),
    ]


def _report_routes() -> list[Route]:
    from hall.server.reports import report_routes  # it builds on this module's callers

    return report_routes()
