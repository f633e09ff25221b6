"""导办/帮办 in a real headless Chromium against a real server process: a citizen taps the kiosk's
需要帮助; both guides' phones (/guide, 390x844) show the request with the kiosk's name and a
beep; the floor manager's tablet lists it with its waiting time; one guide claims it and the
other phone shows it taken; the guide takes a 帮办 ticket for the citizen (the number shown
large), the clerk terminal shows it marked 帮办, and the guide closes the request with a note.

Screenshots in both languages land in test-artifacts/screenshots/guide-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import (
    PageErrors,
    Pages,
    both_languages,
    new_page,
    screenshot,
    switch_language,
    wait_for_text,
)
from tests.support.server import CLERK, MANAGER, HallSetup, ServerProcess, Staff

pytestmark = pytest.mark.anyio

PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
TABLET: dict[str, Any] = {"width": 1280, "height": 800, "has_touch": True}
GUIDE_A = Staff("2001", "陈导办")
GUIDE_B = Staff("2002", "刘帮办")
KIOSK_NAME = "大厅东侧取号机"
REQUEST = ".guide-request"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(GUIDE_A, GUIDE_B, CLERK, MANAGER))


def named_kiosk_token(server: ServerProcess, hall: str) -> str:
    with server.admin() as client:
        response = client.post(
            f"/api/halls/{hall}/devices", json={"kind": "kiosk", "name": KIOSK_NAME}
        )
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token


async def signed_in(page: Any, staff: str, password: str) -> None:
    """Fill a page's staff sign-in form (guide, tablet and clerk pages share its ids)."""
    await page.wait_for_selector("#sign-in:not([hidden])")
    await page.fill("#sign-in-staff", staff)
    await page.fill("#sign-in-password", password)
    await page.click("#sign-in-submit")
    await page.wait_for_selector("#sign-in", state="hidden")


async def guide_page(pages: Pages, hall: str, staff: Staff) -> Any:
    page = await pages.open("/guide", hall, "guide", viewport=PHONE)
    await signed_in(page, staff.number, staff.password)
    await wait_for_text(page, "#guide-name", f"{staff.name}（工号 {staff.number}）")
    return page


async def test_a_kiosk_request_is_claimed_helped_with_a_ticket_and_closed(
    browser: Any, server: ServerProcess, hall: str, pages: Pages
) -> None:
    first = await guide_page(pages, hall, GUIDE_A)
    second = await guide_page(pages, hall, GUIDE_B)
    tablet = await pages.open("/tablet", hall, "tablet", viewport=TABLET)
    await signed_in(tablet, MANAGER.number, MANAGER.password)
    await first.wait_for_selector("#requests-empty:not([hidden])")
    kiosk = await new_page(browser)
    kiosk_errors = PageErrors(kiosk)
    await kiosk.goto(f"{server.url}/kiosk#token={named_kiosk_token(server, hall)}")
    await kiosk.wait_for_selector(".service[data-service='social']")

    # the citizen asks for help, with a reason
    await kiosk.click("#help-call")
    await kiosk.click(".help-reason[data-reason='kiosk.help_reason.accompany']")
    await kiosk.click("#help-send")
    await kiosk.wait_for_selector("#help-done:not([hidden])")
    await wait_for_text(kiosk, "#help-call", "^已呼叫导办$")

    # every guide's phone shows it, with the kiosk's name, the reason and a beep
    for guide in (first, second):
        await wait_for_text(guide, f"{REQUEST}[data-state='open'] .guide-kiosk", KIOSK_NAME)
        await wait_for_text(guide, f"{REQUEST} .guide-reason", "老年人、残疾人需要陪同")
        await guide.wait_for_function("() => window.hallGuide.beeps === 1")
    await wait_for_text(first, f"{REQUEST} .guide-waited", r"^已等 0:\d\d$")

    # the tablet lists it and its waiting time counts up
    await wait_for_text(tablet, "#help-rows .help-row-kiosk", KIOSK_NAME)
    await tablet.wait_for_function(
        "() => Number(document.querySelector('.help-row-waited')?.dataset.seconds) >= 2"
    )
    await wait_for_text(tablet, "#help-rows .help-row-state", "待认领")
    await tablet.locator("#help-section").scroll_into_view_if_needed()
    await screenshot(tablet, "guide-tablet", "zh-CN")

    # one guide claims it; the other phone shows it taken
    await first.click(f"{REQUEST} .guide-claim")
    await first.wait_for_selector(f"{REQUEST}[data-state='claimed'][data-mine='true']")
    await wait_for_text(second, f"{REQUEST} .guide-taken", "已由 2001 认领")
    assert await second.locator(".guide-claim").count() == 0
    await wait_for_text(tablet, "#help-rows .help-row-state", "2001 已认领")
    await wait_for_text(kiosk, "#help-call", "导办人员正在赶来")
    await both_languages(first, "guide-claimed", f"{REQUEST} .guide-mine", "我已认领", "Claimed")

    # a 帮办 ticket for the citizen, its number shown large
    await first.click(".guide-service[data-service='social']")
    await first.wait_for_selector("#ticket-dialog[open]")
    await wait_for_text(first, "#ticket-number", "^A001$")
    await both_languages(
        first, "guide-ticket", "#ticket-dialog .prompt", "请告知群众号码", "Tell the citizen"
    )
    await first.click("#ticket-done")

    # the clerk calls it and sees it marked 帮办
    clerk = await pages.open("/clerk", hall, "clerk", "1")
    await signed_in(clerk, CLERK.number, CLERK.password)
    await clerk.click("[data-command='call_next']:not([disabled])")
    await wait_for_text(clerk, "#current-number", "^A001$")
    await wait_for_text(clerk, "#current-assisted", "帮办")

    # the guide closes the request with a note: it leaves every list
    await first.click(f"{REQUEST} .guide-close")
    await first.fill("#close-note", "已陪同到1号窗口")
    await first.click("#close-confirm")
    for guide in (first, second):
        await guide.wait_for_selector("#requests-empty:not([hidden])")
    await tablet.wait_for_selector("#help-empty:not([hidden])")
    await wait_for_text(kiosk, "#help-call", "^需要帮助$")
    assert pages.messages() == [] and kiosk_errors.messages == []
    await kiosk.context.close()


async def test_the_guide_page_in_both_languages_with_a_request_waiting(
    server: ServerProcess, hall: str, pages: Pages, browser: Any
) -> None:
    guide = await guide_page(pages, hall, GUIDE_A)
    kiosk = await new_page(browser)
    await kiosk.goto(f"{server.url}/kiosk#token={named_kiosk_token(server, hall)}")
    await kiosk.wait_for_selector(".service[data-service='social']")
    await kiosk.click("#help-call")
    await kiosk.click("#help-send")
    await kiosk.wait_for_selector("#help-done:not([hidden])")
    await both_languages(kiosk, "guide-kiosk-help", "#help-done", "已通知", "A guide")
    await kiosk.context.close()

    await wait_for_text(guide, f"{REQUEST} .guide-kiosk", KIOSK_NAME)
    await wait_for_text(guide, f"{REQUEST} .guide-reason", "未说明原因")
    await both_languages(guide, "guide", f"{REQUEST} .guide-claim", "认领", "Claim")
    await switch_language(guide, "zh-CN")
    assert pages.messages() == []
