"""MENTOR-OFFICIAL and INTRO: who helps and who introduces a candidate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ptdv.pipeline.rules.base import (
    INTRODUCER_MIN_MONTHS,
    CaseFacts,
    Finding,
    MemberFacts,
    RulesConfig,
    Severity,
    _bool,
    _ids,
    _int,
    months_between,
)
from ptdv.pipeline.rules.catalog import (
    _d,
    _finding,
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
