"""Pipeline pages: the board, a case with its steps and findings, step forms, "Việc cần làm",
the source pool and its monthly review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ptdv.access import policy
from ptdv.access.history import render_history
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors
from ptdv.members.models import Standing
from ptdv.members.selectors import standing_of
from ptdv.members.transfer_selectors import TransferDue, transfer_dues_for_user
from ptdv.orgs.forms import unit_picker_field
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.people.selectors import org_in_scope, person_for_user
from ptdv.pipeline import actions, boards, choices, rules, selectors, services
from ptdv.pipeline.facts import vote_prefill
from ptdv.pipeline.forms import (
    BoardFilterForm,
    CaseOpenForm,
    PoolAddForm,
    PoolCellForm,
    PoolReviewForm,
    StepForm,
)
from ptdv.pipeline.models import Case, PoolEntry

CANDIDATE_LIMIT = 50


def _today() -> date:
    """Return today's date (one function, so tests can pin it)."""
    return timezone.localdate()


# --- units in scope ------------------------------------------------------------------------


def _default_unit(user: Any) -> Org | None:
    """Return the user's first grant root where they may see cases, else the first such unit."""
    return choices.default_unit_for_user(user, Action.CASE_VIEW)


# --- the board --------------------------------------------------------------------------------


@require_GET
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pipeline of one unit: a column per stage; htmx refreshes the #board region only."""
    user = request.user
    if not policy.can_anywhere(user, Action.CASE_VIEW):
        raise Http404
    today = _today()
    chosen = None
    if request.GET.get("org"):
        chosen = org_in_scope(user, request.GET["org"], Action.CASE_VIEW)
        if chosen is None:
            raise Http404
    org = chosen or _default_unit(user)
    if org is None:
        raise Http404
    data = request.GET.copy()
    data["org"] = str(org.pk)
    form = BoardFilterForm(data, user=user, org=org, today=today)
    if not form.is_valid() and "cell" in form.errors:
        # A cell from the previously chosen unit does not belong to this one: show all cells.
        data.pop("cell")
        form = BoardFilterForm(data, user=user, org=org, today=today)
        form.is_valid()
    filters = form.cleaned_data
    chosen_filters: dict[str, Any] = {
        "org": org,
        "cell": filters.get("cell"),
        "source": filters.get("source") or "",
        "overdue": bool(filters.get("overdue")),
        "today": today,
    }
    stage = filters.get("stage") or ""
    # One stage chosen: its cases page by page, the other stages' counts as links above them.
    columns = boards.board(user, per_column=0 if stage else boards.BOARD_CARDS, **chosen_filters)
    context: dict[str, Any] = {
        "form": form,
        "org": org,
        "columns": columns,
        "total": sum(column.count for column in columns),
        "today": today,
    }
    if stage:
        column = next(c for c in columns if c.stage == stage)
        cards = boards.stage_cards(user, stage=stage, count=column.count, **chosen_filters)
        context["stage"] = column
        context["page"] = Paginator(cards, boards.STAGE_PAGE).get_page(request.GET.get("page"))
    template = "pipeline/board.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#board"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the case page --------------------------------------------------------------------------


def vote_line(data: dict[str, Any]) -> str:
    """Return a vote as "12/15 có mặt, 11 tán thành (cần 10) — Đạt"."""
    try:
        eligible, present, agree = int(data["eligible"]), int(data["present"]), int(data["agree"])
    except (KeyError, TypeError, ValueError):
        return ""
    result = rules.vote_result(eligible, present, agree)
    return _(
        "%(present)s/%(eligible)s có mặt, %(agree)s tán thành (cần %(required)s) — %(verdict)s"
    ) % {
        "present": present,
        "eligible": eligible,
        "agree": agree,
        "required": result.required,
        "verdict": _("Đạt") if result.passes else _("Không đạt"),
    }


_VOTE_FIELDS = frozenset({"eligible", "present", "agree"})


@dataclass(frozen=True)
class TimelineEntry:
    view: selectors.StepView
    vote: str  # "12/15 có mặt, 11 tán thành (cần 10) — Đạt" for a vote, else ""
    details: list[tuple[str, str]]  # the other fields, as shown


