"""`hall staff add|list|passwd|deactivate|activate`, run as a user runs them, checked against
what the database then holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.auth import check_password
from hall.storage import open_store
from hall.storage.base import StaffRecord
from tests.hall.cli.running import HALL, database_with_hall, hall


@pytest.fixture
def url(tmp_path: Path) -> str:
    return database_with_hall(tmp_path / "hall.db")


def stored(url: str, number: str) -> StaffRecord | None:
    store = open_store(url)
    try:
        return store.staff(HALL, number)
    finally:
        store.close()


def add(url: str, number: str, *more: str, stdin: str = "") -> None:
    done = hall(
        "staff", "add", f"--hall={HALL}", f"--number={number}", f"--database={url}", *more,
        stdin=stdin,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_piped_password_is_one_line_without_a_warning(url: str) -> None:
    done = hall(
        "staff", "add", f"--hall={HALL}", "--number=2001", "--name=王晓丽", f"--database={url}",
        stdin="secret-2001\n",
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stderr == ""  # no GetPassWarning, no prompt
    assert done.stdout == "hall: staff 2001 (王晓丽, clerk) created\n"
    record = stored(url, "2001")
    assert record is not None and record.active
    assert check_password("secret-2001", record.password_hash)


def test_adding_an_existing_number_says_it_replaced_it(url: str) -> None:
    add(url, "2001", "--name=王晓丽", "--password=secret-1")
    done = hall(
        "staff", "add", f"--hall={HALL}", "--number=2001", "--name=王晓丽", "--role=manager",
        "--password=secret-2", f"--database={url}",
    )  # fmt: skip
    assert done.stdout == "hall: staff 2001 (王晓丽, manager) replaced\n"


def test_a_hall_that_does_not_exist_gets_no_account(url: str) -> None:
    done = hall(
        "staff", "add", "--hall=nohall", "--number=2001", "--name=王晓丽", "--password=secret1",
        f"--database={url}",
    )  # fmt: skip
    assert done.returncode == 2
    assert "no hall 'nohall'" in done.stderr and HALL in done.stderr  # names the halls there
    store = open_store(url)
    try:
        assert store.staff_members("nohall") == []
    finally:
        store.close()


def test_list_shows_every_account_with_its_role_and_status(url: str) -> None:
    add(url, "2002", "--name=李明", "--password=secret-2")
    add(url, "2001", "--name=王晓丽", "--role=manager", "--password=secret-1")
    done = hall("staff", "list", f"--hall={HALL}", f"--database={url}")
    assert done.returncode == 0, done.stderr
    assert [line.split() for line in done.stdout.splitlines()] == [
        ["number", "role", "status", "name"],
        ["2001", "manager", "active", "王晓丽"],
        ["2002", "clerk", "active", "李明"],
    ]
    assert "secret" not in done.stdout and "scrypt" not in done.stdout


def test_list_of_a_hall_without_staff_says_so(url: str) -> None:
    done = hall("staff", "list", f"--hall={HALL}", f"--database={url}")
    assert done.returncode == 0
    assert done.stdout == ""
    assert done.stderr == f"hall staff list: hall '{HALL}' has no staff accounts\n"


def test_passwd_replaces_the_password_and_keeps_the_rest(url: str) -> None:
    add(url, "2001", "--name=王晓丽", "--role=manager", "--password=old-secret")
    done = hall(
        "staff", "passwd", f"--hall={HALL}", "--number=2001", f"--database={url}",
        stdin="new-secret\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hall: staff 2001: password changed\n"
    record = stored(url, "2001")
    assert record is not None
    assert check_password("new-secret", record.password_hash)
    assert not check_password("old-secret", record.password_hash)
    assert (record.display_name, record.role, record.active) == ("王晓丽", "manager", True)


def test_passwd_refuses_a_short_password(url: str) -> None:
    add(url, "2001", "--name=王晓丽", "--password=old-secret")
    done = hall(
        "staff", "passwd", f"--hall={HALL}", "--number=2001", "--password=abc",
        f"--database={url}",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "hall staff passwd: password: at least 6 characters\n"
    record = stored(url, "2001")
    assert record is not None and check_password("old-secret", record.password_hash)


def test_deactivate_then_activate(url: str) -> None:
    add(url, "2001", "--name=王晓丽", "--password=secret-1")
    done = hall("staff", "deactivate", f"--hall={HALL}", "--number=2001", f"--database={url}")
    assert done.returncode == 0, done.stderr
    assert "deactivated" in done.stdout
    record = stored(url, "2001")
    assert record is not None and not record.active
    assert check_password("secret-1", record.password_hash)  # the password is kept
    listed = hall("staff", "list", f"--hall={HALL}", f"--database={url}").stdout
    assert listed.splitlines()[1].split() == ["2001", "clerk", "inactive", "王晓丽"]
    done = hall("staff", "activate", f"--hall={HALL}", "--number=2001", f"--database={url}")
    assert done.returncode == 0, done.stderr
    record = stored(url, "2001")
    assert record is not None and record.active


def test_the_staff_help_lists_only_actions_that_exist() -> None:
    done = hall("staff", "--help")
    assert done.returncode == 0
    for action in ("add", "list", "passwd", "deactivate", "activate"):
        assert action in done.stdout
        assert hall("staff", action, "--help").returncode == 0
