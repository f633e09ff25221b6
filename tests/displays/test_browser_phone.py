"""The citizen's phone pages in a real headless Chromium, against a real server process: the
tracker says "you will be called soon" only near the front and thanks the citizen at the end;
the booking page keeps its messages off the choices, asks before cancelling (with the phone's
last four digits), keeps the booking code over a reload, names services in the page's language
and offers slots only within the hall's booking hours.

Screenshots (zh-CN and en) land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.support.browser import (
    PageErrors,
    both_languages,
    new_page,
    switch_language,
    text_of,
    wait_for_text,
)
from tests.support.device import Device
from tests.support.server import ServerProcess, mint, signed_in_tablet, small_hall

pytestmark = pytest.mark.anyio

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
CODE = "[2-9A-HJKMNP-Z]{5} [2-9A-HJKMNP-Z]{5}"
NOT_FOUND = "console: Failed to load resource: the server responded with a status of 404"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


def phone_hall(server: ServerProcess, **rules: Any) -> str:
    """The test hall, its services named in English too, with these rules."""
    hall = f"h{uuid.uuid4().hex[:8]}"
    document = small_hall(hall, **rules)
    for service, english in zip(
        document["services"], ("Social insurance", "Tax returns", "Newborn"), strict=True
    ):
        service["name_en"] = english
    with server.admin() as admin:
        response = admin.put(f"/api/halls/{hall}", json=document)
        assert response.status_code in (200, 201), response.text
    return hall


async def open_phone(browser: Any, url: str) -> tuple[Any, PageErrors]:
    page = await new_page(browser, **PHONE)
    errors = PageErrors(page)
    await page.goto(url)
    return page, errors


async def serve_and_call_next(tablet: Device, window: str) -> dict[str, Any]:
    """The window's called ticket served and finished, and the next one called."""
    await tablet.ok("start", {"window": window})
    await tablet.ok("finish", {"window": window})
    called: dict[str, Any] = (await tablet.ok("call_next", {"window": window}))["ticket"]
    return called


async def test_the_tracker_says_soon_only_near_the_front_and_thanks_at_the_end(
    browser: Any, server: ServerProcess
) -> None:
    hall = phone_hall(server)
    tablet, _ = await signed_in_tablet(server, hall)
    for _ in range(6):
        await tablet.ok("issue_ticket", {"service": "social"})
    mine = await tablet.ok("issue_ticket", {"service": "social"})
    for window in ("1", "2", "3"):  # three windows: a short expected wait, six ahead
        await tablet.ok("open_window", {"window": window})
    phone, errors = await open_phone(browser, f"{server.url}/t/{mine['track']}")
    await wait_for_text(phone, "#track-ahead", "前面还有 6 人")
    await phone.wait_for_selector("#track-progress[data-near='false']")
    assert "即将叫号" not in await text_of(phone, "#track-progress")
    await both_languages(phone, "tracker-six-ahead", "#track-status", "等候", "Waiting")
    await wait_for_text(phone, "#track-service", "^社保医保$")
    await switch_language(phone, "en")
    await wait_for_text(phone, "#track-service", "^Social insurance$")  # the page's language
    await switch_language(phone, "zh-CN")

    for window in ("1", "2", "3"):
        await tablet.ok("call_next", {"window": window})
    await wait_for_text(phone, "#track-ahead", "前面还有 3 人")
    assert "即将叫号" not in await text_of(phone, "#track-progress")
    await serve_and_call_next(tablet, "1")
    await wait_for_text(phone, "#track-ahead", "前面还有 2 人")
    await phone.wait_for_selector("#track-progress[data-near='true']")
    await both_languages(phone, "tracker-near", "#track-status", "即将叫号", "called soon")

    await serve_and_call_next(tablet, "3")
    await serve_and_call_next(tablet, "1")
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "2"))
    called = await serve_and_call_next(tablet, "2")
    assert called["number"] == mine["ticket"]["number"]
    await phone.wait_for_selector("#track-progress[data-state='called']")
    await tablet.ok("start", {"window": "2"})
    await tablet.ok("finish", {"window": "2"})
    await phone.wait_for_selector("#track-progress[data-state='finished']")
    assert await text_of(phone, "#track-status") == "已办结，感谢您的耐心等候"
    assert await phone.is_hidden("#track-go")
    await pad.ok("rate", {"ticket": mine["ticket"]["id"], "score": 5})
    await both_languages(phone, "tracker-finished", "#track-go", "感谢您的评价", "Thank you")
    for device in (tablet, pad):
        await device.close()
    assert errors.messages == []


