"""Validation of a person's record: CCCD, phone, birth date, name parts (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdv.people import rules

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("number", "sex", "birth_date", "expected"),
    [
        # Valid: province 045 (Quảng Trị), 1 = female born 1900-1999, 95 = 1995.
        ("045195000123", "F", date(1995, 5, 17), []),
        # 0 = male, 20th century.
        ("001088012345", "M", date(1988, 1, 2), []),
        # 2 = male, 21st century; 3 = female, 21st century.
        ("079205001234", "M", date(2005, 12, 31), []),
        ("079310001234", "F", date(2010, 1, 1), []),
        # Sex and birth year unknown: only the number itself is checked.
        ("096300000001", None, None, []),
        ("04519500012", "F", None, ["Số CCCD phải gồm đúng 12 chữ số (đang có 11 ký tự)."]),
        ("0451950001234", "F", None, ["Số CCCD phải gồm đúng 12 chữ số (đang có 13 ký tự)."]),
        ("04519500012A", "F", None, ["Số CCCD phải gồm đúng 12 chữ số (đang có 12 ký tự)."]),
        (
            "003195000123",
            "F",
            date(1995, 5, 17),
            ["Ba chữ số đầu của số CCCD (003) không phải mã tỉnh, thành phố hợp lệ."],
        ),
        (
            "097195000123",
            None,
            None,
            ["Ba chữ số đầu của số CCCD (097) không phải mã tỉnh, thành phố hợp lệ."],
        ),
        (
            "045095000123",
            "F",
            date(1995, 5, 17),
            ["Chữ số thứ tư của số CCCD (0) ứng với giới tính nam, khác giới tính đã khai."],
        ),
        (
            "045395000123",
            "M",
            None,
            ["Chữ số thứ tư của số CCCD (3) ứng với giới tính nữ, khác giới tính đã khai."],
        ),
        (
            "045196000123",
            "F",
            date(1995, 5, 17),
            ["Chữ số thứ 4-6 của số CCCD ứng với năm sinh 1996, khác năm sinh đã khai (1995)."],
        ),
        (
            # 2 means the 21st century: 2095, not 1995.
            "045295000123",
            "M",
            date(1995, 5, 17),
            ["Chữ số thứ 4-6 của số CCCD ứng với năm sinh 2095, khác năm sinh đã khai (1995)."],
        ),
        (
            # 8/9 mean the 24th century (Thông tư 07/2016/TT-BCA), never the 1800s.
            "045899000123",
            "M",
            date(1999, 5, 17),
            ["Chữ số thứ 4-6 của số CCCD ứng với năm sinh 2399, khác năm sinh đã khai (1999)."],
        ),
        (
            "002094000123",
            "F",
            date(1995, 1, 1),
            [
                "Chữ số thứ tư của số CCCD (0) ứng với giới tính nam, khác giới tính đã khai.",
                "Chữ số thứ 4-6 của số CCCD ứng với năm sinh 1994, khác năm sinh đã khai (1995).",
            ],
        ),
    ],
)
def test_national_id_errors(number, sex, birth_date, expected):
    assert rules.national_id_errors(number, sex=sex, birth_date=birth_date) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("045 195 000 123", "045195000123"), ("045.195.000-123", "045195000123"), ("", "")],
)
def test_normalize_national_id_drops_separators(raw, expected):
    assert rules.normalize_national_id(raw) == expected


@given(
    st.sampled_from(sorted(rules.CCCD_PROVINCE_CODES)),
    st.sampled_from(["M", "F"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=0, max_value=999_999),
)
def test_a_number_built_by_the_rules_of_the_circular_is_valid(province, sex, born, serial):
    century_digit = (born.year // 100 - 19) * 2 + (1 if sex == "F" else 0)
    number = f"{province}{century_digit}{born.year % 100:02d}{serial:06d}"
    assert rules.national_id_errors(number, sex=sex, birth_date=born) == []


PHONE_MESSAGE = (
    "Số điện thoại không đúng định dạng: di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, "
    "08, 09; cố định gồm 11 chữ số bắt đầu bằng 02 (có thể viết +84 thay cho số 0)."
)


@pytest.mark.parametrize(
    ("raw", "normalized", "errors"),
    [
        ("0912 345 678", "0912345678", []),
        ("091.234.5678", "0912345678", []),
        ("+84 912 345 678", "0912345678", []),
        ("84912345678", "0912345678", []),
        ("0388-123-456", "0388123456", []),
        ("(024) 3826 1234", "02438261234", []),
        ("+84 24 3826 1234", "02438261234", []),
        ("0233 385 2345", "02333852345", []),
        ("", "", []),
        ("091234567", "091234567", [PHONE_MESSAGE]),  # 9 digits
        ("09123456789", "09123456789", [PHONE_MESSAGE]),  # 11 digits, mobile prefix
        ("0112345678", "0112345678", [PHONE_MESSAGE]),  # no network starts with 01
        ("0243826123", "0243826123", [PHONE_MESSAGE]),  # landline one digit short
        ("0912abc678", "0912abc678", [PHONE_MESSAGE]),
    ],
)
def test_phone_numbers(raw, normalized, errors):
    assert rules.normalize_phone(raw) == normalized
    assert rules.phone_errors(rules.normalize_phone(raw)) == errors


@given(st.sampled_from("35789"), st.integers(min_value=0, max_value=99_999_999))
def test_every_mobile_number_is_accepted_with_or_without_the_country_code(network, rest):
    local = f"0{network}{rest:08d}"
    international = f"+84 {network}{rest:08d}"
    assert rules.normalize_phone(international) == local
    assert rules.phone_errors(local) == []


@pytest.mark.parametrize(
    ("born", "errors"),
    [
        (date(1995, 5, 17), []),
        (date(1900, 1, 1), []),
        (date(2012, 11, 21), []),  # 14 today
        (date(2026, 11, 22), ["Ngày sinh không thể ở tương lai."]),
        (date(1899, 12, 31), ["Ngày sinh trước năm 1900 là không hợp lý, hãy kiểm tra lại."]),
        (
            date(2012, 11, 22),  # 14 tomorrow
            ["Người dưới 14 tuổi không thuộc diện theo dõi, hãy kiểm tra lại ngày sinh."],
        ),
        (
            date(2012, 12, 31),  # same year difference as above, still 13
            ["Người dưới 14 tuổi không thuộc diện theo dõi, hãy kiểm tra lại ngày sinh."],
        ),
        (TODAY, ["Người dưới 14 tuổi không thuộc diện theo dõi, hãy kiểm tra lại ngày sinh."]),
    ],
)
def test_birth_date_errors(born, errors):
    assert rules.birth_date_errors(born, today=TODAY) == errors


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2008, 2, 29), date(2022, 2, 28), 13),
        (date(2008, 2, 29), date(2022, 3, 1), 14),
        (date(1995, 5, 17), date(2026, 5, 16), 30),
        (date(1995, 5, 17), date(2026, 5, 17), 31),
    ],
)
def test_age_counts_full_years(born, day, age):
    assert rules.age_on(born, day) == age


def fourteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 14)
    except ValueError:  # born on 29 February
        return date(born.year + 14, 3, 1)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_birth_dates_are_refused_exactly_before_the_fourteenth_birthday(born):
    refused = bool(rules.birth_date_errors(born, today=TODAY))
    assert refused == (fourteenth_birthday(born) > TODAY)


@pytest.mark.parametrize(
    ("value", "required", "errors"),
    [
        ("Nguyễn", True, []),
        ("H'Hen", True, []),
        ("Bru-Vân Kiều", True, []),
        ("", False, []),
        ("", True, ["Họ không được để trống."]),
        ("Nguyễn2", True, ["Họ chỉ được chứa chữ cái và dấu cách."]),
        ("Lê@", True, ["Họ chỉ được chứa chữ cái và dấu cách."]),
    ],
)
def test_name_part_errors(value, required, errors):
    assert rules.name_part_errors(value, label="Họ", required=required) == errors
