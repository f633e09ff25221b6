"""Devices and staff over the HTTP API (PROTOCOL 1.1, "Devices and staff"), against a real
server process: listing, renaming, unpairing devices, creating, updating, deactivating and
deleting staff accounts, every refusal with its code, and what revocation does to live
connections: a deleted device's sockets close with 4401, a deactivated clerk is signed out."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.support.device import Device, connected
from tests.support.server import CLERK, HallSetup, ServerProcess, mint, new_hall

pytestmark = pytest.mark.anyio

REVOKED_WITHIN = 2.0
"""Seconds within which a deleted device's sockets must be closed (PROTOCOL 1.1)."""


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(CLERK,))


def http(server: ServerProcess, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10.0)


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def device_id(server: ServerProcess, hall: str, name: str) -> str:
    with server.admin() as admin:
        devices = admin.get(f"/api/halls/{hall}/devices").json()
    (found,) = [d["device"] for d in devices if d["name"] == name]
    return str(found)


def paired(
    server: ServerProcess, hall: str, kind: str, name: str, window: str | None = None
) -> str:
    """A new device's token (`mint` names devices by kind; these tests need their ids)."""
    with server.admin() as admin:
        body: dict[str, Any] = {"kind": kind, "name": name}
        if window is not None:
            body["window"] = window
        response = admin.post(f"/api/halls/{hall}/devices", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["token"])


async def closed_with(device: Device, within: float = REVOKED_WITHIN) -> int | None:
    """The close code of a socket the server closes within `within` seconds."""
    await asyncio.wait_for(device.connection.wait_closed(), within)
    return device.connection.close_code


# --- devices --------------------------------------------------------------------------------


async def test_devices_are_listed_with_when_they_were_last_seen(
    server: ServerProcess, hall: str, devices: list[Device]
) -> None:
    token = paired(server, hall, "call_screen", "大厅综合屏")
    with server.admin() as admin:
        (before,) = admin.get(f"/api/halls/{hall}/devices").json()
    assert before["last_seen"] is None
    assert set(before) == {"device", "kind", "window", "name", "created_at", "last_seen", "online"}

    await connected(server.ws_url, token, devices)

    with server.admin() as admin:
        (after,) = admin.get(f"/api/halls/{hall}/devices").json()
    seen = datetime.fromisoformat(after["last_seen"])
    assert seen >= datetime.fromisoformat(after["created_at"])
    assert after["last_seen"].endswith("Z") and after["created_at"].endswith("Z")


def test_a_device_is_renamed_and_keeps_its_token(server: ServerProcess, hall: str) -> None:
    token = paired(server, hall, "kiosk", "东门取号机")
    device = device_id(server, hall, "东门取号机")
    with server.admin() as admin:
        renamed = admin.patch(f"/api/halls/{hall}/devices/{device}", json={"name": " 西门取号机 "})
        assert renamed.status_code == 200
        assert renamed.json()["name"] == "西门取号机" and renamed.json()["device"] == device
        listed = admin.get(f"/api/halls/{hall}/devices").json()
    assert [d["name"] for d in listed] == ["西门取号机"]
    with http(server, token) as kiosk:
        assert kiosk.get(f"/api/halls/{hall}/snapshot").status_code == 200


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({}, "name"),
        ({"name": "a", "kind": "tablet"}, "kind"),
    ],
)
def test_renaming_a_device_needs_a_valid_name(
    server: ServerProcess, hall: str, body: dict[str, Any], named: str
) -> None:
    paired(server, hall, "kiosk", "东门取号机")
    device = device_id(server, hall, "东门取号机")
    with server.admin() as admin:
        response = admin.patch(f"/api/halls/{hall}/devices/{device}", json=body)
    assert error_of(response) == (400, "bad_request")
    assert named in response.json()["error"]["message"]


