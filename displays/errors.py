"""Refusals at the edge: what a device or HTTP client sent cannot be taken, before any hall
decides anything. Each is a `HallError` with its code and HTTP status; the gateway and the
HTTP API each turn them into a reply at one place."""

from __future__ import annotations

from typing import Any

from queueing.errors import HallError


class ProtocolError(HallError):
    """A message the edge refuses. `request_id` is the command's id when it could be read, so
    the refusal goes back as a failed `reply` instead of an `error`."""

    code = "bad_request"
    status = 400

    def __init__(self, message: str, request_id: str | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.request_id = request_id


class BadRequest(ProtocolError):
    """Malformed JSON, an unknown type or command, a missing, unknown or mistyped argument."""


class HelloRequired(ProtocolError):
    """A socket's first message was not `hello`."""

    code = "hello_required"
    status = 400


class Unauthorized(ProtocolError):
    """No credentials, or credentials that name nobody (token, staff number and password)."""

    code = "unauthorized"
    status = 401


class Forbidden(ProtocolError):
    """The caller is known but may not do that (its kind, window or role)."""

    code = "forbidden"
    status = 403


class NotFound(ProtocolError):
    """No such resource."""

    code = "not_found"
    status = 404


class UnknownHall(ProtocolError):
    """No hall with that id on this server."""

    code = "unknown_hall"
    status = 404


class UnknownDevice(ProtocolError):
    """No device with that id in the hall."""

    code = "unknown_device"
    status = 404


class UnknownStaff(ProtocolError):
    """No staff account with that number in the hall."""

    code = "unknown_staff"
    status = 404


class UnknownAlert(ProtocolError):
    """No alert with that id is listed."""

    code = "unknown_alert"
    status = 404


class InternalError(HallError):
    """Something went wrong on the server; the message says no more than that."""

    code = "internal"
    status = 500
