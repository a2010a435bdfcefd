"""The admission rules: pure functions over plain facts, no database, `today` passed in.

Everything that judges a case lives here (DOMAIN.md §2–§4, Appendix B): the stage a case has
reached (derived from its append-only steps), whether a step may be recorded now
(`check_step`), what the case page warns about (`case_findings`), the open deadlines
(`due_dates`) and the three dates of a new member. A rule has an id, a severity, a Vietnamese
message naming the rule and its source, and one legal reference per regulation in force
(`RULES`): the regulation in force on the event date (the cell meeting, the decision ...)
judges the event, so a case opened under 24-QĐ/TW and closed under 294-QĐ/TW is judged by each
in turn.

Choices the sources leave open ([?] and [I] in DOMAIN.md) are fields of `RulesConfig`, each
naming its rule id; `CONFIG` holds the defaults.

This module must never import django.db (tests/pipeline/test_rules.py checks it): services
build the facts, this module only reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ptdv.core.calendar import WorkCalendar
from ptdv.pipeline import actions as A
from ptdv.pipeline.actions import Label

# --- stages and outcomes (the same values as pipeline.models.Stage / Outcome) ----------------
# Repeated here because models import django.db; a test checks the two lists agree.

SOURCE = "source"
TRAINED = "trained"
CANDIDATE = "candidate"
DOSSIER = "dossier"
VERIFIED = "verified"
INTRODUCED = "introduced"
OPINIONS = "opinions"
CELL_APPROVED = "cell_approved"
APPRAISED = "appraised"
COMMITTEE_APPROVED = "committee_approved"
DECIDED = "decided"
PROBATION = "probation"
RECOGNITION_CELL = "recognition_cell"
RECOGNITION_COMMITTEE = "recognition_committee"
OFFICIAL = "official"
EXITED = "exited"

STAGES: tuple[str, ...] = (
    SOURCE,
    TRAINED,
    CANDIDATE,
    DOSSIER,
    VERIFIED,
    INTRODUCED,
    OPINIONS,
    CELL_APPROVED,
    APPRAISED,
    COMMITTEE_APPROVED,
    DECIDED,
    PROBATION,
    RECOGNITION_CELL,
    RECOGNITION_COMMITTEE,
    OFFICIAL,
    EXITED,
)
_INDEX = {stage: i for i, stage in enumerate(STAGES)}

OUTCOME_OPEN = ""
OUTCOME_OFFICIAL = "official"
OUTCOME_REFUSED = "refused"
OUTCOME_REJECTED = "rejected"
OUTCOME_PROBATION_DELETED = "probation_deleted"
# Exit outcomes a candidate (before the ceremony) may leave with through the EXIT step.
_CANDIDATE_EXITS = frozenset({"withdrawn", "dropped", "rejected", "refused", "expired"})
# A probationary member leaves the path only by deletion from the probationary list.
_PROBATION_EXITS = frozenset({"rejected", OUTCOME_PROBATION_DELETED})


def stage_index(stage: str) -> int:
    """Return the position of a stage on the path (EXITED last)."""
    return _INDEX[stage]


# --- findings and facts (the interface services and screens use) ------------------------------


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str  # Vietnamese, ends with "(RULE-ID, short source)"
    reference: str  # e.g. "Quy định 294-QĐ/TW (26/5/2025), điểm 3.1"

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK


@dataclass(frozen=True)
class StepFacts:
    seq: int
    action: str
    occurred_on: date
    data: Mapping[str, Any]


@dataclass(frozen=True)
class MemberFacts:
    person_id: int
    party_status: str
    cell_id: int | None
    official_on: date | None


@dataclass(frozen=True)
class ReadmissionFacts:
    left_on: date | None
    left_reason: str  # one of READMIT_REASONS (free text is judged as "other")
    record_cleared_on: date | None
    readmitted_before: bool


@dataclass(frozen=True)
class CaseFacts:
    person_id: int
    birth_date: date
    # EDU-MIN: "meets the rule in force on the meeting date". Before 30/7/2021 (29-QĐ/TW) an
    # equivalent diploma counted, so a service may set this from an equivalent diploma for such
    # meetings; `education_equivalent` below lets the rule make that switch itself.
    education_meets_lower_secondary: bool
    education_primary_completed: bool
    education_exception: bool  # difficult area / fisherman exception applies (DOMAIN §3.2)
    youth_union_member: bool
    trade_union_member: bool
    cell_id: int
    cell_is_grassroots: bool  # a chi bộ cơ sở: there is no grassroots-committee vote
    has_sub_committee: bool  # the cell sits under a đảng ủy bộ phận: appraisal expected
    is_readmission: bool
    readmission: ReadmissionFacts | None
    opened_on: date
    steps: tuple[StepFacts, ...]  # in seq order
    # Additive: holds only a diploma "equivalent" to lower secondary (e.g. vocational), which
    # 29-QĐ/TW accepted and 24-QĐ/TW (30/7/2021) no longer does (EDU-MIN).
    education_equivalent: bool = False
    # AUTHORITY: the committee that may decide this case's admission / recognition on the
    # step's date, worked out by the service from the organisation tree's delegation settings
    # (orgs.rules.admission_authority; the province level for an over-60 candidate). None when
    # unknown: then nothing is checked.
    authority_id: int | None = None
    authority_label: str = ""


@dataclass(frozen=True)
class Due:
    rule_id: str
    due_on: date
    label: str
    # False for a milestone someone should know about but nobody can miss (the end of the
    # probation year): it is listed, but never makes a case overdue.
    deadline: bool = True


@dataclass(frozen=True)
class VoteResult:
    eligible: int
    present: int
    agree: int
    required: int
    passes: bool


# --- configuration of the open choices -----------------------------------------------------

MONTH_END_CLAMP = "clamp"
MONTH_END_OVERFLOW = "overflow"
UPPER_AGE_DAY = "day"
UPPER_AGE_MONTH = "month"


@dataclass(frozen=True)
class RulesConfig:
    """The choices DOMAIN.md marks [?] or [I], with their defaults; each names its rule."""

    # AGE-MAX [?] (DOMAIN §3.1, §8 q6): whether "đủ 60 tuổi, tính theo tháng" still covers a
    # person 60 years and some days old. "day" (default, strict): over 60 from the day after the
    # 60th birthday. "month": over 60 only once a full month past 60 years has passed. Either
    # way the first month after the birthday is flagged as borderline (a warning).
    upper_age_mode: str = UPPER_AGE_DAY
    # AGE-MAX [I]: the case page warns when the candidate turns 60 within this many months.
    age_warning_months: int = 3
    # INTRO [I] (DOMAIN §3.1): "youth age" for the Youth Union route, full years, inclusive;
    # the Youth Law range 16–30.
    youth_age_min_years: int = 16
    youth_age_max_years: int = 30
    # CERT-VALID [R-old] (DOMAIN §2 stage 2, §8 q14): validity of the awareness certificate.
    certificate_validity_months: int = 60
    # CERT-VALID [I]: the case page warns this many months before the certificate expires.
    certificate_warning_months: int = 3
    # READMIT [?]: "asked to leave" is excluded unless for especially difficult family
    # circumstances; whether the exception (reason "resigned_hardship") is accepted.
    readmit_hardship_exception: bool = True
    # VOTE-GRASSROOTS [R, DOMAIN §2 stage 10, S85]: when the grassroots committee does not reach
    # 2/3, the full result goes to the superior committee, "which decides". True lets the
    # decision be recorded after a failed committee vote; the default keeps the strict path
    # (a passed committee vote before the decision) that the pipeline contract describes.
    committee_failure_goes_up: bool = False
    # VOTE-ESCALATE [R, DOMAIN §4]: after three failed recognition votes of one body, the
    # superior and the competent committee decide: the next level may then be recorded.
    recognition_failures_go_up: bool = True
    # add_months / months_between [I] (DOMAIN §4, RECOG-DATE, AGE-MIN): a 29/2 or 31st start
    # lands on the last day of a shorter target month ("clamp") or overflows into the next
    # month ("overflow").
    month_end: str = MONTH_END_CLAMP
    # AUTHORITY [I] (DOMAIN §1.2, §8 q1 and q9): the decision must come from the committee the
    # organisation tree names. Army and police units follow rules we could not read; a deployment
    # for them may turn the check off.
    check_decision_authority: bool = True


CONFIG = RulesConfig()

# Values the sources state [R] (same in 29, 24 and 232-QĐ/TW; assumed unchanged in 294 [I]).
MIN_AGE_MONTHS = 18 * 12  # AGE-MIN
MAX_AGE_MONTHS = 60 * 12  # AGE-MAX
INTRODUCER_MIN_MONTHS = 12  # INTRO
PROBATION_MONTHS = 12  # PROBATION-END
DECIDE_WORKING_DAYS = 60  # DECIDE-60WD
EXTENSION_WORKING_DAYS = 30  # DECIDE-60WD, RECOG-DECIDE-30WD
CEREMONY_WORKING_DAYS = 30  # CEREMONY-30WD
RECOGNITION_WORKING_DAYS = 30  # RECOG-30WD
RECOGNITION_DECISION_WORKING_DAYS = 30  # RECOG-DECIDE-30WD
FAILED_VOTES_TO_ESCALATE = 3  # VOTE-ESCALATE
READMIT_MIN_MONTHS = 36  # READMIT
READMIT_AFTER_RECORD_CLEARED_MONTHS = 60  # READMIT
# 24-QĐ/TW (30/7/2021) dropped "hoặc tương đương" from the education requirement (EDU-MIN).
EDUCATION_EQUIVALENT_UNTIL = date(2021, 7, 30)

# READMIT: why a former member left (Person.party_left_reason), and which reasons bar re-admission
# for good (24-QĐ/TW 3.5; 294-QĐ/TW 3.5).
READMIT_REASONS: dict[str, Label] = {
    "abandoned_activity": gettext_lazy("Tự ý bỏ sinh hoạt đảng"),
    "resigned": gettext_lazy("Xin ra khỏi Đảng"),
    "resigned_hardship": gettext_lazy("Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"),
    "disunity": gettext_lazy("Gây mất đoàn kết nội bộ nghiêm trọng"),
    "corruption": gettext_lazy("Bị kết án về tội tham nhũng"),
    "serious_crime": gettext_lazy("Bị kết án về tội nghiêm trọng trở lên"),
    "less_serious_crime": gettext_lazy("Bị kết án về tội ít nghiêm trọng"),
    "population_policy": gettext_lazy("Vi phạm chính sách dân số, kế hoạch hóa gia đình"),
    "removed": gettext_lazy("Bị xóa tên"),
    "other": gettext_lazy("Lý do khác"),
}
READMIT_EXCLUDED = frozenset(
    {"abandoned_activity", "resigned", "disunity", "corruption", "serious_crime"}
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


# --- arithmetic --------------------------------------------------------------------------------


def required_agree(eligible: int) -> int:
    """Return the smallest integer ≥ 2/3 × eligible (exact integer arithmetic, no floats)."""
    if eligible < 0:
        raise ValueError("eligible must not be negative")
    return (2 * eligible + 2) // 3


def vote_result(eligible: int, present: int, agree: int) -> VoteResult:
    """Return the result of a vote; impossible numbers never pass."""
    required = required_agree(max(eligible, 0))
    possible = eligible >= 1 and 0 <= agree <= present <= eligible
    return VoteResult(eligible, present, agree, required, possible and agree >= required)


def add_months(day: date, months: int, *, month_end: str = MONTH_END_CLAMP) -> date:
    """Return the same day number `months` later; 29/2 or a 31st → last day of a short month.

    With month_end="overflow" the missing days spill into the next month instead (RulesConfig).
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    last = _days_in_month(year, month)
    if day.day <= last:
        return date(year, month, day.day)
    if month_end == MONTH_END_OVERFLOW:
        return date(year, month, last) + timedelta(days=day.day - last)
    return date(year, month, last)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def months_between(start: date, end: date, *, month_end: str = MONTH_END_CLAMP) -> int:
    """Return the full calendar months from start to end: the largest m with start + m ≤ end.

    Negative when end is before start (minus the months from end to start).
    """
    if end < start:
        return -months_between(end, start, month_end=month_end)
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months, month_end=month_end) > end:
        months -= 1
    while add_months(start, months + 1, month_end=month_end) <= end:
        months += 1
    return months


