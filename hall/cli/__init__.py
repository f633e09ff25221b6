"""The `hall` command line: one sub-command per module, imported only when used."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# sub-command -> module with `add_arguments(parser)` and `run(args) -> int`
SUBCOMMANDS = {
    "serve": ("hall.cli.serve", "run the hall server"),
    "demo": ("hall.cli.demo", "run the demo hall with simulated citizens and clerks"),
    "simulate": ("hall.cli.simulate", "simulate whole days of a hall"),
    "db": ("hall.cli.db", "database maintenance (upgrade)"),
    "staff": ("hall.cli.staff", "staff accounts (add, list)"),
    "report": ("hall.cli.report", "write a day's report (HTML and CSV) of a hall"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hall", description="hall: queueing for service halls")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if name in (argv or sys.argv[1:])[:1]:
            modules[name] = importlib.import_module(module_name)
            modules[name].add_arguments(sub)
    args = parser.parse_args(argv)
    result: int = modules[args.command].run(args)
    return result
