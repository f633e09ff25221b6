"""A hall's accounts: its paired devices and its staff. The HTTP API, the command line and the
demo all create them here, with the same checks; none of them imports another for it. The API's
updates (renaming a device, creating or updating a staff account) are checked here too."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from displays.errors import BadRequest, UnknownDevice
from displays.kinds import DEVICE_KINDS, OFFICE, WINDOW_KINDS
from hall.auth import hash_password, new_token, token_hash
from hall.storage.base import AccountStore, DeviceRecord, StaffRecord

ROLES = ("clerk", "manager")
_STAFF_NUMBER = re.compile(r"[A-Za-z0-9_-]{1,32}")


def new_device(
    hall: str,
    windows: Collection[str],
    kind: Any,
    window: Any,
    name: Any,
    offices: Collection[str] = (),
) -> tuple[DeviceRecord, str]:
    """A device record for the hall and its token (shown once; only its hash is stored).
    `windows` are the hall's window ids; `BadRequest` names the field that is wrong. An office
    device (后台审批) keeps its office id (one of `offices`) where window devices keep a window."""
    if kind not in DEVICE_KINDS:
        raise BadRequest(f"kind: one of {', '.join(DEVICE_KINDS)}")
    if kind == OFFICE:
        if not isinstance(window, str) or window not in offices:
            raise BadRequest(f"office: an office of hall {hall!r} for an office device")
    elif kind in WINDOW_KINDS:
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
    """A staff account from its fields (`number`, `name`, `password`, `role`?, `photo`?,
    `active`?), the password hashed; `BadRequest` lists every field that is wrong."""
    number, name, password = body.get("number"), body.get("name"), body.get("password")
    role, photo = body.get("role", "clerk"), body.get("photo", "")
    active = body.get("active", True)
    problems = _staff_problems(number, name, role, photo, active)
    if not _valid_password(password):
        problems.append(PASSWORD_RULE)
    if problems:
        raise BadRequest("; ".join(problems))
    return StaffRecord(
        hall,
        str(number),
        str(name).strip(),
        str(role),
        hash_password(str(password)),
        str(photo),
        bool(active),
    )


STAFF_FIELDS = frozenset({"number", "name", "role", "password", "photo", "active"})
PASSWORD_RULE = "password: at least 6 characters"


def updated_staff(
    hall: str, number: str, body: Mapping[str, Any], current: StaffRecord | None
) -> StaffRecord:
    """The account `PUT /api/halls/{hall}/staff/{number}` leaves: `name` and `role` as given;
    `password`, `photo` and `active` as given or, when absent, as they were (a new account
    needs a password; it is active unless said otherwise). `BadRequest` lists every field
    that is wrong, unknown fields too; a password is hashed only once the rest is valid."""
    problems = [f"{key}: unknown field" for key in sorted(set(body) - STAFF_FIELDS)]
    if "number" in body and body["number"] != number:
        problems.append("number: must match the staff number in the URL")
    password = body.get("password")
    active = body.get("active", True if current is None else current.active)
    photo = body.get("photo", "" if current is None else current.photo)
    name, role = body.get("name"), body.get("role")
    problems += _staff_problems(number, name, role, photo, active)
    if password is None and current is None:
        problems.append("password: required for a new account")
    elif password is not None and not _valid_password(password):
        problems.append(PASSWORD_RULE)
    if problems:
        raise BadRequest("; ".join(problems))
    if password is not None:
        hashed = hash_password(str(password))
    else:
        assert current is not None
        hashed = current.password_hash
    return StaffRecord(hall, number, str(name).strip(), str(role), hashed, str(photo), bool(active))


def _staff_problems(number: Any, name: Any, role: Any, photo: Any, active: Any) -> list[str]:
    problems = []
    if not isinstance(number, str) or not _STAFF_NUMBER.fullmatch(number):
        problems.append("number: 1-32 letters, digits, '-' or '_'")
    if not isinstance(name, str) or not name.strip() or len(name) > 50:
        problems.append("name: a display name of 1 to 50 characters")
    if role not in ROLES:
        problems.append("role: 'clerk' or 'manager'")
    if not isinstance(photo, str) or len(photo) > 200_000:
        problems.append("photo: a URL or data: URI")
    if not isinstance(active, bool):
        problems.append("active: true or false")
    return problems


def _valid_password(password: Any) -> bool:
    return isinstance(password, str) and len(password) >= 6


def device_name(body: Mapping[str, Any]) -> str:
    """The new name of `PATCH /api/halls/{hall}/devices/{device}` (`{"name"}`), trimmed;
    `BadRequest` for anything else."""
    problems = [f"{key}: unknown field" for key in sorted(set(body) - {"name"})]
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        problems.append("name: a string of 1 to 100 characters")
    if problems or not isinstance(name, str):
        raise BadRequest("; ".join(problems))
    return name.strip()


async def pair_device(
    store: AccountStore,
    hall: str,
    windows: Collection[str],
    kind: Any,
    window: Any,
    name: Any,
    offices: Collection[str] = (),
) -> tuple[DeviceRecord, str]:
    """Create and store a device (`new_device`); its record and its token."""
    record, token = new_device(hall, windows, kind, window, name, offices)
    await asyncio.to_thread(store.add_device, record)
    return record, token


async def renew_device_token(
    store: AccountStore, hall: str, device: str
) -> tuple[DeviceRecord, str]:
    """Re-pair a device: a new token (shown once; only its hash is stored) and the device's
    record with it. The old token stops working at once; closing the device's live sockets is
    the caller's part. `UnknownDevice` when the hall has no such device."""
    token = new_token()
    hashed = token_hash(token)
    if not await asyncio.to_thread(store.replace_device_token, hall, device, hashed):
        raise UnknownDevice(f"no device {device!r} in hall {hall!r}")
    record = await asyncio.to_thread(store.device, hall, device)
    if record is None:  # unpaired in the meantime
        raise UnknownDevice(f"no device {device!r} in hall {hall!r}")
    return record, token
