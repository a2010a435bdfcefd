"""The registry core services: order refusals, corrections, cards, one active membership,
stale versions, and the rebuild that reproduces every cached column and period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ptdv.core.errors import StaleVersion
from ptdv.members import services as registry
from ptdv.members.models import EventKind, MemberEvent, MemberPeriod, Membership, Standing
from ptdv.members.services import MemberInvalid, stats
from tests.factories import TODAY, make_person, system_user

DECISION = date(2015, 5, 20)
JOINED = date(2015, 6, 1)
OFFICIAL = date(2016, 6, 1)


def _enter(cast, person=None, *, official_on: date | None = OFFICIAL, cell=None) -> Membership:
    return registry.enter_existing_member(
        person=person or cast.person_a,
        cell=cell or cast.cell_a,
        decision_on=DECISION,
        joined_on=JOINED,
        official_on=official_on,
        actor=system_user(),
        today=TODAY,
    )


def _record(membership: Membership, kind: str, on: date, **extra) -> MemberEvent:
    membership.refresh_from_db()
    return registry.record_event(
        membership=membership,
        kind=kind,
        on=on,
        actor=system_user(),
        today=TODAY,
        version=membership.version,
        **extra,
    )


def _refusal(exc: pytest.ExceptionInfo[MemberInvalid]) -> dict[str, list[str]]:
    return exc.value.field_errors


def _unchanged(membership: Membership):
    """Return a snapshot of a membership's stored state: events, periods, cached columns."""
    m = Membership.objects.get(pk=membership.pk)
    return (
        list(MemberEvent.objects.filter(membership=m).order_by("pk").values()),
        list(MemberPeriod.objects.filter(membership=m).order_by("pk").values()),
        m.version,
        m.status,
        m.left_on,
    )


def test_entered_member_is_official_with_two_events_and_two_periods(cast):
    m = _enter(cast)
    assert (m.status, m.cell_id, m.joined_on, m.official_on) == (
        Standing.OFFICIAL,
        cast.cell_a.pk,
        JOINED,
        OFFICIAL,
    )
    kinds = list(MemberEvent.objects.filter(membership=m).values_list("kind", "on"))
    assert kinds == [(EventKind.ADMITTED, JOINED), (EventKind.RECOGNISED, OFFICIAL)]
    periods = list(
        MemberPeriod.objects.filter(membership=m)
        .order_by("valid_from")
        .values_list("standing", "valid_from", "valid_to")
    )
    assert periods == [
        (Standing.PROBATIONARY, JOINED, OFFICIAL),
        (Standing.OFFICIAL, OFFICIAL, None),
    ]


def test_recognised_twice_is_refused_and_nothing_written(cast):
    m = _enter(cast)
    before = _unchanged(m)
    with pytest.raises(MemberInvalid) as exc:
        _record(m, EventKind.RECOGNISED, date(2017, 1, 1))
    assert _refusal(exc) == {"kind": ["Đảng viên đã là đảng viên chính thức."]}
    assert _unchanged(m) == before


def test_transfer_after_death_is_refused(cast):
    m = _enter(cast)
    _record(m, EventKind.DIED, date(2024, 3, 1))
    before = _unchanged(m)
    with pytest.raises(MemberInvalid) as exc:
        _record(m, EventKind.TRANSFER_OUT, date(2024, 4, 1), other_cell=cast.cell_b)
    assert _refusal(exc) == {
        "on": ["Sau ngày 01/03/2024 người này không còn là đảng viên; không ghi thêm sự kiện."]
    }
    assert _unchanged(m) == before


def test_event_before_the_membership_began_is_refused(cast):
    m = _enter(cast)
    before = _unchanged(m)
    with pytest.raises(MemberInvalid) as exc:
        _record(m, EventKind.EXEMPT_START, date(2015, 5, 31))
    assert _refusal(exc) == {
        "on": ["Ngày hiệu lực 31/05/2015 trước ngày bắt đầu của lần vào Đảng này (01/06/2015)."]
    }
    assert _unchanged(m) == before


def test_future_date_is_refused(cast):
    m = _enter(cast)
    before = _unchanged(m)
    with pytest.raises(MemberInvalid) as exc:
        _record(m, EventKind.EXEMPT_START, date(2026, 11, 22))
    assert _refusal(exc) == {"on": ["Ngày hiệu lực không được sau ngày hôm nay."]}
    assert _unchanged(m) == before


def test_removal_without_ground_is_refused(cast):
    m = _enter(cast)
    before = _unchanged(m)
    with pytest.raises(MemberInvalid) as exc:
        _record(m, EventKind.REMOVED, date(2024, 1, 10))
    assert _refusal(exc) == {"ground": ["Phải chọn căn cứ xóa tên (một trong năm trường hợp)."]}
    assert _unchanged(m) == before


