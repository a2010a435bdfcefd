"""Building blocks of the demo tree: units, areas (communes and wards) and helpers."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ptdv.orgs.models import DecidingBody, OrgField, OrgKind

PROVINCE_CODE = "QT"
REORGANISED_ON = date(2025, 7, 1)  # commune-level party organisations (294-QĐ/TW)
DELEGATED_FROM = date(2025, 7, 1)
# Cells are older than the 2025 commune-level committees they sit under today: members were
# admitted in them for years before (the registry refuses an event in a unit not yet founded).
CELLS_FOUNDED_ON = date(2005, 1, 1)


@dataclass(frozen=True)
class Area:
    """Where a unit sits: its commune or ward, and who lives there."""

    name: str  # "phường Đông Hà" (as written inside an address)
    cccd: str = "045"  # province code of most locally registered cards
    ethnic: str = "kinh"  # key of profiles.ETHNIC_MIXES
    catholic: float = 0.03
    urban: bool = False


@dataclass
class Unit:
    """One unit of the plan; code is its segment, the loader prefixes the parent's code."""

    seg: str
    name: str
    kind: str
    field: str | None = None  # None: the parent's field
    profile: str | None = None  # who works or lives here (profiles.PROFILES); None: parent's
    area: Area | None = None  # None: the parent's area
    place: str = ""  # village / residential group, for residence addresses
    weight: float = 1.0  # share of people, relative to other cell-kind units
    delegated: bool = False
    vested: bool = False
    valid_from: date = REORGANISED_ON
    children: list[Unit] = dataclasses.field(default_factory=list)


def cell(
    seg: str, name: str, profile: str | None = None, *, place: str = "", weight: float = 1.0
) -> Unit:
    return Unit(
        seg,
        name,
        OrgKind.CELL,
        profile=profile,
        place=place,
        weight=weight,
        valid_from=CELLS_FOUNDED_ON,
    )


def grassroots_cell(
    seg: str,
    name: str,
    fld: str,
    profile: str,
    *,
    place: str = "",
    weight: float = 1.0,
    area: Area | None = None,
    valid_from: date = CELLS_FOUNDED_ON,
) -> Unit:
    return Unit(
        seg,
        name,
        OrgKind.GRASSROOTS_CELL,
        field=fld,
        profile=profile,
        place=place,
        weight=weight,
        area=area,
        valid_from=valid_from,
    )


def grassroots_committee(
    seg: str,
    name: str,
    fld: str,
    profile: str,
    cells: list[Unit],
    *,
    delegated: bool = False,
    vested: bool = False,
    area: Area | None = None,
    valid_from: date = REORGANISED_ON,
) -> Unit:
    return Unit(
        seg,
        name,
        OrgKind.GRASSROOTS_COMMITTEE,
        field=fld,
        profile=profile,
        area=area,
        delegated=delegated,
        vested=vested,
        valid_from=valid_from,
        children=cells,
    )


def cells(names: list[str]) -> list[Unit]:
    return [cell(f"{i:02d}", f"Chi bộ {n}") for i, n in enumerate(names, 1)]


def villages(names: list[str], profile: str, weight: float = 1.6) -> list[Unit]:
    return [
        cell(f"{i:02d}", f"Chi bộ {n}", profile, place=n, weight=weight)
        for i, n in enumerate(names, 1)
    ]


def numbered(word: str, n: int) -> list[str]:
    return [f"{word} {i}" for i in range(1, n + 1)]


def commune(
    seg: str,
    title: str,
    area: Area,
    *,
    residential: Sequence[tuple[str, str, list[str]]],
    village_cells: Sequence[str] = (),
    high_school: tuple[str, str, list[str]] | None = None,
    schools: Sequence[tuple[str, str]] = (),
    extra: Sequence[Unit] = (),
    delegated: frozenset[str] = frozenset(),
) -> Unit:
    """Return a commune-level party organisation with its usual grassroots organisations."""
    res_profile = "residential_urban" if area.urban else "residential_rural"
    children = [
        grassroots_committee(
            "CQ",
            f"Đảng bộ Cơ quan {area.name}",
            OrgField.COMMUNE_GOV,
            "commune_agency",
            [
                cell("01", "Chi bộ Cơ quan Đảng – Mặt trận – đoàn thể"),
                cell("02", "Chi bộ Cơ quan Hội đồng nhân dân – Ủy ban nhân dân"),
                cell("03", "Chi bộ Trung tâm Phục vụ hành chính công"),
                cell("04", f"Chi bộ Quân sự {area.name}"),
            ],
        )
    ]
    for rseg, rname, places in residential:
        children.append(
            grassroots_committee(
                rseg,
                f"Đảng bộ khu dân cư {rname}",
                OrgField.RESIDENTIAL,
                res_profile,
                villages(places, res_profile),
                delegated=rseg in delegated,
            )
        )
    for i, place in enumerate(village_cells, 1):
        children.append(
            grassroots_cell(
                f"T{i:02d}",
                f"Chi bộ {place}",
                OrgField.RESIDENTIAL,
                res_profile,
                place=place,
                weight=1.6,
            )
        )
    if high_school is not None:
        hseg, hname, groups = high_school
        children.append(
            grassroots_committee(
                hseg,
                f"Đảng bộ Trường {hname}",
                OrgField.SCHOOL,
                "school_thpt",
                cells([f"Tổ {g}" for g in groups]),
                delegated=hseg in delegated,
            )
        )
    for sseg, sname in schools:
        children.append(
            grassroots_cell(sseg, f"Chi bộ Trường {sname}", OrgField.SCHOOL, "school_basic")
        )
    children.append(
        grassroots_cell(
            "YT", f"Chi bộ Trạm Y tế {area.name}", OrgField.HEALTH, "health", weight=0.6
        )
    )
    children.extend(extra)
    return Unit(
        seg,
        f"Đảng bộ {title}",
        OrgKind.COMMUNE,
        field=OrgField.COMMUNE_GOV,
        area=area,
        children=children,
    )


DONG_HA = Area("phường Đông Hà", urban=True)
NAM_DONG_HA = Area("phường Nam Đông Hà", urban=True)
QUANG_TRI = Area("phường Quảng Trị", urban=True, catholic=0.10)
DONG_HOI = Area("phường Đồng Hới", cccd="044", urban=True, catholic=0.05)
CAM_LO = Area("xã Cam Lộ")
KHE_SANH = Area("xã Khe Sanh", ethnic="mixed")
LAO_BAO = Area("xã Lao Bảo", ethnic="mixed")
HUONG_PHUNG = Area("xã Hướng Phùng", ethnic="van_kieu", catholic=0.0)
DAKRONG = Area("xã Đakrông", ethnic="ta_oi", catholic=0.0)
VINH_LINH = Area("xã Vĩnh Linh", catholic=0.02)
GIO_LINH = Area("xã Gio Linh", catholic=0.04)
HAI_LANG = Area("xã Hải Lăng", catholic=0.12)

THPT_GROUPS = ["Toán – Tin", "Ngữ văn – Lịch sử – Địa lý", "Khoa học tự nhiên"]
DELEGATED_BODY = DecidingBody.FULL_COMMITTEE
