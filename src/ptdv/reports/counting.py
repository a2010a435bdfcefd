"""What the member tables count per person (DOMAIN §6.2): the column keys of a person's
characteristics and age band, shared by the tables, the dashboard and the admissions."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from ptdv.members import asof
from ptdv.people.models import EducationLevel, Occupation, Qualification, TheoryLevel

# The person's reference lists a table splits by: (prefix, model, heading).
LISTS: tuple[tuple[str, Any, str], ...] = (
    ("education", EducationLevel, "Giáo dục phổ thông"),
    ("qualification", Qualification, "Chuyên môn nghiệp vụ"),
    ("theory_level", TheoryLevel, "Lý luận chính trị"),
    ("occupation", Occupation, "Nghề nghiệp, thành phần"),
)


def band(birth: date, on: date) -> str:
    return age_band(on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)))


def age_band(age: int) -> str:
    for low, high in asof.AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return asof.band_label(low, high)
    return "<18"


PERSON_FIELDS = (
    "person__sex",
    "person__ethnic_group__is_minority",
    "person__religion_id",
    "person__youth_union_member",
    "person__trade_union_member",
    *(f"person__{prefix}__code" for prefix, _m, _h in LISTS),
)


def add_person(counts: Counter[str], row: dict[str, Any], n: int, band: str) -> None:
    counts["total"] += n
    if row["person__sex"] == "F":
        counts["women"] += n
    if row["person__ethnic_group__is_minority"]:
        counts["minority"] += n
    if row["person__religion_id"] is not None:
        counts["religious"] += n
    if row["person__youth_union_member"]:
        counts["youth_union"] += n
    if row["person__trade_union_member"]:
        counts["trade_union"] += n
    counts[f"age:{band}"] += n
    for prefix, _m, _h in LISTS:
        counts[f"{prefix}:{row[f'person__{prefix}__code'] or ''}"] += n


# The aggregates' dimensions (members.rules.stats.DIMENSIONS) behind the table's columns; ages
# come from aggregates.ages.
FLAG_DIMS = (("minority", "minority"), ("religious", "religious"), ("youth", "youth_union"),
              ("trade", "trade_union"))  # fmt: skip
LIST_DIMS = {"education": "education", "qualification": "qualification",
              "theory_level": "theory", "occupation": "occupation"}  # fmt: skip
