"""The websocket gateway `/ws`: PROTOCOL v1 sessions for every device kind.

One `Session` per socket: hello/welcome (snapshot or replay), then three concerns running side by
side — reading client messages (commands, pings), pumping the hall's events to the device, and
writing with a bounded send queue. A device that cannot keep up is disconnected (it resumes)
and never slows the hall. Bad input gets an error and the connection stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from displays.command_edge import (
    SIGN_IN_COMMANDS,
    AlertDesk,
    CommandEdge,
    CommandSession,
    SignInWatch,
)
from displays.errors import HelloRequired, ProtocolError, Unauthorized, Unavailable
from displays.interface import LOOKUP_TIMEOUT, DeviceIdentity, Directory, HallService
from displays.kinds import TRACKER
from displays.permissions import receives
from displays.protocol import (
    CLOSE_UNAUTHENTICATED,
    CommandMessage,
    Hello,
    Ping,
    Pong,
    bad_request,
    error_message,
    parse_json,
    parse_message,
    ping_message,
    pong_message,
    refusal,
    reply_message,
    welcome_message,
)
from displays.views import render_event, snapshot, ticket_progress
from queueing.errors import HallError
from queueing.stream import SequencedEvent

log = logging.getLogger("hall.gateway")

CLOSE_SLOW = 4408
CLOSE_RESUME = 4409
CLOSE_TRY_AGAIN = 1013
"""A hello the server could not check (its database cannot be reached): try again later."""
CLOSE_INTERNAL = 1011
RENDER_CACHE = 10_000
MAX_IN_FLIGHT = 64  # commands of one connection awaiting their commit
MAX_SIGN_INS_IN_FLIGHT = 2
"""Sign-ins of one connection being checked at once; the next waits (its socket is not read)."""


class Gateway:
    def __init__(
        self,
        service: HallService,
        directory: Directory,
        *,
        ping_interval: float = 20.0,
        hello_timeout: float = 30.0,
        max_message: int = 64 * 1024,
        send_queue: int = 1_000,
        on_connect: Callable[[DeviceIdentity, int], None] | None = None,
        on_drop: Callable[[], None] | None = None,
        progress_interval: float = 2.0,
        alerts: AlertDesk | None = None,
        sign_ins: SignInWatch | None = None,
    ) -> None:
        self.progress_interval = progress_interval
        self.service = service
        self.directory = directory
        self.commands = CommandEdge(service, directory, alerts, watch=sign_ins)
        self.ping_interval = ping_interval
        self.hello_timeout = hello_timeout
        self.max_message = max_message
        self.send_queue = send_queue
        self.on_connect = on_connect
        self.on_drop = on_drop
        self.sessions: set[Session] = set()
        self._rendered: OrderedDict[tuple[str, int], str] = OrderedDict()

    def push(self, hall: str, kind: str, message: dict[str, Any]) -> None:
        """Send one message (e.g. live metrics) to every connected device of a kind in a hall."""
        text = json.dumps(message, ensure_ascii=False)
        for session in list(self.sessions):
            if session.hall == hall and session.identity.kind == kind:
                session.send_text(text)

    def revoke(self, hall: str, device: str) -> int:
        """Disconnect every socket of a revoked device: an `unauthorized` error, then close code
        4401; nothing else is sent to them. How many sockets there were."""
        text = json.dumps(error_message(Unauthorized("the device was revoked")))
        revoked = [s for s in self.sessions if s.hall == hall and s.identity.id == device]
        for session in revoked:
            if session.close_code is None:
                session.close_code = CLOSE_UNAUTHENTICATED
                log.info("device=%s kind=%s revoked", device, session.identity.kind)
                task = asyncio.get_running_loop().create_task(_close(session.websocket, text))
                _closing.add(task)
                task.add_done_callback(_closing.discard)
        return len(revoked)

    def rendered(self, event: SequencedEvent) -> str:
        """The event's protocol frame, rendered once for every device that receives it."""
        key = (event.hall, event.seq)
        text = self._rendered.get(key)
        if text is None:
            state = self.service.view(event.hall).state
            text = json.dumps(render_event(event, state), ensure_ascii=False)
            self._rendered[key] = text
            if len(self._rendered) > RENDER_CACHE:
                self._rendered.popitem(last=False)
        return text

    async def __call__(self, websocket: WebSocket) -> None:
        await websocket.accept()
        hello = await self._hello(websocket)
        if hello is None:
            return
        try:
            identity = await self._authenticate(hello)
        except Unavailable as error:
            with contextlib.suppress(Exception):
                await _refuse(websocket, error, CLOSE_TRY_AGAIN)
            return
        if identity is None or identity.hall not in self.service.halls():
            await _refuse(websocket, Unauthorized("unknown or revoked token"))
            return
        session = Session(self, websocket, identity)
        self.sessions.add(session)
        if self.on_connect:
            self.on_connect(identity, +1)
        try:
            await session.run(hello.resume)
        except Exception:  # never drop a socket without a close frame
            log.exception("device=%s session failed", identity.id)
            with contextlib.suppress(Exception):
                await websocket.close(CLOSE_INTERNAL)
        finally:
            self.sessions.discard(session)
            if self.on_connect:
                self.on_connect(identity, -1)

    async def _hello(self, websocket: WebSocket) -> Hello | None:
        """The first frame must be a valid hello; a hello without valid credentials is
        `unauthorized`, anything else `hello_required`. Both close with 4401."""
        refused: HallError = HelloRequired("the first message must be hello")
        try:
            text = await asyncio.wait_for(websocket.receive_text(), self.hello_timeout)
            message = parse_message(text)
        except ProtocolError as error:
            message = None
            if _looks_like_hello(text):
                refused = Unauthorized(error.message)
        except (TimeoutError, WebSocketDisconnect, KeyError):
            message = None
        if isinstance(message, Hello):
            return message
        with contextlib.suppress(Exception):
            await _refuse(websocket, refused)
        return None

    async def _authenticate(self, hello: Hello) -> DeviceIdentity | None:
        """The device (or tracker) the hello names; `Unavailable` when the directory cannot
        say within `LOOKUP_TIMEOUT` seconds (its database cannot be reached)."""
        try:
            return await asyncio.wait_for(self._identify(hello), LOOKUP_TIMEOUT)
        except Exception as error:
            log.warning("hello could not be checked: %s", type(error).__name__)
            raise Unavailable("the server cannot check credentials now; try again") from None

    async def _identify(self, hello: Hello) -> DeviceIdentity | None:
        if hello.kind == "tracker" and hello.track:
            return await self.directory.tracker_for(hello.track)
        if hello.token:
            return await self.directory.device_for_token(hello.token)
        return None


