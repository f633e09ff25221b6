"""A ticket's whole way through the hall's pages in a real headless Chromium, against a real
server process: taken at the kiosk page, called from the clerk terminal page, shown and queued
for announcement on the call screen, shown on the window screen and the phone tracker, rated on
the rating pad; the clerk's other actions; a page that loses its server and recovers.

Screenshots of every page in both languages land in test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import Pages, both_languages, text_of, wait_for_text
from tests.support.device import Device
from tests.support.server import (
    CLERK,
    HallSetup,
    ServerProcess,
    mint,
    new_hall,
    signed_in_tablet,
)

pytestmark = pytest.mark.anyio

RECOVERY_MS = 40_000
"""How long a page may take to find a restarted server: its start plus the backoff."""
PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
TV: dict[str, Any] = {"width": 1920, "height": 1080}
LED: dict[str, Any] = {"width": 1280, "height": 240}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture
def hall_setup() -> HallSetup:
    return HallSetup(staff=(CLERK,))


async def sign_in(clerk: Any, password: str = "secret1") -> None:
    await clerk.wait_for_selector("#sign-in:not([hidden])")
    await clerk.fill("#sign-in-staff", "1001")
    await clerk.fill("#sign-in-password", password)
    await clerk.click("#sign-in-submit")


async def test_a_ticket_from_the_kiosk_is_called_served_announced_and_rated(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    kiosk = await pages.open("/kiosk", hall, "kiosk")
    await kiosk.click(".service[data-service='social']")
    number = await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    track_url = await kiosk.get_attribute("#ticket-qr", "data-url")
    assert track_url

    screen = await pages.open("/screen", hall, "call_screen", viewport=TV)
    led = await pages.open("/window", hall, "window_screen", "1", viewport=LED)
    pad = await pages.open("/pad", hall, "rating_pad", "1")
    phone = await pages.open(track_url.removeprefix(server.url), hall, None, viewport=PHONE)
    clerk = await pages.open("/clerk", hall, "clerk", "1")
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))

    await wait_for_text(screen, "#waiting [data-queue='A'] .waiting-count", "^1 人$")
    await both_languages(screen, "screen-empty", ".now-empty", "暂无叫号", "No calls yet")
    await both_languages(led, "window-closed", "#led-number", "本窗口暂停服务", "closed")
    await both_languages(pad, "pad-closed", "#pad-welcome", "本窗口暂停服务", "closed")

    await sign_in(clerk, password="wrong")
    await both_languages(clerk, "clerk-sign-in", "#sign-in-error", "工号或密码错误", "Wrong staff")
    await sign_in(clerk)
    await clerk.wait_for_selector("#desk:not([hidden])")
    await wait_for_text(clerk, "#waiting-total", "合计 1 人")
    await wait_for_text(led, "#led-clerk-name", "^王晓丽$")
    assert await text_of(led, "#led-clerk-number") == "工号 1001"

    await clerk.keyboard.press("F1")  # 呼叫下一位
    await wait_for_text(clerk, "#current-number", f"^{number}$")
    await wait_for_text(clerk, "#clerk-message", f"已呼叫 {number}")
    await both_languages(clerk, "clerk-calling", "#current-state", "已叫号", "Called")

    await wait_for_text(screen, "#now-number", f"^{number}$")
    await wait_for_text(screen, "#now-window", "请到1号窗口办理")
    await wait_for_text(screen, "#waiting [data-queue='A'] .waiting-count", "^0 人$")
    voice = await screen.evaluate("() => window.hallVoice.history.map(i => [i.text, i.repeat])")
    digits = "，".join("零一二三四五六七八九"[int(d)] for d in number[1:])
    assert voice == [[f"请A，{digits}号到1号窗口办理", 2]]  # A001: 请A，零，零，一号到…
    await both_languages(screen, "screen-call", "#now-window", "请到1号窗口办理", "go to 1号窗口")

    await phone.wait_for_selector("#track-progress[data-state='called']")
    await wait_for_text(phone, "#track-go", "请到1号窗口办理")
    await led.wait_for_selector("#led[data-status='calling']")
    await both_languages(led, "window-calling", "#led-label", "请到本窗口办理", "come to this")
    await wait_for_text(pad, "#pad-serving-service", f"^正在呼叫 {number}，请到本窗口办理$")

    await clerk.click("[data-command='start']")
    await wait_for_text(clerk, "#current-elapsed", r"已办理 \d+:\d\d")
    await wait_for_text(pad, "#pad-serving-service", "正在为您办理：社保医保")
    assert await text_of(pad, "#pad-serving-number") == number
    await both_languages(pad, "pad-idle", "#pad-clerk-number", "工号 1001", "Staff No. 1001")
    for page, photo in ((pad, "#pad-photo"), (led, "#led-photo")):  # the server's picture
        await page.wait_for_function(
            "selector => document.querySelector(selector).naturalWidth > 0", arg=photo
        )
        assert await page.is_visible(photo)
    await wait_for_text(led, "#led-label", "正在办理")

    await clerk.keyboard.press("F4")  # 办结
    await pad.wait_for_selector("#pad-rate:not([hidden])")
    await both_languages(pad, "pad-rate", "#pad-rate-ticket", f"号码 {number}", f"Ticket {number}")
    await wait_for_text(pad, "[data-countdown]", r"^1[01]\d 秒后自动结束$")  # the hall's 120 s
    await pad.click("[data-score='2']")  # 不满意: the reasons come up
    await pad.wait_for_selector("#pad-reasons:not([hidden])")
    assert await pad.is_disabled("#pad-submit")
    await pad.click("[data-reason='pad.reason.wait']")
    await pad.fill("#pad-comment", "等了很久")
    await both_languages(pad, "pad-reasons", "#pad-reasons-title", "^不满意$", "^Dissatisfied$")
    await pad.click("#pad-submit")
    await pad.wait_for_selector("#pad-thanks:not([hidden])")
    await both_languages(pad, "pad-thanks", ".pad-thanks-title", "感谢您的评价", "Thank you")

    rated = await tablet.event("rating.submitted")
    assert rated["data"]["ticket"]["number"] == number
    assert rated["data"]["score"] == 2 and rated["data"]["reasons"] == ["等候时间长"]
    assert "等了很久" not in str(rated)  # the comment never goes out to devices
    await clerk.wait_for_selector("#current[data-state='none']")
    await tablet.close()
    assert pages.messages() == []


async def test_the_clerk_transfers_parks_pauses_and_signs_out_with_function_keys(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    bundle = (await tablet.ok("issue_ticket", {"service": "newborn"}))["ticket"]
    clerk = await pages.open("/clerk", hall, "clerk", "1")
    led = await pages.open("/window", hall, "window_screen", "1", viewport=LED)
    await sign_in(clerk)
    await clerk.wait_for_selector("#desk:not([hidden])")

    await clerk.keyboard.press("F1")
    await wait_for_text(clerk, "#current-number", f"^{bundle['number']}$")
    await wait_for_text(clerk, ".step.current", "综合受理")  # step 1 of 综合受理 -> 税务
    assert await text_of(clerk, "#current-steps") == "综合受理\n税务"
    await clerk.keyboard.press("F6")  # 转移
    await clerk.wait_for_selector("#transfer-dialog[open]")
    await both_languages(clerk, "clerk-transfer", "#transfer-title", "转至", "Transfer")
    await clerk.click("#transfer-windows .dialog-choice:has-text('2号窗口')")
    await wait_for_text(clerk, "#clerk-message", "已转至2号窗口")
    observer, welcome = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    await observer.close()  # left open, it would fail when a later test kills the server
    moved = {t["id"]: t for t in welcome["snapshot"]["tickets"]}[bundle["id"]]
    assert moved["state"] == "waiting" and moved["to_window"] == "2"

    walk_in = (await tablet.ok("issue_ticket", {"service": "tax"}))["ticket"]
    await clerk.keyboard.press("F1")
    await wait_for_text(clerk, "#current-number", f"^{walk_in['number']}$")
    await clerk.keyboard.press("F3")  # 开始办理
    await clerk.wait_for_selector("#current[data-state='serving']")
    await clerk.keyboard.press("F7")  # 容缺暂存
    await wait_for_text(clerk, "#parked-list", walk_in["number"])
    await clerk.keyboard.press("F9")  # 取回暂存
    await clerk.wait_for_selector("#current[data-state='serving']")
    await clerk.keyboard.press("F4")
    await wait_for_text(clerk, "#clerk-message", f"{walk_in['number']} 已办结")

    await clerk.keyboard.press("F8")  # 暂停: choose a reason with its number key
    await clerk.wait_for_selector("#pause-dialog[open]")
    await both_languages(clerk, "clerk-pause", "#pause-dialog .prompt", "暂停原因", "pausing")
    await clerk.keyboard.press("1")
    await wait_for_text(clerk, "#paused", "暂停服务中：午休")
    await both_languages(clerk, "clerk-paused", "#top-status", "暂离", "Paused")
    await wait_for_text(led, "#led-label", "^午休$")
    await both_languages(led, "window-paused", "#led-number", "暂停服务", "Paused")
    await clerk.keyboard.press("F8")  # 恢复服务
    await wait_for_text(clerk, "#clerk-message", "已恢复服务")
    await clerk.keyboard.press("F10")  # 离岗, after a confirmation
    await clerk.wait_for_selector("#sign-out-dialog[open]")
    await clerk.click("#sign-out-confirm")
    await clerk.wait_for_selector("#sign-in:not([hidden])")
    await led.wait_for_selector("#led[data-status='closed']")
    await tablet.close()
    assert pages.messages() == []


async def test_a_clerk_terminal_asks_for_sign_in_while_its_open_window_has_no_clerk(
    server: ServerProcess, pages: Pages
) -> None:
    """With the default rule `require_sign_in`, a window the tablet opened cannot call until
    a clerk signs in: its terminal shows the sign-in form, not the call buttons."""
    hall = new_hall(server, HallSetup(staff=(CLERK,), rules={"require_sign_in": True}))
    tablet, _ = await signed_in_tablet(server, hall)
    await tablet.ok("open_window", {"window": "1"})
    clerk = await pages.open("/clerk", hall, "clerk", "1")

    await clerk.wait_for_selector("#sign-in:not([hidden])")
    assert await clerk.is_hidden("#desk")
    await both_languages(clerk, "clerk-open-unstaffed", "#top-status", "空闲", "Available")
    await sign_in(clerk)
    await clerk.wait_for_selector("#desk:not([hidden])")
    await tablet.close()
    assert pages.messages() == []


async def test_pages_show_they_are_offline_and_recover_with_the_right_state(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    await tablet.ok("open_window", {"window": "2"})
    screen = await pages.open("/screen", hall, "call_screen", viewport=TV)
    clerk = await pages.open("/clerk", hall, "clerk", "2")
    await clerk.wait_for_selector("#desk:not([hidden])")
    await screen.wait_for_selector("#waiting [data-queue='A']")
    await tablet.close()

    server.kill()  # kill -9: the sockets drop without a close frame
    await screen.wait_for_selector("#hall-banner:not([hidden])")
    await clerk.wait_for_selector("#hall-banner:not([hidden])")
    await both_languages(screen, "screen-offline", "#hall-banner", "网络连接已断开", "Connection")

    server.start()  # the same port and database
    tablet, _ = await signed_in_tablet(server, hall)
    ticket = (await tablet.ok("issue_ticket", {"service": "social"}))["ticket"]
    await tablet.ok("call_next", {"window": "2"})
    await wait_for_text(clerk, "#current-number", f"^{ticket['number']}$", timeout=RECOVERY_MS)
    await wait_for_text(screen, "#now-number", f"^{ticket['number']}$", timeout=RECOVERY_MS)
    await screen.wait_for_selector("#hall-banner", state="hidden")
    await clerk.wait_for_selector("#hall-banner", state="hidden")
    voice = await screen.evaluate("() => window.hallVoice.queued")
    assert voice == ["请A，零，零，一号到2号窗口办理"] and ticket["number"] == "A001"
    await tablet.close()
    assert pages.messages() == []
