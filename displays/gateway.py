"""The websocket gateway `/ws`: PROTOCOL v1 sessions for every device kind.

One `Session` per socket: hello/welcome (snapshot or replay), then the client's messages read
(commands, pings) while the hall's events are written to the socket as they are committed. A
device that cannot keep up is disconnected (it resumes) and never slows the hall. Bad input gets
an error and the connection stays open. One task pings every socket that has been quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from displays.case_views import is_case_id
from displays.command_edge import (
    SIGN_IN_COMMANDS,
    AlertDesk,
    CommandEdge,
    CommandSession,
    SignInWatch,
)
from displays.errors import HelloRequired, ProtocolError, Unauthorized, Unavailable
from displays.immediate import write_now
from displays.interface import (
    LOOKUP_TIMEOUT,
    DeviceIdentity,
    Directory,
    HallService,
    Listening,
)
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
        on_reply: Callable[[str, float], None] | None = None,
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
        self.on_reply = on_reply
        """Told of each reply written: the hall, and seconds since its command arrived."""
        self.sessions: set[Session] = set()
        self._keepalive: asyncio.Task[None] | None = None
        self._rendered: OrderedDict[tuple[str, int], str] = OrderedDict()

    def push(self, hall: str, kind: str, message: dict[str, Any]) -> None:
        """Send one message (e.g. live metrics) to every connected device of a kind in a hall."""
        text = json.dumps(message, ensure_ascii=False)
        for session in list(self.sessions):
            if session.hall == hall and session.identity.kind == kind:
                session.send_text(text)

    def revoke(self, hall: str, device: str, keep: str | None = None) -> int:
        """Disconnect every socket of a revoked device: an `unauthorized` error, then close code
        4401; nothing else is sent to them. Sockets admitted with the credential `keep` (a
        re-paired device's new token) stay. How many sockets there were."""
        text = json.dumps(error_message(Unauthorized("the device was revoked")))
        revoked = [
            s
            for s in self.sessions
            if s.hall == hall
            and s.identity.id == device
            and (keep is None or s.identity.credential != keep)
        ]
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
        if self._keepalive is None or self._keepalive.done():
            self._keepalive = asyncio.create_task(self._ping_quiet_sockets())
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

    async def _ping_quiet_sockets(self) -> None:
        """Ping each socket nothing was written to for `ping_interval` seconds (one task for
        every connection, not a timer per frame); ends with the last connection."""
        while self.sessions:
            await asyncio.sleep(self.ping_interval / 4)
            quiet_since = time.monotonic() - self.ping_interval
            ping: str | None = None
            for session in list(self.sessions):
                if session.last_write <= quiet_since:
                    ping = ping or json.dumps(ping_message(_now()))
                    session.send_text(ping)

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
    """One device's connection. Frames are written straight to the socket as they are made
    (an event as its commit is delivered, a reply as it is decided): no queue and no task sit
    between a commit and the socket while the device keeps up. When the socket cannot take a
    frame at once (the device reads slowly), frames wait in a backlog of `send_queue`; a full
    backlog disconnects the device (4408) and it resumes."""

    def __init__(self, gateway: Gateway, websocket: WebSocket, identity: DeviceIdentity) -> None:
        self.gateway = gateway
        self.websocket = websocket
        self.identity = identity
        self.last_seq = 0
        self.close_code: int | None = None
        self.last_write = time.monotonic()
        self._listening: Listening | None = None
        self._held: list[SequencedEvent] | None = None
        """Events delivered while the welcome is being made: sent right after it."""
        self._backlog: deque[str] | None = None
        """Frames waiting for a write the socket could not take at once (None: none waits)."""
        self._flusher: asyncio.Task[None] | None = None
        self._broken = False
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
        if self.identity.kind == TRACKER and not is_case_id(self.identity.ticket):
            self._progress = asyncio.create_task(self._follow_progress())
        try:
            await self._welcome(resume)
            await self._read()
        except WebSocketDisconnect:
            pass
        finally:
            if self._listening is not None:
                self._listening.close()
            tasks = [t for t in (self._flusher, self._progress) if t is not None]
            tasks += self._commands
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.close_code is not None:
                with contextlib.suppress(Exception):
                    await self.websocket.close(self.close_code)

    # --- session start and resync ---------------------------------------------------------

    async def _welcome(self, resume: int | None) -> None:
        if self._listening is not None:
            self._listening.close()
        service = self.gateway.service
        identity = self.identity
        audience = (identity.kind, identity.window, identity.ticket)
        self._held = []
        self._listening = service.listen(self.hall, self._deliver, self._receives, audience)
        view = service.view(self.hall)
        device = {
            "id": identity.id,
            "kind": identity.kind,
            "hall": self.hall,
            "window": identity.window,
        }
        try:
            replay = await service.events_after(self.hall, resume) if resume is not None else None
        finally:
            held, self._held = self._held, None
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
        for event in held:
            self._deliver(event)

    def _receives(self, event: SequencedEvent) -> bool:
        identity = self.identity
        return receives(identity.kind, identity.window, identity.ticket, event)

    def _deliver(self, event: SequencedEvent) -> None:
        if self._held is not None:
            self._held.append(event)
            return
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
        if is_case_id(self.identity.ticket):
            return  # a case's tracker: its case events say it all
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
        if self.close_code is not None or self._broken:
            return
        if self._backlog is not None:
            if len(self._backlog) >= self.gateway.send_queue:
                self._drop(CLOSE_SLOW)
            else:
                self._backlog.append(text)
            return
        self.last_write = time.monotonic()
        try:
            waiting = write_now(self.websocket.send_text(text))
        except Exception:  # the socket is gone: the reader sees the disconnect
            self._broken = True
            return
        if waiting is not None:
            self._backlog = deque()
            self._flusher = asyncio.create_task(self._flush(waiting))

    async def _flush(self, waiting: Awaitable[None]) -> None:
        """Finish the write the socket could not take at once, then the backlog, in order."""
        try:
            await waiting
            while self._backlog:
                await self.websocket.send_text(self._backlog.popleft())
        except Exception:
            self._broken = True
        finally:
            self._backlog = None

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
            received = time.perf_counter()
            await self._in_flight.acquire()
            if message.name in SIGN_IN_COMMANDS:
                await self._sign_ins.acquire()
            task = asyncio.create_task(self._answer(message, received))
            self._commands.add(task)
            task.add_done_callback(self._commands.discard)
        elif not isinstance(message, Pong):
            self._send(error_message(bad_request("type: unexpected message")))

    async def _answer(self, message: CommandMessage, received: float) -> None:
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
            if self.gateway.on_reply is not None:
                self.gateway.on_reply(self.hall, time.perf_counter() - received)
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
