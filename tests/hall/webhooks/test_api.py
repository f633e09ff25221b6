"""The admin's webhook endpoints over HTTP: create, replace, list (never a secret), delete, and
every refusal with its code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hall.webhooks.conftest import SECRET, put_webhook
from tests.support.server import ServerProcess, mint

URL = "https://sms.example.gov.cn/hooks/hall"


def test_a_webhook_is_created_replaced_listed_and_deleted(server: ServerProcess, hall: str) -> None:
    created = put_webhook(server, hall, URL, ["ticket.called"])
    assert created.status_code == 201, created.text
    assert created.json()["result"] == {
        "webhook": {"id": "platform", "url": URL, "events": ["ticket.called"]},
        "created": True,
    }
    replaced = put_webhook(server, hall, URL, ["ticket", "rating.submitted"])
    assert replaced.status_code == 200
    assert replaced.json()["result"]["created"] is False
    with server.admin() as admin:
        listed = admin.get(f"/api/halls/{hall}/webhooks").json()
        one = admin.get(f"/api/halls/{hall}/webhooks/platform").json()
        assert admin.delete(f"/api/halls/{hall}/webhooks/platform").status_code == 204
        after = admin.get(f"/api/halls/{hall}/webhooks").json()
        gone = admin.get(f"/api/halls/{hall}/webhooks/platform")
    assert listed == {
        "webhooks": [{"id": "platform", "url": URL, "events": ["ticket", "rating.submitted"]}]
    }
    assert one == listed["webhooks"][0]
    assert SECRET not in str(listed) and SECRET not in str(one)
    assert after == {"webhooks": []}
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "unknown_webhook"


def test_the_deliveries_of_a_new_webhook_are_empty(server: ServerProcess, hall: str) -> None:
    put_webhook(server, hall, URL, ["*"])
    with server.admin() as admin:
        body = admin.get(f"/api/halls/{hall}/webhooks/platform/deliveries").json()
    assert body == {"webhook": "platform", "pending": 0, "deliveries": []}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"url": "ftp://x/y", "events": ["*"], "secret": SECRET}, "url:"),
        ({"url": "http:///nohost", "events": ["*"], "secret": SECRET}, "url:"),
        ({"url": URL, "events": [], "secret": SECRET}, "events:"),
        ({"url": URL, "events": ["Ticket Called"], "secret": SECRET}, "events:"),
        ({"url": URL, "events": "ticket.called", "secret": SECRET}, "events:"),
        ({"url": URL, "events": ["*"], "secret": "short"}, "secret:"),
        ({"url": URL, "events": ["*"]}, "secret:"),
        ({"url": URL, "events": ["*"], "secret": SECRET, "retries": 3}, "retries: unknown field"),
    ],
)
def test_a_bad_webhook_is_refused_naming_the_problem(
    server: ServerProcess, hall: str, body: dict[str, Any], problem: str
) -> None:
    with server.admin() as admin:
        response = admin.put(f"/api/halls/{hall}/webhooks/platform", json=body)
        listed = admin.get(f"/api/halls/{hall}/webhooks").json()
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and problem in error["message"]
    assert listed == {"webhooks": []}


def test_a_webhook_id_with_a_colon_is_refused(server: ServerProcess, hall: str) -> None:
    response = put_webhook(server, hall, URL, ["*"], webhook="a:b")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_only_the_admin_manages_webhooks(server: ServerProcess, hall: str) -> None:
    put_webhook(server, hall, URL, ["*"])
    tablet = mint(server, hall, "tablet")
    headers = {"Authorization": f"Bearer {tablet}"}
    with server.admin() as admin:
        refused = [
            admin.request(method, f"/api/halls/{hall}/webhooks{path}", headers=headers)
            for method, path in [
                ("GET", ""),
                ("GET", "/platform"),
                ("DELETE", "/platform"),
                ("GET", "/platform/deliveries"),
            ]
        ]
        put = admin.put(
            f"/api/halls/{hall}/webhooks/other",
            json={"url": URL, "events": ["*"], "secret": SECRET},
            headers=headers,
        )
    for response in [*refused, put]:
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_unknown_halls_and_webhooks_are_named(server: ServerProcess, hall: str) -> None:
    with server.admin() as admin:
        no_hall = admin.get("/api/halls/nosuchhall/webhooks")
        no_hook = admin.delete(f"/api/halls/{hall}/webhooks/nosuch")
        no_log = admin.get(f"/api/halls/{hall}/webhooks/nosuch/deliveries")
    assert no_hall.status_code == 404 and no_hall.json()["error"]["code"] == "unknown_hall"
    for response in (no_hook, no_log):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_webhook"