def official_date(ceremony_on: date, *, config: RulesConfig = CONFIG) -> date:
    """Return the day a probationary member becomes official: ceremony + 12 months (RECOG-DATE).

    The member is official from the exact end of the 12 months, even when the cell or the
    competent committee decides later (DOMAIN §4).
    """
    return add_months(ceremony_on, PROBATION_MONTHS, month_end=config.month_end)


def turns_on(birth_date: date, years: int, *, config: RulesConfig = CONFIG) -> date:
    """Return the day a person born on birth_date is fully `years` old, counted by month."""
    return add_months(birth_date, years * 12, month_end=config.month_end)


def is_over_60(birth_date: date, on: date, *, config: RulesConfig = CONFIG) -> bool:
    """Return whether the over-60 path applies at `on` (AGE-MAX, RulesConfig.upper_age_mode)."""
    if config.upper_age_mode == UPPER_AGE_MONTH:
        return months_between(birth_date, on, month_end=config.month_end) > MAX_AGE_MONTHS
    return on > turns_on(birth_date, 60, config=config)


def _age_borderline(birth_date: date, on: date, config: RulesConfig) -> bool:
    """Within the first month after the 60th birthday: the two readings of "đủ 60" differ."""
    months = months_between(birth_date, on, month_end=config.month_end)
    return months == MAX_AGE_MONTHS and on > turns_on(birth_date, 60, config=config)


# --- reading step data (typed by the service, or JSON from the database) -----------------------


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            try:
                return datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007 - a date
            except ValueError:
                return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def _ids(value: Any) -> list[int]:
    if isinstance(value, list | tuple):
        return [i for i in (_int(v) for v in value) if i is not None]
    single = _int(value)
    return [] if single is None else [single]


def _vote(data: Mapping[str, Any]) -> VoteResult | None:
    eligible, present, agree = (_int(data.get(k)) for k in ("eligible", "present", "agree"))
    if eligible is None or present is None or agree is None:
        return None
    return vote_result(eligible, present, agree)


def _passes(data: Mapping[str, Any]) -> bool:
    result = _vote(data)
    return result is not None and result.passes


# --- the walk over the steps --------------------------------------------------------------------

VOTE_ACTIONS = frozenset(
    {A.CELL_VOTE, A.COMMITTEE_VOTE, A.RECOGNITION_CELL_VOTE, A.RECOGNITION_COMMITTEE_VOTE}
)
_PROBATION_FILE = (A.NEW_MEMBER_COURSE, A.SELF_REVIEW, A.MENTOR_ASSESSMENT, A.PROBATION_OPINIONS)
# The step that takes a case into each stage (for "missing step" messages).
_GATE_ACTION = {
    TRAINED: A.COURSE,
    CANDIDATE: A.CANDIDATE_LISTED,
    VERIFIED: A.VERIFIED,
    INTRODUCED: A.INTRODUCED,
    OPINIONS: A.OPINIONS,
    CELL_APPROVED: A.CELL_VOTE,
    APPRAISED: A.APPRAISAL,
    COMMITTEE_APPROVED: A.COMMITTEE_VOTE,
    DECIDED: A.DECISION,
    PROBATION: A.CEREMONY,
    RECOGNITION_CELL: A.RECOGNITION_CELL_VOTE,
    RECOGNITION_COMMITTEE: A.RECOGNITION_COMMITTEE_VOTE,
    OFFICIAL: A.RECOGNITION_DECISION,
}
# The rule that names a missing gate (default ORDER).
_GATE_RULE = {
    VERIFIED: "VERIFY",
    INTRODUCED: "INTRO",
    CELL_APPROVED: "VOTE-CELL",
    COMMITTEE_APPROVED: "VOTE-GRASSROOTS",
    RECOGNITION_CELL: "VOTE-CELL",
    RECOGNITION_COMMITTEE: "VOTE-GRASSROOTS",
}


@dataclass
class _Progress:
    """What the accepted steps of a case add up to."""

    stage: str
    since: date
    outcome: str = OUTCOME_OPEN
    closed: bool = False
    seen: dict[str, list[StepFacts]] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    last_on: date | None = None
    cell_vote_on: date | None = None  # the cell resolution proposing admission
    decision_on: date | None = None
    received_on: date | None = None
    ceremony_on: date | None = None
    recognition_cell_on: date | None = None  # the cell resolution proposing recognition

    @property
    def index(self) -> int:
        return _INDEX[self.stage]

    def has(self, action: str) -> bool:
        return bool(self.seen.get(action))

    def latest(self, action: str) -> StepFacts | None:
        steps = self.seen.get(action)
        return steps[-1] if steps else None

    def advance(self, stage: str, on: date) -> None:
        if _INDEX[stage] > self.index:
            self.stage, self.since = stage, on


