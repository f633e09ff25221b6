"""In-process fan-out shared by every backend: one bounded inbox per subscriber, per channel.

Delivering never waits: an inbox that is full is cut off with `SubscriberLagged`. A failed
inbox raises its error from the iterator at once; messages still queued in it are dropped,
since its subscriber must catch up from the source of truth anyway.
"""

from __future__ import annotations

import asyncio
from collections import deque

from hall.bus.base import BusError, SubscriberLagged


class Inbox:
    """One subscriber's bounded queue of messages; iterate it to receive them."""

    def __init__(self, channel: str, max_queue: int) -> None:
        self.channel = channel
        self._max_queue = max_queue
        self._messages: deque[str] = deque()
        self._error: BusError | None = None
        self._ready = asyncio.Event()

    @property
    def failed(self) -> bool:
        return self._error is not None

    def put(self, message: str) -> None:
        """Queue a message, or cut the subscriber off when it is `max_queue` behind."""
        if self._error is not None:
            return
        if len(self._messages) >= self._max_queue:
            self.fail(
                SubscriberLagged(
                    f"subscriber to {self.channel!r} fell {self._max_queue} messages behind"
                )
            )
            return
        self._messages.append(message)
        self._ready.set()

    def fail(self, error: BusError) -> None:
        """End the subscription with `error` (the first error wins)."""
        if self._error is None:
            self._error = error
            self._messages.clear()
            self._ready.set()

    def __aiter__(self) -> Inbox:
        return self

    async def __anext__(self) -> str:
        while True:
            if self._error is not None:
                raise self._error
            if self._messages:
                return self._messages.popleft()
            self._ready.clear()
            await self._ready.wait()


class Fanout:
    """The open inboxes of one bus, by channel."""

    def __init__(self, max_queue: int) -> None:
        self.max_queue = max_queue
        self._inboxes: dict[str, list[Inbox]] = {}

    def channels(self) -> list[str]:
        return list(self._inboxes)

    def add(self, channel: str) -> tuple[Inbox, bool]:
        """A new inbox on `channel`, and whether it is the channel's first."""
        inbox = Inbox(channel, self.max_queue)
        inboxes = self._inboxes.setdefault(channel, [])
        inboxes.append(inbox)
        return inbox, len(inboxes) == 1

    def remove(self, inbox: Inbox) -> bool:
        """Forget an inbox; True when it was the last one on its channel."""
        inboxes = self._inboxes.get(inbox.channel)
        if inboxes is None or inbox not in inboxes:
            return False
        inboxes.remove(inbox)
        if inboxes:
            return False
        del self._inboxes[inbox.channel]
        return True

    def deliver(self, channel: str, message: str) -> None:
        for inbox in self._inboxes.get(channel, ()):
            inbox.put(message)

    def fail_all(self, error: BusError) -> None:
        """Fail every open inbox and forget them all (their subscriptions are gone)."""
        inboxes, self._inboxes = self._inboxes, {}
        for channel_inboxes in inboxes.values():
            for inbox in channel_inboxes:
                inbox.fail(error)
