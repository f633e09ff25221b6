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

from hall.auth import new_booking_code
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
    small_hall,
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
    await wait_for_text(phone, "#lookup-error", "请核对预约码和手机号后四位")
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
    await phone.click("#lookup-cancel")  # asks first, with the digits once more
    await phone.fill("#cancel-digits", "9000")
    await phone.click("#cancel-yes")
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


# --- issue 11: in reach, scanned codes, 关怀模式, printing, wording -------------------------------

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
SPOKEN = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (utterance) => {
    window.__spoken.push({text: utterance.text, lang: utterance.lang});
  };
  window.speechSynthesis.cancel = () => {};
}
"""
"""Records what the page speaks (Web Speech), instead of speaking it."""


def floor_hall(server: ServerProcess, hall: str) -> None:
    """The test hall with a second floor for queue A (its `area`), English service names and six
    services in one category, more than 关怀模式 shows on one screen."""
    document = small_hall(hall)
    document["queues"][0]["area"] = "二楼B区"
    document["services"] = [
        {"id": "social", "name": "社保医保", "name_en": "Social insurance", "queue": "A"},
        {"id": "tax", "name": "税务申报", "name_en": "Tax returns", "queue": "B"},
        *(
            {"id": f"extra{i}", "name": f"综合事项{i}", "queue": "A" if i % 2 else "B"}
            for i in range(1, 5)
        ),
    ]
    with server.admin() as admin:
        response = admin.put(f"/api/halls/{hall}", json=document)
        assert response.status_code in (200, 201), response.text


def book_slot(server: ServerProcess, hall: str) -> str:
    """A booking of the first free `social` slot, today or tomorrow, on the booking API."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    with httpx.Client(base_url=server.url, headers={"X-Forwarded-For": "198.51.100.19"}) as http:
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
    code: str = booked.json()["result"]["booking"]["code"]
    return code


async def kiosk_at(
    browser: Any, server: ServerProcess, hall: str, size: dict[str, int], query: str = ""
) -> tuple[Any, PageErrors]:
    page = await new_page(browser, **size)
    errors = PageErrors(page)
    await page.add_init_script(SPOKEN)
    await page.clock.install()  # timers run as usual until the test moves the clock on
    await page.goto(f"{server.url}/kiosk{query}#token={mint(server, hall, 'kiosk')}")
    await page.wait_for_selector(".service[data-service='social']")
    return page, errors


async def tops(page: Any, selector: str) -> list[float]:
    """The top edges of the visible elements matching `selector`, in CSS pixels."""
    found: list[float] = await page.eval_on_selector_all(
        selector,
        "nodes => nodes.filter(n => n.offsetParent !== null)"
        ".map(n => n.getBoundingClientRect().top)",
    )
    return found


