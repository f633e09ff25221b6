"""HTTP-facing errors, turned into JSON responses at one edge (`hall/app.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Protocol error codes -> HTTP status. Core refusals not listed here are 409 Conflict.
STATUS_BY_CODE: Mapping[str, int] = {
    "bad_request": 400,
    "invalid_config": 400,
    "invalid_score": 400,
    "invalid_text": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "unknown_hall": 404,
    "unknown_service": 404,
    "unknown_queue": 404,
    "unknown_window": 404,
    "unknown_ticket": 404,
    "unknown_booking": 404,
    "unknown_device": 404,
    "unknown_staff": 404,
    "internal": 500,
}


def status_for(code: str) -> int:
    return STATUS_BY_CODE.get(code, 409)


class ApiError(Exception):
    """An HTTP request refused with a protocol error code."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    @property
    def status(self) -> int:
        return status_for(self.code)

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": {"code": self.code, "message": self.message, **self.extra}}
