"""The real-time path, measured against a reference with the same light client.

    python -m bench.bench_realtime commands [--kiosks 4] [--seconds 5]
    python -m bench.bench_realtime calls [--screens 200] [--rate 5] [--seconds 10]
    python -m bench.bench_realtime fanout [--screens 20] [--others 1980] [--rate 200]

Options for every scenario: `--against hall|reference|both` (default both),
`--processes 1|2` (2: two `hall serve` processes on one PostgreSQL and Redis, the devices spread
over both; `--database` names the PostgreSQL server, a fresh database is made on it),
`--workers N` (client processes; default 2).

`commands`: kiosks issue tickets as fast as their replies come (each reply is durable in hall).
`calls`: a kiosk and the clerks of 10 windows run call cycles (issue, call_next, start, finish:
eight events) at `rate` per second while `screens` call screens are connected; latency from
sending `call_next` to each screen receiving `ticket.called`. Every screen must see every call
exactly once and in order: the run says so or fails.
`fanout`: a kiosk issues `rate` tickets/s with `screens` call screens and `others` window screens
connected; latency from the command to each call screen's `ticket.issued`.

The reference is `bench/reference_server.py`: a `websockets` server answering from memory.
Every figure is printed with the CPU the server and the client used (% of one core) and hall's
figures also as a ratio to the reference's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx
import psycopg
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import (
    NUMBER,
    Role,
    Seen,
    Workers,
    command,
    cpu_seconds,
    hello,
    percentile,
    process_cpu_seconds,
    request,
    spread,
)
from tests.support.server import ServerProcess, add_staff, create_hall, free_port, mint

WINDOWS = 10
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


class Target(Protocol):
    name: str

    @property
    def urls(self) -> list[str]: ...

    @property
    def pids(self) -> list[int]: ...

    def token(self, kind: str, window: str | None = None) -> str: ...


# --- the two servers ---------------------------------------------------------------------------


class Reference:
    name = "reference"

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        log = (workdir / "reference.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.reference_server", "--port", str(self.port)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=log,
            stderr=log,
        )
        _wait_for_port(self.port)

    @property
    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{self.port}"]

    @property
    def pids(self) -> list[int]:
        return [self.process.pid]

    def token(self, kind: str, window: str | None = None) -> str:
        return kind if window is None else f"{kind}:{window}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Hall:
    name = "hall"

    def __init__(self, workdir: Path, processes: int, database: str | None) -> None:
        self.hall = f"b{uuid.uuid4().hex[:8]}"
        self.dropped: str | None = None
        if processes > 1 or database:
            url, self.dropped = _fresh_postgres(database or POSTGRES)
        else:
            url = f"sqlite:///{workdir}/bench.db"
        bus = REDIS if processes > 1 else "memory://"
        self.servers = [ServerProcess(url, workdir, bus_url=bus) for _ in range(processes)]
        self.servers[0].start()
        create_hall(self.servers[0], self.hall, windows=WINDOWS)
        for server in self.servers[1:]:
            server.start()
        for window in range(1, WINDOWS + 1):
            add_staff(self.servers[0], self.hall, f"{1000 + window}", f"clerk {window}")
        self._tokens: dict[tuple[str, str | None], str] = {}
        self.database = url

    @property
    def urls(self) -> list[str]:
        return [server.ws_url for server in self.servers]

    @property
    def pids(self) -> list[int]:
        return [server.process.pid for server in self.servers if server.process is not None]

    def token(self, kind: str, window: str | None = None) -> str:
        key = (kind, window)
        if key not in self._tokens:
            self._tokens[key] = mint(self.servers[0], self.hall, kind, window)
        return self._tokens[key]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.dropped is not None:
            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.dropped}"')


def _fresh_postgres(url: str) -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}", name


def _wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
            return
        time.sleep(0.05)  # polling for readiness
    raise RuntimeError(f"nothing listens on port {port}")


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """One scenario's result on one target."""

    rate: float = 0.0
    """Tickets/s (commands) or deliveries counted (calls, fanout)."""
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    notes: list[str] = field(default_factory=list)


