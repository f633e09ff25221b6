"""The device pages: HTML for the ticket machine, clerk terminal, call screen, window screen,
rating pad, floor manager's tablet, phone tracker and booking page, their static files, the
translation table for scripts, and QR codes of this server's own links.

Every page extends `templates/base.html` and loads one ES module from `static/` (which imports
the shared client `static/hall.js`). Nothing is fetched from outside the server: halls' screens
have no internet, and the content security policy sent with every page enforces it.
`page_routes()` is what the app mounts; a new page is a `Page` (template, script, title) and a
route that renders it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from displays import i18n

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""Pages load and connect to this server only; inline scripts never run (JSON data blocks are
not scripts)."""

_NOSNIFF = {"X-Content-Type-Options": "nosniff"}

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",  # tracker links carry a secret in their path
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}

QR_MAX_TEXT = 40
"""Plain texts (booking codes, ticket numbers) up to this many characters get a QR code."""

_QR_TEXT = re.compile(rf"^[\w-]{{1,{QR_MAX_TEXT}}}$")
_QR_PATHS = (re.compile(r"^/t/[A-Za-z0-9_-]{8,100}$"), re.compile(r"^/book/[A-Za-z0-9_-]{1,32}$"))
_HALL_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_TRACK = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


@dataclass(frozen=True, slots=True)
class Page:
    """One device page: its template, its script module, its title (an i18n key), and the
    settings its script reads (`page` names it; path parameters are added per request)."""

    name: str
    template: str
    script: str
    title: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    style_sources: tuple[str, ...] = ()
    """Sources `style-src` allows besides 'self' on this page."""
    image_sources: tuple[str, ...] = ()
    """Sources `img-src` allows besides 'self' and data: on this page."""

    @property
    def headers(self) -> dict[str, str]:
        if not self.style_sources and not self.image_sources:
            return PAGE_HEADERS
        policy = CONTENT_SECURITY_POLICY
        if self.style_sources:
            styles = " ".join(("style-src 'self'", *self.style_sources))
            policy = policy.replace("style-src 'self'", styles)
        if self.image_sources:
            images = " ".join(("img-src 'self' data:", *self.image_sources))
            policy = policy.replace("img-src 'self' data:", images)
        return {**PAGE_HEADERS, "Content-Security-Policy": policy}


KIOSK_PAGE = Page(
    "kiosk",
    "kiosk.html",
    "kiosk.js",
    "kiosk.title",
    {"kinds": ["kiosk", "tablet"], "persistLanguage": False, "ticketSeconds": 30},
)
TRACKER_PAGE = Page("tracker", "tracker.html", "tracker.js", "tracker.title")
BOOKING_PAGE = Page("book", "book.html", "book.js", "book.title")
CLERK_PAGE = Page("clerk", "clerk.html", "clerk.js", "clerk.title", {"kinds": ["clerk"]})
SCREEN_PAGE = Page(
    "screen",
    "screen.html",
    "screen.js",
    "screen.title",
    {"kinds": ["call_screen"], "recentCalls": 10, "voice": "zh-CN"},
)
WINDOW_PAGE = Page(
    "window", "window.html", "window.js", "window_screen.title", {"kinds": ["window_screen"]}
)
TABLET_PAGE = Page(
    "tablet",
    "tablet.html",
    "tablet.js",
    "tablet.title",
    {"kinds": ["tablet"]},
    # Today's report opens in a tab made from a blob: URL, which keeps this page's policy: the
    # tablet hands the report's own stylesheet over as a blob: URL (only its scripts make them).
    style_sources=("blob:",),
)
PAD_PAGE = Page(
    "pad",
    "pad.html",
    "pad.js",
    "pad.title",
    {"kinds": ["rating_pad"], "thanksSeconds": 8, "persistLanguage": False},
)
GUIDE_PAGE = Page("guide", "guide.html", "guide.js", "guide.title", {"kinds": ["guide"]})
"""导办台: floor guides' phones (help requests from kiosks, 帮办 tickets)."""
OFFICE_PAGE = Page("office", "office.html", "office.js", "office.title", {"kinds": ["office"]})
"""后台审批: a back office's worklist of cases (办件) and its actions."""

