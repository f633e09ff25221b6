"""Staff sign-ins against a real server process, as an attacker on the hall's network tries them:
no password oracle for devices that may not sign in, the lockouts per staff number and per
client address (on both transports), failures logged without the password and counted, and a
burst of sign-ins that leaves tickets and readiness alone.

The lockouts live in the server process, shared by this module's tests: each test uses halls of
its own and connects from addresses of its own (127.0.0.x, all loopback).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from tests.support.device import Device
from tests.support.server import (
    ADMIN_TOKEN,
    CLERK,
    MANAGER,
    HallSetup,
    ServerProcess,
    add_staff,
    create_hall,
    mint,
)

pytestmark = pytest.mark.anyio

SECRET = {"password": CLERK.password}
RIGHT = {"window": "1", "staff": CLERK.number, **SECRET}
WRONG = {**RIGHT, "password": "not-the-password"}
LOCKED = "too_many_attempts"
STALL_S = 1.0
"""A kiosk's ticket while sign-ins are being checked: milliseconds normally, never a second."""


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(CLERK, MANAGER))


async def device_from(
    server: ServerProcess, address: str, hello: dict[str, Any]
) -> tuple[Device, dict[str, Any]]:
    """A device connected from a loopback `address` of the test's choosing, after its hello."""
    connection = await connect(server.ws_url, local_addr=(address, 0))
    device = Device(connection)
    await device.send(hello)
    return device, await device.other()


async def paired_from(
    server: ServerProcess, address: str, hall: str, kind: str, window: str | None = None
) -> Device:
    device, welcome = await device_from(
        server, address, {"type": "hello", "token": mint(server, hall, kind, window)}
    )
    assert welcome["type"] == "welcome", welcome
    return device


def http_from(server: ServerProcess, address: str, token: str = ADMIN_TOKEN) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {token}"},
        transport=httpx.HTTPTransport(local_address=address),
        timeout=10.0,
    )


def code_of(reply: dict[str, Any]) -> str:
    return "ok" if reply["ok"] else str(reply["error"]["code"])


# --- permissions first --------------------------------------------------------------------------


async def test_a_device_that_may_not_sign_in_gets_forbidden_whatever_the_password(
    server: ServerProcess, hall: str
) -> None:
    kiosk = await paired_from(server, "127.0.0.2", hall, "kiosk")
    issued = await kiosk.ok("issue_ticket", {"service": "social"})
    phone, _ = await device_from(
        server, "127.0.0.2", {"type": "hello", "kind": "tracker", "track": issued["track"]}
    )
    devices = [
        kiosk,
        phone,  # a citizen's phone
        await paired_from(server, "127.0.0.2", hall, "call_screen"),
        await paired_from(server, "127.0.0.2", hall, "window_screen", "1"),
        await paired_from(server, "127.0.0.2", hall, "rating_pad", "1"),
        await paired_from(server, "127.0.0.2", hall, "clerk", "2"),  # another window's clerk
    ]
    for device in devices:
        right = await device.command("sign_in", RIGHT)
        wrong = await device.command("sign_in", WRONG)
        assert (code_of(right), code_of(wrong)) == ("forbidden", "forbidden"), (right, wrong)
        assert right["error"] == wrong["error"]
        await device.close()

    with http_from(server, "127.0.0.2", mint(server, hall, "kiosk")) as http:
        path = f"/api/halls/{hall}/commands/sign_in"
        answers = [http.post(path, json=args) for args in (RIGHT, WRONG)]
    assert [(r.status_code, r.json()["error"]["code"]) for r in answers] == [(403, "forbidden")] * 2


# --- lockouts -----------------------------------------------------------------------------------


async def test_five_failures_lock_a_staff_number_whatever_the_password(
    server: ServerProcess, hall: str
) -> None:
    clerk = await paired_from(server, "127.0.0.3", hall, "clerk", "1")
    for _ in range(5):
        assert code_of(await clerk.command("sign_in", WRONG)) == "unauthorized"

    refused = await clerk.command("sign_in", RIGHT)  # the right password, too late
    tablet = await paired_from(server, "127.0.0.4", hall, "tablet")
    manager = await tablet.command("manager_sign_in", {"staff": "1001", "password": "secret1"})
    with http_from(server, "127.0.0.4") as http:  # the admin token, from elsewhere
        over_http = http.post(f"/api/halls/{hall}/commands/sign_in", json=RIGHT)
    other = await tablet.command("manager_sign_in", {"staff": "9001", "password": "manager1"})

    assert code_of(refused) == LOCKED and "15 minutes" in refused["error"]["message"]
    assert code_of(manager) == LOCKED  # the number is locked for both sign-in commands
    assert (over_http.status_code, over_http.json()["error"]["code"]) == (429, LOCKED)
    assert code_of(other) == "ok"  # another staff number is not
    await clerk.close()
    await tablet.close()