def _timeline(steps: list[selectors.StepView]) -> list[TimelineEntry]:
    """Return the steps with a vote's numbers in one readable line."""
    entries = []
    for view in steps:
        spec = actions.ACTIONS.get(view.step.action)
        names = {fs.name for fs in spec.fields} if spec else set()
        vote = vote_line(view.step.data) if _VOTE_FIELDS <= names else ""
        hidden = (
            {str(fs.label) for fs in spec.fields if fs.name in _VOTE_FIELDS}
            if vote and spec
            else set()
        )
        details = [(label, value) for label, value in view.fields if label not in hidden]
        entries.append(TimelineEntry(view=view, vote=vote, details=details))
    return entries


@require_GET
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = selectors.get_case(user, case_id)
    today = _today()
    page = selectors.case_page(user, case, today=today)
    context = {
        "case": case,
        "page": page,
        "timeline": _timeline(page.steps),
        "can_dossier": policy.can(user, Action.PERSON_DOSSIER, case.person),
        "can_history": policy.can(user, Action.HISTORY_VIEW, case),
        "next_due_label": selectors.due_label(case.next_due_rule, page.dues),
        "today": today,
    }
    return render(request, "pipeline/case_detail.html", context)


@require_GET
def case_history(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = selectors.get_case(request.user, case_id, Action.HISTORY_VIEW)
    return render_history(
        request,
        obj=case,
        back_url=reverse("pipeline:case-detail", args=[case.pk]),
        title=_("Hồ sơ phát triển đảng viên: %(name)s") % {"name": case.person.full_name},
    )


# --- recording a step -----------------------------------------------------------------------


_SEVERITY_ORDER = {rules.Severity.BLOCK: 0, rules.Severity.WARN: 1, rules.Severity.INFO: 2}


@require_http_methods(["GET", "POST"])
def case_step(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """A step's form; "Kiểm tra" previews the findings (nothing saved), "Lưu" records it."""
    user = request.user
    code = request.GET.get("action", "")
    spec = actions.ACTIONS.get(code)
    case = selectors.get_case(user, case_id)
    # An unknown action and a step the user may not record both answer 404; a case is
    # opened by case_open, never by an "opened" step.
    if (
        spec is None
        or code == actions.OPEN
        or not policy.can(user, services.required_action(code), case)
    ):
        raise Http404
    today = _today()
    members, orgs, batches = choices.step_choices(user, case)

    # Units (a transfer's cell, the deciding committee) through the searchable picker.
    unit_field = partial(unit_picker_field, user, "case-step", today=today, anchor=case.cell)

    def make_form(*args: Any, **kwargs: Any) -> StepForm:
        return StepForm(
            *args,
            spec=spec,
            members=members,
            orgs=orgs,
            batches=batches,
            unit_field=unit_field,
            **kwargs,
        )

    findings: list[rules.Finding] | None = None
    blocked = ""
    if request.method == "POST":
        form = make_form(request.POST)
        # "Tìm" in a unit picker (no JavaScript) only shows its matches: nothing is recorded.
        if "picker" not in request.POST and form.is_valid():
            occurred_on, data, note = form.step_values()
            try:
                if request.POST.get("preview"):
                    findings = services.preview_step(
                        case=case,
                        action=code,
                        occurred_on=occurred_on,
                        data=data,
                        today=today,
                        actor=user,
                    )
                    # Blocks first, then warnings, then notes.
                    findings.sort(key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
                else:
                    services.record_step(
                        case=case,
                        action=code,
                        occurred_on=occurred_on,
                        data=data,
                        version=form.cleaned_data["version"],
                        actor=user,
                        today=today,
                        note=note,
                    )
                    messages.success(request, _("Đã ghi nhận: %(label)s.") % {"label": spec.label})
                    return redirect("pipeline:case-detail", case.pk)
            except services.TransitionBlocked as exc:
                findings = list(exc.findings)
                blocked = _("Chưa ghi được: %(message)s") % {
                    "message": " ".join(f.message for f in exc.findings if f.blocks)
                }
            except DomainError as exc:
                add_domain_errors(form, exc)
    else:
        initial: dict[str, Any] = {"version": case.version, "occurred_on": today}
        if code in (actions.DECISION, actions.RECOGNITION_DECISION):
            # Offer the committee the organisation tree names (AUTHORITY); the rules check it.
            expected = services.expected_authority(case, today)
            if expected is not None:
                initial["authority"] = expected[0].pk
        # A vote starts from the registry's figures on the day (VOTE-ELECTORATE).
        initial.update(vote_prefill(case, code, today, user=user))
        form = make_form(initial=initial)
    context = {
        "case": case,
        "spec": spec,
        "code": code,
        "form": form,
        "findings": findings,
        "blocked": blocked,
        "previewed": request.method == "POST" and bool(request.POST.get("preview")),
        "documents": [(c, actions.FORM_TITLES.get(c, c)) for c in spec.documents],
    }
    return render(request, "pipeline/case_step.html", context)


# --- Việc cần làm -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    case: Case
    label: str
    days: int  # negative: overdue by that many days

    @property
    def overdue_days(self) -> int:
        return -self.days


@require_GET
def todo(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.can_anywhere(user, Action.CASE_VIEW):
        raise Http404
    today = _today()
    groups: dict[str, list[DueRow]] = {"overdue": [], "week": [], "month": []}
    for case in selectors.due_for_user(user, today=today, within_days=30):
        assert case.next_due_on is not None
        days = (case.next_due_on - today).days
        row = DueRow(case=case, label=selectors.due_label(case.next_due_rule), days=days)
        key = "overdue" if days < 0 else "week" if days <= 7 else "month"
        groups[key].append(row)
    # Transfers of party activity due in the user's scope (members.transfer_selectors, D34).
    transfers: dict[str, list[TransferDue]] = {"overdue": [], "week": [], "month": []}
    for due in transfer_dues_for_user(user, today=today, within_days=30):
        key = "overdue" if due.days < 0 else "week" if due.days <= 7 else "month"
        transfers[key].append(due)
    titles = {"overdue": _("Quá hạn"), "week": _("Trong 7 ngày"), "month": _("Trong 30 ngày")}
    context = {
        "groups": [
            (k, title, groups[k], transfers[k], len(groups[k]) + len(transfers[k]))
            for k, title in titles.items()
        ],
        "today": today,
    }
    return render(request, "pipeline/todo.html", context)


# --- the source pool ---------------------------------------------------------------------------


def _cell_or_404(user: Any, cell_id: Any, action: Action) -> Org:
    cell = org_in_scope(user, cell_id, action)
    if cell is None or not cell.is_cell:
        raise Http404
    return cell


def _pool_cell(request: AuthenticatedHttpRequest, action: Action) -> Org:
    """Return the cell named by ?cell= (404 outside scope), by default the first cell in scope."""
    user = request.user
    if request.GET.get("cell"):
        return _cell_or_404(user, request.GET["cell"], action)
    if not policy.can_anywhere(user, action):
        raise Http404
    cell = choices.first_cell_for_user(user, action)
    if cell is None:
        raise Http404
    return cell


@require_GET
def pool(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A cell's list of outstanding people, with the latest review of each entry."""
    user = request.user
    cell = _pool_cell(request, Action.CASE_VIEW)
    show_dropped = request.GET.get("dropped") == "1"
    entries = choices.pool_of_cell(cell, show_dropped=show_dropped)
    data = request.GET.copy()
    data["cell"] = str(cell.pk)
    picker = PoolCellForm(data, user=user, today=_today())
    picker.is_valid()  # only to show the picker; the cell was resolved above
    context = {
        "cell": cell,
        "picker": picker,
        "entries": list(entries),
        "show_dropped": show_dropped,
        "can_record": policy.can(user, Action.CASE_RECORD, cell),
    }
    return render(request, "pipeline/pool.html", context)


def _pool_candidates(user: Any, q: str) -> QuerySet[Person]:
    """Return the people who may join a pool; the template shows the first CANDIDATE_LIMIT."""
    return choices.pool_candidates_for_user(user, q)


@require_http_methods(["GET", "POST"])
def pool_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    cell = _pool_cell(request, Action.CASE_RECORD)
    today = _today()
    q = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
    candidates = _pool_candidates(user, q)
    if request.method == "POST":
        form = PoolAddForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_to_pool(
                    cell=cell,
                    person=data["person"],
                    source=data["source"],
                    listed_on=data["listed_on"],
                    proposed_by=data["proposed_by"],
                    notes=data["notes"],
                    actor=user,
                    today=today,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã đưa %(name)s vào danh sách quần chúng ưu tú.")
                    % {"name": data["person"].full_name},
                )
                return redirect(reverse("pipeline:pool") + f"?cell={cell.pk}")
        shown = list(candidates[:CANDIDATE_LIMIT])
    else:
        form = PoolAddForm(candidates=candidates, initial={"listed_on": today})
        shown = list(candidates[:CANDIDATE_LIMIT]) if q.strip() else []
    context = {"cell": cell, "form": form, "q": q, "candidates": shown}
    template = "pipeline/pool_add.html"
    if request.htmx and request.method == "GET" and not request.htmx.history_restore_request:
        template += "#candidates"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def pool_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    cell = _pool_cell(request, Action.CASE_RECORD)
    today = _today()
    entries = choices.active_pool_of_cell(cell)
    if request.method == "POST":
        form = PoolReviewForm(request.POST, entries=entries)
        if form.is_valid():
            try:
                services.review_pool(
                    cell=cell,
                    month=form.cleaned_data["month"],
                    decisions=form.decisions(),
                    actor=user,
                    today=today,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu kết quả rà soát danh sách."))
                return redirect(reverse("pipeline:pool") + f"?cell={cell.pk}")
    else:
        form = PoolReviewForm(entries=entries, initial={"month": today.replace(day=1)})
    return render(request, "pipeline/pool_review.html", {"cell": cell, "form": form})


@require_http_methods(["GET", "POST"])
def case_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open a case for a pool entry (its cell and source) or for a person in a cell.

    GET shows the form (the opening date may be in the past, a re-admission carries the earlier
    membership); POST opens the case. The entry, person and cell come from the query string or
    the posted hidden fields, each fetched through the policy (404 outside scope).
    """
    user = request.user
    form = CaseOpenForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid() and any(form.has_error(f) for f in ("pool_entry", "person", "cell")):
        raise Http404
    data = (
        form.cleaned_data
        if form.is_valid()
        else {f: form[f].value() for f in ("pool_entry", "person", "cell")}
    )
    today = _today()
    entry: PoolEntry | None = None
    if data.get("pool_entry"):
        entry = choices.pool_entry_for_user(user, data["pool_entry"], Action.CASE_RECORD)
        person, cell = entry.person, entry.cell
    else:
        cell = _cell_or_404(user, data.get("cell"), Action.CASE_RECORD)
        person = person_for_user(user, data.get("person"), Action.PERSON_VIEW)
    if request.method == "GET":
        form = CaseOpenForm(
            initial={
                **{f: data.get(f) for f in ("pool_entry", "person", "cell")},
                "source": entry.source if entry else "",
                "opened_on": today,
                "is_readmission": standing_of(person.pk).standing == Standing.LEFT,
            }
        )
    elif form.is_valid():
        try:
            case = services.open_case(
                person=person,
                cell=cell,
                source=data["source"] or (entry.source if entry else "other"),
                opened_on=data["opened_on"] or today,
                actor=user,
                today=today,
                pool_entry=entry,
                is_readmission=data["is_readmission"],
                earlier=services.EarlierMembership(
                    joined_on=data["party_joined_on"],
                    left_on=data["party_left_on"],
                    left_reason=data["party_left_reason"],
                ),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request, _("Đã lập hồ sơ phát triển đảng viên cho %(name)s.") % {"name": person}
            )
            return redirect("pipeline:case-detail", case.pk)
    context = {"form": form, "person": person, "cell": cell, "entry": entry}
    return render(request, "pipeline/case_open.html", context)
