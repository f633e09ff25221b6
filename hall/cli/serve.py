"""`hall serve`: run the server (optionally with the demo hall).

Everything the server needs is checked before it starts, in this order, so that a mistake is
one line and nothing has been done yet: every hall document (read and validated), the database
and bus URLs, the bus (reached), the address (bound), the database (reached and upgraded), and
each hall document against its hall already in the database (accepted now).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from hall.bus.prefixed import check_prefix
from hall.cli.errors import FAILED, USAGE, CliError
from hall.cli.options import add_database, add_listen, add_log_level, local_url
from hall.cli.services import check_bus, parse_database, upgrade_database
from hall.server import Server, Settings, StartupFailed, listen, load_hall_file, serve
from hall.storage.base import EventStore
from queueing import commands as cmd
from queueing.decide import decide
from queueing.errors import ConfigError, DomainError

log = logging.getLogger("hall.cli")

EXAMPLE_HALL = "docs/examples/demo-hall.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_listen(parser)
    add_database(parser)
    parser.add_argument(
        "--bus",
        default=os.environ.get("HALL_BUS_URL", "memory://"),
        metavar="URL",
        help="memory:// (one process, the default) or redis://HOST:PORT/0 to run several server "
        "processes (or set HALL_BUS_URL)",
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
        help="a hall document (JSON, names its hall in 'id'), created or reconfigured at start; "
        f"may be repeated (example: {EXAMPLE_HALL})",
    )
    parser.add_argument("--demo", action="store_true", help="create and run the demo hall")
    add_log_level(parser)


def run(args: argparse.Namespace) -> int:
    read_hall_files(args.hall_config)
    settings = Settings.from_env()
    settings.database_url = args.database
    settings.bus_url = args.bus
    settings.bus_prefix = args.bus_prefix
    settings.hall_files = list(args.hall_config)
    base_url = local_url(args.host, args.port)
    if args.demo:
        from hall.demo.setup import demo_on_ready

        settings.on_ready = demo_on_ready(base_url)
        settings.announce_admin_token = False  # the demo prints it once, in its link
    elif not args.hall_config:
        settings.on_ready = no_hall_hint(base_url)
    start(settings, args.host, args.port, args.log_level)
    return 0


def read_hall_files(paths: Sequence[Path]) -> None:
    """Every hall document can be read and is valid; `CliError` names the first that is not,
    with all its problems."""
    for path in paths:
        try:
            load_hall_file(path)
        except ConfigError as error:
            if isinstance(error.__cause__, OSError | UnicodeDecodeError):
                reason = error.problems[0].removeprefix("cannot read it: ")
                raise CliError(
                    f"cannot read the hall document {path}: {reason}; check the path given to "
                    "--hall-config",
                    USAGE,
                ) from error
            raise CliError(
                f"{path} is not a valid hall document: {'; '.join(error.problems)} (fix it; "
                f"{EXAMPLE_HALL} is a complete example)",
                USAGE,
            ) from error


def start(settings: Settings, host: str, port: int, log_level: str) -> None:
    """Check the database and the bus, then run the server until it is stopped; `CliError`
    for anything that keeps it from starting."""
    parse_database(settings.database_url)
    check_bus(settings.bus_url, settings.bus_prefix)
    try:
        sockets = listen(host, port)
    except StartupFailed as error:
        raise CliError(f"{error}; choose another --host or --port", FAILED) from error
    try:
        store, migration = upgrade_database(settings.database_url)
        try:
            check_reconfigurations(store, settings.hall_files)
        finally:
            store.close()
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    configure_logging(log_level)
    log.info("database: %s", migration.summary())
    try:
        serve(settings, host, port, log_level, sockets=sockets)
    except StartupFailed as error:
        raise CliError(str(error), FAILED) from error


def check_reconfigurations(store: EventStore, paths: Sequence[Path]) -> None:
    """Each hall document for a hall the database has already is one that hall accepts now
    (it refuses, say, to drop a queue whose tickets are still in play); `CliError` if not."""
    for path in paths:
        config = load_hall_file(path)
        loaded = store.load_hall(config.id)
        if loaded is None:
            continue
        try:
            decide(loaded.state, cmd.Configure(config), datetime.now(UTC))
        except DomainError as error:
            raise CliError(
                f"{path}: hall {config.id!r} refuses this document now: {error.message} (serve "
                "those tickets first, or keep what they need in the document)",
                USAGE,
            ) from error


def no_hall_hint(base_url: str) -> Callable[[Server], None]:
    """Once the server is up: when it has no hall, how to create one."""

    def on_ready(server: Server) -> None:
        if server.engine.halls():
            return
        token = (
            "the admin token printed above"
            if server.admin_token_generated
            else "the admin token in HALL_ADMIN_TOKEN"
        )
        lines = [
            "hall: this server has no hall yet. Create one:",
            f"  - on the admin page {base_url}/admin (sign in with {token}),",
            f"  - or restart with --hall-config FILE (a hall document, e.g. {EXAMPLE_HALL}),",
            "  - or restart with --demo (the demo hall, with devices and staff to try).",
        ]
        print("\n".join(lines), flush=True)

    return on_ready


def _bus_prefix(text: str) -> str:
    try:
        return check_prefix(text) if text else ""
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True
    )
