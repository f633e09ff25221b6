"""The floor manager's tablet page (/tablet) in a real headless Chromium against a real server
process: signing in (and being refused), queue tiles following tickets issued elsewhere,
opening, re-profiling and closing windows, moving and prioritising a ticket, a notice on the
call screen, an alert when a wait passes the target, acknowledged away, and today's report.

Screenshots in both languages land in test-artifacts/screenshots/tablet-*.png.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.browser import Pages, both_languages, screenshot, text_of, wait_for_text
from tests.support.device import Device
from tests.support.server import (
    CLERK,
    MANAGER,
    HallSetup,
    ServerProcess,
    mint,
    new_hall,
    signed_in_tablet,
)

pytestmark = pytest.mark.anyio

TABLET: dict[str, Any] = {"width": 1280, "height": 800, "has_touch": True}
PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
TV: dict[str, Any] = {"width": 1920, "height": 1080}
ALERT_MS = 20_000
"""A wait passes a 6 s target, then the next push (every second) carries the alert."""
HALL = HallSetup(staff=(MANAGER, CLERK))
"""Every test's hall: a floor manager and a clerk."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture
def hall_setup() -> HallSetup:
    return HALL


async def sign_in(tablet: Any, staff: str = "9001", password: str = "manager1") -> None:
    await tablet.wait_for_selector("#sign-in:not([hidden])")
    await tablet.fill("#sign-in-staff", staff)
    await tablet.fill("#sign-in-password", password)
    await tablet.click("#sign-in-submit")


def tile(queue: str, part: str) -> str:
    return f"#queue-tiles [data-queue='{queue}'] {part}"


