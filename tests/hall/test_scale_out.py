"""Two real `hall serve` processes sharing one PostgreSQL database and one Redis: what one of them
does reaches the devices on the other within 2 s (a new hall, a revoked device, a deactivated
clerk, an acknowledged alert), both show the same alerts (a device connected to either is online
for both), a malformed bus message stops nothing, and with the bus down the screens still get
every commit, from the database.

Each test runs its processes under a bus prefix of its own (`--bus-prefix`), so tests running at
the same time on the shared Redis never hear each other. The bus-outage test starts a private
`redis-server` it can stop (it skips when none is installed).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.support.device import Device, connected
from tests.support.server import (
    CLERK,
    ServerProcess,
    add_staff,
    create_hall,
    free_port,
    mint,
    small_hall,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

REDIS_URL = "redis://127.0.0.1:6379/0"
WITHIN = 2.0
"""Seconds within which every process learns of a change (PROTOCOL 1.1, scale-out)."""
OUTAGE_WITHIN = 8.0
"""Seconds within which a screen gets a commit while the bus is down ("a few seconds": the
process notices the silence after 3 s, then polls every second)."""


def _reachable(url: str) -> str:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as error:
        reason = f"Redis at {url} is unreachable ({error})"
        if os.environ.get("HALL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} and HALL_REQUIRE_SERVICES=1")
        pytest.skip(reason)
    return url


class Deployment:
    """Two server processes on one database and one bus."""

    def __init__(
        self, database: str, bus: str, workdir: Path, env: dict[str, str] | None = None
    ) -> None:
        self.prefix = f"t{uuid.uuid4().hex[:10]}"
        self.first, self.second = (
            ServerProcess(database, workdir, "--bus-prefix", self.prefix, bus_url=bus, env=env)
            for _ in range(2)
        )

    def __enter__(self) -> Deployment:
        self.first.start()
        self.second.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.first.stop()
        self.second.stop()


@pytest.fixture
def deployment(postgres_url: str, tmp_path: Path) -> Iterator[Deployment]:
    with Deployment(postgres_url, _reachable(REDIS_URL), tmp_path) as both:
        yield both


def knows(server: ServerProcess, hall: str) -> bool:
    with server.admin() as admin:
        return admin.get(f"/api/halls/{hall}").status_code == 200


async def new_hall_on(server: ServerProcess, other: ServerProcess) -> str:
    """A hall created on `server`, once `other` runs it too."""
    hall = f"s{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    await eventually(lambda: knows(other, hall), timeout=WITHIN)
    return hall


def issue(server: ServerProcess, kiosk: str, hall: str, count: int) -> int:
    """Issue tickets over HTTP; the seq of the last event they made."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {kiosk}"}) as http:
        for _ in range(count):
            response = http.post(
                f"/api/halls/{hall}/commands/issue_ticket", json={"service": "social"}
            )
            assert response.status_code == 200, response.text
        snapshot = http.get(f"/api/halls/{hall}/snapshot").json()
    return int(snapshot["seq"])


# --- halls, devices and staff reach every process ----------------------------------------------


async def test_a_hall_created_on_one_process_serves_devices_on_the_other_within_2_s(
    deployment: Deployment, devices: list[Device]
) -> None:
    hall = f"s{uuid.uuid4().hex[:8]}"
    create_hall(deployment.first, hall)
    created = time.monotonic()
    token = mint(deployment.first, hall, "call_screen")

    async def welcomed_on_the_second() -> bool:
        device, welcome = await Device.connect(deployment.second.ws_url, token)
        devices.append(device)
        return bool(welcome["type"] == "welcome")

    await eventually(welcomed_on_the_second, timeout=WITHIN)
    assert time.monotonic() - created < WITHIN

    document = small_hall(hall, windows=4)  # a new configuration travels as well
    document["name"] = "新名字政务服务中心"
    with deployment.first.admin() as admin:
        assert admin.put(f"/api/halls/{hall}", json=document).status_code == 200

    def renamed_on_the_second() -> bool:
        with deployment.second.admin() as admin:
            return bool(admin.get(f"/api/halls/{hall}").json()["name"] == "新名字政务服务中心")

    await eventually(renamed_on_the_second, timeout=WITHIN)


async def test_a_deleted_device_is_disconnected_on_every_process_within_2_s(
    deployment: Deployment, devices: list[Device]
) -> None:
    hall = await new_hall_on(deployment.first, deployment.second)
    with deployment.first.admin() as admin:
        minted = admin.post(f"/api/halls/{hall}/devices", json={"kind": "call_screen"}).json()
    on_first = await connected(deployment.first.ws_url, minted["token"], devices)
    on_second = await connected(deployment.second.ws_url, minted["token"], devices)

    with deployment.first.admin() as admin:
        assert admin.delete(f"/api/halls/{hall}/devices/{minted['device']}").status_code == 204

    for device in (on_first, on_second):
        await asyncio.wait_for(device.connection.wait_closed(), WITHIN)
        assert device.connection.close_code == 4401


