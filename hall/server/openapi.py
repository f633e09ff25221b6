"""The OpenAPI document of the HTTP API, served at /openapi.json."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _op(
    summary: str,
    *,
    auth: bool = True,
    body: bool = False,
    ok: str = "200",
    result: str = "object",
    **extra: Any,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok: {
                "description": "success",
                "content": {"application/json": {"schema": {"type": result}}},
            },
            "default": {
                "description": "error",
                "content": {"application/json": {"schema": _ERROR}},
            },
        },
    }
    if auth:
        op["security"] = _BEARER
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    op.update(extra)
    return op


def _param(name: str, where: str = "path", required: bool = True) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": {"type": "string"}}


_HALL = _param("hall")
_IDEMPOTENCY = _param("Idempotency-Key", "header", required=False)


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hall",
            "version": "1",
            "description": "Commands, snapshots, configuration, devices, staff and appointments of "
            "a service hall. Device protocol over /ws: see docs/protocol.md.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["ok", "error"],
                    "properties": {
                        "ok": {"const": False},
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                }
            },
        },
        "paths": {
            "/healthz": {"get": _op("Liveness", auth=False)},
            "/readyz": {"get": _op("Readiness: the database answers", auth=False)},
            "/api/halls": {"get": _op("List halls (admin)")},
            "/api/halls/{hall}": {
                "parameters": [_HALL],
                "get": _op("The hall's configuration document"),
                "put": _op("Create or update a hall (admin); 400 lists every problem", body=True),
            },
            "/api/halls/{hall}/metrics": {
                "parameters": [_HALL],
                "get": _op("Live waiting-time figures of the hall (the tablets' metrics message)"),
            },
            "/api/halls/{hall}/metrics/history": {
                "parameters": [_HALL],
                "get": _op("Today's waiting and expected waits, a sample a minute (tablet, admin)"),
            },
            "/metrics": {"get": _op("Prometheus exposition", auth=False)},
            "/api/halls/{hall}/snapshot": {
                "parameters": [_HALL],
                "get": _op("Hall snapshot with seq"),
            },
            "/api/halls/{hall}/commands/{name}": {
                "parameters": [_HALL, _param("name"), _IDEMPOTENCY],
                "post": _op("Run a protocol command; the body is its args", body=True),
            },
            "/api/halls/{hall}/devices": {
                "parameters": [_HALL],
                "get": _op("List devices (admin)", result="array"),
                "post": _op("Mint a device token (admin)", body=True, ok="201"),
            },
            "/api/halls/{hall}/devices/{device}": {
                "parameters": [_HALL, _param("device")],
                "patch": _op("Rename a device (admin)", body=True),
                "delete": _op("Unpair a device: its sockets close with 4401 (admin)", ok="204"),
            },
            "/api/halls/{hall}/devices/{device}/token": {
                "parameters": [_HALL, _param("device")],
                "post": _op(
                    "Re-pair a device: a new token; the old one's sockets close with 4401 (admin)"
                ),
            },
            "/api/halls/{hall}/staff": {
                "parameters": [_HALL],
                "get": _op("List staff accounts (admin)", result="array"),
                "post": _op("Create or replace a staff account (admin)", body=True, ok="201"),
            },
            "/api/halls/{hall}/staff/{number}": {
                "parameters": [_HALL, _param("number")],
                "put": _op("Create or update a staff account (admin)", body=True),
                "delete": _op("Delete a staff account; it is signed out (admin)", ok="204"),
            },
            "/api/halls/{hall}/staff/{number}/photo": {
                "parameters": [_HALL, _param("number")],
                "get": _op("A clerk's photo, or a badge with their initials", auth=False),
            },
            "/api/halls/{hall}/services": {
                "parameters": [_HALL],
                "get": _op("Services", auth=False),
            },
            "/api/halls/{hall}/slots": {
                "parameters": [_HALL, _param("service", "query"), _param("date", "query")],
                "get": _op("Free appointment slots of a service on a date", auth=False),
            },
            "/api/halls/{hall}/appointments": {
                "parameters": [_HALL, _IDEMPOTENCY],
                "post": _op(
                    "Book a slot: {service, slot, name, phone}", auth=False, body=True, ok="201"
                ),
            },
            "/api/halls/{hall}/appointments/{code}": {
                "parameters": [
                    _HALL,
                    _param("code"),
                    _param("X-Phone-Last4", "header"),
                    _IDEMPOTENCY,
                ],
                "get": _op("Look up a booking (masked personal data)", auth=False),
                "delete": _op("Cancel a booking", auth=False),
            },
            "/api/halls/{hall}/reports/{date}": {
                "parameters": [_HALL, _param("date"), _param("lang", "query", required=False)],
                "get": _op("The day's report as an HTML page (admin or the hall's tablet)"),
            },
            "/api/halls/{hall}/reports/{date}/{table}.csv": {
                "parameters": [
                    _HALL,
                    _param("date"),
                    _param("table"),
                    _param("lang", "query", required=False),
                ],
                "get": _op("One table of the day's report as CSV (admin or the hall's tablet)"),
            },
            # follow-ups (差评整改, 投诉, 回访: docs/follow-ups.md)
            "/api/halls/{hall}/follow-ups": {
                "parameters": [_HALL],
                "get": _op("The 整改 board: follow-ups with the citizen's words (tablet, admin)"),
            },
            "/api/halls/{hall}/follow-ups/{follow_up}/phone": {
                "parameters": [_HALL, _param("follow_up")],
                "get": _op("A callback task's phone, during its callback step (tablet, admin)"),
            },
            "/api/halls/{hall}/follow-ups/{month}.csv": {
                "parameters": [_HALL, _param("month"), _param("lang", "query", required=False)],
                "get": _op("The month's follow-up ledger (整改台账) as CSV (admin)"),
            },
            "/api/halls/{hall}/webhooks": {
                "parameters": [_HALL],
                "get": _op("List webhooks, never their secrets (admin)"),
            },
            "/api/halls/{hall}/webhooks/{id}": {
                "parameters": [_HALL, _param("id")],
                "put": _op("Create or replace a webhook: {url, events, secret} (admin)", body=True),
                "get": _op("A webhook, without its secret (admin)"),
                "delete": _op("Delete a webhook and its undelivered events (admin)", ok="204"),
            },
            "/api/halls/{hall}/webhooks/{id}/deliveries": {
                "parameters": [_HALL, _param("id")],
                "get": _op("A webhook's recent delivery attempts, newest first (admin)"),
            },
            "/api/track/{track}": {
                "parameters": [_param("track")],
                "get": _op("A ticket's state, position and expected wait", auth=False),
            },
        },
    }
