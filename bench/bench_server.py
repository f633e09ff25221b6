"""Open device connections against a real `hall serve` process on loopback, and the memory
they take.

    python -m bench.bench_server connections [--count 10000]

Open `count` idle call-screen connections and read the server's resident memory. Commands and
fan-out are measured by `bench/bench_realtime.py`, against a reference server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["connections"])
    parser.add_argument("--database")
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
            asyncio.run(connections(server, hall, args.count))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
