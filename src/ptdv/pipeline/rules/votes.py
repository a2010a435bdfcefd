"""VOTE-*: the numbers of a vote and what a failed vote means."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ptdv.pipeline import actions as A
from ptdv.pipeline.rules.base import (
    FAILED_VOTES_TO_ESCALATE,
    CaseFacts,
    Finding,
    MemberFacts,
    RulesConfig,
    Severity,
    _int,
    vote_result,
)
from ptdv.pipeline.rules.catalog import (
    _finding,
)
from ptdv.pipeline.rules.state import (
    CaseState,
    _action_label,
)

_VOTE_RULE = {
    A.CELL_VOTE: "VOTE-CELL",
    A.RECOGNITION_CELL_VOTE: "VOTE-CELL",
    A.COMMITTEE_VOTE: "VOTE-GRASSROOTS",
    A.RECOGNITION_COMMITTEE_VOTE: "VOTE-GRASSROOTS",
}


def cell_electorate(
    facts: CaseFacts, on: date, members: Mapping[int, MemberFacts], config: RulesConfig
) -> int:
    """Return how many are entitled to vote in a cell vote on the day the member facts were
    read for: the cell's official members on the roll then (probationary members do not vote,
    Charter art. 3), without the candidate, exempted members only if the setting says so."""
    return sum(
        1
        for m in members.values()
        if m.cell_id == facts.cell_id
        and m.party_status == "official"
        and (m.official_on is None or m.official_on <= on)
        and m.person_id != facts.person_id
        and (config.electorate_counts_exempted or not m.exempted)
    )


def _electorate_findings(
    facts: CaseFacts,
    action: str,
    on: date,
    eligible: int,
    members: Mapping[int, MemberFacts],
    config: RulesConfig,
) -> list[Finding]:
    """VOTE-ELECTORATE: the typed "eligible" must be the real electorate on the meeting day,
    or a vote could pass below 2/3 of the body (4 official members typed as 3, 2 agree)."""
    if action in (A.CELL_VOTE, A.RECOGNITION_CELL_VOTE):
        roll = cell_electorate(facts, on, members, config)
        if roll != eligible:
            return [
                _finding(
                    "VOTE-ELECTORATE",
                    on,
                    _(
                        "Số có quyền biểu quyết nhập vào (%(eligible)s) khác số đảng viên chính "
                        "thức của chi bộ theo sổ đảng viên ngày %(day)s (%(roll)s)%(exempt)s"
                    )
                    % {
                        "eligible": eligible,
                        "roll": roll,
                        "day": f"{on:%d/%m/%Y}",
                        "exempt": ""
                        if config.electorate_counts_exempted
                        else _(", không tính đảng viên được miễn sinh hoạt"),
                    },
                )
            ]
        return []
    if facts.committee_size is None:
        return [
            _finding(
                "VOTE-ELECTORATE",
                on,
                _(
                    "Chưa có danh sách cấp ủy viên của %(committee)s: chưa đối chiếu được số có "
                    "quyền biểu quyết (%(eligible)s)"
                )
                % {"committee": facts.committee_label or _("cấp ủy"), "eligible": eligible},
                Severity.WARN,
            )
        ]
    if facts.committee_size != eligible:
        return [
            _finding(
                "VOTE-ELECTORATE",
                on,
                _(
                    "Số có quyền biểu quyết nhập vào (%(eligible)s) khác số cấp ủy viên của "
                    "%(committee)s ngày %(day)s (%(size)s)"
                )
                % {
                    "eligible": eligible,
                    "size": facts.committee_size,
                    "committee": facts.committee_label,
                    "day": f"{on:%d/%m/%Y}",
                },
            )
        ]
    return []


def _vote_findings(
    facts: CaseFacts,
    p: CaseState,
    action: str,
    on: date,
    data: Mapping[str, Any],
    members: Mapping[int, MemberFacts],
    config: RulesConfig,
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
    findings = _electorate_findings(facts, action, on, eligible, members, config)
    if any(f.blocks for f in findings):
        return findings
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
