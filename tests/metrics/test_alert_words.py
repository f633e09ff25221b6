"""What the floor manager reads in an alert (issue 11): a device offline named as the
administrator named it, or by its window and kind, one alert per outage; a bad rating with its
score, the reasons and the comment, and never a phone or ID number typed into the comment."""

from __future__ import annotations

from metrics.alerts import ALERT_MESSAGES, BAD_RATING, DEVICE_OFFLINE, Alert
from queueing import commands as cmd
from tests.metrics.driver import Hall


def offline(hall: Hall) -> list[Alert]:
    return [a for a in hall.metrics.alerts.listed() if a.kind == DEVICE_OFFLINE]


def test_a_device_the_admin_named_is_called_by_its_name() -> None:
    hall = Hall()

    hall.metrics.alerts.device_offline("d1", "rating_pad", 1000.0, name="三号评价器", window="3")

    (alert,) = offline(hall)
    assert alert.key == "alert.device_offline"
    assert ALERT_MESSAGES[alert.key]["zh-CN"].format(**alert.params) == "三号评价器已离线"


def test_a_device_named_by_nobody_is_called_by_its_window_and_kind() -> None:
    hall = Hall()

    hall.metrics.alerts.device_offline("d1", "rating_pad", 1000.0, window="3")
    hall.metrics.alerts.device_offline("d2", "kiosk", 1000.0)

    pad, kiosk = offline(hall)
    words = {**pad.params, "kind": "评价器"}  # the tablet puts the kind's name in
    assert ALERT_MESSAGES[pad.key]["zh-CN"].format(**words) == "3号窗口评价器已离线"
    words = {**kiosk.params, "kind": "取号机"}
    assert ALERT_MESSAGES[kiosk.key]["zh-CN"].format(**words) == "取号机（设备 d2）已离线"


def test_one_alert_per_outage_however_often_it_is_reported() -> None:
    hall = Hall()
    alerts = hall.metrics.alerts

    for _ in range(3):  # every reading of the devices while it is gone
        alerts.device_offline("d1", "kiosk", 1000.0, name="东门取号机")
    alerts.device_online("d1", 1100.0)
    alerts.device_offline("d1", "kiosk", 1200.0, name="东门取号机")  # a second outage

    first, second = offline(hall)
    assert (first.id, first.cleared_at) == ("device_offline:d1:1000", 1100.0)
    assert (second.id, second.active) == ("device_offline:d1:1200", True)
    assert alerts.raised[DEVICE_OFFLINE] == 2


def test_a_bad_rating_says_what_the_citizen_said_without_their_numbers() -> None:
    hall = Hall()
    hall.at("09:00").sign_in("1")
    ticket = hall.issue("social")
    hall.call("1")
    hall.at("09:05").finish("1")
    comment = "态度差，请回电13800138000，身份证 11010519491231002X"

    hall.do(cmd.Rate(ticket.id, 1, ("等候时间长", " 服务态度差 "), comment))

    (alert,) = [a for a in hall.metrics.alerts.listed() if a.kind == BAD_RATING]
    assert alert.params["reasons"] == "等候时间长、服务态度差"
    assert alert.params["comment"] == "态度差，请回电***，身份证 ***"
    assert alert.params["score"] == 1
