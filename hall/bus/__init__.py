"""The message bus between server processes: `open_bus(url)` picks the backend by URL scheme.

- `memory://` fans out within one process (the embedded default);
- `redis://host:port/db` or `rediss://...` goes through Redis pub/sub, for several processes.

A `prefix` puts every channel under `<prefix>:` (`prefixed.py`), so that several deployments
can share one Redis. What the processes say on it is in `notices.py`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from hall.bus.base import DEFAULT_MAX_QUEUE, Bus, BusError, SubscriberLagged
from hall.bus.memory import MemoryBus
from hall.bus.prefixed import PrefixedBus
from hall.bus.redis import SCHEMES as REDIS_SCHEMES
from hall.bus.redis import RedisBus

__all__ = [
    "Bus",
    "BusError",
    "MemoryBus",
    "PrefixedBus",
    "RedisBus",
    "SubscriberLagged",
    "open_bus",
]


def open_bus(url: str, *, max_queue: int = DEFAULT_MAX_QUEUE, prefix: str = "") -> Bus:
    """The bus for `url`, not yet connected, its channels under `prefix` when one is given;
    `ValueError` for a URL no backend takes or a malformed prefix."""
    bus = _backend(url, max_queue)
    return PrefixedBus(bus, prefix) if prefix else bus


def _backend(url: str, max_queue: int) -> Bus:
    if not isinstance(url, str):
        raise ValueError(f"a bus URL is a string, got {type(url).__name__}")
    parts = urlsplit(url)
    if parts.scheme == "memory":
        if parts.netloc or parts.path.strip("/") or parts.query:
            raise ValueError(f"memory bus URLs take no host or path: use memory:// not {url!r}")
        return MemoryBus(max_queue=max_queue)
    if parts.scheme in REDIS_SCHEMES:
        return RedisBus(url, max_queue=max_queue)
    raise ValueError(f"unknown bus URL scheme in {url!r}: use memory:// or redis://host:port/db")
