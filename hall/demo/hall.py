"""The demo hall: a district government service centre as such halls describe themselves.

Eight queues (号段) from 综合受理 to 出证, the services (事项) a district hall handles, several
"one thing, one visit" bundles (一件事一次办) that one ticket carries across queues, and twenty
windows: most are integrated (无差别综合受理, serving many queues with weights), a few are
specialised (不动产登记, the one window that issues certificates, 帮办代办 for those who need
help). Front desk accepts, back office approves, one window issues (前台综合受理、后台分类审批、
统一窗口出证). The demo hall is open around the clock, so it works whenever someone starts it.

`demo_config_document()` is a hall document (docs/protocol.md, *Hall configuration*; also in
docs/examples/demo-hall.json); `DEMO_STAFF` are the accounts `hall serve --demo` creates. After a
change here, regenerate the example with `python -m hall.demo.hall > docs/examples/demo-hall.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

DEMO_HALL_ID = "demo"


@dataclass(frozen=True, slots=True)
class DemoStaff:
    """A demo staff account. `window` is where a clerk usually sits (None for managers)."""

    number: str
    display_name: str
    role: str  # "clerk" or "manager"
    password: str
    window: str | None


@dataclass(frozen=True, slots=True)
class _Queue:
    id: str
    name: str
    service_minutes: float


@dataclass(frozen=True, slots=True)
class _Service:
    id: str
    name: str
    steps: tuple[str, ...]
    category: str
    bookable: bool = True
    slot_capacity: int = 2


PERSONAL = "个人事项"
BUSINESS = "企业事项"
PROPERTY = "不动产"
SOCIAL = "社保医保"
TAX = "税务"
HOUSING_FUND = "公积金"
HOUSEHOLD = "户政"
ONE_VISIT = "一件事一次办"

_QUEUES = (
    _Queue("A", "综合受理", 6),
    _Queue("B", "社保医保", 8),
    _Queue("C", "不动产登记", 15),
    _Queue("D", "税务", 10),
    _Queue("E", "公积金", 8),
    _Queue("F", "户政", 7),
    _Queue("G", "企业开办", 12),
    _Queue("H", "出证", 3),
)

_SERVICES = (
    # 综合受理: what the integrated front desk accepts for the back offices
    _Service("elderly_allowance", "高龄津贴申领", ("A",), PERSONAL, slot_capacity=3),
    _Service("disability_subsidy", "残疾人两项补贴申请", ("A",), PERSONAL),
    _Service("temporary_relief", "临时救助申请", ("A",), PERSONAL),
    _Service("cross_province", "跨省通办业务", ("A",), PERSONAL),
    _Service("food_license", "食品经营许可", ("A",), BUSINESS),
    _Service("pharmacy_license", "药品零售许可", ("A",), BUSINESS),
    _Service("consulting", "政策咨询", ("A",), PERSONAL, False, 0),
    # 社保医保
    _Service("social_enrolment", "社保参保登记", ("B",), SOCIAL, slot_capacity=3),
    _Service("social_transfer", "社保关系转移接续", ("B",), SOCIAL),
    _Service("medical_filing", "异地就医备案", ("B",), SOCIAL, slot_capacity=3),
    _Service("medical_claim", "医疗费用手工报销", ("B",), SOCIAL),
    _Service("social_card", "社保卡补换", ("B",), SOCIAL, False, 0),
    # 不动产登记
    _Service("property_transfer", "二手房转移登记", ("C",), PROPERTY),
    _Service("property_mortgage", "不动产抵押登记", ("C",), PROPERTY),
    _Service("property_first", "新建商品房首次登记", ("C",), PROPERTY),
    _Service("property_replace", "不动产权证书补换", ("C",), PROPERTY),
    _Service("property_inquiry", "不动产登记信息查询", ("C",), PROPERTY, False, 0),
    # 税务
    _Service("invoice", "发票申领", ("D",), TAX, slot_capacity=3),
    _Service("income_tax", "个人所得税汇算清缴", ("D",), TAX),
    _Service("tax_change", "税务登记信息变更", ("D",), TAX),
    # 公积金
    _Service("fund_withdrawal", "住房公积金提取", ("E",), HOUSING_FUND, slot_capacity=3),
    _Service("fund_loan", "住房公积金贷款", ("E",), HOUSING_FUND),
    _Service("fund_enrolment", "单位公积金缴存登记", ("E",), HOUSING_FUND),
    # 户政
    _Service("id_card", "居民身份证办理", ("F",), HOUSEHOLD, slot_capacity=3),
    _Service("hukou_move", "户口迁移", ("F",), HOUSEHOLD),
    _Service("residence_permit", "居住证办理", ("F",), HOUSEHOLD),
    _Service("no_crime_record", "无犯罪记录证明", ("F",), HOUSEHOLD),
    # 企业开办
    _Service("business_registration", "营业执照设立登记", ("G",), BUSINESS),
    _Service("business_change", "营业执照变更登记", ("G",), BUSINESS),
    _Service("business_closure", "企业简易注销", ("G",), BUSINESS),
    # 出证: the one window that hands out licences and certificates
    _Service("certificate_pickup", "证照领取", ("H",), PERSONAL, False, 0),
    # 一件事一次办: one ticket carried through every step
    _Service("newborn", "新生儿出生一件事", ("F", "B", "H"), ONE_VISIT),
    _Service("business_startup", "企业开办一件事", ("G", "H"), ONE_VISIT),
    _Service("business_change_bundle", "企业变更一件事", ("G", "D", "H"), ONE_VISIT),
    _Service("home_purchase", "二手房交易登记一件事", ("C", "D", "H"), ONE_VISIT),
    _Service("retirement", "退休一件事", ("B", "E"), ONE_VISIT),
)

# Back offices (后台分类审批): the cases the front desk accepts go to them, by service.
_OFFICES = (
    ("civil", "民政科"),
    ("market", "市场监管科"),
    ("social", "人社医保科"),
    ("property", "不动产登记中心"),
    ("household", "公安户政科"),
)

# 承诺件: the services whose applications the front desk accepts as cases (办件) for a back
# office, with their promised working days (承诺时限); every other service is done at the window.
_PROMISES: dict[str, dict[str, Any]] = {
    service: {"office": office, "promise_days": days}
    for office, promised in (
        ("civil", {"elderly_allowance": 5, "disability_subsidy": 10, "temporary_relief": 3}),
        ("market", {"food_license": 10, "pharmacy_license": 15, "business_registration": 1}),
        ("market", {"business_change": 2, "business_closure": 3, "business_startup": 1}),
        ("social", {"social_transfer": 15, "medical_claim": 20}),
        ("property", {"property_transfer": 5, "property_mortgage": 3, "property_first": 10}),
        ("property", {"property_replace": 5, "home_purchase": 5}),
        ("household", {"id_card": 7, "hukou_move": 5, "residence_permit": 7}),
        ("household", {"no_crime_record": 1}),
    )
    for service, days in promised.items()
}

# Window profiles: the queues each window serves, with weights (larger is preferred).
_PERSONAL_DESK = {"A": 1.0, "B": 0.8, "F": 0.6, "E": 0.5}
_BUSINESS_DESK = {"A": 1.0, "G": 0.9, "D": 0.6}
_SOCIAL_DESK = {"B": 1.0, "E": 0.8, "A": 0.5}
_TAX_DESK = {"D": 1.0, "G": 0.5, "A": 0.3}
_HOUSEHOLD_DESK = {"F": 1.0, "A": 0.5, "B": 0.3}
_WINDOWS: tuple[dict[str, float], ...] = (
    *(_PERSONAL_DESK,) * 4,  # 1-4: 无差别综合受理, personal affairs first
    *(_BUSINESS_DESK,) * 4,  # 5-8: 无差别综合受理, business affairs first
    *(_SOCIAL_DESK,) * 3,  # 9-11: 社保医保 and 公积金
    {"E": 1.0, "B": 0.6, "A": 0.4},  # 12: 公积金 first
    *(_TAX_DESK,) * 2,  # 13-14: 税务
    *(_HOUSEHOLD_DESK,) * 2,  # 15-16: 户政
    {"C": 1.0},  # 17: 不动产登记
    {"C": 1.0, "D": 0.5},  # 18: 不动产登记 and its taxes (一窗办理)
    {"H": 1.0},  # 19: 统一窗口出证
    {"A": 1.0, "G": 1.0, "C": 0.5, "H": 0.3},  # 20: 帮办代办
)

_RULES: dict[str, Any] = {
    "routing": "weighted",
    "open_time": "00:00",
    "close_time": "24:00",
    "weekdays": [1, 2, 3, 4, 5, 6, 7],
    "priority_cap": 3,
    "max_wait_minutes": 60,
    "service_target_minutes": 15,
    "max_recalls": 2,
    "reactivate_minutes": 30,
    "reactivate_places": 3,
    "slot_minutes": 30,
    "check_in_early_minutes": 30,
    "check_in_late_minutes": 15,
    "booking_days_ahead": 14,
    "no_show_limit": 3,
    "rating_timeout_seconds": 120,
    "follow_up_days": 3,
    "announce_repeat": 2,
    "pickup_queue": "H",  # 统一窗口出证: ready certificates are collected at window 19
}

_CLERKS = (
    "王丽娜", "李建国", "张晓燕", "刘洋", "陈静", "杨帆", "赵敏", "黄志强", "周婷", "吴海波",
    "徐芳", "孙磊", "胡晓梅", "朱文博", "高雅琴", "林海燕", "何俊杰", "郭佳", "马晓东", "罗丹",
)  # fmt: skip

DEMO_STAFF: tuple[DemoStaff, ...] = (
    *(
        DemoStaff(f"{1001 + i}", name, "clerk", f"demo{1001 + i}", str(i + 1))
        for i, name in enumerate(_CLERKS)
    ),
    DemoStaff("9001", "郑国平", "manager", "demo9001", None),
    DemoStaff("9002", "谢红梅", "manager", "demo9002", None),
)


def demo_config_document() -> dict[str, Any]:
    """The demo hall's configuration document (a fresh copy on every call)."""
    return {
        "id": DEMO_HALL_ID,
        "name": "高新区政务服务中心",
        "timezone": "Asia/Shanghai",
        "queues": [
            {"id": q.id, "name": q.name, "prefix": q.id, "service_minutes": q.service_minutes}
            for q in _QUEUES
        ],
        "services": [_service_document(s) for s in _SERVICES],
        "windows": [
            {"id": str(n), "name": f"{n}号窗口", "queues": dict(profile)}
            for n, profile in enumerate(_WINDOWS, start=1)
        ],
        "offices": [{"id": id_, "name": name} for id_, name in _OFFICES],
        "rules": {key: list(v) if isinstance(v, list) else v for key, v in _RULES.items()},
    }


def _service_document(service: _Service) -> dict[str, Any]:
    route: dict[str, Any] = (
        {"queue": service.steps[0]} if len(service.steps) == 1 else {"steps": list(service.steps)}
    )
    return {
        "id": service.id,
        "name": service.name,
        **route,
        "category": service.category,
        "bookable": service.bookable,
        "slot_capacity": service.slot_capacity,
        **_PROMISES.get(service.id, {}),
    }


def demo_config_json() -> str:
    """The document as docs/examples/demo-hall.json holds it: one queue, service or window a
    line, so that a reader can scan it."""
    document = demo_config_document()
    parts = []
    for key, value in document.items():
        if isinstance(value, list):
            rows = ",\n".join(f"    {_compact(row)}" for row in value)
            parts.append(f"  {_compact(key)}: [\n{rows}\n  ]")
        elif isinstance(value, dict):
            rows = ",\n".join(f"    {_compact(k)}: {_compact(v)}" for k, v in value.items())
            parts.append(f"  {_compact(key)}: {{\n{rows}\n  }}")
        else:
            parts.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


if __name__ == "__main__":
    print(demo_config_json(), end="")
