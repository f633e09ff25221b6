"""`hall serve` starting: how to create a hall when there is none, an address in use refused
before anything is done, and a start-up that fails anyway reported in one line."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from hall.server import Settings, StartupFailed, serve
from tests.hall.cli.running import ROOT, hall
from tests.support.server import ServerProcess, free_port, mint, small_hall

EXAMPLE_HALL = ROOT / "docs" / "examples" / "demo-hall.json"


def test_a_server_without_a_hall_says_how_to_create_one(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path)
    try:
        server.start()  # returns once /readyz answers: the server is up
    finally:
        server.stop()
    log = server.log()
    assert "this server has no hall yet" in log
    assert f"{server.url}/admin" in log
    assert "--hall-config FILE" in log and "--demo" in log


def test_a_server_with_a_hall_says_nothing_of_the_kind(tmp_path: Path) -> None:
    server = ServerProcess(
        f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, "--hall-config", str(EXAMPLE_HALL)
    )
    try:
        server.start()
        with server.admin() as client:
            assert client.get("/api/halls/demo").status_code == 200
    finally:
        server.stop()
    assert "no hall yet" not in server.log()


def test_an_address_in_use_is_refused_before_the_database_is_touched(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = hall(
            "serve", f"--port={port}", f"--database=sqlite:///{tmp_path / 'hall.db'}",
            env={"HALL_ADMIN_TOKEN": ""},
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"hall serve: cannot listen on 127.0.0.1 port {port}: Address already in use; choose "
        "another --host or --port"
    ]
    assert done.stdout == ""  # no admin token printed for a server that never ran
    assert not (tmp_path / "hall.db").exists()


def test_a_failed_start_up_is_one_line_not_a_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """What the command line checks first can still fail at start-up (a hall file changed in
    between): `serve` raises `StartupFailed` with one line; uvicorn logs no traceback."""
    broken = tmp_path / "hall.json"
    broken.write_text("{}", encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hall.db'}",
        hall_files=[broken],
        admin_token="start-up-test-token",
    )
    with pytest.raises(StartupFailed) as failed:
        serve(settings, "127.0.0.1", 0, "warning")
    message = str(failed.value)
    assert message.startswith("the server failed to start: ConfigError: id: must be")
    assert "\n" not in message
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert err == ""


def test_a_hall_file_the_running_hall_refuses_stops_the_start_with_one_line(
    tmp_path: Path,
) -> None:
    """A new hall document that would strand tickets (their queue removed) is refused by the
    hall; the server does not start on the old configuration as if nothing happened."""
    database = f"sqlite:///{tmp_path / 'hall.db'}"
    first = tmp_path / "hall.json"
    first.write_text(json.dumps(small_hall("refusing")), encoding="utf-8")
    server = ServerProcess(database, tmp_path, "--hall-config", str(first))
    try:
        server.start()
        kiosk = mint(server, "refusing", "kiosk")
        response = httpx.post(
            f"{server.url}/api/halls/refusing/commands/issue_ticket",
            json={"service": "tax"},  # queue B
            headers={"Authorization": f"Bearer {kiosk}"},
        )
        assert response.status_code == 200, response.text
    finally:
        server.stop()
    without_b = small_hall("refusing")
    without_b["queues"] = [q for q in without_b["queues"] if q["id"] != "B"]
    without_b["services"] = [s for s in without_b["services"] if s["id"] == "social"]
    for window in without_b["windows"]:
        window["queues"] = {"A": 1.0}
    second = tmp_path / "without-b.json"
    second.write_text(json.dumps(without_b), encoding="utf-8")

    done = hall("serve", f"--port={free_port()}", f"--database={database}", "--hall-config", second)

    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(f"hall serve: {second}: hall 'refusing' refuses this document now:")
    assert "queue B has ticket B001 in play" in line
    assert done.stdout == ""  # no admin token printed for a server that never ran
