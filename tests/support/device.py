"""A device speaking PROTOCOL v1 over a real websocket connection."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

TIMEOUT = 10.0
_ids = itertools.count(1)


class Device:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.event_queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.others: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(
        cls,
        url: str,
        token: str | None = None,
        *,
        resume: int | None = None,
        hello: dict[str, Any] | None = None,
    ) -> tuple[Device, dict[str, Any]]:
        connection = await connect(url, max_size=8 * 1024 * 1024)
        device = cls(connection)
        message: dict[str, Any] = hello if hello is not None else {"type": "hello", "token": token}
        if resume is not None:
            message["resume"] = resume
        await device.send(message)
        welcome = await device.other()
        return device, welcome

    async def _read(self) -> None:
        try:
            await self._dispatch()
        finally:  # the connection is gone: nothing pending will ever be answered
            for future in self.replies.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection closed"))
            self.replies.clear()

    async def _dispatch(self) -> None:
        async for raw in self.connection:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "reply" and message.get("id") in self.replies:
                self.replies.pop(message["id"]).set_result(message)
            elif kind == "event":
                self.events.append(message)
                self.event_queue.put_nowait(message)
            elif kind != "ping":
                self.others.put_nowait(message)

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message, ensure_ascii=False))

    async def command(
        self, name: str, args: dict[str, Any] | None = None, *, id: str | None = None
    ) -> dict[str, Any]:
        command_id = id or f"c{next(_ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[command_id] = future
        await self.send({"type": "command", "id": command_id, "name": name, "args": args or {}})
        return await asyncio.wait_for(future, TIMEOUT)

    async def ok(self, name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        reply = await self.command(name, args)
        assert reply["ok"], reply
        result: dict[str, Any] = reply["result"]
        return result

    async def other(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.others.get(), TIMEOUT)

    async def event(self, name: str | None = None) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.event_queue.get(), TIMEOUT)
            if name is None or message["event"] == name:
                return message

    async def until_seq(self, seq: int) -> None:
        while not self.events or self.events[-1]["seq"] < seq:
            await asyncio.wait_for(self.event_queue.get(), TIMEOUT)

    async def close(self) -> None:
        await self.connection.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)


async def connected(url: str, token: str, opened: list[Device]) -> Device:
    """A device that said hello and was welcomed, added to `opened` (the `devices` fixture)."""
    device, welcome = await Device.connect(url, token)
    opened.append(device)
    assert welcome["type"] == "welcome", welcome
    return device
