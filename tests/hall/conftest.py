"""Database fixtures for the server's tests: an SQLite file per test, and a throwaway database
per test on the local PostgreSQL (127.0.0.1:5432, trust auth), dropped after it.

Without PostgreSQL the tests that need it skip, saying why; with `HALL_REQUIRE_SERVICES=1`
they fail instead. `HALL_TEST_POSTGRES` may name another server to use, as a libpq conninfo
(default: `host=127.0.0.1 port=5432 dbname=test`, user `postgres`, else `root`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

DEFAULT_SERVER = "host=127.0.0.1 port=5432 dbname=test connect_timeout=3"
USERS = ("postgres", "root")


def _services_required() -> bool:
    return os.environ.get("HALL_REQUIRE_SERVICES") == "1"


def _unavailable(reason: str) -> None:
    if _services_required():
        pytest.fail(f"{reason} (HALL_REQUIRE_SERVICES=1: the real server is required)")
    pytest.skip(reason)


def _admin_conninfo() -> str:
    """A conninfo that reaches the server with rights to create databases."""
    configured = os.environ.get("HALL_TEST_POSTGRES")
    candidates = [configured] if configured else [f"{DEFAULT_SERVER} user={u}" for u in USERS]
    problems = []
    for conninfo in candidates:
        try:
            with psycopg.connect(conninfo, autocommit=True):
                return conninfo
        except psycopg.Error as error:
            problems.append(f"{conninfo}: {str(error).strip()}")
    _unavailable("PostgreSQL is unreachable: " + "; ".join(problems))
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    return _admin_conninfo()


@pytest.fixture
def postgres_database(postgres_admin: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty databases (as `postgresql://` URLs); every database it made
    is dropped after the test (about 60 ms each)."""
    created: list[str] = []
    info = psycopg.conninfo.conninfo_to_dict(postgres_admin)
    host, port = info.get("host", "127.0.0.1"), info.get("port", "5432")
    user = info.get("user", os.environ.get("USER", "postgres"))

    def create() -> str:
        name = f"hall_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            # Tests need no durability across a crash of the test server: skip the fsync.
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        created.append(name)
        return f"postgresql://{user}@{host}:{port}/{name}"

    yield create
    with psycopg.connect(postgres_admin, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_database: Callable[[], str]) -> str:
    """A fresh, empty database for this test, dropped after it."""
    return postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hall.db'}"
