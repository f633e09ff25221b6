"""The reference the real-time benchmarks compare hall with: the least a server can do to speak
the same protocol to the same client.

    python -m bench.reference_server --port 8765

A minimal `websockets` server that keeps a hall in memory (no storage, no validation beyond what
the benchmark sends) and answers `hello`, `sign_in`, `sign_out`, `issue_ticket`, `call_next`,
`start` and `finish` with the replies and the events hall sends for them (same names, same
shapes, about the same sizes: `bench/load.py` parses both the same way). Every event is encoded
once and fanned out with `websockets.broadcast()` to the sockets that receive it: hall-wide
devices get every event, a window screen only its window's.

A token names the device: `kiosk`, `call_screen`, `tablet`, `clerk:<window>`,
`window_screen:<window>`, `rating_pad:<window>`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

HALL_WIDE = ("kiosk", "call_screen", "tablet")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Ticket:
    id: str
    number: str
    issued_at: str
    state: str = "waiting"
    window: str | None = None

    def view(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "number": self.number,
            "queue": "A",
            "service": "social",
            "priority": "normal",
            "state": self.state,
            "issued_at": self.issued_at,
        }
        if self.window is not None:
            body["window"] = self.window
        return body


@dataclass
class Window:
    id: str
    status: str = "closed"
    clerk: str | None = None
    ticket: Ticket | None = None
    since: str = field(default_factory=_now)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": f"{self.id}号窗口",
            "status": self.status,
            "clerk": self.clerk,
            "clerk_number": "1001" if self.clerk else None,
            "reason": None,
            "ticket_id": self.ticket.id if self.ticket else None,
            "since": self.since,
            "queues": {"A": 1.0, "B": 1.0},
        }


class ReferenceHall:
    def __init__(self) -> None:
        self.seq = 0
        self.issued = 0
        self.waiting: deque[Ticket] = deque()
        self.windows: dict[str, Window] = {}
        self.hall_wide: set[ServerConnection] = set()
        self.by_window: dict[str, set[ServerConnection]] = {}

    def window(self, window_id: str) -> Window:
        if window_id not in self.windows:
            self.windows[window_id] = Window(window_id)
        return self.windows[window_id]

    def emit(self, name: str, data: dict[str, Any], window: str | None = None) -> None:
        self.seq += 1
        frame = {"type": "event", "seq": self.seq, "at": _now(), "event": name, "data": data}
        text = json.dumps(frame, ensure_ascii=False)
        broadcast(self.hall_wide, text)
        if window is not None and window in self.by_window:
            broadcast(self.by_window[window], text)

    def window_changed(self, window: Window, cause: str) -> None:
        window.since = _now()
        self.emit("window.changed", {"window": window.view(), "cause": cause}, window.id)

    # --- commands: each returns the reply's result and emits the command's events --------------

    def sign_in(self, window_id: str) -> dict[str, Any]:
        window = self.window(window_id)
        window.status, window.clerk = "idle", "王晓丽"
        self.window_changed(window, "sign_in")
        return {"window": {**window.view(), "ticket": None}}

    def sign_out(self, window_id: str) -> dict[str, Any]:
        window = self.window(window_id)
        window.status, window.clerk = "closed", None
        self.window_changed(window, "sign_out")
        return {"window": {**window.view(), "ticket": None}}

    def issue_ticket(self) -> dict[str, Any]:
        self.issued += 1
        number = f"A{self.issued:03d}"
        ticket = Ticket(f"20261204-{number}", number, _now())
        self.waiting.append(ticket)
        waiting = {"A": len(self.waiting), "B": 0}
        self.emit("ticket.issued", {"ticket": ticket.view(), "waiting": waiting})
        return {
            "ticket": ticket.view(),
            "position": len(self.waiting) - 1,
            "eta_seconds": 0,
            "track": "QraSyD0xg7Bof2Dbr0hCmMgdfcpwwk47",
            "print": ["测试政务服务中心", "社保医保", number, "前面还有 0 人等候"],
        }

    def call_next(self, window_id: str) -> dict[str, Any]:
        window = self.window(window_id)
        ticket = self.waiting.popleft()
        ticket.state, ticket.window = "called", window_id
        window.status, window.ticket = "calling", ticket
        announce = f"请{ticket.number}号到{window_id}号窗口办理"
        data = {
            "ticket": ticket.view(),
            "window": {"id": window_id, "name": f"{window_id}号窗口"},
            "recall": False,
            "announce": announce,
            "announce_en": f"Ticket {ticket.number}, please go to window {window_id}",
        }
        self.emit("ticket.called", data, window_id)
        self.window_changed(window, "call")
        return {"ticket": ticket.view()}

    def start(self, window_id: str) -> dict[str, Any]:
        window = self.window(window_id)
        assert window.ticket is not None
        window.ticket.state, window.status = "serving", "serving"
        place = {"id": window_id, "name": f"{window_id}号窗口"}
        self.emit("ticket.serving", {"ticket": window.ticket.view(), "window": place}, window_id)
        self.window_changed(window, "start")
        return {"ticket": window.ticket.view()}

    def finish(self, window_id: str) -> dict[str, Any]:
        window = self.window(window_id)
        ticket = window.ticket
        assert ticket is not None
        ticket.state, window.status, window.ticket = "finished", "idle", None
        place = {"id": window_id, "name": f"{window_id}号窗口"}
        finished = {"ticket": ticket.view(), "window": place, "wait_seconds": 0}
        self.emit("ticket.finished", {**finished, "service_seconds": 0, "next_queue": None})
        self.window_changed(window, "finish")
        rating = {"ticket": ticket.view(), "window": place, "requested_at": _now()}
        self.emit("rating.requested", rating, window_id)
        return {"ticket": ticket.view()}

    def run(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        if name == "issue_ticket":
            return self.issue_ticket()
        window = str(args.get("window", ""))
        handlers = {
            "sign_in": self.sign_in,
            "sign_out": self.sign_out,
            "call_next": self.call_next,
            "start": self.start,
            "finish": self.finish,
        }
        return handlers[name](window)

    # --- connections ---------------------------------------------------------------------------

    async def session(self, ws: ServerConnection) -> None:
        hello = json.loads(await ws.recv())
        kind, _, window = str(hello.get("token", "")).partition(":")
        device = {"id": hello.get("token"), "kind": kind, "hall": "ref", "window": window or None}
        snapshot = {"windows": [w.view() for w in self.windows.values()], "waiting": {}}
        welcome = {"type": "welcome", "device": device, "seq": self.seq, "snapshot": snapshot}
        await ws.send(json.dumps(welcome, ensure_ascii=False))
        audience = self.hall_wide if kind in HALL_WIDE else self.by_window.setdefault(window, set())
        audience.add(ws)
        try:
            async for text in ws:
                message = json.loads(text)
                if message.get("type") != "command":
                    continue
                try:
                    body = {"ok": True, "result": self.run(message["name"], message["args"])}
                except (KeyError, IndexError, AssertionError):
                    body = {"ok": False, "error": {"code": "bad_request", "message": "refused"}}
                reply = {"type": "reply", "id": message["id"], **body}
                await ws.send(json.dumps(reply, ensure_ascii=False))
        finally:
            audience.discard(ws)


async def run_reference(host: str, port: int, ready: asyncio.Event | None = None) -> None:
    hall = ReferenceHall()
    async with serve(hall.session, host, port, max_size=None, ping_interval=None) as server:
        if ready is not None:
            ready.set()
        print(f"reference server on ws://{host}:{port}", flush=True)
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(run_reference(args.host, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
