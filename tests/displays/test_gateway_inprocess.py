"""The websocket gateway's protocol, in-process: the real `Gateway` under a real uvicorn server
in the test's own event loop, real websocket clients, and the in-memory hall of `fakes.py`.

No `hall serve` process: what a device sees is checked against the fake hall's own seqs. A test
that changes the hall without a device calls `service.commit`, which publishes at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from displays.gateway import Gateway
from queueing import commands as cmd
from tests.displays.fakes import FakeDirectory, FakeHalls, token
from tests.support.inprocess import serving as serving_app

pytestmark = pytest.mark.anyio

TIMEOUT = 5.0
"""How long a device waits for any one frame."""

Message = dict[str, Any]


# --- a server in this event loop --------------------------------------------------------------


@asynccontextmanager
async def serving(gateway: Gateway) -> AsyncIterator[str]:
    """Serve `gateway` at `/ws` on a free local port, as `hall serve` does; the URL of `/ws`."""

    async def endpoint(websocket: WebSocket) -> None:
        # A function, not the instance: Starlette takes a callable object for a raw ASGI app.
        await gateway(websocket)

    app = Starlette(routes=[WebSocketRoute("/ws", endpoint)])
    async with serving_app(app) as address:
        yield f"ws://{address}/ws"


# --- devices ----------------------------------------------------------------------------------


class Device:
    """One websocket client reading the server's frames in order."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.backlog: list[Message] = []
        """Frames read while waiting for a reply, for `receive` to return first."""

    async def send(self, message: Message | str | bytes) -> None:
        frame = message if isinstance(message, str | bytes) else json.dumps(message)
        await self.connection.send(frame)

    async def receive(self) -> Message:
        """The next frame from the server (within `TIMEOUT`)."""
        if self.backlog:
            return self.backlog.pop(0)
        return await self._read()

    async def _read(self) -> Message:
        message: Message = json.loads(await asyncio.wait_for(self.connection.recv(), TIMEOUT))
        return message

    async def event(self) -> Message:
        message = await self.receive()
        assert message["type"] == "event", message
        return message

    async def command(self, name: str, args: Message, id: str = "c1") -> Message:
        """Send a command; its reply (frames before it stay for `receive`)."""
        await self.send({"type": "command", "id": id, "name": name, "args": args})
        return await self.reply(id)

    async def reply(self, id: str) -> Message:
        read: list[Message] = []
        while True:
            message = await self._read()
            if message["type"] == "reply" and message["id"] == id:
                self.backlog += read
                return message
            read.append(message)

    async def closed(self) -> tuple[int | None, list[Message]]:
        """Read until the server closes the socket: its close code and the frames before."""
        frames = [*self.backlog]
        self.backlog.clear()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frames.append(await self._read())
        received = closed.value.rcvd
        return (received.code if received is not None else None), frames


