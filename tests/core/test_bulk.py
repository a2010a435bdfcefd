"""copy_rows: COPY on PostgreSQL, executemany on SQLite; the same rows either way."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.core.bulk import copy_rows
from ptdv.members.models import EventKind, MemberEvent, MemberStat
from ptdv.members.services.bulk import EventSpec, HistorySpec, bulk_enter
from ptdv.members.services.stats import differences, rebuild, stored
from ptdv.orgs.models import Org, OrgKind
from ptdv.people.models import EthnicGroup, Person
from tests.factories import TODAY, make_org

pytestmark = pytest.mark.django_db

COLUMNS = ("org_id", "family_name", "given_name", "full_name", "sex", "birth_date",
           "ethnic_group_id")  # fmt: skip


def _cell() -> Org:
    province = make_org(None, OrgKind.PROVINCE, "Tỉnh Một", valid_from=date(2000, 1, 1))
    return make_org(province, OrgKind.GRASSROOTS_CELL, "Chi bộ Một", valid_from=date(2000, 1, 1))


def test_rows_get_new_ids_in_order_and_the_model_defaults() -> None:
    cell, kinh = _cell(), EthnicGroup.objects.get(code="01").pk
    rows = [(cell.pk, "Lê", f"An{i}", f"Lê An{i}", "F", date(1990, 1, i + 1), kinh)
            for i in range(7)]  # fmt: skip

    ids = copy_rows(Person, COLUMNS, rows, with_ids=True, batch_size=3)

    assert len(ids) == 7
    people = Person.objects.in_bulk(ids)
    assert [people[pk].given_name for pk in ids] == [f"An{i}" for i in range(7)]
    first = people[ids[0]]
    assert first.version == 1
    assert first.created_at is not None
    assert first.updated_at is not None
    assert (first.middle_name, first.national_id, first.youth_union_member) == ("", None, False)
    assert first.birth_date == date(1990, 1, 1)


def test_choices_are_stored_as_their_values_and_nothing_is_returned_without_ids() -> None:
    cell, kinh = _cell(), EthnicGroup.objects.get(code="01").pk
    person = Person.objects.get(
        pk=copy_rows(
            Person,
            COLUMNS,
            [(cell.pk, "Lê", "Bình", "Lê Bình", "M", date(1980, 5, 5), kinh)],
            with_ids=True,
        )[0]  # fmt: skip
    )
    [membership] = bulk_enter(
        [HistorySpec(person_id=person.pk, sort_key="x", decision_on=date(2020, 1, 1),
                     events=[EventSpec("admitted", date(2020, 2, 1), cell.pk)])],
        actor=None, today=TODAY,
    )  # fmt: skip

    ids = copy_rows(MemberEvent, ("membership_id", "kind", "on", "cell_id"),
                    [(membership.pk, EventKind.RECOGNISED, date(2021, 2, 1), cell.pk)])  # fmt: skip

    assert ids == []
    assert MemberEvent.objects.filter(membership=membership, kind="recognised").count() == 1
    assert copy_rows(Person, COLUMNS, [], with_ids=True) == []


def test_bulk_entry_without_aggregates_leaves_them_to_a_rebuild() -> None:
    cell, kinh = _cell(), EthnicGroup.objects.get(code="01").pk
    ids = copy_rows(Person, COLUMNS, [(cell.pk, "Lê", f"C{i}", f"Lê C{i}", "M", date(1980, 1, 1),
                                       kinh) for i in range(3)], with_ids=True)  # fmt: skip
    histories = [HistorySpec(person_id=pk, sort_key=str(pk), decision_on=date(2020, 1, 1),
                             events=[EventSpec("admitted", date(2020, 2, 1), cell.pk)])
                 for pk in ids]  # fmt: skip

    bulk_enter(histories, actor=None, today=TODAY, aggregates=False)

    assert not MemberStat.objects.exists()
    assert differences() != []
    rebuild()
    assert differences() == []
    # Kept packed (D57): the month's counts of the cell's parent, all members.
    total, _official, probationary, *_rest = stored()[(cell.get_parent().pk, date(2020, 2, 1),
                                                       "", "")]  # fmt: skip
    assert (total, probationary) == (3, 3)


def test_new_ids_never_reuse_a_deleted_rows_and_the_dates_read_back_as_dates() -> None:
    cell, kinh = _cell(), EthnicGroup.objects.get(code="01").pk
    rows = [(cell.pk, "Lê", f"D{i}", f"Lê D{i}", "M", date(1985, 2, i + 1), kinh) for i in range(3)]
    first = copy_rows(Person, COLUMNS, rows, with_ids=True)
    Person.objects.filter(pk=first[-1]).delete()

    again = copy_rows(Person, COLUMNS, rows[:2], with_ids=True)

    assert min(again) > max(first)  # the deleted row's key is not given again
    assert again == [again[0], again[0] + 1]
    found = Person.objects.filter(pk__in=again, birth_date__gte=date(1985, 2, 1),
                                  created_at__isnull=False)  # fmt: skip
    assert sorted(found.values_list("birth_date", flat=True)) == [date(1985, 2, 1),
                                                                  date(1985, 2, 2)]  # fmt: skip
    # A row written by Django's own insert takes the next key after them.
    person = Person.objects.create(
        org=cell, family_name="Lê", given_name="E", full_name="Lê E", sex="F",
        birth_date=date(1990, 1, 1), ethnic_group_id=kinh,
    )  # fmt: skip
    assert person.pk > max(again)
