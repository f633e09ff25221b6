"""The websocket gateway against a real server process and real websocket clients."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.device import Device
from tests.support.server import (
    CLERK,
    HallSetup,
    ServerProcess,
    Staff,
    add_staff,
    create_hall,
    mint,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(CLERK, Staff("1002", "李强")))


async def open_clerk(
    server: ServerProcess, hall: str, window: str = "1", staff: str = "1001"
) -> Device:
    device, welcome = await Device.connect(server.ws_url, mint(server, hall, "clerk", window))
    assert welcome["type"] == "welcome"
    await device.ok("sign_in", {"window": window, "staff": staff, "password": "secret1"})
    return device


async def test_first_message_must_be_hello(server: ServerProcess, hall: str) -> None:
    async with connect(server.ws_url) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        error = json.loads(await ws.recv())
        assert error["type"] == "error" and error["error"]["code"] == "hello_required"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.parametrize(
    "hello",
    [
        {"type": "hello", "token": "nope"},
        {"type": "hello"},
        {"type": "hello", "kind": "tracker", "track": "nope"},
    ],
)
async def test_unknown_token_is_unauthorized(
    server: ServerProcess, hall: str, hello: dict[str, Any]
) -> None:
    async with connect(server.ws_url) as ws:
        await ws.send(json.dumps(hello))
        error = json.loads(await ws.recv())
        assert error["error"]["code"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_welcome_carries_a_hall_snapshot(server: ServerProcess, hall: str) -> None:
    kiosk, welcome = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    assert welcome["device"]["kind"] == "kiosk" and welcome["device"]["hall"] == hall
    snapshot = welcome["snapshot"]
    assert {q["id"] for q in snapshot["queues"]} == {"A", "B"}
    assert {w["id"] for w in snapshot["windows"]} == {"1", "2", "3"}
    assert all(w["status"] == "closed" for w in snapshot["windows"])
    assert isinstance(welcome["seq"], int)
    await kiosk.close()


async def test_a_ticket_goes_from_kiosk_to_window_to_rating(
    server: ServerProcess, hall: str
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    screen, _ = await Device.connect(server.ws_url, mint(server, hall, "call_screen"))
    window_screen, _ = await Device.connect(server.ws_url, mint(server, hall, "window_screen", "1"))
    other_window, _ = await Device.connect(server.ws_url, mint(server, hall, "window_screen", "2"))
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "1"))
    clerk = await open_clerk(server, hall)

    issued = await kiosk.ok("issue_ticket", {"service": "social"})
    assert issued["ticket"]["number"] == "A001"
    assert issued["position"] == 0 and isinstance(issued["eta_seconds"], int | float)
    assert issued["track"] and issued["print"]
    assert "track" not in issued["ticket"]

    called = await clerk.ok("call_next", {"window": "1"})
    assert called["ticket"]["number"] == "A001"
    event = await screen.event("ticket.called")
    assert event["data"]["ticket"]["number"] == "A001"
    assert event["data"]["window"] == {"id": "1", "name": "1号窗口"}
    assert "A001" in event["data"]["announce"] and "1号窗口" in event["data"]["announce"]
    assert (await window_screen.event("ticket.called"))["data"]["ticket"]["number"] == "A001"

    await clerk.ok("start", {"window": "1"})
    await clerk.ok("finish", {"window": "1"})
    requested = await pad.event("rating.requested")
    ticket_id = requested["data"]["ticket"]["id"]
    assert (await pad.command("rate", {"ticket": ticket_id, "score": 5}))["ok"]
    again = await pad.command("rate", {"ticket": ticket_id, "score": 1})
    assert again["error"]["code"] == "no_rating_pending"
    submitted = await screen.event("rating.submitted")
    assert submitted["data"]["score"] == 5

    # The other window's screen saw nothing of window 1.
    assert not any(
        e["data"].get("window", {}).get("id") == "1"
        for e in other_window.events
        if isinstance(e["data"].get("window"), dict)
    )
    # The call screen saw every hall event, in order, without gaps.
    seqs = [e["seq"] for e in screen.events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    for device in (kiosk, screen, window_screen, other_window, pad, clerk):
        await device.close()


async def test_seq_is_contiguous_under_concurrent_commands(
    server: ServerProcess, hall: str
) -> None:
    screen, welcome = await Device.connect(server.ws_url, mint(server, hall, "call_screen"))
    kiosks = [
        (await Device.connect(server.ws_url, mint(server, hall, "kiosk")))[0] for _ in range(3)
    ]
    results = await asyncio.gather(
        *[
            k.ok("issue_ticket", {"service": "social" if i % 2 else "tax"})
            for i in range(20)
            for k in kiosks
        ]
    )
    numbers = [r["ticket"]["number"] for r in results]
    assert len(set(numbers)) == 60
    for _ in range(60):
        await screen.event("ticket.issued")
    seqs = [e["seq"] for e in screen.events]
    assert seqs == list(range(welcome["seq"] + 1, welcome["seq"] + 1 + len(seqs)))
    issued = [e["data"]["ticket"]["number"] for e in screen.events if e["event"] == "ticket.issued"]
    assert sorted(issued) == sorted(numbers)
    for device in (screen, *kiosks):
        await device.close()


async def test_resume_replays_exactly_what_was_missed(server: ServerProcess, hall: str) -> None:
    token = mint(server, hall, "call_screen")
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    screen, welcome = await Device.connect(server.ws_url, token)
    await kiosk.ok("issue_ticket", {"service": "social"})
    first = await screen.event("ticket.issued")
    await screen.close()
    for _ in range(5):
        await kiosk.ok("issue_ticket", {"service": "tax"})
    screen, welcome = await Device.connect(server.ws_url, token, resume=first["seq"])
    assert welcome["replay"] is True and welcome["seq"] == first["seq"]
    await screen.until_seq(first["seq"] + 5)
    await kiosk.ok("issue_ticket", {"service": "tax"})
    await screen.until_seq(first["seq"] + 6)
    assert [e["seq"] for e in screen.events] == list(range(first["seq"] + 1, first["seq"] + 7))
    numbers = [e["data"]["ticket"]["number"] for e in screen.events]
    assert numbers == ["B001", "B002", "B003", "B004", "B005", "B006"]
    await screen.close()
    await kiosk.close()


async def test_resume_from_the_future_gets_a_snapshot(server: ServerProcess, hall: str) -> None:
    screen, welcome = await Device.connect(
        server.ws_url, mint(server, hall, "call_screen"), resume=10**9
    )
    assert "snapshot" in welcome and welcome.get("replay") is not True
    await screen.close()


async def test_command_id_retry_returns_the_first_reply(server: ServerProcess, hall: str) -> None:
    token = mint(server, hall, "kiosk")
    kiosk, _ = await Device.connect(server.ws_url, token)
    first = await kiosk.command("issue_ticket", {"service": "social"}, id="retry-1")
    await kiosk.close()
    kiosk, _ = await Device.connect(server.ws_url, token)
    second = await kiosk.command("issue_ticket", {"service": "social"}, id="retry-1")
    assert second == first
    third = await kiosk.command("issue_ticket", {"service": "social"}, id="retry-2")
    assert third["result"]["ticket"]["number"] == "A002"
    await kiosk.close()


async def test_bad_input_gets_errors_and_keeps_the_connection(
    server: ServerProcess, hall: str
) -> None:
    kiosk, welcome = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    bad_frames = [
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"type": "launch"}),
        json.dumps({"type": "command", "name": "issue_ticket", "args": {}}),
        "x" * (2 * 1024 * 1024),
    ]
    for frame in bad_frames:
        await kiosk.connection.send(frame)
        error = await kiosk.other()
        assert error["type"] == "error" and error["error"]["code"] == "bad_request", frame[:40]
    await kiosk.connection.send(b"\x00\x01")
    assert (await kiosk.other())["error"]["code"] == "bad_request"
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("launch_rocket", {}, "name"),
        ("issue_ticket", {}, "service"),
        ("issue_ticket", {"service": 7}, "service"),
        ("issue_ticket", {"service": "social", "priority": "vip"}, "priority"),
        ("issue_ticket", {"service": "social", "colour": "red"}, "colour"),
    ]
    for name, args, field in cases:
        reply = await kiosk.command(name, args)
        assert reply["ok"] is False and reply["error"]["code"] == "bad_request"
        assert field in reply["error"]["message"]
    await kiosk.send({"type": "ping"})
    assert (await kiosk.other())["type"] == "pong"
    # Nothing changed: the next ticket is still the first.
    assert (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]["number"] == "A001"
    await kiosk.close()


async def test_ten_windows_calling_at_once_never_share_a_ticket(
    server: ServerProcess, hall: str
) -> None:
    hall10 = f"h{uuid.uuid4().hex[:8]}"
    create_hall(server, hall10, windows=10)
    for i in range(10):
        add_staff(server, hall10, f"s{i}", f"职员{i}")
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall10, "kiosk"))
    for _ in range(6):
        await kiosk.ok("issue_ticket", {"service": "social"})
    clerks = [await open_clerk(server, hall10, str(i + 1), f"s{i}") for i in range(10)]
    results = await asyncio.gather(
        *[c.ok("call_next", {"window": str(i + 1)}) for i, c in enumerate(clerks)]
    )
    called = [r["ticket"]["id"] for r in results if r["ticket"] is not None]
    assert len(called) == 6 and len(set(called)) == 6
    assert sum(r["ticket"] is None for r in results) == 4
    for device in (kiosk, *clerks):
        await device.close()


async def test_clerk_acts_only_for_its_own_window(server: ServerProcess, hall: str) -> None:
    clerk = await open_clerk(server, hall, "1")
    reply = await clerk.command("call_next", {"window": "2"})
    assert reply["error"]["code"] == "forbidden"
    reply = await clerk.command("sign_in", {"window": "1", "staff": "1002", "password": "wrong"})
    assert reply["error"]["code"] == "unauthorized"
    await clerk.close()


async def test_tracker_follows_its_ticket(server: ServerProcess, hall: str) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    await kiosk.ok("issue_ticket", {"service": "social"})
    mine = await kiosk.ok("issue_ticket", {"service": "social"})
    tracker, welcome = await Device.connect(
        server.ws_url, hello={"type": "hello", "kind": "tracker", "track": mine["track"]}
    )
    assert welcome["snapshot"]["ticket"]["number"] == "A002"
    assert welcome["snapshot"]["position"] == 1
    clerk = await open_clerk(server, hall)
    await clerk.ok("call_next", {"window": "1"})
    await clerk.ok("finish", {"window": "1"})
    await clerk.ok("call_next", {"window": "1"})
    called = await tracker.event("ticket.called")
    assert called["data"]["ticket"]["number"] == "A002"
    assert all(
        e["data"]["ticket"]["number"] == "A002" for e in tracker.events if "ticket" in e["data"]
    )
    for device in (kiosk, tracker, clerk):
        await device.close()
