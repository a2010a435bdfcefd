"""Writes to people's records: validation, duplicates, versions, history, search tokens."""

from __future__ import annotations

from datetime import date

import pytest

from ptdv.core.errors import StaleVersion
from ptdv.core.text import name_sort_key
from ptdv.people.models import EthnicGroup, Person, PersonNameToken
from ptdv.people.services import PersonInvalid, create_person, move_person, update_person
from tests.core.test_text import NAMES_IN_ORDER, full_name, shuffled_names
from tests.factories import TODAY, make_person


def _values(**extra):
    values = {
        "family_name": "Hoàng",
        "middle_name": "Thị",
        "given_name": "Mai",
        "sex": "F",
        "birth_date": date(1995, 5, 17),
        "ethnic_group": EthnicGroup.objects.get(code="01"),
    }
    values.update(extra)
    return values


def _counts():
    return (
        Person.objects.count(),
        Person.history.count(),
        PersonNameToken.objects.count(),
    )


def _tokens(person):
    return sorted(PersonNameToken.objects.filter(person=person).values_list("token", flat=True))


def test_people_come_back_from_the_database_in_vietnamese_name_order(cast):
    Person.objects.all().delete()
    for family, middle, given in shuffled_names():
        make_person(cast.cell_a, family_name=family, middle_name=middle, given_name=given)
    names = list(Person.objects.order_by("sort_key", "pk").values_list("full_name", flat=True))
    assert names == [full_name(p) for p in NAMES_IN_ORDER]


def test_create_person_derives_names_keys_and_tokens(cast):
    person = create_person(
        org=cast.cell_b,
        values=_values(
            given_name=" Ngọc  Mai ", other_names="Bé Na", national_id="045 195 000 999"
        ),
        actor=cast.grassroots_officer,
        today=TODAY,
    )
    person.refresh_from_db()
    assert person.full_name == "Hoàng Thị Ngọc Mai"
    assert person.name_folded == "hoang thi ngoc mai"
    assert person.national_id == "045195000999"
    assert _tokens(person) == ["be", "hoang", "mai", "na", "ngoc", "thi"]
    record = person.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        cast.grassroots_officer,
        "Tạo hồ sơ",
    )


def test_duplicate_national_id_is_refused_naming_the_field_and_nothing_is_written(cast):
    before = _counts()
    with pytest.raises(PersonInvalid) as caught:
        create_person(
            org=cast.cell_b,
            values=_values(national_id="045195000123"),  # person_a's number
            actor=cast.grassroots_officer,
            today=TODAY,
        )
    assert caught.value.field_errors == {
        "national_id": ["Số CCCD 045195000123 đã có trong hệ thống."]
    }
    assert _counts() == before


def test_duplicate_message_names_the_other_record_only_when_allowed(cast):
    before = _counts()
    with pytest.raises(PersonInvalid) as caught:
        create_person(
            org=cast.cell_b,
            values=_values(national_id="045195000123"),
            actor=cast.grassroots_officer,
            today=TODAY,
            reveal_duplicate=True,
        )
    assert caught.value.field_errors == {
        "national_id": [
            "Số CCCD 045195000123 đã có trong hệ thống (hồ sơ của Lê Thị Hồng, sinh 17/05/1995)."
        ]
    }
    assert _counts() == before


def test_invalid_fields_are_all_named_at_once(cast):
    before = _counts()
    with pytest.raises(PersonInvalid) as caught:
        create_person(
            org=cast.cell_a,
            values=_values(
                given_name="",
                birth_date=date(2030, 1, 1),
                national_id="12345",
                phone="12345",
            ),
            actor=cast.cell_secretary,
            today=TODAY,
        )
    assert sorted(caught.value.field_errors) == ["birth_date", "given_name", "national_id", "phone"]
    assert caught.value.field_errors["given_name"] == ["Tên không được để trống."]
    assert caught.value.field_errors["birth_date"] == ["Ngày sinh không thể ở tương lai."]
    assert _counts() == before


def test_stale_version_is_refused_and_nothing_is_written(cast):
    person = cast.person_a
    update_person(
        person=person,
        values={"job_title": "Giáo viên Toán"},
        version=1,
        actor=cast.cell_secretary,
        today=TODAY,
    )
    before = _counts()
    with pytest.raises(StaleVersion) as caught:
        update_person(
            person=person,
            values={"job_title": "Tổ trưởng"},
            version=1,  # the form was opened before the first save
            actor=cast.grassroots_officer,
            today=TODAY,
        )
    assert caught.value.current_version == 2
    person.refresh_from_db()
    assert (person.job_title, person.version) == ("Giáo viên Toán", 2)
    assert _counts() == before


def test_update_records_history_with_the_actor_and_the_changed_fields(cast):
    person = update_person(
        person=cast.person_a,
        values={"job_title": "Giáo viên Toán", "phone": "+84 912 345 678"},
        version=1,
        actor=cast.cell_secretary,
        today=TODAY,
        reason="Bổ sung lý lịch",
    )
    assert person.version == 2
    latest = person.history.order_by("-history_id").first()
    previous = latest.prev_record
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        cast.cell_secretary,
        "Bổ sung lý lịch",
    )
    assert sorted(latest.diff_against(previous).changed_fields) == ["job_title", "phone"]
    assert latest.phone == "0912345678"


def test_update_without_changes_writes_nothing(cast):
    before = _counts()
    person = update_person(
        person=cast.person_a,
        values={"given_name": "Hồng"},
        version=1,
        actor=cast.cell_secretary,
        today=TODAY,
    )
    assert person.version == 1
    assert _counts() == before


def test_rename_updates_search_tokens_and_sort_key(cast):
    person = cast.person_a
    assert _tokens(person) == ["hong", "le", "thi"]
    update_person(
        person=person,
        values={"given_name": "Huệ", "other_names": "Hoa"},
        version=1,
        actor=cast.cell_secretary,
        today=TODAY,
    )
    person.refresh_from_db()
    assert _tokens(person) == ["hoa", "hue", "le", "thi"]
    assert (person.full_name, person.name_folded) == ("Lê Thị Huệ", "le thi hue")
    assert person.sort_key == name_sort_key("Lê", "Thị", "Huệ")


def test_move_person_changes_unit_and_version_with_a_reason(cast):
    person = move_person(
        person=cast.person_a, org=cast.cell_b, version=1, actor=cast.grassroots_officer
    )
    person.refresh_from_db()
    assert (person.org, person.version) == (cast.cell_b, 2)
    latest = person.history.order_by("-history_id").first()
    assert latest.history_user == cast.grassroots_officer
    assert latest.history_change_reason == (
        "Chuyển từ Chi bộ Tổ Toán – Tin sang Chi bộ Tổ Văn – Sử"
    )


def test_move_person_with_a_stale_version_changes_nothing(cast):
    before = _counts()
    with pytest.raises(StaleVersion):
        move_person(person=cast.person_a, org=cast.cell_b, version=7, actor=cast.grassroots_officer)
    cast.person_a.refresh_from_db()
    assert (cast.person_a.org, cast.person_a.version) == (cast.cell_a, 1)
    assert _counts() == before
