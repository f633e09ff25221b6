"""Database URLs to SQLAlchemy engines, set up for hall on SQLite and on PostgreSQL.

- `sqlite:///path/to/hall.db`: WAL journal, `synchronous=NORMAL`, foreign keys on, a busy
  timeout. SQLAlchemy, not the sqlite3 module, begins transactions, so a write transaction can
  take the write lock up front (`BEGIN IMMEDIATE`) instead of failing to upgrade a read lock when
  another thread wrote in between.
- `postgresql://user@host:port/db` (or `postgres://`): the psycopg 3 driver, with a connect
  timeout, a statement timeout and a TCP user timeout, so that no call waits on a database that
  is gone for longer than `STATEMENT_TIMEOUT_MS` (the engine answers `unavailable` sooner).

Both: a connection is checked out of the pool within `POOL_TIMEOUT` seconds or the call fails,
and errors never carry the statement's parameters (they may be personal data).

One engine per store, with a pool; every call checks a connection out for its own use, so the
store is safe to call from any thread.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

STATEMENT_TIMEOUT_MS = 10_000
"""PostgreSQL: the longest a statement may run (the schema upgrade is exempt); also the TCP user
timeout of a connection whose server stopped answering."""
CONNECT_TIMEOUT_S = 3
"""PostgreSQL: the longest a new connection may take."""
POOL_TIMEOUT_S = 3.0
"""The longest a call waits for a free connection of the pool."""
SQLITE_BUSY_TIMEOUT_MS = 10_000
"""SQLite: the longest a write waits for another writer's lock."""
WRITE = "hall_write"
"""Execution option: this connection's transactions write (SQLite: `BEGIN IMMEDIATE`)."""

_json_dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


class UnsupportedDatabase(ValueError):
    """A database URL hall cannot use."""


def database_url(url: str) -> URL:
    """The SQLAlchemy URL for a hall database URL (PostgreSQL goes through psycopg 3)."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as error:
        raise UnsupportedDatabase(
            f"not a database URL: {url!r}: use sqlite:///path/to/hall.db or "
            "postgresql://user@host/db"
        ) from error
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.get_driver_name() in ("pysqlite", ""):
        if parsed.database in (None, "", ":memory:"):
            raise UnsupportedDatabase("sqlite: give a file, e.g. sqlite:///hall.db")
        return parsed.set(drivername="sqlite")
    raise UnsupportedDatabase(
        f"database {backend!r}: use sqlite:///path/to/hall.db or postgresql://user@host/db"
    )


def create_engine(url: str) -> Engine:
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return sa.create_engine(
        parsed,
        json_serializer=_json_dumps,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=POOL_TIMEOUT_S,
        connect_args={
            "application_name": "hall",
            "connect_timeout": CONNECT_TIMEOUT_S,
            "tcp_user_timeout": STATEMENT_TIMEOUT_MS,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        },
    )


def _sqlite_engine(url: URL) -> Engine:
    assert url.database is not None
    folder = Path(url.database).expanduser().parent
    if not folder.is_dir():  # never created here: a typo in the path would go unnoticed
        raise UnsupportedDatabase(
            f"sqlite: there is no directory {folder} for {url.database}: create it first, or "
            "fix the path"
        )
    engine = sa.create_engine(
        url,
        json_serializer=_json_dumps,
        hide_parameters=True,
        pool_size=8,
        max_overflow=16,
        pool_timeout=POOL_TIMEOUT_S,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    sa.event.listen(engine, "connect", _sqlite_connected)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connected(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
