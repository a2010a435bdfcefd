"""Pages of the organisation tree: browse, unit page, create, edit, move, dissolve, history."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from ptdv.access import policy
from ptdv.access.history import render_history
from ptdv.access.http import AuthenticatedHttpRequest
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.core.forms import add_domain_errors, picker_context
from ptdv.orgs import rules, selectors, services
from ptdv.orgs.forms import DissolveForm, MoveForm, OrgEditForm, OrgForm, unit_label
from ptdv.orgs.models import DecidingBody, Org, OrgKind


def _show_dissolved(request: AuthenticatedHttpRequest) -> bool:
    return request.GET.get("show_dissolved") == "1"


@require_GET
def tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_anywhere(request.user, Action.ORG_VIEW):
        raise Http404
    show_dissolved = _show_dissolved(request)
    q = request.GET.get("q", "").strip()
    context = {
        "q": q,
        "show_dissolved": show_dissolved,
        "can_create_root": policy.can_create_root(request.user),
    }
    if q:
        context["result"] = selectors.search_units(request.user, q, show_dissolved=show_dissolved)
    else:
        context["nodes"] = selectors.tree_for_user(request.user, show_dissolved=show_dissolved)
    return render(request, "orgs/tree.html", context)


@require_GET
@vary_on_headers("HX-Request")
def children(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """The <ul> of a unit's sub-units for the tree's toggle (htmx); a page link without it."""
    org = selectors.org_for_user(request.user, org_id, Action.ORG_VIEW)
    if not request.htmx:
        return redirect("orgs:detail", org_id=org.pk)
    show_dissolved = _show_dissolved(request)
    collapse = request.GET.get("collapse") == "1"
    nodes = [] if collapse else selectors.child_nodes(org, show_dissolved=show_dissolved)
    context = {
        "org": org,
        "nodes": nodes,
        "expanded": not collapse,
        "show_dissolved": show_dissolved,
    }
    return render(request, "orgs/tree.html#children", context)


_FIELD_NAME = re.compile(r"[A-Za-z0-9_-]{1,60}")


@require_GET
@vary_on_headers("HX-Request")
def picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The matches of a unit picker's search box: its radio list for htmx, a page without.

    ?source= names the offer (selectors.UNIT_SOURCES), ?anchor= the unit it depends on,
    ?field= the form field; `<field>_q` is what was typed and `<field>` the checked id,
    which stays first in the list when it is one of the units offered.
    """
    user = request.user
    spec = selectors.UNIT_SOURCES.get(request.GET.get("source", ""))
    if spec is None or not policy.can_anywhere(user, spec.action):
        raise Http404
    anchor = None
    if spec.anchor:
        anchor = selectors.picker_anchor(user, spec, request.GET.get("anchor"))
        if anchor is None:
            raise Http404
    field = request.GET.get("field", "")
    if not _FIELD_NAME.fullmatch(field):
        field = "org"
    query = request.GET.get(f"{field}_q", "").strip()[:100]
    today = timezone.localdate()
    units, more = selectors.units_matching(user, query, source=spec, anchor=anchor, today=today)
    chosen = None
    if request.GET.get(field, "").isdigit():
        offered = selectors.picker_units(user, spec, anchor=anchor, today=today)
        chosen = offered.filter(pk=int(request.GET[field])).first()
    widget = picker_context(
        name=field,
        query=query,
        chosen=chosen,
        items=units,
        more=more,
        label=unit_label,
        # A blank "any unit" choice only where the field offered one (the filters).
        empty_label=_("Tất cả đơn vị") if request.GET.get("blank") == "1" else None,
    )
    template = "core/widgets/picker.html#options" if request.htmx else "orgs/picker.html"
    return render(request, template, {"widget": widget, "units": units})