def test_device_endpoints_refuse_unknown_devices_and_non_admins(
    server: ServerProcess, hall: str
) -> None:
    kiosk = paired(server, hall, "kiosk", "东门取号机")
    device = device_id(server, hall, "东门取号机")
    url = f"/api/halls/{hall}/devices/{device}"
    with server.admin() as admin:
        assert error_of(admin.patch(f"/api/halls/{hall}/devices/nope", json={"name": "a"})) == (
            404,
            "unknown_device",
        )
        assert error_of(admin.delete(f"/api/halls/{hall}/devices/nope")) == (404, "unknown_device")
        assert error_of(admin.delete(f"/api/halls/none/devices/{device}")) == (404, "unknown_hall")
        assert error_of(admin.post(f"/api/halls/{hall}/devices/nope/token")) == (
            404,
            "unknown_device",
        )
        assert error_of(admin.post(f"/api/halls/none/devices/{device}/token")) == (
            404,
            "unknown_hall",
        )
    with http(server, kiosk) as as_device:
        assert error_of(as_device.get(f"/api/halls/{hall}/devices")) == (403, "forbidden")
        assert error_of(as_device.patch(url, json={"name": "a"})) == (403, "forbidden")
        assert error_of(as_device.delete(url)) == (403, "forbidden")
        assert error_of(as_device.post(f"{url}/token")) == (403, "forbidden")
    with http(server) as anonymous:
        assert error_of(anonymous.delete(url)) == (401, "unauthorized")
        assert error_of(anonymous.post(f"{url}/token")) == (401, "unauthorized")
    with http(server, kiosk) as as_device:  # refused re-pairings left the token working
        assert as_device.get(f"/api/halls/{hall}/snapshot").status_code == 200


def test_a_device_of_another_hall_is_unknown_here(server: ServerProcess, hall: str) -> None:
    other = new_hall(server)
    paired(server, other, "kiosk", "别的大厅")
    device = device_id(server, other, "别的大厅")
    with server.admin() as admin:
        assert error_of(admin.delete(f"/api/halls/{hall}/devices/{device}")) == (
            404,
            "unknown_device",
        )
        assert admin.get(f"/api/halls/{other}/devices").json() != []
        assert error_of(admin.post(f"/api/halls/{hall}/devices/{device}/token")) == (
            404,
            "unknown_device",
        )


async def test_a_deleted_device_is_disconnected_with_4401_and_its_token_stops_working(
    server: ServerProcess, hall: str, devices: list[Device]
) -> None:
    token = paired(server, hall, "call_screen", "大厅综合屏")
    stays = await connected(server.ws_url, mint(server, hall, "call_screen"), devices)
    first = await connected(server.ws_url, token, devices)
    second = await connected(server.ws_url, token, devices)  # the same device twice: both close
    device = device_id(server, hall, "大厅综合屏")

    with server.admin() as admin:
        response = admin.delete(f"/api/halls/{hall}/devices/{device}")
        assert response.status_code == 204 and response.content == b""

    assert await closed_with(first) == 4401
    assert await closed_with(second) == 4401
    error = await first.other()
    assert error["type"] == "error" and error["error"]["code"] == "unauthorized"
    with http(server, token) as revoked:
        assert error_of(revoked.get(f"/api/halls/{hall}/snapshot")) == (401, "unauthorized")
    again, refused = await Device.connect(server.ws_url, token)
    devices.append(again)
    assert refused["error"]["code"] == "unauthorized"
    assert await closed_with(again) == 4401
    with server.admin() as admin:
        assert error_of(admin.delete(f"/api/halls/{hall}/devices/{device}")) == (
            404,
            "unknown_device",
        )
    await stays.send({"type": "ping"})  # the hall's other devices stay connected
    assert (await stays.other())["type"] == "pong"


