"""`redis://host:port/db` (or `rediss://`): the bus that server processes share through Redis
pub/sub, with redis-py's asyncio client.

Each process holds ONE subscriber connection for all its subscriptions (`RedisListener`), and
one connection to publish (`RedisPublisher`). The listener is supervised: when its connection
fails (Redis gone, the connection killed, no answer to a ping within `ping_interval`), every open
subscription raises `BusError` at once and `publish` raises `BusError` until the next `subscribe`
connects again. redis-py's own silent reconnect-and-resubscribe is switched off, because the
messages published during the gap would be lost without anyone knowing.

A subscription is active once its context is entered: Redis has confirmed it, so every message
published afterwards reaches it, in publish order.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from hall.bus.base import (
    DEFAULT_MAX_QUEUE,
    BusError,
    SubscriptionContext,
    check_channel,
    check_max_queue,
    check_message,
)
from hall.bus.fanout import Fanout
from hall.bus.redis_listener import CONNECTION_ERRORS, RedisListener
from hall.bus.redis_publisher import RedisPublisher

log = logging.getLogger("hall.bus")

SCHEMES = ("redis", "rediss")


def check_redis_url(url: str) -> str:
    """The URL, or `ValueError` naming what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"a Redis bus URL starts with redis:// or rediss://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"a Redis bus URL needs a host (redis://host:port/db), got {url!r}")
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise ValueError(f"the database in a Redis bus URL is a number, got {database!r}")
    parse_url(url)  # ValueError on a bad port or query option
    return url


class RedisBus:
    """Implements `hall.bus.base.Bus` over Redis pub/sub."""

    def __init__(
        self,
        url: str,
        *,
        max_queue: int = DEFAULT_MAX_QUEUE,
        timeout: float = 5.0,
        ping_interval: float = 5.0,
    ) -> None:
        if timeout <= 0 or ping_interval <= 0:
            raise ValueError("timeout and ping_interval must be positive")
        self.url = check_redis_url(url)
        self._fanout = Fanout(check_max_queue(max_queue))
        self._timeout = timeout
        self._ping_interval = ping_interval
        name = f"hall-bus-{uuid.uuid4().hex[:12]}"
        self.listener_name = f"{name}-listen"
        """The Redis client name of the subscriber connection (see CLIENT LIST)."""
        self.publisher_name = f"{name}-publish"
        self._publisher: RedisPublisher | None = None
        self._listener: RedisListener | None = None
        self._restart_lock = asyncio.Lock()

    async def connect(self) -> None:
        if self._publisher is not None:
            return
        publisher = RedisPublisher(self._client(self.publisher_name, retries=1))
        try:
            await publisher.ping()
            listener = await self._start_listener()
        except CONNECTION_ERRORS as error:
            await publisher.close()
            raise BusError(f"cannot reach Redis at {self._where()}: {error}") from error
        except BaseException:
            await publisher.close()
            raise
        self._publisher, self._listener = publisher, listener

    async def disconnect(self) -> None:
        publisher, listener = self._publisher, self._listener
        self._publisher = self._listener = None
        self._fanout.fail_all(BusError("the bus was disconnected"))
        if listener is not None:
            await listener.stop()
        if publisher is not None:
            await publisher.close()

    async def publish(self, channel: str, message: str) -> None:
        check_channel(channel)
        check_message(message)
        publisher = self._require_publisher()
        failure = self._listener.error if self._listener is not None else None
        if failure is not None:
            raise BusError(f"the bus failed ({failure}); subscribe again to reconnect")
        await publisher.publish(channel, message)

    def subscribe(self, channel: str) -> SubscriptionContext:
        return self._subscription(check_channel(channel))

    @asynccontextmanager
    async def _subscription(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        listener = await self._healthy_listener()
        inbox, first = self._fanout.add(channel)
        try:
            if first:
                await listener.subscribe(channel)
            else:
                await listener.wait_subscribed(channel)
            yield inbox
        finally:
            if self._fanout.remove(inbox) and listener is self._listener:
                await listener.unsubscribe(channel)

    async def _healthy_listener(self) -> RedisListener:
        """The running listener; after a failure, a new one on a new connection."""
        self._require_publisher()
        if self._listener is not None and self._listener.error is None:
            return self._listener
        async with self._restart_lock:
            if self._listener is not None and self._listener.error is None:
                return self._listener
            listener = await self._start_listener()
            if self._publisher is None:  # disconnected meanwhile
                await listener.stop()
                raise BusError("the bus was disconnected")
            self._listener = listener
            log.info("Redis bus reconnected to %s", self._where())
            return listener

    async def _start_listener(self) -> RedisListener:
        client = self._client(self.listener_name, retries=0)
        listener = RedisListener(client, self._fanout.deliver, self._fanout.fail_all, self._timeout)
        try:
            await listener.start(self._ping_interval)
        except CONNECTION_ERRORS as error:
            await listener.stop()
            raise BusError(f"cannot reach Redis at {self._where()}: {error}") from error
        except BaseException:
            await listener.stop()
            raise
        return listener

    def _client(self, name: str, *, retries: int) -> Redis:
        return Redis.from_url(
            self.url,
            client_name=name,
            retry=Retry(NoBackoff(), retries),
            socket_timeout=self._timeout,
            socket_connect_timeout=self._timeout,
            health_check_interval=0,
        )

    def _require_publisher(self) -> RedisPublisher:
        if self._publisher is None:
            raise BusError("the bus is not connected (call connect() first)")
        return self._publisher

    def _where(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.hostname}:{parts.port or 6379}"
