"""Member registry pages (đảng viên): the roll, a member's page with the timeline of events,
and the forms that append events or correct them (decision D33)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ptdv.access import policy
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors
from ptdv.members import lists, watch
from ptdv.members import services as registry
from ptdv.members.forms import (
    AwayForm,
    CardForm,
    CorrectForm,
    EnterMemberForm,
    EventForm,
    IllForm,
    MemberFilterForm,
)
from ptdv.members.models import Membership
from ptdv.people.models import Person

# How many people the "enter an existing member" search shows.
CANDIDATE_LIMIT = 20


def _today() -> date:
    return timezone.localdate()


def filters_from(data: dict[str, object]) -> lists.MemberFilters:
    """Return the selector's filters from a valid filter form's cleaned data."""
    return lists.MemberFilters(
        q=str(data.get("q") or ""),
        unit=data.get("unit"),  # type: ignore[arg-type]
        status=str(data.get("status") or ""),
        sex=str(data.get("sex") or ""),
        age_band=str(data.get("age_band") or ""),
        party_age_from=data.get("party_age_from"),  # type: ignore[arg-type]
        party_age_to=data.get("party_age_to"),  # type: ignore[arg-type]
        away=data.get("away"),  # type: ignore[arg-type]
        watch=str(data.get("watch") or ""),
        **{name: str(data.get(name) or "") for name in lists.REFERENCE_FILTERS},
    )


@require_GET
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The roll of the units in scope, filtered; htmx asks for the #results region only."""
    if not policy.can_anywhere(request.user, Action.MEMBER_VIEW):
        raise Http404
    today = _today()
    form = MemberFilterForm(request.GET, user=request.user, today=today)
    if form.is_valid():
        members = lists.members_for_user(request.user, filters_from(form.cleaned_data), today=today)
    else:
        # An unknown unit (or one outside the scope) finds nobody rather than everybody.
        members = lists.no_members()
    page = Paginator(members, lists.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_enter": policy.can_anywhere(request.user, Action.MEMBER_DECIDE),
        # The rarer filters fold away on a phone; open when one of them is in use.
        "more_filters_open": any(
            request.GET.get(name) for name in form.fields if name not in ("q", "unit", "status")
        ),
    }
    template = "members/member_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def member_detail(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    user = request.user
    membership = lists.get_member_page(user, membership_id, request)
    allowed = policy.allowed_actions(user, membership, (Action.MEMBER_RECORD, Action.MEMBER_DECIDE))
    events = lists.events_of(membership)
    case = lists.admission_case_of(user, membership)
    context = {
        "m": membership,
        "timeline": lists.timeline_of(events),
        "can_person": policy.can(user, Action.PERSON_DOSSIER, membership.person),
        "case_pk": case.pk if case is not None and case.visible else None,
        "can_record_event": bool(lists.recordable_kinds(user, membership)),
        "can_record": Action.MEMBER_RECORD in allowed,
        "can_decide": Action.MEMBER_DECIDE in allowed,
        # Party age from the first admission decision, gaps deducted (DOMAIN §4).
        "party_age": watch.party_age_of(membership, _today()),
    }
    return render(request, "members/member_detail.html", context)