def _expects_appraisal(facts: CaseFacts) -> bool:
    # A chi bộ cơ sở sits directly under the superior: no đảng ủy bộ phận above it.
    return facts.has_sub_committee and not facts.cell_is_grassroots


def _path(facts: CaseFacts) -> tuple[str, ...]:
    """Return the stages this case passes through, in order (EXITED excluded)."""
    skip = {EXITED}
    if not _expects_appraisal(facts):
        skip.add(APPRAISED)
    if facts.cell_is_grassroots:
        skip |= {COMMITTEE_APPROVED, RECOGNITION_COMMITTEE}
    return tuple(s for s in STAGES if s not in skip)


def _next_stage(facts: CaseFacts, stage: str) -> str:
    path = _path(facts)
    position = path.index(stage)
    return path[min(position + 1, len(path) - 1)]


def _pre_committee(facts: CaseFacts) -> str:
    return APPRAISED if _expects_appraisal(facts) else CELL_APPROVED


def _progress(facts: CaseFacts, config: RulesConfig) -> _Progress:
    """Return the progress of the case: each step in order, ignoring any that was out of order.

    A step counts only if it would have been accepted in order (check_step refuses the others,
    so for stored steps this is a safety net, and it keeps derive_stage and check_step agreeing).
    """
    progress = _Progress(stage=SOURCE, since=facts.opened_on)
    for step in facts.steps:
        if progress.closed or _order_problems(facts, progress, step.action, step.data, config):
            continue
        _apply(facts, progress, step)
    return progress


def _apply(facts: CaseFacts, p: _Progress, step: StepFacts) -> None:
    action, on, data = step.action, step.occurred_on, step.data
    p.seen.setdefault(action, []).append(step)
    p.last_on = on
    if action in VOTE_ACTIONS and not _passes(data):
        p.failed[action] = p.failed.get(action, 0) + 1
    if action == A.EXIT:
        p.stage, p.since, p.closed = EXITED, on, True
        p.outcome = str(data.get("outcome") or "withdrawn")
    elif action == A.COURSE:
        p.advance(TRAINED, on)
    elif action == A.CANDIDATE_LISTED:
        p.advance(CANDIDATE, on)
    elif action in (A.APPLICATION, A.HISTORY):
        if p.stage == CANDIDATE and p.has(A.APPLICATION) and p.has(A.HISTORY):
            p.advance(DOSSIER, on)
    elif action == A.VERIFIED:
        if p.stage == DOSSIER and _bool(data.get("satisfactory"), False):
            p.advance(VERIFIED, on)
    elif action == A.INTRODUCED:
        p.advance(INTRODUCED, on)
    elif action == A.OPINIONS:
        p.advance(OPINIONS, on)
    elif action == A.CELL_VOTE and _passes(data):
        p.advance(CELL_APPROVED, on)
        p.cell_vote_on = on
    elif action == A.APPRAISAL:
        p.advance(APPRAISED, on)
    elif action == A.COMMITTEE_VOTE and _passes(data):
        p.advance(COMMITTEE_APPROVED, on)
    elif action == A.DECISION:
        if _bool(data.get("admitted"), True):
            p.advance(DECIDED, on)
            p.decision_on = on
            p.received_on = _date(data.get("received_on")) or on
        else:
            p.stage, p.since, p.closed, p.outcome = EXITED, on, True, OUTCOME_REFUSED
    elif action == A.CEREMONY:
        p.advance(PROBATION, on)
        p.ceremony_on = on
    elif action == A.RECOGNITION_CELL_VOTE and _passes(data):
        p.advance(RECOGNITION_CELL, on)
        p.recognition_cell_on = on
    elif action == A.RECOGNITION_COMMITTEE_VOTE and _passes(data):
        p.advance(RECOGNITION_COMMITTEE, on)
    elif action == A.RECOGNITION_DECISION:
        if _bool(data.get("recognised"), True):
            p.stage, p.since, p.closed, p.outcome = OFFICIAL, on, True, OUTCOME_OFFICIAL
        else:
            p.stage, p.since, p.closed = EXITED, on, True
            p.outcome = OUTCOME_PROBATION_DELETED


# --- order and prerequisites ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    rule_id: str
    # missing | done | too_late | closed | not_applicable | once | exit | same_cell | unknown
    kind: str
    subject: str = ""  # the missing action code, or the stage reached, or the exit outcome


def _order_problems(
    facts: CaseFacts, p: _Progress, action: str, data: Mapping[str, Any], config: RulesConfig
) -> list[_Problem]:
    """Return why `action` cannot be recorded in the case's current state (empty: it can)."""
    if action not in A.ACTIONS:
        return [_Problem("ORDER", "unknown", action)]
    if p.closed:
        return [_Problem("ORDER", "closed", p.stage)]
    i = p.index
    problems: list[_Problem] = []

    def need(stage: str) -> bool:
        """Add the first missing step on the way to `stage`; return whether it is reached."""
        if i >= _INDEX[stage]:
            return True
        gate = _next_stage(facts, p.stage)
        if gate == DOSSIER:
            problems.extend(
                _Problem("ORDER", "missing", a) for a in (A.APPLICATION, A.HISTORY) if not p.has(a)
            )
        elif gate == VERIFIED and not p.has(A.VERIFY_REQUESTED):
            problems.append(_Problem("VERIFY", "missing", A.VERIFY_REQUESTED))
        else:
            problems.append(_Problem(_GATE_RULE.get(gate, "ORDER"), "missing", _GATE_ACTION[gate]))
        return False

    def before(stage: str) -> None:
        if i >= _INDEX[stage]:
            problems.append(_Problem("ORDER", "too_late", p.stage))

    def done(stage: str) -> None:
        if i >= _INDEX[stage]:
            problems.append(_Problem("ORDER", "done", p.stage))

    def escalated(vote: str) -> bool:
        return (
            config.recognition_failures_go_up and p.failed.get(vote, 0) >= FAILED_VOTES_TO_ESCALATE
        )

    def probation_file() -> None:
        for doc in _PROBATION_FILE:
            if not p.has(doc):
                rule = "NEW-MEMBER-COURSE" if doc == A.NEW_MEMBER_COURSE else "ORDER"
                problems.append(_Problem(rule, "missing", doc))

    if action == A.OPEN:
        if facts.steps:
            problems.append(_Problem("ORDER", "done", p.stage))
    elif action == A.EXIT:
        outcome = data.get("outcome")
        allowed = _PROBATION_EXITS if i >= _INDEX[PROBATION] else _CANDIDATE_EXITS
        if outcome is not None and outcome not in allowed:
            problems.append(_Problem("ORDER", "exit", str(outcome)))
        elif outcome == OUTCOME_REJECTED:
            votes = (
                (A.RECOGNITION_CELL_VOTE, A.RECOGNITION_COMMITTEE_VOTE)
                if i >= _INDEX[PROBATION]
                else (A.CELL_VOTE, A.COMMITTEE_VOTE)
            )
            if not any(p.failed.get(v) for v in votes):
                problems.append(_Problem("ORDER", "missing_failed_vote", ""))
    elif action == A.TRANSFERRED:
        if _int(data.get("to_cell")) == facts.cell_id:
            problems.append(_Problem("ORDER", "same_cell", ""))
    elif action == A.COURSE:
        before(CELL_APPROVED)
    elif action == A.CANDIDATE_LISTED:
        if need(TRAINED):
            done(CANDIDATE)
    elif action in (A.MENTOR_ASSIGNED, A.MENTOR_REPORT):
        need(CANDIDATE)
    elif action in (A.APPLICATION, A.HISTORY):
        if need(CANDIDATE):
            before(CELL_APPROVED)
    elif action == A.VERIFY_REQUESTED:
        if need(DOSSIER):
            before(CELL_APPROVED)
    elif action == A.VERIFIED:
        if need(DOSSIER):
            if not p.has(A.VERIFY_REQUESTED):
                problems.append(_Problem("VERIFY", "missing", A.VERIFY_REQUESTED))
            before(CELL_APPROVED)
    elif action in (A.INTRODUCED, A.OPINIONS):
        if need(VERIFIED if action == A.INTRODUCED else INTRODUCED):
            before(CELL_APPROVED)
    elif action == A.OVER60_CONSENT:
        before(DECIDED)
    elif action == A.READMISSION_CONSENT:
        if not facts.is_readmission:
            problems.append(_Problem("READMIT", "not_applicable", ""))
        else:
            before(DECIDED)
    elif action == A.CELL_VOTE:
        if need(OPINIONS):
            done(CELL_APPROVED)
    elif action == A.APPRAISAL:
        if not _expects_appraisal(facts):
            problems.append(_Problem("ORDER", "not_applicable", ""))
        elif need(CELL_APPROVED):
            done(APPRAISED)
    elif action == A.COMMITTEE_VOTE:
        if facts.cell_is_grassroots:
            problems.append(_Problem("ORDER", "not_applicable", ""))
        elif need(_pre_committee(facts)):
            done(COMMITTEE_APPROVED)
    elif action == A.EXTENSION:
        if need(CELL_APPROVED):
            before(DECIDED)
            if p.has(A.EXTENSION):
                problems.append(_Problem("DECIDE-60WD", "once", ""))
    elif action == A.DECISION:
        # VOTE-GRASSROOTS [R]: when the grassroots committee does not reach 2/3, the full
        # result goes to the superior committee, which decides.
        committee_failed = (
            config.committee_failure_goes_up
            and not facts.cell_is_grassroots
            and p.stage == _pre_committee(facts)
            and p.failed.get(A.COMMITTEE_VOTE, 0) >= 1
        )
        if not committee_failed and need(_next_stage_before(facts, DECIDED)):
            done(DECIDED)
    elif action == A.CEREMONY_CONSENT:
        if need(DECIDED):
            before(PROBATION)
    elif action == A.CEREMONY:
        if need(DECIDED):
            done(PROBATION)
    elif action in _PROBATION_FILE:
        need(PROBATION)
    elif action == A.RECOGNITION_CELL_VOTE:
        if need(PROBATION):
            done(RECOGNITION_CELL)
            if i < _INDEX[RECOGNITION_CELL]:
                probation_file()
    elif action == A.RECOGNITION_COMMITTEE_VOTE:
        if facts.cell_is_grassroots:
            problems.append(_Problem("ORDER", "not_applicable", ""))
        # VOTE-ESCALATE [R]: after three failed cell votes the cell reports up and the
        # grassroots committee and the competent committee decide.
        elif p.stage == PROBATION and escalated(A.RECOGNITION_CELL_VOTE):
            probation_file()
        elif need(RECOGNITION_CELL):
            done(RECOGNITION_COMMITTEE)
    elif action == A.RECOGNITION_EXTENSION:
        if not (p.stage == PROBATION and escalated(A.RECOGNITION_CELL_VOTE)):
            need(RECOGNITION_CELL)
        if p.has(A.RECOGNITION_EXTENSION):
            problems.append(_Problem("RECOG-DECIDE-30WD", "once", ""))
    elif action == A.RECOGNITION_DECISION:
        if not _bool(data.get("recognised"), True):
            # Deletion from the probationary list may be decided at any time of probation.
            need(PROBATION)
        else:
            cell_escalated = p.stage == PROBATION and escalated(A.RECOGNITION_CELL_VOTE)
            if facts.cell_is_grassroots:
                if cell_escalated:
                    probation_file()
                else:
                    need(RECOGNITION_CELL)
            else:
                at_committee = p.stage == RECOGNITION_CELL or cell_escalated
                if at_committee and escalated(A.RECOGNITION_COMMITTEE_VOTE):
                    probation_file()
                else:
                    need(RECOGNITION_COMMITTEE)
    return problems