async def test_twenty_failures_lock_a_client_address_on_both_transports(
    server: ServerProcess, hall: str
) -> None:
    path = f"/api/halls/{hall}/commands/sign_in"
    with http_from(server, "127.0.0.5") as http:
        answers = [
            http.post(path, json={**WRONG, "staff": f"8{i:03d}"}) for i in range(20)
        ]  # twenty numbers: none of them locked by itself
        locked = http.post(path, json=RIGHT)
    assert {(a.status_code, a.json()["error"]["code"]) for a in answers} == {(401, "unauthorized")}
    assert (locked.status_code, locked.json()["error"]["code"]) == (429, LOCKED)

    clerk = await paired_from(server, "127.0.0.5", hall, "clerk", "1")
    assert code_of(await clerk.command("sign_in", RIGHT)) == LOCKED  # the websocket too
    await clerk.close()
    elsewhere = await paired_from(server, "127.0.0.6", hall, "clerk", "1")
    assert code_of(await elsewhere.command("sign_in", RIGHT)) == "ok"
    await elsewhere.close()


async def test_an_unknown_number_and_a_wrong_password_get_the_same_answer(
    server: ServerProcess, hall: str
) -> None:
    clerk = await paired_from(server, "127.0.0.7", hall, "clerk", "1")

    unknown = await clerk.command("sign_in", {**RIGHT, "staff": "7777"})
    wrong = await clerk.command("sign_in", WRONG)

    assert code_of(unknown) == "unauthorized" and unknown["error"] == wrong["error"]
    await clerk.close()


async def test_failures_are_logged_without_the_password_and_counted(
    server: ServerProcess, hall: str
) -> None:
    clerk = await paired_from(server, "127.0.0.8", hall, "clerk", "1")
    password = "Pa55-never-logged"
    for _ in range(6):
        await clerk.command("sign_in", {**RIGHT, "password": password})
    await clerk.close()
    with http_from(server, "127.0.0.8") as http:
        exposition = http.get("/metrics").text
        devices = http.get(f"/api/halls/{hall}/devices").json()

    lines = [line for line in server.log().splitlines() if f"hall={hall} " in line]
    (clerk_id,) = [d["device"] for d in devices if d["kind"] == "clerk"]
    failed = [line for line in lines if "sign-in failed" in line]
    assert len(failed) == 5
    assert all(f"device={clerk_id}" in line and "staff='1001'" in line for line in failed)
    assert "origin=127.0.0.8" in failed[0] and "locked=yes" in failed[-1]
    assert password not in server.log()
    counted = {
        (sample.labels["command"], sample.labels["reason"]): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "hall_sign_in_failures_total" and sample.labels["hall"] == hall
    }
    assert counted == {("sign_in", "unauthorized"): 5.0, ("sign_in", LOCKED): 1.0}


# --- a burst of sign-ins ----------------------------------------------------------------------


async def test_sign_ins_in_flight_do_not_stall_tickets_or_readiness(
    server: ServerProcess,
) -> None:
    """Four clerk terminals send 16 sign-ins each at once (each its own clerk's, with the right
    password: nothing locks), while a kiosk issues tickets and the load balancer asks /readyz."""
    hall = f"s{uuid.uuid4().hex[:8]}"
    create_hall(server, hall, windows=4)
    clerks = []
    for window in ("1", "2", "3", "4"):
        add_staff(server, hall, f"200{window}", f"办事员{window}")
        clerks.append((await paired_from(server, "127.0.0.9", hall, "clerk", window), window))
    kiosk = await paired_from(server, "127.0.0.10", hall, "kiosk")
    burst = [
        asyncio.create_task(
            clerk.command("sign_in", {"window": window, "staff": f"200{window}", **SECRET})
        )
        for clerk, window in clerks
        for _ in range(16)
    ]
    waits, ready = [], []
    async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as http:
        while not all(task.done() for task in burst):
            started = time.perf_counter()
            await kiosk.ok("issue_ticket", {"service": "social"})
            waits.append(time.perf_counter() - started)
            ready.append((await http.get("/readyz")).status_code)
    replies = await asyncio.gather(*burst)

    assert max(waits) < STALL_S, f"issue_ticket took up to {max(waits):.2f} s: {waits}"
    assert set(ready) == {200}
    assert [code_of(reply) for reply in replies] == ["ok"] * len(burst)
    for device in (*(clerk for clerk, _ in clerks), kiosk):
        await device.close()
