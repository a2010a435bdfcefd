"""Writes to the tree: create, edit, move, dissolve; versioned and audited."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.core.errors import StaleVersion
from ptdv.orgs.models import Org, OrgKind
from ptdv.orgs.services import OrgInvalid, create_org, dissolve_org, move_org, update_org
from tests.factories import TODAY, make_org


def _values(**extra):
    return {"name": "Chi bộ Tổ Hóa", "code": "thptdh-hoa", "kind": OrgKind.CELL, **extra}


def _snapshot():
    return list(Org.objects.order_by("pk").values_list("pk", "path", "name", "version", "valid_to"))


def test_create_org_adds_a_child_and_records_who(cast):
    org = create_org(
        parent=cast.grassroots, values=_values(), actor=cast.board_specialist, today=TODAY
    )
    org = Org.objects.get(code="THPTDH-HOA")
    assert org.get_parent() == cast.grassroots
    assert org.depth == 4
    assert org.version == 1
    record = org.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        cast.board_specialist,
        "Thành lập",
    )


def test_create_org_refuses_a_placement_the_tree_does_not_allow(cast):
    before = _snapshot()
    with pytest.raises(OrgInvalid) as exc:
        create_org(parent=cast.commune, values=_values(), actor=cast.board_specialist, today=TODAY)
    assert exc.value.field_errors == {
        "kind": [
            "Chi bộ trực thuộc không thể trực thuộc Đảng bộ xã / phường / đặc khu (từ 1/7/2025)."
        ]
    }
    assert _snapshot() == before


def test_create_org_refuses_a_code_in_use(cast):
    with pytest.raises(OrgInvalid) as exc:
        create_org(
            parent=cast.grassroots,
            values=_values(code="thptdh-tt"),
            actor=cast.board_specialist,
            today=TODAY,
        )
    assert exc.value.field_errors == {
        "code": ["Mã tổ chức THPTDH-TT đã được dùng cho đơn vị khác."]
    }


def test_create_org_refuses_a_dissolved_parent(cast):
    empty = make_org(cast.grassroots, OrgKind.SUB_COMMITTEE, "Đảng bộ bộ phận cũ")
    dissolve_org(
        org=empty, on_date=date(2024, 1, 1), version=1, actor=cast.board_specialist, today=TODAY
    )
    with pytest.raises(OrgInvalid) as exc:
        create_org(
            parent=Org.objects.get(pk=empty.pk),
            values=_values(),
            actor=cast.board_specialist,
            today=TODAY,
        )
    assert exc.value.message == "Tổ chức cấp trên Đảng bộ bộ phận cũ đã giải thể."
    assert Org.objects.subtree(empty).count() == 1


def test_update_org_saves_changes_bumps_version_and_records_actor(cast):
    update_org(
        org=cast.cell_a,
        values={"name": "Chi bộ Toán  –  Tin học", "address": "Số 1 Lê Lợi"},
        version=1,
        actor=cast.grassroots_officer,
    )
    org = Org.objects.get(pk=cast.cell_a.pk)
    assert (org.name, org.address, org.version) == ("Chi bộ Toán – Tin học", "Số 1 Lê Lợi", 2)
    latest = org.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user) == ("~", cast.grassroots_officer)
    assert org.history.count() == 2


def test_update_org_without_change_writes_nothing(cast):
    update_org(org=cast.cell_a, values={"name": "Chi bộ Tổ Toán – Tin"}, version=1,
               actor=cast.grassroots_officer)  # fmt: skip
    org = Org.objects.get(pk=cast.cell_a.pk)
    assert (org.version, org.history.count()) == (1, 1)


def test_update_org_refuses_a_stale_version_and_writes_nothing(cast):
    update_org(org=cast.cell_a, values={"name": "Tên mới"}, version=1, actor=cast.board_specialist)
    before = _snapshot()
    with pytest.raises(StaleVersion) as exc:
        update_org(
            org=cast.cell_a, values={"name": "Tên khác"}, version=1, actor=cast.grassroots_officer
        )
    assert exc.value.current_version == 2
    assert _snapshot() == before
    assert Org.objects.get(pk=cast.cell_a.pk).history.count() == 2


def test_update_org_refuses_a_kind_that_cannot_hold_its_children(cast):
    with pytest.raises(OrgInvalid) as exc:
        update_org(
            org=cast.grassroots,
            values={"kind": OrgKind.GRASSROOTS_CELL},
            version=1,
            actor=cast.board_specialist,
        )
    assert exc.value.field_errors == {
        "kind": ["Chi bộ trực thuộc không thể trực thuộc Chi bộ cơ sở."]
    }
    assert Org.objects.get(pk=cast.grassroots.pk).kind == OrgKind.GRASSROOTS_COMMITTEE


def test_update_org_requires_a_date_for_a_delegation(cast):
    with pytest.raises(OrgInvalid) as exc:
        update_org(
            org=cast.grassroots,
            values={"admission_delegated": True},
            version=1,
            actor=cast.board_specialist,
        )
    assert exc.value.field_errors == {
        "admission_delegated_from": ["Cần ghi ngày ủy quyền kết nạp có hiệu lực."]
    }


def test_move_org_moves_the_whole_subtree_and_records_it(cast):
    moved = move_org(
        org=cast.cell_a,
        new_parent=cast.other_grassroots,
        version=1,
        actor=cast.board_specialist,
        today=TODAY,
    )
    assert moved.get_parent() == cast.other_grassroots
    assert moved.version == 2
    assert list(Org.objects.subtree(cast.other_grassroots).order_by("path").values_list(
        "code", flat=True)) == ["CTCN", "CTCN-PX1", "THPTDH-TT"]  # fmt: skip
    assert Org.objects.get(pk=cast.grassroots.pk).numchild == 1
    # People stay with their cell and so follow it into the new subtree.
    cast.person_a.refresh_from_db()
    assert cast.person_a.org.path.startswith(cast.other_grassroots.path)
    latest = moved.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.board_specialist,
        "Chuyển từ Đảng bộ Trường THPT Đông Hà sang Đảng bộ Công ty Cấp nước",
    )


@pytest.mark.parametrize("target", ["grassroots", "cell_a"])
def test_move_org_refuses_moving_under_itself_or_its_descendant(cast, target):
    before = _snapshot()
    with pytest.raises(OrgInvalid) as exc:
        move_org(
            org=cast.grassroots,
            new_parent=getattr(cast, target),
            version=1,
            actor=cast.board_specialist,
            today=TODAY,
        )
    assert exc.value.message == (
        "Không thể chuyển tổ chức vào chính nó hoặc vào một đơn vị trực thuộc nó."
    )
    assert _snapshot() == before


def test_move_org_refuses_a_placement_the_tree_does_not_allow(cast):
    before = _snapshot()
    with pytest.raises(OrgInvalid) as exc:
        move_org(
            org=cast.cell_a,
            new_parent=cast.commune,
            version=1,
            actor=cast.board_specialist,
            today=TODAY,
        )
    assert exc.value.field_errors == {
        "new_parent": [
            "Chi bộ trực thuộc không thể trực thuộc Đảng bộ xã / phường / đặc khu (từ 1/7/2025)."
        ]
    }
    assert _snapshot() == before


def test_move_org_refuses_a_stale_version(cast):
    update_org(org=cast.cell_a, values={"name": "Tên mới"}, version=1, actor=cast.board_specialist)
    before = _snapshot()
    with pytest.raises(StaleVersion):
        move_org(
            org=cast.cell_a,
            new_parent=cast.other_grassroots,
            version=1,
            actor=cast.board_specialist,
            today=TODAY,
        )
    assert _snapshot() == before


def test_move_org_refuses_a_dissolved_target(cast):
    old = make_org(cast.commune, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ cũ")
    dissolve_org(org=old, on_date=date(2024, 1, 1), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    with pytest.raises(OrgInvalid) as exc:
        move_org(org=cast.cell_a, new_parent=old, version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    assert exc.value.message == "Tổ chức đích Đảng bộ cũ đã giải thể."


def test_dissolve_org_records_the_date_and_actor(cast):
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục")
    dissolve_org(org=empty, on_date=date(2025, 6, 30), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    org = Org.objects.get(pk=empty.pk)
    assert (org.valid_to, org.version) == (date(2025, 6, 30), 2)
    latest = org.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.board_specialist,
        "Giải thể",
    )


def test_dissolve_org_refuses_while_active_sub_units_remain(cast):
    before = _snapshot()
    with pytest.raises(OrgInvalid) as exc:
        dissolve_org(org=cast.grassroots, on_date=date(2025, 6, 30), version=1,
                     actor=cast.board_specialist, today=TODAY)  # fmt: skip
    assert exc.value.field_errors == {
        "valid_to": [
            "Còn 2 tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước.",
            "Còn 2 người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước.",
        ]
    }
    assert _snapshot() == before


def test_dissolve_org_refuses_while_people_remain(cast):
    before = _snapshot()
    with pytest.raises(OrgInvalid) as exc:
        dissolve_org(org=cast.cell_a, on_date=date(2025, 6, 30), version=1,
                     actor=cast.board_specialist, today=TODAY)  # fmt: skip
    assert exc.value.message == (
        "Còn 1 người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước."
    )
    assert _snapshot() == before


def test_dissolve_org_refuses_twice_and_stale(cast):
    empty = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Thể dục")
    dissolve_org(org=empty, on_date=date(2025, 6, 30), version=1, actor=cast.board_specialist,
                 today=TODAY)  # fmt: skip
    with pytest.raises(StaleVersion):
        dissolve_org(org=empty, on_date=date(2025, 7, 1), version=1,
                     actor=cast.board_specialist, today=TODAY)  # fmt: skip
    with pytest.raises(OrgInvalid) as exc:
        dissolve_org(org=empty, on_date=date(2025, 7, 1), version=2,
                     actor=cast.board_specialist, today=TODAY)  # fmt: skip
    assert exc.value.message == "Tổ chức đã giải thể từ ngày 30/06/2025."
    assert Org.objects.get(pk=empty.pk).valid_to == date(2025, 6, 30)
