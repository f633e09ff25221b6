"""A hall with cases (办件) on a test server: offices, promise days, a pickup (出证) queue, and
office devices minted for an office."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.server import ServerProcess, small_hall

OFFICES = [{"id": "market", "name": "市场监管科"}, {"id": "civil", "name": "民政科"}]


def case_hall_document(hall: str, **rules: Any) -> dict[str, Any]:
    """`small_hall` with two offices, a pickup queue P (出证) served by window 3, and services
    with promise days: `license` (market, 5 working days), `marriage` (civil, 3), `social`
    (即办件)."""
    document = small_hall(hall, windows=2, pickup_queue="P", **rules)
    document["queues"].append({"id": "P", "name": "出证", "prefix": "P", "service_minutes": 3})
    document["services"] += [
        {"id": "license", "name": "营业执照", "queue": "A", "office": "market", "promise_days": 5},
        {"id": "marriage", "name": "婚姻登记", "queue": "A", "office": "civil", "promise_days": 3},
    ]
    document["windows"].append({"id": "3", "name": "3号出证窗口", "queues": {"P": 1.0}})
    document["offices"] = OFFICES
    return document


def new_case_hall(server: ServerProcess, **rules: Any) -> str:
    hall = f"c{uuid.uuid4().hex[:8]}"
    with server.admin() as client:
        response = client.put(f"/api/halls/{hall}", json=case_hall_document(hall, **rules))
        assert response.status_code in (200, 201), response.text
    return hall


def mint_office(server: ServerProcess, hall: str, office: str) -> str:
    """An office device's token (后台审批), bound to `office`."""
    with server.admin() as client:
        response = client.post(
            f"/api/halls/{hall}/devices", json={"kind": "office", "office": office}
        )
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token