ADMIN_PAGE = Page(
    "admin",
    "admin.html",
    "admin.js",
    "admin.title",
    {
        "pairingPaths": {
            "kiosk": "/kiosk",
            "clerk": "/clerk",
            "call_screen": "/screen",
            "window_screen": "/window",
            "rating_pad": "/pad",
            "tablet": "/tablet",
            "guide": "/guide",
            "office": "/office",
        }
    },
    # A pairing link's QR code holds a device token: the server draws it from a POST body
    # (`POST /api/qr`) and the page shows it from a blob: URL, never from a logged address.
    image_sources=("blob:",),
)

HOME_PAGE = Page("home", "home.html", "home.js", "home.title")


@dataclass(frozen=True, slots=True)
class HomeLink:
    """A link of the front door: where to, its name and one line about it (i18n keys)."""

    path: str
    title: str
    about: str


HOME_DEVICE_LINKS = (
    HomeLink("/kiosk", "home.page.kiosk", "home.page.kiosk.about"),
    HomeLink("/clerk", "home.page.clerk", "home.page.clerk.about"),
    HomeLink("/screen", "home.page.screen", "home.page.screen.about"),
    HomeLink("/window", "home.page.window", "home.page.window.about"),
    HomeLink("/pad", "home.page.pad", "home.page.pad.about"),
    HomeLink("/tablet", "home.page.tablet", "home.page.tablet.about"),
    HomeLink("/guide", "home.page.guide", "home.page.guide.about"),
    HomeLink("/office", "home.page.office", "home.page.office.about"),
)
"""The device pages; each needs pairing from the admin page."""
HOME_MORE_LINKS = (
    HomeLink("/admin", "home.admin", "home.admin.about"),
    HomeLink("/docs", "home.docs", "home.docs.about"),
    HomeLink("/openapi.json", "home.openapi", "home.openapi.about"),
)


@dataclass(frozen=True, slots=True)
class HallSummary:
    """A hall as the front door lists it (neither is secret)."""

    id: str
    name: str


def _no_halls(request: Request) -> Sequence[HallSummary]:
    return ()


# --- templates and the translation table -----------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("displays", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = i18n.t
    env.globals["static"] = static_url
    return env


def static_url(name: str) -> str:
    return f"/static/{name}"


def translations(lang: str) -> dict[str, str]:
    """Every entry of the table in one language (zh-CN where an entry lacks it)."""
    return {key: i18n.t(key, lang) for key in i18n.TABLE}


def translation_bundle() -> dict[str, Any]:
    """What pages embed for their scripts: the whole table, in every language."""
    return {
        "default": i18n.DEFAULT_LANGUAGE,
        "languages": list(i18n.LANGUAGES),
        "strings": {lang: translations(lang) for lang in i18n.LANGUAGES},
    }


def json_block(data: Any) -> Markup:
    """JSON safe to place inside `<script type="application/json">`: no `<`, `>` or `&`."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return Markup(text)


class PageRenderer:
    """Renders pages; the translation bundle is serialised once."""

    def __init__(self) -> None:
        self.env = _environment()
        self.i18n_json = json_block(translation_bundle())

    def render(
        self,
        page: Page,
        *,
        status: int = 200,
        context: Mapping[str, Any] | None = None,
        **params: str,
    ) -> HTMLResponse:
        """The page; `params` go to its script's settings and its template, `context` to its
        template only (what the server renders itself)."""
        settings = {"page": page.name, **page.settings, **params}
        html = self.env.get_template(page.template).render(
            page=page,
            lang=i18n.DEFAULT_LANGUAGE,
            i18n_json=self.i18n_json,
            settings_json=json_block(settings),
            **(context or {}),
            **params,
        )
        return HTMLResponse(html, status_code=status, headers=page.headers)


# --- QR codes --------------------------------------------------------------------------------


def qr_allowed(data: str, host: str) -> bool:
    """Only this server's own tracker and booking links (`host` is the request's Host) and
    short plain texts: the endpoint must not make QR codes that send people elsewhere."""
    if _QR_TEXT.match(data):
        return True
    try:
        url = urlsplit(data)
    except ValueError:
        return False
    return (
        url.scheme in ("http", "https")
        and url.netloc.lower() == host.lower()
        and not url.query
        and not url.fragment
        and any(path.match(url.path) for path in _QR_PATHS)
    )


def qr_svg(data: str) -> bytes:
    """A scalable black-on-white QR code (medium error correction, quiet zone of 4)."""
    code = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        xmldecl=False,
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()


# --- static files ----------------------------------------------------------------------------


class PackageStaticFiles(StaticFiles):
    """The package's static files; browsers revalidate them (ETag) so an upgrade shows at once."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


