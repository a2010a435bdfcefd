"""Transfers as a flow (decision D34): the services, on the database."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from ptdv.core.errors import StaleVersion
from ptdv.members.models import EventKind, MemberEvent, MemberPeriod, Membership, Transfer
from ptdv.members.rules import replay as rp
from ptdv.members.selectors import members_of_cell_on
from ptdv.members.services import MemberInvalid, end_membership, enter_existing_member
from ptdv.members.services import transfers as svc
from ptdv.orgs.models import OrgKind
from ptdv.orgs.services import dissolve_org
from tests.factories import TODAY, make_org, make_person, system_user

OUTSIDE = "Đảng bộ Công an tỉnh Quảng Bình"


@pytest.fixture
def member(cast) -> Membership:
    """An official member of cell_a since 2011."""
    return enter_existing_member(
        person=cast.person_a,
        cell=cast.cell_a,
        decision_on=date(2010, 1, 5),
        joined_on=date(2010, 1, 10),
        official_on=date(2011, 1, 10),
        actor=system_user(),
        today=TODAY,
    )


def _start(member: Membership, actor, **kw) -> Transfer:
    values = {"kind": "permanent", "trigger_on": date(2025, 3, 3)} | kw
    return svc.start_transfer(membership=member, actor=actor, today=TODAY, **values).transfer


def _fresh(t: Transfer) -> Transfer:
    return Transfer.objects.get(pk=t.pk)


def _counted(cell, day: date) -> list[int]:
    return sorted(members_of_cell_on(cell.pk, day).values_list("person_id", flat=True))


def _replay(membership: Membership) -> rp.Replay:
    facts = [
        rp.Event(
            pk=e.pk,
            kind=e.kind,
            on=e.on,
            cell_id=e.cell_id,
            other_cell_id=e.other_cell_id,
            other_party=e.other_party,
            supersedes_id=e.supersedes_id,
        )
        for e in MemberEvent.objects.filter(membership=membership)
    ]
    return rp.replay(facts, today=TODAY)


def test_permanent_transfer_inside_ptdv_moves_the_member_with_the_gap_from_the_dates(
    cast, member
) -> None:
    # Sent by the province board from cell_a to another grassroots organisation's cell.
    t = _start(member, cast.board_specialist, to_cell=cast.other_cell, reason="Chuyển công tác")
    assert (t.state, t.from_cell_id, t.to_cell_id) == (
        "started",
        cast.cell_a.pk,
        cast.other_cell.pk,
    )
    # Monday 3/3/2025 + 60 working days (Hùng Kings 7/4, 30/4, 1/5 off): Thursday 29/5/2025.
    assert t.letter_due_on == date(2025, 5, 29)
    # The letter is the cell's own record (the cell secretary), dated Monday 2/6/2025.
    t = svc.issue_letter(
        transfer=t,
        letter_on=date(2025, 6, 2),
        letter_number="125-GGT",
        actor=cast.cell_secretary,
        today=TODAY,
        version=t.version,
    )
    t = _fresh(t)
    assert (t.state, t.letter_number, t.closed_on) == ("sent", "125-GGT", None)
    assert t.present_due_on == date(2025, 7, 14)  # 30 working days, June–July has no holiday
    out = MemberEvent.objects.get(membership=member, kind=EventKind.TRANSFER_OUT)
    assert (out.on, out.cell_id, out.other_cell_id, out.document) == (
        date(2025, 6, 2),
        cast.cell_a.pk,
        cast.other_cell.pk,
        "125-GGT",
    )
    assert t.out_event_id == out.pk
    # The cell secretary cannot accept on the receiving side; its grassroots officer can.
    with pytest.raises(Http404):
        svc.accept_transfer(
            transfer=t, accepted_on=date(2025, 6, 16), actor=cast.cell_secretary, today=TODAY,
            version=t.version,
        )  # fmt: skip
    t = svc.accept_transfer(
        transfer=t, accepted_on=date(2025, 6, 16), actor=cast.outsider, today=TODAY,
        version=t.version,
    )  # fmt: skip
    t = _fresh(t)
    assert (t.state, t.closed_on) == ("accepted", date(2025, 6, 16))
    came = MemberEvent.objects.get(membership=member, kind=EventKind.TRANSFER_IN)
    assert (came.on, came.cell_id, t.close_event_id) == (
        date(2025, 6, 16),
        cast.other_cell.pk,
        came.pk,
    )
    # Counted at A until the letter, nowhere in between, at B from the acceptance.
    pa = cast.person_a.pk
    assert _counted(cast.cell_a, date(2025, 6, 1)) == [pa]
    assert _counted(cast.cell_a, date(2025, 6, 2)) == []
    assert _counted(cast.other_cell, date(2025, 6, 15)) == []
    assert _counted(cast.other_cell, date(2025, 6, 16)) == [pa]
    periods = list(
        MemberPeriod.objects.filter(membership=member)
        .order_by("valid_from")
        .values_list("cell_id", "valid_from", "valid_to")
    )
    assert periods[-2:] == [
        (cast.cell_a.pk, date(2011, 1, 10), date(2025, 6, 2)),
        (cast.other_cell.pk, date(2025, 6, 16), None),
    ]
    assert _replay(member).gaps == [(date(2025, 6, 2), date(2025, 6, 16))]
    member.refresh_from_db()
    cast.person_a.refresh_from_db()
    assert (member.cell_id, member.in_transit, cast.person_a.org_id) == (
        cast.other_cell.pk,
        False,
        cast.other_cell.pk,
    )


def test_temporary_transfer_keeps_the_member_counted_at_home(cast, member) -> None:
    started = svc.start_transfer(
        membership=member, kind="temporary", to_cell=cast.cell_b, trigger_on=date(2026, 9, 1),
        planned_end_on=date(2027, 3, 1), actor=cast.grassroots_officer, today=TODAY,
    )  # fmt: skip
    assert started.notices == []
    t = svc.issue_letter(
        transfer=started.transfer, letter_on=date(2026, 9, 7), letter_number="",
        actor=cast.cell_secretary, today=TODAY, version=started.transfer.version,
    )  # fmt: skip
    assert MemberEvent.objects.get(membership=member, kind=EventKind.TEMP_OUT).other_cell_id == (
        cast.cell_b.pk
    )
    t = svc.accept_transfer(
        transfer=t, accepted_on=date(2026, 9, 10), actor=cast.grassroots_officer, today=TODAY,
        version=t.version,
    )  # fmt: skip
    t = _fresh(t)
    # Acceptance of a temporary member writes no event and leaves the transfer open.
    assert (t.state, t.closed_on, t.close_event_id) == ("accepted", None, None)
    assert MemberEvent.objects.filter(membership=member, kind=EventKind.TRANSFER_IN).count() == 0
    assert _counted(cast.cell_a, date(2026, 10, 1)) == [cast.person_a.pk]
    assert _counted(cast.cell_b, date(2026, 10, 1)) == []
    in_force = MemberPeriod.objects.get(membership=member, valid_from=date(2026, 9, 7))
    assert (in_force.cell_id, in_force.temp_cell_id) == (cast.cell_a.pk, cast.cell_b.pk)
    t = svc.return_from_temporary(
        transfer=t, on=date(2026, 11, 2), actor=cast.cell_secretary, today=TODAY, version=t.version
    )
    t = _fresh(t)
    assert (t.state, t.closed_on) == ("returned", date(2026, 11, 2))
    member.refresh_from_db()
    assert (member.cell_id, member.temp_cell_id, member.in_transit) == (cast.cell_a.pk, None, False)
    assert _replay(member).gaps == []


def test_temporary_transfer_outside_its_lengths_warns_and_is_started(cast, member) -> None:
    started = svc.start_transfer(
        membership=member, kind="temporary", to_cell=cast.cell_b, trigger_on=date(2026, 9, 1),
        planned_end_on=date(2026, 10, 1), actor=cast.grassroots_officer, today=TODAY,
    )  # fmt: skip
    assert [(n.code, n.severity) for n in started.notices] == [("TEMP-TRANSFER", "warn")]
    assert "từ 01/09/2026 đến 01/10/2026" in started.notices[0].message
    assert Transfer.objects.get().state == "started"


def test_transfer_to_a_party_outside_ptdv_leaves_the_member_counted_nowhere(cast, member) -> None:
    t = _start(member, cast.cell_secretary, outside_party=OUTSIDE)
    t = svc.issue_letter(
        transfer=t, letter_on=date(2025, 6, 2), letter_number="7", actor=cast.cell_secretary,
        today=TODAY, version=t.version,
    )  # fmt: skip
    t = _fresh(t)
    assert (t.state, t.closed_on, t.present_due_on) == ("sent", date(2025, 6, 2), None)
    out = MemberEvent.objects.get(membership=member, kind=EventKind.TRANSFER_OUT)
    assert (out.other_cell_id, out.other_party) == (None, OUTSIDE)
    member.refresh_from_db()
    assert (member.status, member.in_transit) == ("official", True)
    assert MemberPeriod.objects.filter(membership=member, valid_to__isnull=True).count() == 0
    assert _counted(cast.cell_a, date(2025, 6, 2)) == []
    assert _replay(member).state.place == rp.Place.OUTSIDE


def test_member_arriving_from_outside_ptdv_is_counted_from_the_arrival(cast) -> None:
    person = make_person(cast.cell_b, family_name="Đỗ", given_name="Hải")
    m = svc.receive_from_outside(
        person=person, cell=cast.cell_b, outside_party=OUTSIDE, arrived_on=date(2025, 5, 5),
        decision_on=date(2015, 1, 2), joined_on=date(2015, 1, 10), official_on=date(2016, 1, 10),
        card_number="79012345", card_issued_on=date(2016, 3, 3), actor=cast.grassroots_officer,
        today=TODAY,
    )  # fmt: skip
    m.refresh_from_db()
    assert (m.status, m.cell_id, m.in_transit, m.card_number) == (
        "official",
        cast.cell_b.pk,
        False,
        "79012345",
    )
    kinds = list(
        MemberEvent.objects.filter(membership=m).order_by("on").values_list("kind", "other_party")
    )
    assert kinds == [("admitted", OUTSIDE), ("recognised", ""), ("transfer_in", OUTSIDE)]
    assert list(
        MemberPeriod.objects.filter(membership=m).values_list("valid_from", "valid_to")
    ) == [(date(2025, 5, 5), None)]
    assert _counted(cast.cell_b, date(2025, 5, 4)) == []


def test_receive_from_outside_refuses_without_the_party_and_writes_nothing(cast) -> None:
    person = make_person(cast.cell_b, family_name="Đỗ", given_name="Hải")
    with pytest.raises(MemberInvalid) as err:
        svc.receive_from_outside(
            person=person, cell=cast.cell_b, outside_party=" ", arrived_on=date(2025, 5, 5),
            decision_on=date(2015, 1, 2), joined_on=date(2015, 1, 10),
            actor=cast.grassroots_officer, today=TODAY,
        )  # fmt: skip
    assert list(err.value.field_errors) == ["outside_party"]
    assert Membership.objects.count() == 0


def _dissolved_cell(cast):
    cell = make_org(cast.grassroots, OrgKind.CELL, "Chi bộ Tổ Hóa", code="THPTDH-HH")
    return dissolve_org(
        org=cell, on_date=date(2024, 12, 31), version=cell.version, actor=system_user(),
        today=TODAY,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ("dissolved", "to_cell", "không còn"),
        ("not_a_cell", "to_cell", "không phải chi bộ"),
        ("own_cell", "to_cell", "chính chi bộ đang sinh hoạt"),
        ("unseen_cell", "to_cell", "ngoài phạm vi"),
        ("future", "trigger_on", "sau ngày hôm nay"),
        ("neither_side", "to_cell", "Chọn chi bộ chuyển đến"),
        ("temporary_without_end", "planned_end_on", "ngày dự kiến trở về"),
        ("left", "membership", "không đang sinh hoạt"),
        ("second_open", "membership", "chưa kết thúc"),
    ],
)
def test_start_refusals_name_the_field_and_write_nothing(cast, member, case, field, words) -> None:
    actor = cast.grassroots_officer
    values = {"kind": "permanent", "trigger_on": date(2025, 3, 3), "to_cell": cast.cell_b}
    if case == "dissolved":
        values["to_cell"] = _dissolved_cell(cast)
    elif case == "not_a_cell":
        values["to_cell"] = cast.grassroots
    elif case == "own_cell":
        values["to_cell"] = cast.cell_a
    elif case == "unseen_cell":
        actor = cast.cell_secretary  # cell_b is outside its scope: told like an absent cell
    elif case == "future":
        values["trigger_on"] = date(2026, 11, 23)
    elif case == "neither_side":
        values["to_cell"] = None
    elif case == "temporary_without_end":
        values["kind"] = "temporary"
    elif case == "left":
        end_membership(
            membership=member, kind=EventKind.DIED, on=date(2024, 1, 1), actor=None, today=TODAY
        )
    elif case == "second_open":
        _start(member, actor, to_cell=cast.cell_b)
    before = (Transfer.objects.count(), MemberEvent.objects.count())
    with pytest.raises(MemberInvalid) as err:
        _start(member, actor, **values)
    assert list(err.value.field_errors) == [field]
    assert words in err.value.field_errors[field][0]
    assert (Transfer.objects.count(), MemberEvent.objects.count()) == before


def test_a_member_in_transit_cannot_be_transferred_again(cast, member) -> None:
    t = _start(member, cast.cell_secretary, outside_party=OUTSIDE)
    svc.issue_letter(
        transfer=t, letter_on=date(2025, 6, 2), letter_number="", actor=cast.cell_secretary,
        today=TODAY, version=t.version,
    )  # fmt: skip
    member.refresh_from_db()
    with pytest.raises(MemberInvalid) as err:
        _start(member, cast.cell_secretary, outside_party="Đảng bộ khác")
    assert "đang chuyển sinh hoạt" in err.value.message
    assert Transfer.objects.count() == 1


def test_start_outside_the_actors_scope_is_404_and_writes_nothing(cast, member) -> None:
    with pytest.raises(Http404):
        _start(member, cast.outsider, outside_party=OUTSIDE)
    with pytest.raises(Http404):
        _start(member, cast.viewer, outside_party=OUTSIDE)
    assert Transfer.objects.count() == 0


def test_steps_out_of_order_are_refused_and_write_nothing(cast, member) -> None:
    t = _start(member, cast.grassroots_officer, to_cell=cast.cell_b)
    events = MemberEvent.objects.count()
    with pytest.raises(MemberInvalid) as err:
        svc.accept_transfer(
            transfer=t, accepted_on=date(2025, 6, 2), actor=cast.grassroots_officer, today=TODAY,
            version=t.version,
        )  # fmt: skip
    assert list(err.value.field_errors) == ["state"]
    with pytest.raises(MemberInvalid) as err:
        svc.return_from_temporary(
            transfer=t, on=date(2025, 6, 2), actor=cast.grassroots_officer, today=TODAY,
            version=t.version,
        )  # fmt: skip
    assert "không cho phép" in err.value.message
    with pytest.raises(MemberInvalid) as err:
        svc.issue_letter(
            transfer=t, letter_on=date(2026, 11, 22), letter_number="", actor=cast.cell_secretary,
            today=TODAY, version=t.version,
        )  # fmt: skip
    assert list(err.value.field_errors) == ["letter_on"]
    # A letter dated before the member's admission does not fit the member's story.
    with pytest.raises(MemberInvalid):
        svc.issue_letter(
            transfer=t, letter_on=date(2009, 1, 1), letter_number="", actor=cast.cell_secretary,
            today=TODAY, version=t.version,
        )  # fmt: skip
    assert (_fresh(t).state, _fresh(t).version, MemberEvent.objects.count()) == (
        "started",
        t.version,
        events,
    )


def test_not_presented_only_after_the_presentation_deadline(cast, member) -> None:
    t = _start(member, cast.grassroots_officer, to_cell=cast.cell_b)
    t = svc.issue_letter(
        transfer=t, letter_on=date(2025, 6, 2), letter_number="", actor=cast.cell_secretary,
        today=TODAY, version=t.version,
    )  # fmt: skip
    with pytest.raises(MemberInvalid) as err:
        svc.report_not_presented(
            transfer=t, on=date(2025, 7, 14), actor=cast.grassroots_officer, today=TODAY,
            version=t.version,
        )  # fmt: skip
    assert err.value.field_errors == {"on": [err.value.message]}
    assert "14/07/2025" in err.value.message
    # The sending cell is not the receiving side.
    with pytest.raises(Http404):
        svc.report_not_presented(
            transfer=t, on=date(2025, 7, 15), actor=cast.cell_secretary, today=TODAY,
            version=t.version,
        )  # fmt: skip
    t = svc.report_not_presented(
        transfer=t, on=date(2025, 7, 15), actor=cast.grassroots_officer, today=TODAY,
        version=t.version,
    )  # fmt: skip
    t = _fresh(t)
    assert (t.state, t.closed_on) == ("not_presented", date(2025, 7, 15))
    assert MemberEvent.objects.get(pk=t.close_event_id).kind == EventKind.NOT_PRESENTED
    member.refresh_from_db()
    assert member.in_transit is True  # still off every roll: the gap stays open
    assert _replay(member).gaps == [(date(2025, 6, 2), None)]


def test_cancel_before_the_letter_closes_the_transfer_without_events(cast, member) -> None:
    t = _start(member, cast.cell_secretary, outside_party=OUTSIDE)
    t = svc.cancel_transfer(transfer=t, actor=cast.cell_secretary, today=TODAY, version=t.version)
    t = _fresh(t)
    assert (t.state, t.closed_on) == ("cancelled", TODAY)
    assert MemberEvent.objects.filter(membership=member).count() == 2  # admitted, recognised
    # A new transfer may start once the first is closed.
    assert _start(member, cast.cell_secretary, outside_party=OUTSIDE).state == "started"


def test_two_officers_on_the_same_transfer_exactly_one_wins(cast, member) -> None:
    t = _start(member, cast.grassroots_officer, to_cell=cast.cell_b)
    opened = t.version  # both officers opened the form at this version
    svc.issue_letter(
        transfer=t, letter_on=date(2025, 6, 2), letter_number="1", actor=cast.cell_secretary,
        today=TODAY, version=opened,
    )  # fmt: skip
    with pytest.raises(StaleVersion):
        svc.cancel_transfer(transfer=t, actor=cast.grassroots_officer, today=TODAY, version=opened)
    with pytest.raises(StaleVersion):
        svc.issue_letter(
            transfer=t, letter_on=date(2025, 6, 3), letter_number="2",
            actor=cast.grassroots_officer, today=TODAY, version=opened,
        )  # fmt: skip
    t = _fresh(t)
    assert (t.state, t.letter_number, t.version) == ("sent", "1", opened + 1)
    assert MemberEvent.objects.filter(kind=EventKind.TRANSFER_OUT).count() == 1


def test_stale_membership_version_on_start_is_refused(cast, member) -> None:
    with pytest.raises(StaleVersion):
        _start(member, cast.cell_secretary, outside_party=OUTSIDE, version=member.version - 1)
    assert Transfer.objects.count() == 0
