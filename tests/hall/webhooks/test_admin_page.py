"""The admin page's webhooks tab (对外推送) in a real headless Chromium against a real server: a
webhook refused with its problem at the field, then added; its deliveries (a failed attempt,
then the one taken) shown; the secret never shown again; the webhook deleted. Screenshots in
both languages at 1366×768 and on a phone land in test-artifacts/screenshots/admin-webhooks-*."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hall.webhooks.conftest import SECRET, command
from tests.hall.webhooks.receiver import Receiver
from tests.support.browser import Pages, screenshot, switch_language, text_of, wait_for_text
from tests.support.server import ADMIN_TOKEN, ServerProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.anyio

DESK: dict[str, Any] = {"width": 1366, "height": 768}
PHONE: dict[str, Any] = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
REFUSED = "the server responded with a status of 4"
"""Browsers log every refused request; the page expects one here (a short secret)."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


async def webhooks_tab(pages: Pages, hall: str, viewport: Any) -> Any:
    page = await pages.open(f"/admin#admin={ADMIN_TOKEN}", hall, None, viewport=viewport)
    await page.wait_for_selector("#desk:not([hidden])")
    await page.select_option("#hall-pick", hall)
    await page.wait_for_function("() => !document.querySelector('#tab-webhooks').disabled")
    await page.click("#tab-webhooks")
    await page.wait_for_selector("#panel-webhooks:not([hidden])")
    return page


async def fill(page: Any, webhook: str, url: str, events: str, secret: str) -> None:
    await page.fill("#webhook-id", webhook)
    await page.fill("#webhook-url", url)
    await page.fill("#webhook-events", events)
    await page.fill("#webhook-secret", secret)
    await page.click("#webhook-save")


async def shots(page: Any, name: str, zh: str, en: str) -> None:
    for lang, text in (("zh-CN", zh), ("en", en)):
        await switch_language(page, lang)
        await wait_for_text(page, "#webhooks-list", text)
        await screenshot(page, name, lang)
    await switch_language(page, "zh-CN")


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
async def test_a_webhook_added_watched_and_deleted_on_the_page(
    pages: Pages,
    server: ServerProcess,
    hall: str,
    receiver: Receiver,
    viewport: dict[str, Any],
) -> None:
    receiver.fail_first = 1
    page = await webhooks_tab(pages, hall, viewport)
    await wait_for_text(page, "#webhooks-list", "还没有推送地址")

    await fill(page, "sms", receiver.url, "ticket.issued, rating", "short")
    await wait_for_text(page, "[data-path='secret'] .field-error", "16")
    assert await text_of(page, "#webhooks-list") == "还没有推送地址"

    await page.fill("#webhook-secret", SECRET)
    await page.click("#webhook-save")
    await wait_for_text(page, "#webhooks-list", "sms")
    assert await page.input_value("#webhook-secret") == ""
    item = await text_of(page, "#webhooks-list")
    assert receiver.url in item and "ticket.issued" in item and "rating" in item
    assert "尚未推送" in item and SECRET not in await page.content()

    command(server, hall, "issue_ticket", service="social")
    await eventually(lambda: len(receiver.delivered()) == 1)
    await page.click(".webhook-deliveries")
    await wait_for_text(page, ".admin-webhook-attempts", "第 2 次")
    attempts = await text_of(page, ".admin-webhook-attempts")
    assert "ticket.issued" in attempts and "200" in attempts and "· 503 ·" in attempts
    assert "最近一次：成功（200）" in await text_of(page, ".admin-webhook-last")
    name = "admin-webhooks" if viewport is DESK else "admin-webhooks-phone"
    await shots(page, name, "第 2 次", "attempt 2")

    await page.click(".webhook-delete")
    await page.click("#confirm-ok")
    await wait_for_text(page, "#webhooks-list", "还没有推送地址")
    with server.admin() as admin:
        assert admin.get(f"/api/halls/{hall}/webhooks").json() == {"webhooks": []}
    assert [m for m in pages.messages() if REFUSED not in m] == []
