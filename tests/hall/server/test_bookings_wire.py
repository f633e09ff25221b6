"""The booking portal against a real server process, as citizens and those who would misuse it
call it: a reused `Idempotency-Key` never hands out someone else's booking, a lookup tells
nothing without the phone's last four digits, a cancel needs them, and codes are long, checked
and typed in any form. Each test is a client of its own (`X-Forwarded-For` from the local
host, which the server trusts as a proxy), so the per-client budgets of one test never reach
another."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from hall.auth import new_booking_code
from queueing.booking_codes import ALPHABET, valid_code
from tests.support.device import Device
from tests.support.server import ServerProcess, mint, new_hall

pytestmark = pytest.mark.anyio

MINE = {"name": "张小三", "phone": "138 1234 5678"}
THEIRS = {"name": "李四", "phone": "13900001111"}


@pytest.fixture
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    """A citizen's phone: a client address of its own."""
    with citizen(server) as client:
        yield client


def citizen(server: ServerProcess) -> httpx.Client:
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    return httpx.Client(base_url=server.url, headers={"X-Forwarded-For": address}, timeout=10.0)


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


def book(http: httpx.Client, hall: str, slot: str, key: str, **person: str) -> httpx.Response:
    body = {"service": "social", "slot": slot, **person}
    return http.post(f"/api/halls/{hall}/appointments", json=body, headers={"Idempotency-Key": key})


def look_up(http: httpx.Client, hall: str, code: str, digits: str | None) -> httpx.Response:
    headers = {} if digits is None else {"X-Phone-Last4": digits}
    return http.get(f"/api/halls/{hall}/appointments/{code}", headers=headers)


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def test_a_booking_key_used_again_with_another_body_gets_idempotency_mismatch(
    server: ServerProcess, hall: str, http: httpx.Client
) -> None:
    slot = next_slot(http, hall)
    key = f"portal-{uuid.uuid4().hex[:6]}"
    first = book(http, hall, slot, key, **MINE)
    assert first.status_code == 201, first.text
    code = first.json()["result"]["booking"]["code"]
    retry = http.post(  # the same body, its keys in another order: a retry, the same reply
        f"/api/halls/{hall}/appointments",
        json={"phone": MINE["phone"], "name": MINE["name"], "slot": slot, "service": "social"},
        headers={"Idempotency-Key": key},
    )
    assert retry.status_code == 201 and retry.json() == first.json()

    with citizen(server) as other:  # another citizen whose page happens to send the same key
        reused = book(other, hall, slot, key, **THEIRS)
        assert reused.status_code == 422
        assert error_of(reused)["code"] == "idempotency_mismatch"
        assert code not in reused.text
        cancel = other.delete(
            f"/api/halls/{hall}/appointments/{code}",
            headers={"Idempotency-Key": key, "X-Phone-Last4": "5678"},
        )
        assert cancel.status_code == 422 and error_of(cancel)["code"] == "idempotency_mismatch"
    assert look_up(http, hall, code, "5678").json()["state"] == "booked"


async def test_two_bodies_racing_with_one_key_never_share_a_booking(
    server: ServerProcess, hall: str, http: httpx.Client
) -> None:
    slot = next_slot(http, hall)
    key = f"portal-{uuid.uuid4().hex[:6]}"
    url = f"{server.url}/api/halls/{hall}/appointments"
    async with httpx.AsyncClient(timeout=10.0) as client:
        racing = [
            client.post(
                url,
                json={"service": "social", "slot": slot, **person},
                headers={"Idempotency-Key": key, "X-Forwarded-For": address},
            )
            for person, address in ((MINE, "192.0.2.1"), (THEIRS, "192.0.2.2"))
        ]
        answers = await asyncio.gather(*racing)

    assert sorted(a.status_code for a in answers) == [201, 422]
    won = next(a for a in answers if a.status_code == 201)
    lost = next(a for a in answers if a.status_code == 422)
    assert error_of(lost)["code"] == "idempotency_mismatch"
    assert won.json()["result"]["booking"]["code"] not in lost.text


def test_a_key_remembered_with_a_refusal_is_bound_to_its_body_too(
    hall: str, http: httpx.Client
) -> None:
    slot = next_slot(http, hall)
    off_grid = (datetime.fromisoformat(slot) + timedelta(minutes=7)).isoformat()
    key = f"portal-{uuid.uuid4().hex[:6]}"
    refused = book(http, hall, off_grid, key, **MINE)
    assert refused.status_code == 409 and error_of(refused)["code"] == "slot_invalid"
    assert book(http, hall, off_grid, key, **MINE).json() == refused.json()  # a retry

    corrected = book(http, hall, slot, key, **MINE)  # a new request must not reuse the key

    assert corrected.status_code == 422
    assert error_of(corrected)["code"] == "idempotency_mismatch"


