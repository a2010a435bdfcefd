"""Writes to people's records: one function per intention, atomic, versioned, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ptdv.access.models import User
from ptdv.core.errors import DomainError, StaleVersion
from ptdv.core.text import fold, name_sort_key, normalize_spaces, search_terms
from ptdv.orgs.models import Org
from ptdv.people import rules
from ptdv.people.models import Conscription, Person, PersonNameToken

# Fields a form or API payload may set; derived fields (names, keys, version) are not here.
EDITABLE_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "other_names",
    "sex",
    "birth_date",
    "ethnic_group",
    "religion",
    "education",
    "qualification",
    "theory_level",
    "occupation",
    "job_title",
    "youth_union_member",
    "trade_union_member",
    "home_town",
    "birth_place",
    "residence",
    "current_address",
    "national_id",
    "phone",
    "email",
    "notes",
)
REQUIRED_FIELDS = ("family_name", "given_name", "sex", "birth_date", "ethnic_group")


class PersonInvalid(DomainError):
    """The record cannot be saved; field_errors names each field with its messages."""


def clean_values(values: dict[str, Any], *, today: date) -> dict[str, Any]:
    """Return normalised values or raise PersonInvalid naming every faulty field."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    for key in ("family_name", "middle_name", "given_name", "other_names"):
        if key in cleaned:
            cleaned[key] = normalize_spaces(cleaned[key] or "")
    for key in ("home_town", "birth_place", "residence", "current_address", "job_title"):
        if key in cleaned:
            cleaned[key] = normalize_spaces(cleaned[key] or "")
    labels = {
        "family_name": _("Họ"),
        "middle_name": _("Tên đệm"),
        "given_name": _("Tên"),
        "other_names": _("Tên gọi khác"),
    }
    for key, label in labels.items():
        msgs = rules.name_part_errors(
            cleaned.get(key, ""), label=label, required=key in REQUIRED_FIELDS
        )
        if msgs:
            errors[key] = msgs
    for key, label in (
        ("sex", _("Giới tính")),
        ("birth_date", _("Ngày sinh")),
        ("ethnic_group", _("Dân tộc")),
    ):
        if cleaned.get(key) in (None, ""):
            errors.setdefault(key, []).append(_("%(label)s là bắt buộc.") % {"label": label})
    birth_date = cleaned.get("birth_date")
    if isinstance(birth_date, date):
        msgs = rules.birth_date_errors(birth_date, today=today)
        if msgs:
            errors.setdefault("birth_date", []).extend(msgs)
    national_id = rules.normalize_national_id(cleaned.get("national_id") or "")
    cleaned["national_id"] = national_id or None
    if national_id:
        msgs = rules.national_id_errors(
            national_id,
            sex=cleaned.get("sex") or None,
            birth_date=birth_date if isinstance(birth_date, date) else None,
        )
        if msgs:
            errors["national_id"] = msgs
    phone = rules.normalize_phone(cleaned.get("phone") or "")
    cleaned["phone"] = phone
    msgs = rules.phone_errors(phone)
    if msgs:
        errors["phone"] = msgs
    if errors:
        raise PersonInvalid(
            _("Hồ sơ chưa hợp lệ, hãy sửa các trường được đánh dấu."), field_errors=errors
        )
    return cleaned


def _duplicate_error(national_id: str, other: Person | None) -> PersonInvalid:
    who = (
        _("Số CCCD %(n)s đã có trong hệ thống (hồ sơ của %(name)s, sinh %(dob)s).")
        % {"n": national_id, "name": other.full_name, "dob": other.birth_date.strftime("%d/%m/%Y")}
        if other is not None
        else _("Số CCCD %(n)s đã có trong hệ thống.") % {"n": national_id}
    )
    # A duplicate CCCD may belong to a record outside the user's scope; the message says
    # only that the number exists when the caller must not see the other record.
    return PersonInvalid(who, field_errors={"national_id": [who]})


def derive_names(person: Person) -> None:
    """Set full name, folded name and sort key (also used by the demo loader)."""
    parts = [person.family_name, person.middle_name, person.given_name]
    person.full_name = " ".join(p for p in parts if p)
    person.name_folded = fold(person.full_name)
    person.sort_key = name_sort_key(person.family_name, person.middle_name, person.given_name)


def _write_tokens(person: Person) -> None:
    words = search_terms(f"{person.full_name} {person.other_names}")
    PersonNameToken.objects.filter(person=person).exclude(token__in=words).delete()
    existing = set(PersonNameToken.objects.filter(person=person).values_list("token", flat=True))
    PersonNameToken.objects.bulk_create(
        [PersonNameToken(person=person, token=w[:50]) for w in words if w not in existing]
    )


