"""The admission rules engine: table-driven boundaries for every Appendix B rule; no database."""

from __future__ import annotations

import ast
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ptdv.core.calendar import DAY_OFF, WORKING_DAY, WorkCalendar, build_calendar
from ptdv.pipeline import actions as A
from ptdv.pipeline import rules
from ptdv.pipeline.models import Outcome, Stage
from ptdv.pipeline.rules import (
    CaseFacts,
    Finding,
    MemberFacts,
    ReadmissionFacts,
    RulesConfig,
    Severity,
    StepFacts,
)

CAL = build_calendar(range(2014, 2031))
TODAY = date(2030, 1, 1)
CELL = 10
PERSON = 1
MEMBERS: dict[int, MemberFacts] = {
    101: MemberFacts(101, "official", CELL, date(2010, 1, 1)),
    102: MemberFacts(102, "official", CELL, date(2012, 5, 1)),
    103: MemberFacts(103, "official", CELL, date(2024, 3, 1)),  # official only from 1/3/2024
    201: MemberFacts(201, "probationary", CELL, None),
    301: MemberFacts(301, "official", 99, date(2010, 1, 1)),  # another cell
}
# The roll the cell votes with on dates after 1/3/2024: 101, 102, 103.
ROLL = 3

Steps = Sequence[tuple[str, date, Mapping[str, Any]]]


def make_facts(steps: Steps = (), **overrides: Any) -> CaseFacts:
    values: dict[str, Any] = {
        "person_id": PERSON,
        "birth_date": date(1995, 5, 10),
        "education_meets_lower_secondary": True,
        "education_primary_completed": True,
        "education_exception": False,
        "youth_union_member": True,
        "trade_union_member": False,
        "cell_id": CELL,
        "cell_is_grassroots": False,
        "has_sub_committee": False,
        "is_readmission": False,
        "readmission": None,
        "opened_on": steps[0][1] if steps else date(2024, 1, 2),
        "steps": (),
    }
    values.update(overrides)
    facts = CaseFacts(**values)
    return with_steps(facts, steps)


def with_steps(facts: CaseFacts, steps: Steps) -> CaseFacts:
    start = len(facts.steps)
    new = tuple(
        StepFacts(start + i + 1, action, on, dict(data))
        for i, (action, on, data) in enumerate(steps)
    )
    return replace(facts, steps=facts.steps + new)


def check(
    facts: CaseFacts,
    action: str,
    on: date,
    data: Mapping[str, Any] | None = None,
    *,
    today: date = TODAY,
    calendar: WorkCalendar = CAL,
    members: Mapping[int, MemberFacts] = MEMBERS,
    config: RulesConfig = rules.CONFIG,
) -> list[Finding]:
    return rules.check_step(
        facts,
        action,
        on,
        data or {},
        today=today,
        calendar=calendar,
        members=members,
        config=config,
    )


def blocks(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings if f.blocks]


def ids(findings: list[Finding], severity: Severity | None = None) -> list[str]:
    return [f.rule_id for f in findings if severity is None or f.severity == severity]


def record(
    facts: CaseFacts, action: str, on: date, data: Mapping[str, Any] | None = None
) -> CaseFacts:
    """Append a step after asserting the rules accept it."""
    findings = check(facts, action, on, data)
    assert blocks(findings) == [], [f.message for f in findings if f.blocks]
    return with_steps(facts, [(action, on, data or {})])


def vote(eligible: int, present: int, agree: int) -> dict[str, int]:
    return {"eligible": eligible, "present": present, "agree": agree}


COURSE_DATA = {"certificate_number": "12/CN", "issuer": "Trung tâm Chính trị"}
DECISION_DATA = {"decision_number": "5-QĐ/ĐU", "signer": "Bí thư", "authority": 3}


def steps_to_opinions(
    start: date, course_issued: date | None = None
) -> list[tuple[str, date, dict[str, Any]]]:
    """The steps up to OPINIONS, one a day from `start` (the certificate issued on `start`)."""
    day = [start + timedelta(days=i) for i in range(10)]
    return [
        (A.OPEN, day[0], {}),
        (A.COURSE, day[0], {**COURSE_DATA, "issued_on": course_issued or day[0]}),
        (A.CANDIDATE_LISTED, day[1], {"mentor": 101}),
        (A.APPLICATION, day[2], {}),
        (A.HISTORY, day[2], {}),
        (A.VERIFY_REQUESTED, day[3], {"places": "Xã A"}),
        (
            A.VERIFIED,
            day[4],
            {
                "relatives_verified": "Bố, mẹ",
                "conclusion": "Tốt",
                "certified_by": "ĐU",
                "satisfactory": True,
            },
        ),
        (
            A.INTRODUCED,
            day[5],
            {"mode": "two_members", "introducers": [101, 102], "worked_together_months": 14},
        ),
        (
            A.OPINIONS,
            day[6],
            {"organisations": "Đoàn", "residence_cell": "Chi bộ 3", "favourable": True},
        ),
    ]


def happy_path(
    *, grassroots: bool = False, sub: bool = False
) -> list[tuple[str, date, dict[str, Any]]]:
    """A whole path from opening to recognition, each step inside its deadline."""
    path = steps_to_opinions(date(2024, 4, 1))
    path.append((A.CELL_VOTE, date(2024, 5, 6), vote(3, 3, 3)))
    if sub and not grassroots:
        path.append((A.APPRAISAL, date(2024, 5, 10), {"agrees": True}))
    if not grassroots:
        path.append((A.COMMITTEE_VOTE, date(2024, 5, 20), vote(9, 8, 7)))
    path += [
        (
            A.DECISION,
            date(2024, 6, 10),
            {**DECISION_DATA, "received_on": date(2024, 6, 12), "admitted": True},
        ),
        (A.CEREMONY, date(2024, 6, 28), {"mentor": 102}),
        (A.NEW_MEMBER_COURSE, date(2024, 9, 10), {**COURSE_DATA, "issued_on": date(2024, 9, 10)}),
        (A.SELF_REVIEW, date(2025, 7, 1), {}),
        (A.MENTOR_ASSESSMENT, date(2025, 7, 1), {}),
        (A.PROBATION_OPINIONS, date(2025, 7, 1), {"favourable": True}),
        (A.RECOGNITION_CELL_VOTE, date(2025, 7, 3), vote(3, 3, 2)),
    ]
    if not grassroots:
        path.append((A.RECOGNITION_COMMITTEE_VOTE, date(2025, 7, 10), vote(9, 9, 6)))
    path.append(
        (
            A.RECOGNITION_DECISION,
            date(2025, 7, 20),
            {"decision_number": "9", "authority": 3, "recognised": True},
        )
    )
    return path


def walk(path: Steps, facts: CaseFacts | None = None, **overrides: Any) -> CaseFacts:
    facts = facts or make_facts(opened_on=path[0][1], **overrides)
    for action, on, data in path:
        facts = record(facts, action, on, data)
    return facts


def upto(action: str, **kw: Any) -> list[tuple[str, date, dict[str, Any]]]:
    """The happy path up to (not including) the first `action`."""
    path = happy_path(**kw)
    return path[: [a for a, _d, _x in path].index(action)]


# --- module hygiene ------------------------------------------------------------------------------


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes: list[ast.AST] = list(tree.body) if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


SRC = Path(rules.__file__).resolve().parents[3]  # rules is a package: src/ptdv/pipeline/rules


def _module_path(module: str) -> Path | None:
    if module == rules.__name__:  # the rules package itself
        return Path(rules.__file__)
    candidate = SRC / (module.replace(".", "/") + ".py")
    return candidate if candidate.exists() else None


def test_rules_and_calendar_never_import_the_database() -> None:
    # rules (every module of the package): no import anywhere; core/calendar.py: none at module
    # level (load_calendar reads the administrators' table through a local import, which
    # WorkCalendar never touches).
    # Our own modules they import are followed, at module level.
    rule_modules = {"ptdv.pipeline.rules"} | {
        f"ptdv.pipeline.rules.{p.stem}"
        for p in (SRC / "ptdv/pipeline/rules").glob("*.py")
        if p.stem != "__init__"
    }
    pending = [(m, False) for m in sorted(rule_modules)] + [("ptdv.core.calendar", True)]
    seen: set[str] = set()
    while pending:
        module, top_only = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _module_path(module)
        assert path is not None, module
        imported = _imports(path, top_level_only=top_only)
        assert not {m for m in imported if m == "django.db" or m.startswith("django.db.")}, module
        assert not {m for m in imported if m.endswith(".models") and m.startswith("ptdv.")}, module
        pending += [(m, True) for m in imported if m.startswith("ptdv.") and _module_path(m)]
    assert seen == rule_modules | {
        "ptdv.core.calendar",
        "ptdv.core.text",
        "ptdv.pipeline.actions",
        "ptdv.pipeline.fields",
        "ptdv.pipeline.papers",
    }


