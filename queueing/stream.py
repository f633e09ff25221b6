"""What a hall's stream carries past the core: committed events with their sequence numbers,
and the replies that answer commands. Every layer above the core uses these two types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
