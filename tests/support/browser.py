"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright's async API.

Never downloads a browser. Without /usr/bin/chromium the tests skip with the reason, or fail
when HALL_REQUIRE_SERVICES=1. Screenshots go to `test-artifacts/screenshots/NAME-LANG.png` at
the repository root, for a person to look at.

One browser for a whole test module (launching Chromium takes a while):

    @pytest.fixture(scope="module")
    def anyio_backend() -> str:
        return "asyncio"  # one event loop for the module


    @pytest.fixture(scope="module")
    async def browser() -> AsyncIterator[Any]:
        async with chromium() as launched:
            yield launched

Wait on page state (`wait_for_selector`, `wait_for_text`), never for a fixed time. Pages send a
content security policy without 'unsafe-eval': give `wait_for_function` a function
("() => ..."), not an expression string.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WAIT_MS = 10_000
"""How long page-state waits last before a test fails."""


def require_chromium() -> None:
    """Skip (or fail, with HALL_REQUIRE_SERVICES=1) when Debian's Chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("HALL_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} and HALL_REQUIRE_SERVICES=1")
    pytest.skip(reason)


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """A headless Chromium; close it on exit. Yields a Playwright `Browser`."""
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


class PageErrors:
    """Uncaught script errors and console errors of a page; a test asserts there are none."""

    def __init__(self, page: Any) -> None:
        self.messages: list[str] = []
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not _expected_console_error(message.text):
            self.messages.append(f"console: {message.text}")


def _expected_console_error(text: str) -> bool:
    """A refused websocket while the server is down is the browser's own log line."""
    return "WebSocket connection" in text or "ERR_CONNECTION_REFUSED" in text


async def new_page(browser: Any, *, width: int = 1280, height: int = 900, **options: Any) -> Any:
    """A page in a fresh context (its own localStorage)."""
    context = await browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", **options
    )
    return await context.new_page()


async def screenshot(page: Any, name: str, lang: str, **options: Any) -> Path:
    """`test-artifacts/screenshots/NAME-LANG.png` of the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{lang}.png"
    await page.screenshot(path=str(path), full_page=True, **options)
    return path


async def set_language(page: Any, lang: str) -> None:
    """Switch the page's language with its own switch, until the document says so."""
    if await page.evaluate("document.documentElement.lang") != lang:
        await page.click("[data-lang-switch]")
    await page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)


async def text_of(page: Any, selector: str) -> str:
    text: str = await page.inner_text(selector)
    return text.strip()


async def wait_for_text(page: Any, selector: str, pattern: str, timeout: int = WAIT_MS) -> str:
    """Wait until the element's text matches the regular expression; return the text."""
    await page.wait_for_function(
        """([selector, pattern]) => {
            const node = document.querySelector(selector);
            return node !== null && new RegExp(pattern).test(node.textContent);
        }""",
        arg=[selector, pattern],
        timeout=timeout,
    )
    text = await text_of(page, selector)
    assert re.search(pattern, text), (selector, pattern, text)
    return text
