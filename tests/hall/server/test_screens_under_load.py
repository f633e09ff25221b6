"""A thousand call screens on one server, calls coming steadily: every screen sees every call
exactly once, in the order they were made (the real-time path writes each frame straight to
each socket; nothing may be lost, doubled or reordered on the way).

The screens are opened by the benchmarks' light load generator (`bench/load.py`) in two worker
processes, so that the test's own client is not what limits the server.
"""

from __future__ import annotations

import asyncio
import resource
import time

import pytest

from bench.load import Role, Workers, spread
from tests.support.device import Device, connected
from tests.support.server import CLERK, HallSetup, ServerProcess, mint

pytestmark = pytest.mark.anyio

SCREENS = 1_000
CALLS = 20
CALLS_PER_SECOND = 4.0


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(CLERK,))


@pytest.fixture(autouse=True)
def enough_file_descriptors() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4 * SCREENS:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8 * SCREENS), hard))


async def test_a_thousand_screens_each_see_every_call_once_and_in_order(
    server: ServerProcess, hall: str, devices: list[Device]
) -> None:
    screen_token = mint(server, hall, "call_screen")
    workers = Workers(spread([Role("screen", server.ws_url, screen_token, SCREENS)], 2))
    try:
        await asyncio.get_running_loop().run_in_executor(None, workers.connect)
        kiosk = await connected(server.ws_url, mint(server, hall, "kiosk"), devices)
        clerk = await connected(server.ws_url, mint(server, hall, "clerk", "1"), devices)
        await clerk.ok(
            "sign_in", {"window": "1", "staff": CLERK.number, "password": CLERK.password}
        )
        for _ in range(CALLS):
            await kiosk.ok("issue_ticket", {"service": "social"})
        called: list[str] = []

        async def call_steadily(start_at: float) -> None:
            for i in range(CALLS):
                await asyncio.sleep(max(0.0, start_at + i / CALLS_PER_SECOND - time.monotonic()))
                result = await clerk.ok("call_next", {"window": "1"})
                called.append(result["ticket"]["number"])
                await clerk.ok("finish", {"window": "1"})
            await clerk.ok("sign_out", {"window": "1"})  # the last frame every screen must get

        seen = await workers.run(CALLS / CALLS_PER_SECOND, call_steadily)
    finally:
        workers.close()
    records = [record for worker in seen for record in worker.screens]
    assert len(records) == SCREENS
    assert len(set(called)) == CALLS
    for record in records:
        assert [number for number, _ in record] == called
