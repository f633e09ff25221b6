"""`hall --version`, and the help: every option explained, the exit statuses listed."""

from __future__ import annotations

from importlib import metadata

from hall.cli.errors import EXIT_STATUSES
from tests.hall.cli.running import hall


def test_version() -> None:
    done = hall("--version")
    assert done.returncode == 0
    assert done.stdout == f"hall {metadata.version('hall')}\n"


def test_the_help_lists_the_exit_statuses() -> None:
    done = hall("--help")
    assert done.returncode == 0
    assert "exit statuses:" in done.stdout
    for status, meaning in EXIT_STATUSES:
        assert f"{status:>3}  {meaning}" in done.stdout
    assert "--debug" in done.stdout and "--version" in done.stdout


def test_every_serve_option_is_explained() -> None:
    done = hall("serve", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "--host HOST address to listen on" in text
    assert "--port PORT TCP port to listen on, 1-65535" in text
    assert "--log-level {critical,error,warning,info,debug} least important log lines" in text


def test_a_port_at_the_edges_is_accepted_by_the_parser() -> None:
    """1 and 65535 pass the option check (the failure, if any, is about listening)."""
    for port in ("1", "65535"):
        done = hall("serve", f"--port={port}", "--database=notaurl")
        assert done.returncode == 2
        assert "--port" not in done.stderr  # refused for the database URL, not the port
