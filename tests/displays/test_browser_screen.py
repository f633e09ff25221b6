"""The hall call screen in a real headless Chromium against a real server: the grid of the
current call at each window fits 3 to 30 windows on a 1366x768, 1920x1080 and 3840x2160 screen
with nothing clipped; the announced call is lit; a recall is announced before the calls waiting;
a call stays in its cell at least the link's minimum time; the notice band; the language button
only where the link asks for it.

Screenshots of every size in both languages land in test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.displays.screen_probe import (
    LAYOUT_PROBLEMS,
    NUMBER_SIZE,
    open_screen,
    probe,
    rendered,
    spoken,
)
from tests.support.browser import Pages, screenshot, switch_language, wait_for_text
from tests.support.device import Device
from tests.support.server import ServerProcess, new_hall, signed_in_tablet, small_hall

pytestmark = pytest.mark.anyio

SIZES: dict[str, dict[str, Any]] = {
    "1366x768": {"width": 1366, "height": 768},
    "1920x1080": {"width": 1920, "height": 1080},
    "3840x2160": {"width": 3840, "height": 2160},
}
TV = SIZES["1920x1080"]
LONG_NAMES = {"7": "不动产登记综合窗口", "12": "公积金提取", "25": "企业开办一窗通办"}
"""Window names longer than "N号窗口", as halls name them."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"  # one event loop for the module, so one browser serves every test


def hall_of(server: ServerProcess, windows: int, **rules: Any) -> str:
    """A new hall with `windows` windows, some of them with long names."""
    hall = new_hall(server, windows=windows, **rules)
    document = small_hall(hall, windows=windows, **rules)
    for window in document["windows"]:
        window["name"] = LONG_NAMES.get(window["id"], window["name"])
    with server.admin() as client:
        assert client.put(f"/api/halls/{hall}", json=document).status_code == 200
    return hall


async def call_at_every_window(tablet: Device, windows: int) -> list[dict[str, Any]]:
    """Open every window and call one ticket at each, window 1 first."""
    calls = []
    for window in range(1, windows + 1):
        await tablet.ok("open_window", {"window": str(window)})
        await tablet.ok("issue_ticket", {"service": "social"})
    for window in range(1, windows + 1):
        calls.append((await tablet.ok("call_next", {"window": str(window)}))["ticket"])
    return calls


async def spoken_texts(page: Any) -> list[str]:
    return [utterance["text"] for utterance in (await probe(page))["utterances"]]


async def until_spoken(page: Any, count: int) -> None:
    """Until the page has started its `count`th utterance."""
    await page.wait_for_function(
        "count => window.screenProbe.utterances.length >= count", arg=count
    )


async def end_speech(page: Any) -> None:
    """End the utterance being spoken (the stand-in synthesiser waits for the test)."""
    assert await page.evaluate("() => window.fakeSpeech.end()")


