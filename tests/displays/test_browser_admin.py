"""The admin page (/admin) in a real headless Chromium against a real server process started
with no hall: a hall created from nothing through the page, a ticket machine and a clerk
terminal added and opened from their pairing links, a ticket taken and called by a clerk whose
account was made on the page, then signed out by deactivating it; the admin token kept out of
addresses, refused when wrong, and a changed one sending the page back to sign in; every
problem of a hall document next to its field, and a save that keeps the day's tickets; the
document exported to a file and imported again; devices renamed, re-paired and unpaired, staff
edited, given a new password and deleted, on a phone.

Screenshots of each section in both languages, at 1366×768 and on a phone, land in
test-artifacts/screenshots/admin-*.png.
"""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.browser import (
    Pages,
    screenshot,
    switch_language,
    text_of,
    wait_for_text,
)
from tests.support.device import Device
from tests.support.server import ADMIN_TOKEN, ServerProcess, mint

pytestmark = pytest.mark.anyio

DESK: dict[str, Any] = {"width": 1366, "height": 768}
PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
REFUSED = "the server responded with a status of 4"
"""Browsers log every refused request; the page expects some (a wrong token, a bad document)."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


def page_errors(pages: Pages) -> list[str]:
    return [message for message in pages.messages() if REFUSED not in message]


def png(width: int = 16, height: int = 16) -> bytes:
    """A small red PNG, as a phone's photo would be (much smaller)."""
    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    image = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + image


def picture(name: str = "photo.png") -> dict[str, Any]:
    return {"name": name, "mimeType": "image/png", "buffer": png()}


async def shots(page: Any, name: str, selector: str, zh: str, en: str) -> None:
    """Screenshots in zh-CN and en, checking a text in each; scrolled to the end first, so the
    save bar that follows the form is where it ends. The page ends in zh-CN."""
    for lang, text in (("zh-CN", zh), ("en", en)):
        await switch_language(page, lang)
        await wait_for_text(page, selector, text)
        await page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        await screenshot(page, name, lang)
    await switch_language(page, "zh-CN")


def document_of(server: ServerProcess, hall: str) -> dict[str, Any]:
    with server.admin() as admin:
        response = admin.get(f"/api/halls/{hall}")
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
    return document


async def signed_in(pages: Pages, server: ServerProcess, hall: str, viewport: Any = DESK) -> Any:
    """The admin page, signed in through a `#admin=` link, showing `hall`'s setup."""
    page = await pages.open(f"/admin#admin={ADMIN_TOKEN}", hall, None, viewport=viewport)
    await page.wait_for_selector("#desk:not([hidden])")
    await page.select_option("#hall-pick", hall)
    await page.wait_for_function(
        "hall => document.querySelector('#hall-id').value === hall", arg=hall
    )
    return page


async def pairing_link(admin: Any, server: ServerProcess, page: str) -> str:
    """The pairing link the page shows for the device just added, and its QR code (a blob:
    image drawn by the server)."""
    await admin.wait_for_selector("#pairing:not([hidden])")
    link: str = await admin.input_value("#pairing-link")
    assert link.startswith(f"{server.url}{page}#token="), link
    await admin.wait_for_function("() => document.querySelector('#pairing-qr').naturalWidth > 0")
    assert (await admin.get_attribute("#pairing-qr", "src") or "").startswith("blob:")
    return link


async def sign_in_at(clerk: Any, staff: str, password: str) -> None:
    await clerk.wait_for_selector("#sign-in:not([hidden])")
    await clerk.fill("#sign-in-staff", staff)
    await clerk.fill("#sign-in-password", password)
    await clerk.click("#sign-in-submit")


# --- from nothing to a called ticket ---------------------------------------------------------