def _next_stage_before(facts: CaseFacts, stage: str) -> str:
    """Return the stage on this case's path just before `stage`."""
    path = _path(facts)
    return path[path.index(stage) - 1]


def _problem_finding(p: _Problem, action: str, on: date) -> Finding:
    label = _action_label(action)
    if p.kind == "missing":
        text = _("Chưa thể ghi “%(action)s”: còn thiếu bước “%(missing)s”") % {
            "action": label,
            "missing": _action_label(p.subject),
        }
    elif p.kind == "closed":
        text = _("Hồ sơ đã kết thúc (%(stage)s); không ghi thêm bước") % {
            "stage": _stage_label(p.subject)
        }
    elif p.kind == "done":
        text = _("Hồ sơ đã qua bước “%(action)s” (đang ở giai đoạn: %(stage)s)") % {
            "action": label,
            "stage": _stage_label(p.subject),
        }
    elif p.kind == "too_late":
        text = _("Không còn ghi “%(action)s” ở giai đoạn này (%(stage)s)") % {
            "action": label,
            "stage": _stage_label(p.subject),
        }
    elif p.kind == "not_applicable":
        text = _("Bước “%(action)s” không áp dụng cho hồ sơ này") % {"action": label}
    elif p.kind == "once":
        text = _("Chỉ được gia hạn một lần (thêm tối đa 30 ngày làm việc)")
    elif p.kind == "exit":
        text = _("Lý do dừng “%(outcome)s” không phù hợp với giai đoạn hiện tại") % {
            "outcome": p.subject
        }
    elif p.kind == "missing_failed_vote":
        text = _("Chưa có lần biểu quyết nào không đạt để ghi là không được thông qua")
    elif p.kind == "same_cell":
        text = _("Chi bộ nhận trùng với chi bộ đang quản lý hồ sơ")
    else:
        text = _("Bước không có trong danh mục: %(action)s") % {"action": p.subject}
    # Order problems always refuse the step, whatever the rule's usual severity.
    return _finding(p.rule_id, on, text, Severity.BLOCK)


def _action_label(code: str) -> str:
    spec = A.ACTIONS.get(code)
    return str(spec.label) if spec else code


_STAGE_LABELS: dict[str, Label] = {
    SOURCE: gettext_lazy("Tạo nguồn"),
    TRAINED: gettext_lazy("Đã học lớp nhận thức về Đảng"),
    CANDIDATE: gettext_lazy("Đối tượng kết nạp (có người giúp đỡ)"),
    DOSSIER: gettext_lazy("Đã nhận đơn và lý lịch"),
    VERIFIED: gettext_lazy("Đã thẩm tra lý lịch"),
    INTRODUCED: gettext_lazy("Đã có người giới thiệu"),
    OPINIONS: gettext_lazy("Đã tổng hợp ý kiến"),
    CELL_APPROVED: gettext_lazy("Chi bộ đề nghị kết nạp"),
    APPRAISED: gettext_lazy("Đảng ủy bộ phận đã thẩm định"),
    COMMITTEE_APPROVED: gettext_lazy("Đảng ủy cơ sở đề nghị kết nạp"),
    DECIDED: gettext_lazy("Đã có quyết định kết nạp"),
    PROBATION: gettext_lazy("Đảng viên dự bị"),
    RECOGNITION_CELL: gettext_lazy("Chi bộ đề nghị công nhận chính thức"),
    RECOGNITION_COMMITTEE: gettext_lazy("Đảng ủy cơ sở đề nghị công nhận"),
    OFFICIAL: gettext_lazy("Đảng viên chính thức"),
    EXITED: gettext_lazy("Đã dừng"),
}


def _stage_label(stage: str) -> str:
    return str(_STAGE_LABELS.get(stage, stage))


# --- the public functions -------------------------------------------------------------------------


