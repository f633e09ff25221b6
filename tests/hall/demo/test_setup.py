"""What `hall serve --demo` prints: the admin token only when the server generated it (a real
app, its lifespan run under uvicorn in the test's loop)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hall.demo.setup import set_up_demo
from hall.server import Server, Settings, create_app
from tests.support.inprocess import serving

pytestmark = pytest.mark.anyio


async def demo_lines(tmp_path: Path, admin_token: str | None = None) -> tuple[list[str], str]:
    """The lines the demo prints, and the admin token the server runs with."""
    found: list[Server] = []
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hall.db'}", admin_token=admin_token)
    settings.on_ready = found.append
    async with serving(create_app(settings), lifespan="on") as address:
        (server,) = found
        lines = await set_up_demo(server, f"http://{address}")
    return lines, server.admin_token


async def test_a_generated_admin_token_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HALL_ADMIN_TOKEN", raising=False)
    lines, token = await demo_lines(tmp_path)
    assert any(token in line for line in lines)


async def test_an_admin_token_from_the_environment_is_not_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HALL_ADMIN_TOKEN", "from-the-environment-1234")
    lines, token = await demo_lines(tmp_path)
    assert token == "from-the-environment-1234"
    assert not any(token in line for line in lines)
    assert "hall: admin token: the one in HALL_ADMIN_TOKEN" in lines


async def test_an_admin_token_given_to_the_app_is_not_printed(tmp_path: Path) -> None:
    lines, token = await demo_lines(tmp_path, admin_token="given-in-settings-5678")
    assert not any(token in line for line in lines)
