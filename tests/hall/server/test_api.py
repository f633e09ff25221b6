"""The HTTP API against a real server process."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from tests.support.server import ADMIN_TOKEN, ServerProcess, mint, small_hall


def client(server: ServerProcess, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10.0)


def test_health_and_readiness(server: ServerProcess) -> None:
    with client(server) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_openapi_lists_the_endpoints(server: ServerProcess) -> None:
    with client(server) as http:
        document = http.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/halls/{hall}/commands/{name}" in document["paths"]
    assert "put" in document["paths"]["/api/halls/{hall}"]


def test_invalid_hall_document_lists_every_problem_and_changes_nothing(
    server: ServerProcess,
) -> None:
    hall = f"a{uuid.uuid4().hex[:8]}"
    document = small_hall(hall)
    document["queues"][0]["prefix"] = "a1"
    document["windows"][0]["queues"] = {"Z": 1}
    del document["name"]
    with server.admin() as http:
        response = http.put(f"/api/halls/{hall}", json=document)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_config"
        joined = " ".join(error["problems"])
        assert "prefix" in joined and "'Z'" in joined and "name" in joined
        assert http.get(f"/api/halls/{hall}").status_code == 404


def test_updating_a_hall_keeps_its_tickets(server: ServerProcess, hall: str) -> None:
    kiosk = mint(server, hall, "kiosk")
    with client(server, kiosk) as http:
        assert (
            http.post(
                f"/api/halls/{hall}/commands/issue_ticket", json={"service": "social"}
            ).status_code
            == 200
        )
    document = small_hall(hall, windows=4)
    document["name"] = "新名字政务服务中心"
    with server.admin() as http:
        response = http.put(f"/api/halls/{hall}", json=document)
        assert response.status_code == 200 and response.json()["result"]["created"] is False
        assert http.get(f"/api/halls/{hall}").json()["name"] == "新名字政务服务中心"
        snapshot = http.get(f"/api/halls/{hall}/snapshot").json()["snapshot"]
    assert {q["id"]: q["waiting"] for q in snapshot["queues"]}["A"] == 1
    assert len(snapshot["windows"]) == 4


def test_admin_endpoints_need_the_admin_token(server: ServerProcess, hall: str) -> None:
    kiosk = mint(server, hall, "kiosk")
    with client(server) as http:
        assert (
            http.post(f"/api/halls/{hall}/devices", json={"kind": "kiosk"}).json()["error"]["code"]
            == "unauthorized"
        )
    with client(server, kiosk) as http:
        response = http.post(f"/api/halls/{hall}/devices", json={"kind": "kiosk"})
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
        assert http.put(f"/api/halls/{hall}", json=small_hall(hall)).status_code == 403


def test_devices_are_minted_and_listed_without_tokens(server: ServerProcess, hall: str) -> None:
    with server.admin() as http:
        bad = http.post(f"/api/halls/{hall}/devices", json={"kind": "clerk"})
        assert bad.status_code == 400 and "window" in bad.json()["error"]["message"]
        bad = http.post(f"/api/halls/{hall}/devices", json={"kind": "toaster"})
        assert bad.status_code == 400 and "kind" in bad.json()["error"]["message"]
        minted = http.post(
            f"/api/halls/{hall}/devices",
            json={"kind": "clerk", "window": "2", "name": "2号窗口呼叫器"},
        )
        assert minted.status_code == 201
        listed = http.get(f"/api/halls/{hall}/devices").json()
    assert [(d["kind"], d["window"], d["name"]) for d in listed] == [
        ("clerk", "2", "2号窗口呼叫器")
    ]
    assert minted.json()["token"] not in str(listed)


def test_http_command_with_idempotency_key(server: ServerProcess, hall: str) -> None:
    kiosk = mint(server, hall, "kiosk")
    with client(server, kiosk) as http:
        url = f"/api/halls/{hall}/commands/issue_ticket"
        first = http.post(url, json={"service": "tax"}, headers={"Idempotency-Key": "k-1"})
        again = http.post(url, json={"service": "tax"}, headers={"Idempotency-Key": "k-1"})
        other = http.post(url, json={"service": "tax"}, headers={"Idempotency-Key": "k-2"})
        assert first.status_code == 200 and again.json() == first.json()
        assert other.json()["result"]["ticket"]["number"] == "B002"
        refused = http.post(url, json={"service": "passport"})
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_service"
        bad = http.post(url, content=b"{oops", headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"
        forbidden = http.post(f"/api/halls/{hall}/commands/call_next", json={"window": "1"})
        assert forbidden.status_code == 403
        missing = http.post(f"/api/halls/{hall}/commands/nothing", json={})
        assert missing.status_code == 400 and "name" in missing.json()["error"]["message"]
    with client(server, "wrong") as http:
        assert http.post(url, json={"service": "tax"}).status_code == 401


def _next_slot(hall: str, server: ServerProcess) -> str:
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    with client(server) as http:
        slots = http.get(
            f"/api/halls/{hall}/slots", params={"service": "social", "date": tomorrow}
        ).json()["slots"]
    assert slots and all(s["free"] == 2 for s in slots)
    start: str = slots[0]["start"]
    return start


def test_booking_portal_books_looks_up_masked_and_cancels(server: ServerProcess, hall: str) -> None:
    slot = _next_slot(hall, server)
    with client(server) as http:
        booked = http.post(
            f"/api/halls/{hall}/appointments",
            json={"service": "social", "slot": slot, "name": "张小三", "phone": "13812345678"},
        )
        assert booked.status_code == 201, booked.text
        code = booked.json()["result"]["booking"]["code"]
        mine = {"X-Phone-Last4": "5678"}
        found = http.get(f"/api/halls/{hall}/appointments/{code}", headers=mine).json()
        assert (
            found["name"] == "张*三"
            and found["phone"] == "138****5678"
            and found["state"] == "booked"
        )
        http.post(
            f"/api/halls/{hall}/appointments",
            json={"service": "social", "slot": slot, "name": "李四", "phone": "13900000000"},
        )
        full = http.post(
            f"/api/halls/{hall}/appointments",
            json={"service": "social", "slot": slot, "name": "王五", "phone": "13700000000"},
        )
        assert full.status_code == 409 and full.json()["error"]["code"] == "slot_full"
        bad = http.post(
            f"/api/halls/{hall}/appointments", json={"service": "social", "slot": "soon"}
        )
        assert bad.status_code == 400
        message = bad.json()["error"]["message"]
        assert "slot" in message and "name" in message and "phone" in message
        cancelled = http.delete(f"/api/halls/{hall}/appointments/{code}", headers=mine)
        assert cancelled.status_code == 200
        assert (
            http.delete(f"/api/halls/{hall}/appointments/{code}", headers=mine).json()["error"][
                "code"
            ]
            == "unknown_booking"
        )
        snapshot = http.get(
            f"/api/halls/{hall}/snapshot", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        ).text
    assert "张小三" not in snapshot and "13812345678" not in snapshot


def test_tracking_link_shows_position(server: ServerProcess, hall: str) -> None:
    kiosk = mint(server, hall, "kiosk")
    with client(server, kiosk) as http:
        url = f"/api/halls/{hall}/commands/issue_ticket"
        http.post(url, json={"service": "social"})
        mine = http.post(url, json={"service": "social"}).json()["result"]
        tracked = http.get(f"/api/track/{mine['track']}").json()
        assert tracked["ticket"]["number"] == "A002" and tracked["position"] == 1
        assert http.get("/api/track/nope").status_code == 404


def test_unknown_routes_are_json_errors(server: ServerProcess) -> None:
    with client(server) as http:
        response = http.get("/api/nothing-here")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        response = http.get(
            "/api/halls/none/snapshot", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_hall"


# A 1x1 red PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def test_clerk_photos_are_served_to_public_screens(server: ServerProcess, hall: str) -> None:
    photo = "data:image/png;base64," + base64.b64encode(PNG).decode()
    accounts = [
        {"number": "2001", "name": "王晓丽", "photo": photo},
        {"number": "2002", "name": "李建国", "photo": ""},
        {"number": "2003", "name": "Anna Lee", "photo": "/static/people/anna.jpg"},
    ]
    with client(server, ADMIN_TOKEN) as admin:
        for account in accounts:
            response = admin.post(
                f"/api/halls/{hall}/staff", json={**account, "password": "secret1"}
            )
            assert response.status_code == 201, response.text
    with client(server) as anyone:  # window screens and pads show it: no token needed
        stored = anyone.get(f"/api/halls/{hall}/staff/2001/photo")
        assert stored.status_code == 200
        assert stored.headers["content-type"] == "image/png" and stored.content == PNG
        badge = anyone.get(f"/api/halls/{hall}/staff/2002/photo")
        assert badge.headers["content-type"].startswith("image/svg+xml"), badge.text
        assert ">建国</text>" in badge.text
        linked = anyone.get(f"/api/halls/{hall}/staff/2003/photo", follow_redirects=False)
        assert linked.status_code == 307
        assert linked.headers["location"] == "/static/people/anna.jpg"
        missing = anyone.get(f"/api/halls/{hall}/staff/9999/photo")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_staff"
        assert "password" not in stored.text + badge.text
