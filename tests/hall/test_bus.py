"""The message bus: in memory and on the real Redis at 127.0.0.1:6379.

Redis tests skip when that server is unreachable, and fail instead when HALL_REQUIRE_SERVICES=1.
Tests that stop or freeze Redis start a private `redis-server` of their own on a free port, so
they never disturb the shared server (they skip when no `redis-server` binary is installed).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.asyncio import Redis

from hall.bus import Bus, BusError, MemoryBus, RedisBus, SubscriberLagged, open_bus

REDIS_URL = "redis://127.0.0.1:6379/0"
WAIT = 5.0  # seconds to wait for something that should happen at once

BusMaker = Callable[..., Awaitable[Bus]]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as error:
        reason = f"Redis at {REDIS_URL} is unreachable ({error})"
        if os.environ.get("HALL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} and HALL_REQUIRE_SERVICES=1")
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    name: str = request.param
    return name


@pytest.fixture
async def make_bus(backend: str) -> AsyncIterator[BusMaker]:
    """Connected buses of the test's backend, disconnected at the end."""
    opened: list[Bus] = []

    async def make(**options: Any) -> Bus:
        bus: Bus = MemoryBus(**options) if backend == "memory" else RedisBus(REDIS_URL, **options)
        await bus.connect()
        opened.append(bus)
        return bus

    yield make
    for bus in opened:
        await bus.disconnect()


@pytest.fixture
async def make_redis_bus(redis_url: str) -> AsyncIterator[Callable[..., Awaitable[RedisBus]]]:
    opened: list[RedisBus] = []

    async def make(url: str = redis_url, **options: Any) -> RedisBus:
        bus = RedisBus(url, **options)
        opened.append(bus)
        await bus.connect()
        return bus

    yield make
    for bus in opened:
        await bus.disconnect()


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def channel() -> str:
    return f"test-bus:{uuid.uuid4().hex}"


async def receive(messages: AsyncIterator[str], count: int = 1) -> list[str]:
    return [await asyncio.wait_for(anext(messages), WAIT) for _ in range(count)]


async def raised_by(messages: AsyncIterator[str]) -> BaseException:
    """The exception the subscription's iterator raises (waiting at most WAIT seconds)."""
    try:
        message = await asyncio.wait_for(anext(messages), WAIT)
    except BusError as error:
        return error
    raise AssertionError(f"expected the subscription to fail, got message {message!r}")


async def numsub(admin: Redis, channel: str) -> int:
    ((_, count),) = await admin.pubsub_numsub(channel)
    return int(count)


async def pubsub_connections(admin: Redis, name: str) -> list[dict[str, Any]]:
    clients: list[dict[str, Any]] = await admin.client_list(_type="pubsub")
    return [c for c in clients if c["name"] == name]


# --- both backends -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_every_subscriber_gets_every_message_in_publish_order(
    make_bus: BusMaker, channel: str
) -> None:
    bus = await make_bus()
    sent = [f"{channel}:{i}" for i in range(300)]
    async with (
        bus.subscribe(channel) as first,
        bus.subscribe(channel) as second,
        bus.subscribe(channel) as third,
    ):
        for message in sent:
            await bus.publish(channel, message)
        assert await receive(first, len(sent)) == sent
        assert await receive(second, len(sent)) == sent
        assert await receive(third, len(sent)) == sent


@pytest.mark.anyio
async def test_concurrent_publishers_keep_each_ones_order(make_bus: BusMaker, channel: str) -> None:
    bus = await make_bus()
    async with bus.subscribe(channel) as messages:

        async def publish_all(publisher: int) -> None:
            for i in range(100):
                await bus.publish(channel, f"{publisher}:{i}")

        await asyncio.gather(*(publish_all(p) for p in range(5)))
        received = await receive(messages, 500)
    for publisher in range(5):
        mine = [m for m in received if m.startswith(f"{publisher}:")]
        assert mine == [f"{publisher}:{i}" for i in range(100)]


@pytest.mark.anyio
async def test_messages_stay_on_their_channel(make_bus: BusMaker, channel: str) -> None:
    bus = await make_bus()
    other = f"{channel}-other"
    async with bus.subscribe(channel) as mine, bus.subscribe(other) as theirs:
        await bus.publish(other, "for them")
        await bus.publish(channel, "for me")
        assert await receive(mine) == ["for me"]
        assert await receive(theirs) == ["for them"]


@pytest.mark.anyio
async def test_leaving_a_subscription_ends_delivery_to_it_only(
    make_bus: BusMaker, channel: str
) -> None:
    bus = await make_bus()
    async with bus.subscribe(channel) as staying:
        async with bus.subscribe(channel) as leaving:
            await bus.publish(channel, "both")
            assert await receive(leaving) == ["both"]
        await bus.publish(channel, "after")
        assert await receive(staying, 2) == ["both", "after"]
    async with bus.subscribe(channel) as again:
        await bus.publish(channel, "new")
        assert await receive(again) == ["new"]


