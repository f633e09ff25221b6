"""The hall rule `tablet_requires_manager` through a real server process: a tablet's
hall-changing commands work only with a floor manager signed in on that connection, each event
they make records the manager's staff number (read back from the database), the sign-in ends
with the connection, and over HTTP a tablet's token may read but not change the hall."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from displays.permissions import MANAGER_COMMANDS
from hall.storage import open_store
from queueing.events import HallBroadcast
from queueing.stream import SequencedEvent
from tests.support.commands import SAMPLE_ARGS
from tests.support.device import Device
from tests.support.server import (
    ADMIN_TOKEN,
    CLERK,
    MANAGER,
    HallSetup,
    ServerProcess,
    create_hall,
    mint,
    signed_in_tablet,
)

pytestmark = pytest.mark.anyio

ARGS = {name: args for name, args in SAMPLE_ARGS.items() if name in MANAGER_COMMANDS}
"""Every hall-changing command of a tablet, with arguments."""


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(MANAGER, CLERK))


def stored_events(server: ServerProcess, hall: str) -> list[SequencedEvent]:
    """The hall's events as the server stored them (its database, read from here)."""
    store = open_store(server.database_url)
    try:
        return store.read_events(hall, 0)
    finally:
        store.close()


def code_of(reply: dict[str, Any]) -> str:
    return "ok" if reply["ok"] else str(reply["error"]["code"])


@pytest.fixture
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        yield client


def test_the_script_names_every_hall_changing_command() -> None:
    assert set(ARGS) == MANAGER_COMMANDS


async def test_without_a_floor_manager_a_tablet_changes_nothing(
    server: ServerProcess, hall: str
) -> None:
    tablet, welcome = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    replies = {name: await tablet.command(name, args) for name, args in ARGS.items()}
    alert = await tablet.command("ack_alert", {"alert": "no_window_open:A:1"})

    assert {name: code_of(reply) for name, reply in replies.items()} == dict.fromkeys(
        ARGS, "unauthorized"
    )
    assert "manager_sign_in" in replies["broadcast"]["error"]["message"]
    assert code_of(alert) == "unknown_alert"  # a session command: no manager needed
    assert [e.seq for e in stored_events(server, hall)] == list(range(1, welcome["seq"] + 1))
    await tablet.close()


async def test_each_event_a_managers_command_makes_records_the_managers_staff_number(
    server: ServerProcess, hall: str
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    first = (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]
    second = (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]
    tablet, welcome = await signed_in_tablet(server, hall)
    after = welcome["seq"]

    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("set_window_queues", {"window": "1", "queues": {"A": 2.0, "B": 1.0}})
    await tablet.ok("move_ticket", {"ticket": second["id"], "to_queue": "B"})
    await tablet.ok("prioritise_ticket", {"ticket": second["id"]})
    await tablet.ok("broadcast", {"text": "请保管好随身物品"})
    await tablet.ok("issue_ticket", {"service": "tax"})
    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("cancel_ticket", {"ticket": first["id"]})
    await tablet.until_seq(after + 9)

    events = stored_events(server, hall)
    kiosk_made = [e.event.by for e in events[:after] if e.event.name == "ticket.issued"]
    manager_made = [(e.event.name, e.event.by) for e in events[after:]]
    assert kiosk_made == [None, None]
    assert [name for name, _ in manager_made] == [
        "window.changed",
        "window.changed",
        "ticket.moved",
        "ticket.prioritised",
        "hall.broadcast",
        "ticket.issued",
        "ticket.called",
        "window.changed",
        "ticket.cancelled",
    ]
    assert {by for _, by in manager_made} == {MANAGER.number}
    frames = [e for e in tablet.events if e["seq"] > after]
    assert len(frames) == 9 and not any("by" in e or "by" in e["data"] for e in frames)
    await kiosk.close()
    await tablet.close()


async def test_the_sign_in_ends_with_the_connection(server: ServerProcess, hall: str) -> None:
    token = mint(server, hall, "tablet")
    tablet, _ = await Device.connect(server.ws_url, token)
    await tablet.ok("manager_sign_in", {"staff": MANAGER.number, "password": MANAGER.password})
    await tablet.ok("broadcast", {"text": "一"})
    await tablet.close()

    again, _ = await Device.connect(server.ws_url, token)  # the same tablet, reconnected
    refused = await again.command("broadcast", {"text": "二"})

    assert code_of(refused) == "unauthorized"
    await again.close()


async def test_over_http_a_tablets_token_reads_but_does_not_change_the_hall(
    server: ServerProcess, hall: str, http: httpx.Client
) -> None:
    tablet = {"Authorization": f"Bearer {mint(server, hall, 'tablet')}"}
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    path = f"/api/halls/{hall}/commands/broadcast"

    refused = http.post(path, json={"text": "午休"}, headers=tablet)
    allowed = http.post(path, json={"text": "午休"}, headers=admin)
    snapshot = http.get(f"/api/halls/{hall}/snapshot", headers=tablet)
    day = snapshot.json()["snapshot"]["hall"]["day"]
    reads = [
        snapshot,
        http.get(f"/api/halls/{hall}/metrics", headers=tablet),
        http.get(f"/api/halls/{hall}/metrics/history", headers=tablet),
        http.get(f"/api/halls/{hall}/reports/{day}", headers=tablet),
    ]

    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "unauthorized")
    assert "admin token" in refused.json()["error"]["message"]
    assert allowed.status_code == 200, allowed.text
    assert [r.status_code for r in reads] == [200] * 4
    broadcasts = [
        e.event for e in stored_events(server, hall) if isinstance(e.event, HallBroadcast)
    ]
    assert [(b.text, b.by) for b in broadcasts] == [("午休", None)]  # the admin has no number


async def test_with_the_rule_off_a_tablets_token_is_enough(
    server: ServerProcess, http: httpx.Client
) -> None:
    hall = f"r{uuid.uuid4().hex[:8]}"
    create_hall(server, hall, tablet_requires_manager=False)
    token = mint(server, hall, "tablet")
    tablet, _ = await Device.connect(server.ws_url, token)

    over_socket = await tablet.command("broadcast", {"text": "一"})
    over_http = http.post(
        f"/api/halls/{hall}/commands/broadcast",
        json={"text": "二"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert code_of(over_socket) == "ok" and over_http.status_code == 200, over_http.text
    broadcasts = [
        e.event for e in stored_events(server, hall) if isinstance(e.event, HallBroadcast)
    ]
    assert [(b.text, b.by) for b in broadcasts] == [("一", None), ("二", None)]
    await tablet.close()
