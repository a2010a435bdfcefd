"""Writes to the organisation tree: create, edit, move a subtree, dissolve, merge. Atomic, audited.

Every write keeps the dated tree (OrgSpan, decision D28) in step in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from ptdv.access.models import User
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.core.text import normalize_spaces
from ptdv.orgs import rules, signals, spans
from ptdv.orgs.models import Org, OrgSpan, span_segment

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "code",
    "kind",
    "field",
    "vested_superior_powers",
    "admission_delegated",
    "admission_delegated_from",
    "deciding_body",
    "valid_from",
    "address",
    "notes",
)
AUTHORITY_FIELDS = (
    "vested_superior_powers",
    "admission_delegated",
    "admission_delegated_from",
    "deciding_body",
)


class OrgInvalid(DomainError):
    """The unit cannot be saved or changed as asked."""


def _clean(values: dict[str, Any], *, parent_kind: str | None, pk: int | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    for key in ("name", "short_name", "code", "address"):
        if key in cleaned:
            cleaned[key] = normalize_spaces(cleaned[key] or "")
    if not cleaned.get("name"):
        errors["name"] = [_("Tên tổ chức là bắt buộc.")]
    code = (cleaned.get("code") or "").upper()
    cleaned["code"] = code
    if not code:
        errors["code"] = [_("Mã tổ chức là bắt buộc.")]
    elif Org.objects.filter(code=code).exclude(pk=pk or 0).exists():
        errors["code"] = [_("Mã tổ chức %(c)s đã được dùng cho đơn vị khác.") % {"c": code}]
    kind = cleaned.get("kind")
    if not kind:
        errors["kind"] = [_("Cấp tổ chức là bắt buộc.")]
    else:
        msgs = rules.placement_errors(kind, parent_kind)
        if msgs:
            errors["kind"] = msgs
    if cleaned.get("admission_delegated") and not cleaned.get("admission_delegated_from"):
        errors["admission_delegated_from"] = [_("Cần ghi ngày ủy quyền kết nạp có hiệu lực.")]
    if not cleaned.get("admission_delegated"):
        cleaned["admission_delegated_from"] = None
    if errors:
        raise OrgInvalid(_("Thông tin tổ chức chưa hợp lệ."), field_errors=errors)
    return cleaned


def _set_parent_name(org: Org, parent_name: str) -> None:
    """Refresh the derived columns of org (decision D23) for its current names and parent."""
    org.parent_name = parent_name
    org.search_text = org.folded_search_text()


def _rename_in_children(parent: Org) -> None:
    """Give the units directly under parent its new name in their derived columns."""
    children = list(Org.objects.subtree(parent).filter(depth=parent.depth + 1))
    for child in children:
        _set_parent_name(child, parent.name)
    # Derived columns only, excluded from the history: no history rows, no version bump.
    Org.objects.bulk_update(children, ["parent_name", "search_text"], batch_size=1000)


def _save(org: Org) -> None:
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:
        raise OrgInvalid(
            _("Không lưu được tổ chức: dữ liệu trùng hoặc mâu thuẫn."),
            field_errors={"code": [_("Mã tổ chức có thể đã được dùng.")]},
        ) from exc


def create_org(*, parent: Org | None, values: dict[str, Any], actor: User, today: date) -> Org:
    """Create a unit under parent (or a root when parent is None)."""
    cleaned = _clean(values, parent_kind=parent.kind if parent else None, pk=None)
    if parent is not None and not parent.is_active_on(today):
        raise OrgInvalid(
            _("Tổ chức cấp trên %(p)s đã giải thể.") % {"p": parent.name},
            field_errors={"parent": [_("Tổ chức cấp trên đã giải thể.")]},
        )
    with transaction.atomic():
        node = Org(**cleaned)
        _set_parent_name(node, parent.name if parent is not None else "")
        node._history_user = actor
        node._change_reason = _("Thành lập")
        try:
            with transaction.atomic():
                created: Org
                if parent is None:
                    created = Org.add_root(instance=node)
                else:
                    # Re-read the parent: add_child relies on its numchild being current.
                    fresh_parent = Org.objects.select_for_update().get(pk=parent.pk)
                    created = fresh_parent.add_child(instance=node)
        except IntegrityError as exc:
            raise OrgInvalid(
                _("Không tạo được tổ chức: mã đã được dùng."),
                field_errors={"code": [_("Mã tổ chức đã được dùng.")]},
            ) from exc
        spans.open_first_spans(created, parent)
        signals.units_changed.send(sender=Org, org_ids=[created.pk])
    return created


def _ddmmyyyy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _date_errors(day: date, *, start: date, today: date, field: str, label: str) -> None:
    """Refuse an effective date in the future or before the start of the period it changes."""
    if day > today:
        msg = _("%(f)s không thể ở tương lai.") % {"f": label}
        raise OrgInvalid(msg, field_errors={field: [msg]})
    if day < start:
        msg = _(
            "%(f)s không thể trước ngày %(d)s: đơn vị đã có thay đổi (thành lập, chuyển, "
            "đổi tên) từ ngày đó."
        ) % {"f": label, "d": _ddmmyyyy(start)}
        raise OrgInvalid(msg, field_errors={field: [msg]})


def _update_spans(locked: Org, changed: list[str], *, effective_on: date, today: date) -> None:
    """Carry a changed founding day, name, kind or field into the unit's spans."""
    if "valid_from" in changed:
        first = (
            OrgSpan.objects.select_for_update()
            .filter(org_id=locked.pk)
            .order_by("valid_from")
            .first()
        )
        if first is not None:
            if first.valid_to is not None and locked.valid_from >= first.valid_to:
                msg = _(
                    "Ngày thành lập phải trước ngày %(d)s, khi đơn vị có thay đổi tiếp theo."
                ) % {"d": _ddmmyyyy(first.valid_to)}
                raise OrgInvalid(msg, field_errors={"valid_from": [msg]})
            first.valid_from = locked.valid_from
            first.save(update_fields=["valid_from"])
    attributes = {f: getattr(locked, f) for f in spans.SPAN_ATTRIBUTES if f in changed}
    if not attributes:
        return
    current = spans.open_span(locked.pk)
    if current is None:
        # A dissolved unit: a correction of what it was called when it ended.
        last = OrgSpan.objects.filter(org_id=locked.pk).order_by("valid_from").last()
        if last is not None:
            for key, value in attributes.items():
                setattr(last, key, value)
            last.save()
        return
    _date_errors(
        effective_on,
        start=current.valid_from,
        today=today,
        field="effective_on",
        label=_("Ngày hiệu lực"),
    )
    spans.split_at(current, effective_on, **attributes)


