"""People's records over JSON, and the reference lists their fields take codes from."""

# No `from __future__ import annotations` here: ninja reads the view annotations at runtime.

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from ptdv.access.models import User
from ptdv.access.policy import Action
from ptdv.core.errors import DomainError
from ptdv.orgs.selectors import org_for_user
from ptdv.people import selectors, services
from ptdv.people.models import (
    EducationLevel,
    EthnicGroup,
    Occupation,
    Person,
    Qualification,
    ReferenceItem,
    Religion,
    TheoryLevel,
)
from ptdv.people.schemas import (
    PersonFilters,
    PersonIn,
    PersonListOut,
    PersonOut,
    PersonPatch,
    ReferenceItemOut,
)
from ptdv.people.selectors import get_dossier

router = Router(tags=["people"])
reference_router = Router(tags=["reference"])

# Person fields holding a reference-list row, sent and received by code.
REFERENCE_FIELDS: dict[str, type[ReferenceItem]] = {
    "ethnic_group": EthnicGroup,
    "religion": Religion,
    "education": EducationLevel,
    "qualification": Qualification,
    "theory_level": TheoryLevel,
    "occupation": Occupation,
}
# The lists as /api/v1/reference/{list} names them.
REFERENCE_LISTS: dict[str, type[ReferenceItem]] = {
    "ethnic-groups": EthnicGroup,
    "religions": Religion,
    "education-levels": EducationLevel,
    "qualifications": Qualification,
    "theory-levels": TheoryLevel,
    "occupations": Occupation,
}
# Text fields where null means "clear it"; they are stored as empty strings.
_TEXT_FIELDS = (
    "middle_name",
    "other_names",
    "job_title",
    "home_town",
    "birth_place",
    "residence",
    "current_address",
    "phone",
    "email",
    "notes",
)
_NOT_NULL = ("family_name", "given_name", "sex", "birth_date", "ethnic_group")
_BOOL_FIELDS = ("youth_union_member", "trade_union_member")


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _clean_input(values: dict[str, Any]) -> dict[str, Any]:
    """Return payload values ready for the services: codes resolved, nulls settled.

    Raises DomainError naming every faulty field, in Vietnamese.
    """
    errors: dict[str, list[str]] = {}
    for key in _TEXT_FIELDS:
        if key in values and values[key] is None:
            values[key] = ""
    for key in _NOT_NULL + _BOOL_FIELDS:
        if key in values and values[key] is None:
            errors[key] = [_("Không được để trống.")]
    for key, model in REFERENCE_FIELDS.items():
        code = values.get(key)
        if code is None:
            continue
        row = selectors.reference_item_by_code(model, code)
        if row is None:
            errors[key] = [
                _("Không có mã “%(code)s” trong danh mục %(list)s.")
                % {"code": code, "list": model._meta.verbose_name}
            ]
        values[key] = row
    if values.get("email"):
        try:
            validate_email(values["email"])
        except DjangoValidationError:
            errors["email"] = [_("Địa chỉ thư điện tử không hợp lệ.")]
    if errors:
        raise DomainError(
            _("Hồ sơ chưa hợp lệ, hãy sửa các trường được đánh dấu."), field_errors=errors
        )
    return values


def _dossier(user: User, pk: int, request: HttpRequest) -> Person:
    """Return the full record in the user's scope, or 404; the read is logged (same selector
    as the dossier page, so both leave the same trace)."""
    return get_dossier(user, pk, request)


@router.get("", response=list[PersonListOut], url_name="person-list")
@paginate(PageNumberPagination)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    """Return the people the user may see, in Vietnamese name order (given name first)."""
    # The list page calls the same selector with the same filters.
    person_filters = selectors.PersonFilters(
        q=filters.q or "",
        org=filters.org,
        sex=filters.sex or "",
        birth_year_from=filters.birth_year_from,
        birth_year_to=filters.birth_year_to,
    )
    return selectors.people_for_user(_user(request), person_filters)


@router.get("/{person_id}", response=PersonOut, url_name="person-detail")
def get_person(request: HttpRequest, person_id: int) -> Person:
    """Return one person's full record. Every call is written to the access log."""
    return _dossier(_user(request), person_id, request)


@router.post("", response={201: PersonOut}, url_name="person-create")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    """Create a record in unit org_id (where the user must be allowed to add people)."""
    user = _user(request)
    org = org_for_user(user, payload.org_id, Action.PERSON_CREATE)
    values = _clean_input(payload.dict(exclude={"org_id"}))
    try:
        person = services.create_person(
            org=org, values=values, actor=user, today=timezone.localdate()
        )
    except DomainError as exc:
        # The service names the unit "org"; the payload calls it "org_id".
        exc.field_errors = {("org_id" if k == "org" else k): v for k, v in exc.field_errors.items()}
        raise
    # The creator typed every field in; returning them is not a read of someone's dossier.
    return Status(201, selectors.created_person_record(person.pk))


@router.patch("/{person_id}", response=PersonOut, url_name="person-update")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    """Change some fields of a record; 409 when `version` is no longer current.

    The response is the whole record, so it is logged as a dossier read.
    """
    user = _user(request)
    person = selectors.person_for_user(user, person_id, Action.PERSON_EDIT)
    values = _clean_input(payload.dict(exclude_unset=True, exclude={"version"}))
    services.update_person(
        person=person,
        values=values,
        version=payload.version,
        actor=user,
        today=timezone.localdate(),
    )
    return _dossier(user, person.pk, request)


@reference_router.get("/{list_name}", response=list[ReferenceItemOut], url_name="reference-list")
def reference_list(request: HttpRequest, list_name: str) -> QuerySet[ReferenceItem]:
    """Return the active entries of a reference list, in their official order.

    Lists: ethnic-groups, religions, education-levels, qualifications, theory-levels,
    occupations.
    """
    model = REFERENCE_LISTS.get(list_name)
    if model is None:
        raise Http404
    return selectors.reference_items(model)
