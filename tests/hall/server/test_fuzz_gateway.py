"""Random frames at /ws (hypothesis): random JSON of random types, random nesting, random
unicode, random command names and arguments. The server stays up, the connection stays open,
and every well-formed command frame (a `command` with a readable id) gets exactly one reply."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from displays.protocol import COMMAND_SPECS
from tests.support.server import ServerProcess, mint, new_hall

READ_TIMEOUT = 10.0

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
names = st.sampled_from(sorted(COMMAND_SPECS)) | st.text(max_size=20)
arguments = st.dictionaries(
    st.sampled_from(["service", "window", "ticket", "text", "number", "priority"]) | st.text(),
    documents,
    max_size=4,
)


@st.composite
def commands(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "type": "command",
        "id": draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)),
        "name": draw(names),
        "args": draw(arguments | documents),
    }


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


frames = (
    commands()
    | documents.map(lambda document: json.dumps(document))
    | st.text(max_size=200)
    | st.integers(min_value=1, max_value=5_000).map(nested)
    | st.dictionaries(st.sampled_from(["type", "id", "name", "args"]), documents)
)


@pytest.fixture(scope="module")
def kiosk(server: ServerProcess) -> str:
    return mint(server, new_hall(server), "kiosk")


def send(connection: ClientConnection, frame: dict[str, Any] | str, number: int) -> str | None:
    """Send one frame; the id its reply will carry, when it is a well-formed command."""
    if isinstance(frame, dict) and frame.get("type") == "command" and frame.get("id"):
        frame = {**frame, "id": f"{number}-{frame['id']}"}
        connection.send(json.dumps(frame))
        return str(frame["id"])
    connection.send(frame if isinstance(frame, str) else json.dumps(frame))
    return None


def replies_to(connection: ClientConnection, expected: Counter[str]) -> Counter[str]:
    """Read until every expected reply came (or the time is up): the replies by id."""
    got: Counter[str] = Counter()
    while got != expected:
        try:
            message = json.loads(connection.recv(timeout=READ_TIMEOUT))
        except TimeoutError:
            return got  # the caller's comparison names what never came
        if message.get("type") == "reply":
            got[message["id"]] += 1
    connection.send(json.dumps({"type": "ping"}))
    while json.loads(connection.recv(timeout=READ_TIMEOUT)).get("type") != "pong":
        pass  # a late second reply to any command would have come before the pong
    return got


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(frames, min_size=1, max_size=15))
def test_random_frames_never_break_the_server_and_every_command_is_answered_once(
    server: ServerProcess, kiosk: str, batch: list[dict[str, Any] | str]
) -> None:
    with connect(f"{server.ws_url}", max_size=8 * 1024 * 1024) as connection:
        connection.send(json.dumps({"type": "hello", "token": kiosk}))
        assert json.loads(connection.recv(timeout=READ_TIMEOUT))["type"] == "welcome"
        expected: Counter[str] = Counter()
        for number, frame in enumerate(batch):
            request_id = send(connection, frame, number)
            if request_id is not None:
                expected[request_id] += 1
        assert replies_to(connection, expected) == expected, batch
    assert httpx.get(f"{server.url}/healthz").status_code == 200
