"""The demo province's organisation tree: Quảng Trị after the 2025 reorganisation.

The tree is fixed (it does not depend on the seed or on the number of people), so its
codes identify the demo data: `ptdv demo --reset` refuses to delete a database holding
any unit whose code is not in this plan.

Unit names follow real naming patterns; villages, schools and companies are plausible,
not a copy of the province's actual register.
"""

from __future__ import annotations

from datetime import date

from ptdv.demo.agencies import government_bloc, military, party_bloc, police
from ptdv.demo.communes import communes
from ptdv.demo.units import (
    CAM_LO,
    DONG_HA,
    PROVINCE_CODE,
    THPT_GROUPS,
    Unit,
    cells,
    grassroots_cell,
    grassroots_committee,
)
from ptdv.orgs.models import OrgField, OrgKind


def district() -> Unit:
    """Return the former district, whose units the loader moves to xã Cam Lộ and dissolves."""
    return Unit(
        "HCL",
        "Đảng bộ huyện Cam Lộ",
        OrgKind.DISTRICT,
        field=OrgField.OTHER,
        area=CAM_LO,
        valid_from=date(1989, 7, 1),
        children=[
            grassroots_committee(
                "THPTCL",
                "Đảng bộ Trường THPT Cam Lộ",
                OrgField.SCHOOL,
                "school_thpt",
                cells(THPT_GROUPS),
                valid_from=date(2005, 9, 1),
            ),
            grassroots_cell(
                "TTYTCL",
                "Chi bộ Trung tâm Y tế khu vực Cam Lộ",
                OrgField.HEALTH,
                "hospital",
                valid_from=date(2008, 1, 1),
            ),
        ],
    )


def province() -> Unit:
    """Return the whole plan except the former district."""
    return Unit(
        PROVINCE_CODE,
        "Đảng bộ tỉnh Quảng Trị",
        OrgKind.PROVINCE,
        field=OrgField.OTHER,
        area=DONG_HA,
        valid_from=date(1989, 7, 1),
        children=[*communes(), party_bloc(), government_bloc(), police(), military()],
    )
