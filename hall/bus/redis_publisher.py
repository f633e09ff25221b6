"""The Redis bus's publishing side: messages go out over one connection in the order `publish`
was called; those that queue up while a round trip is under way go together in one pipeline."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from hall.bus.base import BusError
from hall.bus.redis_listener import CONNECTION_ERRORS, mark_retrieved


class RedisPublisher:
    def __init__(self, client: Redis) -> None:
        self._client = client
        self._queue: list[tuple[str, str, asyncio.Future[None]]] = []
        self._sender: asyncio.Task[None] | None = None
        self._closed = False

    async def ping(self) -> None:
        await self._client.ping()

    async def publish(self, channel: str, message: str) -> None:
        """Returns once Redis has accepted the message; `BusError` when it could not."""
        if self._closed:
            raise BusError("the bus was disconnected")
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sent.add_done_callback(mark_retrieved)
        self._queue.append((channel, message, sent))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_queued(), name="hall-bus-publisher")
        await asyncio.shield(sent)

    async def close(self) -> None:
        self._closed = True
        if self._sender is not None:
            self._sender.cancel()
            await asyncio.gather(self._sender, return_exceptions=True)
        self._settle(self._queue, BusError("the bus was disconnected"))
        self._queue = []
        await self._client.aclose()

    async def _send_queued(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                async with self._client.pipeline(transaction=False) as pipeline:
                    for channel, message, _ in batch:
                        pipeline.publish(channel, message)
                    await pipeline.execute()
            except CONNECTION_ERRORS as error:
                failure = BusError(f"cannot publish to Redis: {type(error).__name__}: {error}")
                failure.__cause__ = error
                self._settle(batch, failure)
            except asyncio.CancelledError:
                self._settle(batch, BusError("the bus was disconnected"))
                raise
            else:
                self._settle(batch, None)

    @staticmethod
    def _settle(batch: list[tuple[str, str, asyncio.Future[None]]], error: BusError | None) -> None:
        for _, _, sent in batch:
            if sent.done():
                continue
            if error is None:
                sent.set_result(None)
            else:
                sent.set_exception(error)
