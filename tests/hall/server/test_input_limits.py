"""Input the server refuses at the edge, against a real server process: JSON nested deeper than
32 levels (a 30,000-deep frame or body fits in the size limit) and text no database stores (a NUL
character, a lone surrogate). Each is `bad_request` naming what is wrong, over the websocket and
over HTTP; a socket stays open, and the server answers the next request as usual."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from displays.protocol import MAX_FRAME_CHARS
from tests.support.device import Device
from tests.support.server import ADMIN_TOKEN, ServerProcess, mint

pytestmark = pytest.mark.anyio

DEPTH = 30_000
DEEP = "[" * DEPTH + "]" * DEPTH


def deep_command() -> str:
    frame = '{"type": "command", "id": "deep", "name": "issue_ticket", "args": {"service": '
    text = frame + DEEP + "}}"
    assert len(text) <= MAX_FRAME_CHARS
    return text


def admin(server: ServerProcess) -> httpx.Client:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10.0)


async def test_a_deep_frame_is_bad_request_and_the_socket_stays_open(
    server: ServerProcess, hall: str
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    await kiosk.connection.send(deep_command())
    error = await kiosk.other()
    assert error["type"] == "error" and error["error"]["code"] == "bad_request"
    assert "nested deeper than 32 levels" in error["error"]["message"]
    await kiosk.send({"type": "ping"})
    assert (await kiosk.other())["type"] == "pong"
    assert (await kiosk.command("issue_ticket", {"service": "social"}))["ok"]
    await kiosk.close()


async def test_a_deep_first_frame_gets_hello_required_and_a_close_frame(
    server: ServerProcess,
) -> None:
    async with connect(server.ws_url) as socket:
        await socket.send(deep_command())
        error = json.loads(await socket.recv())
        assert error["type"] == "error" and error["error"]["code"] == "hello_required"
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.parametrize("path", ["commands/issue_ticket", "appointments"])
def test_a_deep_http_body_is_bad_request(server: ServerProcess, hall: str, path: str) -> None:
    with admin(server) as http:
        response = http.post(f"/api/halls/{hall}/{path}", content='{"service": ' + DEEP + "}")
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "bad_request"
        assert "nested deeper than 32 levels" in response.json()["error"]["message"]
        assert http.get("/readyz").status_code == 200


def next_slot(server: ServerProcess, hall: str) -> str:
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    with admin(server) as http:
        slots = http.get(
            f"/api/halls/{hall}/slots", params={"service": "social", "date": tomorrow}
        ).json()["slots"]
    start: str = slots[0]["start"]
    return start


@pytest.mark.parametrize("name", ["张\ud800三", "张\x00三"], ids=["surrogate", "nul"])
def test_a_booking_name_no_database_stores_is_bad_request_naming_it(
    server: ServerProcess, hall: str, name: str
) -> None:
    booking = {"service": "social", "slot": next_slot(server, hall), "phone": "13812345678"}
    with admin(server) as http:
        response = http.post(
            f"/api/halls/{hall}/appointments", content=json.dumps({**booking, "name": name})
        )
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        assert error["code"] == "bad_request" and error["message"].startswith("name: ")
        booked = http.post(
            f"/api/halls/{hall}/appointments", content=json.dumps({**booking, "name": "张三"})
        )
        assert booked.status_code == 201, booked.text


async def test_a_command_id_no_database_stores_gets_an_error_and_the_socket_stays_open(
    server: ServerProcess, hall: str
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    for bad_id in ("k\ud800", "k\x00"):
        frame: dict[str, Any] = {"type": "command", "id": bad_id, "name": "issue_ticket"}
        await kiosk.connection.send(json.dumps(frame))  # ASCII JSON: "\ud800" escaped
        error = await kiosk.other()
        assert error["type"] == "error" and error["error"]["code"] == "bad_request"
        assert error["error"]["message"].startswith("id: ")
    reply = await kiosk.command("issue_ticket", {"service": "social"})
    assert reply["ok"], reply
    assert kiosk.others.empty()
    await kiosk.close()
