"""The Redis bus's subscriber side: the process's one pub/sub connection and the supervised task
that reads it.

Redis confirms SUBSCRIBE and UNSUBSCRIBE in the order they were sent, so each channel keeps a FIFO
of futures that the confirmations resolve. A channel's SUBSCRIBE runs as a task of its own, which
every subscriber joining meanwhile waits for: a subscriber cancelled while waiting cannot leave
the others waiting for a command never sent. Any failure of the connection or the task (Redis
gone, connection killed, no answer to a ping) ends every subscription at once with `BusError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from hall.bus.base import BusError

log = logging.getLogger("hall.bus")

CONNECTION_ERRORS = (RedisError, OSError)


class RedisListener:
    """One pub/sub connection (from `client`) read by one task; messages go to `deliver`,
    the first failure to `on_failure`."""

    def __init__(
        self,
        client: Redis,
        deliver: Callable[[str, str], None],
        on_failure: Callable[[BusError], None],
        timeout: float,
    ) -> None:
        self._client = client
        self._pubsub = client.pubsub()
        self._deliver = deliver
        self._on_failure = on_failure
        self._timeout = timeout
        self._acks: dict[str, deque[asyncio.Future[None]]] = {}
        self._subscribing: dict[str, asyncio.Task[None]] = {}
        self._send_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._closed = False
        self.error: BusError | None = None

    async def start(self, ping_interval: float) -> None:
        await self._pubsub.ping()  # connects now, so an unreachable Redis fails here
        self._task = asyncio.create_task(self._run(ping_interval), name="hall-bus-listener")

    async def stop(self) -> None:
        """Close the connection; subscribers still waiting for a confirmation get `BusError`."""
        self._stopping = True
        if self.error is None:
            self.error = BusError("the bus was disconnected")
            self._fail_acks(self.error)
        if self._task is not None:
            self._task.cancel()
        await asyncio.gather(
            *self._subscribing.values(), *filter(None, [self._task]), return_exceptions=True
        )
        await self._close()

    async def subscribe(self, channel: str) -> None:
        """Subscribe the connection to `channel`; returns once Redis has confirmed it."""
        self._raise_if_failed()
        task = asyncio.create_task(self._request("SUBSCRIBE", channel))
        task.add_done_callback(mark_retrieved)
        self._subscribing[channel] = task
        await asyncio.shield(task)

    async def wait_subscribed(self, channel: str) -> None:
        """Wait until the channel's SUBSCRIBE, sent for an earlier subscriber, is confirmed."""
        self._raise_if_failed()
        task = self._subscribing.get(channel)
        if task is not None:
            await asyncio.shield(task)

    async def unsubscribe(self, channel: str) -> None:
        """Stop receiving `channel`; a failed connection has nothing left to unsubscribe."""
        task = self._subscribing.pop(channel, None)
        if task is not None:  # UNSUBSCRIBE must follow the SUBSCRIBE on the wire
            await asyncio.gather(task, return_exceptions=True)
        if self.error is None:
            with contextlib.suppress(BusError):  # failed meanwhile: nothing to undo
                await self._request("UNSUBSCRIBE", channel)

    async def _request(self, command: str, channel: str) -> None:
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ack.add_done_callback(mark_retrieved)
        async with self._send_lock:
            self._raise_if_failed()
            self._acks.setdefault(channel, deque()).append(ack)
            try:
                await self._pubsub.execute_command(command, channel)
            except CONNECTION_ERRORS as error:
                raise self._fail(BusError(f"Redis {command} failed: {error}"), error) from error
        try:
            await asyncio.wait_for(ack, self._timeout)
        except TimeoutError:
            message = f"Redis did not confirm {command} {channel!r} within {self._timeout:g} s"
            raise self._fail(BusError(message)) from None

    def _raise_if_failed(self) -> None:
        if self.error is not None:
            raise self.error

    async def _run(self, ping_interval: float) -> None:
        try:
            await self._read(ping_interval)
        except asyncio.CancelledError:
            if not self._stopping:
                self._fail(BusError("the bus listener was cancelled"))
            raise
        except BusError as error:
            self._fail(error)
        except Exception as error:  # supervised: any failure ends every subscription at once
            message = f"the Redis bus connection failed: {type(error).__name__}: {error}"
            self._fail(BusError(message), error)
        finally:
            await self._close()

    async def _read(self, ping_interval: float) -> None:
        clock = asyncio.get_running_loop().time
        heard, pinged = clock(), None
        while True:
            message = await self._pubsub.get_message(timeout=ping_interval)
            now = clock()
            if message is not None:
                heard, pinged = now, None
                self._handle(message)
            elif pinged is not None and now - pinged >= ping_interval:
                raise BusError(f"Redis did not answer a ping within {ping_interval:g} s")
            elif pinged is None and now - heard >= ping_interval:
                async with self._send_lock:
                    await self._pubsub.ping()
                pinged = now

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "message":
            self._deliver(_text(message["channel"]), _text(message["data"]))
        elif kind in ("subscribe", "unsubscribe"):
            self._acknowledge(_text(message["channel"]))

    def _acknowledge(self, channel: str) -> None:
        acks = self._acks.get(channel)
        if not acks:
            return
        ack = acks.popleft()
        if not acks:
            del self._acks[channel]
        if not ack.done():
            ack.set_result(None)

    def _fail(self, error: BusError, cause: BaseException | None = None) -> BusError:
        """Record the first failure; end every pending confirmation and subscription."""
        if self.error is not None:
            return self.error
        error.__cause__ = cause
        self.error = error
        log.warning("Redis bus failed: %s", error)
        self._fail_acks(error)
        self._on_failure(error)
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()  # the reader stops and closes the connection
        return error

    def _fail_acks(self, error: BusError) -> None:
        for acks in self._acks.values():
            for ack in acks:
                if not ack.done():
                    ack.set_exception(error)
        self._acks.clear()

    async def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._client.aclose()


def mark_retrieved(future: asyncio.Future[None]) -> None:
    """Mark a failure as seen: a confirmation nobody waits for any more is not an error."""
    if not future.cancelled():
        future.exception()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
