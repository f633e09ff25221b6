"""The HTML page and the CSV files as files: self-contained, both languages, charts as SVG,
UTF-8 with a BOM for Excel, and no personal data anywhere."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hall.report import CONTENT_SECURITY_POLICY, TABLES, csv_bytes, render_html, write_csv_files
from hall.report.figures import Report
from tests.hall.report.conftest import report_of
from tests.hall.report.scripted_day import COMMENT, HALL_NAME, PERSONAL, PlayedDay

SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


@pytest.fixture(scope="module")
def report(played: PlayedDay) -> Report:
    return report_of(played)


@pytest.mark.parametrize(
    ("lang", "title", "chart_titles"),
    [
        (
            "zh-CN",
            "测试政务服务中心运行日报",
            [
                "分时段取号量（按队列）",
                "分时段等候人数",
                "各队列等候时间（分钟）",
                "各窗口办结量",
                "评价分布",
            ],
        ),
        (
            "en",
            "测试政务服务中心: daily report",
            [
                "Tickets issued per hour, by queue",
                "Tickets waiting, per hour",
                "Waiting time per queue (minutes)",
                "Services finished per window",
                "Ratings by level",
            ],
        ),
    ],
)
def test_the_page_has_the_hall_and_its_charts_as_svg(
    report: Report, lang: str, title: str, chart_titles: list[str]
) -> None:
    html = render_html(report, lang)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html and HALL_NAME in html
    charts = SVG.findall(html)
    titles = [ET.fromstring(svg).findtext("{http://www.w3.org/2000/svg}title") for svg in charts]
    assert titles == chart_titles
    # The queue chart draws queue A's bars and the target line, labelled in the page's language.
    waits = ET.fromstring(charts[2])
    assert len(waits.findall(".//{http://www.w3.org/2000/svg}rect")) >= 6


def test_the_page_is_self_contained(report: Report) -> None:
    html = render_html(report, "zh-CN")
    assert "<script" not in html
    assert not re.search(r"<link\b|\bsrc=|\bhref=|url\(", html)
    assert re.findall(r"https?://[^\s\"']+", html) == ["http://www.w3.org/2000/svg"] * 5
    assert "@page { size: A4" in html
    # The server's content security policy allows exactly this page's stylesheet.
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CONTENT_SECURITY_POLICY


def test_the_csv_files_open_in_excel(report: Report, tmp_path: Path) -> None:
    written = write_csv_files(report, tmp_path, "zh-CN")
    assert [p.name for p in written] == [f"{name}.csv" for name in TABLES]
    waits = (tmp_path / "waits.csv").read_bytes()
    assert waits.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    lines = waits[3:].decode("utf-8").split("\r\n")
    assert lines[0] == (
        "类别,编号,名称,叫号数,平均等候（秒）,等候中位数（秒）,90%等候（秒）,目标内叫号,服务达标率"
    )
    assert lines[1] == "队列,A,综合受理,7,240,180,480,7,1.0"
    assert lines[-1] == ""  # every line ends with CRLF
    with pytest.raises(KeyError):
        csv_bytes(report, "nonsense")


def test_no_personal_data_reaches_the_report(report: Report, played: PlayedDay) -> None:
    secrets = [COMMENT, "13912345678", *played.tracks]
    for code, person in PERSONAL.items():
        secrets += [code, f"citizen-{code}", person["name"], person["phone"]]
    outputs = [render_html(report, lang) for lang in ("zh-CN", "en")]
    for lang in ("zh-CN", "en"):
        outputs += [csv_bytes(report, name, lang).decode() for name in TABLES]
    assert len(played.tracks) > 10
    for output in outputs:
        assert not [secret for secret in secrets if secret in output]
