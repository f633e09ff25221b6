"""A bus whose channels all carry a prefix, so that several deployments can share one Redis
without hearing each other: with the prefix `east`, the channel `hall:demo` is `east:hall:demo`
on the wire (`hall serve --bus-prefix east`, or `HALL_BUS_PREFIX=east`)."""

from __future__ import annotations

import re

from hall.bus.base import Bus, SubscriptionContext, check_channel

_PREFIX = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_prefix(prefix: object) -> str:
    """The prefix, or `ValueError` when it is not 1-64 letters, digits, '_', '.' or '-'."""
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise ValueError(f"a bus prefix is 1-64 letters, digits, '_', '.' or '-', got {prefix!r}")
    return prefix


class PrefixedBus:
    """Implements `hall.bus.base.Bus` over another bus, naming every channel `<prefix>:...`."""

    def __init__(self, bus: Bus, prefix: str) -> None:
        self.inner = bus
        self.prefix = check_prefix(prefix)

    def channel(self, channel: str) -> str:
        """The channel's name on the wire."""
        return f"{self.prefix}:{check_channel(channel)}"

    async def connect(self) -> None:
        await self.inner.connect()

    async def disconnect(self) -> None:
        await self.inner.disconnect()

    async def publish(self, channel: str, message: str) -> None:
        await self.inner.publish(self.channel(channel), message)

    def subscribe(self, channel: str) -> SubscriptionContext:
        return self.inner.subscribe(self.channel(channel))
