"""The ticket machine, phone tracker and booking page in a real headless Chromium, against a real
server process: what a citizen taps and sees, checked against what devices see over the wire.

Screenshots of every page in both languages land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support.browser import (
    PageErrors,
    new_page,
    screenshot,
    set_language,
    text_of,
    wait_for_text,
)
from tests.support.device import Device
from tests.support.server import (
    CLERK,
    HallSetup,
    ServerProcess,
    create_hall,
    mint,
    signed_in_tablet,
)

pytestmark = pytest.mark.anyio

CODE_HALF = "[2-9A-HJKMNP-Z]{5}"
"""Half a booking code as the booking page shows it: no 0/O, no 1/I/L."""
RECOVERY_MS = 40_000
"""How long a kiosk may take to find a restarted server: its start plus the backoff."""
PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


@pytest.fixture
def hall_setup() -> HallSetup:
    # check-in opens 4 h before a slot, so the first free slot can be checked in at any hour
    return HallSetup(staff=(CLERK,), rules={"check_in_early_minutes": 240})


async def open_kiosk(
    browser: Any, server: ServerProcess, hall: str, *, fake_clock: bool = False
) -> tuple[Any, PageErrors]:
    page = await new_page(browser)
    errors = PageErrors(page)
    if fake_clock:
        await page.clock.install()  # timers run as usual until the test moves the clock on
    await page.goto(f"{server.url}/kiosk#token={mint(server, hall, 'kiosk')}")
    await page.wait_for_selector(".service[data-service='social']")
    return page, errors


def waiting(service: str, count: int) -> tuple[str, str]:
    return f".service[data-service='{service}'] .service-meta", f"^等候 {count} 人"


async def both_languages(page: Any, name: str, selector: str, zh: str, en: str) -> None:
    """Screenshots in zh-CN and en, checking a text in each; the page ends in zh-CN."""
    await wait_for_text(page, selector, zh)
    await screenshot(page, name, "zh-CN")
    await set_language(page, "en")
    await wait_for_text(page, selector, en)
    await screenshot(page, name, "en")
    await set_language(page, "zh-CN")


async def test_a_ticket_from_the_kiosk_is_followed_on_a_phone_until_it_is_called(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    kiosk, kiosk_errors = await open_kiosk(browser, server, hall)
    assert "token" not in kiosk.url  # the pairing token left the address bar
    await both_languages(kiosk, "kiosk-menu", ".prompt", "请选择办理事项", "choose a service")
    await wait_for_text(kiosk, *waiting("social", 0))

    await kiosk.click(".service[data-service='social']")
    number = await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    await kiosk.wait_for_function("() => document.querySelector('#ticket-qr').naturalWidth > 0")
    assert await text_of(kiosk, "#ticket-ahead") == "前面还有 0 人等候"
    await both_languages(kiosk, "kiosk-ticket", "#ticket-ahead", "前面还有 0 人", "0 ahead")
    await kiosk.emulate_media(media="print")
    await screenshot(kiosk, "kiosk-print", "zh-CN")
    await kiosk.emulate_media(media="screen")
    printed = await kiosk.inner_text("#print-lines")
    assert number in printed and "社保医保" in printed

    tablet, welcome = await signed_in_tablet(server, hall)
    tickets = {t["number"]: t for t in welcome["snapshot"]["tickets"]}
    assert tickets[number]["service"] == "social" and tickets[number]["state"] == "waiting"

    await kiosk.click("#ticket-done")
    await wait_for_text(kiosk, *waiting("social", 1))
    await tablet.ok("issue_ticket", {"service": "tax"})  # another device's ticket shows too
    await wait_for_text(kiosk, *waiting("tax", 1))

    track_url = await kiosk.get_attribute("#ticket-qr", "data-url")
    assert track_url is not None and re.fullmatch(rf"{server.url}/t/[\w-]+", track_url)
    phone = await new_page(browser, **PHONE)
    phone_errors = PageErrors(phone)
    await phone.goto(track_url)
    await wait_for_text(phone, "#track-number", f"^{number}$")
    await wait_for_text(phone, "#track-service", "社保医保")
    await both_languages(phone, "tracker-waiting", "#track-ahead", "前面还有 0 人", "0 ahead")

    clerk, _ = await Device.connect(server.ws_url, mint(server, hall, "clerk", "1"))
    await clerk.ok("sign_in", {"window": "1", "staff": "1001", "password": "secret1"})
    called = await clerk.ok("call_next", {"window": "1"})
    assert called["ticket"]["number"] == number
    await phone.wait_for_selector("#track-progress[data-state='called']")
    await both_languages(phone, "tracker-called", "#track-go", "请到1号窗口办理", "go to 1号窗口")
    await wait_for_text(kiosk, *waiting("social", 0))

    await clerk.ok("start", {"window": "1"})
    await wait_for_text(phone, "#track-status", "正在1号窗口办理")
    for device in (tablet, clerk):
        await device.close()
    assert kiosk_errors.messages == [] and phone_errors.messages == []


async def test_a_booking_from_a_phone_is_checked_in_on_the_kiosk_keypad(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    phone = await new_page(browser, **PHONE)
    phone_errors = PageErrors(phone)
    await phone.goto(f"{server.url}/book/{hall}")
    await wait_for_text(phone, "#hall-name", "测试政务服务中心")
    await both_languages(phone, "book-services", ".step-title", "选择办理事项", "Choose")
    await phone.click("[data-service='social']")
    await phone.click("[data-slot]:not([disabled])")
    await phone.fill("#book-name", "张小三")
    await phone.fill("#book-phone", "13800138000")
    await both_languages(phone, "book-form", "#book-submit", "提交预约", "Book")
    await phone.click("#book-submit")
    await wait_for_text(phone, "#booking-code", rf"^{CODE_HALF} {CODE_HALF}$")
    code = await phone.get_attribute("#booking-code", "data-code")
    assert code is not None and re.fullmatch(rf"(?:{CODE_HALF}){{2}}", code)
    await phone.wait_for_function("() => document.querySelector('#booking-qr').naturalWidth > 0")
    await both_languages(phone, "book-booked", ".booked-title", "预约成功", "booked")
    content = await phone.content()
    assert "13800138000" not in content and "张小三" not in content

    await phone.fill("#lookup-code", f"{code[:5].lower()}-{code[5:]}")  # as a citizen types it
    await phone.fill("#lookup-phone", "0000")  # not the phone's: nothing is told
    await phone.click("#lookup-form button[type='submit']")
    await wait_for_text(phone, "#book-error", "请核对预约码和手机号后四位")
    assert await phone.is_hidden("#lookup-result")
    await phone.fill("#lookup-phone", "8000")
    await phone.click("#lookup-form button[type='submit']")
    person = await wait_for_text(phone, "#lookup-person", "张\\*三")
    assert "138****8000" in person
    await both_languages(phone, "book-lookup", "#lookup-summary", "已预约", "Booked")

    kiosk, kiosk_errors = await open_kiosk(browser, server, hall)
    await kiosk.click("[data-action='check-in']")
    await both_languages(kiosk, "kiosk-keypad", "#keypad-prompt", "10 位预约码", "10-character")
    mistyped = code[:3] + next(c for c in "23456789ABCDEFGHJK" if c != code[3]) + code[4:]
    for character in mistyped:  # the on-screen keys: digits and letters
        await kiosk.click(f".key[data-key='{character}']")
    await kiosk.click("#check-in-submit")
    await wait_for_text(kiosk, "#keypad-prompt", "预约码有误")  # caught on the kiosk itself
    await kiosk.click(".key[data-key='clear']")
    for character in code:
        await kiosk.click(f".key[data-key='{character}']")
    await kiosk.wait_for_selector(f"#code-display[data-code='{code}']")
    await kiosk.click("#check-in-submit")
    await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    assert await text_of(kiosk, "#ticket-priority") == "预约"

    await phone.click("#lookup-form button[type='submit']")
    await wait_for_text(phone, "#lookup-summary", "已签到")

    await phone.click("#book-another")  # a second booking, cancelled by its code
    await phone.click("[data-slot]:not([disabled])")
    await phone.fill("#book-name", "李四")
    await phone.fill("#book-phone", "13900139000")
    await phone.click("#book-submit")
    await phone.wait_for_function(
        "code => document.querySelector('#booking-code').dataset.code !== code", arg=code
    )
    second = await phone.get_attribute("#booking-code", "data-code")
    assert second is not None
    await phone.fill("#lookup-code", second)
    await phone.fill("#lookup-phone", "9000")
    await phone.click("#lookup-form button[type='submit']")
    await wait_for_text(phone, "#lookup-summary", "已预约")
    await phone.click("#lookup-cancel")
    await wait_for_text(phone, "#lookup-person", "预约已取消")
    with server.admin() as admin:
        booking = admin.get(
            f"/api/halls/{hall}/appointments/{second}", headers={"X-Phone-Last4": "9000"}
        ).json()
    assert booking["state"] == "cancelled"
    not_found = "console: Failed to load resource: the server responded with a status of 404"
    assert kiosk_errors.messages == []
    assert [m.split(" (")[0] for m in phone_errors.messages] == [not_found]  # the wrong digits


async def test_a_booking_code_scanned_at_the_menu_checks_in(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    with httpx.Client(base_url=server.url, headers={"X-Forwarded-For": "198.51.100.9"}) as http:
        free = [
            slot["start"]
            for day in (today, today + timedelta(days=1))
            for slot in http.get(
                f"/api/halls/{hall}/slots", params={"service": "social", "date": str(day)}
            ).json()["slots"]
            if slot["free"] > 0
        ]
        booked = http.post(
            f"/api/halls/{hall}/appointments",
            json={"service": "social", "slot": free[0], "name": "王五", "phone": "13700137000"},
        )
    code = booked.json()["result"]["booking"]["code"]
    kiosk, errors = await open_kiosk(browser, server, hall)

    await kiosk.keyboard.type(f"{code[:5].lower()}-{code[5:]}")  # a scanner types like keys
    await kiosk.keyboard.press("Enter")

    await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    assert await text_of(kiosk, "#ticket-priority") == "预约"
    assert errors.messages == []


async def test_green_channel_tickets_and_plain_errors_on_the_kiosk(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    kiosk, errors = await open_kiosk(browser, server, hall, fake_clock=True)
    await kiosk.click("[data-action='green']")
    await both_languages(kiosk, "kiosk-green", "[data-green='elderly']", "老年人", "Senior")
    await kiosk.click("[data-green='elderly']")
    await wait_for_text(kiosk, "#green-active-text", "绿色通道（老年人）")
    await kiosk.click(".service[data-service='tax']")
    await wait_for_text(kiosk, "#ticket-number", r"^B\d{3}$")
    assert await text_of(kiosk, "#ticket-priority") == "绿色通道"
    await kiosk.clock.run_for(31_000)  # nobody touched it: back to the menu, green mode off
    await kiosk.wait_for_selector("#screen-home:not([hidden])")
    assert await kiosk.is_hidden("#green-active")

    closed = f"c{uuid.uuid4().hex[:8]}"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).isoweekday()
    create_hall(server, closed, weekdays=[d for d in range(1, 8) if d != today])
    shut, shut_errors = await open_kiosk(browser, server, closed)
    await shut.click(".service[data-service='social']")
    await both_languages(
        shut, "kiosk-error", "#error-text", "该事项今日已停止取号", "No more tickets"
    )
    await shut.click("#error-back")
    await shut.wait_for_selector("#screen-home:not([hidden])")

    phone = await new_page(browser, **PHONE)
    phone_errors = PageErrors(phone)
    await phone.goto(f"{server.url}/t/not-a-ticket-of-this-hall")
    await phone.wait_for_selector("#track-progress[data-state='invalid']")
    await wait_for_text(phone, "#hall-banner", "链接无效或号码已过期")
    assert errors.messages == [] and shut_errors.messages == [] and phone_errors.messages == []


async def test_the_kiosk_resyncs_after_a_gap_in_the_events(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    kiosk, errors = await open_kiosk(browser, server, hall)
    await wait_for_text(kiosk, *waiting("social", 0))
    # An event two ahead of the last one seen: one was lost. The kiosk must not apply it but
    # resume from what it has, or it would skip the next real event as already seen.
    await kiosk.evaluate(
        """() => {
            const connection = window.hall.connection;
            connection.receive({type: "event", seq: connection.seq + 2, event: "hall.broadcast",
                                at: new Date().toISOString(), data: {text: "lost"}});
        }"""
    )
    other, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    await other.ok("issue_ticket", {"service": "social"})
    await wait_for_text(kiosk, *waiting("social", 1))
    assert await kiosk.is_hidden("#notice")
    await other.close()
    assert errors.messages == []


async def test_the_kiosk_shows_it_is_offline_and_recovers_by_itself(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    kiosk, errors = await open_kiosk(browser, server, hall)
    await wait_for_text(kiosk, *waiting("social", 0))
    assert await kiosk.is_hidden("#hall-banner")

    server.kill()  # kill -9: the socket drops without a close frame
    await kiosk.wait_for_selector("#hall-banner:not([hidden])")
    await both_languages(
        kiosk, "kiosk-offline", "#hall-banner", "网络连接已断开", "Connection lost"
    )
    await kiosk.click(".service[data-service='social']")  # a citizen taps while it is down
    await kiosk.wait_for_selector("#screen-busy:not([hidden])")

    server.start()  # the same port and database
    other, _ = await signed_in_tablet(server, hall)
    await other.ok("issue_ticket", {"service": "social"})
    # the tap's command goes out once the kiosk is back (backoff: up to some seconds)
    number = await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$", timeout=RECOVERY_MS)
    await kiosk.wait_for_selector("#hall-banner", state="hidden")
    observer, welcome = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    await observer.close()
    numbers = [t["number"] for t in welcome["snapshot"]["tickets"]]
    assert sorted(numbers) == ["A001", "A002"] and number in numbers  # once, not twice

    await kiosk.click("#ticket-done")
    await wait_for_text(kiosk, *waiting("social", 2))
    await kiosk.reload()  # still paired after a reboot: the token was kept
    await wait_for_text(kiosk, *waiting("social", 2))
    await other.ok("issue_ticket", {"service": "social"})
    await wait_for_text(kiosk, *waiting("social", 3))
    await other.close()
    assert errors.messages == []


async def test_a_missed_ticket_is_reactivated_at_the_kiosk_by_its_number(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    tablet, _ = await signed_in_tablet(server, hall)
    missed = (await tablet.ok("issue_ticket", {"service": "social"}))["ticket"]
    behind = [(await tablet.ok("issue_ticket", {"service": "social"}))["ticket"] for _ in range(5)]
    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("no_show", {"window": "1"})  # 过号

    kiosk, errors = await open_kiosk(browser, server, hall)
    await kiosk.click("[data-action='reactivate']")
    await kiosk.click("[data-prefix='A']")
    await kiosk.click(".key[data-key='9']")  # A9 -> A009: no such ticket today
    await kiosk.click("#check-in-submit")
    await wait_for_text(kiosk, "#error-text", "未找到该号码")
    await kiosk.click("#error-back")

    await kiosk.click("[data-action='reactivate']")
    await kiosk.keyboard.type("a1")  # a hardware keyboard types the letter as well
    await kiosk.wait_for_selector("#code-display[data-code='A1']")
    await both_languages(kiosk, "kiosk-reactivate", "#keypad-prompt", "号码字母", "letter")
    await kiosk.click("#check-in-submit")
    await wait_for_text(kiosk, "#ticket-number", f"^{missed['number']}$")
    assert await text_of(kiosk, "#ticket-priority") == "过号重新激活"
    await both_languages(
        kiosk, "kiosk-reactivated", "#ticket-priority", "过号重新激活", "Reactivated"
    )

    # back in line three places from the front (the hall's rule), not at the end
    called = []
    for _ in range(4):
        called.append((await tablet.ok("call_next", {"window": "1"}))["ticket"]["number"])
        await tablet.ok("finish", {"window": "1"})
    assert called == [t["number"] for t in behind[:3]] + [missed["number"]]

    await kiosk.click("#ticket-done")
    await kiosk.click("[data-action='reactivate']")
    await kiosk.click("[data-prefix='A']")
    for digit in behind[4]["number"][1:]:  # still waiting: never missed
        await kiosk.click(f".key[data-key='{digit}']")
    await kiosk.click("#check-in-submit")
    await wait_for_text(kiosk, "#error-text", "该号码未过号")
    await tablet.close()
    assert errors.messages == []
