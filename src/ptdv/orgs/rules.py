"""Rules about the organisation tree: pure functions over plain values, no database."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from ptdv.orgs.models import ALLOWED_PARENT_KINDS, OrgKind


def placement_errors(kind: str, parent_kind: str | None) -> list[str]:
    """Return why a unit of this kind cannot sit under a parent of parent_kind."""
    allowed = ALLOWED_PARENT_KINDS.get(kind)
    if allowed is None:
        return [_("Cấp tổ chức không hợp lệ.")]
    if parent_kind not in allowed:
        if parent_kind is None:
            return [
                _("%(kind)s không thể là tổ chức cấp cao nhất; hãy chọn tổ chức cấp trên.")
                % {"kind": OrgKind(kind).label}
            ]
        return [
            _("%(kind)s không thể trực thuộc %(parent)s.")
            % {"kind": OrgKind(kind).label, "parent": OrgKind(parent_kind).label}
        ]
    return []


def dissolution_errors(
    *,
    on_date: date,
    valid_from: date,
    active_children: int,
    people: int,
    today: date,
) -> list[str]:
    """Return why a unit cannot be dissolved on on_date."""
    errors = []
    if on_date < valid_from:
        errors.append(
            _("Ngày giải thể không thể trước ngày thành lập (%(d)s).")
            % {"d": valid_from.strftime("%d/%m/%Y")}
        )
    if on_date > today:
        errors.append(_("Ngày giải thể không thể ở tương lai."))
    if active_children:
        errors.append(
            _("Còn %(n)s tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước.")
            % {"n": active_children}
        )
    if people:
        errors.append(
            _("Còn %(n)s người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước.")
            % {"n": people}
        )
    return errors
