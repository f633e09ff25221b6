"""What floor managers rely on survives a restart (docs/metrics.md, *Several server processes
and restarts*): the day's chart so far, and the alerts as they were, an acknowledged one staying
acknowledged (and acknowledging it again still succeeding).

The server is the real app under uvicorn in this test's loop, on an SQLite file, with a clock
the test moves: it runs, stops, and starts again two minutes later. The clock starts clear of
the hall's midnight (where the chart would rightly restart with the day).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from hall.server import Settings, create_app
from tests.support.device import Device
from tests.support.inprocess import serving
from tests.support.server import ADMIN_TOKEN, small_hall
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

HALL = "restart"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Clock:
    """The server's clock: real time moved by `ahead`, starting at least 15 minutes from the
    hall's (Asia/Shanghai, UTC+8) midnight."""

    def __init__(self) -> None:
        local = datetime.now(UTC) + timedelta(hours=8)
        near_midnight = local.hour == 23 and local.minute >= 45
        self.start = timedelta(minutes=30) if near_midnight else timedelta()
        self.ahead = self.start

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead


@contextlib.asynccontextmanager
async def running(url: str, clock: Callable[[], datetime]) -> AsyncIterator[str]:
    settings = Settings(database_url=url, admin_token=ADMIN_TOKEN, clock=clock, tick_seconds=3600)
    async with serving(create_app(settings), lifespan="on") as address:
        yield address


async def test_a_restart_keeps_the_days_chart_and_the_acknowledged_alerts(
    sqlite_url: str,
) -> None:
    clock = Clock()
    async with (
        running(sqlite_url, clock) as address,
        httpx.AsyncClient(base_url=f"http://{address}", headers=ADMIN, timeout=10) as http,
    ):
        assert (await http.put(f"/api/halls/{HALL}", json=small_hall(HALL))).status_code == 201
        paired = await http.post(f"/api/halls/{HALL}/devices", json={"kind": "tablet"})
        tablet_token = paired.json()["token"]
        await http.post(f"/api/halls/{HALL}/commands/issue_ticket", json={"service": "social"})

        async def the_alert() -> list[dict[str, Any]]:
            figures = (await http.get(f"/api/halls/{HALL}/metrics")).json()
            return [a for a in figures["alerts"] if a["kind"] == "no_window_open"]

        (alert,) = await eventually(the_alert)  # every window is closed
        tablet, _ = await Device.connect(f"ws://{address}/ws", tablet_token)
        assert await tablet.ok("ack_alert", {"alert": alert["id"]}) == {"alert": alert["id"]}
        await tablet.close()

        async def the_chart() -> list[list[Any]]:
            history = (await http.get(f"/api/halls/{HALL}/metrics/history")).json()
            return list(history["series"].get("hall", []))

        before = await eventually(the_chart)
        assert [point[1] for point in before] == [1]

    clock.ahead = clock.start + timedelta(minutes=2)
    async with (
        running(sqlite_url, clock) as address,
        httpx.AsyncClient(base_url=f"http://{address}", headers=ADMIN, timeout=10) as http,
    ):
        history = (await http.get(f"/api/halls/{HALL}/metrics/history")).json()
        figures = (await http.get(f"/api/halls/{HALL}/metrics")).json()
        tablet, _ = await Device.connect(f"ws://{address}/ws", tablet_token)
        again = await tablet.command("ack_alert", {"alert": alert["id"]})
        await tablet.close()

    assert history["series"]["hall"][0] == before[0]  # the minute before the restart
    assert figures["alerts"] == []  # still acknowledged: the same condition, the same alert
    assert again["ok"] is True, again  # a retried acknowledgement still succeeds
    assert again["result"] == {"alert": alert["id"]}
