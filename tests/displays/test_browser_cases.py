"""One application (办件) end to end through the hall's pages in a real headless Chromium, against
a real server process: a ticket at the kiosk, the clerk accepts the application, the back office
(/office) asks for a document, the citizen's tracker shows what to bring, the documents come in at
the window, the office approves and makes the certificate ready, the citizen checks in at the
kiosk with the pickup code, and the 出证 window calls them and hands it over.

Screenshots of /office and of the case tracker in both languages land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.browser import (
    DESK,
    PageErrors,
    Pages,
    both_languages,
    new_page,
    text_of,
    wait_for_text,
)
from tests.support.cases import mint_office, new_case_hall
from tests.support.server import ServerProcess, add_staff

pytestmark = pytest.mark.anyio

PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
CONTACT = "13812345678"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


async def open_office(pages: Pages, server: ServerProcess, hall: str, office: str) -> Any:
    """The /office page paired as an office device of `office` (the fixture's pages are
    window-bound only)."""
    page = await new_page(pages.browser, **DESK)
    pages.pages.append(page)
    pages.errors.append(PageErrors(page))
    await page.goto(f"{server.url}/office#token={mint_office(server, hall, office)}")
    return page


async def signed_in_clerk(pages: Pages, hall: str, window: str, staff: str) -> Any:
    clerk = await pages.open("/clerk", hall, "clerk", window)
    await clerk.wait_for_selector("#sign-in:not([hidden])")
    await clerk.fill("#sign-in-staff", staff)
    await clerk.fill("#sign-in-password", "secret1")
    await clerk.click("#sign-in-submit")
    await clerk.wait_for_selector("#desk:not([hidden])")
    return clerk


async def test_an_application_from_the_kiosk_to_the_certificate(
    server: ServerProcess, pages: Pages
) -> None:
    hall = new_case_hall(server)
    add_staff(server, hall, "1001", "王晓丽")
    add_staff(server, hall, "1002", "陈出证")
    add_staff(server, hall, "9001", "赵值班", role="manager")

    kiosk = await pages.open("/kiosk", hall, "kiosk")
    await kiosk.click(".service[data-service='marriage']")
    number = await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    await kiosk.click("#ticket-done")

    clerk = await signed_in_clerk(pages, hall, "1", "1001")
    await clerk.keyboard.press("F1")  # 呼叫下一位
    await wait_for_text(clerk, "#current-number", f"^{number}$")
    await clerk.fill("#case-phone", CONTACT)
    await clerk.click("#case-open")
    opened = await wait_for_text(clerk, ".clerk-case-message", r"已受理 C\d{8}-\d{4}")
    case_id = re.search(r"C\d{8}-\d{4}", opened)
    assert case_id is not None
    case = case_id.group()
    code = await text_of(clerk, "#case-code")
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", code), code
    track_url = await clerk.get_attribute("#case-track", "href")
    assert track_url and await clerk.is_visible("#case-qr")
    await clerk.keyboard.press("F4")  # 办结: the window is free, the receipt stays
    await clerk.wait_for_selector("#current[data-state='none']")
    assert await text_of(clerk, "#case-code") == code

    office = await open_office(pages, server, hall, "civil")
    await office.click(f"tr[data-case='{case}']")
    await wait_for_text(office, "#case-status", "^已受理$")
    await office.fill("#items", "户口本原件\n结婚证复印件")
    await office.click("#request-documents")
    await wait_for_text(office, "#case-status", "^请补正$")
    assert CONTACT not in await office.content()  # the office never sees the phone

    tablet = await pages.open("/tablet", hall, "tablet")  # the floor sees the open case
    await tablet.wait_for_selector("#sign-in:not([hidden])")
    await tablet.fill("#sign-in-staff", "9001")
    await tablet.fill("#sign-in-password", "secret1")
    await tablet.click("#sign-in-submit")
    await tablet.wait_for_selector("#cases-section:not([hidden])")
    waiting = "#cases-section tr[data-office='civil'] td[data-status='documents_requested']"
    await wait_for_text(tablet, waiting, "^1$")
    await both_languages(tablet, "tablet-cases", "#cases-title", "办件：在办 1 件", "Cases: 1 open")
    assert CONTACT not in await tablet.content()

    phone = await pages.open(track_url.removeprefix(server.url), hall, None, viewport=PHONE)
    await wait_for_text(phone, "#case-status", "^请补正$")
    assert await text_of(phone, "#case-items") == "户口本原件\n结婚证复印件"
    await both_languages(
        phone, "case-tracker-documents", "#case-status", "请补正", "Documents needed"
    )

    await clerk.fill("#case-submit-id", case)
    await clerk.click("#case-submit")
    await wait_for_text(clerk, ".clerk-case-message", "审批中")
    await wait_for_text(phone, "#case-status", "^审批中$")
    await wait_for_text(office, "#case-status", "^审批中$")
    await both_languages(office, "office-review", "#case-status", "审批中", "Under review")
    await office.click("#approve")
    await wait_for_text(office, "#case-status", "^已批准")
    await office.click("#ready-window")
    await wait_for_text(office, "#case-status", "^可领证$")
    await both_languages(office, "office-ready", "#case-wait", "出证窗口领取", "pickup window")

    await wait_for_text(phone, "#case-status", "^可领证$")
    await wait_for_text(phone, "#case-detail", "3号出证窗口")
    await both_languages(phone, "case-tracker-ready", "#case-status", "可领证", "Ready to collect")

    await kiosk.keyboard.type(code.lower(), delay=5)  # a scanner types like keys, then Enter
    await kiosk.keyboard.press("Enter")
    pickup = await wait_for_text(kiosk, "#ticket-number", r"^P\d{3}$")

    window3 = await signed_in_clerk(pages, hall, "3", "1002")
    await window3.keyboard.press("F1")
    await wait_for_text(window3, "#current-number", f"^{pickup}$")
    await wait_for_text(window3, ".clerk-case-pickup", f"领证：{case}（婚姻登记）")
    await both_languages(window3, "clerk-case-pickup", ".clerk-case-pickup", "领证", "Collect")
    await window3.click("#case-deliver")
    await wait_for_text(window3, ".clerk-case-message", f"{case} 已送达")

    await wait_for_text(phone, "#case-status", "^已送达$")
    await both_languages(phone, "case-tracker-delivered", "#case-detail", "本件办结", "all done")
    await office.click("[data-tab='closed']")
    await wait_for_text(office, f"tr[data-case='{case}']", "已送达")
    history = await text_of(office, "#case-history")
    steps = ("窗口受理", "要求补正", "补正材料已收", "审批通过", "证件制好", "取号领证", "送达")
    assert all(step in history for step in steps), history
    assert "经办：1001" in history and "经办：民政科" in history
    await both_languages(office, "office-closed", "#case-status", "已送达", "Delivered")
    assert CONTACT not in server.log()
    assert pages.messages() == []
