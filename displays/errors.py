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


class TooManyAttempts(ProtocolError):
    """Too many failed sign-ins for that staff number, or from that connection or client
    address, lately (`displays/lockout.py`): no password is checked until the lock ends."""

    code = "too_many_attempts"
    status = 429


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
    """Something went wrong on the server; the message says no more than that. Retrying with
    the same command id is safe."""

    code = "internal_error"
    status = 500


class Unavailable(HallError):
    """The database cannot be reached (or did not answer in time): nothing was decided for
    this command. Retrying with the same command id is safe."""

    code = "unavailable"
    status = 503


class RateLimited(HallError):
    """An endpoint that needs no token (booking, booking lookup, tracker) was called past the
    client's budget. `retry_after` (also the `Retry-After` header) says in how many seconds
    the next request will be taken."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PayloadTooLarge(HallError):
    """An HTTP body over the server's limit (1 MiB unless configured): not read any further."""

    code = "payload_too_large"
    status = 413


class IdempotencyMismatch(HallError):
    """An `Idempotency-Key` used again with a different request body: the first request's reply
    belongs to that request only."""

    code = "idempotency_mismatch"
    status = 422
