"""The scripted day in an SQLite file (and, for the figures, in PostgreSQL too)."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from hall.report import csv_bytes, daily_report
from hall.report.figures import Report
from hall.storage import open_store
from tests.hall.report.scripted_day import AFTER, DAY, HALL, PlayedDay, local, play_day

NOW = local(AFTER, "01:00").timestamp()
"""When the tests look at the day: an hour after it ended (the next day's first minutes are in
the database too)."""


def play_into(path: Path) -> PlayedDay:
    """The scripted day in a new SQLite file."""
    return asyncio.run(play_day(f"sqlite:///{path}"))


@pytest.fixture(scope="session")
def played(tmp_path_factory: pytest.TempPathFactory) -> PlayedDay:
    return play_into(tmp_path_factory.mktemp("report") / "hall.db")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def played_anywhere(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlayedDay]:
    """The scripted day on SQLite, then on the local PostgreSQL (a database of its own)."""
    if request.param == "sqlite":
        yield play_into(tmp_path_factory.mktemp("report") / "hall.db")
        return
    admin: str = request.getfixturevalue("postgres_admin")
    info = psycopg.conninfo.conninfo_to_dict(admin)
    name = f"hall_report_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    host, port = info.get("host", "127.0.0.1"), info.get("port", "5432")
    user = info.get("user", os.environ.get("USER", "postgres"))
    try:
        yield asyncio.run(play_day(f"postgresql://{user}@{host}:{port}/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report_of(played: PlayedDay, day: str = DAY, now: float = NOW) -> Report:
    store = open_store(played.url)
    try:
        loaded = store.load_hall(HALL)
        assert loaded is not None
        return daily_report(store.engine, loaded.state.config, day, now)
    finally:
        store.close()


def rows_of(report: Report, table: str, lang: str = "en") -> list[dict[str, str]]:
    """A CSV table as written, read back as Excel would: the BOM stripped, one dict per row."""
    text = csv_bytes(report, table, lang).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def by(rows: list[dict[str, str]], *columns: str) -> dict[tuple[str, ...] | str, dict[str, str]]:
    """Rows keyed by the values of `columns`."""
    keyed: dict[tuple[str, ...] | str, dict[str, str]] = {}
    for row in rows:
        key = tuple(row[c] for c in columns)
        keyed[key[0] if len(key) == 1 else key] = row
    return keyed
