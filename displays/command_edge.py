"""The one command edge: (caller, command name, arguments) -> a submitted command and its reply.

Both transports use it: the websocket gateway for command frames and the HTTP API for
`POST /api/halls/{hall}/commands/{name}`. It reads and checks the arguments, resolves a
clerk's `sign_in` against the staff directory, checks what the caller's kind may send, and
submits the core command to the hall. Every refusal comes back as a failed `Reply`. Each command
is logged once with the caller's device id and kind: here when the edge answers it, by the
engine when the hall decides it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from displays.errors import Forbidden, Unauthorized, UnknownAlert
from displays.interface import DeviceIdentity, Directory, HallService, StaffIdentity
from displays.permissions import authorize
from displays.protocol import (
    AckAlert,
    ManagerSignIn,
    SessionCommand,
    SignInRequest,
    command_from_args,
    session_command_from_args,
)
from queueing.commands import Command, SignIn
from queueing.errors import HallError
from queueing.stream import Actor, Reply

log = logging.getLogger("hall.commands")

MANAGER = "manager"
WRONG_PASSWORD = "staff number or password is wrong"


class AlertDesk(Protocol):
    """Where tablets acknowledge alerts (the server's live metrics)."""

    def acknowledge(self, hall: str, alert: str) -> bool:
        """True when the alert is (or already was) acknowledged; False for an unknown id."""


@dataclass
class CommandSession:
    """What a connection remembers between its commands: the floor manager signed in on it.
    Only the websocket has one; over HTTP the session commands do not exist."""

    manager: StaffIdentity | None = None


class CommandEdge:
    def __init__(
        self, service: HallService, directory: Directory, alerts: AlertDesk | None = None
    ) -> None:
        self.service = service
        self.directory = directory
        self.alerts = alerts

    async def run(
        self,
        caller: DeviceIdentity,
        name: str,
        args: Mapping[str, Any],
        key: str,
        session: CommandSession | None = None,
    ) -> Reply:
        """Answer one command. `key` is its client request id (idempotency key): the same key
        from the same caller within 24 h returns the first reply and changes nothing."""
        started = time.perf_counter()
        try:
            request = await self._request(caller, name, args, session)
            if not isinstance(request, Reply):
                actor = Actor(caller.id, caller.kind)
                scope = f"{caller.hall}:{caller.id}"
                return await self.service.submit(
                    caller.hall, request, scope=scope, key=key, actor=actor
                )
            reply = request
        except HallError as error:
            reply = Reply.refused(error)
        log_command(caller.hall, Actor(caller.id, caller.kind), name, reply, started)
        return reply

    async def _request(
        self,
        caller: DeviceIdentity,
        name: str,
        args: Mapping[str, Any],
        session: CommandSession | None,
    ) -> Command | Reply:
        """The core command to submit, or the reply to a session command answered here."""
        if session is not None:
            session_command = session_command_from_args(name, args)
            if session_command is not None:
                allowed = authorize(caller.kind, caller.window, session_command)
                return await self._session_command(caller, allowed, session)
        request = command_from_args(name, args)
        if isinstance(request, SignInRequest):
            request = await self._sign_in(caller.hall, request)
        return authorize(caller.kind, caller.window, request)

    async def _sign_in(self, hall: str, request: SignInRequest) -> SignIn:
        staff = await self.directory.check_staff(hall, request.staff, request.password)
        if staff is None:
            raise Unauthorized(WRONG_PASSWORD)
        return SignIn(request.window, staff.number, staff.display_name)

    async def _session_command(
        self, caller: DeviceIdentity, command: SessionCommand, session: CommandSession
    ) -> Reply:
        """Commands the edge answers itself: they change nothing in the hall."""
        if isinstance(command, ManagerSignIn):
            staff = await self._manager_sign_in(caller, command, session)
            body = {"number": staff.number, "name": staff.display_name, "role": staff.role}
            return Reply(True, {"staff": body})
        return Reply(True, {"alert": self._ack_alert(caller.hall, command)})

    async def _manager_sign_in(
        self, caller: DeviceIdentity, request: ManagerSignIn, session: CommandSession
    ) -> StaffIdentity:
        staff = await self.directory.check_staff(caller.hall, request.staff, request.password)
        if staff is None:
            raise Unauthorized(WRONG_PASSWORD)
        if staff.role != MANAGER:
            raise Forbidden(f"staff {staff.number} is a {staff.role}, not a manager")
        session.manager = staff
        log.info("device=%s manager=%s signed in", caller.id, staff.number)
        return staff

    def _ack_alert(self, hall: str, request: AckAlert) -> str:
        if self.alerts is None or not self.alerts.acknowledge(hall, request.alert):
            raise UnknownAlert(f"no alert {request.alert!r} is listed")
        return request.alert


def log_command(hall: str, actor: Actor, name: str, reply: Reply, started: float) -> None:
    """The one log line of a command, wherever it was answered (no arguments: they may hold
    passwords or personal data)."""
    outcome = "ok" if reply.ok else str(reply.body.get("code"))
    log.info(
        "command hall=%s device=%s kind=%s command=%s outcome=%s duration_ms=%.1f",
        hall,
        actor.id,
        actor.kind,
        name,
        outcome,
        (time.perf_counter() - started) * 1000,
    )
