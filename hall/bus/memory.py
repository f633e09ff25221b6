"""`memory://`: the bus of a single server process, fanning out in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from hall.bus.base import (
    DEFAULT_MAX_QUEUE,
    BusError,
    SubscriptionContext,
    check_channel,
    check_max_queue,
    check_message,
)
from hall.bus.fanout import Fanout


class MemoryBus:
    """Implements `hall.bus.base.Bus` within one process (the embedded default)."""

    def __init__(self, *, max_queue: int = DEFAULT_MAX_QUEUE) -> None:
        self._fanout = Fanout(check_max_queue(max_queue))
        self._connected = False

    async def connect(self) -> None:
        self._connected = True

    async def disconnect(self) -> None:
        self._connected = False
        self._fanout.fail_all(BusError("the bus was disconnected"))

    async def publish(self, channel: str, message: str) -> None:
        check_channel(channel)
        check_message(message)
        self._require_connected()
        self._fanout.deliver(channel, message)

    def subscribe(self, channel: str) -> SubscriptionContext:
        return self._subscription(check_channel(channel))

    @asynccontextmanager
    async def _subscription(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        self._require_connected()
        inbox, _ = self._fanout.add(channel)
        try:
            yield inbox
        finally:
            self._fanout.remove(inbox)

    def _require_connected(self) -> None:
        if not self._connected:
            raise BusError("the bus is not connected (call connect() first)")
