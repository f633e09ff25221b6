"""A real `hall serve` process on a free port, for tests that talk to the server over the wire."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.device import Device

ADMIN_TOKEN = "test-admin-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *extra: str,
        bus_url: str = "memory://",
        command: str = "serve",  # or "demo" (`hall demo`, which takes no --bus)
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.env = dict(env or {})
        self.workdir = workdir
        self.extra = extra
        self.bus_url = bus_url
        self.command = command
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def start(self, timeout: float = 20.0) -> None:
        env = {**os.environ, "HALL_ADMIN_TOKEN": ADMIN_TOKEN, **self.env}
        command = [
            sys.executable,
            "-m",
            "hall",
            self.command,
            "--port",
            str(self.port),
            "--database",
            self.database_url,
            *(["--bus", self.bus_url] if self.command == "serve" else []),
            "--log-level",
            "warning",
            *self.extra,
        ]
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                command, cwd=self.workdir, env=env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)  # polling for readiness, not hiding a race
        raise RuntimeError(f"server not ready in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """kill -9: no shutdown, no flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def admin(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10.0
        )


def small_hall(hall: str, windows: int = 3, **rules: Any) -> dict[str, Any]:
    """A hall document: queues A (综合受理) and B (税务), services, `windows` integrated windows."""
    return {
        "id": hall,
        "name": "测试政务服务中心",
        "timezone": "Asia/Shanghai",
        "queues": [
            {"id": "A", "name": "综合受理", "prefix": "A", "service_minutes": 6},
            {"id": "B", "name": "税务", "prefix": "B", "service_minutes": 8},
        ],
        "services": [
            {"id": "social", "name": "社保医保", "queue": "A"},
            {"id": "tax", "name": "税务申报", "queue": "B"},
            {"id": "newborn", "name": "新生儿出生一件事", "steps": ["A", "B"]},
        ],
        "windows": [
            {"id": str(i), "name": f"{i}号窗口", "queues": {"A": 1.0, "B": 1.0}}
            for i in range(1, windows + 1)
        ],
        # Tablets open windows and call there in many tests: a window needs no clerk here
        # unless a test asks for the default (`require_sign_in=True`).
        "rules": {"open_time": "00:00", "close_time": "24:00", "require_sign_in": False, **rules},
    }


def create_hall(server: ServerProcess, hall: str, **kwargs: Any) -> dict[str, Any]:
    document = small_hall(hall, **kwargs)
    with server.admin() as client:
        response = client.put(f"/api/halls/{hall}", json=document)
        assert response.status_code in (200, 201), response.text
    return document


def mint(server: ServerProcess, hall: str, kind: str, window: str | None = None) -> str:
    with server.admin() as client:
        body: dict[str, Any] = {"kind": kind}
        if window is not None:
            body["window"] = window
        response = client.post(f"/api/halls/{hall}/devices", json=body)
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token


def add_staff(
    server: ServerProcess,
    hall: str,
    number: str,
    name: str,
    password: str = "secret1",
    role: str = "clerk",
) -> None:
    with server.admin() as client:
        response = client.post(
            f"/api/halls/{hall}/staff",
            json={"number": number, "name": name, "password": password, "role": role},
        )
        assert response.status_code == 201, response.text


@dataclass(frozen=True)
class Staff:
    """A staff account of a test hall."""

    number: str
    name: str
    password: str = "secret1"
    role: str = "clerk"


CLERK = Staff("1001", "王晓丽")
MANAGER = Staff("9001", "李经理", password="manager1", role="manager")


@dataclass(frozen=True)
class HallSetup:
    """What `new_hall` makes: `small_hall` with these rules, and these staff accounts."""

    staff: tuple[Staff, ...] = ()
    rules: Mapping[str, Any] = field(default_factory=dict)


def new_hall(server: ServerProcess, setup: HallSetup | None = None, **rules: Any) -> str:
    """A hall with a fresh id on the server: `setup`'s staff and rules, `rules` added to them."""
    setup = setup if setup is not None else HallSetup()
    hall = f"h{uuid.uuid4().hex[:8]}"
    create_hall(server, hall, **{**setup.rules, **rules})
    for person in setup.staff:
        add_staff(server, hall, person.number, person.name, person.password, person.role)
    return hall


async def signed_in_tablet(
    server: ServerProcess, hall: str, manager: Staff = MANAGER
) -> tuple[Device, dict[str, Any]]:
    """A new tablet of the hall with a floor manager signed in on its connection (a tablet's
    hall-changing commands need one: hall rule `tablet_requires_manager`), and its welcome.
    Gives the hall the manager's account (again, if it has it)."""
    add_staff(server, hall, manager.number, manager.name, manager.password, manager.role)
    tablet, welcome = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    await tablet.ok("manager_sign_in", {"staff": manager.number, "password": manager.password})
    return tablet, welcome


def dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)
