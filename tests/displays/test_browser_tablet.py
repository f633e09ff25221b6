"""The floor manager's tablet page (/tablet) in a real headless Chromium against a real server
process: signing in (and being refused), queue tiles following tickets issued elsewhere,
opening, re-profiling and closing windows, moving and prioritising a ticket, a notice on the
call screen, an alert when a wait passes the target, acknowledged away, and today's report.
Issue 11: taps land while the lists update (rows are updated in place, never replaced); the
first screen at 1366x1024 holds the tiles, the windows and the alerts of a 20-window hall; a
device offline is named as the administrator named it, once per outage; a bad rating's alert
shows the score, reasons and comment and opens its follow-up; the staffing hint says how many
more windows a queue needs, only where people wait.

Screenshots in both languages land in test-artifacts/screenshots/tablet-*.png.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from hall.demo.hall import demo_config_document
from tests.support.browser import (
    Pages,
    both_languages,
    screenshot,
    set_language,
    text_of,
    wait_for_text,
)
from tests.support.device import Device
from tests.support.server import (
    CLERK,
    MANAGER,
    HallSetup,
    ServerProcess,
    add_staff,
    mint,
    new_hall,
    signed_in_tablet,
)

pytestmark = pytest.mark.anyio

TABLET: dict[str, Any] = {"width": 1280, "height": 800, "has_touch": True}
PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
TV: dict[str, Any] = {"width": 1920, "height": 1080}
FIRST_SCREEN: dict[str, Any] = {"width": 1366, "height": 1024, "has_touch": True}
"""A 12.9-inch tablet in landscape: the first screen the floor manager sees."""
OFFLINE_S = 2
"""This module's server counts a device offline after this many seconds unseen."""
OFFLINE_MS = (OFFLINE_S + 5 + 8) * 1000
"""Offline after OFFLINE_S, found at the next reading of the devices (every 5 s), pushed."""
ALERT_MS = 20_000
"""A wait passes a 6 s target, then the next push (every second) carries the alert."""
HALL = HallSetup(staff=(MANAGER, CLERK))
"""Every test's hall: a floor manager and a clerk."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("browser_tablet")
    process = ServerProcess(
        f"sqlite:///{workdir / 'hall.db'}",
        workdir,
        env={"HALL_DEVICE_OFFLINE_S": str(OFFLINE_S)},
    )
    try:
        process.start()
        yield process
    finally:
        process.stop()


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
    await wait_for_text(tablet, tile("A", ".queue-hint"), "^还需开窗 1 个$")  # none open
    assert await tablet.is_hidden(tile("B", ".queue-hint"))  # nobody waits for B
    await tablet.wait_for_selector(f"#ticket-rows [data-number='{first['number']}']")

    window = "#window-rows [data-window='1']"
    await tablet.click(f"{window} .window-open")  # 开窗
    await tablet.wait_for_selector(f"{window}[data-status='idle']")
    await wait_for_text(tablet, "#toast", "1号窗口已开窗")
    await tablet.wait_for_selector(tile("A", ".queue-hint"), state="hidden")  # enough now
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


# --- issue 11: taps that land, the first screen, alerts, the staffing hint ----------------------


@contextlib.asynccontextmanager
async def ticket_stream(server: ServerProcess, hall: str) -> AsyncIterator[list[str]]:
    """Tickets issued at a kiosk's pace (five a second) while the body runs: every one is an
    event the tablet renders, with the figures pushed every second besides. Yields the numbers
    issued so far."""
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    numbers: list[str] = []

    async def issue() -> None:
        while True:
            issued = await kiosk.ok("issue_ticket", {"service": "tax"})
            numbers.append(issued["ticket"]["number"])
            await asyncio.sleep(0.2)  # a steady stream, not a wait for anything

    task = asyncio.create_task(issue())
    try:
        yield numbers
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await kiosk.close()


async def rendered_count(page: Any, count: int) -> None:
    """Wait until the tablet lists at least `count` waiting tickets."""
    await page.wait_for_function(
        "n => document.querySelectorAll('#ticket-rows .ticket-row').length >= n", arg=count
    )


async def test_taps_land_while_the_lists_update(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    manager, _ = await signed_in_tablet(server, hall)
    first = (await manager.ok("issue_ticket", {"service": "social"}))["ticket"]
    tablet = await pages.open("/tablet", hall, "tablet", viewport=FIRST_SCREEN)
    await sign_in(tablet)
    row = f"#ticket-rows [data-number='{first['number']}']"
    prioritise = await tablet.wait_for_selector(f"{row} .ticket-prioritise")
    window_button = await tablet.wait_for_selector("#window-rows [data-window='1'] .window-open")
    await tablet.evaluate(  # mark every row: a replaced row would lose its mark
        "() => document.querySelectorAll('.ticket-row, .window-row, .queue-tile')"
        ".forEach(node => { node.marked = true; })"
    )

    async with ticket_stream(server, hall) as issued:
        await rendered_count(tablet, 8)  # many renders later, with more to come
        assert await prioritise.evaluate("node => node.isConnected")
        await prioritise.tap()  # 优先, amid the stream
        await wait_for_text(tablet, f"{row} .tag-priority", "^绿色通道$")
        await window_button.tap()  # 开窗: the same button becomes 关窗
        await tablet.wait_for_selector("#window-rows [data-window='1'][data-status='idle']")
        await rendered_count(tablet, len(issued) + 2)
        assert await window_button.evaluate("node => node.isConnected")
        assert await window_button.evaluate("node => node.classList.contains('window-close')")
        assert await prioritise.evaluate("node => node.isConnected && node.disabled")
        replaced = await tablet.evaluate(
            "() => [...document.querySelectorAll('.window-row, .queue-tile')]"
            ".filter(node => !node.marked).length"
        )
        assert replaced == 0
        assert await tablet.eval_on_selector(row, "node => node.marked === true")
    await manager.close()
    assert pages.messages() == []


def demo_sized_hall(server: ServerProcess) -> str:
    """A hall as large as the demo's: eight queues, twenty windows, and a floor manager."""
    hall = f"h{uuid.uuid4().hex[:8]}"
    document = {**demo_config_document(), "id": hall}
    with server.admin() as admin:
        response = admin.put(f"/api/halls/{hall}", json=document)
        assert response.status_code in (200, 201), response.text
    add_staff(server, hall, MANAGER.number, MANAGER.name, MANAGER.password, MANAGER.role)
    return hall


