"""One command path for both transports: every command sent over the websocket and over HTTP,
by the same kinds of device, to two halls set up alike, gets the same reply and the same log
line (with the device's id and kind).

The server is the real app under uvicorn in this test's event loop (its log records are
captured here), with a clock that stands still, so both halls see the same times.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from displays.protocol import COMMAND_SPECS, SESSION_SPECS
from hall.server import Settings, create_app
from tests.support.device import Device
from tests.support.inprocess import serving
from tests.support.server import ADMIN_TOKEN, small_hall

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in the halls' Asia/Shanghai
DAY = "20261203"
KINDS = {"kiosk": None, "clerk": "1", "rating_pad": "1", "tablet": None, "guide": None}


def ticket(number: str) -> str:
    return f"{DAY}-{number}"


@dataclass(frozen=True)
class Step:
    kind: str
    name: str
    args: dict[str, Any]
    outcome: str = "ok"


SCRIPT = (
    Step("kiosk", "issue_ticket", {"service": "social"}),
    Step("kiosk", "issue_ticket", {"service": "tax", "priority": "green"}),
    Step("kiosk", "issue_ticket", {"service": "social"}),
    Step("kiosk", "issue_ticket", {"service": "social"}),
    Step("tablet", "open_window", {"window": "2"}),
    Step(
        "clerk",
        "sign_in",
        {"window": "1", "staff": "1001", "password": "wrong-one"},
        "unauthorized",
    ),
    Step("clerk", "sign_in", {"window": "1", "staff": "1001", "password": "secret1"}),
    Step("clerk", "call_next", {"window": "1"}),
    Step("clerk", "recall", {"window": "1"}),
    Step("clerk", "start", {"window": "1"}),
    Step("clerk", "finish", {"window": "1"}),
    Step("rating_pad", "rate", {"ticket": ticket("B001"), "score": 5}),
    Step("clerk", "call", {"window": "1", "ticket": ticket("A002")}),
    Step("clerk", "no_show", {"window": "1"}),
    Step("kiosk", "reactivate", {"number": "A002"}),
    Step("clerk", "call_next", {"window": "1"}),
    Step("clerk", "transfer", {"window": "1", "to_queue": "B"}),
    Step("clerk", "call_next", {"window": "1"}),
    Step("clerk", "park", {"window": "1"}),
    Step("clerk", "unpark", {"window": "1", "ticket": ticket("A003")}),
    Step("clerk", "pause", {"window": "1", "reason": "break"}, "window_busy"),
    Step("clerk", "finish", {"window": "1"}),
    Step("tablet", "broadcast", {"text": "午间窗口照常办理"}),
    Step("tablet", "move_ticket", {"ticket": ticket("A002"), "to_queue": "B"}),
    Step("tablet", "prioritise_ticket", {"ticket": ticket("A002")}),
    Step("tablet", "cancel_ticket", {"ticket": ticket("A002")}),
    Step("tablet", "set_window_queues", {"window": "2", "queues": {"A": 1.0}}),
    Step("tablet", "close_window", {"window": "2"}),
    Step("tablet", "resume", {"window": "1"}, "window_not_paused"),
    Step("clerk", "sign_out", {"window": "1"}),
    Step("kiosk", "check_in", {"booking_code": "00000000"}, "unknown_booking"),
    Step("kiosk", "call_next", {"window": "1"}, "forbidden"),
    Step("clerk", "call_next", {"window": "2"}, "forbidden"),
    Step("tablet", "issue_ticket", {"service": 7}, "bad_request"),
    Step("tablet", "no_such_command", {}, "bad_request"),
    # follow-ups (差评整改, 投诉, 回访): a complaint from a kiosk, stepped through on a tablet
    Step("kiosk", "file_complaint", {"text": "空调太冷", "channel": "12345"}),
    Step(
        "tablet",
        "record_callback",
        {"follow_up": f"CP-{DAY}-001", "outcome": "reached"},
        "follow_up_not_assigned",
    ),
    Step("tablet", "assign_follow_up", {"follow_up": f"CP-{DAY}-001", "staff": "9001"}),
    Step("tablet", "record_callback", {"follow_up": f"CP-{DAY}-001", "outcome": "reached"}),
    Step("tablet", "rectify_follow_up", {"follow_up": f"CP-{DAY}-001", "note": "调高温度"}),
    Step("tablet", "close_follow_up", {"follow_up": f"CP-{DAY}-001", "satisfied": True}),
    Step(
        "tablet",
        "close_follow_up",
        {"follow_up": f"CP-{DAY}-001", "satisfied": True},
        "follow_up_closed",
    ),
    # help requests: a guide's commands need `guide_sign_in`, which only a websocket has
    Step("kiosk", "request_help", {"reason": "不会操作"}),
    Step("kiosk", "request_help", {}, "help_pending"),
    Step("guide", "claim_help", {"help": f"{DAY}-H001"}, "unauthorized"),
    Step("guide", "close_help", {"help": f"{DAY}-H001", "note": "好"}, "unauthorized"),
    # cases (办件): the whole walk is tests/hall/server/test_cases_wire.py; here each command
    # reaches the core from the kinds that may send it
    Step("tablet", "open_case", {"ticket": ticket("Z999")}, "unknown_ticket"),
    Step("clerk", "request_documents", {"case": "C1", "items": ["户口本"]}, "unknown_case"),
    Step("kiosk", "submit_documents", {"case": "C1"}, "unknown_case"),
    Step("tablet", "approve_case", {"case": "C1"}, "unknown_case"),
    Step("tablet", "reject_case", {"case": "C1", "reason": "不符"}, "unknown_case"),
    Step("tablet", "ready_case", {"case": "C1", "pickup": "mail"}, "unknown_case"),
    Step("clerk", "deliver_case", {"case": "C1"}, "unknown_case"),
    Step("kiosk", "check_in", {"case_code": "ABCDEFGHJK"}, "unknown_case"),
)


def test_the_script_sends_every_command() -> None:
    assert {step.name for step in SCRIPT} >= set(COMMAND_SPECS)


@dataclass
class Hall:
    """A hall of the running server and its devices' ids and tokens, by kind."""

    id: str
    tokens: dict[str, str]
    devices: dict[str, str]


