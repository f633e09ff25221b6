"""What `hall serve --demo` does once the server is up: create the demo hall, its staff and the
devices a newcomer pairs from the admin page, and print the link to the front page (signed in
as admin when the server generated the admin token) with the demo's accounts.

A restarted demo reuses what it made: staff accounts and devices are found (devices by kind,
window and name, `DemoDevices`) and created only when missing. Devices whose token someone
needs now (the simulated ones of `hall demo`) get a new token at each start (re-pairing them:
`hall.accounts.renew_device_token`); the newcomer's keep theirs, so a page paired once stays
paired across restarts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from hall.accounts import pair_device, renew_device_token
from hall.auth import hash_password
from hall.demo.hall import DEMO_STAFF, DemoStaff, demo_config_document
from hall.server import Server
from hall.storage.base import DeviceRecord, StaffRecord
from queueing.config import parse_config

DEMO_HALL = "demo"
WINDOW_DEVICES = ("clerk", "window_screen", "rating_pad")
HALL_DEVICES = ("kiosk", "call_screen", "tablet", "guide")
NEWCOMER_WINDOWS = 3
"""The first windows get a clerk terminal, a window screen and a rating pad to pair."""


async def _add_staff(server: Server, staff: DemoStaff) -> None:
    """Create a demo account once; a restarted demo keeps the accounts it has."""
    if await asyncio.to_thread(server.store.staff, DEMO_HALL, staff.number) is not None:
        return
    password_hash = await asyncio.to_thread(hash_password, staff.password)
    record = StaffRecord(DEMO_HALL, staff.number, staff.display_name, staff.role, password_hash)
    await asyncio.to_thread(server.store.add_staff, record)


class DemoDevices:
    """The demo hall's devices, each known by (kind, window, name): found among those paired
    before, else paired now."""

    def __init__(self, server: Server, records: list[DeviceRecord]) -> None:
        self.server = server
        self.records = {(r.kind, r.window, r.name): r for r in reversed(records)}
        """The oldest device of each (kind, window, name) wins."""

    @classmethod
    async def load(cls, server: Server) -> DemoDevices:
        return cls(server, await asyncio.to_thread(server.store.devices, DEMO_HALL))

    def __len__(self) -> int:
        return len(self.records)

    async def ensure(self, kind: str, window: str | None, name: str) -> DeviceRecord:
        """The device, paired now if it was not (its token is not kept: the admin page makes
        a new one, "New pairing link")."""
        record = self.records.get((kind, window, name))
        if record is None:
            record, _ = await self._pair(kind, window, name)
        return record

    async def token(self, kind: str, window: str | None, name: str) -> str:
        """A working token of the device: a new one for a device paired before (whose sockets
        with the old one close), or the token of a device paired now."""
        record = self.records.get((kind, window, name))
        if record is None:
            _, token = await self._pair(kind, window, name)
            return token
        renewed, token = await renew_device_token(self.server.store, DEMO_HALL, record.id)
        await self.server.revocation.device_renewed(DEMO_HALL, renewed.id, renewed.token_hash)
        self.records[(kind, window, name)] = renewed
        return token

    async def _pair(self, kind: str, window: str | None, name: str) -> tuple[DeviceRecord, str]:
        config = self.server.engine.view(DEMO_HALL).state.config
        windows = [w.id for w in config.windows]
        offices = [o.id for o in config.offices]  # an office device keeps its office as window
        record, token = await pair_device(
            self.server.store, DEMO_HALL, windows, kind, window, name, offices
        )
        self.records[(kind, window, name)] = record
        return record, token


def device_name(kind: str, window: str | None) -> str:
    """The name a newcomer's device has in the admin page's list (as `POST .../devices` names
    a device given no name)."""
    return kind if window is None else f"{kind} {window}"


def front_door_lines(server: Server, base_url: str) -> list[str]:
    """Where to start: the front page, signed in as admin with a token the server generated
    (printed here only). A token from `HALL_ADMIN_TOKEN` is the operator's secret and stays
    out of the console and its logs."""
    if server.admin_token_generated:
        return [
            f"hall: open {base_url}/#admin={server.admin_token}",
            "      (the front page, signed in as admin; this admin token is shown only here)",
        ]
    return [
        f"hall: open {base_url}/ and sign in on the admin page with the admin token in "
        "HALL_ADMIN_TOKEN"
    ]


def demo_on_ready(base_url: str) -> Callable[[Server], Awaitable[None]]:
    async def on_ready(server: Server) -> None:
        lines = await set_up_demo(server, base_url)
        print("\n".join(lines), flush=True)

    return on_ready


async def set_up_demo(server: Server, base_url: str) -> list[str]:
    config = parse_config(demo_config_document())
    await server.engine.configure(config)
    await asyncio.gather(*(_add_staff(server, staff) for staff in DEMO_STAFF))
    devices = await DemoDevices.load(server)
    for kind in HALL_DEVICES:
        await devices.ensure(kind, None, device_name(kind, None))
    for window in [w.id for w in config.windows][:NEWCOMER_WINDOWS]:
        for kind in WINDOW_DEVICES:
            await devices.ensure(kind, window, device_name(kind, window))
    for office in config.offices:  # 后台审批: one office terminal to pair per back office
        await devices.ensure("office", office.id, f"office {office.id}")
    clerks = [s for s in DEMO_STAFF if s.role == "clerk"][:NEWCOMER_WINDOWS]
    manager = next(s for s in DEMO_STAFF if s.role == "manager")
    return [
        "",
        f"hall: demo hall '{config.name}' is ready",
        *front_door_lines(server, base_url),
        'hall: pair a device page on the admin page: "New pairing link" on one of the demo\'s',
        "      devices, then open that link (on this computer, a tablet or a phone)",
        "hall: demo clerks (number / password): "
        + ", ".join(f"{s.number} / {s.password}" for s in clerks)
        + f"; floor manager, for the tablet: {manager.number} / {manager.password}",
    ]