@pytest.mark.parametrize("windows", [3, 10, 20, 30])
async def test_the_grid_shows_every_window_call_whole_at_every_screen_size(
    server: ServerProcess, pages: Pages, windows: int
) -> None:
    hall = hall_of(server, windows)
    tablet, _ = await signed_in_tablet(server, hall)
    calls = await call_at_every_window(tablet, windows)
    await tablet.ok("broadcast", {"text": "系统升级，今天下午社保业务暂停办理，请谅解"})
    screen = await open_screen(pages, hall, viewport=TV, speech_ms=None)
    await screen.wait_for_function(
        "count => document.querySelectorAll('.call-cell').length === count", arg=windows
    )
    await tablet.ok("recall", {"window": "1"})  # lit while it is announced
    await screen.wait_for_selector(".call-cell.speaking[data-window='1']", timeout=20_000)
    await wait_for_text(screen, "#now-label", "^再次呼叫$")
    await wait_for_text(screen, "#ticker-label", "^通知$")
    await wait_for_text(screen, "#ticker-text", "今天下午社保业务暂停办理")
    shown = await screen.eval_on_selector_all(
        ".call-cell", "cells => cells.map(c => c.dataset.number)"
    )
    assert sorted(shown) == sorted(call["number"] for call in calls)
    rows = min(10, windows)
    assert await screen.locator(".recent-row").count() == rows

    sizes = {}
    for size, viewport in SIZES.items():
        await screen.set_viewport_size(viewport)
        for lang in ("zh-CN", "en"):
            await switch_language(screen, lang)
            await rendered(screen)
            await screenshot(screen, f"screen-grid-{windows}-{size}", lang)
            assert await screen.evaluate(LAYOUT_PROBLEMS) == [], (size, lang)
        sizes[size] = await screen.evaluate(NUMBER_SIZE)
        await switch_language(screen, "zh-CN")
    # The numbers grow with the screen, and stay legible across a hall on the smallest one.
    assert sizes["1366x768"] < sizes["1920x1080"] < sizes["3840x2160"]
    assert sizes["1366x768"] >= 28, sizes
    print(windows, sizes)
    assert await screen.is_hidden("[data-lang-switch]")
    await tablet.close()
    assert pages.messages() == []


async def test_fewer_windows_get_larger_numbers(server: ServerProcess, pages: Pages) -> None:
    sizes = []
    for windows in (3, 10, 30):
        hall = hall_of(server, windows)
        tablet, _ = await signed_in_tablet(server, hall)
        await call_at_every_window(tablet, windows)
        await tablet.close()
        screen = await open_screen(pages, hall, viewport=TV, speech_ms=None)
        await screen.wait_for_function(
            "count => document.querySelectorAll('.call-cell').length === count", arg=windows
        )
        await rendered(screen)
        sizes.append(await screen.evaluate(NUMBER_SIZE))
    assert sizes[0] > sizes[1] > sizes[2], sizes
    assert pages.messages() == []


async def test_a_recall_is_announced_before_the_calls_waiting(
    server: ServerProcess, pages: Pages
) -> None:
    hall = hall_of(server, 4, announce_repeat=1)
    tablet, _ = await signed_in_tablet(server, hall)
    for window in "1234":
        await tablet.ok("open_window", {"window": window})
        await tablet.ok("issue_ticket", {"service": "social"})
    screen = await open_screen(pages, hall, "?min_seconds=1", viewport=TV, speech_ms=None)
    await screen.wait_for_selector("#waiting [data-queue='A']")

    await tablet.ok("call_next", {"window": "1"})  # A001, announced at once
    await until_spoken(screen, 1)
    await end_speech(screen)
    for window in "234":  # A002 is announced; A003 and A004 wait
        await tablet.ok("call_next", {"window": window})
    await until_spoken(screen, 2)
    await screen.wait_for_function("() => window.hallVoice.pending.length === 2")
    lit = (await probe(screen))["utterances"][1]["lit"]
    assert [await screen.get_attribute(f".call-cell[data-call='{lit[0]}']", "data-window")] == ["2"]
    await wait_for_text(screen, "#now-number", "^A002$")

    await tablet.ok("recall", {"window": "1"})  # the citizen of A001 is still not there
    await screen.wait_for_function("() => window.hallVoice.pending.length === 3")
    waiting = await screen.evaluate("() => window.hallVoice.pending.map(i => [i.number, i.recall])")
    assert waiting == [["A001", True], ["A003", False], ["A004", False]]
    for count in (3, 4, 5):
        await end_speech(screen)
        await until_spoken(screen, count)
        if count == 3:
            await wait_for_text(screen, "#now-label", "^再次呼叫$")
            await wait_for_text(screen, "#now-number", "^A001$")
            await screen.wait_for_selector(".call-cell.recall.speaking[data-window='1']")
    await end_speech(screen)
    assert await spoken_texts(screen) == [
        spoken("A001", "1号窗口"),
        spoken("A002", "2号窗口"),
        spoken("A001", "1号窗口", recall=True),
        spoken("A003", "3号窗口"),
        spoken("A004", "4号窗口"),
    ]
    assert (await probe(screen))["overlaps"] == 0
    await tablet.close()
    assert pages.messages() == []


