"""Clerks' photos as window screens and rating pads show them (like the badge at each window).

`GET /api/halls/{hall}/staff/{number}/photo` needs no token: it shows what the hall already shows
on its public screens, the clerk's photo. A stored `data:` image is served as the image itself,
an `http(s)` or server-relative URL is redirected to, and a clerk without a photo gets a round
badge with the initials of their display name, so a page always has a picture to show.
"""

from __future__ import annotations

import base64
import binascii
import re
from html import escape

from starlette.responses import RedirectResponse, Response

from hall.storage.base import StaffRecord

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})
_DATA_URI = re.compile(r"^data:(?P<type>image/[a-z+.-]+);base64,(?P<data>.*)$", re.S)
_CJK = re.compile(r"[\u3400-\u9fff]")
HEADERS = {
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
}


def photo_response(record: StaffRecord) -> Response:
    """The photo of one staff account, or its initials badge where there is no usable photo."""
    photo = record.photo.strip()
    if photo.startswith(("https://", "http://", "/")) and not photo.startswith("//"):
        return RedirectResponse(photo, status_code=307, headers=HEADERS)
    image = decode_data_uri(photo)
    if image is not None:
        media_type, content = image
        return Response(content, media_type=media_type, headers=HEADERS)
    return Response(initials_svg(record.display_name), media_type="image/svg+xml", headers=HEADERS)


def decode_data_uri(uri: str) -> tuple[str, bytes] | None:
    """(media type, bytes) of a base64 `data:` URI of a raster image; None for anything else."""
    match = _DATA_URI.match(uri)
    if match is None or match["type"] not in IMAGE_TYPES:
        return None
    try:
        return match["type"], base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError):
        return None


def initials(name: str) -> str:
    """ "王晓丽" -> "晓丽" (the given name, as colleagues say it), "Anna Lee" -> "AL"."""
    text = name.strip()
    if _CJK.search(text):
        return text[-2:] if len(text) > 2 else text
    words = text.split()
    if len(words) > 1:
        return (words[0][0] + words[-1][0]).upper()
    return text[:2].upper()


def initials_svg(name: str) -> str:
    """A round badge with the initials, in the pages' blue on a light disc."""
    label = escape(initials(name))
    size = 40 if len(label) > 1 else 52
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120">'
        '<circle cx="60" cy="60" r="60" fill="#dce7f7"/>'
        f'<text x="60" y="60" dy="0.35em" text-anchor="middle" font-size="{size}" '
        'font-weight="700" fill="#0b3d91" font-family="Noto Sans CJK SC, Source Han Sans SC, '
        f'PingFang SC, Microsoft YaHei, sans-serif">{label}</text></svg>'
    )
