"""Party age, badges, ratings, meetings and the watch lists, through the registry's events
(issue 7 items 4, 5, 6, 8; DOMAIN §7 W17, W20, W21)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ptdv.access.services import grant_role
from ptdv.members import services as registry
from ptdv.members.models import EventKind, Membership, Rating
from ptdv.members.rules.dates import add_months
from ptdv.members.services.activity import rate_member, record_dues, record_meeting
from ptdv.members.services.bulk import EventSpec
from ptdv.members.watch import badges_for, party_age_of, watch_lists
from ptdv.orgs.models import OrgKind
from tests.factories import TODAY, make_org, make_person, system_user
from tests.members.helpers import bulk_people, enter

OLD = date(1960, 1, 1)


@pytest.fixture
def tree(db):
    province = make_org(None, OrgKind.PROVINCE, "Đảng bộ tỉnh", code="P", valid_from=OLD)
    ward = make_org(province, OrgKind.GRASSROOTS_COMMITTEE, "Đảng bộ phường An Cựu",
                    code="AC", valid_from=OLD)  # fmt: skip
    a = make_org(ward, OrgKind.CELL, "Chi bộ Khu vực 1", code="AC1", valid_from=OLD)
    b = make_org(ward, OrgKind.CELL, "Chi bộ Khu vực 2", code="AC2", valid_from=OLD)
    return ward, a, b


def _member(cell, decision, joined, official=None, **person):  # type: ignore[no-untyped-def]
    return registry.enter_existing_member(
        person=make_person(cell, **person), cell=cell, decision_on=decision, joined_on=joined,
        official_on=official, actor=system_user(), today=TODAY,
    )  # fmt: skip


def test_w21_a_transfer_gap_of_one_year_delays_thirty_years_by_one_year(tree):
    ward, a, b = tree
    m = _member(a, date(1989, 10, 1), date(1989, 10, 20), date(1990, 10, 20))
    registry.record_event(membership=m, kind=EventKind.TRANSFER_OUT, on=date(1995, 10, 1),
                          other_cell=b, actor=system_user(), today=TODAY)  # fmt: skip
    registry.record_event(membership=m, kind=EventKind.TRANSFER_IN, on=date(1996, 10, 1),
                          cell=b, actor=system_user(), today=TODAY)  # fmt: skip
    m.refresh_from_db()

    assert party_age_of(m, date(2019, 10, 1)) == (29, 0)
    assert party_age_of(m, date(2020, 10, 1)) == (30, 0)
    [row] = badges_for(ward, date(2020, 9, 1), date(2020, 10, 31), TODAY)
    assert (row.due.milestone, row.due.reached_on, row.due.presentation_day) == (
        30,
        date(2020, 10, 1),
        date(2020, 11, 7),
    )


def test_w20_party_age_runs_from_the_decision_not_the_ceremony(tree):
    ward, a, _b = tree
    m = _member(a, date(2015, 7, 26), date(2015, 8, 15), date(2016, 8, 15))
    assert party_age_of(m, date(2025, 7, 26)) == (10, 0)
    [row] = badges_for(ward, date(2045, 7, 1), date(2045, 8, 31), TODAY)
    assert (row.due.milestone, row.due.reached_on, row.due.presentation_day) == (
        30,
        date(2045, 7, 26),
        date(2045, 9, 2),
    )


def test_w17_the_badge_list_of_a_ward_for_january_2026(tree):
    ward, a, b = tree
    plan = [(60, 3), (55, 2), (50, 2), (45, 2), (40, 3), (30, 17)]
    histories = []
    for years, n in plan:
        for person in bulk_people([a, b], n):
            decided = date(2026 - years, 1, 10)
            joined = date(2026 - years, 2, 1)
            events = [
                EventSpec("admitted", joined, person.org_id),
                EventSpec("recognised", date(2027 - years, 2, 1), person.org_id),
            ]
            histories.append((person, decided, events))
    # Not due in January: reaches 30 years in March, and a member 31 years in.
    for person, decided in zip(bulk_people([a], 2), [date(1996, 3, 5), date(1995, 1, 10)],
                               strict=True):  # fmt: skip
        histories.append((person, decided, [EventSpec("admitted", decided, person.org_id)]))
    # "+1 posthumous 30-year": would have reached 30 years on 10/06/2026, died 05/01/2026.
    [late] = bulk_people([b], 1)
    histories.append((late, date(1996, 6, 10), [
        EventSpec("admitted", date(1996, 7, 1), b.pk),
        EventSpec("recognised", date(1997, 7, 1), b.pk),
        EventSpec("died", date(2026, 1, 5), b.pk),
    ]))  # fmt: skip
    enter(histories)

    rows = badges_for(ward, date(2026, 1, 1), date(2026, 1, 31), TODAY)

    living = [r for r in rows if not r.due.posthumous]
    assert len(living) == 29
    counts: dict[int, int] = {}
    for r in living:
        counts[r.due.milestone] = counts.get(r.due.milestone, 0) + 1
    assert counts == {60: 3, 55: 2, 50: 2, 45: 2, 40: 3, 30: 17}
    [posthumous] = [r for r in rows if r.due.posthumous]
    assert (posthumous.membership.person_id, posthumous.due.milestone) == (late.pk, 30)
    assert {r.due.presentation_day for r in rows} == {date(2026, 2, 3)}


def test_the_badge_page_says_the_counts(client, cast, tree):
    ward, a, _b = tree
    for years in (30, 30, 40):
        _member(a, date(2026 - years, 1, 10), date(2026 - years, 2, 1), given_name="Lan")
    grant_role(user=cast.viewer, role="viewer", org=ward, actor=system_user())
    client.force_login(cast.viewer)
    response = client.get(
        reverse("members:badges", args=[ward.pk]), {"start": "01/01/2026", "end": "31/01/2026"}
    )
    text = response.content.decode()
    assert "3 huy hiệu: 1 × 40 năm, 2 × 30 năm." in text
    api = client.get(f"/api/v1/units/{ward.pk}/badges?start=2026-01-01&end=2026-01-31").json()
    assert sorted(r["milestone"] for r in api) == [30, 30, 40]


def test_ratings_refuse_the_exempted_and_a_second_rating_and_warn_on_the_cap(tree):
    ward, a, b = tree
    names = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà")
    members = [
        _member(a, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name=n)
        for n in names
    ]
    actor = system_user()
    assert (
        rate_member(membership=members[0], year=2025, level="good", actor=actor, today=TODAY)
        is None
    )
    with pytest.raises(registry.MemberInvalid) as exc:
        rate_member(membership=members[0], year=2025, level="excellent", actor=actor, today=TODAY)
    assert "mỗi năm chỉ một lần" in exc.value.field_errors["year"][0]
    registry.record_event(membership=members[1], kind=EventKind.EXEMPT_START,
                          on=date(2024, 6, 1), actor=actor, today=TODAY)  # fmt: skip
    with pytest.raises(registry.MemberInvalid) as exc:
        rate_member(membership=members[1], year=2025, level="good", actor=actor, today=TODAY)
    assert "24-QĐ/TW, mục 7.1" in exc.value.field_errors["year"][0]
    assert Rating.objects.filter(membership=members[1]).count() == 0
    # 20 % of 4 "good" is 0: one "excellent" in the ward already exceeds it.
    for m in members[2:5]:
        rate_member(membership=m, year=2025, level="good", actor=actor, today=TODAY)
    notice = rate_member(membership=members[5], year=2025, level="excellent", actor=actor,
                         today=TODAY)  # fmt: skip
    assert notice is not None
    assert "RATING-QUOTA" in notice.message
    assert Rating.objects.get(membership=members[5]).grassroots == ward


def test_watch_lists_name_who_needs_attention(tree):
    ward, a, b = tree
    actor = system_user()
    probationary = _member(a, date(2025, 12, 1), date(2025, 12, 20), given_name="Mai")
    away = _member(a, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Nam")
    registry.set_away_flag(membership=away, away=True, version=away.version, actor=actor)
    weak = _member(b, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Oanh")
    for year in (2024, 2025):
        rate_member(membership=weak, year=year, level="not_completed", actor=actor, today=TODAY)
    absent = _member(b, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Phúc")
    for month in (3, 5, 7):
        record_meeting(cell=b, held_on=date(2026, month, 10), absences={absent.pk: False},
                       actor=actor, today=TODAY)  # fmt: skip
    for m in (weak, away, probationary):
        record_dues(membership=m, paid_through=date(2026, 11, 1), actor=actor, today=TODAY)

    lists = watch_lists(ward, TODAY)

    assert [(r.membership.pk, r.on) for r in lists.probation_ending] == [
        (probationary.pk, date(2026, 12, 20))
    ]
    assert [r.membership.pk for r in lists.away] == [away.pk]
    removal = {r.membership.pk: r.reason for r in lists.removal}
    assert set(removal) == {weak.pk, absent.pk}
    assert "24-QĐ/TW" in removal[absent.pk]
    ages = {x.cell.pk: x.members for x in lists.ageing}
    assert ages == {a.pk: 2, b.pk: 2}


def test_dues_fill_the_months_up_to_the_one_paid_and_refuse_the_future(tree):
    _ward, a, _b = tree
    m = _member(a, date(2026, 5, 1), date(2026, 6, 15))
    assert record_dues(membership=m, paid_through=date(2026, 9, 1), actor=None, today=TODAY) == 4
    assert record_dues(membership=m, paid_through=date(2026, 10, 1), actor=None, today=TODAY) == 1
    with pytest.raises(registry.MemberInvalid) as exc:
        record_dues(membership=m, paid_through=date(2026, 12, 1), actor=None, today=TODAY)
    assert list(exc.value.field_errors) == ["paid_through"]


def test_a_meeting_lists_only_the_roll_and_one_per_day(tree):
    _ward, a, b = tree
    stranger = _member(b, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1))
    with pytest.raises(registry.MemberInvalid) as exc:
        record_meeting(cell=a, held_on=date(2026, 3, 1), absences={stranger.pk: False},
                       actor=None, today=TODAY)  # fmt: skip
    assert list(exc.value.field_errors) == ["absences"]
    record_meeting(cell=a, held_on=date(2026, 3, 1), absences={}, actor=None, today=TODAY)
    with pytest.raises(registry.MemberInvalid):
        record_meeting(cell=a, held_on=date(2026, 3, 1), absences={}, actor=None, today=TODAY)
    assert Membership.objects.count() == 1


def test_the_excellent_cap_follows_the_setting(tree, settings):
    _ward, a, _b = tree
    m = _member(a, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Vân")
    settings.PTDV_MEMBERS_RATING_CAP_PERCENT = 0
    assert rate_member(membership=m, year=2025, level="excellent", actor=None, today=TODAY) is None


def test_a_seriously_ill_member_is_listed_a_year_early_and_the_dead_posthumously(
    client, cast, tree
):
    ward, a, _b = tree
    actor = system_user()
    # Reaches 30 years on 10/01/2027 (decision 10/01/1997); 40 years on 10/03/2027.
    ill = _member(a, date(1997, 1, 10), date(1997, 2, 1), date(1998, 2, 1), given_name="Lan")
    well = _member(a, date(1997, 1, 10), date(1997, 2, 1), date(1998, 2, 1), given_name="Minh")
    dead = _member(a, date(1987, 3, 10), date(1987, 4, 1), date(1988, 4, 1), given_name="Hà")
    registry.record_event(membership=dead, kind=EventKind.DIED, on=date(2026, 5, 2),
                          actor=actor, today=TODAY)  # fmt: skip
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    [posthumous] = badges_for(ward, start, end, TODAY)
    assert (posthumous.due.milestone, posthumous.due.posthumous) == (40, True)
    assert posthumous.due.eligible_on == date(2026, 5, 2)

    registry.set_flag(membership=ill, flag="seriously_ill", value=True, version=ill.version,
                      actor=actor)  # fmt: skip
    rows = {r.membership.pk: r.due for r in badges_for(ward, start, end, TODAY)}
    assert set(rows) == {ill.pk, dead.pk}  # the well member waits for 2027
    assert (rows[ill.pk].milestone, rows[ill.pk].early, rows[ill.pk].eligible_on) == (
        30,
        True,
        date(2026, 1, 10),
    )
    assert well.pk not in rows

    grant_role(user=cast.viewer, role="viewer", org=ward, actor=actor)
    client.force_login(cast.viewer)
    text = client.get(
        reverse("members:badges", args=[ward.pk]), {"start": "01/01/2026", "end": "30/06/2026"}
    ).content.decode()
    assert "tặng sớm (ốm đau nặng)" in text
    assert "truy tặng" in text
    api = client.get(f"/api/v1/units/{ward.pk}/badges?start=2026-01-01&end=2026-06-30").json()
    assert {(r["milestone"], r["early"], r["posthumous"]) for r in api} == {
        (30, True, False),
        (40, True, True),
    }


def test_the_ill_flag_is_set_from_the_member_page_and_audited(client, cast, tree):
    ward, a, _b = tree
    m = _member(a, date(1997, 1, 10), date(1997, 2, 1), date(1998, 2, 1))
    grant_role(user=cast.viewer, role="viewer", org=ward, actor=system_user())
    client.force_login(cast.viewer)
    # A viewer may not mark: the same 404 as an absent member.
    assert client.post(reverse("members:ill", args=[m.pk]), {"ill": "on", "version": m.version}
                       ).status_code == 404  # fmt: skip
    grant_role(user=cast.viewer, role="cell_editor", org=a, actor=system_user())
    client.force_login(cast.viewer)
    response = client.post(reverse("members:ill", args=[m.pk]), {"ill": "on", "version": m.version})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.seriously_ill is True
    latest = m.history.latest()  # type: ignore[attr-defined]
    assert latest.history_change_reason == "Đánh dấu ốm đau nặng"
    assert latest.history_user == cast.viewer
    # A stale version is refused with a message; nothing changes.
    stale = client.post(reverse("members:ill", args=[m.pk]), {"version": m.version - 1},
                        follow=True)  # fmt: skip
    assert Membership.objects.get(pk=m.pk).seriously_ill is True
    assert "đã được người khác sửa và lưu trước bạn" in stale.content.decode()


def test_the_member_list_filters_on_each_watch_list(client, cast, tree):
    ward, a, b = tree
    actor = system_user()
    # The pages count from the real today: probation ends 30 days from it.
    today = timezone.localdate()
    ceremony = add_months(today + timedelta(days=30), -12)
    ending = registry.enter_existing_member(
        person=make_person(a, given_name="Bình"), cell=a, decision_on=ceremony - timedelta(days=10),
        joined_on=ceremony, official_on=None, actor=actor, today=today,
    )  # fmt: skip
    away = _member(b, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Chi")
    registry.set_away_flag(membership=away, away=True, version=away.version, actor=actor)
    # Rated "not completed" two years running: a removal ground.
    poor = _member(a, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Dũng")
    for year in (2024, 2025):
        rate_member(membership=poor, year=year, level="not_completed", actor=actor, today=TODAY)
    plain = _member(a, date(2010, 1, 1), date(2010, 2, 1), date(2011, 2, 1), given_name="Giang")
    lists = watch_lists(ward, today)
    assert [r.membership.pk for r in lists.probation_ending] == [ending.pk]
    assert [r.membership.pk for r in lists.removal] == [poor.pk]

    grant_role(user=cast.viewer, role="viewer", org=ward, actor=actor)
    client.force_login(cast.viewer)

    def page(**params: str) -> set[str]:
        text = client.get(reverse("members:list"), params).content.decode()
        return {
            m.person.given_name for m in (ending, away, poor, plain) if m.person.full_name in text
        }

    assert page(unit=str(ward.pk)) == {"Bình", "Chi", "Dũng", "Giang"}
    assert page(unit=str(ward.pk), watch="probation_ending") == {"Bình"}
    assert page(unit=str(ward.pk), watch="away") == {"Chi"}
    assert page(unit=str(ward.pk), watch="removal") == {"Dũng"}
    assert page(unit=str(ward.pk), watch="any") == {"Bình", "Chi", "Dũng"}
    # The rarer filters fold away unless one is in use.
    folded = client.get(reverse("members:list"), {"unit": ward.pk}).content.decode()
    assert '<details class="more-filters">' in folded
    shown = client.get(reverse("members:list"), {"watch": "any"}).content.decode()
    assert '<details class="more-filters" open>' in shown
    # Without a unit, over the user's own scope; one cell narrows it.
    assert page(watch="any") == {"Bình", "Chi", "Dũng"}
    assert page(unit=str(b.pk), watch="any") == {"Chi"}
    api = client.get("/api/v1/members", {"watch": "removal"}).json()
    assert [item["id"] for item in api["items"]] == [poor.pk]
    assert client.get("/api/v1/members", {"watch": "nonsense"}).status_code == 422
