"""The command edge's staff sign-ins and floor-manager rule, against the in-memory hall of
`fakes.py`: permissions before any password, the lockout per connection whatever its address,
refusals counted, and a tablet's hall-changing commands only with a floor manager, whose staff
number goes on their events."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest

from displays.command_edge import CommandEdge, CommandSession
from displays.interface import DeviceIdentity, StaffIdentity
from displays.lockout import SOURCE_LIMIT
from queueing import events as ev
from tests.displays.fakes import DEVICES, HALL, FakeDirectory, FakeHalls, token
from tests.displays.halls import DOCUMENT

pytestmark = pytest.mark.anyio

CLERK_1 = {"window": "1", "staff": "s001", "password": "secret1"}
MANAGER = {"staff": "m001", "password": "secret9"}
TRACKER = DeviceIdentity("tracker-x", "tracker", HALL, ticket="20261123-A001")
_keys = itertools.count(1)


class CountingDirectory(FakeDirectory):
    """The fake directory, counting the passwords it was asked to check."""

    def __init__(self, halls: FakeHalls) -> None:
        super().__init__(halls)
        self.checked = 0

    async def check_staff(self, hall: str, number: str, password: str) -> StaffIdentity | None:
        self.checked += 1
        return await super().check_staff(hall, number, password)


class Watch:
    def __init__(self) -> None:
        self.refused: Counter[tuple[str, str, str]] = Counter()

    def sign_in_failed(self, hall: str, command: str, reason: str) -> None:
        self.refused[(hall, command, reason)] += 1


def device(name: str) -> DeviceIdentity:
    return DEVICES[token(name)]


def edge_for(halls: FakeHalls) -> tuple[CommandEdge, CountingDirectory, Watch]:
    directory, watch = CountingDirectory(halls), Watch()
    return CommandEdge(halls, directory, watch=watch), directory, watch


async def code_of(
    edge: CommandEdge, caller: DeviceIdentity, name: str, args: Any, **how: Any
) -> str:
    reply = await edge.run(caller, name, args, f"k-{next(_keys)}", **how)
    return "ok" if reply.ok else str(reply.body["code"])


@pytest.mark.parametrize(
    "caller",
    [device("kiosk"), device("call-screen"), device("window-screen-1"), device("rating-pad-1"),
     TRACKER],
    ids=lambda caller: caller.kind,
)  # fmt: skip
@pytest.mark.parametrize("name", ["sign_in", "manager_sign_in"])
async def test_a_kind_that_may_not_sign_in_is_forbidden_before_any_password_is_checked(
    caller: DeviceIdentity, name: str
) -> None:
    edge, directory, watch = edge_for(FakeHalls())
    args = CLERK_1 if name == "sign_in" else MANAGER

    right = await code_of(edge, caller, name, args, session=CommandSession())
    wrong = await code_of(edge, caller, name, {**args, "password": "x"}, session=CommandSession())

    assert (right, wrong) == ("forbidden", "forbidden")  # no oracle: the same answer
    assert directory.checked == 0 and not watch.refused


async def test_a_clerk_naming_another_window_is_forbidden_before_its_password() -> None:
    edge, directory, _ = edge_for(FakeHalls())

    code = await code_of(edge, device("clerk-1"), "sign_in", {**CLERK_1, "window": "5"})

    assert code == "forbidden" and directory.checked == 0


async def test_a_connection_is_locked_after_twenty_failures_whatever_its_address() -> None:
    edge, directory, watch = edge_for(FakeHalls())
    clerk, session = device("clerk-1"), CommandSession()
    for i in range(SOURCE_LIMIT):
        guess = {**CLERK_1, "staff": f"x{i:03d}"}  # 20 numbers: none of them is locked
        code = await code_of(edge, clerk, "sign_in", guess, session=session, origin=f"10.0.{i}.1")
        assert code == "unauthorized"

    locked = await code_of(edge, clerk, "sign_in", CLERK_1, session=session, origin="10.9.9.9")
    fresh = await code_of(
        edge, clerk, "sign_in", CLERK_1, session=CommandSession(), origin="10.9.9.9"
    )

    assert (locked, fresh) == ("too_many_attempts", "ok")
    assert directory.checked == SOURCE_LIMIT + 1  # the locked attempt was never checked
    assert watch.refused == {
        (HALL, "sign_in", "unauthorized"): SOURCE_LIMIT,
        (HALL, "sign_in", "too_many_attempts"): 1,
    }


async def test_a_tablets_hall_changing_command_needs_a_signed_in_manager() -> None:
    halls = FakeHalls()
    edge, _, _ = edge_for(halls)
    tablet, session = device("tablet"), CommandSession()
    before = halls.hall().seq

    refused = await code_of(edge, tablet, "broadcast", {"text": "午休"}, session=session)
    over_http = await edge.run(tablet, "broadcast", {"text": "午休"}, "h-1")
    signed_in = await code_of(edge, tablet, "manager_sign_in", MANAGER, session=session)

    assert (refused, signed_in) == ("unauthorized", "ok")
    assert over_http.body["code"] == "unauthorized" and "admin token" in over_http.body["message"]
    assert halls.hall().seq == before  # nothing changed
    assert await code_of(edge, tablet, "broadcast", {"text": "午休"}, session=session) == "ok"
    assert await code_of(edge, tablet, "open_window", {"window": "2"}, session=session) == "ok"
    made = [(type(e.event), e.event.by) for e in halls.hall().log[before:]]
    assert made == [  # the new day is nobody's doing
        (ev.DayStarted, None),
        (ev.HallBroadcast, "m001"),
        (ev.WindowChanged, "m001"),
    ]


async def test_other_kinds_and_the_admin_need_no_manager_and_record_none() -> None:
    halls = FakeHalls()
    edge, _, _ = edge_for(halls)
    before = halls.hall().seq

    assert await code_of(edge, device("kiosk"), "issue_ticket", {"service": "general"}) == "ok"
    admin = DeviceIdentity("admin", "admin", HALL)
    assert await code_of(edge, admin, "broadcast", {"text": "午休"}) == "ok"
    assert {e.event.by for e in halls.hall().log[before:]} == {None}


async def test_with_the_rule_off_a_tablet_needs_no_manager_and_records_one_it_has() -> None:
    rules = {**DOCUMENT.get("rules", {}), "tablet_requires_manager": False}
    halls = FakeHalls([{**DOCUMENT, "rules": rules}])
    edge, _, _ = edge_for(halls)
    tablet, session = device("tablet"), CommandSession()

    assert await code_of(edge, tablet, "broadcast", {"text": "一"}, session=session) == "ok"
    assert await code_of(edge, tablet, "broadcast", {"text": "二"}) == "ok"  # over HTTP
    assert await code_of(edge, tablet, "manager_sign_in", MANAGER, session=session) == "ok"
    assert await code_of(edge, tablet, "broadcast", {"text": "三"}, session=session) == "ok"

    made = [
        (e.event.text, e.event.by)
        for e in halls.hall().log
        if isinstance(e.event, ev.HallBroadcast)
    ]
    assert made == [("一", None), ("二", None), ("三", "m001")]
