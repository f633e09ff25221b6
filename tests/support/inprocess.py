"""A real ASGI app served by uvicorn on a free local port inside the test's own event loop:
for tests that want the server's objects and log records at hand, with real clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT = 10.0


class _Server(uvicorn.Server):
    """uvicorn with an event set once it serves (uvicorn itself only sets `started`)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@asynccontextmanager
async def serving(app: ASGIApp, lifespan: Literal["on", "off"] = "off") -> AsyncIterator[str]:
    """Serve `app` until the block ends; its address, `127.0.0.1:PORT`."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app,
        lifespan=lifespan,
        log_config=None,
        log_level="warning",
        timeout_graceful_shutdown=5,
        ws_per_message_deflate=False,  # as `hall serve` runs it
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait({task, ready}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if task.done():
        task.result()  # the server failed to start: raise its error here
    assert server.started, "uvicorn did not start"
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