def test_stage_and_outcome_values_match_the_models() -> None:
    assert list(rules.STAGES) == [s.value for s in Stage]
    assert {
        rules.OUTCOME_OPEN,
        rules.OUTCOME_OFFICIAL,
        rules.OUTCOME_REFUSED,
        rules.OUTCOME_PROBATION_DELETED,
    } <= set(Outcome.values)


def test_every_rule_has_contiguous_dated_provisions() -> None:
    expected = {
        "AGE-MIN",
        "AGE-MAX",
        "EDU-MIN",
        "CERT-VALID",
        "INTRO",
        "VERIFY",
        "VOTE-CELL",
        "VOTE-GRASSROOTS",
        "DECIDE-60WD",
        "CEREMONY-30WD",
        "PROBATION-END",
        "RECOG-30WD",
        "RECOG-DECIDE-30WD",
        "RECOG-DATE",
        "NEW-MEMBER-COURSE",
        "READMIT",
        "ORDER",
        "DATE-FUTURE",
        "DATE-ORDER",
        "VOTE-NUMBERS",
        "VOTE-ELECTORATE",
        "MENTOR-OFFICIAL",
        "VOTE-ESCALATE",
        "OPINIONS",
        "AUTHORITY",
        "WORKING-DAY",
    }
    assert set(rules.RULES) == expected
    for rule_id, info in rules.RULES.items():
        assert info.rule_id == rule_id
        assert info.provisions[0].valid_from <= date(2016, 7, 25), rule_id
        assert info.provisions[-1].valid_to is None, rule_id
        for earlier, later in zip(info.provisions, info.provisions[1:], strict=False):
            assert earlier.valid_to == later.valid_from - timedelta(days=1), rule_id
        assert str(info.title)


@pytest.mark.parametrize(
    ("on", "reference"),
    [
        (date(2016, 7, 24), "Quy định 29-QĐ/TW (25/7/2016), điểm 3.1"),  # before: oldest text
        (date(2021, 7, 29), "Quy định 29-QĐ/TW (25/7/2016), điểm 3.1"),
        (date(2021, 7, 30), "Quy định 24-QĐ/TW (30/7/2021), điểm 3.1"),
        (date(2025, 1, 19), "Quy định 24-QĐ/TW (30/7/2021), điểm 3.1"),
        (date(2025, 1, 20), "Quy định 232-QĐ/TW (20/1/2025), điểm 3.1"),
        (date(2025, 6, 30), "Quy định 232-QĐ/TW (20/1/2025), điểm 3.1"),
        (date(2025, 7, 1), "Quy định 294-QĐ/TW (26/5/2025), điểm 3.1"),
    ],
)
def test_the_regulation_in_force_on_the_event_date_judges_it(on: date, reference: str) -> None:
    assert rules.RULES["AGE-MIN"].provision_on(on).reference == reference


# --- arithmetic ----------------------------------------------------------------------------------

# Written out by hand: the smallest number of "agree" votes that is at least 2/3 of the members.
HAND_THRESHOLDS = {
    3: 2,
    4: 3,
    5: 4,
    6: 4,
    7: 5,
    8: 6,
    9: 6,
    10: 7,
    11: 8,
    12: 8,
    13: 9,
    15: 10,
    20: 14,
    30: 20,
    31: 21,
    59: 40,
    60: 40,
}


@pytest.mark.parametrize("eligible", range(3, 61))
def test_two_thirds_threshold_for_every_cell_size(eligible: int) -> None:
    required = rules.required_agree(eligible)
    assert required == -(-2 * eligible // 3)  # ceiling by integer division
    assert required == math.ceil(Fraction(2 * eligible, 3))
    assert Fraction(required, eligible) >= Fraction(2, 3) > Fraction(required - 1, eligible)
    if eligible in HAND_THRESHOLDS:
        assert required == HAND_THRESHOLDS[eligible]
    assert rules.vote_result(eligible, eligible, required).passes is True
    assert rules.vote_result(eligible, eligible, required - 1).passes is False


@pytest.mark.parametrize(
    ("eligible", "present", "agree", "passes"),
    [
        (9, 9, 6, True),
        (9, 9, 5, False),
        (9, 6, 6, True),  # 2/3 of the members, not of those present
        (9, 7, 5, False),
        (3, 4, 3, False),  # impossible numbers never pass
        (3, 2, 3, False),
        (0, 0, 0, False),
    ],
)
def test_vote_result(eligible: int, present: int, agree: int, passes: bool) -> None:
    assert rules.vote_result(eligible, present, agree).passes is passes


def test_required_agree_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        rules.required_agree(-1)


@pytest.mark.parametrize(
    ("day", "months", "clamped", "overflowed"),
    [
        (date(2015, 7, 26), 12, date(2016, 7, 26), date(2016, 7, 26)),
        (date(2024, 2, 29), 12, date(2025, 2, 28), date(2025, 3, 1)),
        (date(2024, 2, 29), 48, date(2028, 2, 29), date(2028, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28), date(2025, 3, 3)),
        (date(2024, 1, 31), 1, date(2024, 2, 29), date(2024, 3, 2)),
        (date(2025, 3, 31), 1, date(2025, 4, 30), date(2025, 5, 1)),
        (date(2025, 12, 15), 1, date(2026, 1, 15), date(2026, 1, 15)),
        (date(2025, 3, 15), -3, date(2024, 12, 15), date(2024, 12, 15)),
    ],
)
def test_add_months_end_of_month(day: date, months: int, clamped: date, overflowed: date) -> None:
    assert rules.add_months(day, months) == clamped
    assert rules.add_months(day, months, month_end=rules.MONTH_END_OVERFLOW) == overflowed


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2008, 3, 15), date(2026, 3, 14), 215),
        (date(2008, 3, 15), date(2026, 3, 15), 216),
        (date(2008, 2, 29), date(2026, 2, 28), 216),
        (date(2008, 2, 29), date(2026, 2, 27), 215),
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 5, 1), date(2025, 5, 1), 0),
        (date(2025, 5, 1), date(2025, 4, 1), -1),
    ],
)
def test_months_between_counts_full_months(start: date, end: date, months: int) -> None:
    assert rules.months_between(start, end) == months


def test_official_date_is_twelve_months_after_the_ceremony() -> None:
    # The 2016 guidance's worked example: admitted 26/7/2015 → official 26/7/2016.
    assert rules.official_date(date(2015, 7, 26)) == date(2016, 7, 26)
    assert rules.official_date(date(2024, 2, 29)) == date(2025, 2, 28)
    overflow = RulesConfig(month_end=rules.MONTH_END_OVERFLOW)
    assert rules.official_date(date(2024, 2, 29), config=overflow) == date(2025, 3, 1)


# --- the whole path --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (
            {"grassroots": True},
            [
                "source",
                "trained",
                "candidate",
                "candidate",
                "dossier",
                "dossier",
                "verified",
                "introduced",
                "opinions",
                "cell_approved",
                "decided",
                "probation",
                "probation",
                "probation",
                "probation",
                "probation",
                "recognition_cell",
                "official",
            ],
        ),
        (
            {},
            [
                "source",
                "trained",
                "candidate",
                "candidate",
                "dossier",
                "dossier",
                "verified",
                "introduced",
                "opinions",
                "cell_approved",
                "committee_approved",
                "decided",
                "probation",
                "probation",
                "probation",
                "probation",
                "probation",
                "recognition_cell",
                "recognition_committee",
                "official",
            ],
        ),
        (
            {"sub": True},
            [
                "source",
                "trained",
                "candidate",
                "candidate",
                "dossier",
                "dossier",
                "verified",
                "introduced",
                "opinions",
                "cell_approved",
                "appraised",
                "committee_approved",
                "decided",
                "probation",
                "probation",
                "probation",
                "probation",
                "probation",
                "recognition_cell",
                "recognition_committee",
                "official",
            ],
        ),
    ],
)
def test_whole_path_walks_every_stage_to_official(
    shape: dict[str, bool], expected: list[str]
) -> None:
    facts = make_facts(
        opened_on=date(2024, 4, 1),
        cell_is_grassroots=shape.get("grassroots", False),
        has_sub_committee=shape.get("sub", False),
    )
    stages = []
    for action, on, data in happy_path(**shape):
        facts = record(facts, action, on, data)
        stages.append(rules.derive_stage(facts)[0])
    assert stages == expected
    assert rules.derive_stage(facts) == ("official", date(2025, 7, 20))
    assert rules.outcome_of(facts) == "official"
    assert rules.next_actions(facts) == []
    assert rules.due_dates(facts, calendar=CAL) == []
    assert rules.official_date(date(2024, 6, 28)) == date(2025, 6, 28)
    # Closed: nothing more can be recorded.
    assert blocks(check(facts, A.MENTOR_REPORT, date(2025, 8, 1), {"report": "x"})) == ["ORDER"]


