"""Who is calling the HTTP API, and the small helpers every handler shares: the server's parts,
the caller's token, the hall named in the path, the JSON body, a reply as a response."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from displays.command_edge import CommandEdge
from displays.errors import BadRequest, Forbidden, Unauthorized, Unavailable, UnknownHall
from displays.interface import LOOKUP_TIMEOUT, DeviceIdentity
from displays.kinds import ADMIN
from displays.protocol import parse_json, unsafe_text_fields
from hall.auth import same_secret
from hall.engine import Engine
from hall.server.device_seen import DeviceSeen
from hall.server.directory import StoreDirectory
from hall.server.limits import max_body_bytes, read_body
from hall.server.live_metrics import MetricsHub
from hall.server.revocation import Revocation
from hall.storage.base import Store
from queueing.errors import status_for
from queueing.stream import Reply


@dataclass
class Server:
    """The running server's parts, as the HTTP handlers (and `on_ready` hooks) reach them."""

    engine: Engine
    store: Store
    directory: StoreDirectory
    admin_token: str
    citizen_secret: str
    metrics: MetricsHub
    commands: CommandEdge
    revocation: Revocation
    seen: DeviceSeen
    admin_token_generated: bool = False
    """The server generated the admin token (`HALL_ADMIN_TOKEN` unset): it may print it."""


def server_of(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send 'Authorization: Bearer <token>'")
    return token.strip()


async def caller(request: Request, hall: str) -> DeviceIdentity:
    """The admin or a device of this hall; anyone else is refused."""
    server = server_of(request)
    token = _bearer(request)
    if same_secret(token, server.admin_token):
        return DeviceIdentity(ADMIN, ADMIN, hall)
    try:
        device = await asyncio.wait_for(server.directory.device_for_token(token), LOOKUP_TIMEOUT)
    except TimeoutError:
        raise Unavailable("the server cannot check credentials now; try again") from None
    if device is None:
        raise Unauthorized("unknown or revoked token")
    if device.hall != hall:
        raise Forbidden("that device belongs to another hall")
    return device


def require_admin(request: Request) -> None:
    if not same_secret(_bearer(request), server_of(request).admin_token):
        raise Forbidden("this needs the admin token")


def require_hall(request: Request, hall: str) -> Engine:
    engine = server_of(request).engine
    if hall not in engine.runners:
        raise UnknownHall(f"no hall {hall!r}")
    return engine


async def json_body(request: Request, where: str = "") -> dict[str, Any]:
    """The request's JSON object, read no further than the app's body limit (else
    `payload_too_large`). `bad_request` for malformed JSON, JSON nested deeper than
    `MAX_JSON_DEPTH`, and text no database stores (NUL, a lone surrogate), naming each field
    (prefixed with `where`, e.g. "args" for a command's arguments)."""
    raw = await read_body(request, max_body_bytes(request))
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body: malformed JSON (not UTF-8)") from None
    body = parse_json(text, "body")
    if not isinstance(body, dict):
        raise BadRequest("body: must be a JSON object")
    problems = unsafe_text_fields(body, where)
    if problems:
        raise BadRequest("; ".join(problems))
    return body


def reply_response(reply: Reply, created: bool = False) -> JSONResponse:
    if reply.ok:
        return JSONResponse(reply.as_dict(), status_code=201 if created else 200)
    return JSONResponse(reply.as_dict(), status_code=status_for(str(reply.body.get("code"))))


def idempotency_key(request: Request) -> str:
    """The request's `Idempotency-Key` (the command id of HTTP), or a fresh one."""
    return request.headers.get("idempotency-key") or f"auto-{uuid.uuid4().hex}"
