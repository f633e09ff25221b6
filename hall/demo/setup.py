"""What `hall serve --demo` does once the server is up: create the demo hall, its staff and a
set of paired devices, and print every page's URL (and the admin token, when the server
generated it)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from hall.accounts import pair_device
from hall.auth import hash_password
from hall.demo.hall import DEMO_STAFF, DemoStaff, demo_config_document
from hall.server import Server
from hall.storage.base import StaffRecord
from queueing.config import parse_config

DEMO_HALL = "demo"
WINDOW_DEVICES = ("clerk", "window_screen", "rating_pad")
HALL_DEVICES = ("kiosk", "call_screen", "tablet")
PAGES = {
    "kiosk": "/kiosk",
    "call_screen": "/screen",
    "tablet": "/tablet",
    "clerk": "/clerk",
    "window_screen": "/window",
    "rating_pad": "/pad",
}


async def _add_staff(server: Server, staff: DemoStaff) -> None:
    """Create a demo account once; a restarted demo keeps the accounts it has."""
    if await asyncio.to_thread(server.store.staff, DEMO_HALL, staff.number) is not None:
        return
    password_hash = await asyncio.to_thread(hash_password, staff.password)
    record = StaffRecord(DEMO_HALL, staff.number, staff.display_name, staff.role, password_hash)
    await asyncio.to_thread(server.store.add_staff, record)


def _admin_token_line(server: Server) -> str:
    """The admin token only when the server generated it: one set in `HALL_ADMIN_TOKEN` is the
    operator's secret, and stays out of the console and its logs."""
    if server.admin_token_generated:
        return f"hall: admin token (generated here): {server.admin_token}"
    return "hall: admin token: the one in HALL_ADMIN_TOKEN"


def demo_on_ready(base_url: str) -> Callable[[Server], Awaitable[None]]:
    async def on_ready(server: Server) -> None:
        lines = await set_up_demo(server, base_url)
        print("\n".join(lines), flush=True)

    return on_ready


async def set_up_demo(server: Server, base_url: str) -> list[str]:
    config = parse_config(demo_config_document())
    await server.engine.configure(config)
    await asyncio.gather(*(_add_staff(server, staff) for staff in DEMO_STAFF))
    lines = [
        "",
        f"hall: demo hall '{config.name}' is ready at {base_url}",
        _admin_token_line(server),
        "hall: paired device links (open in a browser; the token pairs the page):",
    ]
    windows = server.engine.view(DEMO_HALL).state.windows
    for kind in HALL_DEVICES:
        _, token = await pair_device(server.store, DEMO_HALL, windows, kind, None, None)
        lines.append(f"  {kind:<14} {base_url}{PAGES[kind]}#token={token}")
    for window in [w.id for w in config.windows][:3]:
        for kind in WINDOW_DEVICES:
            _, token = await pair_device(server.store, DEMO_HALL, windows, kind, window, None)
            lines.append(f"  {kind:<14} {base_url}{PAGES[kind]}#token={token}  (window {window})")
    clerks = [s for s in DEMO_STAFF if s.role == "clerk"][:3]
    manager = next(s for s in DEMO_STAFF if s.role == "manager")
    lines.append(
        "hall: demo clerks (number / password): "
        + ", ".join(f"{s.number} / {s.password}" for s in clerks)
        + f"; floor manager, for the tablet: {manager.number} / {manager.password}"
    )
    lines.append(f"hall: booking page {base_url}/book/{DEMO_HALL}; API {base_url}/openapi.json")
    return lines