def test_stage_dates_are_the_dates_the_case_entered_them() -> None:
    facts = walk(upto(A.DECISION))
    assert rules.derive_stage(facts) == ("committee_approved", date(2024, 5, 20))
    facts = walk(upto(A.CELL_VOTE))
    assert rules.derive_stage(facts) == ("opinions", date(2024, 4, 7))
    # Dossier: the later of application and lý lịch.
    facts = walk(upto(A.HISTORY))
    assert rules.derive_stage(facts) == ("candidate", date(2024, 4, 2))
    facts = record(facts, A.HISTORY, date(2024, 4, 9))
    assert rules.derive_stage(facts) == ("dossier", date(2024, 4, 9))


def test_failed_votes_reports_extensions_consents_and_transfers_keep_the_stage() -> None:
    facts = walk(upto(A.CELL_VOTE))
    before = rules.derive_stage(facts)
    on = date(2024, 5, 6)
    changes: list[tuple[str, dict[str, Any]]] = [
        (A.CELL_VOTE, vote(3, 3, 1)),
        (A.MENTOR_REPORT, {"report": "Tiến bộ"}),
        (A.OVER60_CONSENT, {"document_number": "1"}),
        (A.TRANSFERRED, {"to_cell": 11, "reason": "Chuyển công tác"}),
        (A.MENTOR_ASSIGNED, {"mentor": 102}),
        (A.CEREMONY_CONSENT, {"document_number": "2"}),
    ]
    for action, data in changes:
        if action == A.CEREMONY_CONSENT:
            # Not possible before the decision: refused (the cell vote has not passed).
            assert blocks(check(facts, action, on, data)) == ["VOTE-CELL"]
            continue
        facts = record(facts, action, on, data)
        assert rules.derive_stage(facts) == before, action
    assert rules.outcome_of(facts) == ""


def test_a_failed_vote_is_recorded_with_its_result_and_does_not_advance() -> None:
    facts = walk(upto(A.CELL_VOTE))
    findings = check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(3, 3, 1))
    assert blocks(findings) == []
    failed = [f for f in findings if f.rule_id == "VOTE-CELL"]
    assert failed == [
        Finding(
            "VOTE-CELL",
            Severity.INFO,
            "Không đạt: 1/3 tán thành, cần ít nhất 2 (2/3); kết quả vẫn được ghi nhận, hồ sơ chưa "
            "chuyển bước (VOTE-CELL, Điều lệ Đảng Điều 4 và Điều 5)",
            "Điều lệ Đảng (2011), Điều 4 và Điều 5",
        )
    ]
    facts = record(facts, A.CELL_VOTE, date(2024, 5, 6), vote(3, 3, 1))
    assert rules.derive_stage(facts)[0] == "opinions"
    # Issue 6 §4: steps already done (the course) are no longer offered; the vote is.
    assert rules.next_actions(facts)[:1] == [A.MENTOR_ASSIGNED]
    assert A.CELL_VOTE in rules.next_actions(facts)
    facts = record(facts, A.CELL_VOTE, date(2024, 6, 6), vote(3, 3, 2))
    assert rules.derive_stage(facts) == ("cell_approved", date(2024, 6, 6))


def test_three_failed_votes_escalate() -> None:
    facts = walk(upto(A.CELL_VOTE))
    for n, on in enumerate([date(2024, 5, 6), date(2024, 6, 6), date(2024, 7, 8)], start=1):
        findings = check(facts, A.CELL_VOTE, on, vote(3, 3, 1))
        assert ("VOTE-ESCALATE" in ids(findings, Severity.WARN)) is (n == 3)
        facts = with_steps(facts, [(A.CELL_VOTE, on, vote(3, 3, 1))])
    [finding] = [
        f
        for f in rules.case_findings(facts, today=date(2024, 7, 9), calendar=CAL, members=MEMBERS)
        if f.rule_id == "VOTE-ESCALATE"
    ]
    assert finding.message == (
        "Đã 3 lần biểu quyết “Chi bộ xét, biểu quyết đề nghị kết nạp” không đạt 2/3: báo cáo cấp "
        "ủy cấp trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định "
        "(VOTE-ESCALATE, Quy định 24-QĐ/TW điểm 4.2)"
    )
    assert rules.derive_stage(facts)[0] == "opinions"


@pytest.mark.parametrize("goes_up", [False, True])
def test_a_failed_committee_vote_is_reported_to_the_superior(goes_up: bool) -> None:
    config = RulesConfig(committee_failure_goes_up=goes_up)
    facts = walk(upto(A.COMMITTEE_VOTE))
    findings = check(facts, A.COMMITTEE_VOTE, date(2024, 5, 20), vote(9, 9, 5), config=config)
    assert blocks(findings) == []
    assert "VOTE-GRASSROOTS" in ids(findings, Severity.WARN)
    decision = {**DECISION_DATA, "received_on": date(2024, 6, 12), "admitted": True}
    # Before the committee has voted at all, the decision is out of order.
    missing = check(facts, A.DECISION, date(2024, 6, 10), decision, config=config)
    assert blocks(missing) == ["VOTE-GRASSROOTS"]
    facts = with_steps(facts, [(A.COMMITTEE_VOTE, date(2024, 5, 20), vote(9, 9, 5))])
    assert rules.derive_stage(facts, config=config)[0] == "cell_approved"
    findings = rules.case_findings(facts, today=date(2024, 5, 21), calendar=CAL, members=MEMBERS)
    assert [f.rule_id for f in findings] == ["VOTE-GRASSROOTS"]
    # The superior decides on the full result only where the configuration says so.
    after = check(facts, A.DECISION, date(2024, 6, 10), decision, config=config)
    assert blocks(after) == ([] if goes_up else ["VOTE-GRASSROOTS"])
    facts = with_steps(facts, [(A.DECISION, date(2024, 6, 10), decision)])
    expected = ("decided", date(2024, 6, 10)) if goes_up else ("cell_approved", date(2024, 5, 6))
    assert rules.derive_stage(facts, config=config) == expected


@pytest.mark.parametrize("goes_up", [True, False])
def test_three_failed_recognition_votes_go_up(goes_up: bool) -> None:
    config = RulesConfig(recognition_failures_go_up=goes_up)
    facts = _probation_file(_probation(date(2025, 1, 6)), date(2026, 1, 20))
    for on in (date(2026, 2, 2), date(2026, 3, 2), date(2026, 4, 1)):
        assert blocks(check(facts, A.RECOGNITION_CELL_VOTE, on, vote(3, 3, 1))) == []
        facts = with_steps(facts, [(A.RECOGNITION_CELL_VOTE, on, vote(3, 3, 1))])
    assert rules.derive_stage(facts, config=config)[0] == "probation"
    committee = check(
        facts, A.RECOGNITION_COMMITTEE_VOTE, date(2026, 4, 8), vote(9, 9, 9), config=config
    )
    assert blocks(committee) == ([] if goes_up else ["VOTE-CELL"])
    facts = with_steps(facts, [(A.RECOGNITION_COMMITTEE_VOTE, date(2026, 4, 8), vote(9, 9, 9))])
    stage = "recognition_committee" if goes_up else "probation"
    assert rules.derive_stage(facts, config=config)[0] == stage


@pytest.mark.parametrize(
    ("action", "data", "outcome"),
    [
        (A.EXIT, {"outcome": "withdrawn", "reason": "Rút đơn"}, "withdrawn"),
        (A.EXIT, {"outcome": "expired", "reason": "Quá hạn"}, "expired"),
        (
            A.DECISION,
            {**DECISION_DATA, "received_on": date(2024, 6, 12), "admitted": False},
            "refused",
        ),
    ],
)
def test_exits_close_the_case(action: str, data: dict[str, Any], outcome: str) -> None:
    facts = walk(upto(A.DECISION))
    facts = record(facts, action, date(2024, 6, 10), data)
    assert rules.derive_stage(facts) == ("exited", date(2024, 6, 10))
    assert rules.outcome_of(facts) == outcome
    assert rules.next_actions(facts) == []


def test_recognition_refused_deletes_from_the_probationary_list() -> None:
    facts = walk(upto(A.SELF_REVIEW))
    facts = record(
        facts,
        A.RECOGNITION_DECISION,
        date(2025, 1, 6),
        {"decision_number": "1", "authority": 3, "recognised": False},
    )
    assert rules.derive_stage(facts) == ("exited", date(2025, 1, 6))
    assert rules.outcome_of(facts) == "probation_deleted"


@pytest.mark.parametrize(
    ("outcome", "stage_action", "blocked"),
    [
        ("probation_deleted", A.DECISION, True),  # not yet a probationary member
        ("withdrawn", A.SELF_REVIEW, True),  # a probationary member is deleted, not withdrawn
        ("probation_deleted", A.SELF_REVIEW, False),
        ("rejected", A.CELL_VOTE, True),  # no failed vote to be rejected at
    ],
)
def test_exit_outcome_must_fit_the_stage(outcome: str, stage_action: str, blocked: bool) -> None:
    facts = walk(upto(stage_action))
    findings = check(
        facts, A.EXIT, facts.steps[-1].occurred_on, {"outcome": outcome, "reason": "x"}
    )
    assert blocks(findings) == (["ORDER"] if blocked else [])