def derive_stage(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> tuple[str, date]:
    """Return the stage the case has reached and the date it entered it.

    Failed votes, mentor reports, extensions, consents and transfers do not move the stage.
    """
    progress = _progress(facts, config)
    return progress.stage, progress.since


def outcome_of(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> str:
    """Return the case's outcome ("" while open)."""
    return _progress(facts, config).outcome


def next_actions(facts: CaseFacts, *, config: RulesConfig = CONFIG) -> list[str]:
    """Return the action codes the case may record next, in display (path) order."""
    progress = _progress(facts, config)
    if progress.closed:
        return []
    codes = [
        code
        for code in A.ACTIONS
        if code != A.OPEN and not _order_problems(facts, progress, code, {}, config)
    ]
    if A.OVER60_CONSENT in codes and not _over60_relevant(facts, progress, config):
        codes.remove(A.OVER60_CONSENT)
    return codes


def _over60_relevant(facts: CaseFacts, p: _Progress, config: RulesConfig) -> bool:
    """Whether the over-60 consent is worth offering: over 60 at the meeting, or close to it."""
    if p.cell_vote_on is not None:
        return is_over_60(facts.birth_date, p.cell_vote_on, config=config)
    on = p.last_on or facts.opened_on
    return months_between(facts.birth_date, on, month_end=config.month_end) >= MAX_AGE_MONTHS - 12


def check_step(
    facts: CaseFacts,
    action: str,
    occurred_on: date,
    data: Mapping[str, Any],
    *,
    today: date,
    calendar: WorkCalendar,
    members: Mapping[int, MemberFacts],
    config: RulesConfig = CONFIG,
) -> list[Finding]:
    """Return everything the rules say about recording this step; any BLOCK refuses it.

    A failing vote is a fact and is recorded (its findings say it does not pass); the stage
    does not move.
    """
    p = _progress(facts, config)
    on = occurred_on
    problems = _order_problems(facts, p, action, data, config)
    findings = [_problem_finding(x, action, on) for x in problems]
    findings += _date_findings(facts, action, on, data, today)
    if action in VOTE_ACTIONS:
        findings += _vote_findings(facts, p, action, on, data, members)
    if action in (A.CANDIDATE_LISTED, A.MENTOR_ASSIGNED, A.CEREMONY):
        findings += _member_findings(facts, data.get("mentor"), on, members, "MENTOR-OFFICIAL")
    if action == A.INTRODUCED:
        findings += _introduction_findings(facts, on, data, members, config, at_vote=False)
    if action == A.APPLICATION:
        findings += _readmission_findings(facts, on, config)
    if action == A.CELL_VOTE:
        findings += _eligibility_findings(facts, p, on, members, config)
    if action == A.OVER60_CONSENT and not is_over_60(facts.birth_date, on, config=config):
        findings.append(
            _finding(
                "AGE-MAX",
                on,
                _("Người vào Đảng chưa trên 60 tuổi; văn bản đồng ý này không bắt buộc"),
                Severity.INFO,
            )
        )
    if action in (A.DECISION, A.RECOGNITION_DECISION):
        findings += _authority_findings(facts, on, data, config)
    if action == A.DECISION:
        findings += _decision_findings(facts, p, on, data, calendar, config)
    if action == A.CEREMONY:
        findings += _ceremony_findings(p, on, calendar, config)
    if action == A.SELF_REVIEW and p.ceremony_on is not None:
        end = official_date(p.ceremony_on, config=config)
        if on < end:
            findings.append(
                _finding(
                    "PROBATION-END",
                    on,
                    _("Bản tự kiểm điểm được viết khi hết 12 tháng dự bị (ngày %(end)s)")
                    % {"end": _d(end)},
                    Severity.WARN,
                )
            )
    if action in (A.RECOGNITION_CELL_VOTE, A.RECOGNITION_DECISION):
        findings += _recognition_findings(facts, p, action, on, data, calendar, config)
    return findings


def _date_findings(
    facts: CaseFacts, action: str, on: date, data: Mapping[str, Any], today: date
) -> list[Finding]:
    findings = []
    if on > today:
        findings.append(
            _finding(
                "DATE-FUTURE",
                on,
                _("Ngày %(day)s ở tương lai (hôm nay là %(today)s)")
                % {"day": _d(on), "today": _d(today)},
            )
        )
    spec = A.ACTIONS.get(action)
    for field_spec in spec.fields if spec else ():
        if field_spec.type != "date":
            continue
        value = _date(data.get(field_spec.name))
        if value is not None and value > today:
            findings.append(
                _finding(
                    "DATE-FUTURE",
                    on,
                    _("%(label)s (%(day)s) ở tương lai")
                    % {"label": str(field_spec.label), "day": _d(value)},
                )
            )
    if facts.steps and on < facts.steps[-1].occurred_on:
        findings.append(
            _finding(
                "DATE-ORDER",
                on,
                _("Ngày %(day)s trước ngày của bước trước đó (%(previous)s)")
                % {"day": _d(on), "previous": _d(facts.steps[-1].occurred_on)},
            )
        )
    elif on < facts.opened_on:
        findings.append(
            _finding(
                "DATE-ORDER",
                on,
                _("Ngày %(day)s trước ngày lập hồ sơ (%(opened)s)")
                % {"day": _d(on), "opened": _d(facts.opened_on)},
            )
        )
    if action == A.DECISION:
        received = _date(data.get("received_on"))
        if received is not None and received < on:
            findings.append(
                _finding(
                    "DATE-ORDER",
                    on,
                    _("Ngày chi bộ nhận quyết định (%(received)s) trước ngày quyết định (%(day)s)")
                    % {"received": _d(received), "day": _d(on)},
                )
            )
    return findings


_VOTE_RULE = {
    A.CELL_VOTE: "VOTE-CELL",
    A.RECOGNITION_CELL_VOTE: "VOTE-CELL",
    A.COMMITTEE_VOTE: "VOTE-GRASSROOTS",
    A.RECOGNITION_COMMITTEE_VOTE: "VOTE-GRASSROOTS",
}


def _vote_findings(
    facts: CaseFacts,
    p: _Progress,
    action: str,
    on: date,
    data: Mapping[str, Any],
    members: Mapping[int, MemberFacts],
) -> list[Finding]:
    names = {
        "eligible": _("số có quyền biểu quyết"),
        "present": _("số có mặt"),
        "agree": _("số tán thành"),
    }
    values = {key: _int(data.get(key)) for key in names}
    problems = [
        _("Thiếu hoặc sai %(name)s") % {"name": name}
        for key, name in names.items()
        if values[key] is None
    ]
    eligible, present, agree = values["eligible"], values["present"], values["agree"]
    if eligible is not None and eligible < 1:
        problems.append(_("Số có quyền biểu quyết phải từ 1 trở lên"))
    if present is not None and present < 0:
        problems.append(_("Số có mặt không được âm"))
    if agree is not None and agree < 0:
        problems.append(_("Số tán thành không được âm"))
    if present is not None and eligible is not None and present > eligible:
        problems.append(
            _("Số có mặt (%(present)s) lớn hơn số có quyền biểu quyết (%(eligible)s)")
            % {"present": present, "eligible": eligible}
        )
    if agree is not None and present is not None and agree > present:
        problems.append(
            _("Số tán thành (%(agree)s) lớn hơn số có mặt (%(present)s)")
            % {"agree": agree, "present": present}
        )
    if problems:
        return [_finding("VOTE-NUMBERS", on, text) for text in problems]
    assert eligible is not None
    assert present is not None
    assert agree is not None
    findings = []
    if action in (A.CELL_VOTE, A.RECOGNITION_CELL_VOTE):
        # The eligible voters are the cell's official members (probationary ones do not vote).
        roll = sum(
            1
            for m in members.values()
            if m.cell_id == facts.cell_id
            and m.party_status == "official"
            and (m.official_on is None or m.official_on <= on)
            and m.person_id != facts.person_id
        )
        if roll and roll != eligible:
            findings.append(
                _finding(
                    "VOTE-NUMBERS",
                    on,
                    _(
                        "Số có quyền biểu quyết (%(eligible)s) khác số đảng viên chính thức "
                        "của chi bộ trong danh sách (%(roll)s)"
                    )
                    % {"eligible": eligible, "roll": roll},
                    Severity.WARN,
                )
            )
    result = vote_result(eligible, present, agree)
    rule_id = _VOTE_RULE[action]
    counts = {"agree": agree, "eligible": eligible, "required": result.required}
    if result.passes:
        findings.append(
            _finding(
                rule_id,
                on,
                _("Đạt: %(agree)s/%(eligible)s tán thành, cần ít nhất %(required)s (2/3)") % counts,
                Severity.INFO,
            )
        )
        return findings
    findings.append(
        _finding(
            rule_id,
            on,
            _(
                "Không đạt: %(agree)s/%(eligible)s tán thành, cần ít nhất %(required)s (2/3); "
                "kết quả vẫn được ghi nhận, hồ sơ chưa chuyển bước"
            )
            % counts,
            Severity.INFO,
        )
    )
    if action == A.COMMITTEE_VOTE:
        findings.append(
            _finding(
                "VOTE-GRASSROOTS",
                on,
                _(
                    "Đảng ủy cơ sở không đạt 2/3: báo cáo đầy đủ kết quả biểu quyết lên cấp ủy "
                    "cấp trên để xem xét, quyết định"
                ),
                Severity.WARN,
            )
        )
    failures = p.failed.get(action, 0) + 1
    if failures >= FAILED_VOTES_TO_ESCALATE:
        findings.append(_escalation(action, failures, on))
    return findings


def _escalation(action: str, failures: int, on: date) -> Finding:
    return _finding(
        "VOTE-ESCALATE",
        on,
        _(
            "Đã %(n)s lần biểu quyết “%(action)s” không đạt 2/3: báo cáo cấp ủy cấp trên trực "
            "tiếp và cấp ủy có thẩm quyền xem xét, quyết định"
        )
        % {"n": failures, "action": _action_label(action)},
    )


def _member_findings(
    facts: CaseFacts,
    person: Any,
    on: date,
    members: Mapping[int, MemberFacts],
    rule_id: str,
    severity: Severity | None = None,
) -> list[Finding]:
    """An assigned mentor or an introducer must be an official member of the case's cell."""
    pid = _int(person)
    if pid is None:
        return [_finding(rule_id, on, _("Chưa chọn đảng viên"), severity)]
    if pid == facts.person_id:
        return [
            _finding(
                rule_id, on, _("Người vào Đảng không thể tự giúp đỡ, giới thiệu mình"), severity
            )
        ]
    member = members.get(pid)
    if (
        member is None
        or member.party_status != "official"
        or (member.official_on is not None and member.official_on > on)
    ):
        return [
            _finding(
                rule_id,
                on,
                _("Người được chọn không phải đảng viên chính thức vào ngày %(day)s")
                % {"day": _d(on)},
                severity,
            )
        ]
    if member.cell_id != facts.cell_id:
        return [
            _finding(
                rule_id,
                on,
                _("Người được chọn không sinh hoạt tại chi bộ quản lý hồ sơ"),
                severity,
            )
        ]
    return []


def _introduction_findings(
    facts: CaseFacts,
    on: date,
    data: Mapping[str, Any],
    members: Mapping[int, MemberFacts],
    config: RulesConfig,
    *,
    at_vote: bool,
    vote_on: date | None = None,
) -> list[Finding]:
    """INTRO: who introduces and how (Charter art. 4.1; regulation point 3.3).

    `on` is the letter date. At the cell vote the letter is judged again; an introducer who is
    no longer an official member of the cell is a warning there (the cell assigns a
    replacement), not a block, since the roll may lag.
    """
    judged_on = vote_on or on
    findings: list[Finding] = []
    mode = data.get("mode")
    introducers = _ids(data.get("introducers"))
    distinct = len(set(introducers))
    if len(set(introducers)) != len(introducers):
        findings.append(
            _finding("INTRO", judged_on, _("Một người được ghi hai lần là người giới thiệu"))
        )
    for pid in dict.fromkeys(introducers):
        problems = _member_findings(facts, pid, on, members, "INTRO")
        if at_vote and problems:
            findings.append(
                _finding(
                    "INTRO",
                    judged_on,
                    _(
                        "Người giới thiệu không còn là đảng viên chính thức của chi bộ: chi bộ "
                        "phân công đảng viên chính thức khác thay thế"
                    ),
                    Severity.WARN,
                )
            )
        elif not at_vote:
            findings += problems
    if not _bool(data.get("replacement"), False):
        months = _int(data.get("worked_together_months"))
        if months is None or months < INTRODUCER_MIN_MONTHS:
            findings.append(
                _finding(
                    "INTRO",
                    judged_on,
                    _(
                        "Người giới thiệu chưa cùng công tác, học tập hoặc cư trú với người vào "
                        "Đảng đủ 12 tháng (ghi nhận: %(months)s tháng)"
                    )
                    % {"months": "—" if months is None else months},
                )
            )
    resolution = str(data.get("resolution_number") or "").strip()
    if mode == "two_members":
        if distinct != 2:
            findings.append(
                _finding(
                    "INTRO",
                    judged_on,
                    _("Cần đúng hai đảng viên chính thức giới thiệu (ghi nhận: %(n)s)")
                    % {"n": distinct},
                )
            )
    elif mode in ("youth_union", "trade_union"):
        youth = mode == "youth_union"
        if youth and not facts.youth_union_member:
            findings.append(
                _finding(
                    "INTRO",
                    judged_on,
                    _("Người vào Đảng không phải đoàn viên Đoàn TNCS Hồ Chí Minh"),
                )
            )
        if youth:
            years = months_between(facts.birth_date, on, month_end=config.month_end) // 12
            if not config.youth_age_min_years <= years <= config.youth_age_max_years:
                findings.append(
                    _finding(
                        "INTRO",
                        judged_on,
                        _(
                            "Người vào Đảng %(years)s tuổi, ngoài độ tuổi thanh niên "
                            "(%(low)s–%(high)s): không giới thiệu qua Đoàn"
                        )
                        % {
                            "years": years,
                            "low": config.youth_age_min_years,
                            "high": config.youth_age_max_years,
                        },
                    )
                )
        if not youth and not facts.trade_union_member:
            findings.append(
                _finding("INTRO", judged_on, _("Người vào Đảng không phải đoàn viên công đoàn"))
            )
        if distinct != 1:
            findings.append(
                _finding(
                    "INTRO",
                    judged_on,
                    _(
                        "Khi tổ chức Đoàn hoặc Công đoàn giới thiệu, cần thêm đúng một đảng "
                        "viên chính thức (ghi nhận: %(n)s)"
                    )
                    % {"n": distinct},
                )
            )
        if not resolution:
            findings.append(
                _finding(
                    "INTRO",
                    judged_on,
                    _("Thiếu số nghị quyết giới thiệu của Ban Chấp hành Đoàn / Công đoàn cơ sở"),
                )
            )
    else:
        findings.append(_finding("INTRO", judged_on, _("Hình thức giới thiệu không hợp lệ")))
    return findings


def _readmission_findings(facts: CaseFacts, on: date, config: RulesConfig) -> list[Finding]:
    """READMIT: conditions on a former member applying again (regulation point 3.5)."""
    if not facts.is_readmission:
        return []
    r = facts.readmission
    if r is None or r.left_on is None:
        return [_finding("READMIT", on, _("Chưa có ngày ra khỏi Đảng của người xin kết nạp lại"))]
    findings = []
    if months_between(r.left_on, on, month_end=config.month_end) < READMIT_MIN_MONTHS:
        findings.append(
            _finding(
                "READMIT",
                on,
                _("Chưa đủ 36 tháng kể từ ngày ra khỏi Đảng (%(left)s); đủ từ ngày %(from)s")
                % {
                    "left": _d(r.left_on),
                    "from": _d(
                        add_months(r.left_on, READMIT_MIN_MONTHS, month_end=config.month_end)
                    ),
                },
            )
        )
    if r.record_cleared_on is not None:
        cleared = r.record_cleared_on
        if (
            months_between(cleared, on, month_end=config.month_end)
            < READMIT_AFTER_RECORD_CLEARED_MONTHS
        ):
            findings.append(
                _finding(
                    "READMIT",
                    on,
                    _("Chưa đủ 60 tháng kể từ ngày được xóa án tích (%(cleared)s)")
                    % {"cleared": _d(cleared)},
                )
            )
    elif r.left_reason == "less_serious_crime":
        findings.append(
            _finding("READMIT", on, _("Chưa có ngày được xóa án tích của người từng bị kết án"))
        )
    excluded = set(READMIT_EXCLUDED)
    if not config.readmit_hardship_exception:
        excluded.add("resigned_hardship")
    if r.left_reason in excluded:
        findings.append(
            _finding(
                "READMIT",
                on,
                _("Không xem xét kết nạp lại người ra khỏi Đảng vì lý do: %(reason)s")
                % {"reason": str(READMIT_REASONS[r.left_reason])},
            )
        )
    if r.readmitted_before:
        findings.append(_finding("READMIT", on, _("Người này đã được kết nạp lại một lần")))
    return findings


def _eligibility_findings(
    facts: CaseFacts,
    p: _Progress,
    on: date,
    members: Mapping[int, MemberFacts],
    config: RulesConfig,
) -> list[Finding]:
    """Everything the cell checks at its meeting (the meeting date judges age and validity)."""
    findings: list[Finding] = []
    birth = facts.birth_date
    # AGE-MIN [R]: full 18 years counted by month at the meeting date.
    if months_between(birth, on, month_end=config.month_end) < MIN_AGE_MONTHS:
        findings.append(
            _finding(
                "AGE-MIN",
                on,
                _("Chưa đủ 18 tuổi tính theo tháng tại ngày chi bộ xét; đủ 18 tuổi từ ngày %(day)s")
                % {"day": _d(turns_on(birth, 18, config=config))},
            )
        )
    # AGE-MAX: warned at the vote, blocked at the decision without the written consent.
    findings += _over60_findings(facts, p, on, config, at_decision=False)
    # EDU-MIN [R]: lower-secondary diploma ("or equivalent" before 30/7/2021), else the
    # difficult-area / fisherman exception with primary school completed.
    equivalent_accepted = on < EDUCATION_EQUIVALENT_UNTIL
    meets = facts.education_meets_lower_secondary or (
        facts.education_equivalent and equivalent_accepted
    )
    if not meets and not (facts.education_exception and facts.education_primary_completed):
        if facts.education_exception:
            text = _("Thuộc diện ngoại lệ về học vấn nhưng chưa hoàn thành chương trình tiểu học")
        elif equivalent_accepted:
            text = _("Chưa có bằng tốt nghiệp trung học cơ sở hoặc tương đương")
        elif facts.education_equivalent:
            text = _(
                "Chưa có bằng tốt nghiệp trung học cơ sở (từ 30/7/2021 văn bằng tương đương "
                "không còn được chấp nhận)"
            )
        else:
            text = _("Chưa có bằng tốt nghiệp trung học cơ sở")
        findings.append(_finding("EDU-MIN", on, text))
    # CERT-VALID: the latest awareness certificate, valid for N months from its issue date.
    course = p.latest(A.COURSE)
    if course is None:
        findings.append(
            _finding(
                "CERT-VALID", on, _("Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng")
            )
        )
    else:
        issued = _date(course.data.get("issued_on")) or course.occurred_on
        valid_until = add_months(
            issued, config.certificate_validity_months, month_end=config.month_end
        )
        if valid_until < on:
            findings.append(
                _finding(
                    "CERT-VALID",
                    on,
                    _(
                        "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng cấp ngày %(issued)s "
                        "đã hết giá trị sau ngày %(until)s (%(months)s tháng): cần học lại"
                    )
                    % {
                        "issued": _d(issued),
                        "until": _d(valid_until),
                        "months": config.certificate_validity_months,
                    },
                )
            )
    # INTRO: the latest introduction, judged as of its letter date.
    letter = p.latest(A.INTRODUCED)
    if letter is None:
        findings.append(_finding("INTRO", on, _("Chưa có người giới thiệu")))
    else:
        findings += _introduction_findings(
            facts, letter.occurred_on, letter.data, members, config, at_vote=True, vote_on=on
        )
    # VERIFY: the latest conclusion must certify the lý lịch.
    verification = p.latest(A.VERIFIED)
    if verification is None:
        findings.append(
            _finding("VERIFY", on, _("Lý lịch chưa được cấp ủy cơ sở thẩm tra, chứng nhận"))
        )
    elif not _bool(verification.data.get("satisfactory"), False):
        findings.append(
            _finding(
                "VERIFY",
                on,
                _("Kết luận thẩm tra lý lịch gần nhất: chưa đủ tiêu chuẩn chính trị"),
            )
        )
    opinions = p.latest(A.OPINIONS)
    if opinions is not None and not _bool(opinions.data.get("favourable"), True):
        findings.append(
            _finding(
                "OPINIONS",
                on,
                _("Ý kiến của đoàn thể, chi ủy nơi cư trú chưa tán thành: chi ủy cần xem xét lại"),
            )
        )
    findings += _readmission_findings(facts, on, config)
    return findings


def _over60_findings(
    facts: CaseFacts,
    p: _Progress,
    on: date,
    config: RulesConfig,
    *,
    at_decision: bool,
    severity: Severity | None = None,
) -> list[Finding]:
    """AGE-MAX: over 60 at the meeting date → the province standing committee's written consent.

    At the cell vote (`on` is the meeting) it warns; at the decision (`on` is the decision, the
    age is still judged at the meeting) it blocks unless the consent was recorded by then.
    """
    meeting = p.cell_vote_on if at_decision else on
    if meeting is None:
        return []
    findings = []
    birth = facts.birth_date
    consent = any(s.occurred_on <= on for s in p.seen.get(A.OVER60_CONSENT, ()))
    if is_over_60(birth, meeting, config=config) and not consent:
        findings.append(
            _finding(
                "AGE-MAX",
                on,
                _(
                    "Trên 60 tuổi tại ngày chi bộ xét (%(meeting)s): cần Ban Thường vụ tỉnh ủy "
                    "đồng ý bằng văn bản trước khi cấp ủy trực thuộc Trung ương quyết định"
                )
                % {"meeting": _d(meeting)},
                severity or (Severity.BLOCK if at_decision else Severity.WARN),
            )
        )
    if not at_decision and _age_borderline(birth, meeting, config):
        findings.append(
            _finding(
                "AGE-MAX",
                on,
                _(
                    "Vừa qua sinh nhật 60 tuổi (%(day)s): cách hiểu “đủ 60 tuổi tính theo tháng” "
                    "chưa thống nhất, đề nghị hỏi ý kiến cấp ủy cấp trên"
                )
                % {"day": _d(turns_on(birth, 60, config=config))},
                Severity.WARN,
            )
        )
    return findings


def _authority_findings(
    facts: CaseFacts, on: date, data: Mapping[str, Any], config: RulesConfig
) -> list[Finding]:
    """AUTHORITY: the deciding committee is the one the organisation tree names (§1.2)."""
    if not config.check_decision_authority or facts.authority_id is None:
        return []
    given = data.get("authority")
    if given is None or given == facts.authority_id:
        return []
    return [
        _finding(
            "AUTHORITY",
            on,
            _("Cấp quyết định không đúng thẩm quyền: theo cây tổ chức, cấp có thẩm quyền là %(a)s")
            % {"a": facts.authority_label},
        )
    ]


def _decision_findings(
    facts: CaseFacts,
    p: _Progress,
    on: date,
    data: Mapping[str, Any],
    calendar: WorkCalendar,
    config: RulesConfig,
) -> list[Finding]:
    findings: list[Finding] = []
    if p.cell_vote_on is not None:
        due = _decision_due(p, calendar)
        if on > due:
            findings.append(
                _finding(
                    "DECIDE-60WD",
                    on,
                    _("Quyết định sau thời hạn (hạn %(due)s, tính từ nghị quyết chi bộ %(vote)s)")
                    % {"due": _d(due), "vote": _d(p.cell_vote_on)},
                )
            )
    if not _bool(data.get("admitted"), True):
        return findings
    findings += _over60_findings(facts, p, on, config, at_decision=True)
    if facts.is_readmission and not any(
        s.occurred_on <= on for s in p.seen.get(A.READMISSION_CONSENT, ())
    ):
        findings.append(
            _finding(
                "READMIT",
                on,
                _("Kết nạp lại cần văn bản đồng ý của Ban Thường vụ tỉnh ủy trước khi quyết định"),
            )
        )
    return findings


def _decision_due(p: _Progress, calendar: WorkCalendar) -> date:
    assert p.cell_vote_on is not None
    days = DECIDE_WORKING_DAYS + (EXTENSION_WORKING_DAYS if p.has(A.EXTENSION) else 0)
    return calendar.add_working_days(p.cell_vote_on, days)


def _ceremony_findings(
    p: _Progress, on: date, calendar: WorkCalendar, config: RulesConfig
) -> list[Finding]:
    if p.received_on is None:
        return []
    findings = []
    if on < p.received_on:
        findings.append(
            _finding(
                "DATE-ORDER",
                on,
                _("Lễ kết nạp (%(day)s) trước ngày chi bộ nhận quyết định (%(received)s)")
                % {"day": _d(on), "received": _d(p.received_on)},
            )
        )
    due = calendar.add_working_days(p.received_on, CEREMONY_WORKING_DAYS)
    if on > due:
        if p.has(A.CEREMONY_CONSENT):
            findings.append(
                _finding(
                    "CEREMONY-30WD",
                    on,
                    _("Lễ kết nạp sau hạn %(due)s, đã có văn bản đồng ý của cấp ủy cấp trên")
                    % {"due": _d(due)},
                    Severity.INFO,
                )
            )
        else:
            findings.append(
                _finding(
                    "CEREMONY-30WD",
                    on,
                    _(
                        "Quá 30 ngày làm việc kể từ ngày nhận quyết định (hạn %(due)s): cần văn "
                        "bản đồng ý của cấp ủy cấp trên trực tiếp"
                    )
                    % {"due": _d(due)},
                )
            )
    findings.append(
        _finding(
            "PROBATION-END",
            on,
            _("Thời hạn dự bị 12 tháng, hết ngày %(end)s")
            % {"end": _d(official_date(on, config=config))},
        )
    )
    return findings


def _recognition_findings(
    facts: CaseFacts,
    p: _Progress,
    action: str,
    on: date,
    data: Mapping[str, Any],
    calendar: WorkCalendar,
    config: RulesConfig,
) -> list[Finding]:
    if p.ceremony_on is None:
        return []
    end = official_date(p.ceremony_on, config=config)
    findings = []
    recognising = action == A.RECOGNITION_CELL_VOTE or _bool(data.get("recognised"), True)
    if recognising and on <= end:
        findings.append(
            _finding(
                "RECOG-30WD",
                on,
                _("Chỉ xét công nhận đảng viên chính thức sau khi hết 12 tháng dự bị (%(end)s)")
                % {"end": _d(end)},
            )
        )
    if action == A.RECOGNITION_CELL_VOTE:
        due = calendar.add_working_days(end, RECOGNITION_WORKING_DAYS)
        if on > due:
            findings.append(
                _finding(
                    "RECOG-30WD",
                    on,
                    _("Chi bộ xét công nhận sau hạn 30 ngày làm việc (hạn %(due)s)")
                    % {"due": _d(due)},
                    Severity.WARN,
                )
            )
        return findings
    if p.recognition_cell_on is not None:
        due = _recognition_decision_due(p, calendar)
        if on > due:
            findings.append(
                _finding(
                    "RECOG-DECIDE-30WD",
                    on,
                    _(
                        "Quyết định công nhận sau hạn (hạn %(due)s, tính từ nghị quyết chi bộ "
                        "%(vote)s)"
                    )
                    % {"due": _d(due), "vote": _d(p.recognition_cell_on)},
                )
            )
    if recognising:
        findings.append(
            _finding(
                "RECOG-DATE",
                on,
                _("Ngày chính thức: %(end)s (đủ 12 tháng kể từ lễ kết nạp %(ceremony)s)")
                % {"end": _d(end), "ceremony": _d(p.ceremony_on)},
            )
        )
    return findings


def _recognition_decision_due(p: _Progress, calendar: WorkCalendar) -> date:
    assert p.recognition_cell_on is not None
    days = RECOGNITION_DECISION_WORKING_DAYS + (
        EXTENSION_WORKING_DAYS if p.has(A.RECOGNITION_EXTENSION) else 0
    )
    return calendar.add_working_days(p.recognition_cell_on, days)


def due_dates(
    facts: CaseFacts, *, calendar: WorkCalendar, config: RulesConfig = CONFIG
) -> list[Due]:
    """Return the case's open deadlines (not yet met), earliest first."""
    p = _progress(facts, config)
    if p.closed:
        return []
    dues: list[Due] = []
    if p.cell_vote_on is not None and p.index < _INDEX[DECIDED]:
        dues.append(Due("DECIDE-60WD", _decision_due(p, calendar), _("Hạn quyết định kết nạp")))
    if p.received_on is not None and p.index < _INDEX[PROBATION]:
        dues.append(
            Due(
                "CEREMONY-30WD",
                calendar.add_working_days(p.received_on, CEREMONY_WORKING_DAYS),
                _("Hạn tổ chức lễ kết nạp"),
            )
        )
    if p.ceremony_on is not None:
        end = official_date(p.ceremony_on, config=config)
        if p.index < _INDEX[RECOGNITION_CELL]:
            dues.append(Due("PROBATION-END", end, _("Hết thời hạn dự bị"), deadline=False))
            dues.append(
                Due(
                    "RECOG-30WD",
                    calendar.add_working_days(end, RECOGNITION_WORKING_DAYS),
                    _("Hạn chi bộ xét công nhận đảng viên chính thức"),
                )
            )
    if p.recognition_cell_on is not None:
        dues.append(
            Due(
                "RECOG-DECIDE-30WD",
                _recognition_decision_due(p, calendar),
                _("Hạn quyết định công nhận đảng viên chính thức"),
            )
        )
    return sorted(dues, key=lambda due: (due.due_on, due.rule_id))


def case_findings(
    facts: CaseFacts,
    *,
    today: date,
    calendar: WorkCalendar,
    members: Mapping[int, MemberFacts],
    config: RulesConfig = CONFIG,
) -> list[Finding]:
    """Return what the case page shows at any time: overdue deadlines and coming problems."""
    p = _progress(facts, config)
    if p.closed:
        return []
    findings: list[Finding] = []
    for due in due_dates(facts, calendar=calendar, config=config):
        if due.due_on < today and due.rule_id != "PROBATION-END":
            findings.append(
                _finding(
                    due.rule_id,
                    today,
                    _("Quá hạn: %(label)s (%(due)s)") % {"label": due.label, "due": _d(due.due_on)},
                    Severity.WARN,
                )
            )
    birth = facts.birth_date
    before_vote = p.index < _INDEX[CELL_APPROVED]
    if before_vote:
        if months_between(birth, today, month_end=config.month_end) < MIN_AGE_MONTHS:
            findings.append(
                _finding(
                    "AGE-MIN",
                    today,
                    _("Chưa đủ 18 tuổi; chi bộ chỉ xét từ ngày %(day)s")
                    % {"day": _d(turns_on(birth, 18, config=config))},
                    Severity.INFO,
                )
            )
        if is_over_60(birth, today, config=config):
            if not p.has(A.OVER60_CONSENT):
                findings.append(
                    _finding(
                        "AGE-MAX",
                        today,
                        _("Đã trên 60 tuổi: cần Ban Thường vụ tỉnh ủy đồng ý bằng văn bản"),
                        Severity.WARN,
                    )
                )
        else:
            sixty = turns_on(birth, 60, config=config)
            if add_months(today, config.age_warning_months, month_end=config.month_end) >= sixty:
                findings.append(
                    _finding(
                        "AGE-MAX",
                        today,
                        _("Sắp đủ 60 tuổi (%(day)s): chi bộ cần xét trước ngày này")
                        % {"day": _d(sixty)},
                        Severity.WARN,
                    )
                )
        course = p.latest(A.COURSE)
        if course is not None:
            issued = _date(course.data.get("issued_on")) or course.occurred_on
            until = add_months(
                issued, config.certificate_validity_months, month_end=config.month_end
            )
            if until < today:
                findings.append(
                    _finding(
                        "CERT-VALID",
                        today,
                        _(
                            "Giấy chứng nhận lớp nhận thức về Đảng đã hết giá trị từ %(day)s: "
                            "cần học lại"
                        )
                        % {"day": _d(until + timedelta(days=1))},
                        Severity.WARN,
                    )
                )
            elif (
                add_months(today, config.certificate_warning_months, month_end=config.month_end)
                > until
            ):
                findings.append(
                    _finding(
                        "CERT-VALID",
                        today,
                        _("Giấy chứng nhận lớp nhận thức về Đảng còn giá trị đến %(day)s")
                        % {"day": _d(until)},
                        Severity.WARN,
                    )
                )
        findings += _readmission_findings(facts, today, config)
    elif p.index < _INDEX[DECIDED]:
        findings += _over60_findings(
            facts, p, today, config, at_decision=True, severity=Severity.WARN
        )
        if facts.is_readmission and not p.has(A.READMISSION_CONSENT):
            findings.append(
                _finding(
                    "READMIT",
                    today,
                    _("Kết nạp lại: chưa có văn bản đồng ý của Ban Thường vụ tỉnh ủy"),
                    Severity.WARN,
                )
            )
    # Three failed votes of one kind at the stage the case is still in.
    for vote, stage in (
        (A.CELL_VOTE, OPINIONS),
        (A.COMMITTEE_VOTE, _pre_committee(facts)),
        (A.RECOGNITION_CELL_VOTE, PROBATION),
        (A.RECOGNITION_COMMITTEE_VOTE, RECOGNITION_CELL),
    ):
        failures = p.failed.get(vote, 0)
        if p.stage == stage and failures >= FAILED_VOTES_TO_ESCALATE:
            findings.append(_escalation(vote, failures, today))
    if (
        not facts.cell_is_grassroots
        and p.stage == _pre_committee(facts)
        and p.failed.get(A.COMMITTEE_VOTE, 0)
        and p.failed.get(A.COMMITTEE_VOTE, 0) < FAILED_VOTES_TO_ESCALATE
    ):
        findings.append(
            _finding(
                "VOTE-GRASSROOTS",
                today,
                _(
                    "Đảng ủy cơ sở chưa đạt 2/3: báo cáo đầy đủ kết quả biểu quyết lên cấp ủy "
                    "cấp trên để xem xét, quyết định"
                ),
                Severity.WARN,
            )
        )
    # The current mentor must still be an official member of the cell.
    mentor_step = _current_mentor_step(p)
    if mentor_step is not None:
        pid = _int(mentor_step.data.get("mentor"))
        if pid is not None and pid in members:
            findings += _member_findings(
                facts, pid, today, members, "MENTOR-OFFICIAL", Severity.WARN
            )
    return findings


def _current_mentor_step(p: _Progress) -> StepFacts | None:
    steps = [
        s for a in (A.CANDIDATE_LISTED, A.MENTOR_ASSIGNED, A.CEREMONY) for s in p.seen.get(a, ())
    ]
    return max(steps, key=lambda s: s.seq) if steps else None
