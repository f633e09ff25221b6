"""What a hall's stream carries past the core: committed events with their sequence numbers,
and the replies that answer commands. Every layer above the core uses these two types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from queueing.errors import HallError
from queueing.events import Event


@dataclass(frozen=True, slots=True)
class SequencedEvent:
    """An event as committed to a hall's stream: its sequence number and commit time (UTC)."""

    hall: str
    seq: int
    at: datetime
    event: Event


@dataclass(frozen=True, slots=True)
class Reply:
    """A command's reply as the protocol sends it: `{"ok": ..., "result"|"error": ...}`."""

    ok: bool
    body: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        key = "result" if self.ok else "error"
        return {"ok": self.ok, key: dict(self.body)}

    @classmethod
    def refused(cls, error: HallError) -> Reply:
        return cls(False, error.as_dict())


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent a command, for the log: a device's id and kind, or a part of the server."""

    id: str
    kind: str
