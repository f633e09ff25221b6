"""The database and the bus, checked before a command relies on them: a malformed URL, a
database or a Redis that cannot be reached, become a `CliError` naming the problem and what to
do, with the documented status (hall/cli/errors.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.util.exc import CommandError as AlembicError
from sqlalchemy.engine import URL

from hall.bus import BusError, open_bus
from hall.cli.errors import FAILED, UNAVAILABLE, USAGE, CliError
from hall.storage import SqlStore, open_store
from hall.storage.connect import UnsupportedDatabase, database_url
from hall.storage.schema import current_revision, head_revision

BUS_TIMEOUT_S = 5.0
"""The longest the bus check waits for Redis to answer."""


@dataclass(frozen=True, slots=True)
class Migration:
    """What an upgrade did to a database."""

    shown: str
    """The database, without credentials."""
    created_file: bool
    """An SQLite file that did not exist before."""
    before: str | None
    after: str | None

    def summary(self) -> str:
        if self.created_file:
            return f"created the database {self.shown} at revision {self.after}"
        if self.before is None:
            return f"created the tables of {self.shown} at revision {self.after}"
        if self.before != self.after:
            return f"upgraded {self.shown} from revision {self.before} to {self.after}"
        return f"{self.shown} is already at revision {self.after}: nothing to do"


def parse_database(url: str) -> URL:
    """The database URL, or `CliError` (usage) saying how to write one."""
    try:
        return database_url(url)
    except UnsupportedDatabase as error:
        raise CliError(f"--database: {error}", USAGE) from error


def shown(url: str) -> str:
    """The database as messages name it: an SQLite file's path, or PostgreSQL's host:port/name
    (never the user or the password)."""
    try:
        parsed = database_url(url)
    except UnsupportedDatabase:
        return "the database"
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def open_database(url: str, *, must_exist: bool) -> SqlStore:
    """The store for `url`, upgraded to the newest schema. `must_exist`: an SQLite file that
    does not exist is a mistake (a command that only reads or changes a hall), not created."""
    parsed = parse_database(url)
    if must_exist and parsed.get_backend_name() == "sqlite":
        path = Path(str(parsed.database)).expanduser()
        if not path.is_file():
            raise CliError(
                f"no database at {path}: give the file `hall serve` uses (--database "
                "sqlite:///FILE), or create it with `hall db upgrade`",
                USAGE,
            )
    store, _ = upgrade_database(url)
    return store


def upgrade_database(url: str) -> tuple[SqlStore, Migration]:
    """Open `url` and bring its schema to the newest revision; the open store and what was
    done. `CliError` when the database cannot be reached or opened."""
    parsed = parse_database(url)
    sqlite_file = (
        Path(str(parsed.database)).expanduser() if parsed.get_backend_name() == "sqlite" else None
    )
    created = sqlite_file is not None and not sqlite_file.exists()
    try:
        store = open_store(url)
    except UnsupportedDatabase as error:  # e.g. an SQLite file in a directory that is not there
        raise CliError(f"--database: {error}", USAGE) from error
    try:
        with database_errors(url):
            before = current_revision(store.engine)
            store.upgrade()
            after = current_revision(store.engine)
    except BaseException:
        store.close()
        raise
    return store, Migration(shown(url), created, before, after)


@contextlib.contextmanager
def database_errors(url: str) -> Iterator[None]:
    """A database that cannot be reached or used becomes a `CliError`."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        reason = _first_line(str(error.orig)).removeprefix("connection failed: ")
        if not _is_sqlite(url):
            advice = "is the server running, does the database exist, may this user use it?"
        else:
            advice = "can the file be written, is it a hall database?"
        raise CliError(
            f"cannot open the database {shown(url)}: {reason}; check --database (or "
            f"HALL_DATABASE_URL): {advice}",
            UNAVAILABLE,
        ) from error
    except sa.exc.TimeoutError as error:
        raise CliError(
            f"the database {shown(url)} did not answer in time; check that it is running",
            UNAVAILABLE,
        ) from error
    except AlembicError as error:
        raise CliError(
            f"the database {shown(url)} has a schema this hall does not know ({error}; newest "
            f"known revision: {head_revision()}): was it upgraded by a newer hall?",
            FAILED,
        ) from error


def check_bus(url: str, prefix: str) -> None:
    """The bus URL names a bus that answers; `CliError` otherwise."""
    try:
        bus = open_bus(url, prefix=prefix)
    except ValueError as error:
        raise CliError(f"--bus: {error}", USAGE) from error

    async def reach() -> None:
        async with asyncio.timeout(BUS_TIMEOUT_S):
            await bus.connect()
        await bus.disconnect()

    try:
        asyncio.run(reach())
    except (BusError, OSError, TimeoutError) as error:
        reason = str(error).rstrip(". ") or "no answer in time"
        raise CliError(
            f"cannot reach the bus: {reason}; start Redis or fix --bus (or HALL_BUS_URL)",
            UNAVAILABLE,
        ) from error


def _is_sqlite(url: str) -> bool:
    try:
        return database_url(url).get_backend_name() == "sqlite"
    except UnsupportedDatabase:
        return False


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"