def update_org(
    *,
    org: Org,
    values: dict[str, Any],
    version: int,
    actor: User,
    today: date | None = None,
    effective_on: date | None = None,
) -> Org:
    """Edit a unit's attributes unless someone else saved it first.

    A new name, kind or field holds from effective_on (default today; never in the future nor
    before the start of the unit's current span): the dated tree keeps the old one before it.
    """
    today = today or timezone.localdate()
    effective_on = effective_on or today
    with transaction.atomic():
        locked = Org.objects.select_for_update().get(pk=org.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        parent = locked.get_parent()
        merged = {f: getattr(locked, f) for f in EDITABLE_FIELDS}
        merged.update(values)
        cleaned = _clean(merged, parent_kind=parent.kind if parent else None, pk=locked.pk)
        if locked.valid_to and cleaned["valid_from"] > locked.valid_to:
            raise OrgInvalid(
                _("Ngày thành lập không thể sau ngày giải thể."),
                field_errors={"valid_from": [_("Ngày thành lập không thể sau ngày giải thể.")]},
            )
        if cleaned["kind"] != locked.kind:
            # The new kind must still be a legal parent for every unit already under it.
            children = Org.objects.subtree(locked).filter(depth=locked.depth + 1)
            child_kinds = set(children.values_list("kind", flat=True))
            msgs = [
                m for k in sorted(child_kinds) for m in rules.placement_errors(k, cleaned["kind"])
            ]
            if msgs:
                raise OrgInvalid(msgs[0], field_errors={"kind": msgs})
        changed = [f for f in EDITABLE_FIELDS if getattr(locked, f) != cleaned[f]]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, cleaned[field])
        _update_spans(locked, changed, effective_on=effective_on, today=today)
        _set_parent_name(locked, locked.parent_name)
        locked.version += 1
        locked._history_user = actor
        _save(locked)
        if {"valid_from", "kind"} & set(changed):
            signals.units_changed.send(sender=Org, org_ids=[locked.pk])
        if "name" in changed:
            _rename_in_children(locked)
    return locked


def _refuse(field: str, message: str) -> OrgInvalid:
    return OrgInvalid(message, field_errors={field: [message]})


