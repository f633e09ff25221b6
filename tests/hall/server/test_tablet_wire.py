"""The tablet's own commands through a real server process: a floor manager's sign-in and
acknowledging alerts (answered by the gateway, never reaching the hall's events), alerts pushed
as they happen (a device outage once, named as the administrator named the device; a bad
rating with what the citizen said), the staffing hint, and the day history behind the
tablet's chart."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

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

PROMPT_S = 2.5
"""An acknowledgement reaches every tablet well before the next regular push (every 5 s)."""
OFFLINE_S = 2
"""This module's server counts a device offline after this many seconds unseen."""
OFFLINE_WITHIN = OFFLINE_S + 5.0 + 8.0
"""Offline after OFFLINE_S, found at the next reading of the devices (every 5 s), pushed."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("tablet_wire")
    process = ServerProcess(
        f"sqlite:///{workdir / 'hall.db'}",
        workdir,
        env={"HALL_DEVICE_OFFLINE_S": str(OFFLINE_S)},
    )
    try:
        process.start()
        yield process
    finally:
        process.stop()


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(MANAGER, CLERK))


async def metrics_where(device: Device, check: Any, timeout: float = 15.0) -> dict[str, Any]:
    """The first `metrics` message that satisfies `check`."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        message = await asyncio.wait_for(device.others.get(), max(left, 0.01))
        if message["type"] == "metrics" and check(message):
            return message


def alert_ids(body: dict[str, Any], kind: str) -> list[str]:
    return [alert["id"] for alert in body["alerts"] if alert["kind"] == kind]


def counted(exposition: str, name: str, hall: str, label: str) -> dict[str, float]:
    """A counter of a hall by one label, the values counted at least once."""
    return {
        sample.labels[label]: sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name and sample.labels["hall"] == hall and sample.value
    }


def alerts_counted(exposition: str, hall: str) -> dict[str, float]:
    return counted(exposition, "hall_alerts_total", hall, "kind")


def error_of(reply: dict[str, Any]) -> str:
    assert reply["ok"] is False, reply
    code: str = reply["error"]["code"]
    return code


# --- manager_sign_in ---------------------------------------------------------------------------


async def test_a_manager_signs_in_on_a_tablet(server: ServerProcess, hall: str) -> None:
    tablet, welcome = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    result = await tablet.ok("manager_sign_in", {"staff": "9001", "password": "manager1"})

    assert result == {"staff": {"number": "9001", "name": "李经理", "role": "manager"}}
    again = await tablet.ok("manager_sign_in", {"staff": "9001", "password": "manager1"})
    assert again == result
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    issued = await kiosk.ok("issue_ticket", {"service": "social"})
    event = await tablet.event("ticket.issued")
    assert event["data"]["ticket"] == issued["ticket"]
    seen = [(e["seq"], e["event"]) for e in tablet.events]  # the sign-ins made no hall event
    assert seen == [(welcome["seq"] + 1, "hall.day_started"), (event["seq"], "ticket.issued")]
    await kiosk.close()
    await tablet.close()


@pytest.mark.parametrize(
    ("staff", "password", "code"),
    [
        ("9001", "wrong-password", "unauthorized"),
        ("9999", "manager1", "unauthorized"),
        ("1001", "secret1", "forbidden"),  # a clerk's account, right password
    ],
)
async def test_a_wrong_password_or_a_clerks_account_is_refused(
    server: ServerProcess, hall: str, staff: str, password: str, code: str
) -> None:
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    reply = await tablet.command("manager_sign_in", {"staff": staff, "password": password})

    assert error_of(reply) == code
    assert password not in reply["error"]["message"]
    await tablet.close()


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("manager_sign_in", {"staff": "9001"}, "args.password: required string"),
        ("manager_sign_in", {"staff": 9001, "password": "x"}, "args.staff: must be a string"),
        ("ack_alert", {}, "args.alert: required string"),
        ("ack_alert", {"alert": "x", "extra": 1}, "args.extra: unknown argument"),
    ],
)
async def test_malformed_arguments_are_bad_requests(
    server: ServerProcess, hall: str, name: str, args: dict[str, Any], field: str
) -> None:
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    reply = await tablet.command(name, args)

    assert error_of(reply) == "bad_request" and field in reply["error"]["message"]
    await tablet.close()


