"""`hall serve`: run the server (optionally with the demo hall)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from hall.bus.prefixed import check_prefix
from hall.cli.options import add_database, add_listen
from hall.server import Settings, serve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_listen(parser)
    add_database(parser)
    parser.add_argument(
        "--bus",
        default=os.environ.get("HALL_BUS_URL", "memory://"),
        help="memory:// (one process) or redis://HOST:PORT/0 to run several server processes",
    )
    parser.add_argument(
        "--bus-prefix",
        type=_bus_prefix,
        default=os.environ.get("HALL_BUS_PREFIX", ""),
        metavar="NAME",
        help="put every bus channel under NAME: (1-64 letters, digits, '_', '.', '-'), so that "
        "several deployments can share one Redis (default: none, or HALL_BUS_PREFIX)",
    )
    parser.add_argument(
        "--hall-config",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a hall document (JSON, names its hall in 'id'); may be repeated",
    )
    parser.add_argument("--demo", action="store_true", help="create and run the demo hall")
    parser.add_argument("--log-level", default="info")


def run(args: argparse.Namespace) -> int:
    configure_logging(args.log_level)
    settings = Settings.from_env()
    settings.database_url = args.database
    settings.bus_url = args.bus
    settings.bus_prefix = args.bus_prefix
    settings.hall_files = list(args.hall_config)
    if args.demo:
        from hall.demo.setup import demo_on_ready

        settings.on_ready = demo_on_ready(f"http://{args.host}:{args.port}")
    serve(settings, args.host, args.port, args.log_level)
    return 0


def _bus_prefix(text: str) -> str:
    try:
        return check_prefix(text) if text else ""
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