class CpuWatch:
    """CPU of the servers and of this client (parent and workers), as % of one core."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.began = time.monotonic()
        self.server = sum(process_cpu_seconds(pid) for pid in pids)
        self.parent = cpu_seconds()

    def finish(self, figures: Figures, seen: list[Seen]) -> None:
        elapsed = time.monotonic() - self.began
        server = sum(process_cpu_seconds(pid) for pid in self.pids) - self.server
        client = cpu_seconds() - self.parent + sum(s.cpu_seconds for s in seen)
        figures.server_cpu = 100 * server / elapsed
        figures.client_cpu = 100 * client / elapsed


@contextlib.contextmanager
def _workers_for(roles: list[Role], count: int) -> Iterator[Workers]:
    workers = Workers(spread(roles, count))
    try:
        workers.connect()
        yield workers
    finally:
        workers.close()


# --- scenarios ---------------------------------------------------------------------------------


async def commands(target: Target, args: argparse.Namespace) -> Figures:
    urls = target.urls
    roles = [
        Role("kiosk", urls[i % len(urls)], target.token("kiosk"), 1) for i in range(args.kiosks)
    ]
    with _workers_for(roles, min(args.workers, args.kiosks)) as workers:
        watch = CpuWatch(target.pids)
        seen = await workers.run(args.seconds)
        figures = Figures()
        watch.finish(figures, seen)
        replies = [r for s in seen for r in s.replies]
        figures.rate = sum(s.commands for s in seen) / args.seconds
        figures.p50_ms = 1000 * percentile(replies, 0.5)
        figures.p99_ms = 1000 * percentile(replies, 0.99)
        errors = [e for s in seen for e in s.errors]
        if errors:
            figures.notes.append(f"{len(errors)} refused, e.g. {errors[0]}")
        return figures


async def calls(target: Target, args: argparse.Namespace) -> Figures:
    urls = target.urls
    roles = [
        Role("screen", url, target.token("call_screen"), share)
        for url, share in zip(urls, _shares(args.screens, len(urls)), strict=True)
    ]
    with _workers_for(roles, args.workers) as workers:
        kiosk = await hello(urls[0], target.token("kiosk"))
        clerks = {}
        for w in range(1, WINDOWS + 1):
            window = str(w)
            clerks[window] = await hello(urls[0], target.token("clerk", window))
            staff = f"{1000 + w}"
            sign_in = command(f"s{w}", "sign_in", window=window, staff=staff, password="secret1")
            await request(clerks[window], sign_in)
        sent: dict[str, float] = {}
        order: list[str] = []

        async def drive(start_at: float) -> None:
            count = int(args.rate * args.seconds)
            for i in range(count):
                await asyncio.sleep(max(0.0, start_at + i / args.rate - time.monotonic()))
                window = str(i % WINDOWS + 1)
                clerk = clerks[window]
                await request(kiosk, command(f"i{i}", "issue_ticket", service="social"))
                began = time.monotonic()
                reply = await request(clerk, command(f"c{i}", "call_next", window=window))
                number = NUMBER.search(reply)
                assert number is not None, reply
                sent[number.group(1)] = began
                order.append(number.group(1))
                await request(clerk, command(f"s{i}", "start", window=window))
                await request(clerk, command(f"f{i}", "finish", window=window))
            await request(clerks["1"], command("end", "sign_out", window="1"))  # screens stop

        watch = CpuWatch(target.pids)
        seen = await workers.run(args.seconds, drive)
        figures = _deliveries(sent, order, seen, args.screens)
        watch.finish(figures, seen)
        for ws in (kiosk, *clerks.values()):
            await ws.close()
        return figures


async def fanout(target: Target, args: argparse.Namespace) -> Figures:
    urls = target.urls
    roles = [
        Role("screen", url, target.token("call_screen"), share, watch="ticket.issued")
        for url, share in zip(urls, _shares(args.screens, len(urls)), strict=True)
    ]
    for w in range(1, WINDOWS + 1):
        for url, share in zip(urls, _shares(args.others // WINDOWS, len(urls)), strict=True):
            roles.append(Role("drain", url, target.token("window_screen", str(w)), share))
    with _workers_for(roles, args.workers) as workers:
        kiosk = await hello(urls[0], target.token("kiosk"))
        clerk = await hello(urls[0], target.token("clerk", "1"))
        sign_in = command("s1", "sign_in", window="1", staff="1001", password="secret1")
        await request(clerk, sign_in)
        sent: dict[str, float] = {}
        order: list[str] = []
        replies: asyncio.Queue[str] = asyncio.Queue()

        async def read_replies() -> None:
            async for frame in kiosk:
                assert isinstance(frame, str)
                if frame.startswith('{"type": "reply"'):
                    await replies.put(frame)

        async def drive(start_at: float) -> None:
            reader = asyncio.create_task(read_replies())
            count = int(args.rate * args.seconds)
            times = []
            for i in range(count):
                await asyncio.sleep(max(0.0, start_at + i / args.rate - time.monotonic()))
                times.append(time.monotonic())
                await kiosk.send(command(f"f{i}", "issue_ticket", service="social"))
            for began in times:
                number = NUMBER.search(await replies.get())
                assert number is not None
                sent[number.group(1)] = began
                order.append(number.group(1))
            reader.cancel()
            await request(clerk, command("end", "sign_out", window="1"))  # screens stop

        watch = CpuWatch(target.pids)
        seen = await workers.run(args.seconds, drive)
        figures = _deliveries(sent, order, seen, args.screens)
        watch.finish(figures, seen)
        await kiosk.close()
        await clerk.close()
        return figures


def _deliveries(
    sent: dict[str, float], order: list[str], seen: list[Seen], screens: int
) -> Figures:
    """Latencies of every screen's receipt of every sent ticket; every screen must have seen
    every one exactly once, in the order they were sent."""
    latencies = []
    complete = 0
    records = [record for s in seen for record in s.screens]
    for record in records:
        numbers = [number for number, _ in record if number in sent]
        if numbers == order:
            complete += 1
        latencies += [received - sent[number] for number, received in record if number in sent]
    figures = Figures(
        rate=len(latencies),
        p50_ms=1000 * percentile(latencies, 0.5),
        p99_ms=1000 * percentile(latencies, 0.99),
    )
    figures.notes.append(
        f"{complete}/{screens} screens saw all {len(order)} exactly once, in order"
    )
    return figures


def _shares(total: int, parts: int) -> list[int]:
    share, extra = divmod(total, parts)
    return [share + (1 if i < extra else 0) for i in range(parts)]


# --- the command line --------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[Target, argparse.Namespace], Awaitable[Figures]]] = {
    "commands": commands,
    "calls": calls,
    "fanout": fanout,
}


def _describe(args: argparse.Namespace) -> str:
    if args.scenario == "commands":
        return f"{args.kiosks} kiosks issuing as fast as replies come, {args.seconds:g} s"
    if args.scenario == "calls":
        return f"{args.screens} call screens, {args.rate:g} call cycles/s, {args.seconds:g} s"
    return (
        f"{args.screens} call screens + {args.others} window screens, "
        f"{args.rate:g} tickets/s, {args.seconds:g} s"
    )


def _line(name: str, figures: Figures, scenario: str, reference: Figures | None) -> str:
    if scenario == "commands":
        head = f"{figures.rate:,.0f} tickets/s, reply p50 {figures.p50_ms:.1f} ms"
        ratio = f" ({figures.rate / reference.rate:.2f}x)" if reference else ""
    else:
        head = f"p50 {figures.p50_ms:.1f} ms"
        ratio = f" ({figures.p50_ms / reference.p50_ms:.2f}x)" if reference else ""
    return (
        f"  {name:<10} {head}{ratio}, p99 {figures.p99_ms:.1f} ms; "
        f"CPU server {figures.server_cpu:.0f}%, client {figures.client_cpu:.0f}%"
        + "".join(f"; {note}" for note in figures.notes)
    )


async def _measure(scenario: str, target: Target, args: argparse.Namespace) -> Figures:
    """The scenario; with `--profile DIR`, py-spy samples hall's processes meanwhile."""
    if args.profile is None or target.name != "hall":
        return await SCENARIOS[scenario](target, args)
    args.profile.mkdir(parents=True, exist_ok=True)
    profilers = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--format",
                "raw",
                "--rate",
                "250",
                "--gil",
                "--output",
                str(args.profile / f"{scenario}-{i}.txt"),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i, pid in enumerate(target.pids)
    ]
    try:
        return await SCENARIOS[scenario](target, args)
    finally:
        for profiler in profilers:
            profiler.send_signal(2)  # SIGINT: py-spy writes what it sampled
            profiler.wait(30)
        for i in range(len(profilers)):
            print(top_frames(args.profile / f"{scenario}-{i}.txt"))


