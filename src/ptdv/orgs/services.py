"""Writes to the organisation tree: create, edit, move a subtree, dissolve. Atomic, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from ptdv.access.models import User
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.core.text import normalize_spaces
from ptdv.orgs import rules
from ptdv.orgs.models import Org

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
    return created


def update_org(*, org: Org, values: dict[str, Any], version: int, actor: User) -> Org:
    """Edit a unit's attributes unless someone else saved it first."""
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
        _set_parent_name(locked, locked.parent_name)
        locked.version += 1
        locked._history_user = actor
        _save(locked)
        if "name" in changed:
            _rename_in_children(locked)
    return locked


def move_org(*, org: Org, new_parent: Org, version: int, actor: User, today: date) -> Org:
    """Move a unit with its whole subtree under new_parent."""
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
        if not target.is_active_on(today):
            raise OrgInvalid(
                _("Tổ chức đích %(p)s đã giải thể.") % {"p": target.name},
                field_errors={"new_parent": [_("Tổ chức đích đã giải thể.")]},
            )
        msgs = rules.placement_errors(locked.kind, target.kind)
        if msgs:
            raise OrgInvalid(msgs[0], field_errors={"new_parent": msgs})
        old_parent = locked.get_parent()
        if old_parent is not None and old_parent.pk == target.pk:
            return locked
        try:
            locked.move(target, pos="last-child")
        except InvalidMoveToDescendant as exc:  # defence in depth; checked above
            raise OrgInvalid(_("Không thể chuyển tổ chức vào đơn vị trực thuộc nó.")) from exc
        moved = Org.objects.get(pk=locked.pk)
        moved.version = locked.version + 1
        _set_parent_name(moved, target.name)
        moved._history_user = actor
        moved._change_reason = _("Chuyển từ %(a)s sang %(b)s") % {
            "a": old_parent.name if old_parent else "—",
            "b": target.name,
        }
        moved.save(update_fields=["version", "updated_at", "parent_name", "search_text"])
    return moved


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
        locked.valid_to = on_date
        locked.version += 1
        locked._history_user = actor
        locked._change_reason = _("Giải thể")
        locked.save()
    return locked
