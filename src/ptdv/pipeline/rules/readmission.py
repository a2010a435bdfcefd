"""READMIT: conditions on a former member applying again."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ptdv.pipeline.rules.base import (
    READMIT_AFTER_RECORD_CLEARED_MONTHS,
    READMIT_EXCLUDED,
    READMIT_MIN_MONTHS,
    READMIT_REASONS,
    CaseFacts,
    Finding,
    RulesConfig,
    add_months,
    months_between,
)
from ptdv.pipeline.rules.catalog import (
    _d,
    _finding,
)


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
