"""A hall's accounts: its paired devices and its staff. The HTTP API, the command line and the
demo all create them here, with the same checks; none of them imports another for it."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from displays.errors import BadRequest
from displays.kinds import DEVICE_KINDS, WINDOW_KINDS
from hall.auth import hash_password, new_token, token_hash
from hall.storage.base import AccountStore, DeviceRecord, StaffRecord

ROLES = ("clerk", "manager")
_STAFF_NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def new_device(
    hall: str, windows: Collection[str], kind: Any, window: Any, name: Any
) -> tuple[DeviceRecord, str]:
    """A device record for the hall and its token (shown once; only its hash is stored).
    `windows` are the hall's window ids; `BadRequest` names the field that is wrong."""
    if kind not in DEVICE_KINDS:
        raise BadRequest(f"kind: one of {', '.join(DEVICE_KINDS)}")
    if kind in WINDOW_KINDS:
        if not isinstance(window, str) or window not in windows:
            raise BadRequest(f"window: a window of hall {hall!r} for a {kind}")
    elif window is not None:
        raise BadRequest(f"window: a {kind} serves the whole hall")
    if name is None:
        name = kind if window is None else f"{kind} {window}"
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise BadRequest("name: a string of 1 to 100 characters")
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
    return record, token


def staff_record(hall: str, body: Mapping[str, Any]) -> StaffRecord:
    """A staff account from its fields (`number`, `name`, `password`, `role`?, `photo`?), the
    password hashed; `BadRequest` lists every field that is wrong."""
    number, name, password = body.get("number"), body.get("name"), body.get("password")
    role, photo = body.get("role", "clerk"), body.get("photo", "")
    problems = []
    if not isinstance(number, str) or not _STAFF_NUMBER.match(number):
        problems.append("number: 1-32 letters, digits, '-' or '_'")
    if not isinstance(name, str) or not name.strip() or len(name) > 50:
        problems.append("name: a display name of 1 to 50 characters")
    if not isinstance(password, str) or len(password) < 6:
        problems.append("password: at least 6 characters")
    if role not in ROLES:
        problems.append("role: 'clerk' or 'manager'")
    if not isinstance(photo, str) or len(photo) > 200_000:
        problems.append("photo: a URL or data: URI")
    if problems:
        raise BadRequest("; ".join(problems))
    return StaffRecord(
        hall, str(number), str(name).strip(), str(role), hash_password(str(password)), str(photo)
    )


async def pair_device(
    store: AccountStore, hall: str, windows: Collection[str], kind: Any, window: Any, name: Any
) -> tuple[DeviceRecord, str]:
    """Create and store a device (`new_device`); its record and its token."""
    record, token = new_device(hall, windows, kind, window, name)
    await asyncio.to_thread(store.add_device, record)
    return record, token
