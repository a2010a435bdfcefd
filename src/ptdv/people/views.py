"""People pages (nhân sự): list and search, dossier, create, edit, move, history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ptdv.access import policy
from ptdv.access.history import render_history
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors
from ptdv.people import selectors, services
from ptdv.people.forms import (
    FIELD_GROUPS,
    ConscriptionForm,
    MoveForm,
    PersonFilterForm,
    PersonForm,
    RemoveConscriptionForm,
)
from ptdv.people.models import Person

_DOSSIER_ACTIONS = (Action.PERSON_EDIT, Action.HISTORY_VIEW)


@dataclass(frozen=True)
class StandingSource:
    """What the member registry says of people: their party standing.

    people sits below members (D21), so the members app registers its readers here from its
    AppConfig.ready(), as scoped models register their path with the policy (decision D33).
    `labels(person_ids)`: person id -> standing label, one query for a page of people.
    `panel(user, person)`: the person page's block (label, membership_url, case_url).
    """

    labels: Callable[[list[int]], dict[int, str]]
    panel: Callable[[Any, Person], dict[str, Any]]


_standing_sources: list[StandingSource] = []


def register_standing_source(source: StandingSource) -> None:
    """Install the reader of party standings (one at a time; the last registered wins)."""
    _standing_sources[:] = [source]


@require_GET
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List and search the people in scope; htmx asks for the #results region only."""
    if not policy.can_anywhere(request.user, Action.PERSON_VIEW):
        raise Http404
    form = PersonFilterForm(request.GET, user=request.user, today=timezone.localdate())
    if form.is_valid():
        data = form.cleaned_data
        people = selectors.people_for_user(
            request.user,
            selectors.PersonFilters(
                q=data["q"], org=data["org"], sex=data["sex"], minority=data["minority"]
            ),
        )
    else:
        # An unknown unit (or one outside the scope) finds nobody rather than everybody.
        people = selectors.no_people()
    page = Paginator(people, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    standings = (
        _standing_sources[0].labels([p.pk for p in rows]) if _standing_sources and rows else {}
    )
    context = {
        "form": form,
        "page": page,
        "rows": [(p, standings.get(p.pk, "")) for p in rows],
        "can_create": policy.can_anywhere(request.user, Action.PERSON_CREATE),
    }
    template = "people/person_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = selectors.get_dossier(request.user, person_id, request)
    allowed = policy.allowed_actions(request.user, person, _DOSSIER_ACTIONS)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "groups": _dossier_groups(person),
            "can_edit": Action.PERSON_EDIT in allowed,
            "can_history": Action.HISTORY_VIEW in allowed,
            "party": _standing_sources[0].panel(request.user, person)
            if _standing_sources
            else None,
            "conscriptions": selectors.conscriptions_of(person),
        },
    )


def _dossier_groups(person: Person) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return (legend, [(label, shown value)]) for the dossier, grouped as on the form."""
    groups = []
    for legend, names in FIELD_GROUPS:
        rows = []
        for name in names:
            field = Person._meta.get_field(name)
            label = str(field.verbose_name)  # type: ignore[union-attr]
            display = getattr(person, f"get_{name}_display", None)
            value = display() if display else getattr(person, name)
            if isinstance(value, bool):
                shown = _("Có") if value else _("Không")
            elif isinstance(value, date):
                shown = value.strftime("%d/%m/%Y")
            elif value is None and name == "religion":
                shown = _("Không")  # an empty religion means none, as the form says
            else:
                shown = "" if value is None else str(value)
            rows.append((capfirst(label), shown))
        groups.append((str(legend), rows))
    return groups


@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_anywhere(request.user, Action.PERSON_CREATE):
        raise Http404
    today = timezone.localdate()
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, today=today)
        # "Tìm" in the unit picker (no JavaScript) only shows its matches: nothing is saved.
        if "picker" not in request.POST and form.is_valid():
            values = form.values()
            try:
                person = services.create_person(
                    org=form.cleaned_data["org"],
                    values=values,
                    actor=request.user,
                    today=today,
                    reveal_duplicate=selectors.duplicate_is_visible(
                        request.user, values["national_id"], exclude_pk=None
                    ),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã tạo hồ sơ %(name)s.") % {"name": person})
                return redirect("people:detail", person.pk)
    else:
        preselect = selectors.org_in_scope(
            request.user, request.GET.get("org"), Action.PERSON_CREATE
        )
        form = PersonForm(
            user=request.user, today=today, initial={"org": preselect.pk if preselect else None}
        )
    return render(request, "people/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_user(request.user, person_id, Action.PERSON_EDIT)
    if request.method == "POST":
        form = PersonForm(request.POST, person=person)
        if form.is_valid():
            values = form.values()
            try:
                services.update_person(
                    person=person,
                    values=values,
                    version=form.cleaned_data["version"],
                    actor=request.user,
                    today=timezone.localdate(),
                    reveal_duplicate=selectors.duplicate_is_visible(
                        request.user, values["national_id"], exclude_pk=person.pk
                    ),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu hồ sơ %(name)s.") % {"name": person})
                return redirect("people:detail", person.pk)
    else:
        form = PersonForm(person=person)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def person_move(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_user(request.user, person_id, Action.PERSON_EDIT)
    today = timezone.localdate()
    if request.method == "POST":
        form = MoveForm(request.POST, user=request.user, today=today, current=person.org)
        if "picker" not in request.POST and form.is_valid():
            try:
                services.move_person(
                    person=person,
                    org=form.cleaned_data["org"],
                    version=form.cleaned_data["version"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã chuyển hồ sơ %(name)s sang %(org)s.")
                    % {"name": person, "org": form.cleaned_data["org"]},
                )
                return redirect("people:detail", person.pk)
    else:
        form = MoveForm(
            user=request.user,
            today=today,
            current=person.org,
            initial={"version": person.version},
        )
    return render(request, "people/person_move.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def person_conscription(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Record that the person enlisted for military service (the conscripts' targets, D40)."""
    person = selectors.person_for_user(request.user, person_id, Action.PERSON_EDIT)
    form = ConscriptionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.record_conscription(
                person=person,
                entered_on=form.cleaned_data["entered_on"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(name)s nhập ngũ ngày %(day)s.")
                % {"name": person, "day": f"{form.cleaned_data['entered_on']:%d/%m/%Y}"},
            )
            return redirect("people:detail", person.pk)
    return render(request, "people/person_conscription.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def person_conscription_remove(
    request: AuthenticatedHttpRequest, conscription_id: int
) -> HttpResponse:
    """Remove a conscription recorded by mistake, with a reason kept in its history."""
    conscription = selectors.conscription_for_user(
        request.user, conscription_id, Action.PERSON_EDIT
    )
    person = conscription.person
    form = RemoveConscriptionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.remove_conscription(
                conscription=conscription, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã xóa ghi nhận nhập ngũ ngày %(day)s.")
                % {"day": f"{conscription.entered_on:%d/%m/%Y}"},
            )
            return redirect("people:detail", person.pk)
    context = {"form": form, "person": person, "conscription": conscription}
    return render(request, "people/person_conscription_remove.html", context)


@require_GET
def person_history(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_user(request.user, person_id, Action.HISTORY_VIEW)
    return render_history(
        request,
        obj=person,
        back_url=reverse("people:detail", args=[person.pk]),
        title=person.full_name,
    )