async def test_a_hall_from_nothing_to_a_ticket_called_by_a_clerk_made_on_the_page(
    server: ServerProcess, pages: Pages
) -> None:
    with server.admin() as api:
        assert api.get("/api/halls").json() == {"halls": []}  # the server starts with no hall
    hall = "gaoxin"
    admin = await pages.open("/admin", hall, None, viewport=DESK)
    await admin.wait_for_selector("#sign-in:not([hidden])")
    await shots(admin, "admin-sign-in", "#sign-in .prompt", "管理员登录", "Administrator sign-in")
    await admin.fill("#sign-in-token", "not-the-token")
    await admin.click("#sign-in-submit")
    await wait_for_text(admin, "#sign-in-error", "^管理令牌不正确，请核对后重试$")
    await admin.fill("#sign-in-token", ADMIN_TOKEN)
    await admin.click("#sign-in-submit")

    await wait_for_text(admin, "#create-hint", "本服务器还没有大厅")
    assert await admin.is_disabled("#tab-devices") and await admin.is_disabled("#tab-staff")
    await shots(admin, "admin-create", "#create .section-title", "新建大厅", "New hall")
    await admin.click("#create-next")  # nothing filled in: both fields say what they need
    await wait_for_text(admin, "#create [data-path='id'] .field-error", "1 至 32 位字母")
    await wait_for_text(admin, "#create [data-path='name'] .field-error", "请填写大厅名称")
    await admin.fill("#create-id", hall)
    await admin.fill("#create-name", "高新区政务服务中心")
    await admin.click("#create-next")
    await admin.wait_for_selector("#hall-form:not([hidden])")

    await admin.fill("#rule-open_time", "00:00")  # all day, every day: the test runs any time
    await admin.fill("#rule-close_time", "24:00")
    for day in ("6", "7"):
        await admin.check(f"#hall-form [name=weekday][value='{day}']")
    for dates, day in (("holidays", "2030-10-01"), ("workdays", "2030-09-29")):
        await admin.fill(f"[data-dates={dates}] .admin-date-input", day)
        await admin.click(f"[data-dates={dates}] .admin-date-button")
    await admin.click("#add-queues")  # queue B, 税务
    await admin.fill("#queues-rows .admin-row:nth-child(2) [name=name]", "税务")
    await admin.click("#add-services")
    service = "#services-rows .admin-row:nth-child(2)"
    await admin.fill(f"{service} [name=id]", "tax")
    await admin.fill(f"{service} [name=name]", "税务申报")
    await admin.select_option(f"{service} .admin-step", "B")
    await admin.check(
        "#windows-rows .admin-row:nth-child(1) .admin-weight[data-queue='B'] input[type=checkbox]"
    )
    await admin.click("#add-windows")  # window 2, serving both queues
    await admin.click("#hall-save")
    await wait_for_text(admin, "#toast", "大厅 高新区政务服务中心 已创建")
    await wait_for_text(admin, "#hall-name", "^高新区政务服务中心$")
    assert await admin.input_value("#hall-pick") == hall
    assert not await admin.is_editable("#hall-id")

    saved = document_of(server, hall)
    assert saved["rules"]["weekdays"] == [1, 2, 3, 4, 5, 6, 7]
    assert (saved["rules"]["open_time"], saved["rules"]["close_time"]) == ("00:00", "24:00")
    assert (saved["rules"]["holidays"], saved["rules"]["workdays"]) == (
        ["2030-10-01"],
        ["2030-09-29"],
    )
    assert [(q["id"], q["name"], q["prefix"]) for q in saved["queues"]] == [
        ("A", "综合受理", "A"),
        ("B", "税务", "B"),
    ]
    assert [(s["id"], s["steps"]) for s in saved["services"]] == [
        ("general", ["A"]),
        ("tax", ["B"]),
    ]
    assert [w["queues"] for w in saved["windows"]] == [{"A": 1.0, "B": 1.0}] * 2
    await shots(admin, "admin-hall", "#hall-form .section-title", "基本信息", "Basics")

    await admin.click("#tab-devices")
    await admin.select_option("#device-kind", "kiosk")
    await admin.click("#device-add")
    kiosk_link = await pairing_link(admin, server, "/kiosk")
    await admin.click("#pairing-done")
    await admin.select_option("#device-kind", "clerk")
    await admin.select_option("#device-window", "1")
    await admin.fill("#device-name", "1号窗口呼叫器")
    await admin.click("#device-add")
    clerk_link = await pairing_link(admin, server, "/clerk")
    await wait_for_text(admin, "#devices-count", "共 2 台")
    await shots(admin, "admin-devices", "#pairing-title", "窗口呼叫器：1号", "Clerk terminal: 1号")
    await admin.click("#pairing-done")

    await admin.click("#tab-staff")
    await admin.fill("#staff-number", "1001")
    await admin.fill("#staff-name", "王晓丽")
    await admin.fill("#staff-password", "secret1")
    await admin.set_input_files("#staff-photo", files=[picture()])
    await admin.wait_for_selector("#staff-photo-preview:not([hidden])")
    await admin.click("#staff-add")
    await wait_for_text(admin, "#toast", "已添加 王晓丽（工号 1001）")
    member = "#staff-list [data-number='1001']"
    await admin.wait_for_function(
        "selector => document.querySelector(selector).naturalWidth > 0", arg=f"{member} img"
    )
    photo = httpx.get(f"{server.url}/api/halls/{hall}/staff/1001/photo")
    assert photo.headers["content-type"] == "image/jpeg"  # scaled down on the page
    await shots(admin, "admin-staff", f"{member} .admin-item-role", "窗口人员", "Clerk")

    kiosk = await pages.open(kiosk_link.removeprefix(server.url), hall, None)
    await kiosk.click(".service[data-service='general']")
    number = await wait_for_text(kiosk, "#ticket-number", r"^A\d{3}$")
    clerk = await pages.open(clerk_link.removeprefix(server.url), hall, None)
    await sign_in_at(clerk, "1001", "secret1")
    await clerk.wait_for_selector("#desk:not([hidden])")
    await clerk.keyboard.press("F1")  # 呼叫下一位
    await wait_for_text(clerk, "#current-number", f"^{number}$")

    await admin.click("#tab-devices")  # the list is read again: both pages are online
    for kind in ("kiosk", "clerk"):
        await admin.wait_for_selector(f"#device-list [data-kind='{kind}'][data-online='true']")
    await clerk.click("[data-command='start']")
    await clerk.click("[data-command='finish']")
    await wait_for_text(clerk, "#current-number", "^—$")

    await admin.click("#tab-staff")
    await admin.click(f"{member} .staff-deactivate")
    await wait_for_text(admin, "#confirm-title", "停用 王晓丽 的账号？")
    await admin.click("#confirm-ok")
    await admin.wait_for_selector(f"{member}[data-active='false']")
    await clerk.wait_for_selector("#sign-in:not([hidden])")  # signed out by the server
    await sign_in_at(clerk, "1001", "secret1")
    await wait_for_text(clerk, "#sign-in-error", "工号或密码错误")
    assert page_errors(pages) == []


