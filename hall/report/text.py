"""How the HTML report writes numbers: durations, rates, local times. (The CSV files keep the
raw numbers: whole seconds and fractions.)"""

from __future__ import annotations

from displays.i18n import t

DASH = "–"


def clock(seconds: float | None) -> str:
    """A duration as m:ss, or h:mm:ss from an hour up; a dash when there is none."""
    if seconds is None:
        return DASH
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def hours_minutes(seconds: float | None) -> str:
    """A long duration (time signed in) as h:mm."""
    if seconds is None:
        return DASH
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def words(seconds: float | None, lang: str) -> str:
    """A duration in words (4 分 05 秒, 4 min 5 s), for the summary."""
    if seconds is None:
        return DASH
    total = round(seconds)
    if total < 60:
        return t("report.duration.s", lang, s=total)
    if total < 3600:
        return t("report.duration.ms", lang, m=total // 60, s=total % 60)
    return t("report.duration.hm", lang, h=total // 3600, m=total % 3600 // 60)


def percent(share: float | None) -> str:
    return DASH if share is None else f"{share * 100:.1f}%"


def decimal(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"