class Session:
    def __init__(self, gateway: Gateway, websocket: WebSocket, identity: DeviceIdentity) -> None:
        self.gateway = gateway
        self.websocket = websocket
        self.identity = identity
        self.outbox: asyncio.Queue[str | None] = asyncio.Queue(gateway.send_queue)
        self.last_seq = 0
        self.close_code: int | None = None
        self._pump: asyncio.Task[None] | None = None
        self._progress: asyncio.Task[None] | None = None
        self._commands: set[asyncio.Task[None]] = set()
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._sign_ins = asyncio.Semaphore(MAX_SIGN_INS_IN_FLIGHT)
        self.origin = websocket.client.host if websocket.client else ""
        self._last_progress: tuple[Any, ...] | None = None
        self.command_session = CommandSession()
        """What this connection's commands remember (the floor manager signed in on it)."""

    @property
    def hall(self) -> str:
        return self.identity.hall

    async def run(self, resume: int | None) -> None:
        writer = asyncio.create_task(self._write())
        if self.identity.kind == TRACKER:
            self._progress = asyncio.create_task(self._follow_progress())
        try:
            await self._welcome(resume)
            await self._read()
        except WebSocketDisconnect:
            pass
        finally:
            tasks = [t for t in (writer, self._pump, self._progress) if t is not None]
            tasks += self._commands
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.close_code is not None:
                with contextlib.suppress(Exception):
                    await self.websocket.close(self.close_code)

    # --- session start and resync ---------------------------------------------------------

    async def _welcome(self, resume: int | None) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        service = self.gateway.service
        identity = self.identity
        audience = (identity.kind, identity.window, identity.ticket)
        subscription = service.subscribe(self.hall, self._receives, group=audience)
        view = service.view(self.hall)
        device = {
            "id": identity.id,
            "kind": identity.kind,
            "hall": self.hall,
            "window": identity.window,
        }
        replay = await service.events_after(self.hall, resume) if resume is not None else None
        if replay is not None and len(replay) > self.gateway.send_queue // 2:
            replay = None  # more than the send queue holds: a fresh snapshot says it all at once
        if replay is not None and resume is not None:
            self._send(welcome_message(device, resume, None))
            self.last_seq = resume
            for event in replay:
                self._deliver(event)
        else:
            body = snapshot(identity.kind, view, window=identity.window, ticket=identity.ticket)
            self._send(welcome_message(device, view.seq, body))
            self.last_seq = view.seq
        self._pump = asyncio.create_task(self._pump_events(subscription))

    async def _pump_events(self, subscription: Any) -> None:
        try:
            async for event in subscription:
                self._deliver(event)
        finally:
            subscription.close()
        # The subscription ended: this device fell behind. It must resume.
        self._drop(CLOSE_RESUME)

    def _receives(self, event: SequencedEvent) -> bool:
        identity = self.identity
        return receives(identity.kind, identity.window, identity.ticket, event)

    def _deliver(self, event: SequencedEvent) -> None:
        if event.seq <= self.last_seq:
            return
        self.last_seq = event.seq
        if self._receives(event):
            self.send_text(self.gateway.rendered(event))
            if self.identity.kind == TRACKER:
                self._send_progress()

    async def _follow_progress(self) -> None:
        """A tracker's position moves with everyone else's tickets: send it when it changed,
        at most every `progress_interval` seconds (its own ticket's events go at once)."""
        while True:
            await asyncio.sleep(self.gateway.progress_interval)
            self._send_progress()

    def _send_progress(self) -> None:
        assert self.identity.ticket is not None
        view = self.gateway.service.view(self.hall)
        progress = ticket_progress(view, self.identity.ticket)
        key = tuple(sorted((k, str(v)) for k, v in progress.items()))
        if key != self._last_progress:
            self._last_progress = key
            self._send({"type": "position", "seq": view.seq, **progress})

    # --- writing --------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        self.send_text(json.dumps(message, ensure_ascii=False))

    def send_text(self, text: str) -> None:
        if self.close_code is not None:
            return
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self._drop(CLOSE_SLOW)

    def _drop(self, code: int) -> None:
        """Disconnect a device that cannot keep up; it will resume from its last seq."""
        if self.close_code is None:
            self.close_code = code
            log.info(
                "device=%s kind=%s dropped code=%d", self.identity.id, self.identity.kind, code
            )
            if self.gateway.on_drop is not None:
                self.gateway.on_drop()
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().create_task(self.websocket.close(code))

    async def _write(self) -> None:
        while True:
            try:
                text = await asyncio.wait_for(self.outbox.get(), self.gateway.ping_interval)
            except TimeoutError:
                text = json.dumps(ping_message(_now()))
            if text is None:
                return
            await self.websocket.send_text(text)

    # --- reading --------------------------------------------------------------------------

    async def _read(self) -> None:
        while self.close_code is None:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            text = message.get("text")
            if text is None:
                self._send(error_message(bad_request("frames must be text (JSON)")))
                continue
            if len(text) > self.gateway.max_message:
                limit = self.gateway.max_message
                self._send(error_message(bad_request(f"message larger than {limit} bytes")))
                continue
            await self._handle(text)

    async def _handle(self, text: str) -> None:
        try:
            message = parse_message(text)
        except ProtocolError as error:
            self._send(refusal(error))
            return
        if isinstance(message, Ping):
            self._send(pong_message())
        elif isinstance(message, Hello):
            await self._welcome(message.resume)
        elif isinstance(message, CommandMessage):
            # Commands are queued in arrival order and answered as they commit, so a busy
            # kiosk's next command never waits for the previous reply.
            await self._in_flight.acquire()
            if message.name in SIGN_IN_COMMANDS:
                await self._sign_ins.acquire()
            task = asyncio.create_task(self._answer(message))
            self._commands.add(task)
            task.add_done_callback(self._commands.discard)
        elif not isinstance(message, Pong):
            self._send(error_message(bad_request("type: unexpected message")))

    async def _answer(self, message: CommandMessage) -> None:
        try:
            edge = self.gateway.commands
            reply = await edge.run(
                self.identity,
                message.name,
                message.args,
                message.id,
                self.command_session,
                origin=self.origin,
            )
            self._send(reply_message(message.id, reply))
        finally:
            self._in_flight.release()
            if message.name in SIGN_IN_COMMANDS:
                self._sign_ins.release()


def _looks_like_hello(text: str) -> bool:
    try:
        data = parse_json(text)
    except ProtocolError:
        return False
    return isinstance(data, dict) and data.get("type") == "hello"


_closing: set[asyncio.Task[None]] = set()
"""Sockets of revoked devices being closed (kept referenced until they are)."""


async def _close(websocket: WebSocket, text: str) -> None:
    """Send a last frame to a revoked device, then close with 4401 (a socket gone already is
    closed already)."""
    with contextlib.suppress(Exception):
        await websocket.send_text(text)
        await websocket.close(CLOSE_UNAUTHENTICATED)


async def _refuse(
    websocket: WebSocket, error: HallError, code: int = CLOSE_UNAUTHENTICATED
) -> None:
    """Refuse a connection before its session starts: the error, then close (4401 unless
    said otherwise)."""
    await websocket.send_text(json.dumps(error_message(error)))
    await websocket.close(code)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