def test_removal_with_a_ground_ends_the_membership(cast):
    m = _enter(cast)
    _record(m, EventKind.REMOVED, date(2024, 1, 10), ground="card_returned")
    m.refresh_from_db()
    assert (m.status, m.left_on, m.left_kind) == (
        Standing.LEFT,
        date(2024, 1, 10),
        EventKind.REMOVED,
    )
    assert MemberPeriod.objects.get(membership=m, valid_from=OFFICIAL).valid_to == date(2024, 1, 10)


def test_expulsion_of_a_probationary_member_is_refused(cast):
    m = _enter(cast, official_on=None)
    before = _unchanged(m)
    with pytest.raises(MemberInvalid) as exc:
        _record(m, EventKind.EXPELLED, date(2015, 9, 1))
    assert list(_refusal(exc)) == ["kind"]
    assert "xóa tên trong danh sách đảng viên dự bị" in _refusal(exc)["kind"][0]
    assert _unchanged(m) == before


def test_a_correction_supersedes_and_the_status_follows(cast):
    m = _enter(cast)
    death = _record(m, EventKind.DIED, date(2024, 3, 1))
    m.refresh_from_db()
    correction = registry.correct_event(
        event=death,
        actor=cast.grassroots_officer,
        today=TODAY,
        reason="Ghi nhầm ngày",
        version=m.version,
        on=date(2024, 2, 1),
    )
    m.refresh_from_db()
    assert (m.status, m.left_on) == (Standing.LEFT, date(2024, 2, 1))
    # The corrected event is still stored; the correction names it and carries the reason.
    assert MemberEvent.objects.get(pk=death.pk).on == date(2024, 3, 1)
    stored = MemberEvent.objects.get(pk=correction.pk)
    assert (stored.kind, stored.supersedes_id, stored.reason, stored.on) == (
        EventKind.DIED,
        death.pk,
        "Ghi nhầm ngày",
        date(2024, 2, 1),
    )
    assert MemberPeriod.objects.get(membership=m, standing=Standing.OFFICIAL).valid_to == date(
        2024, 2, 1
    )


def test_voiding_an_exit_restores_the_member(cast):
    m = _enter(cast)
    death = _record(m, EventKind.DIED, date(2024, 3, 1))
    m.refresh_from_db()
    registry.correct_event(
        event=death,
        actor=cast.grassroots_officer,
        today=TODAY,
        reason="Ghi nhầm người",
        version=m.version,
        void=True,
    )
    m.refresh_from_db()
    assert (m.status, m.left_on, m.left_kind) == (Standing.OFFICIAL, None, "")
    assert MemberPeriod.objects.get(membership=m, standing=Standing.OFFICIAL).valid_to is None
    assert MemberEvent.objects.filter(membership=m).count() == 4
    assert MemberEvent.objects.get(supersedes=death).kind == EventKind.VOIDED


def test_an_admission_cannot_be_corrected_to_before_its_decision(cast):
    m = _enter(cast)
    admission = MemberEvent.objects.get(membership=m, kind=EventKind.ADMITTED)
    m.refresh_from_db()
    with pytest.raises(MemberInvalid) as exc:
        registry.correct_event(event=admission, actor=None, today=TODAY, reason="Sai ngày",
                               version=m.version, on=DECISION - timedelta(days=1))  # fmt: skip
    assert _refusal(exc) == {
        "on": [f"Ngày lễ kết nạp không được trước ngày quyết định kết nạp ({DECISION:%d/%m/%Y})."]
    }
    assert not MemberEvent.objects.filter(supersedes=admission).exists()
    # The decision day itself is allowed, and the admission rows follow (D43).
    registry.correct_event(event=admission, actor=None, today=TODAY, reason="Sai ngày",
                           version=m.version, on=DECISION)  # fmt: skip
    m.refresh_from_db()
    assert (m.joined_on, m.admission_cell_id) == (DECISION, cast.cell_a.pk)
    assert stats.differences() == []


def test_a_correction_needs_a_reason_and_a_corrected_event_cannot_be_corrected_again(cast):
    m = _enter(cast)
    death = _record(m, EventKind.DIED, date(2024, 3, 1))
    m.refresh_from_db()
    with pytest.raises(MemberInvalid) as exc:
        registry.correct_event(
            event=death, actor=None, today=TODAY, reason="  ", version=m.version, void=True
        )
    assert _refusal(exc) == {"reason": ["Phải ghi lý do sửa."]}
    registry.correct_event(
        event=death, actor=None, today=TODAY, reason="Sai", version=m.version, void=True
    )
    m.refresh_from_db()
    with pytest.raises(MemberInvalid) as exc:
        registry.correct_event(
            event=death, actor=None, today=TODAY, reason="Lại", version=m.version, void=True
        )
    assert list(_refusal(exc)) == ["event"]


