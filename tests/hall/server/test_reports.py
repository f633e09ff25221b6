"""The report over HTTP, against a real server process holding the scripted day: the admin and
the hall's tablets may read it; anyone else gets the protocol's JSON errors."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import httpx
import pytest

from hall.report import CONTENT_SECURITY_POLICY, csv_bytes
from tests.hall.report.conftest import play_into, report_of
from tests.hall.report.scripted_day import DAY, HALL, HALL_NAME, PlayedDay
from tests.support.fixtures import ServerSetup
from tests.support.server import ADMIN_TOKEN, ServerProcess, add_staff, create_hall, mint


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> PlayedDay:
    return play_into(tmp_path_factory.mktemp("report-http") / "hall.db")


@pytest.fixture(scope="module")
def server_setup(day: PlayedDay) -> ServerSetup:
    return ServerSetup(database=day.url)


def get(server: ServerProcess, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{server.url}{path}", headers=headers, timeout=30.0)


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert body["ok"] is False
    code: str = body["error"]["code"]
    return code


def test_the_admin_and_a_tablet_read_the_page(server: ServerProcess, day: PlayedDay) -> None:
    tablet = mint(server, HALL, "tablet")
    for token in (ADMIN_TOKEN, tablet):
        response = get(server, f"/api/halls/{HALL}/reports/{DAY}", token)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["cache-control"] == "no-store"
        assert f"<h1>{HALL_NAME}运行日报</h1>" in response.text
        assert response.text.count("<svg") == 5
    english = get(server, f"/api/halls/{HALL}/reports/{DAY}?lang=en", tablet)
    assert f"<h1>{HALL_NAME}: daily report</h1>" in english.text


def test_each_table_as_csv(server: ServerProcess, day: PlayedDay) -> None:
    tablet = mint(server, HALL, "tablet")
    response = get(server, f"/api/halls/{HALL}/reports/{DAY}/waits.csv?lang=en", tablet)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{HALL}-{DAY}-waits.csv"'
    )
    assert response.content == csv_bytes(report_of(day), "waits", "en")
    missing = get(server, f"/api/halls/{HALL}/reports/{DAY}/nonsense.csv", tablet)
    assert (missing.status_code, error_code(missing)) == (404, "not_found")


def test_others_are_refused(server: ServerProcess) -> None:
    other = f"r{uuid.uuid4().hex[:8]}"
    create_hall(server, other)
    path = f"/api/halls/{HALL}/reports/{DAY}"
    refusals = [
        (None, 401, "unauthorized"),
        ("not-a-token", 401, "unauthorized"),
        (mint(server, HALL, "kiosk"), 403, "forbidden"),
        (mint(server, HALL, "clerk", "1"), 403, "forbidden"),
        (mint(server, other, "tablet"), 403, "forbidden"),  # another hall's tablet
    ]
    for token, status, code in refusals:
        for suffix in ("", "/summary.csv"):
            response = get(server, path + suffix, token)
            assert (response.status_code, error_code(response)) == (status, code), token


def test_bad_dates_and_unknown_halls(server: ServerProcess) -> None:
    for date in ("2026-02-30", "22-11-2026", "2999-01-01"):
        response = get(server, f"/api/halls/{HALL}/reports/{date}", ADMIN_TOKEN)
        assert (response.status_code, error_code(response)) == (400, "bad_request"), date
    response = get(server, f"/api/halls/nowhere/reports/{DAY}", ADMIN_TOKEN)
    assert (response.status_code, error_code(response)) == (404, "unknown_hall")


def test_todays_report_counts_up_to_now(server: ServerProcess) -> None:
    hall = f"r{uuid.uuid4().hex[:8]}"
    create_hall(server, hall)
    add_staff(server, hall, "1001", "王晓丽")
    admin = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10.0
    )
    with admin:

        def command(name: str, **args: str) -> dict[str, object]:
            response = admin.post(f"/api/halls/{hall}/commands/{name}", json=args)
            assert response.status_code == 200, response.text
            result: dict[str, object] = response.json()["result"]
            return result

        ticket = command("issue_ticket", service="social")["ticket"]
        command("issue_ticket", service="tax")
        command("sign_in", window="1", staff="1001", password="secret1")
        command("call_next", window="1")
        command("finish", window="1")
    assert isinstance(ticket, dict)
    today = str(ticket["id"])[:8]  # the hall's service day starts the ticket's id
    today = f"{today[:4]}-{today[4:6]}-{today[6:]}"
    response = get(server, f"/api/halls/{hall}/reports/{today}/summary.csv?lang=en", ADMIN_TOKEN)
    summary = {
        row["Figure"]: row["Value"]
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert (summary["Issued"], summary["Called"], summary["Finished"]) == ("2", "1", "1")
    page = get(server, f"/api/halls/{hall}/reports/{today}", mint(server, hall, "tablet"))
    assert "当日数据，截至" in page.text


def test_the_routes_are_documented() -> None:
    protocol = (Path(__file__).resolve().parents[3] / "docs" / "protocol.md").read_text()
    assert "`GET /api/halls/{hall}/reports/{date}`" in protocol
    assert "`GET /api/halls/{hall}/reports/{date}/{table}.csv`" in protocol