async def test_a_device_re_paired_on_one_process_loses_its_old_sockets_on_every_process(
    deployment: Deployment, devices: list[Device]
) -> None:
    hall = await new_hall_on(deployment.first, deployment.second)
    with deployment.first.admin() as admin:
        minted = admin.post(f"/api/halls/{hall}/devices", json={"kind": "call_screen"}).json()
    on_first = await connected(deployment.first.ws_url, minted["token"], devices)
    on_second = await connected(deployment.second.ws_url, minted["token"], devices)

    with deployment.first.admin() as admin:
        response = admin.post(f"/api/halls/{hall}/devices/{minted['device']}/token")
        assert response.status_code == 200
    renewed = await connected(deployment.second.ws_url, response.json()["token"], devices)

    for device in (on_first, on_second):
        await asyncio.wait_for(device.connection.wait_closed(), WITHIN)
        assert device.connection.close_code == 4401
    await renewed.send({"type": "ping"})  # the socket with the new token stays
    assert (await renewed.other())["type"] == "pong"


async def test_a_clerk_deactivated_on_one_process_is_signed_out_on_the_other(
    deployment: Deployment, devices: list[Device]
) -> None:
    first, second = deployment.first, deployment.second
    hall = await new_hall_on(first, second)
    add_staff(first, hall, CLERK.number, CLERK.name, CLERK.password)
    screen = await connected(second.ws_url, mint(first, hall, "call_screen"), devices)
    clerk = await connected(second.ws_url, mint(first, hall, "clerk", "1"), devices)
    sign_in = {"window": "1", "staff": CLERK.number, "password": CLERK.password}
    assert (await clerk.command("sign_in", sign_in))["ok"]

    with first.admin() as admin:
        body = {"name": CLERK.name, "role": "clerk", "active": False}
        assert admin.put(f"/api/halls/{hall}/staff/{CLERK.number}", json=body).status_code == 200

    changed = await asyncio.wait_for(screen.event("window.changed"), WITHIN)
    while changed["data"]["cause"] != "staff_revoked":
        changed = await asyncio.wait_for(screen.event("window.changed"), WITHIN)
    assert changed["data"]["window"]["clerk"] is None
    refused = await clerk.command("sign_in", sign_in)
    assert refused["error"]["code"] == "unauthorized"


# --- alerts: the same on every process ----------------------------------------------------------

OFFLINE_S = 6.0
"""The device offline limit the alert tests run with (HALL_DEVICE_OFFLINE_S)."""
OFFLINE_WITHIN = OFFLINE_S + 5.0 + 4.0
"""Offline after OFFLINE_S, found at the next reading of the devices (every 5 s), pushed."""