@contextlib.asynccontextmanager
async def running_app(database: Path) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """The hall app on a free port, and an HTTP client holding the admin token."""
    settings = Settings(
        database_url=f"sqlite:///{database}",
        admin_token=ADMIN_TOKEN,
        clock=lambda: NOW,
        tick_seconds=3600,
    )
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with (
        serving(create_app(settings), lifespan="on") as address,
        httpx.AsyncClient(base_url=f"http://{address}", headers=headers) as client,
    ):
        yield address, client


async def new_hall(client: httpx.AsyncClient, hall: str) -> Hall:
    # A tablet's token alone may change the hall here: over HTTP no floor manager can sign in,
    # and this compares the transports (tests/hall/server/test_manager_rule.py has the rule).
    document = small_hall(hall, tablet_requires_manager=False)
    response = await client.put(f"/api/halls/{hall}", json=document)
    assert response.status_code == 201, response.text
    staff = {"number": "1001", "name": "王晓丽", "password": "secret1"}
    response = await client.post(f"/api/halls/{hall}/staff", json=staff)
    assert response.status_code == 201, response.text
    tokens, devices = {}, {}
    for kind, window in KINDS.items():
        body = {"kind": kind, **({"window": window} if window else {})}
        response = await client.post(f"/api/halls/{hall}/devices", json=body)
        assert response.status_code == 201, response.text
        tokens[kind], devices[kind] = response.json()["token"], response.json()["device"]
    return Hall(hall, tokens, devices)


async def over_websocket(address: str, hall: Hall) -> list[dict[str, Any]]:
    devices = {
        kind: (await Device.connect(f"ws://{address}/ws", token))[0]
        for kind, token in hall.tokens.items()
    }
    try:
        replies: list[dict[str, Any]] = []
        for number, step in enumerate(SCRIPT):
            reply = await devices[step.kind].command(step.name, step.args, id=f"step-{number}")
            replies.append({key: reply[key] for key in ("ok", "result", "error") if key in reply})
        return replies
    finally:
        for device in devices.values():
            await device.close()


