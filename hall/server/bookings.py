"""The booking portal's API (预约): a hall's services and free slots, booking, looking up and
cancelling an appointment. For citizens' phones: no token; personal data stays server-side and
comes back masked.

Every endpoint counts against the client's budget (`limits.py`). Looking up and cancelling need
the booking code and the last four digits of the booking's phone number, and answer the same
for a code nobody has and for digits that do not match. A booking's `Idempotency-Key` is
remembered with a keyed hash of the request (`fingerprint`): the same key with another body is
`idempotency_mismatch`, never someone else's booking."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from displays.errors import BadRequest, InternalError
from hall.auth import citizen_key, new_booking_code, same_secret, valid_booking_code
from hall.server.callers import (
    Server,
    idempotency_key,
    json_body,
    reply_response,
    require_hall,
    server_of,
)
from hall.server.limits import BOOK, BROWSE, LOOKUP, limit
from hall.storage.base import AppointmentRecord
from queueing import commands as cmd
from queueing import errors
from queueing.booking_codes import normalise_code
from queueing.calendar import slot_starts
from queueing.model import slot_key
from queueing.stream import Actor

_PHONE = re.compile(r"^\+?[0-9 -]{6,20}$")
_LAST4 = re.compile(r"^[0-9]{4}$")
LAST4_HEADER = "X-Phone-Last4"
"""The header that carries the last four digits of the booking's phone number."""
BOOKING = Actor("booking", "citizen")


async def get_services(request: Request) -> JSONResponse:
    limit(request, BROWSE)
    hall = request.path_params["hall"]
    config = require_hall(request, hall).view(hall).state.config
    return JSONResponse(
        {
            "hall": {"id": hall, "name": config.name, "timezone": config.timezone},
            "services": [
                {
                    "id": s.id,
                    "name": s.name,
                    "name_en": s.name_en,
                    "category": s.category,
                    "bookable": s.bookable,
                }
                for s in config.services
            ],
        }
    )


async def get_slots(request: Request) -> JSONResponse:
    limit(request, BROWSE)
    hall = request.path_params["hall"]
    engine = require_hall(request, hall)
    state = engine.view(hall).state
    service = state.config.service(request.query_params.get("service", ""))
    if service is None:
        raise errors.UnknownService("service: no such service")
    day = request.query_params.get("date", "")
    try:
        datetime.fromisoformat(day)
    except ValueError:
        raise errors.InvalidArgument("date: YYYY-MM-DD") from None
    now = engine.clock().timestamp()
    slots = [
        {
            "start": _iso(start),
            "time": datetime.fromtimestamp(start, UTC)
            .astimezone(ZoneInfo(state.config.timezone))
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
    limit(request, BOOK)
    hall = request.path_params["hall"]
    server = server_of(request)
    require_hall(request, hall)
    body = await json_body(request)
    fingerprint = _fingerprint(server, "book", hall, _canonical(body))
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
        raise errors.InvalidArgument("; ".join(problems))
    assert isinstance(service, str) and isinstance(name, str) and isinstance(phone, str)
    assert slot_start is not None
    citizen = citizen_key(server.citizen_secret, phone)
    key = idempotency_key(request)
    for _ in range(5):
        code = new_booking_code()
        reply = await server.engine.submit(
            hall,
            cmd.Book(service, slot_start, citizen, code),
            scope=f"{hall}:booking",
            key=key,
            actor=BOOKING,
            personal={code: {"name": name.strip(), "phone": phone.strip()}},
            fingerprint=fingerprint,
        )
        if reply.ok or reply.body.get("code") != "duplicate_booking":
            return reply_response(reply, created=True)
        key = f"{key}-retry"
    raise InternalError("could not find a free booking code")


async def get_appointment(request: Request) -> JSONResponse:
    limit(request, LOOKUP)
    hall = request.path_params["hall"]
    require_hall(request, hall)
    record = await _own_appointment(request, hall)
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
    limit(request, LOOKUP)
    hall = request.path_params["hall"]
    server = server_of(request)
    require_hall(request, hall)
    record = await _own_appointment(request, hall)
    reply = await server.engine.submit(
        hall,
        cmd.CancelBooking(record.code),
        scope=f"{hall}:booking",
        key=idempotency_key(request),
        actor=BOOKING,
        fingerprint=_fingerprint(server, "cancel", hall, record.code),
    )
    return reply_response(reply)


async def _own_appointment(request: Request, hall: str) -> AppointmentRecord:
    """The appointment named by the path's code (as typed: any case, spaces and dashes) whose
    phone number ends in the digits of the `X-Phone-Last4` header. No such code and digits that
    do not match are one and the same `unknown_booking`."""
    digits = request.headers.get(LAST4_HEADER, "").strip()
    if not _LAST4.match(digits):
        raise BadRequest(f"{LAST4_HEADER}: the last four digits of the booking's phone number")
    code = normalise_code(request.path_params["code"])
    record = None
    if valid_booking_code(code):
        record = await asyncio.to_thread(server_of(request).store.appointment, hall, code)
    if record is None or not same_secret(digits, _last4(record.phone)):
        raise errors.UnknownBooking("no appointment with that code and phone number")
    return record


def _last4(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())[-4:]


def _canonical(body: dict[str, Any]) -> str:
    """A body as its hash sees it: the same JSON whatever its key order and spacing."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _fingerprint(server: Server, *parts: str) -> str:
    """A keyed hash of a request (its endpoint and what it sent). Keyed with the server's
    secret: a body holds a name and a phone number, which a plain hash would not hide."""
    message = "\x1f".join(parts).encode()
    return hmac.new(server.citizen_secret.encode(), message, hashlib.sha256).hexdigest()[:32]


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


def booking_routes() -> list[Route]:
    return [
        Route("/api/halls/{hall}/services", get_services),
        Route("/api/halls/{hall}/slots", get_slots),
        Route("/api/halls/{hall}/appointments", post_appointment, methods=["POST"]),
        Route("/api/halls/{hall}/appointments/{code}", get_appointment, methods=["GET"]),
        Route("/api/halls/{hall}/appointments/{code}", delete_appointment, methods=["DELETE"]),
    ]