def test_transfer_keeps_the_stage_and_must_name_another_cell() -> None:
    facts = walk(upto(A.CELL_VOTE))
    assert blocks(
        check(facts, A.TRANSFERRED, date(2024, 4, 8), {"to_cell": CELL, "reason": "x"})
    ) == ["ORDER"]
    moved = record(facts, A.TRANSFERRED, date(2024, 4, 8), {"to_cell": 11, "reason": "x"})
    assert rules.derive_stage(moved) == rules.derive_stage(facts)


# --- bad input: each refused, naming the rule and its source ---------------------------------


def test_step_out_of_order_names_the_missing_step() -> None:
    facts = walk(upto(A.APPLICATION))
    findings = check(facts, A.CELL_VOTE, date(2024, 4, 5), vote(3, 3, 3))
    # The application and the lý lịch are missing; the introduction and verification too.
    assert blocks(findings) == ["ORDER", "ORDER", "INTRO", "VERIFY"]
    assert findings[0] == Finding(
        "ORDER",
        Severity.BLOCK,
        "Chưa thể ghi “Chi bộ xét, biểu quyết đề nghị kết nạp”: còn thiếu bước “Nhận đơn xin vào "
        "Đảng” (ORDER, Điều lệ Đảng Điều 4 và Điều 5)",
        "Điều lệ Đảng (2011), Điều 4 và Điều 5",
    )


@pytest.mark.parametrize(
    ("before", "action", "data", "rule_id", "missing"),
    [
        (A.COURSE, A.CANDIDATE_LISTED, {"mentor": 101}, "ORDER", A.COURSE),
        (A.VERIFY_REQUESTED, A.VERIFIED, {"satisfactory": True}, "VERIFY", A.VERIFY_REQUESTED),
        (A.VERIFIED, A.INTRODUCED, {}, "VERIFY", A.VERIFIED),
        (A.INTRODUCED, A.OPINIONS, {}, "INTRO", A.INTRODUCED),
        (A.CELL_VOTE, A.COMMITTEE_VOTE, vote(9, 9, 9), "VOTE-CELL", A.CELL_VOTE),
        (A.DECISION, A.CEREMONY, {"mentor": 101}, "ORDER", A.DECISION),
        (A.CEREMONY, A.NEW_MEMBER_COURSE, {}, "ORDER", A.CEREMONY),
        (
            A.NEW_MEMBER_COURSE,
            A.RECOGNITION_CELL_VOTE,
            vote(3, 3, 3),
            "NEW-MEMBER-COURSE",
            A.NEW_MEMBER_COURSE,
        ),
        (
            A.RECOGNITION_CELL_VOTE,
            A.RECOGNITION_DECISION,
            {"recognised": True},
            "VOTE-CELL",
            A.RECOGNITION_CELL_VOTE,
        ),
        (
            A.RECOGNITION_COMMITTEE_VOTE,
            A.RECOGNITION_DECISION,
            {"recognised": True},
            "VOTE-GRASSROOTS",
            A.RECOGNITION_COMMITTEE_VOTE,
        ),
    ],
)
def test_missing_prerequisite_blocks(
    before: str, action: str, data: dict[str, Any], rule_id: str, missing: str
) -> None:
    facts = walk(upto(before))
    on = facts.steps[-1].occurred_on
    problems = [
        f for f in check(facts, action, on, data) if f.blocks and "còn thiếu bước" in f.message
    ]
    assert [f.rule_id for f in problems][:1] == [rule_id]
    assert f"“{A.ACTIONS[missing].label}”" in problems[0].message


def test_recognition_needs_the_whole_probation_file() -> None:
    facts = walk(upto(A.SELF_REVIEW))
    findings = check(facts, A.RECOGNITION_CELL_VOTE, date(2025, 7, 3), vote(3, 3, 3))
    assert blocks(findings) == ["ORDER", "ORDER", "ORDER"]
    messages = " ".join(f.message for f in findings if f.blocks)
    for missing in (A.SELF_REVIEW, A.MENTOR_ASSESSMENT, A.PROBATION_OPINIONS):
        assert str(A.ACTIONS[missing].label) in messages


def test_steps_not_on_this_cells_path_are_refused() -> None:
    grassroots = walk(upto(A.DECISION, grassroots=True), cell_is_grassroots=True)
    assert blocks(check(grassroots, A.COMMITTEE_VOTE, date(2024, 5, 20), vote(9, 9, 9))) == [
        "ORDER"
    ]
    plain = walk(upto(A.COMMITTEE_VOTE))
    assert blocks(check(plain, A.APPRAISAL, date(2024, 5, 10), {"agrees": True})) == ["ORDER"]
    sub = walk(upto(A.APPRAISAL, sub=True), has_sub_committee=True)
    findings = check(sub, A.COMMITTEE_VOTE, date(2024, 5, 20), vote(9, 9, 9))
    assert blocks(findings) == ["ORDER"]
    assert str(A.ACTIONS[A.APPRAISAL].label) in findings[0].message
    assert blocks(
        check(plain, A.READMISSION_CONSENT, date(2024, 5, 20), {"document_number": "1"})
    ) == ["READMIT"]


def test_a_passed_step_cannot_be_recorded_again() -> None:
    facts = walk(upto(A.NEW_MEMBER_COURSE))
    [finding] = check(facts, A.CEREMONY, date(2024, 7, 1), {"mentor": 101})[:1]
    assert finding.rule_id == "ORDER"
    assert finding.message.startswith("Hồ sơ đã qua bước “Tổ chức lễ kết nạp")
    assert blocks(check(facts, A.APPLICATION, date(2024, 7, 1))) == ["ORDER"]


@pytest.mark.parametrize(
    ("eligible", "present", "agree", "count"),
    [
        (3, 4, 3, 1),  # present > eligible
        (3, 3, 4, 1),  # agree > present
        (3, 2, 3, 1),
        (0, 0, 0, 1),  # nobody to vote
        (3, -1, 0, 2),  # negative present (and agree > present)
        (3, 2, -1, 1),
        (None, 3, 3, 1),
        (3, True, 3, 1),  # a boolean is not a number
    ],
)
def test_impossible_vote_numbers_block(eligible: Any, present: Any, agree: Any, count: int) -> None:
    facts = walk(upto(A.CELL_VOTE))
    data = {
        k: v
        for k, v in (("eligible", eligible), ("present", present), ("agree", agree))
        if v is not None
    }
    findings = check(facts, A.CELL_VOTE, date(2024, 5, 6), data)
    assert blocks(findings) == ["VOTE-NUMBERS"] * count
    assert all(
        f.message.endswith("(VOTE-NUMBERS, quy tắc dữ liệu PTĐV)") for f in findings if f.blocks
    )


def test_eligible_differing_from_the_cell_roll_blocks_naming_both_numbers() -> None:
    facts = walk(upto(A.CELL_VOTE))
    # The case: 3 official members on the roll, "eligible" typed lower so that 2 of
    # them would have passed as 2/3: refused, whichever way the figures disagree.
    for typed, agree in ((2, 2), (5, 5)):
        findings = check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(typed, typed, agree))
        assert blocks(findings) == ["VOTE-ELECTORATE"]
        assert f"nhập vào ({typed})" in findings[0].message
        assert "ngày 06/05/2024 (3)" in findings[0].message
    assert blocks(check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(3, 3, 2))) == []


def test_the_electorate_leaves_out_exempted_members_unless_configured() -> None:
    facts = walk(upto(A.CELL_VOTE))
    members = {**MEMBERS, 102: MemberFacts(102, "official", CELL, date(2012, 5, 1), exempted=True)}
    on = date(2024, 5, 6)
    assert blocks(check(facts, A.CELL_VOTE, on, vote(2, 2, 2), members=members)) == []
    counted = RulesConfig(electorate_counts_exempted=True)
    assert (
        blocks(check(facts, A.CELL_VOTE, on, vote(3, 3, 3), members=members, config=counted)) == []
    )
    assert blocks(
        check(facts, A.CELL_VOTE, on, vote(2, 2, 2), members=members, config=counted)
    ) == ["VOTE-ELECTORATE"]


def test_a_committee_vote_is_checked_against_the_seats_when_they_are_recorded() -> None:
    facts = walk(upto(A.COMMITTEE_VOTE))
    on = date(2024, 5, 20)
    unknown = check(facts, A.COMMITTEE_VOTE, on, vote(7, 7, 7))
    assert ids(unknown, Severity.WARN).count("VOTE-ELECTORATE") == 1
    seated = replace(facts, committee_size=9, committee_label="Đảng ủy phường Đông Thanh")
    [finding] = [f for f in check(seated, A.COMMITTEE_VOTE, on, vote(7, 7, 7)) if f.blocks]
    assert finding.rule_id == "VOTE-ELECTORATE"
    assert "(7)" in finding.message
    assert "Đảng ủy phường Đông Thanh ngày 20/05/2024 (9)" in finding.message
    assert blocks(check(seated, A.COMMITTEE_VOTE, on, vote(9, 9, 7))) == []


