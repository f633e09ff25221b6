"""In-memory fakes of what `displays` needs from the server: `HallService` and `Directory`.

`FakeHalls` keeps each hall's state built by the real core (`decide`, `apply`). Like the engine it
numbers a hall's events from 1 (seq 1 is the hall's `hall.configured`), replies with `Reply`s
(results rendered by `displays.results`), remembers replies per (scope, key), keeps every event
for `events_after`, and hands each event to every listener as it commits (as the engine does).
A command commits at once, without awaiting anything: a test that calls `commit` several times in
a row has every listener handed those events before any device reads one.

The hall clock starts on a Monday at 09:00 (hall time, open for tickets) and moves `step` per
commit. `FakeDirectory` knows the fixed device tokens of `DEVICES` and the staff of `STAFF`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from displays.interface import DeviceIdentity, HallView, StaffIdentity
from displays.kinds import CALL_SCREEN, CLERK, KIOSK, RATING_PAD, TABLET, WINDOW_SCREEN
from displays.results import render_result
from queueing import commands as cmd
from queueing.apply import apply
from queueing.config import parse_config
from queueing.decide import decide
from queueing.errors import DomainError
from queueing.estimate import estimate_waits
from queueing.events import HallConfigured
from queueing.model import HallState, initial_state
from queueing.stream import Actor, Reply, SequencedEvent
from tests.displays.halls import DOCUMENT, MONDAY_9AM

HALL = "demo"
Accept = Callable[[SequencedEvent], bool]


class FakeListener:
    """A listener: handed each event as it is committed, nothing queued."""

    def __init__(self, audience: _Audience, deliver: Callable[[SequencedEvent], None]) -> None:
        self._audience = audience
        self.push = deliver
        audience.members.add(self)

    def close(self) -> None:
        self._audience.members.discard(self)


class _Audience:
    """Listeners naming the same group: `accept` runs once per event for all of them."""

    def __init__(self, accept: Accept | None) -> None:
        self.accept = accept
        self.members: set[FakeListener] = set()


class FakeHall:
    """One hall: its state, every event committed, the replies remembered, its listeners."""

    def __init__(self, document: Mapping[str, Any], now: datetime, step: timedelta) -> None:
        config = parse_config(dict(document))
        self.id = config.id
        self.now = now
        self.step = step
        first = SequencedEvent(self.id, 1, now.astimezone(UTC), HallConfigured(config))
        self.state: HallState = apply(initial_state(config), first.event)
        self.log: list[SequencedEvent] = [first]
        self.replies: dict[tuple[str, str], Reply] = {}
        self.audiences: dict[Hashable, _Audience] = {}

    @property
    def seq(self) -> int:
        return len(self.log)

    def view(self) -> HallView:
        return HallView(self.state, self.seq, estimate_waits(self.state, self.now.timestamp()))

    def commit(self, command: cmd.Command) -> Reply:
        """Decide `command` now, apply and publish its events; the reply."""
        self.now += self.step
        estimate = estimate_waits(self.state, self.now.timestamp())
        try:
            events = decide(self.state, command, self.now)
        except DomainError as error:
            return Reply(False, {"code": error.code, "message": error.message})
        committed: list[SequencedEvent] = []
        for event in events:
            self.state = apply(self.state, event)
            committed.append(SequencedEvent(self.id, self.seq + 1, self.now.astimezone(UTC), event))
            self.log.append(committed[-1])
        for sequenced in committed:
            self._publish(sequenced)
        return Reply(True, render_result(command, events, self.state, estimate))

    def _publish(self, event: SequencedEvent) -> None:
        for key, audience in list(self.audiences.items()):
            if not audience.members:  # every member ended or closed
                del self.audiences[key]
            elif audience.accept is None or audience.accept(event):
                for member in list(audience.members):
                    member.push(event)

    def listen(
        self, deliver: Callable[[SequencedEvent], None], accept: Accept | None, group: Hashable
    ) -> FakeListener:
        return FakeListener(self._audience(accept, group), deliver)

    def _audience(self, accept: Accept | None, group: Hashable) -> _Audience:
        key = group if group is not None else object()
        audience = self.audiences.get(key)
        if audience is None or not audience.members:
            audience = self.audiences[key] = _Audience(accept)
        return audience


class FakeHalls:
    """Implements `displays.interface.HallService` in memory, one `FakeHall` per document."""

    def __init__(
        self,
        documents: Iterable[Mapping[str, Any]] = (DOCUMENT,),
        *,
        start: datetime = MONDAY_9AM,
        step: timedelta = timedelta(seconds=5),
    ) -> None:
        halls = (FakeHall(document, start, step) for document in documents)
        self.by_id: dict[str, FakeHall] = {hall.id: hall for hall in halls}
        self._tracks = itertools.count(1)

    def hall(self, hall: str = HALL) -> FakeHall:
        return self.by_id[hall]

    def commit(self, command: cmd.Command, hall: str = HALL) -> Reply:
        """Commit a command as the server itself would (no device, no idempotency key)."""
        return self.hall(hall).commit(self._with_track(command))

    # --- HallService ----------------------------------------------------------------------

    def halls(self) -> list[str]:
        return sorted(self.by_id)

    def view(self, hall: str) -> HallView:
        return self.by_id[hall].view()

    async def submit(
        self, hall: str, command: cmd.Command, *, scope: str, key: str, actor: Actor | None = None
    ) -> Reply:
        """`actor` (who sent the command, for the log) is accepted and ignored."""
        room = self.by_id[hall]
        known = room.replies.get((scope, key))
        if known is not None:
            return known
        reply = room.commit(self._with_track(command))
        if scope:
            room.replies[(scope, key)] = reply
        return reply

    async def events_after(self, hall: str, seq: int) -> list[SequencedEvent] | None:
        log = self.by_id[hall].log
        if not 0 <= seq <= len(log):
            return None
        return log[seq:]

    def listen(
        self,
        hall: str,
        deliver: Callable[[SequencedEvent], None],
        accept: Accept | None = None,
        group: Hashable = None,
    ) -> FakeListener:
        return self.by_id[hall].listen(deliver, accept, group)

    def _with_track(self, command: cmd.Command) -> cmd.Command:
        """A new ticket's tracker token, as the engine gives one (here predictable)."""
        if isinstance(command, cmd.IssueTicket | cmd.CheckIn) and not command.track:
            return replace(command, track=f"track-{next(self._tracks)}")
        return command


