"""The storage interface the engine writes through. One implementation (`sql.py`) serves SQLite
and PostgreSQL through SQLAlchemy; the engine calls it from a worker thread, never from the loop.

`Store` is the whole interface, made of five parts a consumer may ask for alone: `EventStore`
(streams and snapshots), `ReplyStore` (idempotent replies), `AccountStore` (devices and staff),
`ReadModelStore` (tickets and appointments) and `FloorStore` (alerts, their acknowledgements and the
day's chart: what floor managers rely on, shared by every process). `EngineStore` and
`DirectoryStore` are the combinations the engine and the server's directory use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from queueing.errors import HallError
from queueing.model import HallState
from queueing.stream import Reply, SequencedEvent


class StorageError(Exception):
    """Base of storage failures."""


class ConcurrencyConflict(StorageError):
    """Another writer appended to the hall first: catch up and decide again."""


class StoreUnavailable(StorageError, HallError):
    """The database cannot be reached, or did not answer in time: nothing is known to have been
    written. Try again later (the same command id is safe to retry). A refusal of its own, so
    that every edge answers it as the protocol's `unavailable` (HTTP 503)."""

    code = "unavailable"
    status = 503


class SequenceGap(StorageError):
    """A batch expected a seq the hall has not reached: appending would leave a gap."""


class DuplicateRecord(StorageError):
    """A record with that id (or that device token) exists already."""


@dataclass(frozen=True, slots=True)
class IdempotentReply:
    """A reply remembered for (scope, key): scope is hall + device, key the command id."""

    scope: str
    key: str
    reply: Reply
    at: datetime


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An event to deliver to a webhook (`hall.webhooks`), written with the event: `body` is
    the JSON text POSTed, `at` when it may first be tried."""

    hall: str
    webhook: str
    seq: int
    event: str
    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Batch:
    """What one transaction writes: a hall's new events (seq expected_seq+1...), the replies to
    remember, personal data that stays server-side (booking code -> {"name", "phone"}), and the
    events' outbox entries for the hall's webhooks."""

    hall: str
    expected_seq: int
    events: Sequence[SequencedEvent]
    replies: Sequence[IdempotentReply] = ()
    personal: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    outbox: Sequence[OutboxEntry] = ()


@dataclass(frozen=True, slots=True)
class LoadedHall:
    state: HallState
    seq: int


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    id: str
    hall: str
    kind: str
    window: str | None
    name: str
    token_hash: str
    created_at: datetime
    last_seen: datetime | None = None
    """When the device last connected or was connected (stamped at most once a minute)."""


@dataclass(frozen=True, slots=True)
class StaffRecord:
    hall: str
    number: str
    display_name: str
    role: str  # "clerk" or "manager"
    password_hash: str
    photo: str = ""  # a URL or data: URI shown on window screens and rating pads
    active: bool = True  # an inactive account cannot sign in


@dataclass(frozen=True, slots=True)
class TicketRecord:
    """A ticket's row in the read model (every timing), found by id or track token."""

    hall: str
    id: str
    day: str
    number: str
    queue: str
    service: str
    priority: str
    state: str
    track: str
    issued_at: datetime
    called_at: datetime | None
    served_at: datetime | None
    finished_at: datetime | None
    window: str | None
    clerk: str | None
    wait_seconds: float | None
    service_seconds: float | None
    recalls: int


@dataclass(frozen=True, slots=True)
class AppointmentRecord:
    hall: str
    code: str
    service: str
    slot_start: datetime
    state: str
    name: str
    phone: str
    ticket: str | None


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An alert of a hall as stored (`metrics.alerts.Alert` and its acknowledgement)."""

    hall: str
    id: str
    kind: str
    severity: str
    key: str
    params: Mapping[str, str | int | float]
    subject: str
    raised_at: datetime
    cleared_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    """The floor manager's staff number, when one was signed in on the tablet."""


@dataclass(frozen=True, slots=True)
class ChartSample:
    """One minute of a hall's chart: series name -> (waiting, eta_new_s or None)."""

    hall: str
    at: datetime
    samples: Mapping[str, tuple[int, int | None]]


class EventStore(Protocol):
    """Halls' event streams and their snapshots. `append` also writes the read models and the
    replies of its batch, in the same transaction as the events."""

    def hall_ids(self) -> list[str]: ...

    def load_hall(self, hall: str) -> LoadedHall | None:
        """The hall's state: newest snapshot plus the events after it; None if no such hall."""

    def read_events(
        self, hall: str, after_seq: int, limit: int = 10_000
    ) -> list[SequencedEvent]: ...

    def append(self, batch: Batch) -> None:
        """Write events, read models and replies in one transaction, or raise
        `ConcurrencyConflict` if (hall, seq) is taken, writing nothing."""

    def decide_and_append(
        self,
        keys: Sequence[tuple[str, str]],
        since: datetime,
        decide: Callable[[dict[tuple[str, str], Reply]], Batch],
    ) -> Batch:
        """One transaction for a batch of commands: the replies remembered for `keys` (since
        `since`) are handed to `decide`, and the batch it returns is written as by `append`
        (`ConcurrencyConflict` likewise). The batch written."""

    def save_snapshot(self, hall: str, seq: int, state: HallState) -> None: ...


