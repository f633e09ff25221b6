"""Every row of PROTOCOL's permission table, over real websocket connections."""

from __future__ import annotations

import uuid

import pytest

from tests.support.commands import SAMPLE_ARGS
from tests.support.device import Device
from tests.support.server import ServerProcess, add_staff, create_hall, mint, signed_in_tablet

pytestmark = pytest.mark.anyio

CLERK = {
    "sign_in",
    "sign_out",
    "pause",
    "resume",
    "call_next",
    "call",
    "recall",
    "start",
    "finish",
    "no_show",
    "transfer",
    "park",
    "unpark",
    # cases (办件) at the window: accept, ask for and take documents, hand over
    "open_case",
    "request_documents",
    "submit_documents",
    "deliver_case",
}
ALLOWED: dict[str, set[str]] = {
    "kiosk": {
        "issue_ticket",
        "check_in",
        "reactivate",
        "file_complaint",
        "request_help",
        "submit_documents",
    },
    "clerk": CLERK,
    "call_screen": set(),
    "window_screen": set(),
    "rating_pad": {"rate"},
    "tablet": CLERK
    | {
        "issue_ticket",
        "open_window",
        "close_window",
        "broadcast",
        "cancel_ticket",
        "move_ticket",
        "prioritise_ticket",
        "set_window_queues",
        # follow-ups (差评整改, 投诉, 回访)
        "assign_follow_up",
        "record_callback",
        "rectify_follow_up",
        "close_follow_up",
        "file_complaint",
        # a floor manager may step any office's case on (办件)
        "approve_case",
        "reject_case",
        "ready_case",
    },
}
WINDOW_KINDS = {"clerk", "window_screen", "rating_pad"}


@pytest.mark.parametrize("kind", sorted(ALLOWED))
async def test_permission_table_row(server: ServerProcess, kind: str) -> None:
    hall = f"p{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    add_staff(server, hall, "1001", "王晓丽")
    window = "1" if kind in WINDOW_KINDS else None
    if kind == "tablet":  # its hall-changing commands need a floor manager signed in
        device, _ = await signed_in_tablet(server, hall)
    else:
        device, _ = await Device.connect(server.ws_url, mint(server, hall, kind, window))
    for name, args in SAMPLE_ARGS.items():
        reply = await device.command(name, args)
        code = None if reply["ok"] else reply["error"]["code"]
        if name in ALLOWED[kind]:
            assert code != "forbidden", (kind, name, reply)
        else:
            assert code == "forbidden", (kind, name, reply)
    if kind == "clerk":  # a clerk's window is its own: another window is forbidden
        for name in sorted(n for n in CLERK if "window" in SAMPLE_ARGS[n]):
            reply = await device.command(name, {**SAMPLE_ARGS[name], "window": "2"})
            assert reply["error"]["code"] == "forbidden", (name, reply)
    await device.close()


async def test_tablet_acts_for_any_window(server: ServerProcess) -> None:
    hall = f"p{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    tablet, _ = await signed_in_tablet(server, hall)
    for window in ("1", "2", "3"):
        assert (await tablet.ok("open_window", {"window": window}))["window"]["status"] == "idle"
    await tablet.ok("issue_ticket", {"service": "tax", "priority": "green"})
    called = await tablet.ok("call_next", {"window": "3"})
    assert called["ticket"]["number"] == "B001" and called["ticket"]["priority"] == "green"
    await tablet.close()


async def test_rating_pad_rates_only_its_own_window(server: ServerProcess) -> None:
    hall = f"p{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    tablet, _ = await signed_in_tablet(server, hall)
    pad2, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "2"))
    await tablet.ok("open_window", {"window": "1"})
    issued = await tablet.ok("issue_ticket", {"service": "social"})
    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("finish", {"window": "1"})
    reply = await pad2.command("rate", {"ticket": issued["ticket"]["id"], "score": 4})
    assert reply["error"]["code"] == "not_your_window"
    await tablet.close()
    await pad2.close()
