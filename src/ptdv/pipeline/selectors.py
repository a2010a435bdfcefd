"""Reads of the admission pipeline, always scoped by access.policy.

Cases carry their stage and next due date cached by the services, so the lists, the board
and the due list are indexed queries; only the case page asks the rules (findings, next
actions, due dates), for one case.

A case page is not the person's lý lịch (it shows the name, the stage and the steps, not the
dossier fields), so reading it is not written to the access log; the dossier stays one click
away on the person's page, which is logged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Aggregate, Count, DateField, Q, QuerySet, Sum, Value, When
from django.db.models import Case as SqlCase
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ptdv.access import policy
from ptdv.access.policy import Action
from ptdv.members.rules.stats import month_end
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.rules import committee_name
from ptdv.orgs.selectors import ancestors_of
from ptdv.people.models import Person
from ptdv.people.selectors import matching_query
from ptdv.pipeline import paths, rules, stagecounts
from ptdv.pipeline.actions import ACTIONS, FORM_TITLES, FORMS_BY_STAGE, ActionSpec
from ptdv.pipeline.config import rules_config
from ptdv.pipeline.facts import (
    calendar_for,
    case_facts,
    expected_authority,
    member_facts,
    required_action,
)
from ptdv.pipeline.fields import FieldSpec, Kind
from ptdv.pipeline.models import (
    CHOICE_LABELS,
    Case,
    Mentor,
    Outcome,
    Stage,
    Step,
    TrainingBatch,
)
from ptdv.pipeline.rules import Due, Finding, funnel

# Stages an open case can be in: the board's columns, in path order.
OPEN_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if s not in (Stage.OFFICIAL, Stage.EXITED))
_STAGE_ORDER = {s.value: i for i, s in enumerate(Stage)}


def _in_subtree(qs: QuerySet[Case], org: Org) -> QuerySet[Case]:
    # The path the case carries (D48): a range of the cases' own index, no join to the cells.
    return qs.filter(paths.under(org.path))


def cases_for_user(
    user: Any,
    *,
    org: Org | None = None,
    stage: str = "",
    source: str = "",
    overdue: bool = False,
    q: str = "",
    today: date,
) -> QuerySet[Case]:
    """Return the cases the user may see, filtered, in the person's Vietnamese name order.

    `org` keeps the cases of cells under that unit; `overdue` keeps open cases whose next
    deadline has passed; `q` matches the person's name or CCCD like the people search.
    """
    qs = policy.scope(user, Case.objects.all(), Action.CASE_VIEW)
    qs = filtered(qs, org=org, stage=stage, source=source, overdue=overdue, q=q, today=today)
    return qs.select_related("person", "cell").order_by("person__sort_key", "pk")


def filtered(
    qs: QuerySet[Case],
    *,
    org: Org | None = None,
    cell: Org | None = None,
    stage: str = "",
    source: str = "",
    overdue: bool = False,
    q: str = "",
    today: date,
) -> QuerySet[Case]:
    """Return qs narrowed by the filters the case list, the board and the API share."""
    for unit in (org, cell):
        if unit is not None:
            qs = _in_subtree(qs, unit)
    if stage:
        qs = qs.filter(stage=stage)
    if source:
        qs = qs.filter(source=source)
    if overdue:
        qs = qs.filter(outcome=Outcome.OPEN, next_due_on__lt=today)
    if q.strip():
        qs = qs.filter(person__in=matching_query(Person.objects.all(), q).values("pk"))
    return qs


def due_for_user(user: Any, *, today: date, within_days: int = 30) -> QuerySet[Case]:
    """Return the open cases in scope due within `within_days` days, overdue ones first."""
    qs = policy.scope(user, Case.objects.all(), Action.CASE_VIEW)
    return (
        qs.filter(outcome=Outcome.OPEN, next_due_on__lte=today + timedelta(days=within_days))
        .select_related("person", "cell")
        .order_by("next_due_on", "pk")
    )


def due_label(rule_id: str, dues: Sequence[rules.Due] = ()) -> str:
    """Return what a deadline is about, in Vietnamese (the rule's label), else its id."""
    for due in dues:
        if due.rule_id == rule_id:
            return str(due.label)
    info = rules.RULES.get(rule_id)
    label = getattr(info, "label", "") or getattr(info, "title", "")
    return str(label) if label else rule_id


def due_basis(rule_id: str, due_on: date) -> str:
    """Return the legal reference of a deadline's rule in force on its due date, or ""."""
    info = rules.RULES.get(rule_id)
    return info.provision_on(due_on).reference if info is not None else ""


def get_case(user: Any, pk: Any, action: Action = Action.CASE_VIEW) -> Case:
    """Return one case the user may act on (action), or 404."""
    return policy.get_for_user_or_404(
        user, Case.objects.select_related("person", "cell"), action, pk=pk
    )


# --- the case page ---------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    step: Step
    label: str
    recorder: str
    fields: list[tuple[str, str]]  # (field label, value as shown), in the action's order


@dataclass(frozen=True)
class FormItem:
    code: str
    title: str
    received: bool
    received_on: date | None


@dataclass(frozen=True)
class NextAction:
    code: str
    label: str


@dataclass(frozen=True)
class Waiting:
    """A next step of another level: whom the case waits for ("Chờ … biểu quyết")."""

    code: str
    label: str  # the step
    unit_id: int
    unit_name: str
    text: str  # "Chờ Đảng bộ phường Đông Thanh biểu quyết"


@dataclass(frozen=True)
class CasePage:
    case: Case
    steps: list[StepView]
    findings: list[Finding]
    dues: list[Due]
    forms: list[FormItem]
    mentors: list[Mentor]
    next_actions: list[NextAction]
    waiting: list[Waiting]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocks]


