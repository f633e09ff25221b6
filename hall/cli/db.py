"""`hall db upgrade`: apply the Alembic migrations (the server also does so at start), and say
what was done: created at revision X, upgraded from X to Y, or already at X."""

from __future__ import annotations

import argparse

from hall.cli.options import add_database
from hall.cli.services import upgrade_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrade = actions.add_parser(
        "upgrade",
        help="create the database's tables, or bring them to this hall's schema",
        description="Create the database's tables, or bring them to this hall's schema (the "
        "server also does so at start). Says what it did. A PostgreSQL database must exist "
        "(createdb); an SQLite file is created, in a directory that must exist.",
    )
    add_database(upgrade)
    upgrade.set_defaults(run=run, command_name="hall db upgrade")


def run(args: argparse.Namespace) -> int:
    store, migration = upgrade_database(args.database)
    store.close()
    print(f"hall: {migration.summary()}")
    return 0
