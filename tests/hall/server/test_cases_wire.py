"""Cases (办件) over the wire, against a real server process: a clerk accepts an application, the
back office asks for a document, approves and readies it, the citizen's tracker follows it, the
kiosk checks the pickup code in and the 出证 window hands it over. Refusals keep their codes; an
office device sees its own office's cases only; the contact phone never leaves the server."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa

from tests.support.cases import mint_office, new_case_hall
from tests.support.device import Device
from tests.support.server import ServerProcess, mint, signed_in_tablet

pytestmark = pytest.mark.anyio

PHONE = "13912345678"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("cases_wire")
    process = ServerProcess(f"sqlite:///{workdir / 'hall.db'}", workdir)
    try:
        process.start()
        yield process
    finally:
        process.stop()


def _stored_case(server: ServerProcess, hall: str, case: str) -> dict[str, Any]:
    """The case's read-model row: the contact phone is kept there, server-side only."""
    engine = sa.create_engine(server.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT * FROM cases WHERE hall = :hall AND id = :id"),
                {"hall": hall, "id": case},
            ).one()
    finally:
        engine.dispose()
    return dict(row._mapping)


def error_of(reply: dict[str, Any]) -> str:
    assert reply["ok"] is False, reply
    code: str = reply["error"]["code"]
    return code


async def accepted(server: ServerProcess, hall: str, service: str = "marriage") -> dict[str, Any]:
    """A kiosk ticket called at window 1 and accepted there as a case with a contact phone:
    the `open_case` result (case with its code, tracker token)."""
    tablet, _ = await signed_in_tablet(server, hall)
    for window in ("1", "3"):  # open, or open already for the test's earlier case
        reply = await tablet.command("open_window", {"window": window})
        assert reply["ok"] or reply["error"]["code"] == "window_open", reply
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    issued = await kiosk.ok("issue_ticket", {"service": service})
    await clerk.ok("call_next", {"window": "1"})
    args = {"ticket": issued["ticket"]["id"], "contact_phone": PHONE}
    opened = await clerk.ok("open_case", args)
    await clerk.ok("finish", {"window": "1"})
    for device in (tablet, kiosk, clerk):
        await device.close()
    return opened


async def test_one_application_from_the_window_to_the_certificate(server: ServerProcess) -> None:
    hall = new_case_hall(server)
    opened = await accepted(server, hall)
    case, code = opened["case"], opened["case"]["code"]
    assert (case["status"], case["office"], case["service"]) == ("accepted", "civil", "marriage")
    assert len(code) == 10 and case["history"][0]["action"] == "open_case"

    office, welcome = await Device.connect(server.ws_url, mint_office(server, hall, "civil"))
    assert welcome["device"]["kind"] == "office"
    worklist = welcome["snapshot"]
    assert worklist["office"] == {"id": "civil", "name": "民政科"}
    assert [c["id"] for c in worklist["cases"]] == [case["id"]]
    tracker, tracked = await Device.connect(
        server.ws_url, hello={"type": "hello", "kind": "tracker", "case_track": opened["track"]}
    )
    assert tracked["snapshot"]["case"]["status"] == "accepted"
    assert tracked["snapshot"]["case"]["due"] == case["due"]

    await office.ok("request_documents", {"case": case["id"], "items": ["户口本原件"]})
    asked = await tracker.event("case.documents_requested")
    assert asked["data"]["case"]["items"] == ["户口本原件"]

    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    clerk1, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    await clerk1.ok("submit_documents", {"case": case["id"]})
    await office.ok("approve_case", {"case": case["id"]})
    ready = await office.ok("ready_case", {"case": case["id"], "pickup": "window"})
    assert ready["case"]["status"] == "ready"
    assert (await tracker.event("case.ready"))["data"]["case"]["pickup"] == "window"

    pickup = await kiosk.ok("check_in", {"case_code": code.lower()})
    assert (pickup["ticket"]["queue"], pickup["ticket"]["number"]) == ("P", "P001")
    clerk3, welcome3 = await Device.connect(server.ws_url, mint(server, hall, "clerk", "3"))
    called = await clerk3.ok("call_next", {"window": "3"})
    assert called["ticket"]["id"] == pickup["ticket"]["id"]
    delivered = await clerk3.ok("deliver_case", {"case": case["id"]})
    assert delivered["case"]["status"] == "delivered"
    assert (await tracker.event("case.delivered"))["data"]["case"]["status"] == "delivered"
    assert (await office.event("case.delivered"))["data"]["case"]["id"] == case["id"]

    stored = _stored_case(server, hall, case["id"])
    assert (stored["phone"], stored["status"], stored["office"]) == (PHONE, "delivered", "civil")
    assert stored["decided_at"] is not None and stored["closed_at"] is not None
    frames = [str(d.events) for d in (office, tracker, kiosk, clerk1, clerk3)]
    assert all(PHONE not in frame for frame in frames)
    assert PHONE not in server.log()
    assert {e["event"] for e in office.events} <= {
        "case.documents_requested",
        "case.documents_received",
        "case.approved",
        "case.ready",
        "case.checked_in",
        "case.delivered",
    }
    for device in (office, tracker, kiosk, clerk1, clerk3):
        await device.close()


