"""`hall demo`: what `hall serve --demo` starts, brought to life by simulated devices.

The server is the one `hall serve --demo` runs (same demo hall, staff, devices to pair and the
printed link to the front page). Unless `--no-sim`, once it is up a simulated kiosk, clerks and
rating pads (`hall/demo/flow.py`) work the hall through its own `/ws`, `--speed` times faster
than the clock, so that every page is alive the moment a newcomer opens it. Window 1 is left to
the newcomer. The simulated devices are paired once and get new tokens at each start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from hall.cli.errors import CliError
from hall.cli.options import add_database, add_listen, add_log_level
from hall.cli.serve import start
from hall.demo.flow import ClerkSeat, DemoFlow
from hall.demo.hall import DEMO_STAFF, DemoStaff, demo_config_document
from hall.demo.setup import DEMO_HALL, DemoDevices, device_name, set_up_demo
from hall.server import Server, Settings
from queueing.config import HallConfig, parse_config
from queueing.demand import Demand, DemandError, parse_demand

log = logging.getLogger("hall.demo")

DEMO_DEMAND = Path(__file__).resolve().parents[2] / "docs" / "examples" / "demo-demand.json"
USER_WINDOW = "1"  # no simulated clerk: the newcomer's own window
SPARE_WINDOWS = ("20",)  # 帮办代办, staffed on demand: stays closed

_running: set[asyncio.Task[None]] = set()  # the flow's task, kept alive while it runs


@dataclass(frozen=True, slots=True)
class FlowOptions:
    simulate: bool
    speed: float
    seed: int | None
    demand: Demand


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the demo hall (as `hall serve --demo`) with simulated citizens, clerks and rating "
        "pads, driven by the demo demand for the hour of the hall's clock (outside 08:30-17:30 "
        "the demand of 10:00 plays: the demo hall never closes). Window 1 is left to you."
    )
    add_listen(parser)
    add_database(parser)
    parser.add_argument(
        "--speed",
        type=_speed,
        default=10.0,
        help="how much faster than the clock the simulated hall runs (default 10: a 6-minute "
        "service lasts 36 s)",
    )
    parser.add_argument("--no-sim", action="store_true", help="a quiet demo: no simulated flow")
    parser.add_argument("--seed", type=int, default=None, help="random seed of the simulated flow")
    parser.add_argument(
        "--demand",
        type=Path,
        default=DEMO_DEMAND,
        metavar="DEMAND.json",
        help="arrivals per hour and service times (default docs/examples/demo-demand.json)",
    )
    add_log_level(parser)


def run(args: argparse.Namespace) -> int:
    config = parse_config(demo_config_document())
    try:
        demand = _read_demand(args.demand, config)
    except DemandError as error:
        problems = "; ".join(error.problems)
        raise CliError(
            f"{args.demand} is not usable: {problems} (fix it, or leave out --demand)"
        ) from error
    options = FlowOptions(not args.no_sim, args.speed, args.seed, demand)
    settings = Settings.from_env()
    settings.database_url = args.database
    settings.on_ready = _on_ready(args.host, args.port, options)
    settings.announce_admin_token = False  # the demo prints it once, in its link
    start(settings, args.host, args.port, args.log_level)  # checks the database first
    return 0


def _read_demand(path: Path, config: HallConfig) -> Demand:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DemandError([f"cannot read it: {error}"]) from None
    return parse_demand(document, config)


def _on_ready(host: str, port: int, options: FlowOptions) -> Callable[[Server], Awaitable[None]]:
    async def on_ready(server: Server) -> None:
        lines = await set_up_demo(server, f"http://{_local(host)}:{port}")
        if options.simulate:
            _quiet_device_chatter()
            lines += await _start_flow(server, f"http://{_local(host)}:{port}", options)
        else:
            lines.append("hall: a quiet demo (--no-sim): nothing happens until you do it")
        print("\n".join(lines), flush=True)

    return on_ready


async def _start_flow(server: Server, base_url: str, options: FlowOptions) -> list[str]:
    """The simulated devices' tokens (their devices reused across restarts, with new tokens)
    and the flow started; what to tell the newcomer."""
    config = server.engine.view(DEMO_HALL).state.config
    devices = await DemoDevices.load(server)
    seats = [await _seat(devices, window, staff) for window, staff in _clerks()]
    kiosk = await devices.token("kiosk", None, "kiosk (simulated)")
    offices = [  # 办件: the back offices work their cases; citizens come back for them
        (o.id, await devices.token("office", o.id, f"office {o.id} (simulated)"))
        for o in config.offices
    ]
    returns = await devices.token("kiosk", None, "kiosk (simulated returns)")
    flow = DemoFlow(
        base_url,
        config,
        options.demand,
        kiosk,
        seats,
        speed=options.speed,
        seed=options.seed,
        offices=offices,
        pickup_kiosk_token=returns,
    )
    task = asyncio.create_task(flow.run())
    _running.add(task)
    task.add_done_callback(_running.discard)
    you = next(s for s in DEMO_STAFF if s.window == USER_WINDOW)
    return [
        f"hall: simulated flow at {options.speed:g}x speed: a kiosk issues tickets, clerks at "
        f"windows {_ranges([s.window for s in seats])} call and serve them, rating pads rate "
        "them (`hall demo --no-sim` for a quiet hall)",
        f"hall: window {USER_WINDOW} is yours: pair '{device_name('clerk', USER_WINDOW)}' on "
        f"the admin page, open its link and sign in as {you.number} / {you.password}; "
        f"window {', '.join(SPARE_WINDOWS)} stays closed",
    ]


def _clerks() -> list[tuple[str, DemoStaff]]:
    """The demo clerks the flow plays, with their windows: all but the newcomer's and the spare."""
    skip = {USER_WINDOW, *SPARE_WINDOWS}
    return [
        (s.window, s)
        for s in DEMO_STAFF
        if s.role == "clerk" and s.window is not None and s.window not in skip
    ]


async def _seat(devices: DemoDevices, window: str, staff: DemoStaff) -> ClerkSeat:
    clerk = await devices.token("clerk", window, f"clerk {window} (simulated)")
    pad = await devices.token("rating_pad", window, f"rating pad {window} (simulated)")
    return ClerkSeat(window, staff.number, staff.password, clerk, pad)


class _ConnectionChatter(logging.Filter):
    """Drops uvicorn's per-connection lines ("WebSocket /ws" [accepted], connection open and
    closed): the simulated devices' connections would push the printed links off screen."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return "[accepted]" not in message and message not in CHATTER


CHATTER = ("connection open", "connection closed")


def _quiet_device_chatter() -> None:
    """Below debug level, keep the console for what the newcomer needs: the links, warnings,
    and the flow's summary each minute (not a line per connection and per command)."""
    if logging.getLogger().getEffectiveLevel() >= logging.INFO:
        logging.getLogger("uvicorn.error").addFilter(_ConnectionChatter())
        logging.getLogger("hall.engine").setLevel(logging.WARNING)
        logging.getLogger("hall.commands").setLevel(logging.WARNING)  # a line per command


def _local(host: str) -> str:
    """Where this process reaches its own server."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _ranges(windows: list[str]) -> str:
    """ "2, 3, 4, 7" -> "2-4, 7" (numeric ids; others listed as they are)."""
    numbers = sorted(int(w) for w in windows if w.isdigit())
    parts: list[str] = []
    for n in numbers:
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts + [w for w in windows if not w.isdigit()])


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"a number from 0.1 to 10000, not {text!r}")
    return value