async def test_a_call_stays_in_its_cell_the_minimum_time_then_the_next_shows(
    server: ServerProcess, pages: Pages
) -> None:
    """A window that calls again at once (a no-show, then the next ticket) shows the first
    call for the link's `min_seconds` before the second replaces it; no call is skipped."""
    hall = hall_of(server, 3, announce_repeat=1)
    tablet, _ = await signed_in_tablet(server, hall)
    await tablet.ok("open_window", {"window": "1"})
    for _ in range(3):
        await tablet.ok("issue_ticket", {"service": "social"})
    screen = await open_screen(pages, hall, "?min_seconds=2", viewport=TV, speech_ms=50)
    await screen.wait_for_selector("#waiting [data-queue='A']")

    for _ in range(2):
        await tablet.ok("call_next", {"window": "1"})
        await tablet.ok("no_show", {"window": "1"})
    third = await tablet.ok("call_next", {"window": "1"})
    await screen.wait_for_selector(f".call-cell[data-number='{third['ticket']['number']}']")
    cells = sorted((await probe(screen))["cells"].values(), key=lambda cell: cell["shown"])
    assert [cell["number"] for cell in cells] == ["A001", "A002", "A003"]
    for cell in cells[:2]:
        assert cell["hidden"] - cell["shown"] >= 2000 - 5, cells
    assert cells[2]["hidden"] is None
    await tablet.close()
    assert pages.messages() == []


async def test_a_cell_empties_when_its_window_parks_and_shows_the_ticket_again_unannounced(
    server: ServerProcess, pages: Pages
) -> None:
    hall = hall_of(server, 3, announce_repeat=1)
    tablet, _ = await signed_in_tablet(server, hall)
    await tablet.ok("open_window", {"window": "1"})
    await tablet.ok("issue_ticket", {"service": "social"})
    screen = await open_screen(pages, hall, "?min_seconds=0", viewport=TV, speech_ms=50)
    await screen.wait_for_selector("#waiting [data-queue='A']")

    await tablet.ok("call_next", {"window": "1"})
    await tablet.ok("start", {"window": "1"})
    await screen.wait_for_selector(".call-cell[data-window='1'][data-number='A001']")
    await tablet.ok("park", {"window": "1"})  # 容缺: the citizen fetches a missing paper
    await screen.wait_for_selector("#call-board-empty", state="visible")
    assert await screen.locator(".call-cell").count() == 0
    await tablet.ok("unpark", {"window": "1"})
    await screen.wait_for_selector(".call-cell[data-window='1'][data-number='A001']")
    await screen.wait_for_function("() => !window.hallVoice.busy")
    assert await spoken_texts(screen) == [spoken("A001", "1号窗口")]
    await tablet.close()
    assert pages.messages() == []


async def test_the_language_follows_the_link_and_the_button_shows_only_when_asked(
    server: ServerProcess, pages: Pages
) -> None:
    hall = hall_of(server, 3)
    plain = await open_screen(pages, hall, viewport=TV, speech_ms=None)
    await plain.wait_for_selector("#waiting [data-queue='A']")
    assert await plain.is_hidden("[data-lang-switch]")

    english = await open_screen(pages, hall, "?lang=en", viewport=TV, speech_ms=None)
    await wait_for_text(english, ".now-empty", "No calls yet")
    await wait_for_text(english, ".page-title", "^Now calling$")
    assert await english.is_hidden("[data-lang-switch]")

    asked = await open_screen(pages, hall, "?lang_button=1", viewport=TV, speech_ms=None)
    await asked.wait_for_selector("[data-lang-switch]", state="visible")
    await asked.click("[data-lang-switch]")
    await wait_for_text(asked, ".now-empty", "No calls yet")
    await screenshot(asked, "screen-lang-button", "en")
    assert pages.messages() == []
