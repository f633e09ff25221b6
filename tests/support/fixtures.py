"""Fixtures for the tests that talk to a real server, and for the page tests that drive it
from a browser (a pytest plugin, registered for every test in tests/conftest.py).

`server`: one `hall serve` process for a test module (a fresh SQLite file in a directory of its
own, the bus in memory), stopped after the module's last test. A module that needs another
database, bus or command-line options overrides `server_setup`:

    @pytest.fixture(scope="module")
    def server_setup(day: PlayedDay) -> ServerSetup:
        return ServerSetup(database=day.url)

`hall`: a hall with a fresh id on that server for each test (`new_hall`). A module that needs
staff accounts or other rules overrides `hall_setup`:

    @pytest.fixture
    def hall_setup() -> HallSetup:
        return HallSetup(staff=(CLERK,), rules={"check_in_early_minutes": 240})

`browser`: one headless Chromium for a test module; `pages`: the pages a test opens, closed
after it (tests/support/browser.py). A module using them keeps its tests on one event loop by
overriding anyio's `anyio_backend` with a module-scoped one (that override has to be in the
module itself: the function-scoped one in tests/conftest.py would win over one here).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.browser import Pages, chromium, require_chromium
from tests.support.device import Device
from tests.support.server import HallSetup, ServerProcess, new_hall


@dataclass(frozen=True)
class ServerSetup:
    """How a test module's `server` starts."""

    database: str | None = None
    """A database URL; None: a fresh SQLite file in the server's own directory."""
    bus: str = "memory://"
    extra: tuple[str, ...] = ()
    """More `hall serve` options."""


@pytest.fixture(scope="module")
def server_setup() -> ServerSetup:
    return ServerSetup()


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest,
    server_setup: ServerSetup,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServerProcess]:
    """A `hall serve` process for the module, as `server_setup` says."""
    if "browser" in request.fixturenames:
        require_chromium()  # skip (or fail) before starting a server no page would open
    workdir = tmp_path_factory.mktemp(request.node.path.stem)
    database = server_setup.database or f"sqlite:///{workdir / 'hall.db'}"
    process = ServerProcess(database, workdir, *server_setup.extra, bus_url=server_setup.bus)
    try:
        process.start()
        yield process
    finally:
        process.stop()


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup()


@pytest.fixture
def hall(server: ServerProcess, hall_setup: HallSetup) -> str:
    """A new hall on the module's server, as `hall_setup` says."""
    return new_hall(server, hall_setup)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    """A headless Chromium for the module (a Playwright `Browser`)."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def pages(browser: Any, server: ServerProcess) -> AsyncIterator[Pages]:
    opened = Pages(browser, server)
    yield opened
    await opened.close()


@pytest.fixture
async def devices() -> AsyncIterator[list[Device]]:
    """Devices a test connects (`tests.support.device.connected`), closed after it."""
    opened: list[Device] = []
    yield opened
    for device in opened:
        await device.close()
