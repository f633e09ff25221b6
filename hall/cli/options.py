"""Options several sub-commands share, spelled once."""

from __future__ import annotations

import argparse
import os

DEFAULT_DATABASE = "sqlite:///hall.db"


def add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        default=os.environ.get("HALL_DATABASE_URL", DEFAULT_DATABASE),
        help=f"sqlite:///FILE (default {DEFAULT_DATABASE}) or postgresql://USER@HOST:PORT/DB "
        "(or set HALL_DATABASE_URL)",
    )


def add_listen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
