from __future__ import annotations

import pytest

pytest_plugins = ["tests.support.fixtures"]
"""`server`, `hall`, `browser` and `pages`: see tests/support/fixtures.py."""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
