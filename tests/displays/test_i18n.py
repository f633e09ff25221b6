from __future__ import annotations

import string

import pytest

from displays import i18n
from displays.protocol import PROTOCOL_ERROR_CODES
from queueing import errors, model


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def domain_codes() -> set[str]:
    found: set[str] = set()
    pending: list[type[errors.DomainError]] = [errors.DomainError]
    while pending:
        cls = pending.pop()
        found.add(cls.code)
        pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("key", sorted(i18n.TABLE))
def test_every_entry_is_in_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = i18n.TABLE[key]
    assert set(entry) == set(i18n.LANGUAGES)
    assert all(text.strip() for text in entry.values())
    assert placeholders(entry[i18n.ZH]) == placeholders(entry[i18n.EN])


def test_the_call_announcement_in_both_languages() -> None:
    assert i18n.t("announce", number="A023", window="5号窗口") == "请A023号到5号窗口办理"
    assert (
        i18n.t("announce", "en", number="A023", window="Window 5")
        == "Ticket A023, please go to Window 5"
    )


@pytest.mark.parametrize(
    "code",
    sorted(domain_codes() | set(PROTOCOL_ERROR_CODES)),
)
def test_every_error_code_has_a_plain_explanation(code: str) -> None:
    assert f"error.{code}" in i18n.TABLE
    assert i18n.explain(code) != i18n.t("error.unknown") or code == "domain_error"


def test_a_closed_service_is_explained_to_the_citizen() -> None:
    assert i18n.explain("hall_closed") == "该事项今日已停止取号"
    assert i18n.explain("hall_closed", "en") == "No more tickets for this service today"


def test_an_unknown_error_code_gets_a_generic_explanation() -> None:
    assert i18n.explain("no_such_code") == i18n.t("error.unknown")


def test_the_five_rating_levels() -> None:
    labels = [i18n.rating_label(score) for score in i18n.RATING_LEVELS]
    assert labels == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]


def test_the_green_channel_categories() -> None:
    labels = [i18n.t(f"green.{c}") for c in i18n.GREEN_CATEGORIES]
    assert labels == ["老年人", "残疾人", "孕妇", "军人"]


@pytest.mark.parametrize(
    "status", [model.CLOSED, model.IDLE, model.CALLING, model.SERVING_WINDOW, model.PAUSED]
)
def test_every_window_status_has_a_label(status: str) -> None:
    assert i18n.window_status_label(status)
    assert i18n.window_status_label(status, "en")


@pytest.mark.parametrize(
    "state",
    [
        model.WAITING,
        model.CALLED,
        model.SERVING,
        model.PARKED,
        model.MISSED,
        model.FINISHED,
        model.CANCELLED,
    ],
)
def test_every_ticket_state_and_priority_has_a_label(state: str) -> None:
    assert i18n.t(f"ticket.state.{state}")
    for priority in model.PRIORITIES:
        assert i18n.t(f"priority.{priority}")


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("en-US", "en"),
        ("EN", "en"),
        ("en_GB", "en"),
        ("fr", "zh-CN"),
    ],
)
def test_language_tags_resolve_to_the_table_languages(tag: str | None, language: str) -> None:
    assert i18n.resolve_language(tag) == language


def test_a_language_the_table_lacks_falls_back_to_chinese() -> None:
    assert i18n.t("print.ahead", "fr", count=2) == "前面还有 2 人等候"


def test_an_unknown_key_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(KeyError):
        i18n.t("no.such.key")
