"""Follow-ups over the wire, against a real server process: a bad rating's follow-up stepped
through by a signed-in floor manager, refusals with their codes, complaints from a kiosk and from
the 12345 hotline over HTTP, the board's HTTP view with the citizen's words (tablets only), and
what hall-wide devices do not get (the comment, the complaint's text)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support.device import Device
from tests.support.server import (
    CLERK,
    MANAGER,
    HallSetup,
    ServerProcess,
    mint,
    new_hall,
    signed_in_tablet,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("follow_ups_wire")
    process = ServerProcess(f"sqlite:///{workdir / 'hall.db'}", workdir)
    try:
        process.start()
        yield process
    finally:
        process.stop()


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(MANAGER, CLERK))


def error_of(reply: dict[str, Any]) -> str:
    assert reply["ok"] is False, reply
    code: str = reply["error"]["code"]
    return code


async def rated_badly(server: ServerProcess, hall: str, tablet: Device) -> str:
    """Serve a ticket at window 1 and rate it 1 on its pad; the follow-up's id."""
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "1"))
    issued = await kiosk.ok("issue_ticket", {"service": "social"})
    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("finish", {"window": "1"})
    ticket = issued["ticket"]["id"]
    await pad.ok(
        "rate",
        {"ticket": ticket, "score": 1, "reasons": ["等候时间长"], "comment": "我的电话13800000000"},
    )
    opened = await kiosk.event("follow_up.opened")
    assert "comment" not in str(opened["data"]) and "13800000000" not in str(opened)
    await kiosk.close()
    await pad.close()
    follow_up: str = opened["data"]["follow_up"]["id"]
    assert follow_up == f"FU-{ticket}"
    return follow_up


