"""`hall staff add|list|passwd|deactivate|activate`: a hall's staff accounts (clerks and floor
managers), in the database the server uses. The hall must exist there.

A password not given with `--password` is asked on the terminal, or read as one line from
standard input when that is not a terminal (`echo secret1 | hall staff add ...`).

A running server checks an account at each sign-in: a deactivated clerk cannot sign in again,
but one signed in stays so until signing out (the admin page or `PUT
/api/halls/{hall}/staff/{number}` with `"active": false` signs them out at once).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from displays.errors import BadRequest
from hall.accounts import staff_record, updated_staff
from hall.cli.errors import USAGE, CliError
from hall.cli.options import add_database
from hall.cli.services import database_errors, open_database, shown
from hall.storage import SqlStore
from hall.storage.base import StaffRecord


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = _action(actions, "add", add_staff, "create a staff account, or replace one")
    _number(add)
    add.add_argument("--name", required=True, help="display name shown on screens")
    add.add_argument(
        "--role",
        choices=["clerk", "manager"],
        default="clerk",
        help="clerk (the default) or manager (a floor manager, who signs in on the tablet)",
    )
    add.add_argument("--photo", default="", help="photo URL or data: URI")
    _password(add)
    _action(actions, "list", list_staff, "list the hall's staff accounts")
    passwd = _action(actions, "passwd", change_password, "set a staff account's password")
    _number(passwd)
    _password(passwd)
    deactivate = _action(
        actions, "deactivate", deactivate_staff, "refuse the account's next sign-ins"
    )
    _number(deactivate)
    activate = _action(actions, "activate", activate_staff, "allow a deactivated account again")
    _number(activate)


def _action(
    actions: Any, name: str, run: Callable[[argparse.Namespace], int], help_text: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(
        name, help=help_text, description=f"{help_text[0].upper()}{help_text[1:]}."
    )
    parser.add_argument("--hall", required=True, help="the hall's id")
    add_database(parser)
    parser.set_defaults(run=run, command_name=f"hall staff {name}")
    return parser


def _number(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--number", required=True, help="staff number (工号)")


def _password(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password",
        help="at least 6 characters; asked on the terminal when not given, or read as one "
        "line from standard input when that is not a terminal",
    )


def run(args: argparse.Namespace) -> int:
    """Each action's own `run` is set on its parser; this is never reached."""
    raise CliError("give an action: add, list, passwd, deactivate or activate", USAGE)


def add_staff(args: argparse.Namespace) -> int:
    store = _hall_store(args)
    try:
        with database_errors(args.database):
            existing = store.staff(args.hall, args.number)
        password = read_password(args.password)
        body = {
            "number": args.number,
            "name": args.name,
            "role": args.role,
            "photo": args.photo,
            "password": password,
        }
        record = _checked(lambda: staff_record(args.hall, body))
        with database_errors(args.database):
            store.add_staff(record)
    finally:
        store.close()
    done = "replaced" if existing is not None else "created"
    print(f"hall: staff {record.number} ({record.display_name}, {record.role}) {done}")
    return 0


def list_staff(args: argparse.Namespace) -> int:
    store = _hall_store(args)
    try:
        with database_errors(args.database):
            members = store.staff_members(args.hall)
    finally:
        store.close()
    if not members:
        print(f"hall staff list: hall {args.hall!r} has no staff accounts", file=sys.stderr)
        return 0
    print(f"{'number':<12} {'role':<8} {'status':<8} name")
    for member in members:
        status = "active" if member.active else "inactive"
        print(f"{member.number:<12} {member.role:<8} {status:<8} {member.display_name}")
    return 0


def change_password(args: argparse.Namespace) -> int:
    def change(current: StaffRecord) -> StaffRecord:
        body = _fields(current) | {"password": read_password(args.password)}
        return updated_staff(args.hall, current.number, body, current)

    record = _update(args, change)
    print(f"hall: staff {record.number}: password changed")
    return 0


def deactivate_staff(args: argparse.Namespace) -> int:
    record = _update(args, lambda current: replace(current, active=False))
    print(f"hall: staff {record.number} deactivated: the account cannot sign in any more")
    return 0


def activate_staff(args: argparse.Namespace) -> int:
    record = _update(args, lambda current: replace(current, active=True))
    print(f"hall: staff {record.number} activated: the account can sign in again")
    return 0


def _update(args: argparse.Namespace, change: Callable[[StaffRecord], StaffRecord]) -> StaffRecord:
    """Change an existing account, as `change` says; the account saved."""
    store = _hall_store(args)
    try:
        with database_errors(args.database):
            current = store.staff(args.hall, args.number)
        if current is None:
            raise CliError(
                f"hall {args.hall!r} has no staff {args.number!r} (see hall staff list --hall "
                f"{args.hall}; hall staff add creates one)",
                USAGE,
            )
        record = _checked(lambda: change(current))
        with database_errors(args.database):
            store.add_staff(record)
    finally:
        store.close()
    return record


def _hall_store(args: argparse.Namespace) -> SqlStore:
    """The database, which must exist and hold the hall."""
    store = open_database(args.database, must_exist=True)
    try:
        with database_errors(args.database):
            halls = store.hall_ids()
    except BaseException:
        store.close()
        raise
    if args.hall not in halls:
        store.close()
        known = ", ".join(halls) if halls else "none yet"
        raise CliError(
            f"no hall {args.hall!r} in {shown(args.database)} (halls: {known}); create it first "
            "(hall serve --hall-config FILE, or the admin page /admin)",
            USAGE,
        )
    return store


def _checked(make: Callable[[], StaffRecord]) -> StaffRecord:
    try:
        return make()
    except BadRequest as error:
        raise CliError(error.message, USAGE) from error


def _fields(record: StaffRecord) -> dict[str, Any]:
    return {
        "name": record.display_name,
        "role": record.role,
        "photo": record.photo,
        "active": record.active,
    }


def read_password(given: str | None) -> str:
    """`--password`, else one typed on the terminal (not echoed), else one line of stdin."""
    if given is not None:
        return given
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        raise CliError("no password: give --password, or pipe it on standard input", USAGE)
    if stdin.isatty():
        try:
            return getpass.getpass("password: ")
        except EOFError:
            raise CliError("no password typed: give --password, or type one", USAGE) from None
    line = stdin.readline()
    if not line:
        raise CliError(
            "no password on standard input (it is empty or closed): give --password, or pipe "
            "one line",
            USAGE,
        )
    return line.rstrip("\r\n")