async def bottom_of(page: Any, selector: str) -> float:
    box = await page.eval_on_selector(selector, "node => node.getBoundingClientRect().bottom")
    return float(box)


async def test_the_first_screen_holds_the_tiles_windows_and_alerts(
    server: ServerProcess, pages: Pages
) -> None:
    hall = demo_sized_hall(server)
    manager, _ = await signed_in_tablet(server, hall)
    document = demo_config_document()
    for service in document["services"][:12]:  # people wait in most queues, no window open
        await manager.ok("issue_ticket", {"service": service["id"]})
    for window in ("1", "2", "5"):
        await manager.ok("open_window", {"window": window})
    tablet = await pages.open("/tablet", hall, "tablet", viewport=FIRST_SCREEN)
    await sign_in(tablet)
    await tablet.wait_for_selector("#alert-rows [data-kind='no_window_open']")
    await tablet.wait_for_selector("#window-rows [data-window='20']")

    await screenshot(tablet, "tablet-first-screen", "zh-CN")
    assert await tablet.evaluate("() => window.scrollY") == 0
    for part in ("#queue-tiles", "#window-rows", "#alerts-section"):
        assert await bottom_of(tablet, part) <= FIRST_SCREEN["height"], part
    assert await tablet.eval_on_selector(
        "#tickets-section", "node => node.getBoundingClientRect().top"
    ) >= await bottom_of(tablet, "#window-rows")  # the details come below
    await set_language(tablet, "en")
    await wait_for_text(tablet, "#windows-title", "Windows and staff")
    await screenshot(tablet, "tablet-first-screen", "en")
    for part in ("#queue-tiles", "#window-rows", "#alerts-section"):
        assert await bottom_of(tablet, part) <= FIRST_SCREEN["height"], part
    await set_language(tablet, "zh-CN")

    phone = await pages.open("/tablet", hall, "tablet", viewport=PHONE)
    await sign_in(phone)
    await phone.wait_for_selector("#alert-rows [data-kind='no_window_open']")
    alerts_top = await phone.eval_on_selector(
        "#alerts-section", "node => node.getBoundingClientRect().top"
    )
    windows_top = await phone.eval_on_selector(
        "#windows-section", "node => node.getBoundingClientRect().top"
    )
    assert alerts_top < windows_top  # on a phone the alerts come first
    await screenshot(phone, "tablet-first-screen-phone", "zh-CN")
    await manager.close()
    assert pages.messages() == []