async def test_a_re_paired_device_gets_a_new_token_and_its_old_sockets_close_with_4401(
    server: ServerProcess, hall: str, devices: list[Device]
) -> None:
    old = paired(server, hall, "clerk", "3号窗口柜员端", window="3")
    stays = await connected(server.ws_url, mint(server, hall, "call_screen"), devices)
    first = await connected(server.ws_url, old, devices)
    second = await connected(server.ws_url, old, devices)
    device = device_id(server, hall, "3号窗口柜员端")

    with server.admin() as admin:
        response = admin.post(f"/api/halls/{hall}/devices/{device}/token")
        assert response.status_code == 200, response.text
        renewed = response.json()
        listed = admin.get(f"/api/halls/{hall}/devices").json()
    assert set(renewed) == {"device", "token", "kind", "window", "name"}
    assert (renewed["device"], renewed["kind"], renewed["window"], renewed["name"]) == (
        device,
        "clerk",
        "3",
        "3号窗口柜员端",
    )
    assert renewed["token"] != old and len(renewed["token"]) >= 32
    assert [d["name"] for d in listed if d["device"] == device] == ["3号窗口柜员端"]
    assert len(listed) == 2  # no device was added
    assert renewed["token"] not in str(listed)

    assert await closed_with(first) == 4401
    assert await closed_with(second) == 4401
    error = await first.other()
    assert error["type"] == "error" and error["error"]["code"] == "unauthorized"
    with http(server, old) as revoked:
        assert error_of(revoked.get(f"/api/halls/{hall}/snapshot")) == (401, "unauthorized")
    again, refused = await Device.connect(server.ws_url, old)
    devices.append(again)
    assert refused["error"]["code"] == "unauthorized"
    assert await closed_with(again) == 4401

    fresh, welcome = await Device.connect(server.ws_url, renewed["token"])
    devices.append(fresh)
    assert welcome["type"] == "welcome"
    assert welcome["device"] == {"id": device, "kind": "clerk", "hall": hall, "window": "3"}
    with http(server, renewed["token"]) as new:
        assert new.get(f"/api/halls/{hall}/snapshot").status_code == 200

    with server.admin() as admin:  # again: the second token replaces the first
        again_renewed = admin.post(f"/api/halls/{hall}/devices/{device}/token").json()
    assert await closed_with(fresh) == 4401
    latest = await connected(server.ws_url, again_renewed["token"], devices)
    for device_left in (stays, latest):  # the hall's other devices, and the new token, stay
        await device_left.send({"type": "ping"})
        assert (await device_left.other())["type"] == "pong"


# --- staff ----------------------------------------------------------------------------------


def test_staff_accounts_are_created_listed_updated_and_deleted(
    server: ServerProcess, hall: str
) -> None:
    url = f"/api/halls/{hall}/staff/2002"
    with server.admin() as admin:
        created = admin.put(url, json={"name": "李娜", "role": "clerk", "password": "secret2"})
        assert created.status_code == 201
        assert created.json() == {"number": "2002", "name": "李娜", "role": "clerk", "active": True}
        updated = admin.put(url, json={"name": "李娜娜", "role": "manager"})  # keeps the password
        assert updated.status_code == 200 and updated.json()["role"] == "manager"
        listed = admin.get(f"/api/halls/{hall}/staff").json()
        assert listed == [
            {"number": "1001", "name": CLERK.name, "role": "clerk", "active": True},
            {"number": "2002", "name": "李娜娜", "role": "manager", "active": True},
        ]
        assert "secret" not in str(listed) and "scrypt" not in str(listed)
        deleted = admin.delete(url)
        assert deleted.status_code == 204 and deleted.content == b""
        assert error_of(admin.delete(url)) == (404, "unknown_staff")
        assert [s["number"] for s in admin.get(f"/api/halls/{hall}/staff").json()] == ["1001"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"name": "李娜", "role": "clerk"}, "password: required"),
        ({"name": "李娜", "role": "clerk", "password": "short"}, "password"),
        ({"name": "", "role": "clerk", "password": "secret2"}, "name"),
        ({"name": "李娜", "role": "boss", "password": "secret2"}, "role"),
        ({"name": "李娜", "password": "secret2"}, "role"),
        ({"name": "李娜", "role": "clerk", "password": "secret2", "active": "no"}, "active"),
        ({"name": "李娜", "role": "clerk", "password": "secret2", "phone": "1"}, "phone"),
        ({"number": "3003", "name": "李娜", "role": "clerk", "password": "secret2"}, "number"),
    ],
)
def test_a_staff_account_needs_valid_fields(
    server: ServerProcess, hall: str, body: dict[str, Any], named: str
) -> None:
    with server.admin() as admin:
        response = admin.put(f"/api/halls/{hall}/staff/2002", json=body)
        assert error_of(response) == (400, "bad_request")
        assert named in response.json()["error"]["message"]
        assert error_of(admin.put(f"/api/halls/{hall}/staff/bad%20number", json={})) == (
            400,
            "bad_request",
        )
        assert [s["number"] for s in admin.get(f"/api/halls/{hall}/staff").json()] == ["1001"]


