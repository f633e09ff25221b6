"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright's async API.

Never downloads a browser. Without /usr/bin/chromium the tests skip with the reason, or fail
when HALL_REQUIRE_SERVICES=1. Screenshots go to `test-artifacts/screenshots/NAME-LANG.png` at
the repository root, for a person to look at.

The fixtures are in tests/support/fixtures.py: `browser`, one Chromium for a whole test module
(launching it takes a while), and `pages`, the `Pages` a test opens. A module using them runs
its tests on one event loop:

    @pytest.fixture(scope="module")
    def anyio_backend() -> str:
        return "asyncio"  # one event loop for the module, so one browser serves every test

Wait on page state (`wait_for_selector`, `wait_for_text`), never for a fixed time. Pages send a
content security policy without 'unsafe-eval': give `wait_for_function` a function
("() => ..."), not an expression string.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import ServerProcess, mint

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
DESK: dict[str, Any] = {"width": 1280, "height": 800}
"""The viewport `Pages.open` gives a page unless told otherwise."""


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


async def switch_language(page: Any, lang: str) -> None:
    """Through the page's own switch where it shows one; the window screen (an LED strip)
    has none on screen, and an open modal dialog makes the page behind it inert, so there
    through the same function the switch calls."""
    modal = await page.evaluate("() => document.querySelector('dialog[open]') !== null")
    if not modal and await page.is_visible("[data-lang-switch]"):
        await set_language(page, lang)
        return
    await page.evaluate("lang => window.hall.setLanguage(lang)", lang)
    await page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)


async def both_languages(page: Any, name: str, selector: str, zh: str, en: str) -> None:
    """Screenshots in zh-CN and en, checking a text in each; the page ends in zh-CN."""
    await wait_for_text(page, selector, zh)
    await screenshot(page, name, "zh-CN")
    await switch_language(page, "en")
    await wait_for_text(page, selector, en)
    await screenshot(page, name, "en")
    await switch_language(page, "zh-CN")


class Pages:
    """The pages a test opened, with their script errors; closed at the end of the test."""

    def __init__(self, browser: Any, server: ServerProcess) -> None:
        self.browser = browser
        self.server = server
        self.errors: list[PageErrors] = []
        self.pages: list[Any] = []

    async def open(
        self,
        path: str,
        hall: str,
        kind: str | None,
        window: str | None = None,
        *,
        viewport: Mapping[str, Any] = DESK,
    ) -> Any:
        """A page at `path` on the server, paired as a new `kind` device of the hall (at
        `window`) through the address's fragment; `kind` None: not paired."""
        page = await new_page(self.browser, **viewport)
        self.pages.append(page)
        self.errors.append(PageErrors(page))
        token = f"#token={mint(self.server, hall, kind, window)}" if kind else ""
        await page.goto(f"{self.server.url}{path}{token}")
        return page

    def messages(self) -> list[str]:
        return [message for errors in self.errors for message in errors.messages]

    async def close(self) -> None:
        for page in self.pages:
            await page.context.close()
