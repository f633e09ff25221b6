"""Every protocol command's success and its error codes, through the real server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.device import Device
from tests.support.server import ServerProcess, add_staff, create_hall, mint, signed_in_tablet

pytestmark = pytest.mark.anyio


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
    tablet, _ = await signed_in_tablet(server, hall)
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


async def next_position(tracker: Device, **want: Any) -> dict[str, Any]:
    """The tracker's next `position` message whose fields have the wanted values."""
    while True:
        message = await tracker.other()
        if message["type"] == "position" and all(message[k] == v for k, v in want.items()):
            return message


async def test_a_tablet_moves_and_prioritises_waiting_tickets(server: ServerProcess) -> None:
    hall = f"m{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    tablet, _ = await signed_in_tablet(server, hall)
    screen2, _ = await Device.connect(server.ws_url, mint(server, hall, "window_screen", "2"))
    screen3, _ = await Device.connect(server.ws_url, mint(server, hall, "window_screen", "3"))
    b1 = (await kiosk.ok("issue_ticket", {"service": "tax"}))["ticket"]
    issued = await kiosk.ok("issue_ticket", {"service": "social"})
    a1 = issued["ticket"]
    a2 = (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]
    tracker, welcome = await Device.connect(
        server.ws_url, hello={"type": "hello", "kind": "tracker", "track": issued["track"]}
    )
    assert welcome["snapshot"]["position"] == 0

    # move_ticket: every refusal, then to a queue
    await expect(tablet, "move_ticket", {"ticket": "nope", "to_queue": "B"}, "unknown_ticket")
    await expect(tablet, "move_ticket", {"ticket": a1["id"]}, "bad_request")
    both = {"ticket": a1["id"], "to_queue": "B", "to_window": "2"}
    await expect(tablet, "move_ticket", both, "bad_request")
    await expect(tablet, "move_ticket", {"ticket": a1["id"], "to_queue": "Z"}, "unknown_queue")
    await expect(tablet, "move_ticket", {"ticket": a1["id"], "to_window": "9"}, "unknown_window")
    await expect(tablet, "move_ticket", {"ticket": a1["id"], "to_queue": "A"}, "same_target")

    moved = await tablet.ok("move_ticket", {"ticket": a1["id"], "to_queue": "B"})

    assert moved["ticket"] == {**a1, "queue": "B"}  # same number, issue time, state
    event = await tablet.event("ticket.moved")
    assert event["data"]["from_queue"] == {"id": "A", "name": "综合受理"}
    assert event["data"]["to_queue"] == {"id": "B", "name": "税务"}
    assert (await tracker.event("ticket.moved"))["seq"] == event["seq"]
    behind_b1 = await next_position(tracker, position=1)  # B001 has waited longer
    assert behind_b1["ticket"]["queue"] == "B" and behind_b1["eta_seconds"] > 0

    # ... then directed to window 2 (closed: it calls the ticket once open)
    directed = await tablet.ok("move_ticket", {"ticket": a1["id"], "to_window": "2"})
    assert directed["ticket"]["to_window"] == "2" and directed["ticket"]["queue"] == "B"
    seen = await screen2.event("ticket.moved")
    assert seen["data"]["to_window"] == {"id": "2", "name": "2号窗口"}
    assert seen["data"]["from_queue"] == {"id": "B", "name": "税务"}
    await next_position(tracker, position=0)
    await expect(tablet, "move_ticket", {"ticket": a1["id"], "to_window": "2"}, "same_target")

    # prioritise_ticket
    await expect(tablet, "prioritise_ticket", {"ticket": "nope"}, "unknown_ticket")
    green = await tablet.ok("prioritise_ticket", {"ticket": a2["id"]})
    assert green["ticket"] == {**a2, "priority": "green"}
    assert (await tablet.event("ticket.prioritised"))["data"]["ticket"]["priority"] == "green"
    await expect(tablet, "prioritise_ticket", {"ticket": a2["id"]}, "already_priority")

    # tickets in a window's hand are not the floor manager's to move
    await tablet.ok("open_window", {"window": "2"})
    called = await tablet.ok("call_next", {"window": "2"})
    assert called["ticket"]["id"] == a1["id"]  # directed to window 2: called there first
    await expect(tablet, "move_ticket", {"ticket": a1["id"], "to_queue": "A"}, "not_waiting")
    await expect(tablet, "prioritise_ticket", {"ticket": a1["id"]}, "not_waiting")
    await next_position(tracker, position=0, window={"id": "2", "name": "2号窗口"})

    # a window screen hears of moves that name its window only
    await tablet.ok("open_window", {"window": "3"})
    await screen3.event("window.changed")
    assert [e for e in screen3.events if e["event"].startswith("ticket.")] == []

    # the same commands over HTTP, with the admin token
    with server.admin() as client:
        url = f"/api/halls/{hall}/commands"
        response = client.post(f"{url}/prioritise_ticket", json={"ticket": b1["id"]})
        assert response.status_code == 200, response.text
        assert response.json()["result"]["ticket"]["priority"] == "green"
        response = client.post(f"{url}/prioritise_ticket", json={"ticket": b1["id"]})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "already_priority"
        response = client.post(f"{url}/move_ticket", json={"ticket": b1["id"], "to_queue": "A"})
        assert response.status_code == 200, response.text
        assert response.json()["result"]["ticket"]["queue"] == "A"
        response = client.post(f"{url}/move_ticket", json={"ticket": "nope", "to_queue": "A"})
        assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_ticket")
        response = client.post(f"{url}/move_ticket", json={"ticket": b1["id"]})
        assert (response.status_code, response.json()["error"]["code"]) == (400, "bad_request")
    for device in (kiosk, tablet, screen2, screen3, tracker):
        await device.close()


async def test_a_window_opened_from_the_tablet_calls_only_once_a_clerk_signs_in(
    server: ServerProcess,
) -> None:
    """The default hall rule `require_sign_in`: a tablet opens a window for sign-in; calls and
    services there are `not_signed_in` until a clerk signs in, so every rating has a clerk."""
    hall = f"m{uuid.uuid4().hex[:8]}"
    create_hall(server, hall, require_sign_in=True)
    add_staff(server, hall, "1001", "王晓丽", "secret1")
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    tablet, welcome = await signed_in_tablet(server, hall)
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    assert welcome["snapshot"]["hall"]["require_sign_in"] is True
    await kiosk.ok("issue_ticket", {"service": "social"})
    await tablet.ok("open_window", {"window": "1"})

    for device in (tablet, clerk):
        await expect(device, "call_next", {"window": "1"}, "not_signed_in")
    await clerk.ok("sign_in", {"window": "1", "staff": "1001", "password": "secret1"})
    called = await clerk.ok("call_next", {"window": "1"})
    assert called["ticket"]["number"] == "A001"
    for device in (kiosk, tablet, clerk):
        await device.close()