async def test_the_booking_page_books_within_hours_keeps_the_code_and_asks_before_cancelling(
    browser: Any, server: ServerProcess
) -> None:
    # open around the clock (as the demo hall is), booking 09:00-11:00 only
    hall = phone_hall(server, booking_open_time="09:00", booking_close_time="11:00")
    phone, errors = await open_phone(browser, f"{server.url}/book/{hall}")
    await wait_for_text(phone, "[data-service='social']", "^社保医保$")
    await switch_language(phone, "en")
    await wait_for_text(phone, "[data-service='social']", "^Social insurance$")
    await switch_language(phone, "zh-CN")

    await phone.click("[data-service='social']")
    await phone.wait_for_selector("[data-slot]:not([disabled])")
    times = await phone.eval_on_selector_all(
        "[data-slot]", "nodes => nodes.map(n => n.firstChild.textContent)"
    )
    assert set(times) <= {"09:00", "09:30", "10:00", "10:30"} and times

    await phone.click("[data-slot]:not([disabled])")
    await phone.click("#book-submit")  # no name yet
    await wait_for_text(phone, "#contact-error", "请填写姓名")
    covered = await phone.evaluate(
        """() => [...document.querySelectorAll('[data-slot], #book-submit')].filter(node => {
            const box = node.getBoundingClientRect();
            if (box.bottom < 0 || box.top > innerHeight) return false;
            const top = document.elementFromPoint(box.left + box.width / 2, box.top + 4);
            return top !== null && !node.contains(top);
        }).length"""
    )
    assert covered == 0  # the message sits in the form, over no slot and no button
    await both_languages(phone, "book-problem", "#contact-error", "请填写姓名", "your name")
    await phone.fill("#book-name", "张小三")
    await phone.fill("#book-phone", "13800138000")
    await phone.click("#book-submit")
    shown = await wait_for_text(phone, "#booking-code", f"^{CODE}$")

    await phone.reload()  # the citizen's code survives a reload; the name does not come back
    await wait_for_text(phone, "#booking-code", f"^{shown}$")
    await wait_for_text(phone, "#booked-service", "^社保医保$")
    assert "张小三" not in await phone.content()
    await switch_language(phone, "en")
    await wait_for_text(phone, "#booked-service", "^Social insurance$")
    await switch_language(phone, "zh-CN")
    code = await phone.get_attribute("#booking-code", "data-code")
    assert code is not None and re.fullmatch(CODE.replace(" ", ""), code)

    await phone.fill("#lookup-code", code)
    await phone.fill("#lookup-phone", "8000")
    await phone.click("#lookup-form button[type='submit']")
    await wait_for_text(phone, "#lookup-summary", "已预约")
    await phone.click("#lookup-cancel")
    await both_languages(phone, "book-cancel", ".cancel-question", "确定取消", "Cancel this")
    await phone.click("#cancel-no")  # changed their mind: nothing was cancelled
    assert await phone.is_hidden("#cancel-confirm")
    await phone.click("#lookup-cancel")
    await phone.fill("#cancel-digits", "1234")
    await phone.click("#cancel-yes")
    await wait_for_text(phone, "#cancel-error", "手机号后四位不一致")
    with server.admin() as admin:
        booking = admin.get(
            f"/api/halls/{hall}/appointments/{code}", headers={"X-Phone-Last4": "8000"}
        ).json()
    assert booking["state"] == "booked"
    await phone.fill("#cancel-digits", "8000")
    await phone.click("#cancel-yes")
    await wait_for_text(phone, "#lookup-person", "预约已取消")
    with server.admin() as admin:
        booking = admin.get(
            f"/api/halls/{hall}/appointments/{code}", headers={"X-Phone-Last4": "8000"}
        ).json()
    assert booking["state"] == "cancelled"
    assert await phone.is_hidden("#booked")  # the kept code went with the booking
    assert [m.split(" (")[0] for m in errors.messages] == [NOT_FOUND]  # the wrong digits
