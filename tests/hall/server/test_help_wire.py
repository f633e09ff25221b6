"""Help requests (导办/帮办) over the wire, against a real server process: a kiosk's 需要帮助
reaches every guide's phone with the kiosk's name; one guide claims it and the other sees it
taken (and is refused); the claiming guide takes a 帮办 ticket for the citizen and closes the
request with a note that no device but the guide's own reply ever shows."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.support.device import Device
from tests.support.server import (
    ADMIN_TOKEN,
    CLERK,
    HallSetup,
    ServerProcess,
    Staff,
    add_staff,
    mint,
)

pytestmark = pytest.mark.anyio

GUIDE_A = Staff("2001", "陈导办")
GUIDE_B = Staff("2002", "刘帮办")
KIOSK_NAME = "大厅东侧取号机"
NOTE = "已陪同老人到3号窗口"


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(GUIDE_A, GUIDE_B, CLERK))


def error_of(reply: dict[str, Any]) -> str:
    assert reply["ok"] is False, reply
    code: str = reply["error"]["code"]
    return code


def named_kiosk(server: ServerProcess, hall: str) -> str:
    """A kiosk's token, the kiosk named as an administrator names it."""
    with server.admin() as client:
        body = {"kind": "kiosk", "name": KIOSK_NAME}
        response = client.post(f"/api/halls/{hall}/devices", json=body)
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token


async def guide_phone(server: ServerProcess, hall: str, staff: Staff) -> Device:
    guide, welcome = await Device.connect(server.ws_url, mint(server, hall, "guide"))
    assert welcome["device"]["kind"] == "guide", welcome
    result = await guide.ok("guide_sign_in", {"staff": staff.number, "password": staff.password})
    assert result == {"staff": {"number": staff.number, "name": staff.name}}
    return guide


async def test_a_kiosk_request_reaches_every_guide_and_one_claims_it(
    server: ServerProcess, hall: str
) -> None:
    kiosk, kiosk_welcome = await Device.connect(server.ws_url, named_kiosk(server, hall))
    first = await guide_phone(server, hall, GUIDE_A)
    second = await guide_phone(server, hall, GUIDE_B)
    try:
        asked = await kiosk.ok("request_help", {"reason": "老人需要陪同"})
        help_id = asked["help"]["id"]

        for guide in (first, second):
            requested = await guide.event("help.requested")
            assert requested["data"]["kiosk"] == {
                "id": kiosk_welcome["device"]["id"],
                "name": KIOSK_NAME,
            }
            assert requested["data"]["reason"] == "老人需要陪同"
            assert requested["data"]["help"]["state"] == "open"

        claimed = await first.ok("claim_help", {"help": help_id})
        assert claimed["help"]["staff"] == GUIDE_A.number
        seen = await second.event("help.claimed")
        assert (seen["data"]["help"]["id"], seen["data"]["staff"]) == (help_id, GUIDE_A.number)
        assert error_of(await second.command("claim_help", {"help": help_id})) == "help_taken"
        assert error_of(await second.command("close_help", {"help": help_id})) == "help_not_yours"
        assert (await kiosk.event("help.claimed"))["data"]["help"]["id"] == help_id
    finally:
        for device in (kiosk, first, second):
            await device.close()


async def test_the_guide_takes_an_assisted_ticket_and_closes_with_a_note(
    server: ServerProcess, hall: str
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, named_kiosk(server, hall))
    guide = await guide_phone(server, hall, GUIDE_A)
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    try:
        help_id = (await kiosk.ok("request_help"))["help"]["id"]
        assert error_of(await kiosk.command("request_help")) == "help_pending"
        assert error_of(await guide.command("close_help", {"help": help_id})) == "help_not_claimed"
        await guide.ok("claim_help", {"help": help_id})

        issued = await guide.ok("issue_ticket", {"service": "social", "assisted": True})
        assert issued["ticket"]["assisted"] is True
        assert issued["ticket"]["assisted_by"] == GUIDE_A.number
        await clerk.ok("sign_in", {"window": "1", "staff": CLERK.number, "password": "secret1"})
        called = await clerk.ok("call_next", {"window": "1"})
        assert called["ticket"]["number"] == issued["ticket"]["number"]
        assert called["ticket"]["assisted"] is True  # the clerk terminal shows 帮办

        closed = await guide.ok("close_help", {"help": help_id, "note": NOTE})
        assert (closed["help"]["state"], closed["note"]) == ("closed", NOTE)
        event = await clerk.event("help.closed")
        assert NOTE not in str(event)  # free text stays off every device
        assert error_of(await guide.command("close_help", {"help": help_id})) == "unknown_help"
        await kiosk.ok("request_help")  # the kiosk may ask again
    finally:
        for device in (kiosk, guide, clerk):
            await device.close()

    # the day's report: 2 raised, 1 claimed, 1 closed; 1 帮办 ticket of 1 issued
    summary = report_summary(server, hall, issued["ticket"]["id"])
    figures = ("Help requests", "Help requests claimed", "Help requests closed")
    assert [summary[name] for name in figures] == ["2", "1", "1"]
    assert (summary["Assisted tickets"], summary["Issued"]) == ("1", "1")
    assert float(summary["Mean wait to claim (s)"]) >= 0


def report_summary(server: ServerProcess, hall: str, ticket_id: str) -> dict[str, str]:
    """Today's `summary.csv` in English, figure -> value."""
    day = f"{ticket_id[:4]}-{ticket_id[4:6]}-{ticket_id[6:8]}"  # a ticket's id starts its day
    response = httpx.get(
        f"{server.url}/api/halls/{hall}/reports/{day}/summary.csv?lang=en",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30.0,
    )
    assert response.status_code == 200, response.text
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {row["Figure"]: row["Value"] for row in rows}


async def test_a_guides_commands_need_a_sign_in(server: ServerProcess, hall: str) -> None:
    guide, welcome = await Device.connect(server.ws_url, mint(server, hall, "guide"))
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    try:
        assert [h["id"] for h in welcome["snapshot"]["help"]] == []
        help_id = (await kiosk.ok("request_help"))["help"]["id"]
        for name, args in [
            ("claim_help", {"help": help_id}),
            ("close_help", {"help": help_id}),
            ("issue_ticket", {"service": "social", "assisted": True}),
        ]:
            assert error_of(await guide.command(name, args)) == "unauthorized"
        wrong = {"staff": GUIDE_A.number, "password": "wrong-password"}
        assert error_of(await guide.command("guide_sign_in", wrong)) == "unauthorized"
        assert error_of(await guide.command("call_next", {"window": "1"})) == "forbidden"
        assert error_of(await kiosk.command("claim_help", {"help": help_id})) == "forbidden"
        plain = {"service": "social", "assisted": True}
        assert error_of(await kiosk.command("issue_ticket", plain)) == "forbidden"
        add_staff(server, hall, "2009", "新导办")
        await guide.ok("guide_sign_in", {"staff": "2009", "password": "secret1"})
        assert (await guide.ok("claim_help", {"help": help_id}))["help"]["staff"] == "2009"
        again, welcome = await Device.connect(server.ws_url, mint(server, hall, "guide"))
        listed = welcome["snapshot"]["help"]
        assert [(h["id"], h["state"], h["staff"]) for h in listed] == [(help_id, "claimed", "2009")]
        await again.close()
    finally:
        await guide.close()
        await kiosk.close()