async def test_refusals_keep_their_codes_over_the_wire(server: ServerProcess) -> None:
    hall = new_case_hall(server)
    case = (await accepted(server, hall))["case"]
    market, _ = await Device.connect(server.ws_url, mint_office(server, hall, "market"))
    civil, _ = await Device.connect(server.ws_url, mint_office(server, hall, "civil"))
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "3"))
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))

    assert error_of(await market.command("approve_case", {"case": case["id"]})) == (
        "not_your_office"
    )
    assert error_of(await civil.command("open_case", {"ticket": case["ticket_id"]})) == (
        "forbidden"
    )
    assert error_of(await civil.command("ready_case", {"case": case["id"], "pickup": "x"})) == (
        "bad_request"
    )
    assert error_of(await civil.command("ready_case", {"case": case["id"], "pickup": "mail"})) == (
        "not_approved"
    )
    assert error_of(await clerk.command("deliver_case", {"case": case["id"]})) == "not_ready"
    await civil.ok("approve_case", {"case": case["id"]})
    await civil.ok("ready_case", {"case": case["id"], "pickup": "window"})
    assert error_of(await clerk.command("deliver_case", {"case": case["id"]})) == (
        "not_pickup_window"
    )
    both = {"booking_code": "ABCDEFGHJK", "case_code": "ABCDEFGHJK"}
    assert error_of(await kiosk.command("check_in", both)) == "bad_request"
    assert error_of(await kiosk.command("check_in", {"case_code": "XXXXXXXXXX"})) == (
        "unknown_case"
    )
    assert error_of(await civil.command("request_documents", {"case": "C1", "items": []})) == (
        "bad_request"
    )
    assert market.events == []  # another office's cases never reach it
    for device in (market, civil, clerk, kiosk):
        await device.close()


def test_an_office_device_is_minted_for_one_of_the_hall_s_offices(server: ServerProcess) -> None:
    hall = new_case_hall(server)
    mint_office(server, hall, "market")
    with server.admin() as client:
        refused = client.post(f"/api/halls/{hall}/devices", json={"kind": "office"})
        listed = client.get(f"/api/halls/{hall}/devices").json()
    assert refused.status_code == 400 and "office" in refused.json()["error"]["message"]
    (device,) = listed
    assert (device["kind"], device["office"], device["window"]) == ("office", "market", None)


def test_cases_are_commands_over_http_too(server: ServerProcess) -> None:
    hall = new_case_hall(server)
    with server.admin() as client:
        refused = client.post(
            f"/api/halls/{hall}/commands/approve_case",
            json={"case": "C20260101-0001"},
            headers={"Idempotency-Key": "k1"},
        )
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_case"


async def test_open_cases_reach_the_tablet_and_prometheus(server: ServerProcess) -> None:
    hall = new_case_hall(server)
    await accepted(server, hall)
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    while True:  # the hub pushes figures at least every few seconds
        message = await tablet.other()
        if message.get("type") == "metrics" and message["cases"]["open_total"] == 1:
            break
    assert message["cases"]["open"]["civil"]["accepted"] == 1
    assert message["cases"]["open"]["market"]["accepted"] == 0
    assert message["cases"]["overdue"] == {"market": 0, "civil": 0}
    await tablet.close()
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        exposition = http.get("/metrics").text
    series = f'hall_open_cases{{hall="{hall}",office="civil",status="accepted"}} 1.0'
    assert series in exposition
    assert f'hall_overdue_cases{{hall="{hall}",office="civil"}} 0.0' in exposition


async def test_the_daily_report_counts_the_day_s_cases(server: ServerProcess) -> None:
    hall = new_case_hall(server)
    opened = await accepted(server, hall)
    await accepted(server, hall, service="social")  # 即办件: done at the window
    civil, _ = await Device.connect(server.ws_url, mint_office(server, hall, "civil"))
    await civil.ok("reject_case", {"case": opened["case"]["id"], "reason": "材料不符"})
    await civil.close()
    day = opened["case"]["history"][0]["at"]
    local_day = await_local_day(day)
    with server.admin() as client:
        response = client.get(f"/api/halls/{hall}/reports/{local_day}/cases.csv?lang=en")
        page = client.get(f"/api/halls/{hall}/reports/{local_day}")
    assert response.status_code == 200, response.text
    rows = {row["Office / service"]: row for row in csv_rows(response.text)}
    assert (rows["民政科"]["Opened"], rows["民政科"]["Rejected"]) == ("1", "1")
    assert rows["Total"]["Opened"] == "2" and rows["Total"]["Immediate"] == "1"
    assert rows["Total"]["Immediate share"] == "0.5" and rows["Total"]["Delivered"] == "1"
    assert "办件（受理、审批、出证、送达）" in page.text and PHONE not in page.text


def await_local_day(at: str) -> str:
    """The hall's (Asia/Shanghai) date of a UTC time."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