def test_card_number_already_used_is_refused_on_the_field(cast):
    first = _enter(cast)
    registry.update_card(
        membership=first,
        card_number="12345678",
        card_issued_on=date(2017, 1, 1),
        dossier_number="LL-1",
        version=first.version,
        actor=None,
    )
    second = _enter(cast, cast.person_b, cell=cast.cell_b)
    before = _unchanged(second)
    with pytest.raises(MemberInvalid) as exc:
        registry.update_card(
            membership=second,
            card_number="12345678",
            card_issued_on=date(2017, 1, 1),
            dossier_number="",
            version=second.version,
            actor=None,
        )
    assert _refusal(exc) == {
        "card_number": ["Số thẻ đảng viên 12345678 đã được dùng cho một đảng viên khác."]
    }
    assert _unchanged(second) == before
    assert Membership.objects.get(pk=second.pk).card_number is None


def test_second_active_membership_is_refused_on_the_person(cast):
    _enter(cast)
    with pytest.raises(MemberInvalid) as exc:
        _enter(cast)
    assert _refusal(exc) == {
        "person": ["Người này đang là đảng viên; không thể có hai lần vào Đảng cùng lúc."]
    }
    assert Membership.objects.filter(person=cast.person_a).count() == 1


def test_stale_version_is_refused(cast):
    m = _enter(cast)
    old = m.version
    registry.set_away_flag(membership=m, away=True, version=old, actor=None)
    with pytest.raises(StaleVersion) as exc:
        registry.record_event(
            membership=m,
            kind=EventKind.EXEMPT_START,
            on=date(2024, 1, 1),
            actor=None,
            today=TODAY,
            version=old,
        )
    assert exc.value.current_version == old + 1
    assert not MemberEvent.objects.filter(membership=m, kind=EventKind.EXEMPT_START).exists()


def _periods(m: Membership) -> list[tuple]:
    return list(
        MemberPeriod.objects.filter(membership=m)
        .order_by("valid_from")
        .values_list("cell_id", "standing", "exempted", "temp_cell_id", "valid_from", "valid_to")
    )


_CACHED = (
    "status",
    "cell_id",
    "exempted",
    "temp_cell_id",
    "in_transit",
    "left_on",
    "left_kind",
    "official_on",
    "joined_on",
    "sort_key",
)


def test_rebuild_reproduces_cached_columns_and_periods_after_tampering(cast):
    m = _enter(cast)
    _record(m, EventKind.TEMP_OUT, date(2021, 1, 1), other_cell=cast.cell_b)
    _record(m, EventKind.TEMP_BACK, date(2021, 6, 1))
    _record(m, EventKind.EXEMPT_START, date(2023, 1, 1))
    person = make_person(cast.cell_b, given_name="Bình")
    other = _enter(cast, person, cell=cast.cell_b)
    _record(other, EventKind.RESIGNED, date(2022, 4, 1))
    expected = {
        x.pk: ({f: getattr(x, f) for f in _CACHED}, _periods(x))
        for x in Membership.objects.filter(pk__in=[m.pk, other.pk])
    }
    Membership.objects.filter(pk__in=[m.pk, other.pk]).update(
        status=Standing.PROBATIONARY,
        cell=cast.other_cell,
        exempted=False,
        temp_cell=cast.cell_a,
        in_transit=True,
        left_on=date(2020, 1, 1),
        left_kind=EventKind.DIED,
        official_on=None,
        joined_on=date(2000, 1, 1),
        sort_key="zzz",
    )
    MemberPeriod.objects.filter(membership=m).delete()
    MemberPeriod.objects.create(
        membership=other,
        person=person,
        cell=cast.other_cell,
        standing=Standing.OFFICIAL,
        valid_from=date(2001, 1, 1),
    )
    assert registry.rebuild_all(today=TODAY) == (2, 2)
    # A second run finds nothing to change.
    assert registry.rebuild_all(today=TODAY) == (2, 0)
    for x in Membership.objects.filter(pk__in=[m.pk, other.pk]):
        assert ({f: getattr(x, f) for f in _CACHED}, _periods(x)) == expected[x.pk]
    assert expected[m.pk][0]["exempted"] is True
    assert expected[other.pk][0]["left_kind"] == EventKind.RESIGNED


def test_periods_close_with_the_state_before_each_event(cast):
    # A transfer leaves a gap between the two rolls; each period keeps the standing it had.
    m = _enter(cast)
    _record(m, EventKind.TRANSFER_OUT, date(2022, 1, 1), other_cell=cast.cell_b)
    _record(m, EventKind.TRANSFER_IN, date(2022, 2, 1), cell=cast.cell_b)
    m.refresh_from_db()
    assert (m.cell_id, m.in_transit) == (cast.cell_b.pk, False)
    assert _periods(m) == [
        (cast.cell_a.pk, Standing.PROBATIONARY, False, None, JOINED, OFFICIAL),
        (cast.cell_a.pk, Standing.OFFICIAL, False, None, OFFICIAL, date(2022, 1, 1)),
        (cast.cell_b.pk, Standing.OFFICIAL, False, None, date(2022, 2, 1), None),
    ]
