"""`hall db upgrade`: apply the Alembic migrations (the server also does so at start)."""

from __future__ import annotations

import argparse

from hall.cli.options import add_database
from hall.storage import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["upgrade"])
    add_database(parser)


def run(args: argparse.Namespace) -> int:
    store = open_store(args.database)
    try:
        store.upgrade()
    finally:
        store.close()
    print(f"hall: database {args.database.split('@')[-1]} is up to date")
    return 0