def _save_checked(person: Person, *, reveal_duplicate: bool) -> None:
    """Save inside a savepoint, turning a duplicate CCCD race into a clear error."""
    if person.national_id:
        other = Person.objects.filter(national_id=person.national_id).exclude(pk=person.pk).first()
        if other is not None:
            raise _duplicate_error(person.national_id, other if reveal_duplicate else None)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        if person.national_id and "national_id" in str(exc).lower():
            raise _duplicate_error(person.national_id, None) from exc
        raise


def create_person(
    *,
    org: Org,
    values: dict[str, Any],
    actor: User,
    today: date,
    reveal_duplicate: bool = False,
    reason: str = "",
) -> Person:
    """Record a new person under org after validating every field."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    cleaned = clean_values(values, today=today)
    if not org.is_active_on(today):
        raise PersonInvalid(
            _("Đơn vị %(org)s đã giải thể, không thể thêm người mới.") % {"org": org.name},
            field_errors={"org": [_("Đơn vị đã giải thể.")]},
        )
    with transaction.atomic():
        person = Person(org=org, **cleaned)
        derive_names(person)
        person._history_user = actor  # type: ignore[attr-defined]
        person._change_reason = reason or _("Tạo hồ sơ")  # type: ignore[attr-defined]
        _save_checked(person, reveal_duplicate=reveal_duplicate)
        _write_tokens(person)
    return person


def update_person(
    *,
    person: Person,
    values: dict[str, Any],
    version: int,
    actor: User,
    today: date,
    reveal_duplicate: bool = False,
    reason: str = "",
) -> Person:
    """Apply changes to a person's record unless someone else saved it first."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        merged = {f: getattr(locked, f) for f in EDITABLE_FIELDS}
        merged.update(values)
        cleaned = clean_values(merged, today=today)
        changed = [f for f in EDITABLE_FIELDS if getattr(locked, f) != cleaned[f]]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, cleaned[field])
        derive_names(locked)
        locked.version += 1
        locked._history_user = actor  # type: ignore[attr-defined]
        locked._change_reason = reason or None  # type: ignore[attr-defined]
        _save_checked(locked, reveal_duplicate=reveal_duplicate)
        _write_tokens(locked)
    return locked


def move_person(*, person: Person, org: Org, version: int, actor: User, reason: str = "") -> Person:
    """Move a person's record to another unit (both must be in the actor's scope)."""
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.version != version:
            raise StaleVersion(locked.version)
        if locked.org_id == org.pk:
            return locked
        old = locked.org
        locked.org = org
        locked.version += 1
        locked._history_user = actor  # type: ignore[attr-defined]
        locked._change_reason = reason or _("Chuyển từ %(a)s sang %(b)s") % {  # type: ignore[attr-defined]
            "a": old.name,
            "b": org.name,
        }
        locked.save()
    return locked


def record_conscription(
    *, person: Person, entered_on: date, actor: User, today: date, notes: str = ""
) -> Conscription:
    """Record that the person enlisted for military service on entered_on, placed in the unit
    that manages their record that day (audited like the rest of the person's data)."""
    if entered_on > today:
        message = _("Ngày nhập ngũ không thể sau hôm nay.")
        raise PersonInvalid(message, field_errors={"entered_on": [message]})
    if entered_on < person.birth_date:
        message = _("Ngày nhập ngũ không thể trước ngày sinh.")
        raise PersonInvalid(message, field_errors={"entered_on": [message]})
    message = _("Đã ghi nhận người này nhập ngũ ngày %(d)s.") % {"d": f"{entered_on:%d/%m/%Y}"}
    if Conscription.objects.filter(person=person, entered_on=entered_on).exists():
        raise PersonInvalid(message, field_errors={"entered_on": [message]})
    conscription = Conscription(
        person=person, org_id=person.org_id, entered_on=entered_on, notes=notes
    )
    conscription._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            conscription.save()
    except IntegrityError:  # the same day recorded by someone else a moment ago
        raise PersonInvalid(message, field_errors={"entered_on": [message]}) from None
    return conscription


def remove_conscription(*, conscription: Conscription, actor: User, reason: str) -> None:
    """Remove a conscription recorded by mistake; its history keeps who removed it and why."""
    reason = reason.strip()
    if not reason:
        message = _("Hãy ghi lý do xóa.")
        raise PersonInvalid(message, field_errors={"reason": [message]})
    conscription._history_user = actor  # type: ignore[attr-defined]
    conscription._change_reason = reason  # type: ignore[attr-defined]
    conscription.delete()
