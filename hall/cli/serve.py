"""`hall serve`: run the server (optionally with the demo hall)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
from pathlib import Path

import uvicorn

from hall.server.app import Settings, create_app

WS_MAX_SIZE = 4 * 1024 * 1024  # larger frames are cut by the websocket layer (close 1009)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--database",
        default=os.environ.get("HALL_DATABASE_URL", "sqlite:///hall.db"),
        help="sqlite:///FILE (default sqlite:///hall.db) or postgresql://USER@HOST/DB "
        "(or set HALL_DATABASE_URL)",
    )
    parser.add_argument(
        "--bus",
        default=os.environ.get("HALL_BUS_URL", "memory://"),
        help="memory:// (one process) or redis://HOST:PORT/0 to run several server processes",
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
    settings.hall_files = list(args.hall_config)
    if args.demo:
        from hall.demo.setup import demo_on_ready

        settings.on_ready = demo_on_ready(f"http://{args.host}:{args.port}")
    serve(settings, args.host, args.port, args.log_level)
    return 0


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )


def serve(settings: Settings, host: str, port: int, log_level: str) -> None:
    """Run the server until it is stopped (Ctrl-C, SIGTERM)."""
    # Thousands of long-lived connections make young-generation collections frequent and full
    # ones slow; collect less often so a call is not held up behind a collection.
    gc.set_threshold(50_000, 20, 100)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        ws_max_size=WS_MAX_SIZE,
        ws_per_message_deflate=False,  # compressing tiny JSON frames costs more than it saves
        log_level=log_level,
        access_log=False,
    )
