"""Random text in every text field of every command, over the websocket and over HTTP, while
kiosks issue tickets: every command gets exactly one reply, text no database stores (a NUL
character, a lone surrogate) is `bad_request` naming its field, nothing else fails
(`internal_error`, `unavailable`), and every kiosk's ticket commits. On SQLite and on the real
PostgreSQL (which refuses NUL in text where SQLite takes it), against a real server process.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect

from displays.protocol import MAX_ID_CHARS, safe_text
from hall.storage import SqlStore
from tests.displays.text_fields import TEXT_FIELDS, TextField
from tests.support.server import (
    ADMIN_TOKEN,
    CLERK,
    MANAGER,
    HallSetup,
    ServerProcess,
    mint,
    new_hall,
)

ANSWERED_WITHIN = 15.0
"""Seconds for every command of a round to be answered (a hang fails the round)."""
KIOSKS, TICKETS = 2, 10
"""Kiosks issuing tickets during each round, and the tickets each issues."""
FUZZED_IDS = 5
FAILURES = {"internal_error", "unavailable"}
KIOSK_COMMANDS = frozenset({"issue_ticket", "check_in", "reactivate"})
_unique = itertools.count()


@dataclass
class Served:
    server: ServerProcess
    hall: str
    store: SqlStore
    tokens: dict[str, str]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp(f"bad-text-{request.param}")
    database, dropped = f"sqlite:///{workdir / 'hall.db'}", None
    if request.param == "postgres":
        database, dropped = _postgres_database(request.getfixturevalue("postgres_admin"))
    process = ServerProcess(database, workdir)
    store = SqlStore(database)
    try:
        process.start()
        setup = HallSetup(staff=(CLERK, MANAGER), rules={"tablet_requires_manager": False})
        hall = new_hall(process, setup)
        tokens = {
            "fuzz_kiosk": mint(process, hall, "kiosk"),
            "tablet": mint(process, hall, "tablet"),
            "rating_pad": mint(process, hall, "rating_pad", "1"),
            **{f"kiosk{n}": mint(process, hall, "kiosk") for n in range(KIOSKS)},
        }
        yield Served(process, hall, store, tokens)
    finally:
        process.stop()
        store.close()
        if dropped is not None:
            dropped()


def _postgres_database(admin: str) -> tuple[str, Any]:
    """A fresh database for the module, and what drops it."""
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    info = psycopg.conninfo.conninfo_to_dict(admin)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    user, host, port = info.get("user", "postgres"), info.get("host"), info.get("port")
    return f"postgresql://{user}@{host}:{port}/{name}", drop


# --- what a round sends ------------------------------------------------------------------------

BAD_TEXT = st.sampled_from(["\ud800", "\udfff", "a\udc00b", "\x00", "号\x00码", "\ud83d"])
TEXTS = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from(["\ud800", "\udc00", "\x00", "a", "号", " "]), max_size=8),
    BAD_TEXT,
)


@dataclass(frozen=True)
class Sent:
    """One command sent, and what it must get."""

    transport: str
    command: str
    field: str
    text: str

    @property
    def refused(self) -> bool:
        return not safe_text(self.text)


@dataclass
class Answers:
    """What one websocket got: replies by command id, and errors."""

    replies: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    errors: list[dict[str, Any]] = field(default_factory=list)


def as_received(text: str) -> str:
    """The text as the server reads it from JSON: a high and a low surrogate in a row make one
    character there (only a lone one stays a surrogate)."""
    received: str = json.loads(json.dumps(text))
    return received


def ws_kind(text_field: TextField) -> str:
    if text_field.command in KIOSK_COMMANDS:
        return "fuzz_kiosk"
    return "rating_pad" if text_field.command == "rate" else "tablet"


def command_frame(command_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "command", "id": command_id, "name": name, "args": args}


async def exchange(
    url: str, token: str, frames: list[tuple[str | None, dict[str, Any]]]
) -> Answers:
    """Send each frame on one new connection; `None` for a frame whose id cannot be read (it
    gets an `error`). Read until every command is answered and a closing ping got its pong."""
    answers = Answers()
    async with connect(url, max_queue=None) as socket:  # unread events must not stall it
        await socket.send(json.dumps({"type": "hello", "token": token}))
        for _, frame in frames:
            await socket.send(json.dumps(frame))  # ASCII JSON: lone surrogates escaped
        await socket.send(json.dumps({"type": "ping"}))
        ids = {command_id for command_id, _ in frames if command_id is not None}
        unreadable = sum(1 for command_id, _ in frames if command_id is None)
        pong = False
        async with asyncio.timeout(ANSWERED_WITHIN):
            while not (
                pong and ids <= answers.replies.keys() and len(answers.errors) >= unreadable
            ):
                message = json.loads(await socket.recv())
                if message["type"] == "reply":
                    answers.replies[message["id"]].append(message)
                elif message["type"] == "error":
                    answers.errors.append(message)
                elif message["type"] == "pong":
                    pong = True
    return answers


async def post(http: httpx.AsyncClient, hall: str, name: str, args: dict[str, Any]) -> Any:
    response = await http.post(
        f"/api/halls/{hall}/commands/{name}",
        content=json.dumps(args),
        headers={"Idempotency-Key": f"http-{next(_unique)}"},
    )
    body = response.json()
    assert response.status_code == (200 if body["ok"] else response.status_code)
    return body


def check(sent: Sent, reply: dict[str, Any]) -> None:
    if sent.refused:
        assert reply["ok"] is False, (sent, reply)
        assert reply["error"]["code"] == "bad_request", (sent, reply)
        assert f"args.{sent.field}" in reply["error"]["message"], (sent, reply)
    else:
        assert reply["ok"] or reply["error"]["code"] not in FAILURES, (sent, reply)


async def one_round(served: Served, texts: list[tuple[str, str]], ids: list[str]) -> None:
    url = served.server.ws_url
    frames: dict[str, list[tuple[str | None, dict[str, Any]]]] = defaultdict(list)
    sent_ws: dict[str, Sent] = {}
    for text_field, (ws_text, _) in zip(TEXT_FIELDS, texts, strict=True):
        command_id = f"f{next(_unique)}"
        frame = command_frame(command_id, text_field.command, text_field.args(ws_text))
        frames[ws_kind(text_field)].append((command_id, frame))
        sent_ws[command_id] = Sent("ws", text_field.command, text_field.field, as_received(ws_text))
    for text in ids:
        command_id = f"{text}~{next(_unique)}"
        received = as_received(command_id)
        readable = safe_text(received) and len(received) <= MAX_ID_CHARS
        frame = command_frame(command_id, "issue_ticket", {"service": "social"})
        frames["fuzz_kiosk"].append((received if readable else None, frame))
    for kiosk in range(KIOSKS):
        for _ in range(TICKETS):
            command_id = f"t{next(_unique)}"
            frame = command_frame(command_id, "issue_ticket", {"service": "social"})
            frames[f"kiosk{kiosk}"].append((command_id, frame))

    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}
    over_http = [
        (Sent("http", f.command, f.field, as_received(http_text)), f.args(http_text))
        for f, (_, http_text) in zip(TEXT_FIELDS, texts, strict=True)
        if not f.session
    ]
    async with httpx.AsyncClient(base_url=served.server.url, headers=headers, timeout=30) as http:
        ws_answers, http_replies = await asyncio.gather(
            asyncio.gather(
                *[exchange(url, served.tokens[kind], sent) for kind, sent in frames.items()]
            ),
            asyncio.gather(
                *[post(http, served.hall, sent.command, args) for sent, args in over_http]
            ),
        )

    for (sent, _), reply in zip(over_http, http_replies, strict=True):
        check(sent, reply)
    tickets = []
    for kind, answers in zip(frames, ws_answers, strict=True):
        expected = {command_id for command_id, _ in frames[kind] if command_id is not None}
        assert set(answers.replies) == expected, kind
        assert all(len(replies) == 1 for replies in answers.replies.values()), "one reply each"
        unreadable = len(frames[kind]) - len(expected)
        assert len(answers.errors) == unreadable, answers.errors
        assert all(error["error"]["code"] == "bad_request" for error in answers.errors)
        for command_id, (reply,) in answers.replies.items():
            if command_id in sent_ws:
                check(sent_ws[command_id], reply)
            else:
                assert reply["ok"], reply
                tickets.append(reply["result"]["ticket"]["id"])
    assert len(tickets) >= KIOSKS * TICKETS
    for ticket in tickets:
        assert served.store.ticket(served.hall, ticket) is not None, "the ticket committed"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    texts=st.lists(st.tuples(TEXTS, TEXTS), min_size=len(TEXT_FIELDS), max_size=len(TEXT_FIELDS)),
    ids=st.lists(TEXTS, min_size=FUZZED_IDS, max_size=FUZZED_IDS),
)
def test_every_command_gets_one_reply_whatever_text_it_carries(
    served: Served, texts: list[tuple[str, str]], ids: list[str]
) -> None:
    asyncio.run(one_round(served, texts, ids))