def top_frames(path: Path, count: int = 12) -> str:
    """The functions most samples were in (own time) and under (total), from py-spy's raw
    (collapsed stacks) output."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, weight = line.rpartition(" ")
        if not stack or not weight.isdigit():
            continue
        n = int(weight)
        samples += n
        frames = [
            f.split(" (")[0] + " " + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
            for f in stack.split(";")
        ]
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + n

    def table(counts: dict[str, int]) -> str:
        ranked = sorted(counts.items(), key=lambda item: -item[1])[:count]
        return "\n".join(f"    {100 * n / samples:5.1f}%  {name}" for name, n in ranked)

    return f"  profile {path} ({samples} samples)\n  own:\n{table(own)}\n  total:\n{table(total)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--against", choices=["hall", "reference", "both"], default="both")
    parser.add_argument("--processes", type=int, choices=[1, 2], default=1)
    parser.add_argument("--database", help="a PostgreSQL server URL (a fresh database is made)")
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--others", type=int, default=0)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument(
        "--profile", type=Path, help="sample hall with py-spy, write the stacks to this directory"
    )
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    names = ["reference", "hall"] if args.against == "both" else [args.against]
    processes = f", {args.processes} hall processes" if args.processes > 1 else ""
    print(f"{args.scenario}: {_describe(args)}{processes}", flush=True)
    results: dict[str, Figures] = {}
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            target: Reference | Hall
            if name == "reference":
                target = Reference(Path(tmp))
            else:
                target = Hall(Path(tmp), args.processes, args.database)
            try:
                results[name] = uvloop.run(_measure(args.scenario, target, args))
            finally:
                target.stop()
        reference = results.get("reference") if name == "hall" else None
        print(_line(name, results[name], args.scenario, reference), flush=True)


if __name__ == "__main__":
    main()
