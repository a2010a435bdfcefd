"""Stages, outcomes, findings, the facts the rules read, the open choices and arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy

# The stages and outcomes are declared with the steps (pipeline.actions); the same values as
# pipeline.models.Stage / Outcome, repeated because models import django.db (a test checks).
from ptdv.pipeline.actions import (
    OUTCOME_PROBATION_DELETED,
    STAGES,
    Label,
)

_INDEX = {stage: i for i, stage in enumerate(STAGES)}

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
    # Exempted from activity (24-QĐ/TW 7.1) on the step's day.
    exempted: bool = False


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
    # VOTE-ELECTORATE: for a grassroots-committee vote, the committee (its unit) and how many
    # sat on it on the vote's day, from the registry's committee seats; size None when no seat
    # of that committee was ever recorded (the figure cannot be checked: a warning says so).
    committee_id: int | None = None
    committee_label: str = ""
    committee_size: int | None = None


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
    # VOTE-ELECTORATE [?] (issue 7 item 7): whether members exempted from activity
    # (24-QĐ/TW 7.1) count among those entitled to vote in a cell vote. They are exempt from
    # meetings and activity, so by default they are not counted in the base; the texts do not
    # settle it, hence the setting.
    electorate_counts_exempted: bool = False
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