@pytest.mark.anyio
async def test_a_lagging_subscriber_is_cut_off_without_slowing_the_others(
    make_bus: BusMaker, channel: str
) -> None:
    bus = await make_bus(max_queue=5)
    sent = [str(i) for i in range(20)]
    async with bus.subscribe(channel) as reader, bus.subscribe(channel) as sleeper:
        for message in sent:
            await bus.publish(channel, message)
            assert await receive(reader) == [message]  # the sleeper holds nobody up
        assert isinstance(await raised_by(sleeper), SubscriberLagged)
    async with bus.subscribe(channel) as resubscribed:  # it catches up by subscribing again
        await bus.publish(channel, "fresh")
        assert await receive(resubscribed) == ["fresh"]


@pytest.mark.anyio
async def test_publishing_never_waits_for_a_subscriber_that_does_not_read(
    make_bus: BusMaker, channel: str
) -> None:
    bus = await make_bus(max_queue=100)
    async with bus.subscribe(channel) as sleeper:
        await asyncio.wait_for(
            asyncio.gather(*(bus.publish(channel, str(i)) for i in range(1_000))), WAIT
        )
        assert isinstance(await raised_by(sleeper), SubscriberLagged)


@pytest.mark.anyio
async def test_disconnect_fails_open_subscriptions_and_later_use(
    make_bus: BusMaker, channel: str
) -> None:
    bus = await make_bus()
    async with bus.subscribe(channel) as messages:
        await bus.disconnect()
        assert "disconnected" in str(await raised_by(messages))
    with pytest.raises(BusError, match="not connected"):
        await bus.publish(channel, "late")
    with pytest.raises(BusError, match="not connected"):
        async with bus.subscribe(channel):
            pass


@pytest.mark.anyio
async def test_bad_arguments_raise_value_error(make_bus: BusMaker) -> None:
    bus = await make_bus()
    with pytest.raises(ValueError, match="channel"):
        await bus.publish("", "message")
    with pytest.raises(ValueError, match="channel"):
        bus.subscribe("")
    with pytest.raises(ValueError, match="message"):
        await bus.publish("channel", b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_queue"):
        await make_bus(max_queue=0)


@pytest.mark.anyio
@pytest.mark.parametrize("url", ["memory://", REDIS_URL])
async def test_a_bus_must_be_connected_first(url: str, channel: str) -> None:
    bus = open_bus(url)
    with pytest.raises(BusError, match="not connected"):
        await bus.publish(channel, "too early")
    with pytest.raises(BusError, match="not connected"):
        async with bus.subscribe(channel):
            pass


# --- URLs ----------------------------------------------------------------------------------------


def test_open_bus_picks_the_backend_by_scheme() -> None:
    assert isinstance(open_bus("memory://"), MemoryBus)
    assert isinstance(open_bus("redis://127.0.0.1:6379/0"), RedisBus)
    assert isinstance(open_bus("rediss://cache.example:6380/2"), RedisBus)
    assert isinstance(open_bus("redis://cache.example"), RedisBus)


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("kafka://broker:9092", "scheme"),
        ("", "scheme"),
        ("127.0.0.1:6379", "scheme"),
        ("memory://somewhere", "memory://"),
        ("redis://", "host"),
        ("redis://127.0.0.1:port/0", "[Pp]ort"),
        ("redis://127.0.0.1:6379/zero", "database"),
    ],
)
def test_open_bus_rejects_bad_urls(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        open_bus(url)


@pytest.mark.parametrize("prefix", ["", "a b", "x:y", "é", "p" * 65])
def test_a_bus_prefix_is_a_short_plain_name(prefix: str) -> None:
    if not prefix:
        assert isinstance(open_bus("memory://", prefix=prefix), MemoryBus)
        return
    with pytest.raises(ValueError, match="prefix"):
        open_bus("memory://", prefix=prefix)


@pytest.mark.anyio
async def test_deployments_with_their_own_prefix_share_one_redis_apart(
    redis_url: str, admin: Redis, channel: str
) -> None:
    east, west = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    buses = [open_bus(redis_url, prefix=p) for p in (east, east, west)]
    for bus in buses:
        await bus.connect()
    try:
        async with buses[1].subscribe(channel) as same, buses[2].subscribe(channel) as other:
            await buses[0].publish(channel, "for east")
            await buses[2].publish(channel, "for west")
            assert await receive(same) == ["for east"]
            assert await receive(other) == ["for west"]
            assert await numsub(admin, f"{east}:{channel}") == 1
            assert await numsub(admin, channel) == 0  # nothing on the unprefixed channel
    finally:
        for bus in buses:
            await bus.disconnect()


@pytest.mark.anyio
async def test_connecting_to_no_redis_raises_bus_error() -> None:
    bus = RedisBus(f"redis://127.0.0.1:{free_port()}/0", timeout=2.0)
    with pytest.raises(BusError, match="cannot reach Redis"):
        await bus.connect()
    with pytest.raises(BusError, match="not connected"):
        await bus.publish("channel", "message")


# --- Redis ---------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_two_processes_on_one_redis_see_each_others_messages(
    make_redis_bus: Callable[..., Awaitable[RedisBus]], channel: str
) -> None:
    first, second = await make_redis_bus(), await make_redis_bus()
    async with first.subscribe(channel) as at_first, second.subscribe(channel) as at_second:
        await first.publish(channel, "from first")
        assert await receive(at_first) == ["from first"]
        assert await receive(at_second) == ["from first"]
        await second.publish(channel, "from second")
        assert await receive(at_first) == ["from second"]
        assert await receive(at_second) == ["from second"]


