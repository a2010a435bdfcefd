"""Validation of a person's record: pure functions, no database, `today` passed in.

Each function returns a list of Vietnamese messages; an empty list means valid.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

# Province codes in the first three digits of the CCCD number (Thông tư 07/2016/TT-BCA,
# kept by Thông tư 59/2021/TT-BCA). Cards issued before the 2025 merger of provinces keep
# their codes, so the list is the 63 pre-2025 provinces.
CCCD_PROVINCE_CODES = frozenset(
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
        "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
        "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
        "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
        "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
        "094", "095", "096",
    }
)  # fmt: skip

# Fourth digit: century of birth and sex (even = male, odd = female), Thông tư 07/2016/TT-BCA
# Điều 7: 20th century 0/1, 21st 2/3, 22nd 4/5, 23rd 6/7, 24th 8/9.
_CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200,
                     8: 2300, 9: 2300}  # fmt: skip
MINIMUM_AGE = 14

_PHONE_MOBILE = re.compile(r"^0[35789][0-9]{8}$")
_PHONE_LANDLINE = re.compile(r"^02[0-9]{9}$")
OLDEST_BIRTH_DATE = date(1900, 1, 1)


def normalize_national_id(raw: str) -> str:
    """Return the CCCD number without spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", raw or "")


def national_id_errors(number: str, *, sex: str | None, birth_date: date | None) -> list[str]:
    """Return what is wrong with a 12-digit CCCD number, cross-checked with sex and birth year."""
    if not re.fullmatch(r"[0-9]{12}", number):
        return [_("Số CCCD phải gồm đúng 12 chữ số (đang có %(n)s ký tự).") % {"n": len(number)}]
    errors = []
    if number[:3] not in CCCD_PROVINCE_CODES:
        errors.append(
            _("Ba chữ số đầu của số CCCD (%(code)s) không phải mã tỉnh, thành phố hợp lệ.")
            % {"code": number[:3]}
        )
    digit = int(number[3])
    if sex is not None and sex in ("M", "F"):
        card_sex = "F" if digit % 2 else "M"
        if card_sex != sex:
            errors.append(
                _(
                    "Chữ số thứ tư của số CCCD (%(d)s) ứng với giới tính %(card)s, "
                    "khác giới tính đã khai."
                )
                % {"d": digit, "card": _("nữ") if card_sex == "F" else _("nam")}
            )
    if birth_date is not None:
        year = _CENTURY_BY_DIGIT[digit] + int(number[4:6])
        if year != birth_date.year:
            errors.append(
                _(
                    "Chữ số thứ 4-6 của số CCCD ứng với năm sinh %(y)s, "
                    "khác năm sinh đã khai (%(b)s)."
                )
                % {"y": year, "b": birth_date.year}
            )
    return errors


def normalize_phone(raw: str) -> str:
    """Return a phone number as 0xxxxxxxxx: separators removed, +84 / 84 replaced by 0."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def phone_errors(phone: str) -> list[str]:
    """Return what is wrong with a normalised Vietnamese phone number (mobile or landline)."""
    if not phone:
        return []
    if _PHONE_MOBILE.fullmatch(phone) or _PHONE_LANDLINE.fullmatch(phone):
        return []
    return [
        _(
            "Số điện thoại không đúng định dạng: di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, "
            "08, 09; cố định gồm 11 chữ số bắt đầu bằng 02 (có thể viết +84 thay cho số 0)."
        )
    ]


def age_on(birth_date: date, day: date) -> int:
    """Return the age in full years on day (someone born on 29/02 turns a year older on 01/03)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def birth_date_errors(birth_date: date, *, today: date) -> list[str]:
    """Return what is impossible about a birth date."""
    if birth_date > today:
        return [_("Ngày sinh không thể ở tương lai.")]
    if birth_date < OLDEST_BIRTH_DATE:
        return [_("Ngày sinh trước năm 1900 là không hợp lý, hãy kiểm tra lại.")]
    if age_on(birth_date, today) < MINIMUM_AGE:
        return [_("Người dưới 14 tuổi không thuộc diện theo dõi, hãy kiểm tra lại ngày sinh.")]
    return []


def name_part_errors(value: str, *, label: str, required: bool) -> list[str]:
    """Return what is wrong with one part of a name (letters, spaces, hyphen, apostrophe)."""
    if not value:
        return [_("%(label)s không được để trống.") % {"label": label}] if required else []
    if re.search(r"[0-9_@#$%^&*()+=<>?/\\|{}\[\]~`!;:\"]", value):
        return [_("%(label)s chỉ được chứa chữ cái và dấu cách.") % {"label": label}]
    return []