async def test_a_device_offline_is_named_as_the_admin_named_it_once_per_outage(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "1"))
    await pad.close()  # the pad of 1号窗口 goes, named by nobody ("rating_pad 1")
    tablet = await pages.open("/tablet", hall, "tablet", viewport=FIRST_SCREEN)
    await sign_in(tablet)
    offline = "#alert-rows [data-kind='device_offline']"
    await tablet.wait_for_selector(offline, timeout=OFFLINE_MS)

    await wait_for_text(tablet, f"{offline} .alert-text", "^1号窗口评价器已离线$")
    await both_languages(
        tablet, "tablet-device-offline", f"{offline} .alert-text", "评价器已离线",
        "^The rating pad of 1号窗口 is offline$",
    )  # fmt: skip
    await tablet.reload()  # a reload lists the same one alert
    await sign_in(tablet)
    await tablet.wait_for_selector(offline)
    assert await tablet.eval_on_selector_all(offline, "rows => rows.length") == 1
    assert pages.messages() == []


async def test_a_bad_rating_alert_shows_what_was_said_and_opens_its_follow_up(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    manager, _ = await signed_in_tablet(server, hall)
    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    pad, _ = await Device.connect(server.ws_url, mint(server, hall, "rating_pad", "1"))
    await clerk.ok("sign_in", {"window": "1", "staff": CLERK.number, "password": CLERK.password})
    ticket = (await manager.ok("issue_ticket", {"service": "social"}))["ticket"]
    for step in ("call_next", "start", "finish"):
        await clerk.ok(step, {"window": "1"})
    await pad.event("rating.requested")
    await pad.ok(
        "rate",
        {
            "ticket": ticket["id"],
            "score": 1,
            "reasons": ["等候时间长"],
            "comment": "窗口人员玩手机",
        },
    )
    tablet = await pages.open("/tablet", hall, "tablet", viewport=FIRST_SCREEN)
    await sign_in(tablet)
    rating = "#alert-rows [data-kind='bad_rating']"
    await tablet.wait_for_selector(rating)

    await wait_for_text(
        tablet, f"{rating} .alert-details", "^1 分（非常不满意） · 原因：等候时间长$"
    )
    await wait_for_text(tablet, f"{rating} .alert-comment", "^意见：窗口人员玩手机$")
    await both_languages(
        tablet, "tablet-bad-rating", f"{rating} .alert-details", "非常不满意",
        "^Score 1 \\(Very dissatisfied\\) · Reasons: 等候时间长$",
    )  # fmt: skip
    await tablet.evaluate(  # the follow-up board's part: hear the event, say it is handled
        """() => document.addEventListener('hall:open-follow-up', (event) => {
            window.openedFollowUp = event.detail;
            event.preventDefault();
        })"""
    )
    await tablet.click(f"{rating} .alert-follow-up")  # 查看整改
    await tablet.wait_for_function("() => window.openedFollowUp !== undefined")
    detail = await tablet.evaluate("() => window.openedFollowUp")
    assert detail["ticket"] == ticket["id"]
    assert detail["followUp"]  # the follow-up the rating opened
    for device in (manager, clerk, pad):
        await device.close()
    assert pages.messages() == []
