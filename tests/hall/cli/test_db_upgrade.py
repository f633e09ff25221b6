"""`hall db upgrade` says what it did: created, upgraded from X to Y, or already at X."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from hall.storage.connect import create_engine
from hall.storage.schema import alembic_config, current_revision, head_revision
from tests.hall.cli.running import hall

HEAD = head_revision()


def test_a_new_sqlite_file_is_created_then_already_there(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    done = hall("db", "upgrade", f"--database={url}")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"hall: created the database {tmp_path / 'hall.db'} at revision {HEAD}\n"
    again = hall("db", "upgrade", f"--database={url}")
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        f"hall: {tmp_path / 'hall.db'} is already at revision {HEAD}: nothing to do\n"
    )


def test_an_older_database_is_upgraded_from_its_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    assert current_revision(engine) == "0002"
    engine.dispose()
    done = hall("db", "upgrade", f"--database={url}")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"hall: upgraded {tmp_path / 'hall.db'} from revision 0002 to {HEAD}\n"


def test_an_empty_postgres_database_gets_its_tables(postgres_url: str) -> None:
    done = hall("db", "upgrade", f"--database={postgres_url}")
    assert done.returncode == 0, done.stderr
    where = postgres_url.split("@")[-1]
    assert done.stdout == f"hall: created the tables of {where} at revision {HEAD}\n"
    assert "postgres@" not in done.stdout  # no user name (nor password) in the output