@pytest.mark.parametrize(
    ("kind", "window"),
    [("kiosk", None), ("clerk", "1"), ("call_screen", None), ("window_screen", "1"),
     ("rating_pad", "1")],
)  # fmt: skip
async def test_only_tablets_may_send_them(
    server: ServerProcess, hall: str, kind: str, window: str | None
) -> None:
    device, _ = await Device.connect(server.ws_url, mint(server, hall, kind, window))

    signing_in = await device.command("manager_sign_in", {"staff": "9001", "password": "manager1"})
    acknowledging = await device.command("ack_alert", {"alert": "no_window_open:A:1"})

    assert error_of(signing_in) == "forbidden"
    assert error_of(acknowledging) == "forbidden"
    await device.close()


def test_they_are_not_http_commands(server: ServerProcess, hall: str) -> None:
    with server.admin() as http:
        response = http.post(
            f"/api/halls/{hall}/commands/manager_sign_in",
            json={"staff": "9001", "password": "manager1"},
        )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


# --- alerts --------------------------------------------------------------------------------------


async def test_an_acknowledged_alert_leaves_every_tablet_at_once(
    server: ServerProcess, hall: str
) -> None:
    first, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    second, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    await kiosk.ok("issue_ticket", {"service": "social"})  # every window is closed

    body = await metrics_where(second, lambda m: alert_ids(m, "no_window_open"))
    (alert,) = [a for a in body["alerts"] if a["kind"] == "no_window_open"]
    assert alert["severity"] == "critical" and alert["active"] is True
    assert alert["key"] == "alert.no_window_open"
    assert alert["params"] == {"queue": "综合受理", "queue_id": "A"}

    acknowledged = await first.ok("ack_alert", {"alert": alert["id"]})
    started = time.monotonic()

    assert acknowledged == {"alert": alert["id"]}
    await metrics_where(second, lambda m: alert["id"] not in alert_ids(m, "no_window_open"))
    assert time.monotonic() - started < PROMPT_S
    assert await second.ok("ack_alert", {"alert": alert["id"]}) == acknowledged  # a retry
    unknown = await first.command("ack_alert", {"alert": "no_window_open:Z:1"})
    assert error_of(unknown) == "unknown_alert"

    with server.admin() as http:
        figures = http.get(f"/api/halls/{hall}/metrics").json()
        exposition = http.get("/metrics").text
    assert alert["id"] not in [a["id"] for a in figures["alerts"]]
    assert alerts_counted(exposition, hall) == {"no_window_open": 1.0}
    for device in (first, second, kiosk):
        await device.close()


def test_a_new_halls_first_ticket_counts_once(server: ServerProcess) -> None:
    """The hall's first command comes right after its creation, before the figures' next
    push: its ticket is counted once and its alert (no window open) raised once."""
    hall = f"t{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    with server.admin() as http:
        issued = http.post(f"/api/halls/{hall}/commands/issue_ticket", json={"service": "tax"})
        assert issued.status_code == 200, issued.text
        figures = http.get(f"/api/halls/{hall}/metrics").json()
        exposition = http.get("/metrics").text

    assert figures["queues"]["B"]["issued"] == 1 and figures["queues"]["B"]["waiting"] == 1
    assert [a["kind"] for a in figures["alerts"]] == ["no_window_open"]
    assert counted(exposition, "hall_tickets_issued_total", hall, "queue") == {"B": 1.0}
    assert alerts_counted(exposition, hall) == {"no_window_open": 1.0}