@pytest.mark.parametrize(
    ("on", "today", "rule_ids"),
    [
        (date(2024, 4, 8), date(2024, 4, 7), ["DATE-FUTURE"]),
        (date(2024, 4, 8), date(2024, 4, 8), []),
        (date(2024, 4, 6), date(2024, 5, 1), ["DATE-ORDER"]),  # before the previous step (7/4)
        (date(2024, 4, 7), date(2024, 5, 1), []),  # same day as the previous step
    ],
)
def test_dates_in_the_future_or_before_the_previous_step_block(
    on: date, today: date, rule_ids: list[str]
) -> None:
    facts = walk(upto(A.CELL_VOTE))
    assert blocks(check(facts, A.MENTOR_REPORT, on, {"report": "x"}, today=today)) == rule_ids


def test_dates_inside_the_data_are_checked_too() -> None:
    facts = walk(upto(A.DECISION))
    data = {**DECISION_DATA, "received_on": date(2024, 6, 9), "admitted": True}
    assert blocks(check(facts, A.DECISION, date(2024, 6, 10), data)) == ["DATE-ORDER"]
    data = {**DECISION_DATA, "received_on": date(2024, 6, 12), "admitted": True}
    assert blocks(check(facts, A.DECISION, date(2024, 6, 10), data, today=date(2024, 6, 11))) == [
        "DATE-FUTURE"
    ]
    opened = make_facts([(A.OPEN, date(2024, 1, 2), {})])
    assert blocks(
        check(
            opened,
            A.COURSE,
            date(2024, 1, 3),
            {**COURSE_DATA, "issued_on": date(2024, 1, 9)},
            today=date(2024, 1, 5),
        )
    ) == ["DATE-FUTURE"]
    assert blocks(check(make_facts(), A.OPEN, date(2024, 1, 1))) == [
        "DATE-ORDER"
    ]  # before opened_on


@pytest.mark.parametrize(
    ("mentor", "on", "blocked"),
    [
        (101, date(2024, 4, 2), False),
        (201, date(2024, 4, 2), True),  # probationary member
        (301, date(2024, 4, 2), True),  # official member of another cell
        (999, date(2024, 4, 2), True),  # not a member
        (103, date(2024, 2, 29), True),  # official only from 1/3/2024
        (103, date(2024, 3, 1), False),
        (PERSON, date(2024, 4, 2), True),  # the candidate
    ],
)
def test_mentor_must_be_an_official_member_of_the_cell(
    mentor: int, on: date, blocked: bool
) -> None:
    facts = make_facts(
        [
            (A.OPEN, date(2024, 1, 2), {}),
            (A.COURSE, date(2024, 1, 3), {**COURSE_DATA, "issued_on": date(2024, 1, 3)}),
        ]
    )
    findings = check(facts, A.CANDIDATE_LISTED, on, {"mentor": mentor})
    assert blocks(findings) == (["MENTOR-OFFICIAL"] if blocked else [])
    if blocked:
        assert findings[0].message.endswith("(MENTOR-OFFICIAL, Điều lệ Đảng Điều 5)")
    ceremony = walk(upto(A.CEREMONY))
    assert blocks(check(ceremony, A.CEREMONY, date(2024, 6, 28), {"mentor": mentor})) == (
        ["MENTOR-OFFICIAL"] if blocked and mentor != 103 else []
    )


def _intro(**data: Any) -> dict[str, Any]:
    return {"mode": "two_members", "introducers": [101, 102], "worked_together_months": 12, **data}


# Each condition's case names the condition that fails, by a fragment of its message.
NOT_12_MONTHS = "chưa cùng công tác, học tập hoặc cư trú với người vào Đảng đủ 12 tháng"
TWO_NEEDED = "Cần đúng hai đảng viên chính thức giới thiệu (ghi nhận: %s)"
NOT_OFFICIAL = "Người được chọn không phải đảng viên chính thức vào ngày 15/04/2024"
OTHER_CELL = "Người được chọn không sinh hoạt tại chi bộ quản lý hồ sơ"
TWICE = "Một người được ghi hai lần là người giới thiệu"
SELF = "Người vào Đảng không thể tự giúp đỡ, giới thiệu mình"
NO_RESOLUTION = "Thiếu số nghị quyết giới thiệu của Ban Chấp hành Đoàn / Công đoàn cơ sở"
ONE_MORE = "cần thêm đúng một đảng viên chính thức (ghi nhận: %s)"
NOT_YOUTH_MEMBER = "Người vào Đảng không phải đoàn viên Đoàn TNCS Hồ Chí Minh"
OUT_OF_YOUTH_AGE = "Người vào Đảng 31 tuổi, ngoài độ tuổi thanh niên (16–30)"
NOT_TRADE_UNION_MEMBER = "Người vào Đảng không phải đoàn viên công đoàn"
BAD_MODE = "Hình thức giới thiệu không hợp lệ"
YOUTH = {"mode": "youth_union", "introducers": [101], "resolution_number": "3"}


@pytest.mark.parametrize(
    ("data", "overrides", "failing"),
    [
        pytest.param(_intro(), {}, [], id="two-official-members"),
        pytest.param(_intro(worked_together_months=11), {}, [NOT_12_MONTHS], id="11-months"),
        pytest.param(
            _intro(worked_together_months=11, replacement=True), {}, [], id="replacement-exempt"
        ),
        pytest.param(_intro(introducers=[101]), {}, [TWO_NEEDED % 1], id="one-introducer"),
        pytest.param(_intro(introducers=[101, 201]), {}, [NOT_OFFICIAL], id="probationary"),
        pytest.param(_intro(introducers=[101, 301]), {}, [OTHER_CELL], id="another-cell"),
        pytest.param(
            _intro(introducers=[101, 101]), {}, [TWICE, TWO_NEEDED % 1], id="same-person-twice"
        ),
        pytest.param(_intro(introducers=[101, PERSON]), {}, [SELF], id="the-candidate"),
        pytest.param(
            _intro(**{**YOUTH, "resolution_number": "3-NQ/ĐTN"}), {}, [], id="youth-union"
        ),
        pytest.param(
            _intro(mode="youth_union", introducers=[101]), {}, [NO_RESOLUTION], id="no-resolution"
        ),
        pytest.param(
            _intro(**{**YOUTH, "introducers": [101, 102]}),
            {},
            [ONE_MORE % 2],
            id="youth-union-with-two-members",
        ),
        pytest.param(
            _intro(**YOUTH),
            {"youth_union_member": False},
            [NOT_YOUTH_MEMBER],
            id="not-a-youth-union-member",
        ),
        # 31 at the letter date (15/4/2024): outside youth age 16–30.
        pytest.param(
            _intro(**YOUTH), {"birth_date": date(1993, 4, 15)}, [OUT_OF_YOUTH_AGE], id="aged-31"
        ),
        pytest.param(_intro(**YOUTH), {"birth_date": date(1993, 4, 16)}, [], id="aged-30"),
        pytest.param(
            _intro(mode="trade_union", introducers=[101], resolution_number="4"),
            {"trade_union_member": True},
            [],
            id="trade-union",
        ),
        pytest.param(
            _intro(mode="trade_union", introducers=[101], resolution_number="4"),
            {},
            [NOT_TRADE_UNION_MEMBER],
            id="not-a-trade-union-member",
        ),
        pytest.param(_intro(mode="other"), {}, [BAD_MODE], id="unknown-mode"),
    ],
)
def test_introduction_conditions(
    data: dict[str, Any], overrides: dict[str, Any], failing: list[str]
) -> None:
    facts = walk(upto(A.INTRODUCED), make_facts(opened_on=date(2024, 4, 1), **overrides))
    findings = check(facts, A.INTRODUCED, date(2024, 4, 15), data)
    assert blocks(findings) == ["INTRO"] * len(failing)
    blocking = [f.message for f in findings if f.blocks]
    for message, condition in zip(blocking, failing, strict=True):
        assert condition in message
    assert all(f.reference == "Quy định 24-QĐ/TW (30/7/2021), điểm 3.3" for f in findings)


def test_introducer_not_worked_together_twelve_months_message() -> None:
    facts = walk(upto(A.INTRODUCED))
    [finding] = check(facts, A.INTRODUCED, date(2024, 4, 15), _intro(worked_together_months=8))
    assert finding.message == (
        "Người giới thiệu chưa cùng công tác, học tập hoặc cư trú với người vào Đảng đủ 12 tháng "
        "(ghi nhận: 8 tháng) (INTRO, Quy định 24-QĐ/TW điểm 3.3)"
    )


def test_introducer_who_left_the_cell_warns_at_the_vote() -> None:
    facts = walk(upto(A.CELL_VOTE))
    moved = {**MEMBERS, 102: MemberFacts(102, "official", 99, date(2012, 5, 1))}
    findings = check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(2, 2, 2), members=moved)
    assert blocks(findings) == []
    assert ids(findings, Severity.WARN) == ["INTRO"]