def test_staff_endpoints_need_the_admin_token(server: ServerProcess, hall: str) -> None:
    kiosk = mint(server, hall, "kiosk")
    body = {"name": "李娜", "role": "clerk", "password": "secret2"}
    with http(server, kiosk) as as_device:
        assert error_of(as_device.get(f"/api/halls/{hall}/staff")) == (403, "forbidden")
        assert error_of(as_device.put(f"/api/halls/{hall}/staff/2002", json=body)) == (
            403,
            "forbidden",
        )
        assert error_of(as_device.delete(f"/api/halls/{hall}/staff/1001")) == (403, "forbidden")
    with http(server) as anonymous:
        assert error_of(anonymous.delete(f"/api/halls/{hall}/staff/1001")) == (401, "unauthorized")
    with server.admin() as admin:
        assert error_of(admin.get("/api/halls/none/staff")) == (404, "unknown_hall")


async def sign_in(clerk: Device, window: str = "1") -> dict[str, Any]:
    args = {"window": window, "staff": CLERK.number, "password": CLERK.password}
    return await clerk.command("sign_in", args)


async def signed_out(screen: Device) -> dict[str, Any]:
    """The `window.changed` of the revoked sign-out, as a screen gets it."""
    while True:
        event = await screen.event("window.changed")
        if event["data"]["cause"] == "staff_revoked":
            return event


@pytest.mark.parametrize("how", ["deactivated", "deleted"])
async def test_a_deactivated_or_deleted_clerk_is_signed_out_and_cannot_sign_in(
    server: ServerProcess, hall: str, devices: list[Device], how: str
) -> None:
    screen = await connected(server.ws_url, mint(server, hall, "call_screen"), devices)
    clerk = await connected(server.ws_url, mint(server, hall, "clerk", "1"), devices)
    assert (await sign_in(clerk))["ok"]
    url = f"/api/halls/{hall}/staff/{CLERK.number}"

    with server.admin() as admin:
        if how == "deactivated":
            body = {"name": CLERK.name, "role": "clerk", "active": False}
            response = admin.put(url, json=body)
            assert response.status_code == 200 and response.json()["active"] is False
        else:
            assert admin.delete(url).status_code == 204

    window = (await signed_out(screen))["data"]["window"]
    assert (window["id"], window["status"], window["clerk"], window["clerk_number"]) == (
        "1",
        "closed",
        None,
        None,
    )
    refused = await sign_in(clerk)
    assert not refused["ok"] and refused["error"]["code"] == "unauthorized"


async def test_a_reactivated_clerk_signs_in_again(
    server: ServerProcess, hall: str, devices: list[Device]
) -> None:
    clerk = await connected(server.ws_url, mint(server, hall, "clerk", "1"), devices)
    url = f"/api/halls/{hall}/staff/{CLERK.number}"
    with server.admin() as admin:
        admin.put(url, json={"name": CLERK.name, "role": "clerk", "active": False})
        assert not (await sign_in(clerk))["ok"]
        admin.put(url, json={"name": CLERK.name, "role": "clerk", "active": True})
    assert (await sign_in(clerk))["ok"]


async def test_a_revoked_clerk_with_a_ticket_in_hand_leaves_it_at_the_window(
    server: ServerProcess, hall: str, devices: list[Device]
) -> None:
    screen = await connected(server.ws_url, mint(server, hall, "call_screen"), devices)
    kiosk = await connected(server.ws_url, mint(server, hall, "kiosk"), devices)
    clerk = await connected(server.ws_url, mint(server, hall, "clerk", "1"), devices)
    assert (await sign_in(clerk))["ok"]
    await kiosk.ok("issue_ticket", {"service": "social"})
    called = await clerk.ok("call_next", {"window": "1"})

    with server.admin() as admin:
        admin.put(
            f"/api/halls/{hall}/staff/{CLERK.number}",
            json={"name": CLERK.name, "role": "clerk", "active": False},
        )

    window = (await signed_out(screen))["data"]["window"]
    assert (window["status"], window["clerk"], window["ticket_id"]) == (
        "calling",
        None,
        called["ticket"]["id"],
    )
