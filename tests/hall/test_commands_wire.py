"""Every protocol command's success and its error codes, through the real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.device import Device
from tests.support.server import ServerProcess, add_staff, create_hall, mint

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("commands")
    process = ServerProcess(f"sqlite:///{workdir / 'hall.db'}", workdir)
    process.start()
    yield process
    process.stop()


async def expect(device: Device, name: str, args: dict[str, Any], code: str) -> None:
    reply = await device.command(name, args)
    assert reply["ok"] is False, (name, args, reply)
    assert reply["error"]["code"] == code, (name, args, reply)
    assert reply["error"]["message"]


async def test_every_command_succeeds_and_refuses_with_its_code(server: ServerProcess) -> None:
    hall = f"c{uuid.uuid4().hex[:8]}"
    create_hall(server, hall, max_recalls=1)
    add_staff(server, hall, "1001", "王晓丽")
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    clerk2, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "2"))
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "1"))
    w1 = {"window": "1"}

    # issue_ticket / check_in / reactivate
    await expect(kiosk, "issue_ticket", {"service": "passport"}, "unknown_service")
    first = await kiosk.ok("issue_ticket", {"service": "social"})
    second = await kiosk.ok("issue_ticket", {"service": "social"})
    await expect(kiosk, "check_in", {"booking_code": "12345678"}, "unknown_booking")
    await expect(kiosk, "reactivate", {"number": "A999"}, "unknown_ticket")
    await expect(kiosk, "reactivate", {"number": first["ticket"]["number"]}, "not_missed")

    # windows: calling a closed window, signing in, staff at two windows
    await expect(clerk, "call_next", w1, "window_closed")
    await expect(clerk, "sign_out", w1, "window_closed")
    await expect(
        clerk, "sign_in", {"window": "1", "staff": "1001", "password": "bad"}, "unauthorized"
    )
    signed = await clerk.ok("sign_in", {"window": "1", "staff": "1001", "password": "secret1"})
    assert signed["window"]["status"] == "idle" and signed["window"]["clerk"] == "王晓丽"
    await expect(
        clerk2, "sign_in", {"window": "2", "staff": "1001", "password": "secret1"}, "staff_busy"
    )
    await expect(tablet, "open_window", w1, "window_open")
    await expect(clerk, "resume", w1, "window_not_paused")
    await clerk.ok("pause", {**w1, "reason": "午休"})
    await expect(clerk, "pause", {**w1, "reason": "午休"}, "window_paused")
    await expect(clerk, "call_next", w1, "window_paused")
    await clerk.ok("resume", w1)
    await expect(clerk, "pause", {**w1, "reason": " "}, "invalid_text")

    # calling, recalling, starting, finishing
    await expect(clerk, "recall", w1, "no_current_ticket")
    await expect(clerk, "start", w1, "no_current_ticket")
    await expect(clerk, "finish", w1, "no_current_ticket")
    await expect(clerk, "no_show", w1, "no_current_ticket")
    await expect(clerk, "park", w1, "no_current_ticket")
    await expect(clerk, "transfer", {**w1, "to_queue": "B"}, "no_current_ticket")
    await expect(clerk, "call", {**w1, "ticket": "nope"}, "unknown_ticket")
    called = await clerk.ok("call", {**w1, "ticket": second["ticket"]["id"]})
    assert called["ticket"]["number"] == "A002"
    await expect(clerk, "call_next", w1, "window_busy")
    await expect(tablet, "close_window", w1, "window_busy")
    await expect(clerk, "sign_out", w1, "window_busy")
    recalled = await clerk.ok("recall", w1)
    assert recalled["ticket"]["number"] == "A002"
    await expect(clerk, "recall", w1, "recall_limit")
    await clerk.ok("no_show", w1)
    reactivated = await kiosk.ok("reactivate", {"number": "A002"})
    assert reactivated["ticket"]["state"] == "waiting"

    called = await clerk.ok("call_next", w1)
    assert called["ticket"]["number"] == "A001"
    await expect(clerk, "transfer", {**w1, "to_queue": "A"}, "same_target")
    await expect(clerk, "transfer", {**w1, "to_window": "1"}, "same_target")
    await expect(clerk, "transfer", {**w1, "to_queue": "Z"}, "unknown_queue")
    await expect(clerk, "transfer", {**w1, "to_window": "99"}, "unknown_window")
    await clerk.ok("start", w1)
    await expect(clerk, "start", w1, "not_called")
    await expect(clerk, "no_show", w1, "not_called")
    parked = await clerk.ok("park", w1)
    assert parked["ticket"]["state"] == "parked"
    unparked = await clerk.ok("unpark", w1)
    assert unparked["ticket"]["number"] == "A001"
    await expect(clerk, "unpark", w1, "window_busy")
    finished = await clerk.ok("finish", w1)
    assert finished["ticket"]["state"] == "finished"
    await expect(clerk, "unpark", w1, "not_parked")

    # ratings
    await expect(pad, "rate", {"ticket": "nope", "score": 3}, "no_rating_pending")
    rated = await pad.ok(
        "rate", {"ticket": finished["ticket"]["id"], "score": 2, "reasons": ["等候时间长"]}
    )
    assert rated["score"] == 2
    await expect(pad, "rate", {"ticket": finished["ticket"]["id"], "score": 2}, "no_rating_pending")

    # transfer to a queue and to a window
    called = await clerk.ok("call_next", w1)
    moved = await clerk.ok("transfer", {**w1, "to_window": "2"})
    assert moved["ticket"]["state"] == "waiting"
    await tablet.ok("open_window", {"window": "2"})
    again = await tablet.ok("call_next", {"window": "2"})
    assert again["ticket"]["number"] == called["ticket"]["number"]

    # broadcast, close
    await expect(tablet, "broadcast", {"text": "   "}, "invalid_text")
    assert (await tablet.ok("broadcast", {"text": "请保管好随身物品"}))[
        "text"
    ] == "请保管好随身物品"
    await expect(tablet, "close_window", {"window": "3"}, "window_closed")
    await expect(tablet, "open_window", {"window": "9"}, "unknown_window")
    empty = await clerk.ok("call_next", w1)
    assert empty["ticket"] is None
    closed = await clerk.ok("sign_out", w1)
    assert closed["window"]["status"] == "closed"
    for device in (kiosk, clerk, clerk2, tablet, pad):
        await device.close()
