"""The rule registry: ids, severities, and the provision judging each event date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy

from ptdv.pipeline.actions import Label
from ptdv.pipeline.rules.base import (
    Finding,
    Severity,
)

# --- the rule registry: ids, severities, references by effective date -------------------------


def _vn(day: date) -> str:
    """Return a date as legal texts cite it: 26/5/2025."""
    return f"{day.day}/{day.month}/{day.year}"


def _d(day: date) -> str:
    """Return a date as the interface shows it: 05/03/2026."""
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Provision:
    """Where a rule is written, and from when to when that text judges events."""

    valid_from: date
    valid_to: date | None  # inclusive; None while in force
    reference: str  # "Quy định 294-QĐ/TW (26/5/2025), điểm 3.1"
    short: str  # "Quy định 294-QĐ/TW điểm 3.1" (inside messages)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class RuleInfo:
    rule_id: str
    severity: Severity  # the strongest severity the rule gives
    title: Label
    provisions: tuple[Provision, ...]  # in date order, contiguous

    @property
    def label(self) -> Label:
        return self.title

    @property
    def reference(self) -> str:
        """Return the reference in force now (the latest provision)."""
        return self.provisions[-1].reference

    def provision_on(self, day: date) -> Provision:
        """Return the provision judging an event on `day`.

        Events before the first known text are judged by it (the oldest text we model is
        29-QĐ/TW of 2016; the admission numbers were the same before it).
        """
        for provision in reversed(self.provisions):
            if provision.valid_from <= day:
                return provision
        return self.provisions[0]


@dataclass(frozen=True)
class _Text:
    kind: str  # "Quy định", "Hướng dẫn", "Điều lệ Đảng"
    code: str
    issued: date
    effective: date


# The implementing regulations of the Charter (DOMAIN §0), each effective until the next.
REG_29 = _Text("Quy định", "29-QĐ/TW", date(2016, 7, 25), date(2016, 7, 25))
REG_24 = _Text("Quy định", "24-QĐ/TW", date(2021, 7, 30), date(2021, 7, 30))
REG_232 = _Text("Quy định", "232-QĐ/TW", date(2025, 1, 20), date(2025, 1, 20))
REG_294 = _Text("Quy định", "294-QĐ/TW", date(2025, 5, 26), date(2025, 7, 1))
REGULATIONS = (REG_29, REG_24, REG_232, REG_294)
CHARTER = _Text("Điều lệ Đảng", "", date(2011, 1, 19), date(2011, 1, 19))
GUIDE_12_2012 = _Text("Hướng dẫn", "12-HD/BTCTW", date(2012, 5, 17), date(2012, 5, 17))
GUIDE_09_2017 = _Text("Hướng dẫn", "09-HD/BTCTW", date(2017, 6, 5), date(2017, 6, 5))


def _cite(text: _Text, point: str, until: date | None) -> Provision:
    if text is CHARTER:
        reference = f"Điều lệ Đảng (2011), {point}"
        short = f"Điều lệ Đảng {point}"
    else:
        reference = f"{text.kind} {text.code} ({_vn(text.issued)}), {point}"
        short = f"{text.kind} {text.code} {point}"
    return Provision(text.effective, until, reference, short)


def _chain(texts: Iterable[_Text], point: str) -> tuple[Provision, ...]:
    ordered = list(texts)
    provisions = []
    for i, text in enumerate(ordered):
        until = ordered[i + 1].effective - timedelta(days=1) if i + 1 < len(ordered) else None
        provisions.append(_cite(text, point, until))
    return tuple(provisions)


def _regulations(point: str) -> tuple[Provision, ...]:
    """Return the provision chain 29 → 24 → 232 → 294-QĐ/TW for one point of the regulation."""
    return _chain(REGULATIONS, point)


def _rule(
    rule_id: str, severity: Severity, title: Label, provisions: tuple[Provision, ...]
) -> RuleInfo:
    return RuleInfo(rule_id, severity, title, provisions)


# WORKING-DAY: the weekly rest day and the public holidays and Tết of the Labour Code (the
# days core.calendar.WorkCalendar knows as days off).
_WORKING_DAYS = (
    Provision(
        date(2013, 5, 1),
        date(2020, 12, 31),
        "Bộ luật Lao động 2012, Điều 110 và Điều 115",
        "Bộ luật Lao động 2012 Điều 110, 115",
    ),
    Provision(
        date(2021, 1, 1),
        None,
        "Bộ luật Lao động 2019, Điều 111 và Điều 112",
        "Bộ luật Lao động 2019 Điều 111, 112",
    ),
)
_DATA_RULES = (Provision(date(2011, 1, 19), None, "Quy tắc dữ liệu PTĐV", "quy tắc dữ liệu PTĐV"),)

# Points of the implementing regulation (numbering of 29-QĐ/TW, kept by 24/232/294 as far as
# DOMAIN's sources show): 3.1 age and education, 3.2 verification, 3.3 introducers,
# 3.5 re-admission, 4.1 ceremony, 4.2 recognition timing, 4.3.1 decision deadlines.
RULES: dict[str, RuleInfo] = {
    r.rule_id: r
    for r in (
        _rule(
            "AGE-MIN",
            Severity.BLOCK,
            gettext_lazy("Đủ 18 tuổi (tính theo tháng) tại ngày chi bộ xét"),
            _regulations("điểm 3.1"),
        ),
        _rule(
            "AGE-MAX",
            Severity.BLOCK,
            gettext_lazy("Trên 60 tuổi: cần Ban Thường vụ tỉnh ủy đồng ý bằng văn bản"),
            _regulations("điểm 3.1"),
        ),
        _rule(
            "EDU-MIN",
            Severity.BLOCK,
            gettext_lazy("Trình độ học vấn tối thiểu"),
            _regulations("điểm 3.1"),
        ),
        _rule(
            "CERT-VALID",
            Severity.BLOCK,
            gettext_lazy("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng còn giá trị"),
            # [R-old]: the 60-month validity is stated in the 2012 and 2017 guidance.
            _chain((GUIDE_12_2012, GUIDE_09_2017), "phần hồ sơ kết nạp đảng viên"),
        ),
        _rule(
            "INTRO",
            Severity.BLOCK,
            gettext_lazy("Người giới thiệu và hình thức giới thiệu"),
            _regulations("điểm 3.3"),
        ),
        _rule(
            "VERIFY",
            Severity.BLOCK,
            gettext_lazy("Lý lịch được cấp ủy cơ sở thẩm tra, chứng nhận"),
            _regulations("điểm 3.2"),
        ),
        _rule(
            "OPINIONS",
            Severity.WARN,
            gettext_lazy("Ý kiến của đoàn thể và chi ủy nơi cư trú"),
            (_cite(CHARTER, "Điều 4", None),),
        ),
        _rule(
            "VOTE-CELL",
            Severity.BLOCK,
            gettext_lazy("Chi bộ biểu quyết: ít nhất 2/3 số đảng viên chính thức tán thành"),
            (_cite(CHARTER, "Điều 4 và Điều 5", None),),
        ),
        _rule(
            "VOTE-GRASSROOTS",
            Severity.BLOCK,
            gettext_lazy("Đảng ủy cơ sở biểu quyết: ít nhất 2/3 số cấp ủy viên tán thành"),
            (_cite(CHARTER, "Điều 4 và Điều 5", None),),
        ),
        _rule(
            "VOTE-ESCALATE",
            Severity.WARN,
            gettext_lazy("Ba lần biểu quyết không đạt 2/3: báo cáo cấp ủy cấp trên"),
            _regulations("điểm 4.2"),
        ),
        _rule(
            "VOTE-ELECTORATE",
            Severity.BLOCK,
            gettext_lazy(
                "Số có quyền biểu quyết là số đảng viên chính thức của chi bộ (số cấp ủy viên "
                "của đảng ủy) vào ngày họp, theo sổ đảng viên"
            ),
            (_cite(CHARTER, "Điều 3, Điều 4 và Điều 5", None),),
        ),
        _rule(
            "VOTE-NUMBERS",
            Severity.BLOCK,
            gettext_lazy("Số liệu biểu quyết hợp lệ"),
            _DATA_RULES,
        ),
        _rule(
            "DECIDE-60WD",
            Severity.WARN,
            gettext_lazy("Quyết định kết nạp trong 60 ngày làm việc (thêm 30 nếu gia hạn)"),
            _regulations("điểm 4.3.1"),
        ),
        _rule(
            "CEREMONY-30WD",
            Severity.BLOCK,
            gettext_lazy("Lễ kết nạp trong 30 ngày làm việc kể từ ngày nhận quyết định"),
            _regulations("điểm 4.1"),
        ),
        _rule(
            "PROBATION-END",
            Severity.INFO,
            gettext_lazy("Hết thời hạn dự bị (12 tháng kể từ lễ kết nạp)"),
            (_cite(CHARTER, "Điều 5", None),),
        ),
        _rule(
            "RECOG-30WD",
            Severity.BLOCK,
            gettext_lazy("Chi bộ xét công nhận sau khi hết dự bị, trong 30 ngày làm việc"),
            _regulations("điểm 4.2"),
        ),
        _rule(
            "RECOG-DECIDE-30WD",
            Severity.WARN,
            gettext_lazy("Quyết định công nhận trong 30 ngày làm việc (thêm 30 nếu gia hạn)"),
            _regulations("điểm 4.3.1"),
        ),
        _rule(
            "RECOG-DATE",
            Severity.INFO,
            gettext_lazy("Ngày chính thức là ngày hết 12 tháng dự bị"),
            _regulations("điểm 4.2"),
        ),
        _rule(
            "NEW-MEMBER-COURSE",
            Severity.BLOCK,
            gettext_lazy("Giấy chứng nhận lớp bồi dưỡng lý luận chính trị cho đảng viên mới"),
            # 12-HD/BTCTW (2022) Part II §1.1c [R]; its exact date is unconfirmed (DOMAIN §8
            # q3), and the 2017 guidance already required the certificate.
            (
                Provision(
                    date(2016, 7, 25),
                    None,
                    "Hướng dẫn 12-HD/BTCTW (2022), phần II mục 1.1",
                    "Hướng dẫn 12-HD/BTCTW phần II mục 1.1",
                ),
            ),
        ),
        _rule(
            "READMIT",
            Severity.BLOCK,
            gettext_lazy("Điều kiện kết nạp lại"),
            _regulations("điểm 3.5"),
        ),
        _rule(
            "ORDER",
            Severity.BLOCK,
            gettext_lazy("Thứ tự các bước kết nạp đảng viên"),
            (_cite(CHARTER, "Điều 4 và Điều 5", None),),
        ),
        _rule(
            "DATE-FUTURE",
            Severity.BLOCK,
            gettext_lazy("Ngày không ở tương lai"),
            _DATA_RULES,
        ),
        _rule(
            "DATE-ORDER",
            Severity.BLOCK,
            gettext_lazy("Ngày không trước bước trước đó"),
            _DATA_RULES,
        ),
        _rule(
            "AUTHORITY",
            Severity.BLOCK,
            gettext_lazy("Cấp có thẩm quyền quyết định kết nạp, công nhận đảng viên chính thức"),
            _regulations("điểm 4.3.2"),
        ),
        _rule(
            "MENTOR-OFFICIAL",
            Severity.BLOCK,
            gettext_lazy("Người giúp đỡ là đảng viên chính thức của chi bộ"),
            (_cite(CHARTER, "Điều 5", None),),
        ),
        _rule(
            "WORKING-DAY",
            Severity.WARN,
            gettext_lazy("Bước được ghi vào ngày làm việc (không vào Chủ nhật, ngày lễ, Tết)"),
            _WORKING_DAYS,
        ),
    )
}


def _finding(rule_id: str, on: date, text: str, severity: Severity | None = None) -> Finding:
    """Return a finding judged by the provision in force on `on`."""
    info = RULES[rule_id]
    provision = info.provision_on(on)
    return Finding(
        rule_id=rule_id,
        severity=severity or info.severity,
        message=f"{text} ({rule_id}, {provision.short})",
        reference=provision.reference,
    )
