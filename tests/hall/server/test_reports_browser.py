"""The report page in a real headless Chromium, served by a real server with its content
security policy: styled (the stylesheet's hash is allowed), charts drawn, no console errors,
fits an A4 page's width and prints to A4. Screenshots in both languages land in
test-artifacts/screenshots/report-zh-CN.png and report-en.png."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.hall.report.conftest import play_into
from tests.hall.report.scripted_day import DAY, HALL, HALL_NAME
from tests.support.browser import PageErrors, require_chromium, screenshot, text_of
from tests.support.fixtures import ServerSetup
from tests.support.server import ADMIN_TOKEN, ServerProcess

pytestmark = pytest.mark.anyio

PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
A4_WIDTH = 794
"""An A4 page's width in CSS pixels (210 mm at 96 px per inch)."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture(scope="module")
def server_setup(tmp_path_factory: pytest.TempPathFactory) -> ServerSetup:
    require_chromium()  # before playing the day
    day = play_into(tmp_path_factory.mktemp("report-browser") / "hall.db")
    return ServerSetup(database=day.url)


@pytest.mark.parametrize(
    ("lang", "title", "section"),
    [
        ("zh-CN", f"{HALL_NAME}运行日报", "等候时间"),
        ("en", f"{HALL_NAME}: daily report", "Waiting times"),
    ],
)
async def test_the_report_renders_styled_with_its_charts(
    browser: Any, server: ServerProcess, lang: str, title: str, section: str
) -> None:
    context = await browser.new_context(
        viewport={"width": A4_WIDTH, "height": 1100},
        locale=lang,
        extra_http_headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    try:
        page = await context.new_page()
        errors = PageErrors(page)
        response = await page.goto(f"{server.url}/api/halls/{HALL}/reports/{DAY}?lang={lang}")
        assert response is not None and response.status == 200
        assert await text_of(page, "h1") == title
        assert section in await text_of(page, "#waits h2")
        # The stylesheet applied under the server's content security policy.
        border = await page.evaluate(
            "() => getComputedStyle(document.querySelector('h2')).borderBottomColor"
        )
        assert border == "rgb(78, 121, 167)"
        charts = await page.query_selector_all("svg.chart")
        assert len(charts) == 5
        for chart in charts:
            box = await chart.bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 150
        wide = await page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= A4_WIDTH  # nothing sticks out of an A4 page's width
        await screenshot(page, "report", lang)
        pdf: bytes = await page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        assert 3 <= len(PDF_PAGE.findall(pdf)) <= 6  # the day fits on a few A4 pages
        assert errors.messages == []
    finally:
        await context.close()
