"""The front door `/` and the documents `/docs` over HTTP, on the page routes alone: what the
front door lists with and without halls, the repository's documents rendered (tables, links
between documents, anchors, HTML shown as text), and nothing outside `docs/` served."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from displays import i18n
from displays.docs_pages import DOCS_DIR, DocsLibrary, docs_routes, slug
from displays.pages import HallSummary, page_routes

pytestmark = pytest.mark.anyio

DEVICE_PAGES = ["/kiosk", "/clerk", "/screen", "/window", "/pad", "/tablet", "/guide", "/office"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


class _Page(HTMLParser):
    """The links, images, ids and inline styles of a page, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.styled: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self._in_script = tag == "script"
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "img" and values.get("src"):
            self.images.append(str(values["src"]))
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if "style" in values:
            self.styled.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:  # the embedded translation table is no text of the page
            self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def app(halls: Sequence[HallSummary] = (), docs: Path = DOCS_DIR) -> Starlette:
    def listed(request: Request) -> Sequence[HallSummary]:
        return halls

    return Starlette(routes=[*page_routes(halls=listed), *docs_routes(DocsLibrary(docs))])


async def client_of(application: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    halls = [HallSummary("demo", "演示政务服务中心"), HallSummary("east", "东区<分中心>")]
    async for found in client_of(app(halls)):
        yield found


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A documents directory of the test's own, with a file next to it that must stay unread."""
    (tmp_path / "secret.md").write_text("# Secret\n\nnot to be served\n", encoding="utf-8")
    directory = tmp_path / "docs"
    (directory / "screenshots").mkdir(parents=True)
    (directory / "screenshots" / "kiosk-menu-zh-CN.png").write_bytes(PNG)
    (directory / "guide.md").write_text(
        "# The `guide`\n\n"
        "See [the protocol](protocol.md), [its limits](./protocol.md#frame-limits), "
        "[the top](#the-guide), [the source](../hall/server/app.py), "
        "[a site](https://example.org/x) and [outside](../secret.md).\n\n"
        "<script>alert(1)</script> <b>bold?</b>\n\n"
        "| kind | count |\n|:---|---:|\n| kiosk | 3 |\n\n"
        "![the kiosk](screenshots/kiosk-menu-zh-CN.png) ![elsewhere](../logo.png)\n\n"
        "## Frame limits\n\n## Frame limits\n",
        encoding="utf-8",
    )
    (directory / "protocol.md").write_text("# Protocol\n\n## Frame limits\n", encoding="utf-8")
    (directory / "Upper.md").write_text("# Not servable\n", encoding="utf-8")
    return directory


@pytest.fixture
async def docs_client(docs: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for found in client_of(app(docs=docs)):
        yield found


# --- the front door --------------------------------------------------------------------------


async def test_the_front_door_lists_the_halls_and_links_every_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page = parse(response.text)
    assert "/static/home.js" in response.text and '<html lang="zh-CN">' in response.text
    for path in [*DEVICE_PAGES, "/admin", "/docs", "/openapi.json", "/book/demo", "/book/east"]:
        assert path in page.links, path
    assert all(link.startswith("/") and not link.startswith("//") for link in page.links)
    text = " ".join(page.text)
    assert "演示政务服务中心" in text and "demo" in text
    assert "东区<分中心>" in text and "东区<分中心>" not in response.text  # escaped
    assert text.count(i18n.t("home.needs_pairing")) == len(DEVICE_PAGES)
    assert i18n.t("home.page.pad.about") in text
    assert "home-no-hall" not in page.ids


async def test_without_a_hall_the_front_door_says_how_to_create_one() -> None:
    async for client in client_of(app()):
        response = await client.get("/")
    assert response.status_code == 200
    page = parse(response.text)
    text = " ".join(page.text)
    assert "home-no-hall" in page.ids
    assert "hall serve --hall-config FILE" in text and "hall serve --demo" in text
    assert i18n.t("home.no_hall") in text and "/admin" in page.links
    assert not [link for link in page.links if link.startswith("/book/")]


# --- the documents ---------------------------------------------------------------------------


async def test_the_documents_are_listed_with_their_first_heading(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    page = parse(response.text)
    names = sorted(p.stem for p in DOCS_DIR.glob("*.md"))
    assert [link for link in page.links if link.startswith("/docs/")] == [
        f"/docs/{name}" for name in names
    ]
    text = " ".join(page.text)
    assert "hall device protocol, version 1 — full reference" in text
    assert "Security" in text and "Architecture" in text


async def test_the_protocol_is_rendered_with_its_tables(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs/protocol")
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.text.count("<table>") >= 5
    page = parse(response.text)
    assert page.styled == []  # aligned cells by class: the policy forbids inline styles
    assert "devices-and-staff-admin-token" in page.ids  # "### Devices and staff (admin token)"
    assert "Close codes the server uses:" in " ".join(page.text)


async def test_links_between_documents_work_under_docs(docs_client: httpx.AsyncClient) -> None:
    response = await docs_client.get("/docs/guide")
    assert response.status_code == 200
    page = parse(response.text)
    assert page.links[:2] == ["/", "/docs"]  # the navigation
    assert page.links[2:] == [
        "/docs/protocol",
        "/docs/protocol#frame-limits",
        "#the-guide",
        "https://example.org/x",
    ]  # the source file and the file outside docs/ are left as text
    text = " ".join(page.text)
    assert "the source" in text and "outside" in text
    assert {"the-guide", "frame-limits", "frame-limits-1"} <= set(page.ids)
    assert page.images == ["/docs/screenshots/kiosk-menu-zh-CN.png"]
    assert "elsewhere" in text
    assert 'class="align-right"' in response.text and page.styled == []
    target = await docs_client.get("/docs/protocol")
    assert "frame-limits" in parse(target.text).ids


async def test_html_in_a_document_is_shown_as_text(docs_client: httpx.AsyncClient) -> None:
    response = await docs_client.get("/docs/guide")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<b>" not in response.text and "&lt;b&gt;bold?&lt;/b&gt;" in response.text


async def test_screenshots_are_served(docs_client: httpx.AsyncClient) -> None:
    response = await docs_client.get("/docs/screenshots/kiosk-menu-zh-CN.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png" and response.content == PNG


@pytest.mark.parametrize(
    "path",
    [
        "/docs/secret",
        "/docs/..%2Fsecret",
        "/docs/%2E%2E%2Fsecret",
        "/docs/../secret",
        "/docs/guide.md",
        "/docs/Upper",
        "/docs/upper",
        "/docs/.guide",
        "/docs/guide%00",
        "/docs/screenshots/..%2F..%2Fsecret.md",
        "/docs/screenshots/../guide.md",
        "/docs/screenshots/kiosk-menu-zh-CN.svg",
        "/docs/screenshots/missing.png",
    ],
)
async def test_nothing_outside_the_documents_is_served(
    docs_client: httpx.AsyncClient, path: str
) -> None:
    response = await docs_client.get(path)
    assert response.status_code == 404
    assert "not to be served" not in response.text and "Not servable" not in response.text


async def test_the_index_lists_only_servable_names(docs_client: httpx.AsyncClient) -> None:
    page = parse((await docs_client.get("/docs")).text)
    assert [link for link in page.links if link.startswith("/docs/")] == [
        "/docs/guide",
        "/docs/protocol",
    ]
    response = await docs_client.get("/docs")
    assert "The <code>guide</code>" in response.text  # the heading's inline Markdown, rendered


async def test_without_a_docs_directory_docs_says_so(tmp_path: Path) -> None:
    async for client in client_of(app(docs=tmp_path / "nowhere")):
        index = await client.get("/docs")
        document = await client.get("/docs/protocol")
    for response in (index, document):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert i18n.t("docs.missing") in response.text


async def test_an_unknown_document_is_a_page_that_says_so(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs/nothing-here")
    assert response.status_code == 404
    assert i18n.t("docs.not_found") in response.text
    assert "/docs/protocol" in parse(response.text).links  # the index, to pick another


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Devices and staff (admin token)", "devices-and-staff-admin-token"),
        ("`hall demo`: the demo hall", "hall-demo-the-demo-hall"),
        ("Close codes — 4401", "close-codes--4401"),
        ("网上预约 booking", "网上预约-booking"),
    ],
)
def test_headings_get_the_anchors_github_gives_them(heading: str, anchor: str) -> None:
    assert slug(heading.replace("`", "")) == anchor