@pytest.mark.anyio
async def test_a_subscription_is_live_as_soon_as_it_is_entered(
    make_redis_bus: Callable[..., Awaitable[RedisBus]], channel: str
) -> None:
    publisher, subscriber = await make_redis_bus(), await make_redis_bus()
    for round_ in range(20):
        async with subscriber.subscribe(f"{channel}:{round_}") as messages:
            await publisher.publish(f"{channel}:{round_}", "hello")
            assert await receive(messages) == ["hello"]


@pytest.mark.anyio
async def test_one_connection_carries_every_subscription_and_unsubscribes(
    make_redis_bus: Callable[..., Awaitable[RedisBus]], admin: Redis, channel: str
) -> None:
    bus = await make_redis_bus()
    channels = [f"{channel}:{i}" for i in range(3)]
    async with (
        bus.subscribe(channels[0]),
        bus.subscribe(channels[0]),
        bus.subscribe(channels[1]),
    ):
        async with bus.subscribe(channels[2]):
            assert len(await pubsub_connections(admin, bus.listener_name)) == 1
            assert [await numsub(admin, c) for c in channels] == [1, 1, 1]
        assert [await numsub(admin, c) for c in channels] == [1, 1, 0]
    assert [await numsub(admin, c) for c in channels] == [0, 0, 0]


@pytest.mark.anyio
async def test_subscribers_coming_and_going_at_once_leave_a_consistent_state(
    make_redis_bus: Callable[..., Awaitable[RedisBus]], admin: Redis, channel: str
) -> None:
    publisher, bus = await make_redis_bus(), await make_redis_bus()

    async def come_and_go(delay_turns: int) -> None:
        async with bus.subscribe(channel):
            for _ in range(delay_turns):
                await asyncio.sleep(0)  # yield to the other subscribers, not waiting on time

    for _ in range(5):
        await asyncio.gather(*(come_and_go(i % 3) for i in range(20)))
        assert await numsub(admin, channel) == 0
        async with bus.subscribe(channel) as messages:
            await publisher.publish(channel, "still works")
            assert await receive(messages) == ["still works"]


@pytest.mark.anyio
async def test_a_cancelled_subscriber_does_not_strand_the_others(
    make_redis_bus: Callable[..., Awaitable[RedisBus]], admin: Redis, channel: str
) -> None:
    publisher, bus = await make_redis_bus(), await make_redis_bus()

    async def subscribe_forever() -> None:
        async with bus.subscribe(channel):
            await asyncio.Event().wait()

    cancelled = asyncio.create_task(subscribe_forever())
    await asyncio.sleep(0)  # let it send its SUBSCRIBE, then cancel it before the confirmation
    cancelled.cancel()
    async with bus.subscribe(channel) as messages:
        await publisher.publish(channel, "for the survivor")
        assert await receive(messages) == ["for the survivor"]
    with pytest.raises(asyncio.CancelledError):
        await cancelled

    alone = asyncio.create_task(subscribe_forever())
    await asyncio.sleep(0)
    alone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await alone
    async with bus.subscribe(f"{channel}:flush"):
        pass  # confirmed in order: every command sent before it has been handled by now
    assert await numsub(admin, channel) == 0


