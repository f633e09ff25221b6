"""The message bus every server process shares: publish short text messages on named channels,
subscribe to them. One interface (`Bus`), one backend per technology (`memory.py`, `redis.py`),
picked by URL scheme in `hall.bus.open_bus`.

The bus carries notices, not data: a subscriber that loses messages (lagged, bus failed) is told
so by an exception from its iterator, and catches up from the source of truth by itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

DEFAULT_MAX_QUEUE = 10_000

SubscriptionContext = AbstractAsyncContextManager[AsyncIterator[str]]
"""What `Bus.subscribe` returns: entered, it yields the subscription's message iterator."""


class BusError(Exception):
    """The bus cannot deliver: not connected, disconnected, or its connection failed."""


class SubscriberLagged(BusError):
    """A subscriber fell `max_queue` messages behind and was cut off; it must subscribe again
    and catch up by itself. Publishers never wait for a slow subscriber."""


class Bus(Protocol):
    """Publish/subscribe of text messages on channels.

    - `connect()` before use and `disconnect()` at the end; both are idempotent. Publishing or
      subscribing on a bus that is not connected raises `BusError`.
    - `subscribe(channel)` returns an async context manager yielding an async iterator of the
      messages published on `channel` after it was entered, in publish order:

          async with bus.subscribe("hall:demo") as messages:
              async for message in messages:
                  ...

      The iterator raises `SubscriberLagged` when the subscriber falls too far behind and
      `BusError` as soon as the bus fails or disconnects; it never ends silently.
    - Bad arguments (an empty channel) raise `ValueError`.
    """

    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> SubscriptionContext: ...


def check_channel(channel: object) -> str:
    """The channel name, or `ValueError` when it is not a non-empty string."""
    if not isinstance(channel, str) or not channel:
        raise ValueError(f"bus channel must be a non-empty string, got {channel!r}")
    return channel


def check_message(message: object) -> str:
    if not isinstance(message, str):
        raise ValueError(f"bus message must be a string, got {type(message).__name__}")
    return message


def check_max_queue(max_queue: object) -> int:
    if isinstance(max_queue, bool) or not isinstance(max_queue, int) or max_queue < 1:
        raise ValueError(f"max_queue must be a positive integer, got {max_queue!r}")
    return max_queue
