"""Every mistake on the command line is one line on stderr, saying what is wrong and what to do,
with the documented exit status (hall/cli/errors.py, docs/cli.md), and never a traceback.

Each bad invocation runs `python -m hall` in a subprocess, as a user types it. The PostgreSQL
cases use the local server (a database name that does not exist) and skip without it, unless
HALL_REQUIRE_SERVICES=1; unreachable services are closed local ports, so each case fails fast.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from hall.cli import main
from hall.cli.errors import (
    BROKEN_PIPE,
    FAILED,
    INTERNAL,
    INTERRUPTED,
    OK,
    UNAVAILABLE,
    USAGE,
)
from tests.hall.cli.running import HALL, ROOT, closed_port, database_with_hall, hall
from tests.hall.report.scripted_day import DAY, PlayedDay
from tests.hall.report.scripted_day import HALL as REPORT_HALL
from tests.support.waiting import eventually

EXAMPLE_HALL = ROOT / "docs" / "examples" / "demo-hall.json"
EXAMPLE_DEMAND = ROOT / "docs" / "examples" / "demo-demand.json"


@dataclass(frozen=True)
class Case:
    """A bad invocation: its arguments (with {placeholders}), the status and a piece of the
    one line it must print; what it needs; a path it must not create."""

    args: tuple[str, ...]
    status: int
    says: str
    needs: frozenset[str] = field(default_factory=frozenset)
    stdin: str = ""  # "closed": no stdin at all; "": empty
    env: tuple[tuple[str, str], ...] = ()
    not_created: str | None = None


def case(*args: str, status: int, says: str, **options: object) -> Case:
    needs = frozenset(
        need for need in ("pg", "db", "played") if any(f"{{{need}" in arg for arg in args)
    )
    return Case(args, status, says, needs, **options)  # type: ignore[arg-type]


SQLITE = "--database=sqlite:///{tmp}/hall.db"
# fmt: off
CASES: dict[str, Case] = {
    # hall serve: every hall document is read and checked before anything starts
    "serve-missing-hall-file": case(
        "serve", "--hall-config", "{tmp}/nope.json", SQLITE, status=USAGE,
        says="cannot read the hall document", not_created="{tmp}/hall.db",
    ),
    "serve-malformed-hall-file": case(
        "serve", "--hall-config", "{tmp}/malformed.json", SQLITE, status=USAGE,
        says="not JSON", not_created="{tmp}/hall.db",
    ),
    "serve-empty-hall-document": case(
        "serve", "--hall-config", "{tmp}/empty.json", SQLITE, status=USAGE,
        says="is not a valid hall document: id: ", not_created="{tmp}/hall.db",
    ),
    # hall serve: the database
    "serve-database-closed-port": case(
        "serve", "--database=postgresql://postgres@127.0.0.1:{closed}/hall", status=UNAVAILABLE,
        says="cannot open the database 127.0.0.1:",
    ),
    "serve-database-unknown-host": case(
        "serve", "--database=postgresql://postgres@no-such-host.invalid/hall",
        status=UNAVAILABLE, says="cannot open the database no-such-host.invalid",
    ),
    "serve-database-missing": case(
        "serve", "--database={pg}/hall_missing_xyz", status=UNAVAILABLE,
        says='database "hall_missing_xyz" does not exist',
    ),
    "serve-database-not-a-url": case(
        "serve", "--database=notaurl", status=USAGE, says="not a database URL",
    ),
    "serve-database-mysql": case(
        "serve", "--database=mysql://x@y/z", status=USAGE, says="use sqlite:///",
    ),
    "serve-database-no-directory": case(
        "serve", "--database=sqlite:///{tmp}/no-dir/x.db", status=USAGE,
        says="there is no directory", not_created="{tmp}/no-dir",
    ),
    # hall serve: the bus
    "serve-bus-closed-port": case(
        "serve", SQLITE, "--bus=redis://127.0.0.1:{closed}/0", status=UNAVAILABLE,
        says="cannot reach the bus", not_created="{tmp}/hall.db",
    ),
    "serve-bus-kafka": case(
        "serve", SQLITE, "--bus=kafka://x", status=USAGE, says="unknown bus URL scheme",
        not_created="{tmp}/hall.db",
    ),
    # hall serve: options and settings
    "serve-port-too-big": case(
        "serve", SQLITE, "--port=99999", status=USAGE, says="--port: a port number from 1 to",
    ),
    "serve-port-not-a-number": case(
        "serve", SQLITE, "--port=http", status=USAGE, says="--port: a port number",
    ),
    "serve-log-level": case(
        "serve", SQLITE, "--log-level=loud", status=USAGE, says="invalid choice: 'loud'",
    ),
    "serve-bad-setting": case(
        "serve", SQLITE, status=USAGE, says="HALL_MAX_BODY_BYTES",
        env=(("HALL_MAX_BODY_BYTES", "lots"),),
    ),
    "serve-address-not-here": case(
        "serve", SQLITE, "--host=192.0.2.1", status=FAILED, says="cannot listen on 192.0.2.1",
        not_created="{tmp}/hall.db",
    ),
    # hall demo
    "demo-database-not-a-url": case(
        "demo", "--database=notaurl", status=USAGE, says="not a database URL",
    ),
    "demo-bad-demand": case(
        "demo", SQLITE, "--demand", "{tmp}/malformed.json", status=USAGE, says="is not usable",
    ),
    # hall db upgrade
    "db-missing-database": case(
        "db", "upgrade", "--database={pg}/hall_missing_xyz", status=UNAVAILABLE,
        says='database "hall_missing_xyz" does not exist',
    ),
    "db-not-a-url": case("db", "upgrade", "--database=notaurl", status=USAGE, says="not a"),
    "db-unwritable-sqlite": case(
        "db", "upgrade", "--database=sqlite:////proc/hall.db", status=UNAVAILABLE,
        says="cannot open the database /proc/hall.db",
    ),
    "db-sqlite-is-a-directory": case(
        "db", "upgrade", "--database=sqlite:///{tmp}", status=UNAVAILABLE,
        says="cannot open the database",
    ),
    "db-no-directory": case(
        "db", "upgrade", "--database=sqlite:///{tmp}/no-dir/x.db", status=USAGE,
        says="there is no directory", not_created="{tmp}/no-dir",
    ),
    "db-no-action": case("db", status=USAGE, says="required: ACTION"),
    # hall report
    "report-unreachable-database": case(
        "report", "--hall=x", f"--date={DAY}", "--out={tmp}/out",
        "--database=postgresql://postgres@127.0.0.1:{closed}/hall", status=UNAVAILABLE,
        says="cannot open the database", not_created="{tmp}/out",
    ),
    "report-unwritable-out": case(
        "report", f"--hall={REPORT_HALL}", f"--date={DAY}", "--out=/proc/hall-report",
        "--database={played}", status=FAILED, says="cannot write the report to /proc/hall-report",
    ),
    "report-out-is-a-file": case(
        "report", f"--hall={REPORT_HALL}", f"--date={DAY}", "--out={tmp}/empty.json",
        "--database={played}", status=FAILED, says="cannot write the report",
    ),
    # hall staff
    "staff-add-stdin-closed": case(
        "staff", "add", f"--hall={HALL}", "--number=2001", "--name=王晓丽", "--database={db}",
        status=USAGE, says="no password", stdin="closed",
    ),
    "staff-add-stdin-empty": case(
        "staff", "add", f"--hall={HALL}", "--number=2001", "--name=王晓丽", "--database={db}",
        status=USAGE, says="no password on standard input",
    ),
    "staff-add-unknown-hall": case(
        "staff", "add", "--hall=nohall", "--number=2001", "--name=王晓丽", "--password=secret1",
        "--database={db}", status=USAGE, says="no hall 'nohall'",
    ),
    "staff-add-short-password": case(
        "staff", "add", f"--hall={HALL}", "--number=2001", "--name=王晓丽", "--password=abc",
        "--database={db}", status=USAGE, says="password: at least 6 characters",
    ),
    "staff-add-missing-database-file": case(
        "staff", "add", f"--hall={HALL}", "--number=2001", "--name=王晓丽", "--password=secret1",
        "--database=sqlite:///{tmp}/missing.db", status=USAGE, says="no database at",
        not_created="{tmp}/missing.db",
    ),
    "staff-passwd-unknown-number": case(
        "staff", "passwd", f"--hall={HALL}", "--number=9999", "--password=secret1",
        "--database={db}", status=USAGE, says="has no staff '9999'",
    ),
    "staff-no-action": case("staff", status=USAGE, says="required: ACTION"),
    "staff-unknown-action": case("staff", "remove", status=USAGE, says="invalid choice"),
    # the command line itself
    "no-command": case(status=USAGE, says="required: COMMAND"),
    "unknown-command": case("fly", status=USAGE, says="invalid choice: 'fly'"),
    "simulate-bad-hall": case(
        "simulate", "--hall-config", "{tmp}/empty.json", "--demand", str(EXAMPLE_DEMAND),
        status=USAGE, says="is not usable: id: ",
    ),
    "simulate-days-zero": case(
        "simulate", "--hall-config", str(EXAMPLE_HALL), "--demand", str(EXAMPLE_DEMAND),
        "--days=0", status=USAGE, says="--days: a whole number of at least 1",
    ),
}
# fmt: on


def _postgres_base(request: pytest.FixtureRequest) -> str:
    admin: str = request.getfixturevalue("postgres_admin")  # skips (or fails) without it
    info = psycopg.conninfo.conninfo_to_dict(admin)
    user = info.get("user", os.environ.get("USER", "postgres"))
    return f"postgresql://{user}@{info.get('host', '127.0.0.1')}:{info.get('port', '5432')}"


def _filled(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", value)
    return text


@pytest.mark.parametrize("name", list(CASES))
def test_a_mistake_is_one_line_and_its_status(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    bad = CASES[name]
    (tmp_path / "malformed.json").write_text("{", encoding="utf-8")
    (tmp_path / "empty.json").write_text("{}", encoding="utf-8")
    values = {"tmp": str(tmp_path), "closed": str(closed_port())}
    if "pg" in bad.needs:
        values["pg"] = _postgres_base(request)
    if "db" in bad.needs:
        values["db"] = database_with_hall(tmp_path / "with-hall.db")
    if "played" in bad.needs:
        played: PlayedDay = request.getfixturevalue("played")
        values["played"] = played.url
    args = [_filled(arg, values) for arg in bad.args]
    env = {**dict(bad.env), "HALL_ADMIN_TOKEN": ""}
    done = _run(args, bad.stdin, env)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert bad.says in lines[0], lines[0]
    assert lines[0].startswith("hall"), lines[0]
    assert done.returncode == bad.status, (done.returncode, lines[0])
    assert done.stdout == ""  # no admin token, nothing printed as if it had worked
    if bad.not_created is not None:
        assert not Path(_filled(bad.not_created, values)).exists()


def _run(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if stdin != "closed":
        return hall(*args, stdin=stdin, env=env)
    # `<&-`: the process starts without a standard input at all
    shell = 'exec "$0" -m hall "$@" <&-'
    return subprocess.run(
        ["/bin/sh", "-c", shell, sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
        env={**os.environ, **env},
    )


def test_debug_lets_the_traceback_through() -> None:
    done = hall("--debug", "serve", "--database=notaurl")
    assert done.returncode == USAGE
    assert "Traceback" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("hall serve: --database: not a database URL")


def test_output_closed_early_is_quiet(tmp_path: Path) -> None:
    """`hall simulate ... | head -0`: the reader is gone before anything is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "hall",
                "simulate",
                "--hall-config",
                str(EXAMPLE_HALL),
                "--demand",
                str(EXAMPLE_DEMAND),
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == BROKEN_PIPE