class ReplyStore(Protocol):
    """Idempotency: the replies remembered per (scope, key) (written by `EventStore.append`)."""

    def find_replies(
        self, keys: Sequence[tuple[str, str]], since: datetime
    ) -> dict[tuple[str, str], Reply]:
        """The remembered replies among (scope, key) pairs, in one round trip."""

    def prune(self, before: datetime) -> None:
        """Forget replies older than `before`."""


class AccountStore(Protocol):
    """Identities: paired devices and staff accounts."""

    def add_device(self, record: DeviceRecord) -> None:
        """Pair a device; `DuplicateRecord` if its id or token hash is taken."""

    def device_by_token_hash(self, token_hash: str) -> DeviceRecord | None: ...

    def devices(self, hall: str) -> list[DeviceRecord]: ...

    def device(self, hall: str, device_id: str) -> DeviceRecord | None:
        """The hall's device with that id; None if the hall has none."""

    def rename_device(self, hall: str, device_id: str, name: str) -> bool:
        """Rename a device of the hall; False if the hall has no such device."""

    def replace_device_token(self, hall: str, device_id: str, token_hash: str) -> bool:
        """Give a device of the hall a new token (its old one stops working); False if the
        hall has no such device, `DuplicateRecord` if another device has that token hash."""

    def remove_device(self, device_id: str) -> bool:
        """Forget a device (its token stops working); False if there was none."""

    def device_ids(self, hall: str) -> set[str]:
        """The ids of the hall's devices (to check live connections against)."""

    def touch_devices(self, seen: Mapping[str, datetime]) -> None:
        """Record when devices were last seen (device id -> time), in one transaction; a
        device's `last_seen` never moves back, and unknown ids are ignored."""

    def add_staff(self, record: StaffRecord) -> None:
        """Create or replace the staff account (hall, number)."""

    def staff(self, hall: str, number: str) -> StaffRecord | None: ...

    def staff_members(self, hall: str) -> list[StaffRecord]:
        """The hall's staff accounts, by number."""

    def remove_staff(self, hall: str, number: str) -> bool:
        """Delete a staff account; False if there was none."""


class ReadModelStore(Protocol):
    """The read models `append` keeps, looked up by key."""

    def ticket(self, hall: str, ticket_id: str) -> TicketRecord | None: ...

    def ticket_by_track(self, track: str) -> TicketRecord | None: ...

    def appointment(self, hall: str, code: str) -> AppointmentRecord | None: ...

    def case_phone(self, hall: str, case_id: str) -> str:
        """The contact phone a case's citizen left ("" when none): personal data, for the
        callback step only."""
        ...


class FloorStore(Protocol):
    """Alerts with their acknowledgements, and the day's chart samples."""

    def save_alerts(self, records: Sequence[AlertRecord]) -> None:
        """Record alerts raised (a known id is kept as it is) and cleared (the first
        `cleared_at` stands), in one transaction. Acknowledgements are not written here."""

    def acknowledge_alert(self, record: AlertRecord, at: datetime, by: str | None) -> None:
        """Record the alert acknowledged (the first acknowledgement stands), with the alert
        itself if it was not recorded yet."""

    def alerts(self, hall: str, acknowledged_since: datetime) -> list[AlertRecord]:
        """The hall's alerts a process starts from: those not acknowledged, those whose
        condition may still hold (not cleared), and those acknowledged since the time given."""

    def alert(self, hall: str, alert_id: str) -> AlertRecord | None: ...

    def save_chart(self, samples: Sequence[ChartSample]) -> None:
        """Write chart minutes; a minute written before is replaced."""

    def chart(self, hall: str, since: datetime) -> list[ChartSample]:
        """The hall's chart minutes from `since` on, oldest first."""


class EngineStore(EventStore, ReplyStore, Protocol):
    """What `hall.engine.Engine` works through: the streams and the replies. `close` is here
    so that a holder of the engine alone can release its store."""

    def close(self) -> None: ...


class DirectoryStore(AccountStore, ReadModelStore, Protocol):
    """What `hall.server.directory.StoreDirectory` looks identities up in: devices and staff,
    and tickets by their tracker token."""


class Store(EventStore, ReplyStore, AccountStore, ReadModelStore, FloorStore, Protocol):
    """The whole store (`hall.storage.sql.SqlStore` implements it), with its lifecycle."""

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (Alembic)."""

    def close(self) -> None: ...