async def test_a_floor_manager_signs_in_and_steers_the_hall(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    tablet = await pages.open("/tablet", hall, "tablet", viewport=TABLET)
    screen = await pages.open("/screen", hall, "call_screen", viewport=TV)
    await both_languages(tablet, "tablet-sign-in", "#sign-in .prompt", "值班经理登录", "sign-in")

    await sign_in(tablet, password="wrong-password")
    await wait_for_text(tablet, "#sign-in-error", "^工号或密码错误$")
    await sign_in(tablet, staff="1001", password="secret1")  # a clerk, not a manager
    await wait_for_text(tablet, "#sign-in-error", "不是值班经理")
    await both_languages(
        tablet, "tablet-refused", "#sign-in-error", "值班经理", "floor manager accounts"
    )
    assert await tablet.is_hidden("#desk")
    await sign_in(tablet)
    await tablet.wait_for_selector("#desk:not([hidden])")
    await wait_for_text(tablet, "#top-manager", "李经理（9001）")
    await wait_for_text(tablet, tile("A", ".queue-count"), "^0$")

    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    first = (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]
    await wait_for_text(tablet, tile("A", ".queue-count"), "^1$")
    await kiosk.ok("issue_ticket", {"service": "social"})
    await wait_for_text(tablet, tile("A", ".queue-count"), "^2$")
    await wait_for_text(tablet, tile("A", ".queue-hint"), r"^建议开窗 \d+ 个$")
    await tablet.wait_for_selector(f"#ticket-rows [data-number='{first['number']}']")

    window = "#window-rows [data-window='1']"
    await tablet.click(f"{window} .window-open")  # 开窗
    await tablet.wait_for_selector(f"{window}[data-status='idle']")
    await wait_for_text(tablet, "#toast", "1号窗口已开窗")
    await tablet.click(f"{window} .window-queues-edit")  # 调整业务: serve A only
    await tablet.wait_for_selector("#queues-dialog[open]")
    await tablet.uncheck("#weight-rows [data-queue='B'] input[type=checkbox]")
    await tablet.fill("#weight-rows [data-queue='A'] input[type=number]", "2")
    await both_languages(
        tablet, "tablet-dialog", "#queues-dialog-title", "1号窗口办理的业务", "Queues"
    )
    await tablet.click("#queues-form button[type=submit]")
    await wait_for_text(tablet, f"{window} .window-queues", "^综合受理 ×2$")

    row = f"#ticket-rows [data-number='{first['number']}']"
    await tablet.click(f"{row} .ticket-move")  # 转移 to queue B
    await tablet.wait_for_selector("#move-dialog[open]")
    await wait_for_text(tablet, "#move-title", f"将 {first['number']} 转至")
    await tablet.click("#move-queues .dialog-choice:has-text('税务')")
    await wait_for_text(tablet, f"{row} .ticket-row-service", "社保医保 · 税务")
    await wait_for_text(tablet, tile("B", ".queue-count"), "^1$")
    await tablet.click(f"{row} .ticket-prioritise")  # 优先: the green channel
    await wait_for_text(tablet, f"{row} .tag-priority", "^绿色通道$")
    assert await tablet.is_disabled(f"{row} .ticket-prioritise")

    await tablet.fill("#broadcast-text", "系统升级，社保业务暂停办理")
    await tablet.click("#broadcast-submit")
    await wait_for_text(screen, "#ticker-text", "^系统升级，社保业务暂停办理$")
    await wait_for_text(tablet, "#notice", "系统升级")
    await both_languages(tablet, "tablet-main", "#windows-title", "窗口与人员", "Windows and staff")

    await tablet.click(f"{window} .window-close")  # 关窗, after a confirmation
    await tablet.wait_for_selector("#close-dialog[open]")
    await tablet.click("#close-confirm")
    await tablet.wait_for_selector(f"{window}[data-status='closed']")

    await open_the_report(server, hall, tablet)
    await tablet.click("#sign-out")
    await tablet.wait_for_selector("#sign-in:not([hidden])")
    await kiosk.close()
    assert pages.messages() == []


async def open_the_report(server: ServerProcess, hall: str, tablet: Any) -> None:
    """今日报表 opens the day's report, styled, in a new tab."""
    async with tablet.context.expect_page() as opened:
        await tablet.click("#report-link")
    report = await opened.value
    await report.wait_for_load_state()
    assert report.url.startswith("blob:")
    assert "测试政务服务中心" in await report.content()
    styled = "() => [...document.styleSheets].some(sheet => sheet.cssRules.length > 0)"
    assert await report.evaluate(styled)  # its stylesheet applies under the tablet's policy
    await report.close()


async def test_an_alert_when_a_wait_passes_the_target_until_acknowledged(
    server: ServerProcess, pages: Pages
) -> None:
    hall = new_hall(server, HALL, service_target_minutes=0.1)  # 6 s
    tablet = await pages.open("/tablet", hall, "tablet", viewport=TABLET)
    await sign_in(tablet)  # the tap also unlocks the alert sound
    await tablet.wait_for_selector("#desk:not([hidden])")
    await wait_for_text(tablet, "#target-note", "等候目标 0.1 分钟")
    await wait_for_text(tablet, "#alert-rows", "暂无告警")
    manager, _ = await signed_in_tablet(server, hall)
    await manager.ok("open_window", {"window": "1"})
    ticket = (await manager.ok("issue_ticket", {"service": "social"}))["ticket"]
    await wait_for_text(tablet, tile("A", ".queue-count"), "^1$")

    late = "#alert-rows [data-kind='wait_over_target']"
    await tablet.wait_for_selector(late, timeout=ALERT_MS)
    await wait_for_text(
        tablet, late, f"综合受理最长等候已超过目标 0.1 分钟（{ticket['number']}号）"
    )
    await tablet.wait_for_selector("#queue-tiles [data-queue='A'][data-level='red']")
    await wait_for_text(tablet, "#top-alerts", "^告警 1$")

    await manager.ok("close_window", {"window": "1"})  # nobody serves A: a critical alert
    critical = "#alert-rows [data-kind='no_window_open'][data-severity='critical']"
    await tablet.wait_for_selector(critical)
    assert await tablet.evaluate("() => window.hallTablet.beeps") >= 1
    rows = await tablet.eval_on_selector_all(
        "#alert-rows .alert-row", "rows => rows.map(r => r.dataset.kind)"
    )
    assert rows == ["no_window_open", "wait_over_target"]  # newest first
    await both_languages(tablet, "tablet-alerts", late, "最长等候已超过目标", "past the 0.1-minute")

    await tablet.click(f"{late} .alert-ack")  # 确认
    await tablet.wait_for_selector(late, state="detached")
    await wait_for_text(tablet, "#toast", "告警已确认")
    assert await text_of(tablet, "#top-alerts") == "告警 1"

    phone = await pages.open("/tablet", hall, "tablet", viewport=PHONE)
    await sign_in(phone)
    await phone.wait_for_selector(critical)
    await screenshot(phone, "tablet-phone", "zh-CN")
    await manager.close()
    assert pages.messages() == []


async def test_the_chart_draws_the_days_history(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    manager, _ = await signed_in_tablet(server, hall)
    for _ in range(3):
        await manager.ok("issue_ticket", {"service": "tax"})
    tablet = await pages.open("/tablet", hall, "tablet", viewport=TABLET)
    await sign_in(tablet)
    await wait_for_text(tablet, tile("B", ".queue-count"), "^3$")

    await tablet.wait_for_selector("#day-chart svg .chart-waiting .chart-dot")
    await tablet.wait_for_function(  # the chart follows the figures, pushed every second or so
        "() => document.querySelector('#day-chart svg').ariaLabel.startsWith('当前 3 人等候')"
    )
    assert await tablet.text_content("#day-chart .chart-waiting .chart-value") == "3"
    await tablet.select_option("#chart-series", "A")
    await tablet.wait_for_function(
        "() => document.querySelector('#day-chart svg').ariaLabel.startsWith('当前 0 人')"
    )
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        token = mint(server, hall, "tablet")
        history = http.get(
            f"/api/halls/{hall}/metrics/history", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert history["series"]["B"][-1][1] == 3
    await manager.close()
    assert pages.messages() == []