# --- the admin token -------------------------------------------------------------------------


async def test_the_token_stays_out_of_the_address_and_a_changed_one_signs_the_page_out(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    admin = await signed_in(pages, server, hall)
    assert admin.url == f"{server.url}/admin"  # the #admin= fragment is gone
    stored = "() => sessionStorage.getItem('hall.admin_token')"
    assert await admin.evaluate(stored) == ADMIN_TOKEN

    await admin.reload()  # the tab keeps it
    await admin.wait_for_selector("#desk:not([hidden])")
    # the server's token changes under the page (a new HALL_ADMIN_TOKEN)
    await admin.evaluate("() => sessionStorage.setItem('hall.admin_token', 'an-old-token')")
    await admin.click("#tab-devices")
    await wait_for_text(admin, "#sign-in-error", "管理令牌已失效")
    assert await admin.is_hidden("#desk")
    assert await admin.evaluate(stored) is None
    await shots(admin, "admin-signed-out", "#sign-in-error", "已失效", "no longer works")

    await admin.fill("#sign-in-token", ADMIN_TOKEN)
    await admin.click("#sign-in-submit")
    await admin.wait_for_selector("#desk:not([hidden])")
    await admin.click("#sign-out")
    await admin.wait_for_selector("#sign-in:not([hidden])")
    assert await admin.evaluate(stored) is None
    assert page_errors(pages) == []


# --- problems, tickets kept ------------------------------------------------------------------


async def test_each_problem_shows_at_its_field_and_a_save_keeps_the_waiting_tickets(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    kiosk, _ = await Device.connect(server.ws_url, mint(server, hall, "kiosk"))
    ticket = (await kiosk.ok("issue_ticket", {"service": "social"}))["ticket"]
    before = document_of(server, hall)
    admin = await signed_in(pages, server, hall)

    await admin.fill("#hall-name-input", "")
    await admin.fill("#queues-rows .admin-row:nth-child(1) [name=prefix]", "a1")
    await admin.select_option("#services-rows .admin-row:nth-child(1) .admin-step", "")
    weight = "#windows-rows .admin-row:nth-child(1) [data-queue='B'] input[type=number]"
    await admin.fill(weight, "0")
    await admin.fill("#rule-open_time", "8:30")
    await admin.fill("#rule-priority_cap", "0")
    await admin.click("#hall-save")
    await wait_for_text(admin, "#hall-problems", "未保存：有 6 处问题")
    at_fields = {
        "name": "must be a non-empty string",
        "queues[0].prefix": "must be one or two capital letters",
        "services[0].queue": "no queue ''",
        "windows[0].queues.B": "must be a number from 0.01 to 100",
        "rules.open_time": "must be HH:MM",
        "rules.priority_cap": "must be a number from 1 to 100",
    }
    for path, problem in at_fields.items():
        await wait_for_text(admin, f"#hall-form [data-path='{path}'] > .field-error", problem)
    assert await admin.locator("#hall-form .has-error").count() >= len(at_fields)
    assert document_of(server, hall) == before  # nothing changed
    await shots(admin, "admin-hall-problems", "#hall-problems", "6 处问题", "6 problems")

    await admin.fill("#hall-name-input", "新城区政务服务中心")
    assert await admin.locator("#hall-form [data-path='name'].has-error").count() == 0
    await admin.fill("#queues-rows .admin-row:nth-child(1) [name=prefix]", "A")
    await admin.select_option("#services-rows .admin-row:nth-child(1) .admin-step", "A")
    await admin.fill(weight, "0.5")
    await admin.fill("#rule-open_time", "00:00")
    await admin.fill("#rule-priority_cap", "")  # empty: the default
    await admin.click("#hall-save")
    await wait_for_text(admin, "#toast", "新城区政务服务中心 的设置已保存")
    assert await admin.is_hidden("#hall-problems")

    after = document_of(server, hall)
    assert after["name"] == "新城区政务服务中心"
    assert after["windows"][0]["queues"] == {"A": 1.0, "B": 0.5}
    assert after["rules"]["priority_cap"] == 3
    assert {key: after[key] for key in ("queues", "services")} == {
        key: before[key] for key in ("queues", "services")
    }
    with server.admin() as api:
        snapshot = api.get(f"/api/halls/{hall}/snapshot").json()["snapshot"]
    kept = [t for t in snapshot["tickets"] if t["id"] == ticket["id"]]
    assert [(t["number"], t["state"]) for t in kept] == [(ticket["number"], "waiting")]
    await kiosk.close()
    assert page_errors(pages) == []


# --- files -----------------------------------------------------------------------------------


async def test_the_document_goes_to_a_file_and_back_and_makes_a_new_hall(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    admin = await signed_in(pages, server, hall)
    async with admin.expect_download() as downloading:
        await admin.click("#hall-export")
    download = await downloading.value
    assert download.suggested_filename == f"hall-{hall}.json"
    exported = json.loads(Path(await download.path()).read_text(encoding="utf-8"))
    assert exported == document_of(server, hall)  # the form loses and adds nothing

    await admin.set_input_files(
        "#import-file", files=[{"name": "x.json", "mimeType": "application/json", "buffer": b"["}]
    )
    await wait_for_text(admin, "#toast", "x.json 不是大厅配置文件")

    exported["name"] = "导入的大厅"
    exported["queues"].append({"id": "C", "name": "出证", "prefix": "C", "service_minutes": 3})
    exported["windows"][2]["queues"]["C"] = 2
    exported["rules"]["holidays"] = ["2030-10-01", "2030-10-02"]
    file = {
        "name": "hall.json",
        "mimeType": "application/json",
        "buffer": json.dumps(exported, ensure_ascii=False).encode(),
    }
    await admin.set_input_files("#import-file", files=[file])
    await wait_for_text(admin, "#toast", "已从 hall.json 填入表单")
    assert await admin.input_value("#hall-name-input") == "导入的大厅"
    await admin.click("#hall-save")
    await wait_for_text(admin, "#toast", "导入的大厅 的设置已保存")
    saved = document_of(server, hall)
    assert saved == {**exported, "queues": saved["queues"]}
    assert saved["queues"][2] == {**exported["queues"][2], "service_minutes": 3.0}

    copy = f"c{uuid.uuid4().hex[:8]}"  # the same file makes a new hall
    await admin.select_option("#hall-pick", "")
    await admin.wait_for_selector("#create:not([hidden])")
    file["buffer"] = json.dumps({**exported, "id": copy}, ensure_ascii=False).encode()
    await admin.set_input_files("#import-file", files=[file])
    await admin.wait_for_function(
        "copy => document.querySelector('#hall-id').value === copy", arg=copy
    )
    assert await admin.is_editable("#hall-id")
    await admin.click("#hall-save")
    await wait_for_text(admin, "#toast", "大厅 导入的大厅 已创建")
    assert document_of(server, copy) == {**saved, "id": copy}
    assert page_errors(pages) == []


# --- devices and staff, on a phone -----------------------------------------------------------


async def test_devices_and_staff_looked_after_on_a_phone(
    server: ServerProcess, hall: str, pages: Pages
) -> None:
    admin = await signed_in(pages, server, hall, viewport=PHONE)
    await shots(admin, "admin-hall-phone", "#hall-form .section-title", "基本信息", "Basics")

    await admin.click("#tab-devices")
    await admin.select_option("#device-kind", "call_screen")
    await admin.click("#device-add")
    first_link = await pairing_link(admin, server, "/screen")
    screen = await pages.open(first_link.removeprefix(server.url), hall, None)
    await admin.click("#devices-refresh")
    item = "#device-list [data-kind='call_screen']"
    await admin.wait_for_selector(f"{item}[data-online='true']")
    await shots(admin, "admin-devices-phone", f"{item} .admin-online", "在线", "Online")

    await admin.click("#pairing-done")
    await admin.click(f"{item} .device-rename")
    await admin.fill(f"{item} .admin-rename-input", " ")
    await admin.click(f"{item} .device-rename-save")
    await wait_for_text(admin, f"{item} .admin-item-error", "name: a string of 1 to 100")
    await admin.fill(f"{item} .admin-rename-input", "大厅综合屏")
    await admin.click(f"{item} .device-rename-save")
    await wait_for_text(admin, f"{item} .admin-item-name", "^大厅综合屏$")

    await admin.click(f"{item} .device-relink")  # a new link: the screen's old one stops working
    await wait_for_text(admin, "#confirm-text", "原配对链接将立即失效")
    await admin.click("#confirm-ok")
    assert await pairing_link(admin, server, "/screen") != first_link
    await wait_for_text(screen, "#hall-banner", "尚未配对或已停用")

    await admin.click(f"{item} .device-revoke")
    await wait_for_text(admin, "#confirm-title", "解除 大厅综合屏 的配对？")
    await admin.click("#confirm-ok")
    await wait_for_text(admin, "#device-list", "还没有配对的设备")

    await admin.click("#tab-staff")
    await admin.fill("#staff-number", "9001")
    await admin.fill("#staff-name", "李经理")
    await admin.select_option("#staff-role", "manager")
    await admin.fill("#staff-password", "12345")
    await admin.click("#staff-add")
    await wait_for_text(admin, "#staff-form [data-path='password'] .field-error", "at least 6")
    await admin.fill("#staff-password", "manager1")
    await admin.click("#staff-add")
    member = "#staff-list [data-number='9001']"
    await wait_for_text(admin, f"{member} .admin-item-role", "^值班经理$")

    await admin.click(f"{member} .staff-edit")
    await admin.wait_for_selector("#staff-dialog[open]")
    await admin.fill("#edit-name", "李建国")
    await admin.set_input_files("#edit-photo", files=[picture("li.png")])
    await admin.wait_for_function(
        "() => document.querySelector('#edit-photo-preview').src.startsWith('data:image/jpeg')"
    )
    await shots(admin, "admin-staff-dialog-phone", "#staff-dialog-title", "编辑 李经理", "Edit")
    await admin.click("#staff-dialog-save")
    await wait_for_text(admin, f"{member} .admin-item-name", "^李建国$")
    photo = httpx.get(f"{server.url}/api/halls/{hall}/staff/9001/photo")
    assert photo.headers["content-type"] == "image/jpeg"

    await admin.click(f"{member} .staff-password")
    await admin.fill("#edit-password", "abc")
    await admin.click("#staff-dialog-save")
    await wait_for_text(admin, "#staff-dialog [data-path='password'] .field-error", "at least 6")
    await admin.fill("#edit-password", "newpass1")
    await admin.click("#staff-dialog-save")
    await wait_for_text(admin, "#toast", "李建国 的密码已重置")
    tablet, _ = await Device.connect(server.ws_url, mint(server, hall, "tablet"))
    signed = await tablet.ok("manager_sign_in", {"staff": "9001", "password": "newpass1"})
    assert signed["staff"]["name"] == "李建国"
    await tablet.close()
    await shots(admin, "admin-staff-phone", f"{member} .admin-item-role", "值班经理", "manager")

    await admin.click(f"{member} .staff-delete")
    await admin.click("#confirm-ok")
    await wait_for_text(admin, "#staff-list", "还没有工作人员账号")
    assert await text_of(admin, "#staff-count") == "共 0 人，0 人在用"
    assert page_errors(pages) == []
