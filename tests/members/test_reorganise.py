"""A merge of two cells moves the members by transfer events dated the merge day."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.core.errors import DomainError
from ptdv.members import services as registry
from ptdv.members.asof import figures
from ptdv.members.models import MemberEvent, Membership
from ptdv.orgs.models import Org, OrgKind
from tests.factories import TODAY, make_org, make_person, system_user

MERGE = date(2025, 7, 1)


@pytest.fixture
def cells(db):
    province = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh", code="P",
                        valid_from=date(2000, 1, 1))  # fmt: skip
    ward = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ phường", code="W",
                    valid_from=date(2000, 1, 1))  # fmt: skip
    old = make_org(ward, OrgKind.CELL, "Chi bộ Khu phố 3", code="KP3", valid_from=date(2000, 1, 1))
    new = make_org(ward, OrgKind.CELL, "Chi bộ Khu phố 4", code="KP4", valid_from=date(2000, 1, 1))
    members = [
        registry.enter_existing_member(
            person=make_person(old, given_name=name),
            cell=old,
            decision_on=date(2010, 1, 2),
            joined_on=date(2010, 1, 20),
            official_on=date(2011, 1, 20),
            actor=system_user(),
            today=TODAY,
        )  # fmt: skip
        for name in ("Hoa", "Khoa")
    ]
    return ward, old, new, members


def test_members_move_on_the_merge_day_and_the_source_ends(cells):
    ward, old, new, members = cells

    moved = registry.merge_cells(source=old, target=new, on_date=MERGE, actor=system_user(),
                                 today=TODAY)  # fmt: skip

    assert [m.pk for m in moved] == [m.pk for m in members]
    assert set(Membership.objects.values_list("cell_id", flat=True)) == {new.pk}
    assert MemberEvent.objects.filter(kind="transfer_out", on=MERGE).count() == 2
    assert MemberEvent.objects.filter(kind="transfer_in", on=MERGE, cell=new).count() == 2
    before, after = figures(ward, date(2025, 6, 30)), figures(ward, MERGE)
    assert (before.total, after.total) == (2, 2)
    assert (before.units.cells, after.units.cells) == (2, 1)
    assert figures(old, date(2025, 6, 30)).total == 2
    assert not figures(old, MERGE).exists
    assert figures(new, MERGE).total == 2
    assert Org.objects.get(pk=old.pk).valid_to == MERGE


def test_a_refused_merge_moves_nobody(cells):
    ward, old, new, _members = cells
    with pytest.raises(DomainError) as exc:
        registry.merge_cells(source=old, target=old, on_date=MERGE, actor=system_user(),
                             today=TODAY)  # fmt: skip
    assert list(exc.value.field_errors) == ["target"]
    with pytest.raises(DomainError):
        registry.merge_cells(source=old, target=new, on_date=date(2027, 1, 1),
                             actor=system_user(), today=TODAY)  # fmt: skip
    assert set(Membership.objects.values_list("cell_id", flat=True)) == {old.pk}
    assert not MemberEvent.objects.filter(kind="transfer_out").exists()
