"""Run the server under uvicorn until it is stopped (Ctrl-C, SIGTERM).

The listening sockets are bound before anything starts, so an address in use is a
`StartupFailed` before the database or the halls are touched; a failure of the app's start-up
(its lifespan: database, bus, halls, `on_ready`) is a `StartupFailed` too, its cause chained,
instead of uvicorn's logged traceback.
"""

from __future__ import annotations

import gc
import logging
import socket
import sys

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hall.server.app import Settings, create_app

WS_MAX_SIZE = 4 * 1024 * 1024  # larger frames are cut by the websocket layer (close 1009)
BACKLOG = 2048

log = logging.getLogger("hall.server")


class StartupFailed(RuntimeError):
    """The server did not start: it could not listen, or its start-up failed (the cause is
    chained). The message says which, in one line."""


def serve(
    settings: Settings,
    host: str,
    port: int,
    log_level: str,
    *,
    sockets: list[socket.socket] | None = None,
) -> None:
    """Run the server until it is stopped (Ctrl-C, SIGTERM); `StartupFailed` if it cannot
    start. `sockets`: already bound by `listen(host, port)` (they are closed at the end)."""
    if sockets is None:
        sockets = listen(host, port)
    # Thousands of long-lived connections make young-generation collections frequent and full
    # ones slow; collect less often so a call is not held up behind a collection.
    gc.set_threshold(50_000, 20, 100)
    sys.setswitchinterval(0.0005)
    app = _StartupWatch(create_app(settings))
    config = uvicorn.Config(
        app,
        ws_max_size=WS_MAX_SIZE,
        ws_per_message_deflate=False,  # compressing tiny JSON frames costs more than it saves
        log_level=log_level,
        access_log=False,
        lifespan="on",
        backlog=BACKLOG,
    )
    server = uvicorn.Server(config)
    log.info("listening on %s", ", ".join(_address(sock) for sock in sockets))
    uvicorn_log = logging.getLogger("uvicorn.error")
    uvicorn_log.addFilter(_said_by_the_caller)
    try:
        server.run(sockets=sockets)
    except KeyboardInterrupt:  # Ctrl-C: uvicorn stopped gracefully, then raised it again
        pass
    except SystemExit as exit_:  # uvicorn's way out of a failed start-up
        raise StartupFailed(_failure_text(app.failure)) from app.failure or exit_
    finally:
        uvicorn_log.removeFilter(_said_by_the_caller)
        for sock in sockets:
            sock.close()
    if not server.started:
        raise StartupFailed(_failure_text(app.failure)) from app.failure


def listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address of `host` (as asyncio's `create_server` binds them);
    `StartupFailed` when one cannot be bound (in use, not an address of this machine)."""
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except OSError as error:
        raise StartupFailed(f"cannot listen on {host}: {_reason(error)}") from error
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.set_inheritable(True)
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise StartupFailed(f"cannot listen on {host} port {port}: {_reason(error)}") from error
    return sockets


class _StartupWatch:
    """The app, with a failed start-up kept (`failure`) instead of its traceback being logged:
    the caller reports it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.failure: BaseException | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_quietly(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                message = {"type": "lifespan.startup.failed", "message": ""}
            await send(message)

        try:
            await self.app(scope, receive, send_quietly)
        except Exception as error:
            self.failure = error
            raise


def _said_by_the_caller(record: logging.LogRecord) -> bool:
    """Drops uvicorn's "Application startup failed. Exiting.": `StartupFailed` says why."""
    return record.getMessage() != "Application startup failed. Exiting."


def _failure_text(failure: BaseException | None) -> str:
    if failure is None:
        return "the server did not start"
    text = " ".join(str(failure).split()) or "no message"
    return f"the server failed to start: {type(failure).__name__}: {text}"


def _address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