@require_GET
def detail(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_for_user(user, org_id, Action.ORG_VIEW)
    show_dissolved = _show_dissolved(request)
    ancestors = selectors.ancestors_of(org)
    # Ancestors outside the user's scope are named but not linked (their pages would be 404).
    crumbs = [(a, policy.can(user, Action.ORG_VIEW, a)) for a in ancestors]
    chain = [*ancestors, org]
    today = timezone.localdate()
    authority = rules.admission_authority([selectors.org_facts(o) for o in chain], today)
    deciding = next((o for o in chain if authority.org and o.pk == authority.org.id), None)
    nodes = selectors.child_nodes(org, show_dissolved=show_dissolved)
    context = {
        "org": org,
        "crumbs": crumbs,
        "authority": authority,
        "authority_body": DecidingBody(authority.body).label if authority.body else "",
        "deciding": deciding,
        "deciding_linked": deciding is not None and policy.can(user, Action.ORG_VIEW, deciding),
        "nodes": nodes,
        "subtree_count": sum(n.subtree_count + 1 for n in nodes),
        "show_dissolved": show_dissolved,
        "today": today,
        "actions": _actions(request, org),
    }
    if policy.can(user, Action.PERSON_VIEW, org):
        context["people_count"] = selectors.people_count(org)
        context["people_url"] = f"{reverse('people:list')}?org={org.pk}"
    return render(request, "orgs/org_detail.html", context)


def _actions(request: AuthenticatedHttpRequest, org: Org) -> list[tuple[str, str, str]]:
    """Return (label, url, css class) of the buttons the user may use on the unit page."""
    allowed = policy.allowed_actions(
        request.user,
        org,
        [
            Action.ORG_CREATE,
            Action.ORG_EDIT,
            Action.ORG_MOVE,
            Action.ORG_DISSOLVE,
            Action.HISTORY_VIEW,
        ],
    )
    active = not org.is_dissolved
    buttons = []
    if active and Action.ORG_CREATE in allowed and rules.child_kinds(org.kind):
        buttons.append((_("Thêm đơn vị trực thuộc"), "orgs:create", "btn btn-primary"))
    if Action.ORG_EDIT in allowed:
        buttons.append((_("Sửa thông tin"), "orgs:edit", "btn"))
    if active and Action.ORG_MOVE in allowed:
        buttons.append((_("Chuyển đơn vị"), "orgs:move", "btn"))
    if active and Action.ORG_DISSOLVE in allowed:
        buttons.append((_("Giải thể"), "orgs:dissolve", "btn btn-danger"))
    if Action.HISTORY_VIEW in allowed:
        buttons.append((_("Lịch sử thay đổi"), "orgs:history", "btn"))
    return [(label, reverse(name, args=[org.pk]), css) for label, name, css in buttons]


def _form_page(
    request: AuthenticatedHttpRequest,
    org: Org,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    confirm: str = "",
) -> HttpResponse:
    """Render the one form page shared by create, edit, move and dissolve."""
    context = {"org": org, "form": form, "title": title, "submit": submit, "confirm": confirm}
    return render(request, "orgs/org_form.html", context)


@require_http_methods(["GET", "POST"])
def create_root(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create a top-level unit (a province or equivalent): the deployment administrator only."""
    user = request.user
    if not policy.can_create_root(user):
        raise Http404
    kinds = rules.child_kinds(None)
    today = timezone.localdate()
    form = OrgForm(
        request.POST or None,
        kinds=kinds,
        with_authority=True,
        initial={"kind": OrgKind.PROVINCE, "valid_from": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_org(parent=None, values=form.values(), actor=user, today=today)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đơn vị “%(n)s”.") % {"n": org.name})
            return redirect("orgs:detail", org_id=org.pk)
    context = {
        "org": None,
        "form": form,
        "title": _("Thêm tổ chức đảng cấp cao nhất"),
        "submit": _("Thêm đơn vị"),
        "confirm": "",
    }
    return render(request, "orgs/org_form.html", context)


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    parent = selectors.org_for_user(user, org_id, Action.ORG_CREATE)
    kinds = rules.child_kinds(parent.kind)
    if not kinds:
        raise Http404
    with_authority = policy.can(user, Action.ORG_SET_AUTHORITY, parent)
    today = timezone.localdate()
    form = OrgForm(
        request.POST or None,
        kinds=kinds,
        with_authority=with_authority,
        initial={"kind": kinds[-1], "field": parent.field, "valid_from": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_org(parent=parent, values=form.values(), actor=user, today=today)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm đơn vị “%(n)s”.") % {"n": org.name})
            return redirect("orgs:detail", org_id=org.pk)
    title = _("Thêm đơn vị trực thuộc %(p)s") % {"p": parent.name}
    return _form_page(request, parent, form, title=title, submit=_("Thêm đơn vị"))


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_for_user(user, org_id, Action.ORG_EDIT)
    parent = org.get_parent()
    # Kinds legal under the parent that can still hold every unit already under this one.
    child_kinds = selectors.kinds_of_children(org)
    kinds = [
        k
        for k in rules.child_kinds(parent.kind if parent else None)
        if not any(rules.placement_errors(c, k) for c in child_kinds)
    ]
    if org.kind not in kinds:
        kinds.append(org.kind)  # a legacy shape: keep it selectable, the service explains
    initial = {f: getattr(org, f) for f in services.EDITABLE_FIELDS}
    form = OrgEditForm(
        request.POST or None,
        kinds=kinds,
        with_authority=policy.can(user, Action.ORG_SET_AUTHORITY, org),
        initial={**initial, "version": org.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_org(
                org=org,
                values=form.values(),
                version=form.cleaned_data["version"],
                actor=user,
                today=timezone.localdate(),
                effective_on=form.cleaned_data.get("effective_on"),
            )
        except DomainError as exc:  # StaleVersion included: the form is kept as typed
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("orgs:detail", org_id=org.pk)
    title = _("Sửa thông tin: %(n)s") % {"n": org.name}
    return _form_page(request, org, form, title=title, submit=_("Lưu"))


@require_http_methods(["GET", "POST"])
def move(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_for_user(user, org_id, Action.ORG_MOVE)
    today = timezone.localdate()
    form = MoveForm(
        request.POST or None,
        user=user,
        org=org,
        today=today,
        initial={"version": org.version, "on_date": today},
    )
    # "Tìm" in the unit picker (no JavaScript) only shows its matches: nothing is moved.
    if request.method == "POST" and "picker" not in request.POST and form.is_valid():
        try:
            services.move_org(
                org=org,
                new_parent=form.cleaned_data["new_parent"],
                version=form.cleaned_data["version"],
                actor=user,
                today=today,
                on_date=form.cleaned_data.get("on_date"),
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển đơn vị cùng toàn bộ tổ chức trực thuộc."))
            return redirect("orgs:detail", org_id=org.pk)
    title = _("Chuyển đơn vị: %(n)s") % {"n": org.name}
    return _form_page(request, org, form, title=title, submit=_("Chuyển"))


@require_http_methods(["GET", "POST"])
def dissolve(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    user = request.user
    org = selectors.org_for_user(user, org_id, Action.ORG_DISSOLVE)
    today = timezone.localdate()
    form = DissolveForm(request.POST or None, initial={"valid_to": today, "version": org.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.dissolve_org(
                org=org,
                on_date=form.cleaned_data["valid_to"],
                version=form.cleaned_data["version"],
                actor=user,
                today=today,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận giải thể đơn vị."))
            return redirect("orgs:detail", org_id=org.pk)
    title = _("Giải thể: %(n)s") % {"n": org.name}
    confirm = _("Ghi nhận giải thể “%(n)s”?") % {"n": org.name}
    return _form_page(request, org, form, title=title, submit=_("Giải thể"), confirm=confirm)


@require_GET
def history(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = selectors.org_for_user(request.user, org_id, Action.HISTORY_VIEW)
    back_url = reverse("orgs:detail", args=[org.pk])
    return render_history(request, obj=org, back_url=back_url, title=org.name)