def test_cancelling_needs_the_last_four_digits_of_the_phone(hall: str, http: httpx.Client) -> None:
    booked = book(http, hall, next_slot(http, hall), uuid.uuid4().hex, **MINE)
    code = booked.json()["result"]["booking"]["code"]
    url = f"/api/halls/{hall}/appointments/{code}"

    bare = http.delete(url)
    assert bare.status_code == 400 and error_of(bare)["code"] == "bad_request"
    assert "X-Phone-Last4" in error_of(bare)["message"]
    wrong = http.delete(url, headers={"X-Phone-Last4": "1234"})
    assert wrong.status_code == 404 and error_of(wrong)["code"] == "unknown_booking"
    assert look_up(http, hall, code, "5678").json()["state"] == "booked"

    cancelled = http.delete(url, headers={"X-Phone-Last4": "5678"})
    assert cancelled.status_code == 200, cancelled.text
    assert look_up(http, hall, code, "5678").json()["state"] == "cancelled"


def test_a_lookup_answers_the_same_for_no_such_code_and_wrong_digits(
    hall: str, http: httpx.Client
) -> None:
    booked = book(http, hall, next_slot(http, hall), uuid.uuid4().hex, **MINE)
    code = booked.json()["result"]["booking"]["code"]
    nobody = new_booking_code()  # well formed, and (all but surely) nobody's

    wrong_digits = look_up(http, hall, code, "0000")
    no_such_code = look_up(http, hall, nobody, "5678")
    malformed = look_up(http, hall, "12345678", "5678")
    assert wrong_digits.status_code == no_such_code.status_code == malformed.status_code == 404
    assert wrong_digits.json() == no_such_code.json() == malformed.json()
    assert error_of(wrong_digits)["code"] == "unknown_booking"
    without = [look_up(http, hall, c, None) for c in (code, nobody)]
    assert [r.status_code for r in without] == [400, 400]
    assert without[0].json() == without[1].json()
    assert "张" not in wrong_digits.text + without[0].text

    found = look_up(http, hall, code, "5678").json()
    assert (found["code"], found["name"], found["phone"]) == (code, "张*三", "138****5678")
    typed = f"{code[:5].lower()}-{code[5:].lower()}"  # as a citizen may type it
    assert look_up(http, hall, typed, "5678").json()["code"] == code


async def test_codes_are_ten_checked_characters_and_kiosks_take_them_as_typed(
    server: ServerProcess, http: httpx.Client
) -> None:
    hall = new_hall(server, check_in_early_minutes=240)
    booked = book(http, hall, next_slot(http, hall), uuid.uuid4().hex, **MINE)
    code = booked.json()["result"]["booking"]["code"]
    assert len(code) == 10 and set(code) <= set(ALPHABET) and valid_code(code)

    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    typed = f" {code[:5].lower()} - {code[5:]} "  # a keyboard, a scanner: any case, separators
    result = await kiosk.ok("check_in", {"booking_code": typed})
    assert result["ticket"]["priority"] == "appointment"
    await kiosk.close()
    assert look_up(http, hall, code, "5678").json()["state"] == "checked_in"


def test_slots_are_offered_only_within_the_booking_hours(
    server: ServerProcess, http: httpx.Client
) -> None:
    # open around the clock, as the demo hall is; appointments 09:00-11:00 only
    hall = new_hall(server, booking_open_time="09:00", booking_close_time="11:00")
    tomorrow = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)

    slots = http.get(
        f"/api/halls/{hall}/slots", params={"service": "social", "date": tomorrow.isoformat()}
    ).json()["slots"]

    assert [slot["time"] for slot in slots] == ["09:00", "09:30", "10:00", "10:30"]
    night = datetime.combine(tomorrow, datetime.min.time(), ZoneInfo("Asia/Shanghai"))
    refused = book(http, hall, night.isoformat(), "night-1", **MINE)  # 00:00: open, not bookable
    assert refused.status_code == 409 and error_of(refused)["code"] == "slot_invalid"


def test_services_carry_their_english_names_for_the_booking_page(
    server: ServerProcess, http: httpx.Client
) -> None:
    hall = new_hall(server)
    with server.admin() as admin:
        document = admin.get(f"/api/halls/{hall}").json()
        document["services"][0]["name_en"] = "Social insurance"
        assert admin.put(f"/api/halls/{hall}", json=document).status_code == 200

    services = http.get(f"/api/halls/{hall}/services").json()["services"]

    assert [(s["id"], s["name_en"]) for s in services][:2] == [
        ("social", "Social insurance"),
        ("tax", ""),
    ]
