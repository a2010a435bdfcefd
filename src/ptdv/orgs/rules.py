"""Rules about the organisation tree: pure functions over plain values, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ptdv.orgs.models import ALLOWED_PARENT_KINDS, DecidingBody, OrgKind


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


def child_kinds(parent_kind: str | None) -> list[str]:
    """Return the kinds that may sit directly under a unit of parent_kind, top level first."""
    return [kind.value for kind in OrgKind if parent_kind in ALLOWED_PARENT_KINDS[kind]]


@dataclass(frozen=True)
class OrgFacts:
    """What the admission-authority rule needs to know about one unit."""

    id: int
    name: str
    kind: str
    vested_superior_powers: bool = False
    admission_delegated: bool = False
    admission_delegated_from: date | None = None
    deciding_body: str = ""  # "" = the default for the unit's kind


@dataclass(frozen=True)
class Authority:
    """Who decides admissions (and recognition) for a unit: a committee and its deciding body."""

    org: OrgFacts | None  # None: no unit in the chain has the power
    body: str  # a DecidingBody value; "" when org is None
    delegated: bool  # decided by a grassroots committee under a delegation


# Superior levels whose committee decides for the grassroots organisations under it
# (DOMAIN.md §1.2 items 2-3). The centre itself is not listed: nothing in §1.2 makes it decide.
DECIDING_SUPERIOR_KINDS = frozenset(
    {
        OrgKind.DISTRICT,
        OrgKind.BLOC,
        OrgKind.COMMUNE,
        OrgKind.PROVINCE,
        OrgKind.CENTRAL_DIRECT,
    }
)
# Province-level committees decide through their permanent members (DOMAIN.md §1.2 item 3).
PROVINCE_LEVEL_KINDS = frozenset({OrgKind.PROVINCE, OrgKind.CENTRAL_DIRECT})


def delegation_effective(unit: OrgFacts, on_date: date) -> bool:
    """Return whether a grassroots committee holds a delegation of admission power on on_date."""
    return (
        unit.kind == OrgKind.GRASSROOTS_COMMITTEE
        and unit.admission_delegated
        and unit.admission_delegated_from is not None
        and unit.admission_delegated_from <= on_date
    )


def admission_authority(chain: list[OrgFacts], on_date: date) -> Authority:
    """Return who decides admissions for the last unit of chain (root first, the unit last).

    Regulations 29/24/232-QĐ/TW item 4.3.2, as summarised in DOMAIN.md §1.2:
    1. a grassroots committee delegated the power decides itself, as a full committee;
    2. otherwise the direct superior committee of the grassroots organisation, or a grassroots
       committee vested with superior powers, decides through its standing committee;
    3. province-level committees decide through their permanent members (thường trực cấp ủy).
    The nearest qualifying unit upwards from the unit itself wins.

    Configurable (DOMAIN.md §1.2, "Implementation [I]"): the delegation flag and its effective
    date, the vested-powers flag and an explicit deciding body are stored on each unit, so a
    province can record its own arrangement without a code change; the kinds above are only the
    defaults. Over-60 candidates and re-admissions (items 5-6) need extra approval that the
    pipeline checks; they are not decided here.
    """
    for unit in reversed(chain):
        if delegation_effective(unit, on_date):
            return Authority(
                org=unit,
                body=unit.deciding_body or DecidingBody.FULL_COMMITTEE,
                delegated=True,
            )
        superior = unit.kind in DECIDING_SUPERIOR_KINDS or (
            unit.kind == OrgKind.GRASSROOTS_COMMITTEE and unit.vested_superior_powers
        )
        if superior:
            default = (
                DecidingBody.PERMANENT_MEMBERS
                if unit.kind in PROVINCE_LEVEL_KINDS
                else DecidingBody.STANDING_COMMITTEE
            )
            return Authority(org=unit, body=unit.deciding_body or default, delegated=False)
    return Authority(org=None, body="", delegated=False)


# The committee (cấp ủy) of a "Đảng bộ …" is named by the level's word: the province's and
# the province-level city's committee is "Tỉnh ủy" / "Thành ủy", a district's "Huyện ủy" /
# "Quận ủy" / "Thị ủy" / "Thành ủy"; every other đảng bộ (commune, ward, agency, school,
# enterprise …) has a "Đảng ủy". A chi bộ has no separate committee in these hints: the cell's
# meeting (or, for a chi bộ cơ sở, the cell itself) records its steps.
_COMMITTEE_WORDS = (
    ("Đảng bộ tỉnh ", "Tỉnh ủy "),
    ("Đảng bộ thành phố ", "Thành ủy "),
    ("Đảng bộ huyện ", "Huyện ủy "),
    ("Đảng bộ quận ", "Quận ủy "),
    ("Đảng bộ thị xã ", "Thị ủy "),
)


def committee_name(name: str) -> str:
    """Return how the committee that acts for a unit called `name` is named.

    "Đảng bộ phường Đông Thanh" → "Đảng ủy phường Đông Thanh", "Đảng bộ tỉnh Quảng Trị" →
    "Tỉnh ủy Quảng Trị"; a name that does not start with "Đảng bộ" (a chi bộ, a unit named
    otherwise by the deployment) is returned as it is, so nothing is ever invented.
    """
    for prefix, committee in _COMMITTEE_WORDS:
        if name.startswith(prefix):
            return committee + name[len(prefix) :]
    if name.startswith("Đảng bộ "):
        return "Đảng ủy " + name[len("Đảng bộ ") :]
    return name
