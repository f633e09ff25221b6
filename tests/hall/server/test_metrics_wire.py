"""Live metrics through the real server: tablets' `metrics` messages, the HTTP figures and
Prometheus `/metrics`, after a scripted scenario."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.device import Device
from tests.support.server import ADMIN_TOKEN, ServerProcess, create_hall, mint, signed_in_tablet

pytestmark = pytest.mark.anyio


async def metrics_where(tablet: Device, check: Any) -> dict[str, Any]:
    """The first `metrics` message that satisfies `check` (they come every few seconds)."""
    while True:
        message = await asyncio.wait_for(tablet.others.get(), 15)
        if message["type"] == "metrics" and check(message):
            return message


def samples(text: str, name: str, hall: str) -> dict[tuple[tuple[str, str], ...], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels.get("hall") == hall:
                labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "hall"))
                found[labels] = sample.value
    return found


async def test_tablet_figures_and_prometheus_follow_the_hall(server: ServerProcess) -> None:
    hall = f"m{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    tablet, _ = await signed_in_tablet(server, hall)
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    for service in ("social", "social", "tax"):
        await kiosk.ok("issue_ticket", {"service": service})
    body = await metrics_where(tablet, lambda m: m["queues"]["A"]["waiting"] == 2)
    assert body["queues"]["B"]["waiting"] == 1
    assert body["hall"]["waiting"] == 3

    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("finish", {"window": "1"})
    body = await metrics_where(tablet, lambda m: m["hall"]["waiting"] == 2)
    assert body["hall"]["served"] == 1

    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as http:
        figures = http.get(f"/api/halls/{hall}/metrics").json()
        assert figures["hall"]["waiting"] == 2
        text = http.get("/metrics").text
    issued = samples(text, "hall_tickets_issued_total", hall)
    assert issued[(("queue", "A"),)] == 2 and issued[(("queue", "B"),)] == 1
    finished = samples(text, "hall_tickets_finished_total", hall)
    assert sum(finished.values()) == 1
    waiting = samples(text, "hall_waiting", hall)
    assert waiting[(("queue", "A"),)] + waiting[(("queue", "B"),)] == 2
    devices = samples(text, "hall_connected_devices", hall)
    assert devices[(("kind", "tablet"),)] == 1 and devices[(("kind", "kiosk"),)] == 1
    commands = samples(text, "hall_command_seconds_count", hall)
    assert sum(v for k, v in commands.items() if ("command", "issue_ticket") in k) == 3
    await tablet.close()
    await kiosk.close()


async def test_prometheus_shows_how_fast_replies_and_events_reach_the_sockets(
    server: ServerProcess,
) -> None:
    """Operators see what the benchmarks see: per reply, receipt to socket write; per event,
    commit to every local socket write."""
    hall = f"m{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    screen, _ = await Device.connect(server.ws_url, mint(server, hall, "call_screen"))
    for _ in range(3):
        await kiosk.ok("issue_ticket", {"service": "social"})
    with httpx.Client(base_url=server.url) as http:
        text = http.get("/metrics").text
    replies = samples(text, "hall_reply_write_seconds_count", hall)
    events = samples(text, "hall_event_delivery_seconds_count", hall)
    assert replies == {(): 3.0}
    assert events[()] >= 3  # ticket.issued three times (and the day's start)
    fast = samples(text, "hall_event_delivery_seconds_bucket", hall)
    assert fast[(("le", "1.0"),)] == events[()]
    await kiosk.close()
    await screen.close()