def _target_path_on(target: Org, day: date) -> str:
    """Return the span path the target had on day, refusing when it moved since then."""
    held = list(
        OrgSpan.objects.filter(org_id=target.pk)
        .filter(spans.in_force_from(day))
        .order_by("valid_from")
    )
    if not held or held[0].valid_from > day:
        raise _refuse(
            "on_date",
            _("Tổ chức đích %(p)s chưa thành lập vào ngày %(d)s.")
            % {"p": target.name, "d": _ddmmyyyy(day)},
        )
    if len({span.path for span in held}) > 1:
        moved = next(s.valid_from for s in held if s.path != held[0].path)
        raise _refuse(
            "on_date",
            _("Tổ chức đích %(p)s đã được chuyển ngày %(m)s; ngày hiệu lực phải từ ngày đó.")
            % {"p": target.name, "m": _ddmmyyyy(moved)},
        )
    return held[0].path


def move_org(
    *,
    org: Org,
    new_parent: Org,
    version: int,
    actor: User,
    today: date,
    on_date: date | None = None,
) -> Org:
    """Move a unit with its whole subtree under new_parent, effective on on_date (default today).

    The spans of the unit and of every unit under it are closed on on_date and reopened with
    the new paths; the date may be in the past, never in the future nor before the start of a
    span the move changes (the unit's own, or any unit's under it).
    """
    day = on_date or today
    with transaction.atomic():
        locked = Org.objects.select_for_update().get(pk=org.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        target = Org.objects.select_for_update().get(pk=new_parent.pk)
        if target.path.startswith(locked.path):
            raise OrgInvalid(
                _("Không thể chuyển tổ chức vào chính nó hoặc vào một đơn vị trực thuộc nó."),
                field_errors={
                    "new_parent": [_("Đơn vị đích nằm trong chính tổ chức đang chuyển.")]
                },
            )
        if target.valid_to is not None:
            raise OrgInvalid(
                _("Tổ chức đích %(p)s đã giải thể.") % {"p": target.name},
                field_errors={"new_parent": [_("Tổ chức đích đã giải thể.")]},
            )
        if not target.is_active_on(day):
            msg = _("Tổ chức đích %(p)s chưa thành lập vào ngày %(d)s.") % {
                "p": target.name,
                "d": _ddmmyyyy(day),
            }
            raise OrgInvalid(msg, field_errors={"on_date": [msg]})
        msgs = rules.placement_errors(locked.kind, target.kind)
        if msgs:
            raise OrgInvalid(msgs[0], field_errors={"new_parent": msgs})
        old_parent = locked.get_parent()
        if old_parent is not None and old_parent.pk == target.pk:
            return locked
        _move_spans(locked, target, day=day, today=today)
        old_path = locked.path
        try:
            locked.move(target, pos="last-child")
        except InvalidMoveToDescendant as exc:  # defence in depth; checked above
            raise OrgInvalid(_("Không thể chuyển tổ chức vào đơn vị trực thuộc nó.")) from exc
        moved = Org.objects.get(pk=locked.pk)
        signals.paths_moved.send(sender=Org, old=old_path, new=moved.path)
        subtree = Org.objects.subtree(moved).values_list("pk", flat=True)
        signals.units_changed.send(sender=Org, org_ids=list(subtree))
        moved.version = locked.version + 1
        _set_parent_name(moved, target.name)
        moved._history_user = actor
        names = {"a": old_parent.name if old_parent else "—", "b": target.name}
        moved._change_reason = _("Chuyển từ %(a)s sang %(b)s") % names
        if day != today:
            moved._change_reason += _(" (hiệu lực từ %(d)s)") % {"d": _ddmmyyyy(day)}
        moved.save(update_fields=["version", "updated_at", "parent_name", "search_text"])
    return moved


def _move_spans(locked: Org, target: Org, *, day: date, today: date) -> None:
    label = _("Ngày hiệu lực")
    if day > today:
        raise _refuse("on_date", _("%(f)s không thể ở tương lai.") % {"f": label})
    own = list(
        OrgSpan.objects.select_for_update()
        .filter(org_id=locked.pk)
        .filter(spans.in_force_from(day))
        .order_by("valid_from")
    )
    if not own or own[0].valid_from > day or not locked.is_active_on(day):
        raise _refuse(
            "on_date",
            _("Tổ chức %(o)s không hoạt động vào ngày %(d)s.")
            % {"o": locked.name, "d": _ddmmyyyy(day)},
        )
    _date_errors(day, start=own[-1].valid_from, today=today, field="on_date", label=label)
    current = own[0]
    carried = spans.spans_moving(current.path, day)
    late = [span for span in carried if span.valid_from > day]
    if late:
        first = min(late, key=lambda s: s.valid_from)
        raise _refuse(
            "on_date",
            _("Ngày hiệu lực không thể trước ngày %(d)s: %(u)s có thay đổi từ ngày đó.")
            % {"d": _ddmmyyyy(first.valid_from), "u": first.name},
        )
    new_path = _target_path_on(target, day) + span_segment(locked.pk)
    with spans.changing(current.path, day):
        spans.repath(
            carried, old=current.path, new=new_path, day=day, org_id=locked.pk, parent_id=target.pk
        )


def dissolve_org(*, org: Org, on_date: date, version: int, actor: User, today: date) -> Org:
    """Record that a unit ceased to exist on on_date (it stays in the tree, with its history)."""
    with transaction.atomic():
        locked = Org.objects.select_for_update().get(pk=org.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        if locked.valid_to is not None:
            raise OrgInvalid(
                _("Tổ chức đã giải thể từ ngày %(d)s.")
                % {"d": locked.valid_to.strftime("%d/%m/%Y")}
            )
        subtree = Org.objects.subtree(locked)
        active_children = subtree.exclude(pk=locked.pk).filter(valid_to__isnull=True).count()
        # Through the reverse relation: orgs must not import the people app (apps import downward).
        people = subtree.aggregate(n=Count("people"))["n"]
        msgs = rules.dissolution_errors(
            on_date=on_date,
            valid_from=locked.valid_from,
            active_children=active_children,
            people=people,
            today=today,
        )
        if msgs:
            raise OrgInvalid(msgs[0], field_errors={"valid_to": msgs})
        current = spans.open_span(locked.pk)
        if current is not None:
            if on_date < current.valid_from:
                raise _refuse(
                    "valid_to",
                    _("Ngày giải thể không thể trước ngày %(d)s: đơn vị có thay đổi từ ngày đó.")
                    % {"d": _ddmmyyyy(current.valid_from)},
                )
            with spans.changing(current.path, on_date):
                spans.close_at(current, on_date)
            signals.units_changed.send(sender=Org, org_ids=[locked.pk])
        locked.valid_to = on_date
        locked.version += 1
        locked._history_user = actor
        locked._change_reason = _("Giải thể")
        locked.save()
    return locked


def merge_units_tree(*, source: Org, target: Org, on_date: date, actor: User, today: date) -> Org:
    """Merge source into target on on_date, for the tree only: every unit directly under source
    that still existed on on_date moves under target from that day, then source is dissolved on
    that day. The members app moves the source's members (transfer events) before calling this.
    Returns the dissolved source."""
    with transaction.atomic():
        source = Org.objects.select_for_update().get(pk=source.pk)
        target = Org.objects.select_for_update().get(pk=target.pk)
        if source.pk == target.pk:
            raise _refuse("target", _("Không thể hợp nhất một tổ chức vào chính nó."))
        if target.path.startswith(source.path):
            raise _refuse(
                "target",
                _("Tổ chức nhận %(t)s nằm trong tổ chức bị hợp nhất %(s)s.")
                % {"t": target.name, "s": source.name},
            )
        if target.valid_to is not None or not target.is_active_on(on_date):
            raise _refuse(
                "target",
                _("Tổ chức nhận %(t)s đã giải thể hoặc chưa thành lập vào ngày %(d)s.")
                % {"t": target.name, "d": _ddmmyyyy(on_date)},
            )
        if source.valid_to is not None:
            raise _refuse(
                "source",
                _("Tổ chức %(s)s đã giải thể từ ngày %(d)s.")
                % {"s": source.name, "d": _ddmmyyyy(source.valid_to)},
            )
        if on_date > today:
            raise _refuse("on_date", _("Ngày hợp nhất không thể ở tương lai."))
        children = [
            child
            for child in Org.objects.subtree(source).filter(depth=source.depth + 1)
            if child.valid_to is None or child.valid_to > on_date
        ]
        msgs = [m for child in children for m in rules.placement_errors(child.kind, target.kind)]
        if msgs:
            raise OrgInvalid(msgs[0], field_errors={"target": msgs})
        for child in children:
            fresh = Org.objects.get(pk=child.pk)
            move_org(
                org=fresh,
                new_parent=target,
                version=fresh.version,
                actor=actor,
                today=today,
                on_date=on_date,
            )
        source = Org.objects.get(pk=source.pk)
        return dissolve_org(
            org=source, on_date=on_date, version=source.version, actor=actor, today=today
        )


def check_spans() -> list[spans.SpanProblem]:
    """Return the units whose spans overlap, leave holes or disagree with the live tree."""
    return spans.check_spans()