class Devices:
    """Opens devices on a server; closes them all at the end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.stack = AsyncExitStack()

    async def __aenter__(self) -> Devices:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stack.aclose()

    async def socket(self) -> Device:
        """A connection that has sent nothing yet."""
        return Device(await self.stack.enter_async_context(connect(self.url)))

    async def hello(self, device: str, resume: int | None = None) -> tuple[Device, Message]:
        """A device of `fakes.DEVICES` after its hello, and its welcome."""
        client = await self.socket()
        hello: Message = {"type": "hello", "token": token(device)}
        if resume is not None:
            hello["resume"] = resume
        await client.send(hello)
        welcome = await client.receive()
        assert welcome["type"] == "welcome", welcome
        return client, welcome


@pytest.fixture
def service() -> FakeHalls:
    """The demo hall on a Monday at 09:00 with clerks signed in at windows 1 and 5."""
    halls = FakeHalls()
    assert halls.commit(cmd.SignIn("1", "s001", "张三")).ok
    assert halls.commit(cmd.SignIn("5", "s005", "李四")).ok
    return halls


@pytest.fixture
def directory(service: FakeHalls) -> FakeDirectory:
    return FakeDirectory(service)


@pytest.fixture
async def devices(service: FakeHalls, directory: FakeDirectory) -> AsyncIterator[Devices]:
    async with serving(Gateway(service, directory)) as url, Devices(url) as opened:
        yield opened


def issue(service: FakeHalls, n: int = 1) -> None:
    for _ in range(n):
        assert service.commit(cmd.IssueTicket("general")).ok


# --- session start ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        {"type": "ping"},
        {"type": "command", "id": "c1", "name": "issue_ticket", "args": {"service": "general"}},
        "not json",
    ],
    ids=["ping", "command", "not-json"],
)
async def test_the_first_message_must_be_hello(devices: Devices, first: Message | str) -> None:
    client = await devices.socket()
    await client.send(first)
    code, frames = await client.closed()
    assert [f["error"]["code"] for f in frames] == ["hello_required"]
    assert code == 4401


async def test_a_socket_silent_past_the_hello_timeout_is_closed(
    service: FakeHalls, directory: FakeDirectory
) -> None:
    gateway = Gateway(service, directory, hello_timeout=0.2)
    async with serving(gateway) as url, connect(url) as connection:
        code, frames = await Device(connection).closed()
    assert [f["error"]["code"] for f in frames] == ["hello_required"]
    assert code == 4401


@pytest.mark.parametrize(
    "hello",
    [
        {"type": "hello", "token": "token-nobody"},
        {"type": "hello"},
        {"type": "hello", "kind": "tracker", "track": "track-nobody"},
    ],
    ids=["unknown-token", "no-token", "unknown-track"],
)
async def test_a_hello_without_a_known_token_is_unauthorized(
    devices: Devices, hello: Message
) -> None:
    client = await devices.socket()
    await client.send(hello)
    code, frames = await client.closed()
    assert [f["error"]["code"] for f in frames] == ["unauthorized"]
    assert code == 4401


async def test_welcome_names_the_device_and_carries_a_snapshot_at_the_halls_seq(
    devices: Devices, service: FakeHalls
) -> None:
    _, welcome = await devices.hello("clerk-5")
    assert welcome["device"] == {"id": "clerk-5", "kind": "clerk", "hall": "demo", "window": "5"}
    assert welcome["seq"] == service.hall().seq
    windows = {w["id"]: w for w in welcome["snapshot"]["windows"]}
    assert windows["5"]["status"] == "idle" and windows["5"]["clerk"] == "李四"
    assert windows["2"]["status"] == "closed"
    assert {q["id"] for q in welcome["snapshot"]["queues"]} == {"A", "B"}


# --- commands -----------------------------------------------------------------------------------


async def test_a_command_is_answered_and_its_event_reaches_other_devices_with_the_next_seq(
    devices: Devices,
) -> None:
    kiosk, _ = await devices.hello("kiosk")
    screen, welcome = await devices.hello("call-screen")
    reply = await kiosk.command("issue_ticket", {"service": "general"}, id="k-1")
    assert reply["ok"] is True and reply["result"]["ticket"]["number"] == "A001"
    event = await screen.event()
    assert event["seq"] == welcome["seq"] + 1
    assert event["event"] == "ticket.issued"
    assert event["data"]["ticket"]["number"] == "A001"
    assert "track" not in event["data"]["ticket"]  # the tracker token is the kiosk's alone


async def test_a_repeated_command_id_gets_the_first_reply_and_changes_nothing(
    devices: Devices,
) -> None:
    screen, welcome = await devices.hello("call-screen")
    kiosk, _ = await devices.hello("kiosk")
    first = await kiosk.command("issue_ticket", {"service": "general"}, id="retry-1")
    await kiosk.connection.close()  # the kiosk timed out, reconnects and retries
    kiosk, _ = await devices.hello("kiosk")
    again = await kiosk.command("issue_ticket", {"service": "general"}, id="retry-1")
    assert again == first
    other = await kiosk.command("issue_ticket", {"service": "general"}, id="retry-2")
    assert other["result"]["ticket"]["number"] == "A002"
    # The retry committed no event: the screen's next two are both tickets, one after the other.
    events = [await screen.event(), await screen.event()]
    assert [e["seq"] for e in events] == [welcome["seq"] + 1, welcome["seq"] + 2]
    assert [e["data"]["ticket"]["number"] for e in events] == ["A001", "A002"]


def _command(id: str, name: str, args: Any) -> Message:
    return {"type": "command", "id": id, "name": name, "args": args}


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ("{not json", "message"),
        ("[1, 2]", "message"),
        ({"type": "subscribe"}, "type"),
        ({"type": "command", "id": "", "name": "issue_ticket"}, "id"),
        ({"type": "hello", "token": token("kiosk"), "resume": -1}, "resume"),
        (_command("c1", "fly", {}), "name"),
        (_command("c2", "issue_ticket", {}), "args.service"),
        (_command("c3", "issue_ticket", {"service": 7}), "args.service"),
        (_command("c4", "issue_ticket", {"service": "general", "colour": "red"}), "args.colour"),
        (_command("c5", "issue_ticket", ["general"]), "args"),
        (b"\x00binary", None),
    ],
    ids=[
        "malformed-json",
        "not-an-object",
        "unknown-type",
        "empty-id",
        "hello-with-negative-resume",
        "unknown-command",
        "missing-arg",
        "mistyped-arg",
        "unknown-arg",
        "args-not-an-object",
        "binary-frame",
    ],
)
async def test_bad_input_gets_bad_request_naming_the_field_and_the_socket_stays_open(
    devices: Devices, service: FakeHalls, frame: Message | str | bytes, field: str | None
) -> None:
    kiosk, _ = await devices.hello("kiosk")
    seq = service.hall().seq
    await kiosk.send(frame)
    answer = await kiosk.receive()
    if isinstance(frame, dict) and frame["type"] == "command" and frame["id"]:
        assert answer["type"] == "reply" and answer["id"] == frame["id"]
        assert answer["ok"] is False
    else:
        assert answer["type"] == "error"
    assert answer["error"]["code"] == "bad_request"
    if field is not None:
        assert answer["error"]["message"].startswith(f"{field}:"), answer
    await kiosk.send({"type": "ping"})
    assert await kiosk.receive() == {"type": "pong"}
    assert service.hall().seq == seq


@pytest.mark.parametrize(
    ("device", "name", "args"),
    [
        ("call-screen", "issue_ticket", {"service": "general"}),
        ("window-screen-5", "call_next", {"window": "5"}),
        ("kiosk", "call_next", {"window": "1"}),
        ("clerk-1", "call_next", {"window": "5"}),  # a clerk acts for its own window only
        ("rating-pad-1", "issue_ticket", {"service": "general"}),
    ],
    ids=["call-screen", "window-screen", "kiosk", "clerk-other-window", "rating-pad"],
)
async def test_a_kind_sending_a_command_it_may_not_is_forbidden(
    devices: Devices, service: FakeHalls, device: str, name: str, args: Message
) -> None:
    issue(service)
    seq = service.hall().seq
    client, _ = await devices.hello(device)
    reply = await client.command(name, args)
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
    assert service.hall().seq == seq


async def test_a_clerk_signs_in_with_a_staff_password(devices: Devices) -> None:
    clerk, _ = await devices.hello("clerk-1")
    assert (await clerk.command("sign_out", {"window": "1"}, id="out"))["ok"] is True
    staff = {"window": "1", "staff": "s001"}
    wrong = await clerk.command("sign_in", {**staff, "password": "nope"}, id="in-1")
    assert wrong["ok"] is False and wrong["error"]["code"] == "unauthorized"
    right = await clerk.command("sign_in", {**staff, "password": "secret1"}, id="in-2")
    assert right["ok"] is True and right["result"]["window"]["clerk"] == "张三"


# --- events -------------------------------------------------------------------------------------


async def test_a_window_screen_receives_only_its_windows_events(
    devices: Devices, service: FakeHalls
) -> None:
    screen_1, welcome = await devices.hello("window-screen-1")
    screen_5, _ = await devices.hello("window-screen-5")
    seq = welcome["seq"]
    issue(service, 2)  # seq + 1, seq + 2: no window's
    assert service.commit(cmd.CallNext("1")).ok  # seq + 3, seq + 4
    assert service.commit(cmd.CallNext("5")).ok  # seq + 5, seq + 6
    assert service.commit(cmd.Broadcast("午间照常办理")).ok  # seq + 7: everyone's
    for screen, window, own in ((screen_1, "1", [3, 4]), (screen_5, "5", [5, 6])):
        events = [await screen.event() for _ in range(3)]
        assert [e["seq"] - seq for e in events] == [*own, 7]
        assert {e["event"] for e in events[:2]} == {"ticket.called", "window.changed"}
        assert all(e["data"]["window"]["id"] == window for e in events[:2])
        assert events[2]["event"] == "hall.broadcast"


async def test_resume_replays_exactly_the_missed_events_then_live_ones(
    devices: Devices, service: FakeHalls
) -> None:
    screen, welcome = await devices.hello("call-screen")
    issue(service)
    seen = (await screen.event())["seq"]
    await screen.connection.close()
    issue(service, 3)  # missed while away
    screen, welcome = await devices.hello("call-screen", resume=seen)
    assert welcome["replay"] is True and welcome["seq"] == seen
    assert "snapshot" not in welcome
    replayed = [await screen.event() for _ in range(3)]
    assert [e["seq"] for e in replayed] == [seen + 1, seen + 2, seen + 3]
    assert [e["data"]["ticket"]["number"] for e in replayed] == ["A002", "A003", "A004"]
    issue(service)
    assert (await screen.event())["seq"] == seen + 4


async def test_a_window_screen_resuming_gets_only_its_windows_missed_events(
    devices: Devices, service: FakeHalls
) -> None:
    seq = service.hall().seq
    issue(service, 2)
    assert service.commit(cmd.CallNext("5")).ok  # seq + 3, seq + 4
    assert service.commit(cmd.CallNext("1")).ok  # seq + 5, seq + 6
    screen, welcome = await devices.hello("window-screen-1", resume=seq)
    assert welcome["replay"] is True
    replayed = [await screen.event() for _ in range(2)]
    assert [e["seq"] - seq for e in replayed] == [5, 6]
    assert service.commit(cmd.Broadcast("请保持安静")).ok
    assert (await screen.event())["seq"] == seq + 7


async def test_resume_from_a_seq_the_hall_never_had_gets_a_snapshot(
    devices: Devices, service: FakeHalls
) -> None:
    _, welcome = await devices.hello("call-screen", resume=10**6)
    assert welcome.get("replay") is not True
    assert welcome["seq"] == service.hall().seq and "windows" in welcome["snapshot"]


# --- devices that fall behind -------------------------------------------------------------------


@asynccontextmanager
async def behind(send_queue: int = 1_000) -> AsyncIterator[tuple[FakeHalls, Devices]]:
    """A hall served by a gateway whose devices hold `send_queue` frames beyond what their
    socket takes; every device closed, then the server stopped, at the end."""
    service = FakeHalls()
    gateway = Gateway(service, FakeDirectory(service), send_queue=send_queue)
    async with serving(gateway) as url, Devices(url) as devices:
        yield service, devices


def gap_free(seqs: list[int]) -> bool:
    return seqs == list(range(seqs[0], seqs[0] + len(seqs)))


NOTICE = ("请携带身份证原件到综合受理窗口办理。" * 12)[:200]
"""The longest notice: about 700 bytes a frame, so a few thousand fill every buffer between
the server and a device that reads nothing (several MB on loopback)."""


def flood(service: FakeHalls, frames: int = 15_000) -> None:
    """Commit `frames` long notices at once, with no chance for any device to read in between."""
    for _ in range(frames):
        assert service.commit(cmd.Broadcast(NOTICE)).ok


async def test_a_device_that_stops_reading_is_dropped_with_a_gap_free_prefix() -> None:
    """Frames go straight to the socket; once its buffers are full, at most `send_queue` more
    wait, and the device is then closed with 4408. What it got before is a prefix of the
    hall's stream, without a gap."""
    async with behind(send_queue=3) as (service, devices):
        screen, welcome = await devices.hello("call-screen")
        flood(service)
        code, frames = await screen.closed()
    assert code == 4408
    seqs = [welcome["seq"], *(f["seq"] for f in frames if f["type"] == "event")]
    assert gap_free(seqs) and len(seqs) < service.hall().seq


