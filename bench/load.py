"""A light load generator for the real-time benchmarks: device sockets spread over worker
processes, each on uvloop, reading only the fields they time.

A worker is given `Role`s (kiosks issuing tickets as fast as replies come, screens recording
when each call arrives, sockets that only drain) and reports back what it saw and the CPU it
used. Frames are never parsed as a whole: a reply is recognised by its `type`, an event by its
name, a ticket by its `number` (regular expressions on the raw text). Times are
`time.monotonic()`, one clock for every process of the machine, so a send in one process and a
receipt in another can be subtracted.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import resource
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

EVENT = re.compile(r'"event":\s*"([a-z_.]+)"')
NUMBER = re.compile(r'"number":\s*"([^"]+)"')
SIGNED_OUT = '"cause": "sign_out"'
"""The end of a run: a clerk signing out, which every screen sees after every call before it."""
SETTLE_SECONDS = 60.0
"""How long a worker told to stop waits for its screens to see the end."""
CONNECT_BATCH = 200
"""Sockets a worker opens at once."""


@dataclass(frozen=True)
class Role:
    """Sockets one worker opens: `kind` is `kiosk` (issues tickets in a closed loop),
    `screen` (records the arrival of every `watch` event with its ticket number) or `drain`."""

    kind: str
    url: str
    token: str
    count: int = 1
    watch: str = "ticket.called"
    until: str = SIGNED_OUT
    """A screen stops at the first frame containing this: it has then seen every frame before."""


@dataclass
class Seen:
    """What a worker saw: per screen socket the (number, arrival) of each watched event; per
    kiosk the reply latencies; the worker's CPU seconds."""

    screens: list[list[tuple[str, float]]] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    commands: int = 0
    cpu_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of another process (from /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def hello(url: str, token: str) -> ClientConnection:
    ws = await connect(url, max_size=None, open_timeout=120, ping_interval=None)
    await ws.send(json.dumps({"type": "hello", "token": token}))
    await ws.recv()
    return ws


def command(request_id: str, name: str, **args: Any) -> str:
    return json.dumps({"type": "command", "id": request_id, "name": name, "args": args})


async def request(ws: ClientConnection, text: str) -> str:
    """Send a command and wait for its reply (events in between are skipped)."""
    await ws.send(text)
    while True:
        frame = await ws.recv()
        assert isinstance(frame, str)
        if frame.startswith('{"type": "reply"') or frame.startswith('{"type":"reply"'):
            return frame


# --- the worker process ------------------------------------------------------------------------


def worker(roles: Sequence[Role], conn: Connection) -> None:
    """A worker process: open the roles' sockets, say so, wait for (start, seconds), run, report."""
    import uvloop

    uvloop.run(_work(list(roles), conn))


async def _work(roles: list[Role], conn: Connection) -> None:
    seen = Seen()
    sockets: list[tuple[Role, ClientConnection]] = []
    for role in roles:
        for start in range(0, role.count, CONNECT_BATCH):
            batch = min(CONNECT_BATCH, role.count - start)
            opened = await asyncio.gather(*(hello(role.url, role.token) for _ in range(batch)))
            sockets += [(role, ws) for ws in opened]
    loop = asyncio.get_running_loop()
    conn.send("connected")
    start_at, seconds = await loop.run_in_executor(None, conn.recv)
    cpu_before = cpu_seconds()
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    tasks = []
    for role, ws in sockets:
        if role.kind == "kiosk":
            tasks.append(_kiosk(ws, start_at + seconds, seen))
        elif role.kind == "screen":
            record: list[tuple[str, float]] = []
            seen.screens.append(record)
            tasks.append(_screen(ws, role.watch, role.until, record))
        else:
            tasks.append(_drain(ws))
    running = [asyncio.ensure_future(task) for task in tasks]
    # kiosks end by themselves, screens at the end frame; drains when the parent says stop
    kinds = [role.kind for role, _ in sockets]
    kiosks = [task for task, kind in zip(running, kinds, strict=True) if kind == "kiosk"]
    screens = [task for task, kind in zip(running, kinds, strict=True) if kind == "screen"]
    if kiosks:
        await asyncio.gather(*kiosks)
    await loop.run_in_executor(None, conn.recv)
    if screens:
        await asyncio.wait(screens, timeout=SETTLE_SECONDS)
    for task in running:
        task.cancel()
    seen.cpu_seconds = cpu_seconds() - cpu_before
    await asyncio.gather(*running, return_exceptions=True)
    for _, ws in sockets:
        ws.transport.abort()
    conn.send(seen)


async def _kiosk(ws: ClientConnection, until: float, seen: Seen) -> None:
    n = 0
    while True:
        began = time.monotonic()
        if began >= until:
            return
        n += 1
        frame = await request(ws, command(f"k{n}", "issue_ticket", service="social"))
        seen.replies.append(time.monotonic() - began)
        if '"ok": true' not in frame and '"ok":true' not in frame:
            seen.errors.append(frame[:200])
        seen.commands += 1


async def _screen(
    ws: ClientConnection, watch: str, until: str, record: list[tuple[str, float]]
) -> None:
    marker = f'"{watch}"'
    async for frame in ws:
        received = time.monotonic()
        assert isinstance(frame, str)
        if until in frame:
            return
        if marker in frame:
            event = EVENT.search(frame)
            number = NUMBER.search(frame)
            if event and event.group(1) == watch and number:
                record.append((number.group(1), received))


async def _drain(ws: ClientConnection) -> None:
    async for _ in ws:
        pass


# --- the parent: workers started, synchronised, collected --------------------------------------


class Workers:
    """Worker processes with their roles. `connect()` waits until every socket is open;
    `run(seconds, drive)` starts them all at once, runs `drive` (the parent's own commands)
    meanwhile, and collects what each saw."""

    def __init__(self, plans: Sequence[Sequence[Role]]) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes = []
        for roles in plans:
            parent, child = context.Pipe()
            process = context.Process(target=worker, args=(list(roles), child), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def connect(self, timeout: float = 300.0) -> None:
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise RuntimeError("a load worker did not connect its sockets in time")
            message = pipe.recv()
            if message != "connected":
                raise RuntimeError(f"a load worker failed: {message}")

    async def run(
        self, seconds: float, drive: Callable[[float], Awaitable[None]] | None = None
    ) -> list[Seen]:
        start_at = time.monotonic() + 0.5
        for pipe in self.pipes:
            pipe.send((start_at, seconds))
        if drive is not None:
            await asyncio.sleep(max(0.0, start_at - time.monotonic()))
            await drive(start_at)
        else:
            await asyncio.sleep(max(0.0, start_at + seconds - time.monotonic()))
        return await asyncio.get_running_loop().run_in_executor(None, self._collect)

    def _collect(self) -> list[Seen]:
        for pipe in self.pipes:
            pipe.send("stop")
        seen = [pipe.recv() for pipe in self.pipes]
        for process in self.processes:
            process.join(10)
        return seen

    def close(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()


def spread(roles: Sequence[Role], workers: int) -> list[list[Role]]:
    """Split roles over `workers` plans, the sockets of each role divided evenly."""
    plans: list[list[Role]] = [[] for _ in range(workers)]
    for role in roles:
        share, extra = divmod(role.count, workers)
        for i, plan in enumerate(plans):
            count = share + (1 if i < extra else 0)
            if count:
                plan.append(replace(role, count=count))
    return [plan for plan in plans if plan]


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]