def case_page(
    user: Any, case: Case, *, today: date, state: rules.CaseState | None = None
) -> CasePage:
    """Return everything the case page (and the API detail) shows about one case.

    The caller fetched `case` through get_case (scope checked). The case's steps are replayed
    once (rules.case_state), unless the caller passes the state a service has just computed;
    findings, due dates, next steps and the form checklist all read that state. Next actions
    are the ones the rules allow now and the user may record; the steps on the path that
    another level records are listed as `waiting`, naming that level.
    """
    steps = list(Step.objects.filter(case_id=case.pk).select_related("recorded_by").order_by("seq"))
    mentors = list(
        Mentor.objects.filter(case_id=case.pk)
        .select_related("member")
        .order_by("assigned_on", "pk")
    )
    facts = case_facts(case, steps)
    calendar = calendar_for(facts, today)
    members = member_facts(case, {}, extra_ids=[m.member_id for m in mentors], user=user)
    config = rules_config()
    if state is None:
        state = rules.case_state(facts, config=config)
    findings = rules.case_findings(
        facts, today=today, calendar=calendar, members=members, config=config, state=state
    )
    dues = (
        rules.due_dates(facts, calendar=calendar, config=config, state=state)
        if case.is_open
        else []
    )
    codes = rules.next_actions(facts, config=config, state=state) if case.is_open else []
    allowed = [
        NextAction(code, str(ACTIONS[code].label))
        for code in codes
        if policy.can(user, required_action(code), case)
    ]
    recordable = {a.code for a in allowed}
    waiting = _waiting(case, [c for c in codes if c not in recordable], today, facts, state)
    return CasePage(
        case=case,
        steps=_step_views(steps),
        findings=sorted(findings, key=lambda f: not f.blocks),
        dues=sorted(dues, key=lambda d: d.due_on),
        forms=_forms_checklist(state, steps),
        mentors=mentors,
        next_actions=allowed,
        waiting=waiting,
    )


def _waiting(
    case: Case,
    codes: Sequence[str],
    today: date,
    facts: rules.CaseFacts,
    state: rules.CaseState,
) -> list[Waiting]:
    """Return the path steps among `codes` (ones the user may not record), with their unit.

    The unit comes from the organisation tree: the cell records its own steps; the grassroots
    committee (or the chi bộ cơ sở itself, or the đảng ủy bộ phận for an appraisal) its
    steps; the deciding level is the committee AUTHORITY names.
    """
    path = [c for c in codes if _on_path(ACTIONS[c])]
    if not path:
        return []
    chain = [*ancestors_of(case.cell), case.cell]
    result = []
    for code in path:
        spec = ACTIONS[code]
        unit = _recording_unit(case, spec, chain, today, facts, state)
        # The committee acts, not the whole đảng bộ: "Chờ Đảng ủy phường Đông Thanh biểu quyết".
        text = _("Chờ %(unit)s %(verb)s") % {"unit": committee_name(unit.name), "verb": spec.waits}
        result.append(Waiting(code, str(spec.label), unit.pk, unit.name, text))
    return result


def _on_path(spec: ActionSpec) -> bool:
    """Whether a step moves the case on (or is a consent it needs), not a side step."""
    return bool(spec.leads_to and spec.leads_to != Stage.EXITED) or bool(
        spec.applies == "readmission" or spec.offer_if
    )