async def test_the_kiosk_puts_its_controls_in_reach_standing_or_seated(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    floor_hall(server, hall)
    kiosk, errors = await kiosk_at(browser, server, hall, PORTRAIT)
    await wait_for_text(kiosk, ".service[data-service='social'] .service-meta", "等候 0 人")
    services, actions = await tops(kiosk, ".service"), await tops(kiosk, ".action")
    # a portrait kiosk's controls sit in the lower part of the screen, none in the top third
    assert min(services + actions) > 1920 / 3 and max(actions) > 1920 * 0.8
    heights = await kiosk.eval_on_selector_all(
        ".service, .action", "nodes => nodes.map(n => n.getBoundingClientRect().height)"
    )
    assert min(heights) >= 140  # large touch targets
    await both_languages(kiosk, "kiosk-portrait-menu", ".prompt", "请选择办理事项", "choose")
    assert await text_of(kiosk, ".service[data-service='social'] .service-name") == "社保医保"
    await set_language(kiosk, "en")
    await wait_for_text(kiosk, ".service[data-service='social'] .service-name", "Social insurance")
    await set_language(kiosk, "zh-CN")

    await kiosk.click("[data-action='check-in']")
    keys = await tops(kiosk, ".key")
    assert min(keys) > 1920 * 0.4
    await both_languages(kiosk, "kiosk-portrait-keypad", "#keypad-prompt", "预约码", "booking code")
    await kiosk.click("#screen-keypad [data-action='home']")

    await kiosk.click(".service[data-service='social']")
    await wait_for_text(kiosk, "#ticket-area", "^请到二楼B区等候办理$")  # where to go
    assert "请到二楼B区等候办理" in await kiosk.inner_text("#print-lines")  # printed, too
    await both_languages(kiosk, "kiosk-portrait-ticket", "#ticket-area", "二楼B区", "Please wait")
    await kiosk.close()

    landscape, landscape_errors = await kiosk_at(browser, server, hall, LANDSCAPE)
    actions = await tops(landscape, ".action")
    assert min(actions) > 1080 / 2  # the actions at the bottom of a landscape screen too
    await both_languages(landscape, "kiosk-landscape-menu", ".prompt", "请选择办理事项", "choose")
    assert errors.messages == [] and landscape_errors.messages == []


async def test_a_scanned_code_checks_in_at_once_and_a_wrong_one_says_what_to_do(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    code = book_slot(server, hall)
    kiosk, errors = await kiosk_at(browser, server, hall, PORTRAIT)
    # a person typing a code at the menu, key by key, is not taken for a scanner
    await kiosk.keyboard.type(code, delay=250)
    await kiosk.keyboard.press("Enter")
    await kiosk.click(".service[data-service='tax']")  # the menu still takes a tap
    await wait_for_text(kiosk, "#ticket-number", r"^B\d{3}$")
    await kiosk.click("#ticket-done")

    wrong = next(c for c in (new_booking_code() for _ in range(50)) if c != code)
    await kiosk.keyboard.type(wrong, delay=5)  # a scanner: fast keys, then Enter
    await kiosk.keyboard.press("Enter")
    await wait_for_text(kiosk, "#error-title", "^预约码不正确$")
    assert "请核对" in await text_of(kiosk, "#error-text")
    assert await kiosk.is_visible("#error-retype")
    await both_languages(kiosk, "kiosk-wrong-code", "#error-title", "预约码不正确", "not recog")

    await kiosk.keyboard.type(code, delay=5)  # scanned again on the error screen: checks in
    await kiosk.keyboard.press("Enter")
    await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    assert await text_of(kiosk, "#ticket-priority") == "预约"
    assert errors.messages == []


async def test_care_mode_shows_fewer_larger_choices_and_reads_them_aloud(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    floor_hall(server, hall)
    kiosk, errors = await kiosk_at(browser, server, hall, PORTRAIT)
    assert len(await tops(kiosk, ".service")) == 6
    await kiosk.click("#care-toggle")
    await kiosk.wait_for_selector("body.care-mode")
    assert len(await tops(kiosk, ".service")) == 4  # four to a screen
    spoken = await kiosk.evaluate("() => window.__spoken")
    assert spoken[-1]["lang"] == "zh-CN"
    assert "关怀模式" in spoken[-1]["text"] and "社保医保，等候0人" in spoken[-1]["text"]
    font = await kiosk.eval_on_selector(
        ".service-name", "n => parseFloat(getComputedStyle(n).fontSize)"
    )
    assert font >= 48
    await both_languages(kiosk, "kiosk-care-menu", "#pager-text", "第 1 / 2 页", "Page 1 of 2")

    await kiosk.click("[data-action='page-next']")
    await wait_for_text(kiosk, "#pager-text", "第 2 / 2 页")
    assert len(await tops(kiosk, ".service")) == 2
    spoken = await kiosk.evaluate("() => window.__spoken")
    assert "综合事项3" in spoken[-1]["text"] and "社保医保" not in spoken[-1]["text"]

    await kiosk.click(".service[data-service='extra3']")
    number = await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    spoken = await kiosk.evaluate("() => window.__spoken")
    assert spoken[-1]["text"].startswith("取号成功。您的号码是A，零")
    assert "请到二楼B区等候办理" in spoken[-1]["text"] and number
    await screenshot(kiosk, "kiosk-care-ticket", "zh-CN")

    await kiosk.click("#ticket-done")
    await kiosk.wait_for_selector("body.care-mode")  # the same visit: still on
    await kiosk.clock.run_for(61_000)  # nobody touched it: the next citizen's standard menu
    await kiosk.wait_for_selector("body:not(.care-mode)")
    assert len(await tops(kiosk, ".service")) == 6
    assert errors.messages == []


async def test_the_kiosk_says_take_your_ticket_only_once_it_is_printed(
    browser: Any, server: ServerProcess, hall: str
) -> None:
    kiosk, errors = await kiosk_at(browser, server, hall, LANDSCAPE, "?print=auto")
    await kiosk.evaluate(  # a printer that takes its time: window.print() returns at once
        "() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }"
    )
    await kiosk.click(".service[data-service='social']")
    await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    await kiosk.wait_for_selector("#ticket-hint[data-print='printing']")
    assert await text_of(kiosk, "#ticket-hint") == "正在打印凭条，请稍候…"
    assert await kiosk.evaluate("() => window.__printed") == 1
    await screenshot(kiosk, "kiosk-printing", "zh-CN")

    await kiosk.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    await wait_for_text(kiosk, "#ticket-hint", "^请取走凭条")
    await both_languages(kiosk, "kiosk-printed", "#ticket-hint", "请取走凭条", "take your ticket")

    await kiosk.click("#ticket-done")
    await kiosk.click(".service[data-service='tax']")
    await kiosk.wait_for_selector("#ticket-hint[data-print='printing']")  # not the last one's
    assert errors.messages == []
