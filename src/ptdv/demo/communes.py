"""The twelve commune-level party organisations of the demo (wards and communes from 1/7/2025)."""

from __future__ import annotations

from ptdv.demo.units import (
    CAM_LO,
    DAKRONG,
    DONG_HA,
    DONG_HOI,
    GIO_LINH,
    HAI_LANG,
    HUONG_PHUNG,
    KHE_SANH,
    LAO_BAO,
    NAM_DONG_HA,
    QUANG_TRI,
    THPT_GROUPS,
    VINH_LINH,
    Unit,
    cells,
    commune,
    grassroots_cell,
    grassroots_committee,
    numbered,
)
from ptdv.orgs.models import OrgField


def communes() -> list[Unit]:
    return [
        commune(
            "DHA",
            "phường Đông Hà",
            DONG_HA,
            residential=[
                ("DTH", "Đông Thanh", numbered("Khu phố", 7)),
                ("DGI", "Đông Giang", numbered("Khu phố", 6)),
            ],
            high_school=("LQD", "THPT Chuyên Lê Quý Đôn", [*THPT_GROUPS, "Ngoại ngữ"]),
            schools=[("THCSNH", "THCS Nguyễn Huệ"), ("THHV", "Tiểu học Hòa Bình")],
            extra=[
                grassroots_cell(
                    "XDGT",
                    "Chi bộ Công ty Cổ phần Xây dựng Giao thông Đông Hà",
                    OrgField.PRIVATE_ENTERPRISE,
                    "private_enterprise",
                ),
                grassroots_committee(
                    "THPTDH",
                    "Đảng bộ Trường THPT Đông Hà",
                    OrgField.SCHOOL,
                    "school_thpt",
                    cells([f"Tổ {g}" for g in THPT_GROUPS]),
                ),
            ],
            delegated=frozenset({"DTH"}),
        ),
        commune(
            "NDH",
            "phường Nam Đông Hà",
            NAM_DONG_HA,
            residential=[
                ("DLU", "Đông Lương", numbered("Khu phố", 6)),
                ("DLE", "Đông Lễ", numbered("Khu phố", 5)),
            ],
            high_school=("LLO", "THPT Lê Lợi", THPT_GROUPS),
            schools=[("THCSPDP", "THCS Phan Đình Phùng")],
            extra=[
                grassroots_cell(
                    "HVN",
                    "Chi bộ Công ty TNHH May mặc Hanvina Quảng Trị",
                    OrgField.FDI_ENTERPRISE,
                    "fdi_enterprise",
                ),
            ],
        ),
        commune(
            "PQT",
            "phường Quảng Trị",
            QUANG_TRI,
            residential=[("TCO", "Thành Cổ", numbered("Khu phố", 5))],
            village_cells=["Khu phố An Đôn", "Khu phố Hải Lệ"],
            high_school=("NHU", "THPT Nguyễn Huệ", THPT_GROUPS),
            schools=[("THCSLTV", "THCS Lý Tự Trọng")],
        ),
        commune(
            "DHO",
            "phường Đồng Hới",
            DONG_HOI,
            residential=[
                ("HTH", "Hải Thành", numbered("Tổ dân phố", 6)),
                ("DPH", "Đồng Phú", numbered("Tổ dân phố", 6)),
            ],
            high_school=("DHO", "THPT Đồng Hới", THPT_GROUPS),
            schools=[("THHD", "Tiểu học Hải Đình")],
        ),
        commune(
            "CLO",
            "xã Cam Lộ",
            CAM_LO,
            residential=[
                (
                    "CTH",
                    "Cam Thành",
                    [
                        "Thôn Phan Xá",
                        "Thôn Tân Xuân",
                        "Thôn Thiện Chánh",
                        "Thôn Cu Hoan",
                        "Thôn Tân Hiệp",
                        "Thôn Tân Mỹ",
                    ],
                ),
                (
                    "CHI",
                    "Cam Hiếu",
                    [
                        "Thôn Vĩnh Đại",
                        "Thôn Tân Định",
                        "Thôn Mộc Đức",
                        "Thôn Định Sơn",
                        "Thôn Cam Lộ Phường",
                    ],
                ),
            ],
            schools=[("THCSCL", "THCS Cam Lộ")],
            extra=[
                grassroots_cell(
                    "HTXCT",
                    "Chi bộ Hợp tác xã Nông nghiệp Cam Thành",
                    OrgField.COOPERATIVE,
                    "cooperative",
                ),
            ],
        ),
        commune(
            "KSA",
            "xã Khe Sanh",
            KHE_SANH,
            residential=[
                ("KSA", "Khe Sanh", numbered("Khóm", 5)),
                (
                    "THO",
                    "Tân Hợp",
                    [
                        "Thôn Tân Hòa",
                        "Thôn Tân Tài",
                        "Thôn Tân Linh",
                        "Thôn Bản Chùa",
                        "Thôn Tân Hiệp",
                    ],
                ),
            ],
            high_school=("HHO", "THPT Hướng Hóa", THPT_GROUPS),
            extra=[
                grassroots_cell(
                    "DGTH",
                    "Chi bộ Công ty TNHH Điện gió Tân Hợp",
                    OrgField.FDI_ENTERPRISE,
                    "fdi_enterprise",
                ),
            ],
        ),
        commune(
            "LBA",
            "xã Lao Bảo",
            LAO_BAO,
            residential=[
                (
                    "LBA",
                    "Lao Bảo",
                    [
                        "Khóm Tây Chính",
                        "Khóm Đông Chính",
                        "Khóm Ka Tăng",
                        "Khóm Vĩnh Hoa",
                        "Khóm Duy Tân",
                    ],
                ),
            ],
            village_cells=["Thôn Tân Kim", "Thôn Xa Re", "Bản Làng Vây"],
            high_school=("THPTLB", "THPT Lao Bảo", THPT_GROUPS),
        ),
        commune(
            "HPH",
            "xã Hướng Phùng",
            HUONG_PHUNG,
            residential=[],
            village_cells=[
                "Thôn Hướng Phùng",
                "Thôn Cù Bai",
                "Thôn Ra Man",
                "Thôn Doi",
                "Thôn Cheng",
                "Thôn Phùng Lâm",
                "Thôn Hướng Choa",
            ],
            schools=[("PTDTBT", "Phổ thông dân tộc bán trú TH&THCS Hướng Phùng")],
        ),
        commune(
            "DKR",
            "xã Đakrông",
            DAKRONG,
            residential=[],
            village_cells=[
                "Thôn A Vao",
                "Thôn Tà Rụt",
                "Thôn Ba Lòng",
                "Thôn Khe Hiên",
                "Thôn Krông Klang",
                "Thôn Pa Ling",
            ],
            schools=[("PTDTNT", "Phổ thông dân tộc nội trú Đakrông")],
        ),
        commune(
            "VLI",
            "xã Vĩnh Linh",
            VINH_LINH,
            residential=[
                ("HXA", "Hồ Xá", numbered("Khu phố", 6)),
                (
                    "VLO",
                    "Vĩnh Long",
                    [
                        "Thôn Tân Bình",
                        "Thôn Huỳnh Công",
                        "Thôn Quảng Xá",
                        "Thôn Bình Minh",
                        "Thôn Tây Hồ",
                    ],
                ),
            ],
            high_school=("VLI", "THPT Vĩnh Linh", THPT_GROUPS),
            schools=[("THCSHX", "THCS Hồ Xá")],
        ),
        commune(
            "GLI",
            "xã Gio Linh",
            GIO_LINH,
            residential=[
                ("GLI", "Gio Linh", numbered("Khu phố", 5)),
                (
                    "GMY",
                    "Gio Mỹ",
                    [
                        "Thôn Phong An",
                        "Thôn Phước Thị",
                        "Thôn Lại An",
                        "Thôn Kỳ Trúc",
                        "Thôn Cẩm Phổ",
                    ],
                ),
            ],
            high_school=("THPTGL", "THPT Gio Linh", THPT_GROUPS),
        ),
        commune(
            "HLA",
            "xã Hải Lăng",
            HAI_LANG,
            residential=[
                ("DSA", "Diên Sanh", numbered("Khu phố", 5)),
                (
                    "HPU",
                    "Hải Phú",
                    [
                        "Thôn Phú Hưng",
                        "Thôn Tây Hòa",
                        "Thôn Phú Long",
                        "Thôn Trường Phước",
                        "Thôn Thượng Xá",
                    ],
                ),
            ],
            high_school=("HLA", "THPT Hải Lăng", THPT_GROUPS),
            schools=[("THCSHL", "THCS Hải Lăng")],
        ),
    ]
