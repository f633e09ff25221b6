"""What `displays` needs from the server, declared here so that `displays` never imports `hall`.

The engine in `hall/engine.py` implements `HallService`; the gateway and pages use only this.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from queueing.commands import Command
from queueing.estimate import Estimate
from queueing.events import Event
from queueing.model import HallState
from queueing.stream import Actor, Reply, SequencedEvent


@dataclass(frozen=True, slots=True)
class HallView:
    """A consistent picture of a hall: its state at `seq` and the expected waits then."""

    state: HallState
    seq: int
    estimate: Estimate


class Listening(Protocol):
    """Events handed to a listener as they are committed; `close` stops them."""

    def close(self) -> None: ...


class RenderResult(Protocol):
    """Builds a decided command's result body (`ticket`, `position`, `print`, ...): the server
    hands the one in `displays/results.py` to its engine, which remembers the reply it sent."""

    def __call__(
        self,
        command: Command,
        events: Sequence[Event],
        state_after: HallState,
        estimate: Estimate | None,
    ) -> Mapping[str, Any]: ...


class HallService(Protocol):
    def halls(self) -> list[str]: ...

    def view(self, hall: str) -> HallView:
        """Raises KeyError for an unknown hall."""

    async def submit(
        self, hall: str, command: Command, *, scope: str, key: str, actor: Actor | None = None
    ) -> Reply:
        """Decide, commit, then reply; the same (scope, key) within 24 h returns the first reply.
        `actor` (who sent it) goes into the command's log line."""

    async def events_after(self, hall: str, seq: int) -> list[SequencedEvent] | None:
        """The events after `seq`, or None when they are no longer kept (send a snapshot)."""

    def listen(
        self,
        hall: str,
        deliver: Callable[[SequencedEvent], None],
        accept: Callable[[SequencedEvent], bool] | None = None,
        group: Hashable = None,
    ) -> Listening:
        """Live events committed from now on, each handed to `deliver` as it is committed, on
        the event loop, with nothing queued in between: it must not block, and bounds itself.
        Only those `accept` takes, when given; listeners naming the same `group` share their
        `accept`: it runs once per event."""


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who is on the other end of a socket: a paired device, or a phone tracking a ticket."""

    id: str
    kind: str
    hall: str
    window: str | None = None
    name: str = ""
    ticket: str | None = None
    credential: str = field(default="", compare=False, repr=False)
    """What the directory admitted the device with (the server: its token's hash), so that a
    re-paired device's sockets opened with its old token can be told from new ones."""


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    number: str
    display_name: str
    role: str
    photo: str = ""


LOOKUP_TIMEOUT = 4.0
"""Seconds a `Directory` lookup (a device token, a hello's credentials, a staff password) may
take before the caller answers `unavailable`: its database cannot be reached."""


class Directory(Protocol):
    """Identities the server keeps: device tokens, tracker tokens, staff passwords."""

    async def device_for_token(self, token: str) -> DeviceIdentity | None: ...

    async def tracker_for(self, track: str) -> DeviceIdentity | None: ...

    async def check_staff(self, hall: str, number: str, password: str) -> StaffIdentity | None: ...