# --- eligibility at the cell meeting ---------------------------------------------------------


def vote_facts(
    start: date = date(2025, 9, 1), *, course_issued: date | None = None, **overrides: Any
) -> CaseFacts:
    return make_facts(steps_to_opinions(start, course_issued), **overrides)


@pytest.mark.parametrize(
    ("birth", "meeting", "blocked", "config"),
    [
        (date(2008, 3, 15), date(2026, 3, 14), True, rules.CONFIG),
        (date(2008, 3, 15), date(2026, 3, 15), False, rules.CONFIG),
        (date(2008, 3, 15), date(2026, 3, 16), False, rules.CONFIG),
        (date(2008, 2, 29), date(2026, 2, 27), True, rules.CONFIG),
        (date(2008, 2, 29), date(2026, 2, 28), False, rules.CONFIG),  # last day of February
        (date(2008, 2, 29), date(2026, 2, 28), True, RulesConfig(month_end="overflow")),
        (date(2008, 2, 29), date(2026, 3, 1), False, RulesConfig(month_end="overflow")),
        (date(2007, 10, 31), date(2025, 10, 31), False, rules.CONFIG),
        (date(2007, 10, 31), date(2025, 10, 30), True, rules.CONFIG),
    ],
)
def test_age_min_by_month_at_the_meeting_date(
    birth: date, meeting: date, blocked: bool, config: RulesConfig
) -> None:
    facts = vote_facts(date(2025, 9, 1), birth_date=birth)
    findings = check(facts, A.CELL_VOTE, meeting, vote(ROLL, ROLL, ROLL), config=config)
    assert blocks(findings) == (["AGE-MIN"] if blocked else [])
    if blocked:
        [age] = [f for f in findings if f.blocks]
        assert age.message.startswith("Chưa đủ 18 tuổi tính theo tháng tại ngày chi bộ xét; ")
        assert age.message.endswith("(AGE-MIN, Quy định 294-QĐ/TW điểm 3.1)")
        assert age.reference == "Quy định 294-QĐ/TW (26/5/2025), điểm 3.1"


@pytest.mark.parametrize(
    ("meeting", "mode", "warnings"),
    [
        (date(2026, 6, 9), "day", []),
        (date(2026, 6, 10), "day", []),  # the 60th birthday: đủ 60
        (date(2026, 6, 11), "day", ["AGE-MAX", "AGE-MAX"]),  # over 60, and borderline
        (date(2026, 7, 9), "day", ["AGE-MAX", "AGE-MAX"]),
        (date(2026, 7, 10), "day", ["AGE-MAX"]),  # a full month past: no longer borderline
        (date(2026, 6, 11), "month", ["AGE-MAX"]),  # still đủ 60 by month, borderline
        (date(2026, 7, 9), "month", ["AGE-MAX"]),
        (date(2026, 7, 10), "month", ["AGE-MAX"]),  # 60 years and 1 month: over 60
    ],
)
def test_age_max_warns_at_the_vote(meeting: date, mode: str, warnings: list[str]) -> None:
    facts = vote_facts(date(2025, 9, 1), birth_date=date(1966, 6, 10))
    findings = check(
        facts, A.CELL_VOTE, meeting, vote(ROLL, ROLL, ROLL), config=RulesConfig(upper_age_mode=mode)
    )
    assert blocks(findings) == []
    assert ids(findings, Severity.WARN) == warnings
    over = rules.is_over_60(date(1966, 6, 10), meeting, config=RulesConfig(upper_age_mode=mode))
    assert over is ("Trên 60 tuổi" in " ".join(f.message for f in findings))


def _over60_to_decision(*, consent_on: date | None) -> tuple[CaseFacts, dict[str, Any]]:
    facts = walk(
        steps_to_opinions(date(2026, 5, 1)),
        make_facts(opened_on=date(2026, 5, 1), birth_date=date(1966, 1, 10)),
    )
    facts = record(facts, A.CELL_VOTE, date(2026, 6, 1), vote(ROLL, ROLL, ROLL))
    facts = record(facts, A.COMMITTEE_VOTE, date(2026, 6, 8), vote(9, 9, 9))
    if consent_on:
        facts = record(facts, A.OVER60_CONSENT, consent_on, {"document_number": "15-CV/TU"})
    return facts, {**DECISION_DATA, "received_on": date(2026, 7, 2), "admitted": True}


def test_age_max_blocks_the_decision_without_written_consent() -> None:
    facts, data = _over60_to_decision(consent_on=None)
    findings = check(facts, A.DECISION, date(2026, 7, 1), data)
    assert blocks(findings) == ["AGE-MAX"]
    assert findings[0].message == (
        "Trên 60 tuổi tại ngày chi bộ xét (01/06/2026): cần Ban Thường vụ tỉnh ủy đồng ý bằng văn "
        "bản trước khi cấp ủy trực thuộc Trung ương quyết định "
        "(AGE-MAX, Quy định 294-QĐ/TW điểm 3.1)"
    )
    # Refusing the admission needs no consent.
    assert blocks(check(facts, A.DECISION, date(2026, 7, 1), {**data, "admitted": False})) == []
    consented, data = _over60_to_decision(consent_on=date(2026, 6, 20))
    assert blocks(check(consented, A.DECISION, date(2026, 7, 1), data)) == []


@pytest.mark.parametrize(
    ("education", "meeting", "blocked", "reference"),
    [
        ({}, date(2021, 7, 29), False, None),
        (
            {"education_meets_lower_secondary": False, "education_equivalent": True},
            date(2021, 7, 29),
            False,
            None,
        ),
        (
            {"education_meets_lower_secondary": False, "education_equivalent": True},
            date(2021, 7, 30),
            True,
            "Quy định 24-QĐ/TW (30/7/2021), điểm 3.1",
        ),
        (
            {"education_meets_lower_secondary": False},
            date(2021, 7, 29),
            True,
            "Quy định 29-QĐ/TW (25/7/2016), điểm 3.1",
        ),
        (
            {"education_meets_lower_secondary": False, "education_exception": True},
            date(2021, 7, 30),
            False,
            None,
        ),
        (
            {
                "education_meets_lower_secondary": False,
                "education_exception": True,
                "education_primary_completed": False,
            },
            date(2021, 7, 30),
            True,
            "Quy định 24-QĐ/TW (30/7/2021), điểm 3.1",
        ),
    ],
)
def test_education_minimum_with_exceptions_and_the_2021_switch(
    education: dict[str, Any], meeting: date, blocked: bool, reference: str | None
) -> None:
    facts = vote_facts(date(2021, 7, 1), **education)
    # In 2021 member 103 was not yet official: two on the roll.
    findings = check(facts, A.CELL_VOTE, meeting, vote(ROLL - 1, ROLL - 1, ROLL - 1))
    edu = [f for f in findings if f.rule_id == "EDU-MIN"]
    assert blocks(findings) == (["EDU-MIN"] if blocked else [])
    if blocked:
        assert edu[0].reference == reference
        equivalent_said = "hoặc tương đương" in edu[0].message
        assert equivalent_said is (
            meeting < date(2021, 7, 30) and not education.get("education_exception")
        )


@pytest.mark.parametrize(
    ("meeting", "blocked", "months"),
    [
        (date(2026, 3, 9), False, 60),
        (date(2026, 3, 10), False, 60),  # issued 10/3/2021: valid through 10/3/2026
        (date(2026, 3, 11), True, 60),
        (date(2025, 3, 10), False, 48),
        (date(2025, 3, 11), True, 48),
    ],
)
def test_certificate_valid_sixty_months(meeting: date, blocked: bool, months: int) -> None:
    facts = vote_facts(date(2025, 3, 1), course_issued=date(2021, 3, 10))
    config = RulesConfig(certificate_validity_months=months)
    findings = check(facts, A.CELL_VOTE, meeting, vote(ROLL, ROLL, ROLL), config=config)
    assert blocks(findings) == (["CERT-VALID"] if blocked else [])


def test_a_new_certificate_renews_validity() -> None:
    facts = vote_facts(date(2026, 2, 1), course_issued=date(2021, 1, 5))
    assert blocks(check(facts, A.CELL_VOTE, date(2026, 3, 2), vote(ROLL, ROLL, ROLL))) == [
        "CERT-VALID"
    ]
    renewed = record(
        facts, A.COURSE, date(2026, 2, 20), {**COURSE_DATA, "issued_on": date(2026, 2, 20)}
    )
    assert blocks(check(renewed, A.CELL_VOTE, date(2026, 3, 2), vote(ROLL, ROLL, ROLL))) == []