# --- routes ----------------------------------------------------------------------------------


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": {"code": code, "message": message}}, status)


def _anyone(request: Request) -> None:
    return None


def page_routes(
    tracker_guard: Callable[[Request], None] = _anyone,
    halls: Callable[[Request], Sequence[HallSummary]] = _no_halls,
) -> list[BaseRoute]:
    """The page routes, `/qr.svg`, `/i18n/{lang}.json` and the static files under `/static`.
    `tracker_guard` sees every request for a tracker page first and may refuse it by raising a
    `HallError` (the server counts it against the client's budget). `halls` gives the halls
    the front door `/` lists."""
    renderer = PageRenderer()

    async def home(request: Request) -> Response:
        context = {
            "halls": list(halls(request)),
            "device_links": HOME_DEVICE_LINKS,
            "more_links": HOME_MORE_LINKS,
        }
        return renderer.render(HOME_PAGE, context=context)

    async def kiosk(request: Request) -> Response:
        return renderer.render(KIOSK_PAGE)

    async def clerk(request: Request) -> Response:
        return renderer.render(CLERK_PAGE)

    async def call_screen(request: Request) -> Response:
        return renderer.render(SCREEN_PAGE)

    async def window_screen(request: Request) -> Response:
        return renderer.render(WINDOW_PAGE)

    async def rating_pad(request: Request) -> Response:
        return renderer.render(PAD_PAGE)

    async def tablet(request: Request) -> Response:
        return renderer.render(TABLET_PAGE)

    async def guide(request: Request) -> Response:
        return renderer.render(GUIDE_PAGE)

    async def admin(request: Request) -> Response:
        return renderer.render(ADMIN_PAGE)

    async def office(request: Request) -> Response:
        return renderer.render(OFFICE_PAGE)

    async def tracker(request: Request) -> Response:
        tracker_guard(request)
        track = request.path_params["track"]
        if not _TRACK.match(track):
            return _error(404, "not_found", "no such tracker link")
        return renderer.render(TRACKER_PAGE, track=track)

    async def booking(request: Request) -> Response:
        hall = request.path_params["hall"]
        if not _HALL_ID.match(hall):
            return _error(404, "unknown_hall", f"no hall {hall!r}")
        return renderer.render(BOOKING_PAGE, hall=hall)

    async def translation_table(request: Request) -> Response:
        lang = request.path_params["lang"]
        if lang not in i18n.LANGUAGES:
            return _error(404, "not_found", f"languages: {', '.join(i18n.LANGUAGES)}")
        return JSONResponse(translations(lang), headers={"Cache-Control": "no-cache"})

    async def qr(request: Request) -> Response:
        data = request.query_params.get("data", "")
        if not qr_allowed(data, request.headers.get("host", "")):
            return _error(
                400,
                "bad_request",
                "data: this server's tracker or booking link, "
                f"or a text of 1 to {QR_MAX_TEXT} letters and digits",
            )
        return Response(
            qr_svg(data),
            media_type="image/svg+xml",
            headers={"Cache-Control": "private, max-age=86400", **_NOSNIFF},
        )

    return [
        Route("/", home, methods=["GET"]),
        Route("/kiosk", kiosk, methods=["GET"]),
        Route("/clerk", clerk, methods=["GET"]),
        Route("/screen", call_screen, methods=["GET"]),
        Route("/window", window_screen, methods=["GET"]),
        Route("/pad", rating_pad, methods=["GET"]),
        Route("/tablet", tablet, methods=["GET"]),
        Route("/guide", guide, methods=["GET"]),
        Route("/admin", admin, methods=["GET"]),
        Route("/office", office, methods=["GET"]),
        Route("/t/{track}", tracker, methods=["GET"]),
        Route("/book/{hall}", booking, methods=["GET"]),
        Route("/i18n/{lang}.json", translation_table, methods=["GET"]),
        Route("/qr.svg", qr, methods=["GET"]),
        Mount("/static", app=PackageStaticFiles(packages=[("displays", "static")]), name="static"),
    ]