# --- the directory ------------------------------------------------------------------------


def token(device: str) -> str:
    """The fixed token of a device in `DEVICES` (by its id)."""
    return f"token-{device}"


def _devices(*devices: tuple[str, str, str | None]) -> dict[str, DeviceIdentity]:
    return {
        token(id): DeviceIdentity(id, kind, HALL, window, name=id) for id, kind, window in devices
    }


DEVICES: Mapping[str, DeviceIdentity] = _devices(
    ("kiosk", KIOSK, None),
    ("clerk-1", CLERK, "1"),
    ("clerk-5", CLERK, "5"),
    ("call-screen", CALL_SCREEN, None),
    ("window-screen-1", WINDOW_SCREEN, "1"),
    ("window-screen-5", WINDOW_SCREEN, "5"),
    ("rating-pad-1", RATING_PAD, "1"),
    ("tablet", TABLET, None),
)
"""Every device of the hall `demo`, by token."""


@dataclass(frozen=True, slots=True)
class StaffAccount:
    hall: str
    identity: StaffIdentity
    password: str


STAFF: tuple[StaffAccount, ...] = (
    StaffAccount(HALL, StaffIdentity("s001", "张三", "clerk"), "secret1"),
    StaffAccount(HALL, StaffIdentity("s005", "李四", "clerk"), "secret5"),
    StaffAccount(HALL, StaffIdentity("m001", "王经理", "manager"), "secret9"),
)


class FakeDirectory:
    """Implements `displays.interface.Directory`: fixed tokens and staff; a tracker token is
    found on the tickets of `halls`."""

    def __init__(
        self,
        halls: FakeHalls,
        devices: Mapping[str, DeviceIdentity] = DEVICES,
        staff: Iterable[StaffAccount] = STAFF,
    ) -> None:
        self.halls = halls
        self.devices = dict(devices)
        self.staff = {(account.hall, account.identity.number): account for account in staff}

    async def device_for_token(self, token: str) -> DeviceIdentity | None:
        return self.devices.get(token)

    async def tracker_for(self, track: str) -> DeviceIdentity | None:
        for hall in self.halls.by_id.values():
            for ticket in hall.state.tickets.values():
                if ticket.track == track:
                    return DeviceIdentity(
                        f"tracker-{ticket.id}", "tracker", hall.id, ticket=ticket.id
                    )
        return None

    async def check_staff(self, hall: str, number: str, password: str) -> StaffIdentity | None:
        account = self.staff.get((hall, number))
        if account is None or account.password != password:
            return None
        return account.identity
