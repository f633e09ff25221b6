"""The repository's documents (`docs/*.md`) as pages of the server: `/docs` lists them with their
first heading, `/docs/{name}` renders one, `/docs/screenshots/{file}.png` serves their images.

Markdown is rendered with markdown-it-py (CommonMark and tables); HTML in a document is shown
as text, never passed through. Links between documents (`protocol.md`, `./security.md#x`) point
under `/docs`, headings get GitHub-style ids so their anchors work, images under `screenshots/`
are served; any other relative link or image (a source file, the README) is dropped, keeping
its text. Only documents named by lowercase letters, digits and `-` (and images by letters,
digits and `-`) are served: nothing outside the directory can be named.

The directory is `docs/` next to the packages, as in a source checkout and the editable install
the README uses; without it, `/docs` says so (404).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from displays.pages import Page, PageRenderer

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
DOCS_PAGE = Page("docs", "docs.html", "home.js", "docs.title")

_NAME = re.compile(r"[a-z0-9-]+")
_DOC_LINK = re.compile(r"(?:\./)?(?P<name>[a-z0-9-]+)\.md")
_IMAGE_LINK = re.compile(r"(?:\./)?screenshots/(?P<file>[A-Za-z0-9-]+\.png)")
_IMAGE_FILE = re.compile(r"[A-Za-z0-9-]+\.png")
_SCHEME = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_ALIGN = re.compile(r"^text-align:(left|right|center)$")


@dataclass(frozen=True, slots=True)
class Document:
    """A document of the index: its name (the file's, without `.md`) and first heading."""

    name: str
    title: Markup


class DocsLibrary:
    """The documents of one directory, read at each request (they are few and small)."""

    def __init__(self, directory: Path = DOCS_DIR) -> None:
        self.directory = directory
        self.markdown = _markdown()

    @property
    def present(self) -> bool:
        return self.directory.is_dir()

    def documents(self) -> list[Document]:
        """Every servable document, by name."""
        if not self.present:
            return []
        found = []
        for path in sorted(self.directory.glob("*.md")):
            if _NAME.fullmatch(path.stem):
                title = _first_heading(path.read_text(encoding="utf-8")) or path.stem
                found.append(Document(path.stem, Markup(self.markdown.renderInline(title))))
        return found

    def render(self, name: str) -> Markup | None:
        """A document as HTML; None for a name that is not a document here."""
        path = self._path(name, ".md")
        if path is None:
            return None
        return Markup(self.markdown.render(path.read_text(encoding="utf-8")))

    def image(self, file: str) -> Path | None:
        """An image under `screenshots/`; None for anything else."""
        if not _IMAGE_FILE.fullmatch(file):
            return None
        path = self.directory / "screenshots" / file
        return path if path.is_file() else None

    def _path(self, name: str, suffix: str) -> Path | None:
        if not _NAME.fullmatch(name):
            return None
        path = self.directory / f"{name}{suffix}"
        return path if path.is_file() else None


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


# --- Markdown -------------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.core.ruler.push("hall_headings", _heading_ids)
    md.core.ruler.push("hall_links", _local_links)
    md.core.ruler.push("hall_alignment", _alignment_classes)
    return md


def slug(text: str) -> str:
    """A heading's anchor as GitHub writes it: lowercase, punctuation dropped, spaces to '-'."""
    kept = "".join(
        char
        for char in text.strip().lower()
        if char in " -_" or unicodedata.category(char)[0] in "LN"
    )
    return kept.replace(" ", "-")


def _heading_ids(state: StateCore) -> None:
    seen: Counter[str] = Counter()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        text = "".join(child.content for child in inline.children or [])
        base = slug(text) or "section"
        anchor = base if not seen[base] else f"{base}-{seen[base]}"
        seen[base] += 1
        token.attrSet("id", anchor)


def _local_links(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _rewritten(token.children)


def _rewritten(children: list[Token]) -> list[Token]:
    """Links and images pointed under /docs; those that cannot be are left as their text."""
    out: list[Token] = []
    dropped = False
    for child in children:
        if child.type == "link_open":
            href = _link_target(str(child.attrGet("href") or ""))
            dropped = href is None
            if dropped:
                continue
            child.attrSet("href", href or "")
            if _SCHEME.match(href or ""):
                child.attrSet("rel", "noopener noreferrer")
        elif child.type == "link_close" and dropped:
            dropped = False
            continue
        elif child.type == "image":
            source = _IMAGE_LINK.fullmatch(str(child.attrGet("src") or ""))
            if source is None:
                text = Token("text", "", 0)
                text.content = child.content
                child = text
            else:
                child.attrSet("src", f"/docs/screenshots/{source['file']}")
        out.append(child)
    return out


def _link_target(href: str) -> str | None:
    """Where a document's link points on this server; None for a link that cannot be followed
    here (a relative link outside the documents)."""
    if href.startswith("#") or _SCHEME.match(href):
        return href
    path, _, fragment = href.partition("#")
    anchor = f"#{fragment}" if fragment else ""
    if (document := _DOC_LINK.fullmatch(path)) is not None:
        return f"/docs/{document['name']}{anchor}"
    if (image := _IMAGE_LINK.fullmatch(path)) is not None:
        return f"/docs/screenshots/{image['file']}"
    return None


def _alignment_classes(state: StateCore) -> None:
    """Table cells aligned by class, not by a `style` attribute (the pages' policy forbids
    inline styles)."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if style is None:
                continue
            token.attrs.pop("style", None)
            align = _ALIGN.match(str(style))
            if align is not None:
                token.attrSet("class", f"align-{align[1]}")


# --- routes ---------------------------------------------------------------------------------


def docs_routes(library: DocsLibrary | None = None) -> list[BaseRoute]:
    """`/docs`, `/docs/{name}` and `/docs/screenshots/{file}`."""
    docs = library if library is not None else DocsLibrary()
    renderer = PageRenderer()

    def page(status: int = 200, **context: Any) -> Response:
        return renderer.render(DOCS_PAGE, status=status, context=context)

    async def index(request: Request) -> Response:
        if not docs.present:
            return page(404, message="docs.missing")
        return page(documents=docs.documents())

    async def document(request: Request) -> Response:
        if not docs.present:
            return page(404, message="docs.missing")
        article = docs.render(request.path_params["name"])
        if article is None:
            return page(404, message="docs.not_found", documents=docs.documents())
        return page(article=article)

    async def image(request: Request) -> Response:
        path = docs.image(request.path_params["file"])
        if path is None:
            return page(404, message="docs.not_found")
        return FileResponse(
            path, media_type="image/png", headers={"X-Content-Type-Options": "nosniff"}
        )

    return [
        Route("/docs", index, methods=["GET"]),
        Route("/docs/{name}", document, methods=["GET"]),
        Route("/docs/screenshots/{file}", image, methods=["GET"]),
    ]
