"""A connection's sign-ins in flight are capped: a socket that sends a burst of `sign_in`s has at
most `MAX_SIGN_INS_IN_FLIGHT` of them being checked at once (the rest wait, unread), and each
still gets its reply. The real `Gateway` under uvicorn in the test's loop, a real websocket
client, the in-memory hall of `fakes.py` and a directory that holds every check until told."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect

from displays.gateway import MAX_SIGN_INS_IN_FLIGHT, Gateway
from displays.interface import StaffIdentity
from tests.displays.fakes import FakeDirectory, FakeHalls, token
from tests.support.inprocess import serving

pytestmark = pytest.mark.anyio

BURST = 8
TIMEOUT = 10.0


class HeldDirectory(FakeDirectory):
    """Holds each password check until `release`; counts the checks under way."""

    def __init__(self, halls: FakeHalls) -> None:
        super().__init__(halls)
        self.released = asyncio.Event()
        self.running = 0
        self.most = 0
        self.started = asyncio.Condition()

    async def check_staff(self, hall: str, number: str, password: str) -> StaffIdentity | None:
        async with self.started:
            self.running += 1
            self.most = max(self.most, self.running)
            self.started.notify_all()
        await self.released.wait()
        self.running -= 1
        return await super().check_staff(hall, number, password)


async def test_a_burst_of_sign_ins_is_checked_a_few_at_a_time() -> None:
    halls = FakeHalls()
    directory = HeldDirectory(halls)
    gateway = Gateway(halls, directory)

    async def endpoint(websocket: WebSocket) -> None:
        await gateway(websocket)

    app = Starlette(routes=[WebSocketRoute("/ws", endpoint)])
    async with serving(app) as address, connect(f"ws://{address}/ws") as socket:
        await socket.send(json.dumps({"type": "hello", "token": token("clerk-1")}))
        assert json.loads(await socket.recv())["type"] == "welcome"
        args = {"window": "1", "staff": "s001", "password": "secret1"}  # nothing locks
        for n in range(BURST):
            command = {"type": "command", "id": f"in-{n}", "name": "sign_in", "args": args}
            await socket.send(json.dumps(command))
        await socket.send(json.dumps({"type": "ping"}))  # read only once a sign-in is done

        async with directory.started:
            await asyncio.wait_for(
                directory.started.wait_for(lambda: directory.running >= MAX_SIGN_INS_IN_FLIGHT),
                TIMEOUT,
            )
        with pytest.raises(TimeoutError):  # nothing more is read meanwhile: not even the ping
            await asyncio.wait_for(socket.recv(), 0.3)
        assert directory.running == MAX_SIGN_INS_IN_FLIGHT
        directory.released.set()
        replies: list[dict[str, Any]] = []
        ponged = False
        while len(replies) < BURST or not ponged:  # events of the sign-in come along too
            frame = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
            replies += [frame] if frame["type"] == "reply" else []
            ponged = ponged or frame["type"] == "pong"

    assert sorted(r["id"] for r in replies) == sorted(f"in-{n}" for n in range(BURST))
    assert all(r["ok"] for r in replies)  # signed in, then signed in again (a no-op)
    assert directory.most == MAX_SIGN_INS_IN_FLIGHT