def _recording_unit(
    case: Case,
    spec: ActionSpec,
    chain: Sequence[Org],
    today: date,
    facts: rules.CaseFacts,
    state: rules.CaseState,
) -> Org:
    above = list(reversed(chain[:-1]))  # the parent first
    if spec.permission == "record" or not above:
        return case.cell
    if spec.permission == "committee":
        if spec.applies == "appraisal":
            return above[0]
        if case.cell.kind == OrgKind.GRASSROOTS_CELL:
            return case.cell
        return next((o for o in above if o.kind == OrgKind.GRASSROOTS_COMMITTEE), above[0])
    expected = expected_authority(case, today, facts, state)
    return expected[0] if expected is not None else above[0]


def _forms_checklist(state: rules.CaseState, steps: Sequence[Step]) -> list[FormItem]:
    """Return the paper forms expected for the stage reached, each received or not."""
    stage = state.stage
    if stage == Stage.EXITED and state.stage_before_close:
        # An exited case is checked against the stage it had reached before leaving.
        stage = state.stage_before_close
    reached = _STAGE_ORDER.get(stage, 0)
    expected: list[str] = []
    for key, codes in sorted(FORMS_BY_STAGE.items(), key=lambda kv: _STAGE_ORDER[kv[0]]):
        if _STAGE_ORDER[key] <= reached:
            expected += [c for c in codes if c not in expected]
    received: dict[str, date] = {}
    for step in steps:
        for code in step.documents or []:
            received.setdefault(code, step.occurred_on)
    return [
        FormItem(code, str(FORM_TITLES.get(code, code)), code in received, received.get(code))
        for code in expected
    ]


def _step_views(steps: Sequence[Step]) -> list[StepView]:
    """Return the steps with their labels and data shown by field label (names for ids)."""
    ids: dict[str, set[int]] = {"person": set(), "org": set(), "batch": set()}
    for step in steps:
        spec = ACTIONS.get(step.action)
        for field in spec.fields if spec else ():
            if field.kind.ref:
                ids[field.kind.ref].update(field.ids((step.data or {}).get(field.name)))
    names: dict[str, dict[int, str]] = {
        "person": dict(Person.objects.filter(pk__in=ids["person"]).values_list("pk", "full_name"))
        if ids["person"]
        else {},
        "org": dict(Org.objects.filter(pk__in=ids["org"]).values_list("pk", "name"))
        if ids["org"]
        else {},
        "batch": dict(TrainingBatch.objects.filter(pk__in=ids["batch"]).values_list("pk", "name"))
        if ids["batch"]
        else {},
    }
    views = []
    for step in steps:
        spec = ACTIONS.get(step.action)
        shown = []
        for field in spec.fields if spec else ():
            value = (step.data or {}).get(field.name)
            if value is None or value == "":
                continue
            shown.append((str(field.label), _display(field, value, names)))
        views.append(
            StepView(
                step=step,
                label=str(spec.label) if spec else step.action,
                recorder=str(step.recorded_by),
                fields=shown,
            )
        )
    return views


def _display(field: FieldSpec, value: Any, names: dict[str, dict[int, str]]) -> str:
    kind = field.kind
    if kind is Kind.DATE and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value), "d/m/Y")
        except ValueError:
            return value
    if kind is Kind.BOOL:
        return _("Có") if value else _("Không")
    if kind.ref and isinstance(value, int | list):
        shown = names[kind.ref]
        return ", ".join(shown.get(v, str(v)) for v in field.ids(value)) or str(value)
    if kind is Kind.CHOICE:
        return str(CHOICE_LABELS.get(value, value))
    return str(value)


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


def figures_today(unit: Org, today: date) -> dict[str, funnel.StageFigures]:
    """Return today's open cases under the unit by stage: how many, the days in the stage of the
    middle one(s), how many are overdue. A unit at a kept level (D50) reads its rows per month
    entered, finds the months holding each stage's middle (`funnel.middle_months`) and reads
    those months' days alone, and its overdue from its due months (D69): a few hundred rows
    instead of one per stage and day. Below the kept levels the database ranks the unit's cases
    (at most two rows per stage)."""
    if stagecounts.keeps(unit):
        return _figures_kept(unit, today)
    late = SqlCase(When(next_due_on__lt=today, then=Value(1)), default=Value(0))
    if connection.vendor == "postgresql":
        return _figures_grouped(unit, today, late)
    # SQLite: the cases counted per stage and day entered, ranked here (a window ranking each
    # of a province's 21,000 cases took 70 ms at full scale).
    by_day = (
        Case.objects.filter(paths.under(unit.path), outcome=Outcome.OPEN)
        .values_list("stage", "stage_since")
        .annotate(n=Count("pk"), late=Sum(late))
        .order_by()
    )
    counted, overdue = [], Counter[str]()
    for stage, day, n, late_cases in by_day:
        counted.append((stage, day, n))
        overdue[stage] += int(late_cases)
    return funnel.figures(funnel.ranked(counted), dict(overdue), today)