def test_help_into_a_closed_pipe_is_quiet() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "hall", "--help"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode in (OK, BROKEN_PIPE)  # argparse itself drops a failed write


def test_ctrl_c_while_a_password_is_awaited_exits_130_quietly(tmp_path: Path) -> None:
    url = database_with_hall(tmp_path / "hall.db")
    read_end, write_end = os.pipe()  # a standard input that stays open and silent
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hall",
            "staff",
            "add",
            f"--hall={HALL}",
            "--number=2001",
            "--name=王晓丽",
            f"--database={url}",
        ],
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(read_end)
    try:
        _wait_reading_stdin(process.pid)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        os.close(write_end)
        if process.poll() is None:
            process.kill()
    assert stderr == ""
    assert stdout == ""
    assert process.returncode == INTERRUPTED


def _wait_reading_stdin(pid: int) -> None:
    """Until the process blocks in a read of its standard input (Linux: /proc/PID/syscall
    starts with the number of `read` and the file descriptor 0)."""
    read_syscall = {"x86_64": 0, "aarch64": 63}[os.uname().machine]

    def reading() -> bool:
        try:
            fields = Path(f"/proc/{pid}/syscall").read_text().split()
        except OSError:
            return False
        return len(fields) > 1 and fields[0] == str(read_syscall) and fields[1] == "0x0"

    asyncio.run(eventually(reading, timeout=30))


def test_an_unexpected_failure_is_one_line_status_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug (here: one planted in the sub-command) is "internal error", not a traceback."""
    import hall.cli.db

    def broken(url: str) -> None:
        raise KeyError("planted")

    monkeypatch.setattr(hall.cli.db, "upgrade_database", broken)
    assert main(["db", "upgrade", "--database=sqlite:///x.db"]) == INTERNAL
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "hall: internal error: KeyError: 'planted' (run with --debug for the traceback)"
    ]
    assert main(["--debug", "db", "upgrade", "--database=sqlite:///x.db"]) == INTERNAL
    assert "Traceback" in capsys.readouterr().err