@pytest.mark.anyio
async def test_a_killed_listener_connection_fails_every_subscription_at_once(
    make_redis_bus: Callable[..., Awaitable[RedisBus]], admin: Redis, channel: str
) -> None:
    bus, other = await make_redis_bus(), await make_redis_bus()
    async with bus.subscribe(channel) as first, bus.subscribe(f"{channel}:2") as second:
        (listener,) = await pubsub_connections(admin, bus.listener_name)
        await admin.client_kill_filter(_id=listener["id"])
        assert isinstance(await raised_by(first), BusError)
        assert isinstance(await raised_by(second), BusError)
        with pytest.raises(BusError, match="failed"):
            await bus.publish(channel, "while broken")
    async with bus.subscribe(channel) as healed:  # subscribing again reconnects
        assert len(await pubsub_connections(admin, bus.listener_name)) == 1
        await other.publish(channel, "from the other process")
        await bus.publish(channel, "from itself")
        assert await receive(healed, 2) == ["from the other process", "from itself"]


# --- a private Redis that the tests stop or freeze ----------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PrivateRedis:
    """A `redis-server` of the test's own, on a free port."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("no redis-server binary to start a private Redis")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        await asyncio.wait_for(self._ready(), WAIT)

    async def _ready(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while line := await self.process.stdout.readline():
            if b"Ready to accept connections" in line:
                return
        raise AssertionError(f"redis-server on port {self.port} did not start")

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.send_signal(signal.SIGCONT)
        process.terminate()
        await asyncio.wait_for(process.wait(), WAIT)
        assert process.stdout is not None
        await process.stdout.read()  # drain to the end, so the pipe closes


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    await server.start()
    yield server
    await server.stop()


@pytest.mark.anyio
async def test_redis_going_away_fails_subscriptions_and_publish_until_it_is_back(
    private_redis: PrivateRedis, channel: str
) -> None:
    bus = RedisBus(private_redis.url, timeout=2.0)
    await bus.connect()
    try:
        async with bus.subscribe(channel) as first, bus.subscribe(channel) as second:
            await private_redis.stop()
            assert isinstance(await raised_by(first), BusError)
            assert isinstance(await raised_by(second), BusError)
            with pytest.raises(BusError):
                await bus.publish(channel, "nobody there")
        with pytest.raises(BusError, match="cannot reach Redis"):
            async with bus.subscribe(channel):
                pass
        await private_redis.start()
        async with bus.subscribe(channel) as messages:
            await bus.publish(channel, "back again")
            assert await receive(messages) == ["back again"]
    finally:
        await bus.disconnect()


@pytest.mark.anyio
async def test_subscribers_enter_only_once_redis_confirmed_the_subscription(
    private_redis: PrivateRedis, channel: str
) -> None:
    bus = RedisBus(private_redis.url)
    await bus.connect()
    inside: list[int] = []
    someone_entered, both_entered, leave = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def subscriber(index: int) -> None:
        async with bus.subscribe(channel):
            inside.append(index)
            someone_entered.set()
            if len(inside) == 2:
                both_entered.set()
            await leave.wait()

    try:
        private_redis.freeze()
        first = asyncio.create_task(subscriber(0))
        await asyncio.sleep(0)  # the first sends SUBSCRIBE; the second joins it
        second = asyncio.create_task(subscriber(1))
        with pytest.raises(TimeoutError):  # frozen Redis confirms nothing: nobody may enter
            await asyncio.wait_for(someone_entered.wait(), 0.3)
        private_redis.thaw()
        await asyncio.wait_for(both_entered.wait(), WAIT)
        leave.set()
        await asyncio.wait_for(asyncio.gather(first, second), WAIT)
    finally:
        await bus.disconnect()


@pytest.mark.anyio
async def test_disconnecting_ends_a_subscriber_still_waiting_for_redis_with_bus_error(
    private_redis: PrivateRedis, channel: str
) -> None:
    bus = RedisBus(private_redis.url)
    await bus.connect()
    private_redis.freeze()

    async def subscribe() -> None:
        async with bus.subscribe(channel):
            raise AssertionError("entered although Redis never confirmed")

    waiting = asyncio.create_task(subscribe())
    done, _ = await asyncio.wait([waiting], timeout=0.2)
    assert not done
    await asyncio.wait_for(bus.disconnect(), WAIT)
    with pytest.raises(BusError, match="disconnected"):
        await asyncio.wait_for(waiting, WAIT)


@pytest.mark.anyio
async def test_a_redis_that_stops_answering_is_detected_by_ping(
    private_redis: PrivateRedis, channel: str
) -> None:
    bus = RedisBus(private_redis.url, timeout=1.0, ping_interval=0.2)
    await bus.connect()
    try:
        async with bus.subscribe(channel) as messages:
            private_redis.freeze()
            assert "did not answer a ping" in str(await raised_by(messages))
            with pytest.raises(BusError):
                await bus.publish(channel, "frozen")
    finally:
        await private_redis.stop()
        await bus.disconnect()
