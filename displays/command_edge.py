"""The one command edge: (caller, command name, arguments) -> a submitted command and its reply.

Both transports use it: the websocket gateway for command frames and the HTTP API for
`POST /api/halls/{hall}/commands/{name}`. It reads and checks the arguments, resolves a
clerk's `sign_in` against the staff directory, checks what the caller's kind may send, and
submits the core command to the hall. Every refusal comes back as a failed `Reply`. Each command
is logged once with the caller's device id and kind: here when the edge answers it, by the
engine when the hall decides it.

Staff passwords (`sign_in`, `manager_sign_in`) are checked only after the caller's kind may send
the command, and only while no lockout holds (`displays/lockout.py`); an unknown staff number
and a wrong password get the same refusal. Each failure is logged (logger `hall.security`: staff
number, device, client address; never the password) and counted (`SignInWatch`). A tablet's
hall-changing commands need a floor manager signed in on its connection while the hall rule
`tablet_requires_manager` holds; the manager's staff number goes on the command (`by`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from displays.errors import (
    Forbidden,
    InternalError,
    TooManyAttempts,
    Unauthorized,
    Unavailable,
    UnknownAlert,
    UnknownHall,
)
from displays.interface import (
    LOOKUP_TIMEOUT,
    DeviceIdentity,
    Directory,
    HallService,
    StaffIdentity,
)
from displays.lockout import SignInGuard
from displays.permissions import authorize, needs_guide, needs_manager
from displays.protocol import (
    AckAlert,
    GuideSignIn,
    ManagerSignIn,
    SessionCommand,
    SignInRequest,
    command_from_args,
    session_command_from_args,
    shown,
)
from queueing.commands import Command, RequestHelp, SignIn
from queueing.errors import HallError
from queueing.stream import Actor, Reply

log = logging.getLogger("hall.commands")
security_log = logging.getLogger("hall.security")

MANAGER = "manager"
WRONG_PASSWORD = "staff number or password is wrong"
SIGN_IN_COMMANDS = frozenset({"sign_in", "manager_sign_in", "guide_sign_in"})
"""The commands that check a staff password (the gateway caps those of a connection in flight)."""
NO_MANAGER = "sign in a floor manager on this tablet first (manager_sign_in)"
NO_GUIDE = "sign in with your staff number on this guide phone first (guide_sign_in)"
NO_MANAGER_OVER_HTTP = (
    "a tablet's token cannot change the hall over HTTP while the hall rule "
    "tablet_requires_manager holds: use the tablet's websocket with manager_sign_in, or the "
    "admin token"
)
_connections = itertools.count(1)


class AlertDesk(Protocol):
    """Where tablets acknowledge alerts (the server's live metrics)."""

    async def acknowledge(self, hall: str, alert: str, by: str | None = None) -> bool:
        """True when the alert is (or already was) acknowledged, durably and for every server
        process; False for an unknown id. `by`: the floor manager signed in, if any."""


class SignInWatch(Protocol):
    """Where refused sign-ins are counted (the server's Prometheus series)."""

    def sign_in_failed(self, hall: str, command: str, reason: str) -> None:
        """A `sign_in` or `manager_sign_in` was refused: `reason` is `unauthorized` (wrong
        staff number or password) or `too_many_attempts` (locked out, not checked)."""


def _new_connection() -> str:
    return str(next(_connections))


@dataclass
class CommandSession:
    """What a connection remembers between its commands: the floor manager signed in on it,
    and its id for the sign-in lockout. Only the websocket has one; over HTTP the session
    commands do not exist."""

    manager: StaffIdentity | None = None
    guide: StaffIdentity | None = None
    """The staff member signed in on a guide phone (`guide_sign_in`)."""
    connection: str = field(default_factory=_new_connection)


class CommandEdge:
    def __init__(
        self,
        service: HallService,
        directory: Directory,
        alerts: AlertDesk | None = None,
        *,
        watch: SignInWatch | None = None,
        guard: SignInGuard | None = None,
    ) -> None:
        self.service = service
        self.directory = directory
        self.alerts = alerts
        self.watch = watch
        self.guard = guard if guard is not None else SignInGuard()

    async def run(
        self,
        caller: DeviceIdentity,
        name: str,
        args: Mapping[str, Any],
        key: str,
        session: CommandSession | None = None,
        *,
        origin: str = "",
    ) -> Reply:
        """Answer one command. `key` is its client request id (idempotency key): the same key
        from the same caller within 24 h returns the first reply and changes nothing. `origin`
        is the client's address (for the sign-in lockout and the security log)."""
        started = time.perf_counter()
        try:
            try:
                async with asyncio.timeout(LOOKUP_TIMEOUT):  # a password check reads the database
                    request = await self._request(caller, name, args, session, origin)
            except TimeoutError:
                raise Unavailable("the server cannot check credentials now; try again") from None
            if not isinstance(request, Reply):
                actor = Actor(caller.id, caller.kind)
                scope = f"{caller.hall}:{caller.id}"
                return await self.service.submit(
                    caller.hall, request, scope=scope, key=key, actor=actor
                )
            reply = request
        except HallError as error:
            reply = Reply.refused(error)
        except Exception:  # a bug, or a failure below: still exactly one reply, and one log
            log.exception("command %s from device %s failed", shown(name), caller.id)
            reply = Reply.refused(InternalError("internal error"))
        log_command(caller.hall, Actor(caller.id, caller.kind), shown(name), reply, started)
        return reply

    async def _request(
        self,
        caller: DeviceIdentity,
        name: str,
        args: Mapping[str, Any],
        session: CommandSession | None,
        origin: str,
    ) -> Command | Reply:
        """The core command to submit, or the reply to a session command answered here.
        Permissions come first: no password is looked at for a caller that may not send it."""
        if session is not None:
            session_command = session_command_from_args(name, args)
            if session_command is not None:
                allowed = authorize(caller.kind, caller.window, session_command)
                return await self._session_command(caller, allowed, session, origin)
        request = authorize(caller.kind, caller.window, command_from_args(name, args))
        manager = self._manager(caller, request.name, session) or _guide(caller, request, session)
        if isinstance(request, SignInRequest):
            request = await self._sign_in(caller, request, session, origin)
        if isinstance(request, RequestHelp):  # the kiosk asking is the caller itself
            request = replace(request, kiosk=caller.id, kiosk_name=caller.name or caller.id)
        return request if manager is None else replace(request, by=manager.number)

    def _manager(
        self, caller: DeviceIdentity, name: str, session: CommandSession | None
    ) -> StaffIdentity | None:
        """The floor manager a tablet's hall-changing command is made by (None for other
        commands); `Unauthorized` when the hall needs one and none is signed in on the
        connection (over HTTP there is no connection to sign in on)."""
        if not needs_manager(caller.kind, name):
            return None
        manager = session.manager if session is not None else None
        if manager is None and self._requires_manager(caller.hall):
            raise Unauthorized(NO_MANAGER if session is not None else NO_MANAGER_OVER_HTTP)
        return manager

    def _requires_manager(self, hall: str) -> bool:
        try:
            rules = self.service.view(hall).state.config.rules
        except KeyError:
            raise UnknownHall(f"no hall {hall!r}") from None
        return rules.tablet_requires_manager

    async def _sign_in(
        self,
        caller: DeviceIdentity,
        request: SignInRequest,
        session: CommandSession | None,
        origin: str,
    ) -> SignIn:
        staff = await self._check_staff(
            caller, request.name, request.staff, request.password, session, origin
        )
        return SignIn(request.window, staff.number, staff.display_name)

    async def _check_staff(
        self,
        caller: DeviceIdentity,
        command: str,
        number: str,
        password: str,
        session: CommandSession | None,
        origin: str,
    ) -> StaffIdentity:
        """The staff account for a number and password, or `Unauthorized` (the same for an
        unknown number and a wrong password); `TooManyAttempts` without checking while a
        lockout holds for the number, the connection or the client address."""
        sources = [f"address:{origin}" if origin else ""]
        if session is not None:
            sources.append(f"connection:{session.connection}")
        try:
            attempt = self.guard.begin(caller.hall, number, sources)
        except TooManyAttempts:
            self._count_failure(caller.hall, command, "too_many_attempts")
            raise
        try:
            staff = await self.directory.check_staff(caller.hall, number, password)
        except BaseException:
            self.guard.cancel(attempt)  # not decided (the database failed): nothing counted
            raise
        locked = self.guard.end(attempt, failed=staff is None)
        if staff is None:
            self._log_failure(caller, command, number, origin, locked)
            self._count_failure(caller.hall, command, "unauthorized")
            raise Unauthorized(WRONG_PASSWORD)
        return staff

    def _log_failure(
        self, caller: DeviceIdentity, command: str, number: str, origin: str, locked: bool
    ) -> None:
        """A failed sign-in, for the security log: never the password."""
        security_log.warning(
            "sign-in failed hall=%s device=%s kind=%s command=%s staff=%r origin=%s locked=%s",
            caller.hall,
            caller.id,
            caller.kind,
            command,
            number,
            origin or "-",
            "yes" if locked else "no",
        )

    def _count_failure(self, hall: str, command: str, reason: str) -> None:
        if self.watch is not None:
            self.watch.sign_in_failed(hall, command, reason)

    async def _session_command(
        self,
        caller: DeviceIdentity,
        command: SessionCommand,
        session: CommandSession,
        origin: str,
    ) -> Reply:
        """Commands the edge answers itself: they change nothing in the hall."""
        if isinstance(command, ManagerSignIn):
            staff = await self._manager_sign_in(caller, command, session, origin)
            body = {"number": staff.number, "name": staff.display_name, "role": staff.role}
            return Reply(True, {"staff": body})
        if isinstance(command, GuideSignIn):
            staff = await self._check_staff(
                caller, command.name, command.staff, command.password, session, origin
            )
            session.guide = staff
            log.info("device=%s guide=%s signed in", caller.id, staff.number)
            return Reply(True, {"staff": {"number": staff.number, "name": staff.display_name}})
        by = session.manager.number if session.manager is not None else None
        return Reply(True, {"alert": await self._ack_alert(caller.hall, command, by)})

    async def _manager_sign_in(
        self,
        caller: DeviceIdentity,
        request: ManagerSignIn,
        session: CommandSession,
        origin: str,
    ) -> StaffIdentity:
        staff = await self._check_staff(
            caller, request.name, request.staff, request.password, session, origin
        )
        if staff.role != MANAGER:
            raise Forbidden(f"staff {staff.number} is a {staff.role}, not a manager")
        session.manager = staff
        log.info("device=%s manager=%s signed in", caller.id, staff.number)
        return staff

    async def _ack_alert(self, hall: str, request: AckAlert, by: str | None) -> str:
        if self.alerts is None or not await self.alerts.acknowledge(hall, request.alert, by):
            raise UnknownAlert(f"no alert {request.alert!r} is listed")
        return request.alert


def _guide(
    caller: DeviceIdentity, request: Any, session: CommandSession | None
) -> StaffIdentity | None:
    """The staff member a guide phone's command is made by (None for other callers);
    `Unauthorized` when nobody is signed in on the connection (over HTTP there is none)."""
    if not needs_guide(caller.kind, request.name):
        return None
    guide = session.guide if session is not None else None
    if guide is None:
        raise Unauthorized(NO_GUIDE)
    return guide


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