def test_unsatisfactory_verification_stops_the_case() -> None:
    facts = walk(upto(A.VERIFIED))
    facts = record(facts, A.VERIFIED, date(2024, 4, 5), {"satisfactory": False, "conclusion": "x"})
    assert rules.derive_stage(facts)[0] == "dossier"
    assert blocks(check(facts, A.INTRODUCED, date(2024, 4, 6), _intro())) == ["VERIFY"]
    # A later unsatisfactory conclusion blocks the vote even after the stage was reached.
    facts = walk(upto(A.CELL_VOTE))
    facts = record(facts, A.VERIFIED, date(2024, 4, 20), {"satisfactory": False, "conclusion": "x"})
    assert rules.derive_stage(facts)[0] == "opinions"
    assert blocks(check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(ROLL, ROLL, ROLL))) == ["VERIFY"]


def test_unfavourable_opinions_warn_at_the_vote() -> None:
    facts = walk(upto(A.CELL_VOTE))
    facts = record(facts, A.OPINIONS, date(2024, 4, 20), {"favourable": False})
    findings = check(facts, A.CELL_VOTE, date(2024, 5, 6), vote(ROLL, ROLL, ROLL))
    assert ids(findings, Severity.WARN) == ["OPINIONS"]


# --- deadlines on the working-day calendar --------------------------------------------------


def _decided(received_on: date) -> CaseFacts:
    path = steps_to_opinions(date(2025, 11, 3)) + [
        (A.CELL_VOTE, date(2025, 12, 1), vote(ROLL, ROLL, ROLL)),
        (A.COMMITTEE_VOTE, date(2025, 12, 8), vote(9, 9, 9)),
        (A.DECISION, received_on, {**DECISION_DATA, "received_on": received_on, "admitted": True}),
    ]
    return walk(path)


@pytest.mark.parametrize(
    ("overrides", "due"),
    [
        # Received Mon 2/2/2026; Tết 16–20/2/2026 is off: 30 working days end on 23/3/2026.
        ((), date(2026, 3, 23)),
        # An administrator's extra day off on Fri 20/3/2026 moves it one working day.
        (((date(2026, 3, 20), DAY_OFF),), date(2026, 3, 24)),
        # An administrator's make-up working Saturday 7/3/2026 brings it one day earlier.
        (((date(2026, 3, 7), WORKING_DAY),), date(2026, 3, 20)),
    ],
)
def test_ceremony_deadline_spans_tet_and_overrides(
    overrides: tuple[tuple[date, str], ...], due: date
) -> None:
    calendar = build_calendar(range(2024, 2028), overrides)
    facts = _decided(date(2026, 2, 2))
    assert rules.due_dates(facts, calendar=calendar) == [
        rules.Due("CEREMONY-30WD", due, "Hạn tổ chức lễ kết nạp")
    ]
    ceremony = {"mentor": 101}
    assert blocks(check(facts, A.CEREMONY, due, ceremony, calendar=calendar)) == []
    late = check(facts, A.CEREMONY, due + timedelta(days=1), ceremony, calendar=calendar)
    assert blocks(late) == ["CEREMONY-30WD"]
    consented = record(facts, A.CEREMONY_CONSENT, date(2026, 3, 2), {"document_number": "7"})
    late = check(consented, A.CEREMONY, due + timedelta(days=1), ceremony, calendar=calendar)
    assert blocks(late) == []
    assert "CEREMONY-30WD" in ids(late, Severity.INFO)


@pytest.mark.parametrize(
    ("extension", "due"),
    [
        # Cell resolution Fri 9/1/2026: 60 working days, across Tết, end Fri 10/4/2026.
        (False, date(2026, 4, 10)),
        # +30 with an extension, across Hùng Kings (observed Mon 27/4) and 30/4–1/5: 27/5/2026.
        (True, date(2026, 5, 27)),
    ],
)
def test_decision_deadline_sixty_working_days_plus_extension(extension: bool, due: date) -> None:
    path = steps_to_opinions(date(2025, 12, 1)) + [
        (A.CELL_VOTE, date(2026, 1, 9), vote(ROLL, ROLL, ROLL)),
        (A.COMMITTEE_VOTE, date(2026, 1, 16), vote(9, 9, 9)),
    ]
    if extension:
        path.append((A.EXTENSION, date(2026, 3, 2), {"reason": "Thẩm tra bổ sung"}))
    facts = walk(path)
    assert [(d.rule_id, d.due_on) for d in rules.due_dates(facts, calendar=CAL)] == [
        ("DECIDE-60WD", due)
    ]
    data = {**DECISION_DATA, "admitted": True}
    on_time = check(facts, A.DECISION, due, {**data, "received_on": due})
    assert "DECIDE-60WD" not in ids(on_time)
    late_day = CAL.add_working_days(due, 1)
    late = check(facts, A.DECISION, late_day, {**data, "received_on": late_day})
    assert ids(late, Severity.WARN) == ["DECIDE-60WD"]
    assert blocks(late) == []
    if extension:
        assert blocks(check(facts, A.EXTENSION, date(2026, 3, 3), {"reason": "x"})) == [
            "DECIDE-60WD"
        ]


def _probation(ceremony: date) -> CaseFacts:
    decision_on = ceremony - timedelta(days=7)
    path = steps_to_opinions(ceremony - timedelta(days=60)) + [
        (A.CELL_VOTE, ceremony - timedelta(days=30), vote(ROLL, ROLL, ROLL)),
        (A.COMMITTEE_VOTE, ceremony - timedelta(days=20), vote(9, 9, 9)),
        (A.DECISION, decision_on, {**DECISION_DATA, "received_on": decision_on, "admitted": True}),
        (A.CEREMONY, ceremony, {"mentor": 102}),
    ]
    return walk(path)


def _probation_file(facts: CaseFacts, on: date) -> CaseFacts:
    facts = record(
        facts,
        A.NEW_MEMBER_COURSE,
        on - timedelta(days=200),
        {**COURSE_DATA, "issued_on": on - timedelta(days=200)},
    )
    for action in (A.SELF_REVIEW, A.MENTOR_ASSESSMENT, A.PROBATION_OPINIONS):
        facts = record(
            facts, action, on, {"favourable": True} if action == A.PROBATION_OPINIONS else {}
        )
    return facts


def test_recognition_deadline_spans_the_august_make_up_day() -> None:
    # Ceremony 14/8/2025 → probation ends Fri 14/8/2026. Sat 22/8 is a make-up working day;
    # 31/8, 1/9, 2/9 are off: 30 working days end on 29/9/2026.
    facts = _probation(date(2025, 8, 14))
    assert [(d.rule_id, d.due_on, d.label) for d in rules.due_dates(facts, calendar=CAL)] == [
        ("PROBATION-END", date(2026, 8, 14), "Hết thời hạn dự bị"),
        ("RECOG-30WD", date(2026, 9, 29), "Hạn chi bộ xét công nhận đảng viên chính thức"),
    ]
    assert CAL.is_working_day(date(2026, 8, 22)) is True
    facts = _probation_file(facts, date(2026, 8, 14))
    on_end = check(facts, A.RECOGNITION_CELL_VOTE, date(2026, 8, 14), vote(ROLL, ROLL, ROLL))
    assert blocks(on_end) == ["RECOG-30WD"]
    assert (
        blocks(check(facts, A.RECOGNITION_CELL_VOTE, date(2026, 8, 15), vote(ROLL, ROLL, ROLL)))
        == []
    )
    on_time = check(facts, A.RECOGNITION_CELL_VOTE, date(2026, 9, 29), vote(ROLL, ROLL, ROLL))
    assert "RECOG-30WD" not in ids(on_time)
    late = check(facts, A.RECOGNITION_CELL_VOTE, date(2026, 9, 30), vote(ROLL, ROLL, ROLL))
    assert ids(late, Severity.WARN) == ["RECOG-30WD"]


@pytest.mark.parametrize(
    ("extension", "due"), [(False, date(2026, 3, 23)), (True, date(2026, 5, 7))]
)
def test_recognition_decision_deadline(extension: bool, due: date) -> None:
    # Cell recognition resolution Mon 2/2/2026: +30 working days across Tết → 23/3/2026;
    # +30 more → across Hùng Kings (27/4) and 30/4–1/5 → 7/5/2026.
    facts = _probation_file(_probation(date(2025, 1, 6)), date(2026, 1, 20))
    facts = record(facts, A.RECOGNITION_CELL_VOTE, date(2026, 2, 2), vote(ROLL, ROLL, ROLL))
    facts = record(facts, A.RECOGNITION_COMMITTEE_VOTE, date(2026, 2, 5), vote(9, 9, 9))
    if extension:
        facts = record(facts, A.RECOGNITION_EXTENSION, date(2026, 3, 2), {"reason": "x"})
    assert [(d.rule_id, d.due_on) for d in rules.due_dates(facts, calendar=CAL)] == [
        ("RECOG-DECIDE-30WD", due)
    ]
    data = {"decision_number": "9", "authority": 3, "recognised": True}
    assert "RECOG-DECIDE-30WD" not in ids(check(facts, A.RECOGNITION_DECISION, due, data))
    late = check(facts, A.RECOGNITION_DECISION, due + timedelta(days=1), data)
    assert ids(late, Severity.WARN) == ["RECOG-DECIDE-30WD"]
    # Official from the exact end of the 12 months, however late the decision.
    [info] = [f for f in late if f.rule_id == "RECOG-DATE"]
    assert info.message.startswith("Ngày chính thức: 06/01/2026 ")


