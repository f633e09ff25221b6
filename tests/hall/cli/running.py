"""The `hall` command run as a user runs it (a subprocess), and a database with a hall in it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from displays.results import render_result
from hall.bus import open_bus
from hall.engine import Engine
from hall.storage import open_store
from queueing.config import parse_config
from tests.support.server import small_hall

ROOT = Path(__file__).resolve().parents[3]
HALL = "cli-hall"


def hall(
    *args: str | Path,
    stdin: str | int | None = subprocess.DEVNULL,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -m hall ARGS`: its status, stdout and stderr. `stdin`: text to pipe in, or a
    file descriptor / `subprocess` constant."""
    text_in = stdin if isinstance(stdin, str) else None
    descriptor = None if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "hall", *map(str, args)],
        input=text_in,
        stdin=descriptor,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
    )


def stderr_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return done.stderr.splitlines()


def closed_port() -> int:
    """A local TCP port nothing listens on (just released by the kernel)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def database_with_hall(path: Path, hall_id: str = HALL) -> str:
    """A new SQLite database at `path` holding one hall (configured through the real engine);
    its URL."""
    url = f"sqlite:///{path}"

    async def configure() -> None:
        store = open_store(url)
        store.upgrade()
        bus = open_bus("memory://")
        await bus.connect()
        engine = Engine(store, bus, render=render_result)
        await engine.start()
        try:
            await engine.configure(parse_config(small_hall(hall_id)))
        finally:
            await engine.stop()
            await bus.disconnect()
            store.close()

    asyncio.run(configure())
    return url
