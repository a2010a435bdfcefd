"""What the cell checks at its meeting: age, education, certificate, introduction; AUTHORITY."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ptdv.pipeline import actions as A
from ptdv.pipeline.rules.base import (
    EDUCATION_EQUIVALENT_UNTIL,
    MIN_AGE_MONTHS,
    CaseFacts,
    Finding,
    MemberFacts,
    RulesConfig,
    Severity,
    _age_borderline,
    _bool,
    _date,
    add_months,
    is_over_60,
    months_between,
    turns_on,
)
from ptdv.pipeline.rules.catalog import (
    _d,
    _finding,
)
from ptdv.pipeline.rules.introduction import (
    _introduction_findings,
)
from ptdv.pipeline.rules.readmission import (
    _readmission_findings,
)
from ptdv.pipeline.rules.state import (
    CaseState,
)


def _eligibility_findings(
    facts: CaseFacts,
    p: CaseState,
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
    p: CaseState,
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