async def over_http(client: httpx.AsyncClient, hall: Hall) -> list[dict[str, Any]]:
    replies = []
    for number, step in enumerate(SCRIPT):
        response = await client.post(
            f"/api/halls/{hall.id}/commands/{step.name}",
            json=step.args,
            headers={
                "Authorization": f"Bearer {hall.tokens[step.kind]}",
                "Idempotency-Key": f"step-{number}",
            },
        )
        replies.append(response.json())
    return replies


def comparable(reply: dict[str, Any], hall: str) -> dict[str, Any]:
    """The reply without what differs between two halls by design: the hall's id, the
    tickets' random tracker tokens, and expected waits (the engine refreshes its estimate at
    most once a second, so a reply may quote one a moment older)."""
    text = repr(reply).replace(f"'{hall}'", "'HALL'").replace(f"/{hall}/", "/HALL/")
    text = re.sub(r"'eta_seconds': \d+", "'eta_seconds': ETA", text)
    text = re.sub(r"'kiosk': \{'id': '\w+'", "'kiosk': {'id': DEVICE", text)  # help requests
    text = re.sub(r"预计等候约 \d+ 分钟", "预计等候约 ETA 分钟", text)
    return {"text": re.sub(r"[A-Za-z0-9_-]{32}", "TOKEN", text)}


def log_lines(records: list[logging.LogRecord], hall: Hall) -> list[str]:
    """The halls' command log lines with the hall, device ids and durations made neutral."""
    lines = []
    for record in records:
        line = record.getMessage()
        if not line.startswith(f"command hall={hall.id} "):
            continue
        for kind, device in hall.devices.items():
            line = line.replace(f"device={device} ", f"device=<{kind}> ")
        line = line.replace(f"hall={hall.id} ", "hall=HALL ")
        lines.append(re.sub(r" duration_ms=[0-9.]+", "", line))
    return lines


async def test_both_transports_give_the_same_replies_and_log_lines(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="hall.commands")
    async with running_app(tmp_path / "hall.db") as (address, client):
        by_socket, by_http = await new_hall(client, "ws"), await new_hall(client, "http")
        socket_replies = await over_websocket(address, by_socket)
        http_replies = await over_http(client, by_http)

    outcomes = ["ok" if r["ok"] else r["error"]["code"] for r in socket_replies]
    assert outcomes == [step.outcome for step in SCRIPT]
    assert [comparable(r, "ws") for r in socket_replies] == [
        comparable(r, "http") for r in http_replies
    ]
    socket_log = log_lines(caplog.records, by_socket)
    assert socket_log == log_lines(caplog.records, by_http)
    assert socket_log == [
        f"command hall=HALL device=<{step.kind}> kind={step.kind} command={step.name} "
        f"outcome={step.outcome}"
        for step in SCRIPT
    ]


async def test_session_commands_are_the_websockets_own(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`manager_sign_in` and `ack_alert` belong to a connection: HTTP does not know them."""
    caplog.set_level(logging.INFO, logger="hall.commands")
    async with running_app(tmp_path / "hall.db") as (address, client):
        hall = await new_hall(client, "h")
        tablet = {"Authorization": f"Bearer {hall.tokens['tablet']}"}
        for name in SESSION_SPECS:
            response = await client.post(f"/api/halls/h/commands/{name}", json={}, headers=tablet)
            assert response.status_code == 400
            assert response.json()["error"]["code"] == "bad_request"
            assert f"unknown command {name!r}" in response.json()["error"]["message"]
        device, _ = await Device.connect(f"ws://{address}/ws", hall.tokens["tablet"])
        reply = await device.command("ack_alert", {"alert": "nope"})
        await device.close()
    assert reply["error"]["code"] == "unknown_alert"
    assert log_lines(caplog.records, hall)[-1] == (
        "command hall=HALL device=<tablet> kind=tablet command=ack_alert outcome=unknown_alert"
    )