@require_http_methods(["GET", "POST"])
def event_record(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    user = request.user
    membership = lists.membership_for_user(user, membership_id, Action.MEMBER_VIEW)
    kinds = lists.recordable_kinds(user, membership)
    if not kinds:
        raise Http404
    if request.method == "POST":
        form = EventForm(request.POST, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registry.record_event(
                    membership=membership,
                    kind=data["kind"],
                    on=data["on"],
                    ground=data["ground"],
                    document=data["document"],
                    note=data["note"],
                    version=data["version"],
                    actor=user,
                    today=_today(),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã ghi sự kiện của %(name)s.") % {"name": membership.person}
                )
                return redirect("members:detail", membership.pk)
    else:
        form = EventForm(kinds=kinds, initial={"version": membership.version, "on": _today()})
    return render(request, "members/event_form.html", {"form": form, "m": membership})


@require_http_methods(["GET", "POST"])
def event_correct(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    user = request.user
    event = lists.event_for_user(user, event_id, Action.MEMBER_DECIDE)
    membership = event.membership
    if request.method == "POST":
        form = CorrectForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registry.correct_event(
                    event=event,
                    on=data["on"],
                    void=data["void"],
                    reason=data["reason"],
                    version=data["version"],
                    actor=user,
                    today=_today(),
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã sửa sự kiện."))
                return redirect("members:detail", membership.pk)
    else:
        form = CorrectForm(initial={"version": membership.version})
    context = {"form": form, "m": membership, "event": event}
    return render(request, "members/event_correct.html", context)


@require_http_methods(["GET", "POST"])
def card_edit(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    user = request.user
    membership = lists.membership_for_user(user, membership_id, Action.MEMBER_DECIDE)
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registry.update_card(
                    membership=membership,
                    card_number=data["card_number"],
                    card_issued_on=data["card_issued_on"],
                    dossier_number=data["dossier_number"],
                    version=data["version"],
                    actor=user,
                )
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu thẻ đảng viên và số lý lịch."))
                return redirect("members:detail", membership.pk)
    else:
        form = CardForm(
            initial={
                "card_number": membership.card_number or "",
                "card_issued_on": membership.card_issued_on,
                "dossier_number": membership.dossier_number,
                "version": membership.version,
            }
        )
    return render(request, "members/card_form.html", {"form": form, "m": membership})


def _flag(
    request: AuthenticatedHttpRequest,
    membership_id: int,
    form: AwayForm | IllForm,
    flag: str,
    field: str,
    done: str,
) -> HttpResponse:
    membership = lists.membership_for_user(request.user, membership_id, Action.MEMBER_RECORD)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ; hãy tải lại trang."))
        return redirect("members:detail", membership.pk)
    try:
        registry.set_flag(
            membership=membership,
            flag=flag,
            value=form.cleaned_data[field],
            version=form.cleaned_data["version"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("members:detail", membership.pk)


@require_POST
def away_flag(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Mark or unmark "working away without a transfer" (a button on the member page)."""
    form = AwayForm(request.POST)
    done = _("Đã cập nhật đánh dấu đi làm ăn xa.")
    return _flag(request, membership_id, form, "away_without_transfer", "away", done)


@require_POST
def ill_flag(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Mark or unmark "seriously ill" (badges may then be given early; a button on the page)."""
    form = IllForm(request.POST)
    done = _("Đã cập nhật đánh dấu ốm đau nặng.")
    return _flag(request, membership_id, form, "seriously_ill", "ill", done)


@require_http_methods(["GET", "POST"])
def member_enter(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enter a member admitted before the unit used PTĐV: a person in scope, not a member."""
    user = request.user
    if not policy.can_anywhere(user, Action.MEMBER_DECIDE):
        raise Http404
    today = _today()
    q = (request.POST if request.method == "POST" else request.GET).get("q", "")
    people = lists.people_for_entry(user)
    if request.method == "POST":
        form = EnterMemberForm(request.POST, user=user, today=today, people=people)
        if "picker" not in request.POST and form.is_valid():
            data = form.cleaned_data
            try:
                membership = _enter(data, user, today)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã nhập đảng viên %(name)s.") % {"name": data["person"]}
                )
                return redirect("members:detail", membership.pk)
    else:
        form = EnterMemberForm(user=user, today=today, people=people)
    candidates = list(lists.enterable_people(user, q)[:CANDIDATE_LIMIT]) if q.strip() else []
    # A person already picked stays offered when the form comes back (errors, no search).
    picked = getattr(form, "cleaned_data", {}).get("person")
    if picked is not None and picked not in candidates:
        candidates.insert(0, picked)
    chosen = form["person"].value()
    context = {"form": form, "q": q, "candidates": candidates, "chosen": str(chosen or "")}
    template = "members/member_enter.html"
    if request.htmx and request.method == "GET" and not request.htmx.history_restore_request:
        template += "#candidates"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _enter(data: dict[str, object], user: object, today: date) -> Membership:
    # One transaction: the admission, the recognition and the card stand or fall together.
    person = data["person"]
    assert isinstance(person, Person)
    with transaction.atomic():
        return registry.enter_existing_member(
            person=person,
            cell=data["cell"],  # type: ignore[arg-type]
            decision_on=data["decision_on"],  # type: ignore[arg-type]
            joined_on=data["joined_on"],  # type: ignore[arg-type]
            official_on=data["official_on"],  # type: ignore[arg-type]
            card_number=str(data["card_number"] or "") or None,
            card_issued_on=data["card_issued_on"],  # type: ignore[arg-type]
            dossier_number=str(data["dossier_number"] or ""),
            actor=user,  # type: ignore[arg-type]
            today=today,
        )