async def metrics_of(tablet: Device, check: Any, timeout: float = WITHIN) -> dict[str, Any]:
    """The first `metrics` message on `tablet` that satisfies `check`."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no such metrics message within {timeout} s"
        message = await asyncio.wait_for(tablet.others.get(), left)
        if message["type"] == "metrics" and check(message):
            return message


def listed(body: dict[str, Any], kind: str) -> list[str]:
    return [alert["id"] for alert in body["alerts"] if alert["kind"] == kind]


async def test_both_processes_list_the_same_alerts_and_an_acknowledgement_reaches_both(
    deployment: Deployment, devices: list[Device]
) -> None:
    first, second = deployment.first, deployment.second
    hall = await new_hall_on(first, second)
    on_first = await connected(first.ws_url, mint(first, hall, "tablet"), devices)
    on_second = await connected(second.ws_url, mint(first, hall, "tablet"), devices)
    issue(first, mint(first, hall, "kiosk"), hall, 1)  # every window is closed

    seen_first = await metrics_of(on_first, lambda m: listed(m, "no_window_open"))
    seen_second = await metrics_of(on_second, lambda m: listed(m, "no_window_open"))
    (alert,) = listed(seen_first, "no_window_open")
    assert listed(seen_second, "no_window_open") == [alert]

    while not on_second.others.empty():  # only what comes after the acknowledgement counts
        on_second.others.get_nowait()
    assert await on_first.ok("ack_alert", {"alert": alert}) == {"alert": alert}
    acknowledged = time.monotonic()

    await metrics_of(on_second, lambda m: alert not in listed(m, "no_window_open"))
    assert time.monotonic() - acknowledged < WITHIN
    assert await on_second.ok("ack_alert", {"alert": alert}) == {"alert": alert}  # a retry


async def test_a_device_connected_to_the_other_process_is_not_offline(
    postgres_url: str, tmp_path: Path, devices: list[Device]
) -> None:
    env = {"HALL_DEVICE_OFFLINE_S": f"{OFFLINE_S:g}"}
    with Deployment(postgres_url, _reachable(REDIS_URL), tmp_path, env) as deployment:
        first, second = deployment.first, deployment.second
        hall = await new_hall_on(first, second)
        tablet = await connected(first.ws_url, mint(first, hall, "tablet"), devices)
        moved, gone = mint(first, hall, "call_screen"), mint(first, hall, "kiosk")
        with first.admin() as admin:
            listing = admin.get(f"/api/halls/{hall}/devices").json()
        ids = {device["kind"]: device["device"] for device in listing}
        for token in (moved, gone):
            await (await connected(first.ws_url, token, devices)).close()
        await connected(second.ws_url, moved, devices)  # the call screen moved to the other process

        body = await metrics_of(tablet, lambda m: listed(m, "device_offline"), OFFLINE_WITHIN)

        subjects = [a["subject"] for a in body["alerts"] if a["kind"] == "device_offline"]
        assert subjects == [ids["kiosk"]]
        for _ in range(3):  # a few more readings of the devices: still online
            body = await metrics_of(tablet, lambda m: True, 10.0)
            assert ids["call_screen"] not in [a["subject"] for a in body["alerts"]]
        with second.admin() as admin:
            elsewhere = admin.get(f"/api/halls/{hall}/metrics").json()
        assert listed(elsewhere, "device_offline") == listed(body, "device_offline")


# --- a malformed bus message -------------------------------------------------------------------


def malformed_count(server: ServerProcess, channel: str) -> float:
    text = httpx.get(f"{server.url}/metrics").text
    for line in text.splitlines():
        if line.startswith(f'hall_bus_malformed_messages_total{{channel="{channel}"}}'):
            return float(line.split()[-1])
    return 0.0


async def test_a_malformed_bus_message_is_skipped_and_later_events_still_arrive(
    deployment: Deployment, devices: list[Device]
) -> None:
    first, second = deployment.first, deployment.second
    hall = await new_hall_on(first, second)
    screen = await connected(second.ws_url, mint(first, hall, "call_screen"), devices)
    kiosk = mint(first, hall, "kiosk")
    with redis.Redis.from_url(REDIS_URL) as client:
        client.publish(f"{deployment.prefix}:hall:{hall}", "not-a-number:abc")
        client.publish(f"{deployment.prefix}:halls", "not a notice")

    seq = issue(first, kiosk, hall, 5)

    await asyncio.wait_for(screen.until_seq(seq), WITHIN)
    assert screen.events[-1]["seq"] == seq
    assert [e["event"] for e in screen.events].count("ticket.issued") == 5
    await eventually(
        lambda: malformed_count(second, "hall") == 1 and malformed_count(second, "halls") == 1,
        timeout=WITHIN,
    )
    assert "skipped a malformed message" in second.log()


# --- the bus down -------------------------------------------------------------------------------


class PrivateRedis:
    """A `redis-server` of the test's own on a free port, to stop at will."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("no redis-server binary to start a private Redis")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10.0
        while True:
            try:
                with redis.Redis(port=self.port, socket_connect_timeout=0.5) as client:
                    client.ping()
                    return
            except redis.RedisError:
                assert time.monotonic() < deadline, "the private redis-server did not start"
                time.sleep(0.05)  # polling for readiness

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


async def test_with_the_bus_down_screens_on_the_other_process_still_get_every_commit(
    postgres_url: str, private_redis: PrivateRedis, tmp_path: Path, devices: list[Device]
) -> None:
    with Deployment(postgres_url, private_redis.url, tmp_path) as deployment:
        first, second = deployment.first, deployment.second
        hall = await new_hall_on(first, second)
        screen = await connected(second.ws_url, mint(first, hall, "call_screen"), devices)
        kiosk = mint(first, hall, "kiosk")
        seq = issue(first, kiosk, hall, 1)
        await asyncio.wait_for(screen.until_seq(seq), WITHIN)  # through the bus

        private_redis.stop()
        seq = issue(first, kiosk, hall, 3)

        await asyncio.wait_for(screen.until_seq(seq), OUTAGE_WITHIN)
        assert [e["seq"] for e in screen.events] == list(range(screen.events[0]["seq"], seq + 1))


async def test_with_the_bus_down_a_re_paired_device_still_loses_its_old_sockets(
    postgres_url: str, private_redis: PrivateRedis, tmp_path: Path, devices: list[Device]
) -> None:
    with Deployment(postgres_url, private_redis.url, tmp_path) as deployment:
        first, second = deployment.first, deployment.second
        hall = await new_hall_on(first, second)
        with first.admin() as admin:
            minted = admin.post(f"/api/halls/{hall}/devices", json={"kind": "call_screen"}).json()
        old = await connected(second.ws_url, minted["token"], devices)

        private_redis.stop()
        with first.admin() as admin:
            response = admin.post(f"/api/halls/{hall}/devices/{minted['device']}/token")
            assert response.status_code == 200
        renewed = await connected(second.ws_url, response.json()["token"], devices)

        await asyncio.wait_for(old.connection.wait_closed(), OUTAGE_WITHIN)
        assert old.connection.close_code == 4401
        await renewed.send({"type": "ping"})
        assert (await renewed.other())["type"] == "pong"
