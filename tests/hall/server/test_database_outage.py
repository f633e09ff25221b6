"""The database goes away under a running server and comes back: commands get `unavailable`
within 5 s (over HTTP, 503) and their devices stay connected, a new hello gets `unavailable`
and a clean close (1013), `/readyz` says 503 while `/healthz` says 200, and once the database is
back the same command id goes through, without a restart.

The server is the real app under uvicorn in this test's loop, on the real PostgreSQL reached
through a TCP proxy the test stops (the database is gone: connections reset, new ones refused)
or hangs (the database is unreachable without a word: nothing gets through).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url
from websockets.asyncio.client import connect

from hall.server import Settings, create_app
from tests.support.device import Device
from tests.support.inprocess import serving
from tests.support.server import ADMIN_TOKEN, CLERK, small_hall
from tests.support.tcp_proxy import TcpProxy, proxy_to

pytestmark = pytest.mark.anyio

PROMISED = 5.0
"""docs/protocol.md: the reply comes within 5 s, never later."""
HALL = "outage"


@dataclass
class Running:
    proxy: TcpProxy
    http: httpx.AsyncClient
    ws_url: str
    tokens: dict[str, str]


@contextlib.asynccontextmanager
async def running(postgres_url: str) -> AsyncIterator[Running]:
    database = make_url(postgres_url)
    async with proxy_to(database.host or "127.0.0.1", database.port or 5432) as proxy:
        through_proxy = database.set(port=proxy.port).render_as_string(hide_password=False)
        settings = Settings(database_url=through_proxy, admin_token=ADMIN_TOKEN, tick_seconds=3600)
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with (
            serving(create_app(settings), lifespan="on") as address,
            httpx.AsyncClient(base_url=f"http://{address}", headers=headers, timeout=30) as http,
        ):
            created = await http.put(f"/api/halls/{HALL}", json=small_hall(HALL))
            assert created.status_code == 201, created.text
            tokens = {}
            for kind, window in (("kiosk", None), ("tablet", None), ("clerk", "1")):
                device = {"kind": kind, "window": window}
                paired = await http.post(f"/api/halls/{HALL}/devices", json=device)
                assert paired.status_code == 201, paired.text
                tokens[kind] = paired.json()["token"]
            staff = {"number": CLERK.number, "name": CLERK.name, "password": CLERK.password}
            added = await http.post(f"/api/halls/{HALL}/staff", json=staff)
            assert added.status_code == 201, added.text
            yield Running(proxy, http, f"ws://{address}/ws", tokens)


async def timed_command(device: Device, command_id: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    reply = await device.command("issue_ticket", {"service": "social"}, id=command_id)
    return reply, time.monotonic() - started


async def timed_post(http: httpx.AsyncClient, token: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.post(
        f"/api/halls/{HALL}/commands/issue_ticket",
        json={"service": "social"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "over-http"},
    )
    return response, time.monotonic() - started


async def refused_hello(ws_url: str, token: str) -> tuple[dict[str, Any], int | None, float]:
    """A new device's hello: the server's one message, its close code, and the time taken."""
    started = time.monotonic()
    async with connect(ws_url) as socket:
        await socket.send(json.dumps({"type": "hello", "token": token}))
        message = json.loads(await asyncio.wait_for(socket.recv(), PROMISED * 2))
        await asyncio.wait_for(socket.wait_closed(), PROMISED)
        return message, socket.close_code, time.monotonic() - started


@pytest.mark.parametrize("outage", ["stopped", "hung"])
async def test_commands_get_unavailable_in_time_and_go_through_once_the_database_is_back(
    postgres_url: str, outage: str
) -> None:
    async with running(postgres_url) as server:
        kiosk, _ = await Device.connect(server.ws_url, server.tokens["kiosk"])
        clerk, _ = await Device.connect(server.ws_url, server.tokens["clerk"])
        first = await kiosk.command("issue_ticket", {"service": "social"}, id="before")
        assert first["ok"], first

        if outage == "stopped":
            await server.proxy.stop()
        else:
            server.proxy.hang()
        reply, took = await timed_command(kiosk, "during")
        assert reply["ok"] is False and reply["error"]["code"] == "unavailable"
        assert took < PROMISED
        started = time.monotonic()
        sign_in = {"window": "1", "staff": CLERK.number, "password": CLERK.password}
        signed_in = await clerk.command("sign_in", sign_in, id="sign-in")
        assert signed_in["error"]["code"] == "unavailable", signed_in  # a password check too
        assert time.monotonic() - started < PROMISED
        for token in (ADMIN_TOKEN, server.tokens["kiosk"]):
            response, took = await timed_post(server.http, token)
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "unavailable" and took < PROMISED
        assert (await server.http.get("/healthz")).status_code == 200
        ready = await server.http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
        message, close_code, took = await refused_hello(server.ws_url, server.tokens["tablet"])
        assert message["type"] == "error" and message["error"]["code"] == "unavailable"
        assert close_code == 1013 and took < PROMISED
        await kiosk.send({"type": "ping"})
        assert (await kiosk.other())["type"] == "pong", "the device keeps its connection"

        if outage == "stopped":
            await server.proxy.start()
        else:
            server.proxy.resume()
        retried = await kiosk.command("issue_ticket", {"service": "social"}, id="during")
        assert retried["ok"], retried
        again = await kiosk.command("issue_ticket", {"service": "social"}, id="during")
        assert again == retried, "the retry's reply is remembered like any other"
        assert (await server.http.get("/readyz")).status_code == 200
        response, _ = await timed_post(server.http, server.tokens["kiosk"])
        assert response.status_code == 200, response.text
        assert (await clerk.command("sign_in", sign_in, id="sign-in"))["ok"]
        tablet, welcome = await Device.connect(server.ws_url, server.tokens["tablet"])
        assert welcome["type"] == "welcome"
        for device in (tablet, clerk, kiosk):
            await device.close()