async def test_a_dropped_device_resumes_from_its_last_seq_without_a_gap() -> None:
    async with behind(send_queue=3) as (service, devices):
        screen, welcome = await devices.hello("call-screen")
        flood(service)
        code, frames = await screen.closed()
        assert code == 4408
        last = max([welcome["seq"], *(f["seq"] for f in frames if f["type"] == "event")])
        screen, welcome = await devices.hello("call-screen", resume=last)
        # more was missed than the send queue holds: the hall as it is now, then live events
        assert "replay" not in welcome and welcome["seq"] == service.hall().seq
        flood(service, 3)
        rest = [(await screen.event())["seq"] for _ in range(3)]
        assert rest == [welcome["seq"] + 1, welcome["seq"] + 2, welcome["seq"] + 3]


async def test_a_resume_longer_than_the_send_queue_gets_a_fresh_snapshot() -> None:
    """Replaying more than the send queue holds would drop the device before it got anything,
    again at every retry: it gets the hall as it is now instead, and stays connected."""
    async with behind(send_queue=5) as (service, devices):
        screen, welcome = await devices.hello("call-screen")
        await screen.connection.close()
        issue(service, 10)  # missed while away
        screen, again = await devices.hello("call-screen", resume=welcome["seq"])
        assert "replay" not in again
        assert again["seq"] == service.hall().seq
        assert again["snapshot"]["queues"]
        issue(service)
        assert (await screen.event())["seq"] == service.hall().seq


# --- keepalive ----------------------------------------------------------------------------------


async def test_ping_gets_pong(devices: Devices) -> None:
    screen, _ = await devices.hello("call-screen")
    await screen.send({"type": "ping"})
    assert await screen.receive() == {"type": "pong"}


async def test_a_quiet_connection_gets_server_pings(
    service: FakeHalls, directory: FakeDirectory
) -> None:
    gateway = Gateway(service, directory, ping_interval=0.2)
    async with serving(gateway) as url, Devices(url) as devices:
        screen, _ = await devices.hello("call-screen")
        ping = await screen.receive()
    assert ping["type"] == "ping" and ping["at"].endswith("Z")
