"""The booking portal's API (预约): a hall's services and free slots, booking, looking up and
cancelling an appointment. For citizens' phones: no token; personal data stays server-side and
comes back masked."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from displays.errors import InternalError
from hall.auth import citizen_key, new_booking_code
from hall.server.callers import (
    idempotency_key,
    json_body,
    reply_response,
    require_hall,
    server_of,
)
from queueing import commands as cmd
from queueing import errors
from queueing.calendar import slot_starts
from queueing.model import slot_key
from queueing.stream import Actor

_PHONE = re.compile(r"^\+?[0-9 -]{6,20}$")
BOOKING = Actor("booking", "citizen")


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
        )
        if reply.ok or reply.body.get("code") != "duplicate_booking":
            return reply_response(reply, created=True)
        key = f"{key}-retry"
    raise InternalError("could not find a free booking code")


async def get_appointment(request: Request) -> JSONResponse:
    hall, code = request.path_params["hall"], request.path_params["code"]
    require_hall(request, hall)
    record = await asyncio.to_thread(server_of(request).store.appointment, hall, code)
    if record is None:
        raise errors.UnknownBooking(f"no appointment {code!r}")
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
        hall,
        cmd.CancelBooking(code),
        scope=f"{hall}:booking",
        key=idempotency_key(request),
        actor=BOOKING,
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