def board(server: ServerProcess, hall: str, token: str) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        response = http.get(
            f"/api/halls/{hall}/follow-ups", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_manager_takes_a_bad_rating_through_to_closed(
    server: ServerProcess, hall: str
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    fid = await rated_badly(server, hall, tablet)

    assigned = await tablet.ok("assign_follow_up", {"follow_up": fid, "staff": "9001"})
    missed = await tablet.ok("record_callback", {"follow_up": fid, "outcome": "unreachable"})
    reached = await tablet.ok(
        "record_callback", {"follow_up": fid, "outcome": "reached", "note": "已致歉"}
    )
    await tablet.ok("rectify_follow_up", {"follow_up": fid, "note": "增加引导员"})
    closed = await tablet.ok("close_follow_up", {"follow_up": fid, "satisfied": True})

    assert assigned["follow_up"]["status"] == "assigned"
    assert (missed["follow_up"]["outcome"], reached["follow_up"]["attempts"]) == ("unreachable", 2)
    assert (closed["follow_up"]["status"], closed["follow_up"]["satisfied"]) == ("closed", True)
    event = await tablet.event("follow_up.closed")
    assert event["data"]["follow_up"]["id"] == fid
    body = board(server, hall, mint(server, hall, "tablet"))
    (entry,) = body["follow_ups"]
    assert (entry["comment"], entry["callback_note"], entry["rectification"]) == (
        "我的电话13800000000",
        "已致歉",
        "增加引导员",
    )
    assert (entry["score"], entry["reasons"], entry["window"]["name"]) == (
        1,
        ["等候时间长"],
        "1号窗口",
    )
    figures = body["figures"]
    assert (figures["ratings"], figures["ratings_closed_on_time"], figures["rectify_rate"]) == (
        1,
        1,
        1.0,
    )
    assert (figures["callback_rate"], figures["satisfaction_rate"], figures["overdue"]) == (
        1.0,
        1.0,
        0,
    )
    await tablet.close()


async def test_illegal_steps_and_a_tablet_without_a_manager_are_refused(
    server: ServerProcess, hall: str
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    fid = await rated_badly(server, hall, tablet)
    bare, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    early = await tablet.command("record_callback", {"follow_up": fid, "outcome": "reached"})
    closing = await tablet.command("close_follow_up", {"follow_up": fid, "satisfied": True})
    unknown = await tablet.command("assign_follow_up", {"follow_up": "FU-x", "staff": "9001"})
    outcome = await tablet.command("record_callback", {"follow_up": fid, "outcome": "maybe"})
    satisfied = await tablet.command("close_follow_up", {"follow_up": fid, "satisfied": "yes"})
    no_manager = await bare.command("assign_follow_up", {"follow_up": fid, "staff": "9001"})

    assert error_of(early) == "follow_up_not_assigned"
    assert error_of(closing) == "follow_up_not_assigned"
    assert error_of(unknown) == "unknown_follow_up"
    assert error_of(outcome) == "bad_request" and "args.outcome" in outcome["error"]["message"]
    assert error_of(satisfied) == "bad_request"
    assert error_of(no_manager) == "unauthorized"
    await bare.close()
    await tablet.close()


async def test_complaints_from_a_kiosk_and_the_12345_hotline(
    server: ServerProcess, hall: str
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))

    from_kiosk = await kiosk.ok("file_complaint", {"text": "空调太冷", "channel": "12345"})
    with server.admin() as http:
        response = http.post(
            f"/api/halls/{hall}/commands/file_complaint",
            json={"text": "办事要跑三次", "channel": "12345"},
            headers={"Idempotency-Key": "hotline-1"},
        )
        bad = http.post(
            f"/api/halls/{hall}/commands/file_complaint",
            json={"text": "x", "channel": "wechat"},
            headers={"Idempotency-Key": "hotline-2"},
        )
    refused = await clerk.command("file_complaint", {"text": "x", "channel": "kiosk"})

    assert from_kiosk["follow_up"]["channel"] == "kiosk"  # a kiosk files as itself
    assert response.status_code == 200, response.text
    hotline = response.json()["result"]["follow_up"]
    assert (hotline["type"], hotline["channel"], hotline["status"]) == (
        "complaint",
        "12345",
        "open",
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "unknown_channel")
    assert error_of(refused) == "forbidden"
    texts = {
        f["id"]: f["comment"]
        for f in board(server, hall, mint(server, hall, "tablet"))["follow_ups"]
    }
    assert texts == {from_kiosk["follow_up"]["id"]: "空调太冷", hotline["id"]: "办事要跑三次"}
    await kiosk.close()
    await clerk.close()


def test_the_board_is_for_tablets_and_the_admin(server: ServerProcess, hall: str) -> None:
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        kiosk = http.get(
            f"/api/halls/{hall}/follow-ups",
            headers={"Authorization": f"Bearer {mint(server, hall, 'kiosk')}"},
        )
        nobody = http.get(f"/api/halls/{hall}/follow-ups")
        phone = http.get(
            f"/api/halls/{hall}/follow-ups/FU-x/phone",
            headers={"Authorization": f"Bearer {mint(server, hall, 'tablet')}"},
        )

    assert kiosk.status_code == 403
    assert nobody.status_code == 401
    assert (phone.status_code, phone.json()["error"]["code"]) == (404, "unknown_follow_up")


# --- the monthly ledger and the figures elsewhere ------------------------------------------------


def this_month() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")


def ledger_rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


async def test_the_monthly_ledger_lists_each_follow_up_with_its_dates_and_outcome(
    server: ServerProcess, hall: str, tmp_path: Path
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    fid = await rated_badly(server, hall, tablet)
    for name, args in (
        ("assign_follow_up", {"staff": "9001"}),
        ("record_callback", {"outcome": "reached"}),
        ("rectify_follow_up", {"note": "=增加引导员"}),  # a formula-like text stays text
        ("close_follow_up", {"satisfied": False}),
    ):
        await tablet.ok(name, {"follow_up": fid, **args})
    await tablet.ok("file_complaint", {"text": "空调太冷", "channel": "tablet"})
    await tablet.close()

    with server.admin() as http:
        response = http.get(f"/api/halls/{hall}/follow-ups/{this_month()}.csv")
        bad = http.get(f"/api/halls/{hall}/follow-ups/2026-13.csv")
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        tablet_token = mint(server, hall, "tablet")
        refused = http.get(
            f"/api/halls/{hall}/follow-ups/{this_month()}.csv",
            headers={"Authorization": f"Bearer {tablet_token}"},
        )

    assert response.status_code == 200, response.text
    rows = ledger_rows(response.content)
    header, rating, complaint = rows[0], rows[1], rows[2]
    assert header[:3] == ["编号", "类型", "渠道"]
    record = dict(zip(header, rating, strict=True))
    assert (record["编号"], record["类型"], record["状态"], record["回访结果"]) == (
        fid,
        "差评整改",
        "已办结",
        "已联系",
    )
    assert (record["整改措施"], record["群众满意"], record["按时办结"]) == (
        "'=增加引导员",
        "否",
        "是",
    )
    assert "我的电话" not in response.text and "13800000000" not in response.text
    assert dict(zip(header, complaint, strict=True))["渠道"] == "现场受理"
    figures = {row[0]: row[1] for row in rows[4:]}
    assert (figures["差评整改率"], figures["回访满意率"], figures["投诉件数"]) == (
        "1.0",
        "0.0",
        "1",
    )
    assert (bad.status_code, refused.status_code) == (400, 403)

    done = subprocess.run(
        [sys.executable, "-m", "hall", "report", "--hall", hall, "--month", this_month(),
         "--out", str(tmp_path), "--database", server.database_url, "--lang", "en"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = tmp_path / f"follow-ups-{this_month()}.csv"
    assert done.stdout.strip() == str(written)
    english = ledger_rows(written.read_bytes())
    assert english[0][:2] == ["ID", "Type"] and english[1][:2] == [fid, "Low rating"]


async def test_the_figures_reach_prometheus(server: ServerProcess, hall: str) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    await rated_badly(server, hall, tablet)
    await tablet.close()

    def gauges() -> str:  # the gauges follow the hall's next metrics push ("" until then)
        text = httpx.get(f"{server.url}/metrics", timeout=10.0).text
        return text if f'hall_follow_ups_open{{hall="{hall}"}} 1.0' in text else ""

    exposition = await eventually(gauges, timeout=15)
    assert f'hall_follow_up_rate{{figure="rectify",hall="{hall}"}} 0.0' in exposition


# --- a callback task's phone ---------------------------------------------------------------------


def next_slot(http: httpx.Client, hall: str) -> str:
    """The first free slot of the `social` service, today or tomorrow (hall time)."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    for day in (today, today + timedelta(days=1)):
        slots = http.get(
            f"/api/halls/{hall}/slots", params={"service": "social", "date": day.isoformat()}
        ).json()["slots"]
        free = [slot["start"] for slot in slots if slot["free"] > 0]
        if free:
            return str(free[0])
    raise AssertionError("no free slot")


async def test_a_booked_service_gets_a_callback_whose_phone_shows_in_the_callback_step_only(
    server: ServerProcess,
) -> None:
    hall = new_hall(
        server,
        HallSetup(staff=(MANAGER, CLERK)),
        callback_share=1.0,
        check_in_early_minutes=240,
    )
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        body = {
            "service": "social",
            "slot": next_slot(http, hall),
            "name": "张三",
            "phone": "13912345678",
        }
        booked = http.post(
            f"/api/halls/{hall}/appointments", json=body, headers={"Idempotency-Key": "b-1"}
        )
    code = booked.json()["result"]["booking"]["code"]
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    tablet, _ = await signed_in_tablet(server, hall)
    ticket = (await kiosk.ok("check_in", {"booking_code": code}))["ticket"]["id"]
    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("finish", {"window": "1"})
    opened = await kiosk.event("follow_up.opened")
    fid = opened["data"]["follow_up"]["id"]
    assert (fid, opened["data"]["follow_up"]["type"]) == (f"CB-{ticket}", "callback")
    assert "13912345678" not in str(opened) and "张三" not in str(opened)
    token = mint(server, hall, "tablet")
    (entry,) = board(server, hall, token)["follow_ups"]
    assert entry["has_phone"] is True and "13912345678" not in str(entry)

    def phone() -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=10.0) as http:
            return http.get(
                f"/api/halls/{hall}/follow-ups/{fid}/phone",
                headers={"Authorization": f"Bearer {token}"},
            )

    await tablet.ok("assign_follow_up", {"follow_up": fid, "staff": "9001"})
    shown = phone()
    await tablet.ok("record_callback", {"follow_up": fid, "outcome": "reached"})
    after = phone()
    closed = await tablet.ok("close_follow_up", {"follow_up": fid, "satisfied": True})

    assert (shown.status_code, shown.json()) == (200, {"phone": "13912345678"})
    assert shown.headers["cache-control"] == "no-store"
    assert (after.status_code, after.json()["error"]["code"]) == (403, "forbidden")
    assert closed["follow_up"]["status"] == "closed"  # a callback task closes once reached
    assert "13912345678" not in server.log()
    await kiosk.close()
    await tablet.close()
