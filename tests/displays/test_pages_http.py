"""The device pages over HTTP: routes, headers, static files, the translation table, QR codes.

Halls' screens have no internet: no page or asset may reference anything outside the server.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from displays import i18n
from displays.pages import json_block, page_routes, translation_bundle
from queueing import events as ev
from queueing import model

PAGES = {
    "/kiosk": "kiosk.js",
    "/t/Zq3xY9_kLm2-Pw8rT5vN1sA7bC4dE6fG": "tracker.js",
    "/book/demo": "book.js",
}
DISPLAYS = Path(str(resources.files("displays")))
STATIC = DISPLAYS / "static"
TEMPLATES = DISPLAYS / "templates"


pytestmark = pytest.mark.anyio
APP = Starlette(routes=page_routes())


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as test_client:
        yield test_client


class _Links(HTMLParser):
    """Every URL an HTML document would load or link to, and its JSON data blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.blocks: dict[str, str] = {}
        self._block: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "poster") and v]
        if tag == "script" and values.get("type") == "application/json":
            self._block = values.get("id") or ""

    def handle_data(self, data: str) -> None:
        if self._block is not None:
            self.blocks[self._block] = self.blocks.get(self._block, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._block = None


def parse(html: str) -> _Links:
    links = _Links()
    links.feed(html)
    return links


def static_files() -> list[Path]:
    return sorted(p for p in STATIC.iterdir() if p.suffix in (".js", ".css"))


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "script"), PAGES.items())
async def test_each_page_loads_its_script_under_a_same_origin_policy(
    client: httpx.AsyncClient, path: str, script: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"
    links = parse(response.text)
    assert f"/static/{script}" in links.urls and "/static/hall.css" in links.urls
    assert '<html lang="zh-CN">' in response.text
    assert "hall-banner" in response.text  # the connection banner is on every page


async def test_pages_hand_their_path_parameters_to_their_script(client: httpx.AsyncClient) -> None:
    tracker = json.loads(
        parse((await client.get("/t/Zq3xY9_kLm2-Pw8rT5vN1sA7bC4dE6fG")).text).blocks[
            "hall-settings"
        ]
    )
    assert tracker == {"page": "tracker", "track": "Zq3xY9_kLm2-Pw8rT5vN1sA7bC4dE6fG"}
    book = json.loads(parse((await client.get("/book/demo")).text).blocks["hall-settings"])
    assert book == {"page": "book", "hall": "demo"}
    kiosk = json.loads(parse((await client.get("/kiosk")).text).blocks["hall-settings"])
    assert kiosk["page"] == "kiosk" and "kiosk" in kiosk["kinds"]


@pytest.mark.parametrize("path", ["/book/no%20such%20hall", "/t/not.a.token", "/book/x%3Cy"])
async def test_malformed_path_parameters_are_not_found(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["ok"] is False


def test_json_data_blocks_cannot_close_their_script_element() -> None:
    text = str(json_block({"name": "</script><script>alert(1)</script> & more"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & more"}


# --- nothing from outside the server ---------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
async def test_pages_reference_only_this_server(client: httpx.AsyncClient, path: str) -> None:
    links = parse((await client.get(path)).text)
    assert links.urls
    for url in links.urls:
        assert url.startswith("/") and not url.startswith("//") or url.startswith("data:"), url


@pytest.mark.parametrize("asset", static_files(), ids=lambda p: p.name)
def test_static_assets_load_nothing_from_outside(asset: Path) -> None:
    text = asset.read_text(encoding="utf-8")
    assert not re.search(r"https?://", text), asset.name
    if asset.suffix == ".css":
        assert "@import" not in text and "@font-face" not in text
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert url.startswith(("/", "data:")), url
    if asset.suffix == ".js":
        for module in re.findall(r"\bfrom\s+['\"]([^'\"]+)['\"]", text):
            assert module.startswith("./"), module
        assert 'fetch("http' not in text and 'new WebSocket("' not in text


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_load_nothing_from_outside(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"https?://|\bsrc=\"//|\bhref=\"//", text), template.name
    assert "<script>" not in text and "style=" not in text  # nothing the policy would block


@pytest.mark.parametrize("asset", static_files(), ids=lambda p: p.name)
async def test_static_files_are_served_with_their_type_and_revalidated(
    client: httpx.AsyncClient, asset: Path
) -> None:
    response = await client.get(f"/static/{asset.name}")
    assert response.status_code == 200
    expected = "javascript" if asset.suffix == ".js" else "text/css"
    assert expected in response.headers["content-type"]
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == asset.read_bytes()


# --- one translation table -------------------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
async def test_the_translation_table_is_served_whole_in_each_language(
    client: httpx.AsyncClient, lang: str
) -> None:
    response = await client.get(f"/i18n/{lang}.json")
    assert response.status_code == 200
    table = response.json()
    assert set(table) == set(i18n.TABLE)
    assert table["error.hall_closed"] == i18n.explain("hall_closed", lang)


async def test_a_language_the_table_lacks_is_not_found(client: httpx.AsyncClient) -> None:
    assert (await client.get("/i18n/fr.json")).status_code == 404


async def test_pages_embed_the_same_table_in_every_language(client: httpx.AsyncClient) -> None:
    embedded = json.loads(parse((await client.get("/kiosk")).text).blocks["hall-i18n"])
    assert embedded == translation_bundle()
    assert embedded["default"] == "zh-CN" and embedded["languages"] == ["zh-CN", "en"]
    assert embedded["strings"]["zh-CN"]["error.hall_closed"] == "该事项今日已停止取号"


def _keys_used_by_pages() -> set[str]:
    """i18n keys named in templates (t("..."), data-i18n*="...") and quoted in scripts and in
    the page definitions."""
    prefixes = "|".join(sorted({key.split(".")[0] for key in i18n.TABLE}))
    found: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        found |= set(re.findall(r"\bt\(\s*['\"]([\w.]+)['\"]", text))
        found |= set(re.findall(r"data-i18n(?:-[\w-]+)?=\"([\w.]+)\"", text))
    for script in [*STATIC.glob("*.js"), DISPLAYS / "pages.py"]:
        text = script.read_text(encoding="utf-8")
        found |= set(re.findall(rf"[\"']((?:{prefixes})\.[a-z_][\w.]*)[\"']", text))
    events = {event.name for event in typing.get_args(ev.Event)}  # "ticket.called" is an event
    return {k for k in found if k not in events and not k.endswith((".html", ".js", ".css"))}


def test_every_text_the_pages_name_is_in_the_table_in_both_languages() -> None:
    used = _keys_used_by_pages()
    assert {"kiosk.title", "tracker.go_to", "book.submit", "conn.offline"} <= used
    missing = sorted(key for key in used if key not in i18n.TABLE)
    assert missing == []
    for key in used:
        assert all(i18n.TABLE[key].get(lang, "").strip() for lang in i18n.LANGUAGES), key


@pytest.mark.parametrize(
    "family",
    [
        [f"green.{c}" for c in i18n.GREEN_CATEGORIES],
        [f"priority.{p}" for p in model.PRIORITIES],
        [f"book.state.{s}" for s in (model.BOOKED, model.CHECKED_IN, model.NO_SHOW, "cancelled")],
        [f"ticket.state.{s}" for s in (model.WAITING, model.CALLED, model.SERVING)],
    ],
)
def test_texts_the_pages_build_from_a_value_exist_for_every_value(family: list[str]) -> None:
    assert all(key in i18n.TABLE for key in family), family


# --- QR codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "http://testserver/t/Zq3xY9_kLm2-Pw8rT5vN1sA7bC4dE6fG",
        "http://testserver/book/demo",
        "12345678",
        "A023",
    ],
)
async def test_qr_codes_of_this_servers_links_and_short_codes(
    client: httpx.AsyncClient, data: str
) -> None:
    response = await client.get("/qr.svg", params={"data": data})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg") and "viewBox" in response.text


async def test_a_qr_code_depends_on_its_data(client: httpx.AsyncClient) -> None:
    first = (await client.get("/qr.svg", params={"data": "12345678"})).text
    again = (await client.get("/qr.svg", params={"data": "12345678"})).text
    other = (await client.get("/qr.svg", params={"data": "12345679"})).text
    assert first == again and first != other


@pytest.mark.parametrize(
    "data",
    [
        "",
        "http://evil.example/t/Zq3xY9_kLm2-Pw8rT5vN1sA7bC4dE6fG",
        "https://testserver.evil.example/book/demo",
        "http://testserver/kiosk",
        "http://testserver/t/Zq3xY9_kLm2-Pw8rT5vN1sA7bC4dE6fG?next=http://evil.example",
        "http://testserver/book/demo#token=x",
        "javascript:alert(1)",
        "www.evil.example",
        "x" * 41,
    ],
)
async def test_qr_codes_refuse_other_sites_and_long_texts(
    client: httpx.AsyncClient, data: str
) -> None:
    response = await client.get("/qr.svg", params={"data": data})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