def _figures_kept(unit: Org, today: date) -> dict[str, funnel.StageFigures]:
    """`figures_today` of a unit at a kept level (D69), in two reads of its rows: its rows per
    month entered and its due months before today's; then the days of the months holding each
    stage's middle and today's month's due days before today (each a range of the rows' key)."""
    rows = stagecounts.kept_rows(unit, [funnel.ENTERED_MONTH, funnel.ENTERED, funnel.DUE_MONTH,
                                        funnel.DUE])  # fmt: skip
    assert rows is not None
    first = today.replace(day=1)
    entered: list[tuple[str, date, int]] = []
    overdue: Counter[str] = Counter()
    for kind, stage, day, n in rows.filter(
        Q(kind=funnel.ENTERED_MONTH) | Q(kind=funnel.DUE_MONTH, day__lt=first)
    ).values_list("kind", "stage", "day", "n"):
        if kind == funnel.ENTERED_MONTH:
            entered.append((stage, day, n))
        else:
            overdue[stage] += n
    months = funnel.middle_months(entered)
    wanted = Q(kind=funnel.DUE, stage__in=Stage.values, day__gte=first, day__lt=today)
    for month, stages in funnel.months_wanted(months).items():
        wanted |= Q(
            kind=funnel.ENTERED, stage__in=stages, day__gte=month, day__lte=month_end(month)
        )
    days = []
    for kind, stage, day, n in rows.filter(wanted).values_list("kind", "stage", "day", "n"):
        if kind == funnel.ENTERED:
            days.append((stage, day, n))
        else:
            overdue[stage] += n
    return funnel.figures(funnel.ranked_within(months, days), dict(overdue), today)


class _Middle(Aggregate):
    """PostgreSQL's ordered-set aggregate: the values at the group's middle position(s) in the
    expression's order — [lower, upper]; the same value twice for an odd count.

    `percentile_disc(f)` returns the value at the 1-based position ceil(f × n): 0.5 gives the
    lower middle, and 0.5 plus a hair (less than 1 / (2n) for any n below 10^9) the upper one:
    position n / 2 + 1 for an even count, (n + 1) / 2 again for an odd count."""

    template = (
        "percentile_disc(ARRAY[0.5, 0.5000000001]::float8[]) WITHIN GROUP (ORDER BY "
        "%(expressions)s)"
    )
    output_field = ArrayField(DateField())


def _figures_grouped(unit: Org, today: date, late: SqlCase) -> dict[str, funnel.StageFigures]:
    """`figures_today` below the kept levels on PostgreSQL: one grouped pass over the unit's
    open cases (their index alone), each stage's middle days by an ordered-set aggregate
    instead of a window that ranks every case (at full scale a province's 21,000 cases: 11
    instead of 28 ms). The same figures as the window (both tested against a count)."""
    rows = (
        Case.objects.filter(paths.under(unit.path), outcome=Outcome.OPEN)
        .values_list("stage")
        .annotate(total=Count("pk"), middle=_Middle("stage_since"), late=Sum(late))
        .order_by()
    )
    found: list[funnel.Ranked] = []
    overdue: dict[str, int] = {}
    for stage, total, (lower, upper), late_cases in rows:
        # The rows `funnel.figures` reads: the lower middle as the case at position
        # (total - 1) // 2 (a row of one case ending there), the upper at total // 2.
        found.append((stage, lower, 1, (total - 1) // 2 + 1, total))
        if total % 2 == 0:
            found.append((stage, upper, 1, total // 2 + 1, total))
        overdue[stage] = int(late_cases)
    return funnel.figures(found, overdue, today)


__all__ = [
    "figures_today",
    "CasePage",
    "FormItem",
    "NextAction",
    "OPEN_STAGES",
    "StepView",
    "Waiting",
    "case_page",
    "cases_for_user",
    "due_for_user",
    "filtered",
    "get_case",
    "stage_label",
]
