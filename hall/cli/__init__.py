"""The `hall` command line: one sub-command per module, imported only when used.

A mistake is one line on stderr, `hall <command>: <message>`, and a documented exit status
(hall/cli/errors.py, docs/cli.md); never a traceback, unless `hall --debug ...`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from importlib import metadata

from hall.cli.errors import (
    BROKEN_PIPE,
    INTERNAL,
    INTERRUPTED,
    OK,
    USAGE,
    CliError,
    exit_status_table,
)
from hall.cli.options import Parser

# sub-command -> module with `add_arguments(parser)` and `run(args) -> int`
SUBCOMMANDS = {
    "serve": ("hall.cli.serve", "run the hall server"),
    "demo": ("hall.cli.demo", "run the demo hall with simulated citizens and clerks"),
    "simulate": ("hall.cli.simulate", "simulate whole days of a hall"),
    "db": ("hall.cli.db", "database maintenance (upgrade)"),
    "staff": ("hall.cli.staff", "staff accounts (add, list, passwd, deactivate, activate)"),
    "report": ("hall.cli.report", "write a day's report (HTML and CSV) of a hall"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments[: _command_index(arguments)]
    quiet = logging.NullHandler()  # until a command sets up logging: no stray line on stderr
    if not debug:
        logging.getLogger().addHandler(quiet)
    try:
        try:
            status = _run(arguments, debug)
        finally:
            logging.getLogger().removeHandler(quiet)
            sys.stdout.flush()  # a closed pipe shows here, while it can still be handled
    except BrokenPipeError:
        # Python's recipe: point stdout at devnull so that the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return status


def _run(arguments: list[str], debug: bool) -> int:
    command = "hall"
    try:
        args = _parser(arguments).parse_args(arguments)
        command = args.command_name
        result: int = args.run(args)
        return result
    except CliError as error:
        if debug:
            traceback.print_exc()
        print(f"{command}: {error.message}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        return INTERRUPTED
    except SystemExit as exit_:  # argparse (--help, --version, a mistake), or a settings check
        return _exit_status(exit_.code)
    except BrokenPipeError:
        raise
    except Exception as error:
        if debug:
            traceback.print_exc()
        text = " ".join(str(error).split())
        print(
            f"hall: internal error: {type(error).__name__}: {text} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return INTERNAL


def _parser(arguments: list[str]) -> argparse.ArgumentParser:
    parser = Parser(
        prog="hall",
        description="hall: queueing for service halls (docs/cli.md has every command)",
        epilog=exit_status_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hall {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of a failure (for bug reports)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    index = _command_index(arguments)
    chosen = arguments[index] if index < len(arguments) else None
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=exit_status_table(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(command_name=f"hall {name}")
        if name == chosen:  # only the sub-command asked for is imported
            module = importlib.import_module(module_name)
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
    return parser


def _command_index(arguments: list[str]) -> int:
    """Where the sub-command is: the first argument that is not an option."""
    return next((i for i, a in enumerate(arguments) if not a.startswith("-")), len(arguments))


def _exit_status(code: object) -> int:
    if code is None:
        return OK
    if isinstance(code, int):
        return code
    print(" ".join(str(code).split()), file=sys.stderr)  # e.g. a bad HALL_* setting
    return USAGE


def _version() -> str:
    try:
        return metadata.version("hall")
    except metadata.PackageNotFoundError:
        return "(version unknown: not installed)"
