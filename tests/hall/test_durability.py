"""kill -9 during a burst of issue_ticket: every acknowledged ticket survives, no number reused."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.device import Device
from tests.support.server import ADMIN_TOKEN, ServerProcess, create_hall, mint

pytestmark = pytest.mark.anyio


KILL_AFTER = 150


async def _burst(
    device: Device, acknowledged: list[dict[str, object]], enough: asyncio.Event
) -> None:
    while True:
        try:
            reply = await device.command("issue_ticket", {"service": "social"})
        except Exception:
            return  # the server died under us: this command was never acknowledged
        if reply["ok"]:
            acknowledged.append(reply["result"])
        if len(acknowledged) >= KILL_AFTER:
            enough.set()


async def test_kill_9_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'hall.db'}"
    server = ServerProcess(database, tmp_path)
    server.start()
    hall = f"d{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    kiosks = [
        (await Device.connect(server.ws_url, mint(server, hall, "kiosk")))[0] for _ in range(4)
    ]
    acknowledged: list[dict[str, object]] = []
    enough = asyncio.Event()
    tasks = [asyncio.create_task(_burst(k, acknowledged, enough)) for k in kiosks]
    await asyncio.wait_for(enough.wait(), 60)
    server.kill()  # mid-burst: commands are in flight
    await asyncio.gather(*tasks)
    for kiosk in kiosks:
        await kiosk.close()

    # every acknowledged ticket is looked up below: more than a citizen's tracking budget
    restarted = ServerProcess(database, tmp_path, env={"HALL_RATE_TRACK": "100000/60"})
    restarted.start()
    try:
        with httpx.Client(
            base_url=restarted.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        ) as http:
            snapshot = http.get(f"/api/halls/{hall}/snapshot").json()["snapshot"]
            waiting = {q["id"]: q["waiting"] for q in snapshot["queues"]}
            assert waiting["A"] >= len(acknowledged)
            for result in acknowledged:
                tracked = http.get(f"/api/track/{result['track']}")
                assert tracked.status_code == 200
                ticket = result["ticket"]
                assert isinstance(ticket, dict)
                assert tracked.json()["ticket"]["number"] == ticket["number"]
            numbers = {r["ticket"]["number"] for r in acknowledged if isinstance(r["ticket"], dict)}
            assert len(numbers) == len(acknowledged)
            fresh = http.post(
                f"/api/halls/{hall}/commands/issue_ticket", json={"service": "social"}
            ).json()
            assert fresh["result"]["ticket"]["number"] not in numbers
            assert int(fresh["result"]["ticket"]["number"][1:]) > max(int(n[1:]) for n in numbers)
    finally:
        restarted.stop()
