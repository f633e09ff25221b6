"""What the admin page (/admin) needs of the HTTP API, against a real server process: whether
each device is online now (`online` on the devices list), and QR codes of pairing links made
from a POST body (`POST /api/qr`, the admin's only), so that a link's device token is in no
address that gets logged; the page's own content security policy allows blob: images, the
other pages' do not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.device import Device
from tests.support.fixtures import ServerSetup
from tests.support.server import ServerProcess, mint
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

OFFLINE_S = 2
"""This module's server counts a device offline after this many seconds unseen."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def server(
    server_setup: ServerSetup, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("admin_api")
    process = ServerProcess(
        f"sqlite:///{workdir / 'hall.db'}",
        workdir,
        env={"HALL_DEVICE_OFFLINE_S": str(OFFLINE_S)},
    )
    try:
        process.start()
        yield process
    finally:
        process.stop()


def listed(server: ServerProcess, hall: str, device_name: str) -> dict[str, Any]:
    with server.admin() as admin:
        devices: list[dict[str, Any]] = admin.get(f"/api/halls/{hall}/devices").json()
    return next(device for device in devices if device["name"] == device_name)


async def test_a_device_is_online_while_connected_and_offline_after_the_limit(
    server: ServerProcess, hall: str
) -> None:
    token = mint(server, hall, "kiosk")
    assert listed(server, hall, "kiosk")["online"] is False  # never connected
    kiosk, _ = await Device.connect(server.ws_url, token)
    assert listed(server, hall, "kiosk")["online"] is True
    await kiosk.close()
    await eventually(lambda: listed(server, hall, "kiosk")["online"] is False, timeout=10)
    assert listed(server, hall, "kiosk")["last_seen"] is not None


async def test_a_renamed_device_says_whether_it_is_online(server: ServerProcess, hall: str) -> None:
    kiosk, welcome = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    with server.admin() as admin:
        path = f"/api/halls/{hall}/devices/{welcome['device']['id']}"
        renamed = admin.patch(path, json={"name": "东门取号机"}).json()
    assert (renamed["name"], renamed["online"]) == ("东门取号机", True)
    await kiosk.close()


def test_the_admin_gets_a_qr_code_of_a_pairing_link(server: ServerProcess, hall: str) -> None:
    link = f"{server.url}/clerk#token={'x' * 43}"
    with server.admin() as admin:
        response = admin.post("/api/qr", json={"text": link})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"<svg")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({}, "text: a string of 1 to 500 characters"),
        ({"text": ""}, "text: a string of 1 to 500 characters"),
        ({"text": "x" * 501}, "text: a string of 1 to 500 characters"),
        ({"text": 5}, "text: a string of 1 to 500 characters"),
        ({"text": "x", "size": 3}, "size: unknown field"),
    ],
)
def test_a_qr_code_needs_a_text_of_at_most_500_characters(
    server: ServerProcess, body: dict[str, Any], problem: str
) -> None:
    with server.admin() as admin:
        response = admin.post("/api/qr", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert problem in response.json()["error"]["message"]


def test_only_the_admin_gets_qr_codes_of_any_text(server: ServerProcess, hall: str) -> None:
    device = mint(server, hall, "kiosk")
    for headers, status in (({}, 401), ({"Authorization": f"Bearer {device}"}, 403)):
        response = httpx.post(f"{server.url}/api/qr", json={"text": "hello"}, headers=headers)
        assert response.status_code == status, response.text


def test_only_the_admin_page_shows_blob_images(server: ServerProcess) -> None:
    def image_sources(path: str) -> str:
        policy = httpx.get(f"{server.url}{path}").headers["content-security-policy"]
        return next(part for part in policy.split("; ") if part.startswith("img-src"))

    assert image_sources("/admin") == "img-src 'self' data: blob:"
    for path in ("/kiosk", "/clerk", "/tablet", "/screen"):
        assert image_sources(path) == "img-src 'self' data:"
