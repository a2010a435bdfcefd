"""Pure rules of the organisation tree: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ptdv.orgs.models import DecidingBody, OrgKind
from ptdv.orgs.rules import (
    OrgFacts,
    admission_authority,
    child_kinds,
    committee_name,
    dissolution_errors,
    placement_errors,
)

K = OrgKind
TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("kind", "parent_kind", "expected"),
    [
        (K.PROVINCE, None, []),
        (K.CENTRAL, None, []),
        (K.CENTRAL_DIRECT, K.CENTRAL, []),
        (K.COMMUNE, K.PROVINCE, []),
        (K.COMMUNE, K.DISTRICT, []),
        (K.GRASSROOTS_COMMITTEE, K.COMMUNE, []),
        (K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_COMMITTEE, []),
        (K.GRASSROOTS_CELL, K.BLOC, []),
        (K.SUB_COMMITTEE, K.GRASSROOTS_COMMITTEE, []),
        (K.CELL, K.GRASSROOTS_COMMITTEE, []),
        (K.CELL, K.SUB_COMMITTEE, []),
        (
            K.CELL,
            K.COMMUNE,
            ["Chi bộ trực thuộc không thể trực thuộc Đảng bộ xã / phường / đặc khu (từ 1/7/2025)."],
        ),
        (K.CELL, K.CELL, ["Chi bộ trực thuộc không thể trực thuộc Chi bộ trực thuộc."]),
        (
            K.DISTRICT,
            K.DISTRICT,
            [
                "Huyện ủy / Quận ủy / Thị ủy / Thành ủy thuộc tỉnh (đến 30/6/2025) không thể trực "
                "thuộc Huyện ủy / Quận ủy / Thị ủy / Thành ủy thuộc tỉnh (đến 30/6/2025)."
            ],
        ),  # fmt: skip
        (
            K.GRASSROOTS_CELL,
            K.GRASSROOTS_CELL,
            ["Chi bộ cơ sở không thể trực thuộc Chi bộ cơ sở."],
        ),  # fmt: skip
        (
            K.CELL,
            None,
            ["Chi bộ trực thuộc không thể là tổ chức cấp cao nhất; hãy chọn tổ chức cấp trên."],
        ),
        (K.CENTRAL, K.PROVINCE, ["Trung ương không thể trực thuộc Tỉnh ủy / Thành ủy."]),
        ("unknown", K.PROVINCE, ["Cấp tổ chức không hợp lệ."]),
    ],
)
def test_placement_errors(kind, parent_kind, expected):
    assert placement_errors(kind, parent_kind) == expected


@pytest.mark.parametrize(
    ("parent_kind", "expected"),
    [
        (None, [K.CENTRAL, K.PROVINCE, K.CENTRAL_DIRECT]),
        (K.CENTRAL, [K.PROVINCE, K.CENTRAL_DIRECT, K.BLOC]),
        (
            K.PROVINCE,
            [K.DISTRICT, K.BLOC, K.COMMUNE, K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL],
        ),
        (K.COMMUNE, [K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL]),
        (
            K.GRASSROOTS_COMMITTEE,
            [K.GRASSROOTS_COMMITTEE, K.GRASSROOTS_CELL, K.SUB_COMMITTEE, K.CELL],
        ),
        (K.SUB_COMMITTEE, [K.CELL]),
        (K.CELL, []),
        (K.GRASSROOTS_CELL, []),
    ],
)
def test_child_kinds_follow_allowed_parents(parent_kind, expected):
    assert child_kinds(parent_kind) == expected


@pytest.mark.parametrize(
    ("on_date", "active_children", "people", "expected"),
    [
        (date(2024, 5, 1), 0, 0, []),
        (date(2020, 1, 1), 0, 0, []),  # the founding day itself is allowed
        (TODAY, 0, 0, []),
        (date(2019, 12, 31), 0, 0, ["Ngày giải thể không thể trước ngày thành lập (01/01/2020)."]),
        (TODAY + timedelta(days=1), 0, 0, ["Ngày giải thể không thể ở tương lai."]),
        (
            date(2024, 5, 1),
            2,
            0,
            ["Còn 2 tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước."],
        ),
        (
            date(2024, 5, 1),
            0,
            3,
            ["Còn 3 người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước."],
        ),
        (
            date(2019, 1, 1),
            1,
            1,
            [
                "Ngày giải thể không thể trước ngày thành lập (01/01/2020).",
                "Còn 1 tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước.",
                "Còn 1 người đang được quản lý trong tổ chức này; hãy chuyển họ đi trước.",
            ],
        ),
    ],
)
def test_dissolution_errors(on_date, active_children, people, expected):
    errors = dissolution_errors(
        on_date=on_date,
        valid_from=date(2020, 1, 1),
        active_children=active_children,
        people=people,
        today=TODAY,
    )
    assert errors == expected


# --- admission_authority (DOMAIN.md §1.2) -------------------------------------------------

DELEGATION_DAY = date(2025, 7, 1)
FULL = DecidingBody.FULL_COMMITTEE
STANDING = DecidingBody.STANDING_COMMITTEE
PERMANENT = DecidingBody.PERMANENT_MEMBERS


def unit(name: str, kind: str, **flags) -> OrgFacts:
    return OrgFacts(id=hash(name) % 10_000, name=name, kind=kind, **flags)


DELEGATED = {"admission_delegated": True, "admission_delegated_from": DELEGATION_DAY}

# (case, chain root first, on_date, expected deciding unit name or None, body, delegated)
AUTHORITY_CASES = [
    (
        "commune decides for a committee's cell",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE), unit("DB", K.GRASSROOTS_COMMITTEE),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "district decides (before 2025)",
        [unit("TU", K.PROVINCE), unit("H", K.DISTRICT), unit("DB", K.GRASSROOTS_COMMITTEE),
         unit("CB", K.CELL)],
        date(2020, 3, 1), "H", STANDING, False,
    ),
    (
        "bloc decides",
        [unit("TU", K.PROVINCE), unit("K", K.BLOC), unit("DB", K.GRASSROOTS_COMMITTEE),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "K", STANDING, False,
    ),
    (
        "bloc under the centre decides",
        [unit("TW", K.CENTRAL), unit("K", K.BLOC), unit("DB", K.GRASSROOTS_COMMITTEE),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "K", STANDING, False,
    ),
    (
        "province decides for a committee directly under it, by its permanent members",
        [unit("TU", K.PROVINCE), unit("DB", K.GRASSROOTS_COMMITTEE), unit("CB", K.CELL)],
        DELEGATION_DAY, "TU", PERMANENT, False,
    ),
    (
        "central-direct committee decides by its permanent members",
        [unit("TW", K.CENTRAL), unit("DQ", K.CENTRAL_DIRECT),
         unit("DB", K.GRASSROOTS_COMMITTEE), unit("CB", K.CELL)],
        DELEGATION_DAY, "DQ", PERMANENT, False,
    ),
    (
        "grassroots cell under the province",
        [unit("TU", K.PROVINCE), unit("CBCS", K.GRASSROOTS_CELL)],
        DELEGATION_DAY, "TU", PERMANENT, False,
    ),
    (
        "grassroots cell under a commune",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE), unit("CBCS", K.GRASSROOTS_CELL)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "delegation effective the day after: not yet",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, **DELEGATED), unit("CB", K.CELL)],
        DELEGATION_DAY - timedelta(days=1), "X", STANDING, False,
    ),
    (
        "delegation effective that very day",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, **DELEGATED), unit("CB", K.CELL)],
        DELEGATION_DAY, "DB", FULL, True,
    ),
    (
        "delegation effective the day before",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, **DELEGATED), unit("CB", K.CELL)],
        DELEGATION_DAY + timedelta(days=1), "DB", FULL, True,
    ),
    (
        "delegation flag without a date is not effective",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, admission_delegated=True), unit("CB", K.CELL)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "a date without the delegation flag is not a delegation",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, admission_delegated_from=DELEGATION_DAY),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "delegation reaches cells under a sub-committee",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, **DELEGATED), unit("BP", K.SUB_COMMITTEE),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "DB", FULL, True,
    ),
    (
        "the delegated committee's own page",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, **DELEGATED)],
        DELEGATION_DAY, "DB", FULL, True,
    ),
    (
        "a delegation flag on a grassroots cell is ignored (only committees are delegated)",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("CBCS", K.GRASSROOTS_CELL, **DELEGATED)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "a committee vested with superior powers decides by its standing committee",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DH", K.GRASSROOTS_COMMITTEE, vested_superior_powers=True),
         unit("DB", K.GRASSROOTS_COMMITTEE), unit("CB", K.CELL)],
        DELEGATION_DAY, "DH", STANDING, False,
    ),
    (
        "a vested committee's own cell",
        [unit("TU", K.PROVINCE),
         unit("DH", K.GRASSROOTS_COMMITTEE, vested_superior_powers=True), unit("CB", K.CELL)],
        DELEGATION_DAY, "DH", STANDING, False,
    ),
    (
        "a delegated committee under a vested one decides first",
        [unit("TU", K.PROVINCE),
         unit("DH", K.GRASSROOTS_COMMITTEE, vested_superior_powers=True),
         unit("DB", K.GRASSROOTS_COMMITTEE, **DELEGATED), unit("CB", K.CELL)],
        DELEGATION_DAY, "DB", FULL, True,
    ),
    (
        "vested and delegated: the delegation applies",
        [unit("TU", K.PROVINCE),
         unit("DH", K.GRASSROOTS_COMMITTEE, vested_superior_powers=True, **DELEGATED),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "DH", FULL, True,
    ),
    (
        "an explicit deciding body overrides the superior's default",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE, deciding_body=PERMANENT),
         unit("DB", K.GRASSROOTS_COMMITTEE), unit("CB", K.CELL)],
        DELEGATION_DAY, "X", PERMANENT, False,
    ),
    (
        "an explicit deciding body overrides the province default",
        [unit("TU", K.PROVINCE, deciding_body=STANDING), unit("CBCS", K.GRASSROOTS_CELL)],
        DELEGATION_DAY, "TU", STANDING, False,
    ),
    (
        "an explicit deciding body overrides the delegated default",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, deciding_body=STANDING, **DELEGATED),
         unit("CB", K.CELL)],
        DELEGATION_DAY, "DB", STANDING, True,
    ),
    (
        "a deciding body on a committee without power changes nothing",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE),
         unit("DB", K.GRASSROOTS_COMMITTEE, deciding_body=FULL), unit("CB", K.CELL)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "a commune's own page",
        [unit("TU", K.PROVINCE), unit("X", K.COMMUNE)],
        DELEGATION_DAY, "X", STANDING, False,
    ),
    (
        "a province's own page",
        [unit("TU", K.PROVINCE)],
        DELEGATION_DAY, "TU", PERMANENT, False,
    ),
    ("the centre alone decides nothing", [unit("TW", K.CENTRAL)], DELEGATION_DAY, None, "", False),
    ("an empty chain", [], DELEGATION_DAY, None, "", False),
    (
        "a cell with no superior above it",
        [unit("DB", K.GRASSROOTS_COMMITTEE), unit("CB", K.CELL)],
        DELEGATION_DAY, None, "", False,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("chain", "on_date", "name", "body", "delegated"),
    [pytest.param(*case[1:], id=case[0]) for case in AUTHORITY_CASES],
)
def test_admission_authority(chain, on_date, name, body, delegated):
    authority = admission_authority(chain, on_date)
    assert (authority.org.name if authority.org else None) == name
    assert authority.body == body
    assert authority.delegated is delegated


def test_admission_authority_returns_the_deciding_units_facts():
    commune = unit("X", K.COMMUNE)
    chain = [unit("TU", K.PROVINCE), commune, unit("DB", K.GRASSROOTS_COMMITTEE)]
    assert admission_authority(chain, DELEGATION_DAY).org == commune


@pytest.mark.parametrize(
    ("name", "committee"),
    [
        ("Đảng bộ phường Đông Thanh", "Đảng ủy phường Đông Thanh"),
        ("Đảng bộ xã Cam Lộ", "Đảng ủy xã Cam Lộ"),
        ("Đảng bộ Trường THPT Đông Hà", "Đảng ủy Trường THPT Đông Hà"),
        ("Đảng bộ Công an tỉnh", "Đảng ủy Công an tỉnh"),
        ("Đảng bộ tỉnh Quảng Trị", "Tỉnh ủy Quảng Trị"),
        ("Đảng bộ thành phố Hà Nội", "Thành ủy Hà Nội"),
        ("Đảng bộ huyện Gio Linh", "Huyện ủy Gio Linh"),
        ("Đảng bộ quận Ba Đình", "Quận ủy Ba Đình"),
        ("Đảng bộ thị xã Quảng Trị", "Thị ủy Quảng Trị"),
        # Nothing is invented for names that do not start with "Đảng bộ".
        ("Chi bộ Khu phố 2", "Chi bộ Khu phố 2"),
        ("Tỉnh ủy Quảng Trị", "Tỉnh ủy Quảng Trị"),
        ("Đảng bộ", "Đảng bộ"),
    ],
)
def test_committee_name_names_the_committee_not_the_whole_party_organisation(name, committee):
    assert committee_name(name) == committee