async def test_a_wait_past_the_target_is_pushed_as_it_happens(server: ServerProcess) -> None:
    hall = f"t{uuid.uuid4().hex[:8]}"
    create_hall(server, hall, service_target_minutes=0.1)  # 6 s
    tablet, _ = await signed_in_tablet(server, hall)
    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("pause", {"window": "1", "reason": "午休"})
    issued = await tablet.ok("issue_ticket", {"service": "social"})

    body = await metrics_where(tablet, lambda m: alert_ids(m, "wait_over_target"))

    (alert,) = [a for a in body["alerts"] if a["kind"] == "wait_over_target"]
    assert alert["params"]["number"] == issued["ticket"]["number"]
    assert alert["params"]["target"] == "0.1"
    assert body["service_target_s"] == 6
    assert body["queues"]["A"]["longest_wait_s"] >= 6
    await tablet.close()


def pair_named(server: ServerProcess, hall: str, kind: str, name: str) -> str:
    with server.admin() as admin:
        response = admin.post(f"/api/halls/{hall}/devices", json={"kind": kind, "name": name})
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token


def offline_alerts(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The device_offline alerts listed, by device."""
    return {a["subject"]: a for a in body["alerts"] if a["kind"] == "device_offline"}


async def test_a_device_outage_is_one_alert_naming_the_device_as_the_admin_named_it(
    server: ServerProcess, hall: str
) -> None:
    pad_token = mint(server, hall, "rating_pad", "1")  # named by nobody: "rating_pad 1"
    kiosk_token = pair_named(server, hall, "kiosk", "大厅东侧取号机")
    pad, pad_welcome = await Device.connect(server.ws_url, pad_token)
    kiosk, kiosk_welcome = await Device.connect(server.ws_url, kiosk_token)
    pad_id, kiosk_id = pad_welcome["device"]["id"], kiosk_welcome["device"]["id"]
    await pad.close()
    await kiosk.close()
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    body = await metrics_where(tablet, lambda m: len(offline_alerts(m)) == 2, OFFLINE_WITHIN)

    alerts = offline_alerts(body)
    assert alerts[pad_id]["key"] == "alert.device_offline_window"  # 1号窗口评价器已离线
    assert {k: alerts[pad_id]["params"][k] for k in ("window", "kind")} == {
        "window": "1号窗口",
        "kind": "rating_pad",
    }
    assert alerts[kiosk_id]["key"] == "alert.device_offline"  # 大厅东侧取号机已离线
    assert alerts[kiosk_id]["params"]["device"] == "大厅东侧取号机"
    await tablet.close()  # the tablet reloads, twice, across several readings of the devices
    for _ in range(2):
        tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
        later = await metrics_where(tablet, lambda m: True)
        assert offline_alerts(later).keys() == alerts.keys()
        assert [a["id"] for a in offline_alerts(later).values()] == [
            a["id"] for a in alerts.values()
        ]
        await tablet.close()
    with server.admin() as http:
        exposition = http.get("/metrics").text
    assert alerts_counted(exposition, hall) == {"device_offline": 2.0}

    pad, _ = await Device.connect(server.ws_url, pad_token)  # back: that outage ends
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    back = await metrics_where(tablet, lambda m: not offline_alerts(m)[pad_id]["active"])
    assert offline_alerts(back)[pad_id]["id"] == alerts[pad_id]["id"]
    await pad.close()
    await tablet.close()


async def test_a_bad_rating_alert_says_what_the_citizen_said_and_names_its_follow_up(
    server: ServerProcess, hall: str
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "1"))
    await clerk.ok("sign_in", {"window": "1", "staff": CLERK.number, "password": CLERK.password})
    ticket = (await tablet.ok("issue_ticket", {"service": "social"}))["ticket"]
    for step in ("call_next", "start", "finish"):
        await clerk.ok(step, {"window": "1"})
    await pad.event("rating.requested")
    comment = "等了很久，请回电 138 0013 8000"
    reasons = ["等候时间长", "服务态度差"]
    await pad.ok(
        "rate", {"ticket": ticket["id"], "score": 1, "reasons": reasons, "comment": comment}
    )

    body = await metrics_where(tablet, lambda m: alert_ids(m, "bad_rating"))

    (alert,) = [a for a in body["alerts"] if a["kind"] == "bad_rating"]
    assert alert["subject"] == ticket["id"]
    assert alert["params"]["score"] == 1
    assert alert["params"]["reasons"] == "等候时间长、服务态度差"
    assert alert["params"]["comment"] == "等了很久，请回电 ***"  # no phone number on a tablet
    follow_ups = [f for f in body["hall"]["follow_ups"] if f["ticket"] == ticket["id"]]
    assert len(follow_ups) == 1  # the follow-up the tablet's alert opens
    for device in (tablet, clerk, pad):
        await device.close()


async def test_the_staffing_hint_counts_the_windows_missing_where_people_wait(
    server: ServerProcess, hall: str
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    for _ in range(3):
        await tablet.ok("issue_ticket", {"service": "social"})

    body = await metrics_where(tablet, lambda m: m["queues"]["A"]["waiting"] == 3)

    # 3 an hour at 6 min each need one window; none is open
    assert [body["queues"]["A"][k] for k in ("windows_needed", "windows_open")] == [1, 0]
    assert body["queues"]["A"]["windows_short"] == 1
    assert body["queues"]["B"]["windows_short"] == 0  # nobody waits for B
    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("open_window", {"window": "2"})

    opened = await metrics_where(tablet, lambda m: m["queues"]["A"]["windows_open"] == 2)

    assert opened["queues"]["A"]["windows_short"] == 0  # not "2 needed" next to "2 open"
    await tablet.close()


# --- the day history -----------------------------------------------------------------------------


async def test_the_day_history_for_tablets_and_the_admin(server: ServerProcess, hall: str) -> None:
    tablet_token = mint(server, hall, "tablet")  # reading over HTTP needs no manager
    tablet, _ = await signed_in_tablet(server, hall)
    await tablet.ok("issue_ticket", {"service": "social"})
    await tablet.ok("issue_ticket", {"service": "tax"})
    await metrics_where(tablet, lambda m: m["hall"]["waiting"] == 2)
    path = f"/api/halls/{hall}/metrics/history"

    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        for token in (tablet_token, ADMIN_TOKEN):
            response = http.get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            history = response.json()
            assert history["step_s"] == 60 and len(history["day"]) == 10
            assert set(history["series"]) == {"A", "B", "hall"}
            at, waiting, eta = history["series"]["hall"][-1]
            assert at.endswith(":00.000Z") and waiting == 2 and eta is None  # all closed
            assert history["series"]["A"][-1][1:] == [1, None]
        kiosk = http.get(path, headers={"Authorization": f"Bearer {mint(server, hall, 'kiosk')}"})
        nobody = http.get(path)
        other_hall = f"t{uuid.uuid4().hex[:8]}"
        create_hall(server, other_hall)
        elsewhere = http.get(
            f"/api/halls/{other_hall}/metrics/history",
            headers={"Authorization": f"Bearer {tablet_token}"},
        )
    assert (kiosk.status_code, kiosk.json()["error"]["code"]) == (403, "forbidden")
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (401, "unauthorized")
    assert elsewhere.status_code == 403
    await tablet.close()


def test_the_tablet_page_allows_blob_stylesheets_for_the_report(server: ServerProcess) -> None:
    tablet = httpx.get(f"{server.url}/tablet")
    clerk = httpx.get(f"{server.url}/clerk")

    assert tablet.status_code == 200 and "/static/tablet.js" in tablet.text
    assert "style-src 'self' blob:;" in tablet.headers["content-security-policy"]
    assert "script-src 'self';" in tablet.headers["content-security-policy"]
    assert "style-src 'self';" in clerk.headers["content-security-policy"]
