"""Options several sub-commands share, spelled once, and the parser every sub-command uses."""

from __future__ import annotations

import argparse
import os
from typing import NoReturn

from hall.cli.errors import USAGE

DEFAULT_DATABASE = "sqlite:///hall.db"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line on stderr (no usage block), status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        default=os.environ.get("HALL_DATABASE_URL", DEFAULT_DATABASE),
        metavar="URL",
        help=f"sqlite:///FILE (default {DEFAULT_DATABASE}) or postgresql://USER@HOST:PORT/DB "
        "(or set HALL_DATABASE_URL)",
    )


def add_listen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every "
        "network interface)",
    )
    parser.add_argument(
        "--port", type=port, default=8000, help="TCP port to listen on, 1-65535 (default 8000)"
    )


def add_log_level(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        type=str.lower,
        help="least important log lines shown on stderr (default info)",
    )


def port(text: str) -> int:
    """A TCP port number, 1-65535."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= 65_535:
        raise argparse.ArgumentTypeError(f"a port number from 1 to 65535, not {text!r}")
    return number


def local_url(host: str, port: int) -> str:
    """The server's address as a browser on this machine reaches it."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
