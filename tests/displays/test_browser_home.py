"""The front door `/` and the documents `/docs` in a real headless Chromium against a real
server process: the server's halls listed, every link opening its page, an admin token handed
over in the address (`#admin=TOKEN`) kept for the tab and taken out of the address, and the
protocol rendered with its tables.

Screenshots in both languages land in test-artifacts/screenshots/home-*.png and docs-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from displays import i18n
from tests.support.browser import (
    SCREENSHOTS,
    PageErrors,
    Pages,
    both_languages,
    new_page,
    screenshot,
    wait_for_text,
)
from tests.support.server import ADMIN_TOKEN, ServerProcess

pytestmark = pytest.mark.anyio

TOKEN_KEY = "hall.admin_token"
PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of the test's own, with no hall."""
    server = ServerProcess(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path)
    server.start()
    yield server
    server.stop()


async def open_page(pages: Pages, url: str, **viewport: Any) -> Any:
    page = await new_page(pages.browser, **viewport)
    pages.pages.append(page)
    pages.errors.append(PageErrors(page))
    await page.goto(url)
    return page


async def hrefs(page: Any, selector: str) -> list[str]:
    found: list[str] = await page.eval_on_selector_all(
        selector, "links => links.map(link => link.getAttribute('href'))"
    )
    return found


async def session_token(page: Any) -> str | None:
    token: str | None = await page.evaluate(f"() => sessionStorage.getItem('{TOKEN_KEY}')")
    return token


async def test_the_front_door_lists_the_hall_and_every_link_opens_its_page(
    pages: Pages, server: ServerProcess, hall: str
) -> None:
    page = await open_page(pages, f"{server.url}/")
    await page.wait_for_selector(f".home-hall[data-hall='{hall}']")
    listed = await page.inner_text(f".home-hall[data-hall='{hall}']")
    assert "测试政务服务中心" in listed and hall in listed

    devices = await hrefs(page, "#home-devices a")
    assert devices == [
        "/kiosk",
        "/clerk",
        "/screen",
        "/window",
        "/pad",
        "/tablet",
        "/guide",
        "/office",
    ]
    more = await hrefs(page, "#home-manage a")
    assert more == ["/admin", "/docs", "/openapi.json"]
    assert f"/book/{hall}" in await hrefs(page, "#home-halls a")
    for path in [*devices, *more, f"/book/{hall}"]:
        response = await page.request.get(f"{server.url}{path}")
        assert response.status == 200, path
        kind = "application/json" if path.endswith(".json") else "text/html"
        assert response.headers["content-type"].startswith(kind), path

    await page.click("#home-devices a[href='/kiosk']")  # a link, followed: the device page
    await page.wait_for_url(f"{server.url}/kiosk")
    await wait_for_text(page, ".page-title", i18n.t("kiosk.title"))
    await page.go_back()
    await page.click("#home-halls a[href='/book/" + hall + "']")
    await wait_for_text(page, ".page-title", i18n.t("book.title"))
    assert pages.messages() == []


async def test_an_admin_token_in_the_address_is_kept_for_the_tab_and_leaves_the_address(
    pages: Pages, server: ServerProcess, hall: str
) -> None:
    page = await open_page(pages, f"{server.url}/#admin={ADMIN_TOKEN}")
    await page.wait_for_selector("#home-admin:not([hidden])")
    assert page.url == f"{server.url}/"
    assert await page.evaluate("() => location.hash") == ""
    assert await session_token(page) == ADMIN_TOKEN
    history = await page.evaluate("() => history.length")
    assert history == 2  # about:blank, then this page: the address was replaced, not pushed
    await wait_for_text(page, "#home-admin", i18n.t("home.signed_in"))
    assert await hrefs(page, "#home-admin a") == ["/admin"]
    await page.wait_for_selector(f".home-hall[data-hall='{hall}']")
    await both_languages(
        page, "home", "#home-admin", i18n.t("home.signed_in"), i18n.t("home.signed_in", "en")
    )

    await page.reload()  # the tab stays signed in
    await page.wait_for_selector("#home-admin:not([hidden])")
    await page.click("#home-sign-out")
    await page.wait_for_selector("#home-admin", state="hidden")
    assert await session_token(page) is None

    phone = await open_page(pages, f"{server.url}/#admin={ADMIN_TOKEN}", **PHONE)
    await phone.wait_for_selector("#home-admin:not([hidden])")
    await screenshot(phone, "home-phone", "zh-CN")
    assert pages.messages() == []


async def test_a_wrong_admin_token_in_the_address_is_refused_and_forgotten(
    pages: Pages, server: ServerProcess
) -> None:
    page = await open_page(pages, f"{server.url}/#admin=not-the-token&x=1")
    await page.wait_for_selector("#home-token-refused:not([hidden])")
    assert await page.evaluate("() => location.hash") == "#x=1"  # only the token leaves
    assert await session_token(page) is None
    assert await page.is_hidden("#home-admin")


async def test_without_a_hall_the_front_door_says_how_to_create_one(
    pages: Pages, empty_server: ServerProcess
) -> None:
    page = await open_page(pages, f"{empty_server.url}/")
    await page.wait_for_selector("#home-no-hall")
    text = await page.inner_text("#home-halls")
    assert "hall serve --hall-config FILE" in text and "hall serve --demo" in text
    await both_languages(
        page, "home-no-hall", "#home-no-hall", i18n.t("home.no_hall"), i18n.t("home.no_hall", "en")
    )
    assert pages.messages() == []


async def test_the_documents_render_the_protocol_with_its_tables(
    pages: Pages, server: ServerProcess
) -> None:
    page = await open_page(pages, f"{server.url}/")
    await page.click("#home-manage a[href='/docs']")
    await page.wait_for_selector(".docs-index")
    await both_languages(page, "docs-index", ".docs-nav", "全部文档", "All documents")
    await page.click(".docs-index a[href='/docs/protocol']")
    await page.wait_for_selector("article.doc table")
    assert await page.eval_on_selector_all("article.doc table", "tables => tables.length") >= 5
    heading = await page.inner_text("article.doc h1")
    assert heading == "hall device protocol, version 1 — full reference"
    header_cells = await page.eval_on_selector_all(
        "article.doc table th", "cells => cells.map(cell => cell.textContent)"
    )
    assert "code" in header_cells
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh-CN", "en"):  # the first screen of the protocol, not its whole length
        if lang == "en":
            await page.click("[data-lang-switch]")
            await wait_for_text(page, ".docs-nav", "All documents")
        await page.screenshot(path=str(SCREENSHOTS / f"docs-protocol-{lang}.png"))
    table = await page.query_selector("article.doc table")
    assert table is not None
    await table.scroll_into_view_if_needed()
    await page.screenshot(path=str(SCREENSHOTS / "docs-protocol-table-en.png"))
    assert pages.messages() == []
