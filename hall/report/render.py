"""The report as one HTML page: `templates/report.html` with its stylesheet inline and its
charts as inline SVG. No script and no external asset, so it can be mailed, archived and
printed (A4) as it is. `CONTENT_SECURITY_POLICY` is what the server sends with it."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import cache, partial
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from displays.i18n import rating_label, resolve_language, t
from hall.report import text
from hall.report.charts import charts
from hall.report.figures import CaseLine, Report

_CSS = files("hall.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode()).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        f"style-src {_style_hash(_CSS)}",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    )
)
"""Nothing loads and nothing runs: only the page's own stylesheet (by its hash) applies."""


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("hall.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report, lang: str = "zh-CN", generated_at: float | None = None) -> str:
    """The report page in `lang` (zh-CN or en); `generated_at` defaults to the report's now."""
    lang = resolve_language(lang)
    template = _environment().get_template("report.html")
    return template.render(_context(report, lang, generated_at or report.day.now))


def _context(report: Report, lang: str, generated_at: float) -> dict[str, Any]:
    day = report.day

    def local(t_: float | None, pattern: str) -> str:
        return text.DASH if t_ is None else day.local(t_).strftime(pattern)

    config_windows = {line.id: line.name for line in report.windows}
    return {
        "report": report,
        "lang": lang,
        "css": Markup(_CSS),
        "charts": charts(report, lang),
        "t": partial(_translate, lang),
        "target": f"{report.target_minutes:g}",
        "generated": local(generated_at, "%Y-%m-%d %H:%M"),
        "until": local(day.until, "%H:%M"),
        "clock": text.clock,
        "hours_minutes": text.hours_minutes,
        "words": partial(text.words, lang=lang),
        "percent": text.percent,
        "decimal": text.decimal,
        "local_time": partial(local, pattern="%H:%M"),
        "local_date_time": partial(local, pattern="%Y-%m-%d %H:%M"),
        "rating_label": partial(rating_label, lang=lang),
        "status": partial(_status, lang),
        "window_names": partial(_window_names, lang, config_windows),
    }


def _translate(lang: str, key: str, **params: object) -> str:
    return t(key, lang, **params)


def _status(lang: str, case: CaseLine) -> str:
    key = f"report.status.{case.status}"
    try:
        label = t(key, lang)
    except KeyError:
        label = case.status
    return f"{label} · {t('report.status.overdue', lang)}" if case.overdue else label


def _window_names(lang: str, names: dict[str, str], windows: Sequence[str]) -> str:
    return t("report.list_separator", lang).join(names.get(w, w) for w in windows)
