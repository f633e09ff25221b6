"""`hall staff add`: create or replace a staff account (clerk or floor manager)."""

from __future__ import annotations

import argparse
import getpass
import sys

from displays.errors import BadRequest
from hall.accounts import staff_record
from hall.cli.options import add_database
from hall.storage import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add"])
    parser.add_argument("--hall", required=True)
    parser.add_argument("--number", required=True, help="staff number (工号)")
    parser.add_argument("--name", required=True, help="display name shown on screens")
    parser.add_argument("--role", choices=["clerk", "manager"], default="clerk")
    parser.add_argument("--photo", default="", help="photo URL or data: URI")
    parser.add_argument("--password", help="read from the terminal when not given")
    add_database(parser)


def run(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("password: ")
    body = {
        "number": args.number,
        "name": args.name,
        "role": args.role,
        "photo": args.photo,
        "password": password,
    }
    try:
        record = staff_record(args.hall, body)
    except BadRequest as error:
        print(f"hall: {error.message}", file=sys.stderr)
        return 2
    store = open_store(args.database)
    try:
        store.upgrade()
        store.add_staff(record)
    finally:
        store.close()
    print(f"hall: staff {record.number} ({record.display_name}, {record.role}) saved")
    return 0
