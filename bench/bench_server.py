"""Server benchmarks against a real `hall serve` process on loopback.

    python bench/bench_server.py throughput [--database URL] [--seconds 5] [--clients 64]
    python bench/bench_server.py fanout [--screens 2000] [--rate 200] [--seconds 10]
    python bench/bench_server.py connections [--count 10000]

`throughput`: durable commands per second (acknowledged `issue_ticket`, so each is committed).
`fanout`: a kiosk issues tickets at `rate`/s while `screens` call screens are connected; the
latency from sending the command to each screen receiving its event (p50/p99 over all screens).
`connections`: open idle device connections and read the server's resident memory.
The load generator shares the machine's 2 cores with the server: figures are conservative.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.server import ServerProcess, create_hall, mint


async def _hello(url: str, token: str) -> ClientConnection:
    ws = await connect(url, max_size=None, open_timeout=60)
    await ws.send(json.dumps({"type": "hello", "token": token}))
    await ws.recv()
    return ws


async def throughput(server: ServerProcess, hall: str, seconds: float, clients: int) -> None:
    tokens = [mint(server, hall, "kiosk") for _ in range(clients)]
    sockets = [await _hello(server.ws_url, t) for t in tokens]
    done = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def run(ws: ClientConnection) -> None:
        nonlocal done
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            started = time.perf_counter()
            await ws.send(
                json.dumps(
                    {
                        "type": "command",
                        "id": f"b{n}",
                        "name": "issue_ticket",
                        "args": {"service": "social"},
                    }
                )
            )
            while True:
                message = json.loads(await ws.recv())
                if message.get("type") == "reply":
                    break
            latencies.append(time.perf_counter() - started)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(run(ws) for ws in sockets))
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        f"throughput: {done / elapsed:.0f} durable commands/s over {elapsed:.1f}s with "
        f"{clients} clients; reply p50 {1000 * latencies[len(latencies) // 2]:.1f} ms, "
        f"p99 {1000 * latencies[int(len(latencies) * 0.99)]:.1f} ms"
    )
    for ws in sockets:
        await ws.close()


async def fanout(
    server: ServerProcess, hall: str, screens: int, others: int, rate: float, seconds: float
) -> None:
    token = mint(server, hall, "call_screen")
    sockets = await asyncio.gather(*(_hello(server.ws_url, token) for _ in range(screens)))
    window_tokens = [mint(server, hall, "window_screen", str(w)) for w in range(1, 11)]
    idle: list[ClientConnection] = []
    for start in range(0, others, 250):
        idle += await asyncio.gather(
            *(
                _hello(server.ws_url, window_tokens[i % 10])
                for i in range(start, min(others, start + 250))
            )
        )
    drains = [asyncio.create_task(_drain(ws)) for ws in idle]
    kiosk = await _hello(server.ws_url, mint(server, hall, "kiosk"))
    sent: dict[str, float] = {}
    latencies: list[float] = []

    async def listen(ws: ClientConnection) -> None:
        async for raw in ws:
            received = time.perf_counter()
            message = json.loads(raw)
            if message.get("event") == "ticket.issued":
                number = message["data"]["ticket"]["number"]
                if number in sent:
                    latencies.append(received - sent[number])

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    replies = asyncio.create_task(_drain(kiosk))
    count = int(rate * seconds)
    began = time.perf_counter()
    for i in range(count):
        due = began + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        sent[f"A{i + 1:03d}"] = time.perf_counter()
        await kiosk.send(
            json.dumps(
                {
                    "type": "command",
                    "id": f"f{i}",
                    "name": "issue_ticket",
                    "args": {"service": "social"},
                }
            )
        )
    expected = count * screens
    deadline = time.perf_counter() + 30
    while len(latencies) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    for task in (*listeners, replies, *drains):
        task.cancel()
    latencies.sort()
    print(
        f"fanout: {screens} call screens + {others} window screens connected, "
        f"{rate:.0f} commands/s for {seconds:.0f}s: "
        f"{len(latencies)}/{expected} deliveries; "
        f"latency p50 {1000 * latencies[len(latencies) // 2]:.1f} ms, "
        f"p99 {1000 * latencies[int(len(latencies) * 0.99)]:.1f} ms, "
        f"max {1000 * latencies[-1]:.1f} ms"
    )


async def _drain(ws: ClientConnection) -> None:
    async for _ in ws:
        pass


async def connections(server: ServerProcess, hall: str, count: int) -> None:
    token = mint(server, hall, "call_screen")
    sockets: list[ClientConnection] = []
    for start in range(0, count, 500):
        sockets += await asyncio.gather(
            *(_hello(server.ws_url, token) for _ in range(min(500, count - start)))
        )
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
    print(
        f"connections: {len(sockets)} open device connections; server {rss.split(':')[1].strip()}"
    )
    await asyncio.gather(*(ws.close() for ws in sockets))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["throughput", "fanout", "connections"])
    parser.add_argument("--database")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--screens", type=int, default=20, help="call screens (every event)")
    parser.add_argument("--others", type=int, default=1980, help="window screens (their window)")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or f"sqlite:///{tmp}/bench.db"
        server = ServerProcess(database, Path(tmp))
        server.start()
        try:
            hall = f"b{uuid.uuid4().hex[:8]}"
            create_hall(server, hall, windows=10)
            if args.what == "throughput":
                print(f"database: {database.split('@')[-1].split('/')[0] or 'sqlite'}")
                asyncio.run(throughput(server, hall, args.seconds, args.clients))
            elif args.what == "fanout":
                asyncio.run(
                    fanout(server, hall, args.screens, args.others, args.rate, args.seconds)
                )
            else:
                asyncio.run(connections(server, hall, args.count))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