def test_due_dates_are_open_ones_earliest_first() -> None:
    facts = _decided(date(2026, 2, 2))
    assert [d.rule_id for d in rules.due_dates(facts, calendar=CAL)] == ["CEREMONY-30WD"]
    facts = record(facts, A.CEREMONY, date(2026, 2, 10), {"mentor": 101})
    assert [d.rule_id for d in rules.due_dates(facts, calendar=CAL)] == [
        "PROBATION-END",
        "RECOG-30WD",
    ]
    assert rules.due_dates(walk(upto(A.CELL_VOTE)), calendar=CAL) == []


# --- re-admission -----------------------------------------------------------------------------


def _readmission(**r: Any) -> CaseFacts:
    values: dict[str, Any] = {
        "left_on": date(2021, 3, 1),
        "left_reason": "removed",
        "record_cleared_on": None,
        "readmitted_before": False,
    }
    values.update(r)
    opened = make_facts(
        [
            (A.OPEN, date(2024, 1, 2), {}),
            (A.COURSE, date(2024, 1, 3), {**COURSE_DATA, "issued_on": date(2024, 1, 3)}),
            (A.CANDIDATE_LISTED, date(2024, 1, 4), {"mentor": 101}),
        ],
        is_readmission=True,
        readmission=ReadmissionFacts(**values),
    )
    return opened


@pytest.mark.parametrize(
    ("readmission", "on", "count"),
    [
        ({}, date(2024, 2, 29), 1),  # 35 months since 1/3/2021
        ({}, date(2024, 3, 1), 0),  # 36 months
        ({"left_reason": "resigned"}, date(2024, 3, 1), 1),
        ({"left_reason": "resigned_hardship"}, date(2024, 3, 1), 0),
        ({"left_reason": "abandoned_activity"}, date(2024, 3, 1), 1),
        ({"left_reason": "disunity"}, date(2024, 3, 1), 1),
        ({"left_reason": "corruption"}, date(2024, 3, 1), 1),
        ({"left_reason": "serious_crime"}, date(2024, 3, 1), 1),
        ({"left_reason": "less_serious_crime"}, date(2024, 3, 1), 1),  # no clearing date
        (
            {"left_reason": "less_serious_crime", "record_cleared_on": date(2019, 3, 2)},
            date(2024, 3, 1),
            1,
        ),
        (
            {"left_reason": "less_serious_crime", "record_cleared_on": date(2019, 3, 1)},
            date(2024, 3, 1),
            0,
        ),
        ({"readmitted_before": True}, date(2024, 3, 1), 1),
        ({"left_on": None}, date(2024, 3, 1), 1),
    ],
)
def test_readmission_conditions_at_the_application(
    readmission: dict[str, Any], on: date, count: int
) -> None:
    findings = check(_readmission(**readmission), A.APPLICATION, on)
    assert blocks(findings) == ["READMIT"] * count
    assert all(f.reference == "Quy định 24-QĐ/TW (30/7/2021), điểm 3.5" for f in findings)


def test_readmission_hardship_exception_is_configurable() -> None:
    facts = _readmission(left_reason="resigned_hardship")
    strict = RulesConfig(readmit_hardship_exception=False)
    assert blocks(check(facts, A.APPLICATION, date(2024, 3, 1), config=strict)) == ["READMIT"]


def test_readmission_needs_province_consent_before_the_decision() -> None:
    readmission = ReadmissionFacts(date(2020, 1, 1), "removed", None, False)
    facts = walk(
        upto(A.DECISION),
        make_facts(opened_on=date(2024, 4, 1), is_readmission=True, readmission=readmission),
    )
    data = {**DECISION_DATA, "received_on": date(2024, 6, 12), "admitted": True}
    assert blocks(check(facts, A.DECISION, date(2024, 6, 10), data)) == ["READMIT"]
    consented = record(
        facts, A.READMISSION_CONSENT, date(2024, 6, 1), {"document_number": "9-CV/TU"}
    )
    assert blocks(check(consented, A.DECISION, date(2024, 6, 10), data)) == []


# --- the case page -------------------------------------------------------------------------------


def test_case_findings_overdue_certificate_and_age() -> None:
    facts = _decided(date(2026, 2, 2))
    findings = rules.case_findings(facts, today=date(2026, 3, 24), calendar=CAL, members=MEMBERS)
    assert [(f.rule_id, f.severity) for f in findings] == [("CEREMONY-30WD", Severity.WARN)]
    assert findings[0].message.startswith("Quá hạn: Hạn tổ chức lễ kết nạp (23/03/2026)")
    assert rules.case_findings(facts, today=date(2026, 3, 23), calendar=CAL, members=MEMBERS) == []

    listed = make_facts(
        [
            (A.OPEN, date(2024, 1, 2), {}),
            (A.COURSE, date(2024, 1, 3), {**COURSE_DATA, "issued_on": date(2021, 3, 10)}),
            (A.CANDIDATE_LISTED, date(2024, 1, 4), {"mentor": 101}),
        ],
        birth_date=date(1966, 5, 1),
    )
    findings = rules.case_findings(listed, today=date(2026, 2, 20), calendar=CAL, members=MEMBERS)
    assert [(f.rule_id, f.severity) for f in findings] == [
        ("AGE-MAX", Severity.WARN),
        ("CERT-VALID", Severity.WARN),
    ]
    assert "Sắp đủ 60 tuổi (01/05/2026)" in findings[0].message
    assert "còn giá trị đến 10/03/2026" in findings[1].message
    findings = rules.case_findings(listed, today=date(2026, 5, 4), calendar=CAL, members=MEMBERS)
    assert [f.rule_id for f in findings] == ["AGE-MAX", "CERT-VALID"]
    assert "Đã trên 60 tuổi" in findings[0].message
    assert "đã hết giá trị từ 11/03/2026" in findings[1].message
    # A mentor who left the cell.
    moved = {**MEMBERS, 101: MemberFacts(101, "official", 99, date(2010, 1, 1))}
    young = replace(listed, birth_date=date(1990, 1, 1))
    findings = rules.case_findings(young, today=date(2024, 2, 1), calendar=CAL, members=moved)
    assert [(f.rule_id, f.severity) for f in findings] == [("MENTOR-OFFICIAL", Severity.WARN)]


def test_next_actions_follow_the_path() -> None:
    opened = make_facts([(A.OPEN, date(2024, 1, 2), {})])
    assert rules.next_actions(opened) == [A.COURSE, A.TRANSFERRED, A.EXIT]
    # Close to 60: the over-60 consent is offered.
    assert rules.next_actions(replace(opened, birth_date=date(1964, 6, 1))) == [
        A.COURSE,
        A.OVER60_CONSENT,
        A.TRANSFERRED,
        A.EXIT,
    ]
    facts = walk(upto(A.DECISION))
    assert rules.next_actions(facts) == [
        A.MENTOR_ASSIGNED,
        A.MENTOR_REPORT,
        A.EXTENSION,
        A.DECISION,
        A.TRANSFERRED,
        A.EXIT,
    ]
    facts = walk(upto(A.RECOGNITION_CELL_VOTE))
    # Issue 6 §4: the probation file, already received, is no longer offered.
    assert rules.next_actions(facts) == [
        A.MENTOR_ASSIGNED,
        A.MENTOR_REPORT,
        A.RECOGNITION_CELL_VOTE,
        A.TRANSFERRED,
        A.EXIT,
    ]


@pytest.mark.parametrize(
    ("expected_id", "given", "enabled", "blocked"),
    [
        (3, 3, True, []),  # the committee the tree names
        (7, 3, True, ["AUTHORITY"]),  # another committee signed
        (None, 3, True, []),  # the service could not work it out: nothing to compare
        (7, 3, False, []),  # a deployment that turned the check off (army, police)
    ],
)
def test_the_decision_comes_from_the_competent_committee(
    expected_id: int | None, given: int, enabled: bool, blocked: list[str]
) -> None:
    config = RulesConfig(check_decision_authority=enabled)
    facts = dataclasses.replace(
        walk(upto(A.DECISION)),
        authority_id=expected_id,
        authority_label="Ban thường vụ Đảng ủy xã Cam Lộ",
    )
    decision = {**DECISION_DATA, "authority": given, "received_on": date(2024, 6, 12)}
    findings = check(
        facts, A.DECISION, date(2024, 6, 10), {**decision, "admitted": True}, config=config
    )
    assert blocks(findings) == blocked
    if blocked:
        message = next(f.message for f in findings if f.rule_id == "AUTHORITY")
        assert message == (
            "Cấp quyết định không đúng thẩm quyền: theo cây tổ chức, cấp có thẩm quyền là "
            "Ban thường vụ Đảng ủy xã Cam Lộ (AUTHORITY, Quy định 24-QĐ/TW điểm 4.3.2)"
        )
