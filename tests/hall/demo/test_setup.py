"""What `hall serve --demo` and `hall demo` make and print: one link to the front page, with the
admin token only when the server generated it (and then only once), the demo's accounts, and
devices that a restarted demo reuses instead of pairing new ones.

The first tests run a real app's lifespan under uvicorn in the test's loop; the others run the
real commands."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hall.demo.setup import set_up_demo
from hall.server import Server, Settings, create_app
from hall.storage.base import DeviceRecord
from tests.support.inprocess import serving
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

NEWCOMER_DEVICES = 18
"""The kiosk, call screen, tablet and guide phone (导办台), a clerk terminal, window screen and
rating pad at each of windows 1-3, and an office terminal (后台审批) for each of the five
back offices."""
SIMULATED_OFFICES = 5
"""`hall demo` also plays each back office, and a kiosk for citizens coming back (办件)."""
SIMULATED_SEATS = 18
"""Windows 2-19: a simulated clerk terminal and rating pad each (`hall demo`)."""
LINK = re.compile(r"#admin=(\S+)")


@dataclass(frozen=True)
class DemoStart:
    lines: list[str]
    """What the demo prints."""
    server: Server
    address: str
    devices: list[DeviceRecord]
    """The demo hall's devices once it is set up."""


async def demo_start(database: Path, admin_token: str | None = None) -> DemoStart:
    found: list[Server] = []
    settings = Settings(database_url=f"sqlite:///{database}", admin_token=admin_token)
    settings.on_ready = found.append
    async with serving(create_app(settings), lifespan="on") as address:
        (server,) = found
        lines = await set_up_demo(server, f"http://{address}")
        devices = server.store.devices("demo")
    return DemoStart(lines, server, address, devices)


async def test_a_generated_admin_token_is_printed_once_in_the_link_to_the_front_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HALL_ADMIN_TOKEN", raising=False)
    start = await demo_start(tmp_path / "hall.db")
    printed = "\n".join(start.lines)
    assert f"hall: open http://{start.address}/#admin={start.server.admin_token}" in start.lines
    assert printed.count(start.server.admin_token) == 1
    assert "#token=" not in printed  # no wall of device tokens: pairing is the admin page's
    assert "hall: demo clerks (number / password): 1001 / demo1001" in printed
    assert "9001 / demo9001" in printed and "New pairing link" in printed


async def test_an_admin_token_from_the_environment_is_not_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALL_ADMIN_TOKEN", "from-the-environment-1234")
    start = await demo_start(tmp_path / "hall.db")
    assert start.server.admin_token == "from-the-environment-1234"
    assert not any(start.server.admin_token in line for line in start.lines)
    assert (
        f"hall: open http://{start.address}/ and sign in on the admin page with the admin token "
        "in HALL_ADMIN_TOKEN"
    ) in start.lines
    assert not any("#admin=" in line for line in start.lines)


async def test_an_admin_token_given_to_the_app_is_not_printed(tmp_path: Path) -> None:
    start = await demo_start(tmp_path / "hall.db", admin_token="given-in-settings-5678")
    assert not any("given-in-settings-5678" in line for line in start.lines)


async def test_the_demo_pairs_the_newcomers_devices_once(tmp_path: Path) -> None:
    database = tmp_path / "hall.db"
    devices = (await demo_start(database, admin_token="t")).devices
    assert len(devices) == NEWCOMER_DEVICES
    assert {(d.kind, d.window) for d in devices} >= {("kiosk", None), ("clerk", "1")}
    assert "clerk 1" in {d.name for d in devices}
    assert ("office", "civil") in {(d.kind, d.window) for d in devices}

    again = await demo_start(database, admin_token="t")
    assert again.devices == devices  # the same devices, with the same tokens


# --- the real commands ---------------------------------------------------------------------


def printed_token(server: ServerProcess) -> str:
    """The admin token in the front page's link the demo printed; it must be printed once."""
    log = server.log()
    (token,) = LINK.findall(log)
    assert log.count(token) == 1, "the admin token is printed once"
    assert "admin token (shown once)" not in log
    assert f"hall: open {server.url}/#admin={token}" in log
    return str(token)


def demo_devices(server: ServerProcess, token: str) -> list[dict[str, object]]:
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.get(f"{server.url}/api/halls/demo/devices", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    listed: list[dict[str, object]] = response.json()
    return listed


def connected(server: ServerProcess) -> Counter[str]:
    """The demo's connected devices per kind (Prometheus `hall_connected_devices`)."""
    found: Counter[str] = Counter()
    for line in httpx.get(f"{server.url}/metrics", timeout=10).text.splitlines():
        match = re.match(r'hall_connected_devices\{hall="demo",kind="(\w+)"\} (\S+)', line)
        if match:
            found[match[1]] = int(float(match[2]))
    return found


async def started_demo(tmp_path: Path) -> tuple[ServerProcess, list[dict[str, object]]]:
    """`hall demo` on the directory's database, once its simulated devices are connected; its
    devices as the admin lists them. The caller stops it."""
    server = ServerProcess(
        f"sqlite:///{tmp_path / 'hall.db'}",
        tmp_path,
        "--speed",
        "1",
        command="demo",
        env={"HALL_ADMIN_TOKEN": ""},
    )

    def simulated_devices_connected() -> bool:
        now = connected(server)
        return (now["clerk"], now["rating_pad"], now["kiosk"], now.get("office")) == (
            SIMULATED_SEATS,
            SIMULATED_SEATS,
            2,  # the citizens' kiosk, and the one for citizens coming back for their cases
            SIMULATED_OFFICES,
        )

    server.start()
    try:
        token = printed_token(server)
        await eventually(simulated_devices_connected, timeout=20)
        return server, demo_devices(server, token)
    except BaseException:
        server.stop()
        raise


async def test_starting_the_demo_twice_on_one_database_leaves_the_same_devices(
    tmp_path: Path,
) -> None:
    first, before = await started_demo(tmp_path)
    first.stop()
    second, after = await started_demo(tmp_path)  # the simulated devices, with new tokens
    second.stop()

    assert len(before) == NEWCOMER_DEVICES + 2 * SIMULATED_SEATS + 1 + SIMULATED_OFFICES + 1
    assert sorted(str(d["device"]) for d in after) == sorted(str(d["device"]) for d in before)
    assert "Traceback" not in first.log() + second.log()


def test_serve_demo_prints_the_generated_admin_token_once(tmp_path: Path) -> None:
    server = ServerProcess(
        f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, "--demo", env={"HALL_ADMIN_TOKEN": ""}
    )
    server.start()
    try:
        token = printed_token(server)
        devices = demo_devices(server, token)
    finally:
        server.stop()
    assert len(devices) == NEWCOMER_DEVICES
    assert "#token=" not in server.log()
