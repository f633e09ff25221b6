"""The tablet's 整改 board (差评整改, 投诉, 回访) in a real headless Chromium against a real server
process: a citizen rates 非常不满意 on the rating pad page; the bad rating's alert opens its
follow-up on the board, which shows what the citizen said; the floor manager assigns it,
records the callback, the rectification, and closes it; the figures move. A complaint taken
by phone is recorded on the board.

Screenshots in both languages land in test-artifacts/screenshots/follow-ups-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import Pages, both_languages, wait_for_text
from tests.support.device import Device
from tests.support.server import CLERK, MANAGER, HallSetup, ServerProcess, mint

pytestmark = pytest.mark.anyio

TABLET: dict[str, Any] = {"width": 1366, "height": 1024, "has_touch": True}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(MANAGER, CLERK))


async def sign_in(tablet: Any) -> None:
    await tablet.wait_for_selector("#sign-in:not([hidden])")
    await tablet.fill("#sign-in-staff", MANAGER.number)
    await tablet.fill("#sign-in-password", MANAGER.password)
    await tablet.click("#sign-in-submit")
    await tablet.wait_for_selector("#desk:not([hidden])")


async def rate_very_dissatisfied(pad: Any) -> None:
    """The citizen's part on the pad page: 非常不满意, a reason and a comment."""
    await pad.wait_for_selector("#pad-rate:not([hidden])")
    await pad.click("[data-score='1']")
    await pad.wait_for_selector("#pad-reasons:not([hidden])")
    await pad.click("[data-reason='pad.reason.wait']")
    await pad.fill("#pad-comment", "等了一个多小时")
    await pad.click("#pad-submit")
    await pad.wait_for_selector("#pad-thanks:not([hidden])")


async def test_a_bad_rating_is_followed_up_to_closed_on_the_tablet(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    pad = await pages.open("/pad", hall, "rating_pad", "1")
    tablet = await pages.open("/tablet", hall, "tablet", viewport=TABLET)
    await sign_in(tablet)
    await clerk.ok("sign_in", {"window": "1", "staff": CLERK.number, "password": CLERK.password})
    ticket = (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]
    for step in ("call_next", "start", "finish"):
        await clerk.ok(step, {"window": "1"})

    await rate_very_dissatisfied(pad)

    row = f"#follow-up-rows [data-follow-up='FU-{ticket['id']}']"
    await tablet.wait_for_selector(row)
    await wait_for_text(tablet, f"{row} .follow-up-status", "^待指派$")
    await wait_for_text(tablet, f"{row} .follow-up-said", "评分：1 分.*意见：等了一个多小时")
    await wait_for_text(
        tablet, f"{row} .follow-up-about", f"{ticket['number']}号 · 1号窗口 · 工号 1001 · 社保医保"
    )
    await wait_for_text(tablet, "[data-figure='rectify_rate'] dd", "^0%$")
    rating = "#alert-rows [data-kind='bad_rating']"
    await tablet.click(f"{rating} .alert-follow-up")  # 查看整改: the board takes the row to view
    await tablet.wait_for_selector(f"{row}[data-focused='true']")
    await both_languages(
        tablet, "follow-ups-open", f"{row} .follow-up-status", "^待指派$", "^Open$"
    )

    await tablet.click(f"{row} [data-action='assign']")  # to the manager signed in (9001)
    await wait_for_text(tablet, f"{row} .follow-up-dues", "经办人 9001")
    await tablet.click(f"{row} [data-action='unreachable']")
    await wait_for_text(tablet, f"{row} .follow-up-history", "未接通（第 1 次）")
    await tablet.fill(f"{row} .follow-up-note", "已致歉，说明高峰时段")
    await tablet.click(f"{row} [data-action='reached']")
    await wait_for_text(tablet, f"{row} .follow-up-status", "^已回访$")
    await wait_for_text(tablet, "[data-figure='callback_rate'] dd", "^100%$")
    await tablet.fill(f"{row} .follow-up-note", "高峰时段增开2号窗口")
    await tablet.click(f"{row} [data-action='rectify']")
    await wait_for_text(tablet, f"{row} .follow-up-status", "^已整改$")
    await both_languages(
        tablet, "follow-ups-rectified", f"{row} .follow-up-history", "整改：高峰时段增开2号窗口",
        "Rectified: 高峰时段增开2号窗口",
    )  # fmt: skip
    await tablet.click(f"{row} [data-action='satisfied']")

    await wait_for_text(tablet, f"{row} .follow-up-status", "^已办结$")
    await wait_for_text(tablet, "[data-figure='rectify_rate'] dd", "^100%$")
    await wait_for_text(tablet, "[data-figure='satisfaction_rate'] dd", "^100%$")
    await wait_for_text(tablet, "[data-figure='overdue'] dd", "^0$")
    assert await tablet.locator(f"{row} .follow-up-actions").count() == 0

    await tablet.fill("#complaint-text", "电话投诉：停车场收费不合理")  # a call to the hall
    await tablet.select_option("#complaint-channel", "phone")
    await tablet.click("#complaint-submit")
    complaint = "#follow-up-rows [data-type='complaint']"
    await wait_for_text(tablet, f"{complaint} .follow-up-about", "^渠道：电话$")
    await wait_for_text(tablet, f"{complaint} .follow-up-said", "停车场收费不合理")
    await wait_for_text(tablet, "[data-figure='complaints_on_time'] dd", "^0/1$")
    assert await tablet.input_value("#complaint-text") == ""
    await both_languages(
        tablet, "follow-ups-complaint", f"{complaint} .follow-up-type", "^投诉$", "^Complaint$"
    )
    for device in (clerk, kiosk):
        await device.close()
    assert pages.messages() == []
