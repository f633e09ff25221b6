"""A real HTTP receiver of webhook deliveries for the tests: a `ThreadingHTTPServer` on a local
port in a thread of its own (it answers while the test's event loop is busy or blocked), which
records every request and answers as the test says: fail the first N requests, fail all of them,
or hold each request until the test releases it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.server import free_port

HOLD_LIMIT = 60.0
"""Seconds a held request waits for the release at most (a test that forgot it ends anyway)."""


@dataclass(frozen=True)
class Received:
    """One request as the receiver got it, and what it answered."""

    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def payload(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Receiver:
    """Serves until `close()`; `url` is where to deliver."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.requests: list[Received] = []
        self.fail_first = 0
        self.failing = False
        self.release = threading.Event()
        self.release.set()
        self.held = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/hall"

    def hold(self) -> None:
        """Hold every request from now on until `release.set()`."""
        self.release.clear()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def delivered(self) -> list[dict[str, Any]]:
        """The payloads answered with a 2xx, in the order they came."""
        with self._lock:
            return [r.payload for r in self.requests if r.ok]

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.requests)

    def _answer(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.held += 1
        self.release.wait(HOLD_LIMIT)
        with self._lock:
            self.held -= 1
            failed = self.failing or len(self.requests) < self.fail_first
            status = 503 if failed else 200
            self.requests.append(Received(headers, body, status))
        return status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = receiver._answer(headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def receiving(port: int | None = None) -> Iterator[Receiver]:
    """A fixture body: a receiver, closed after the test."""
    receiver = Receiver(port)
    try:
        yield receiver
    finally:
        receiver.close()
