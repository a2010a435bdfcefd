"""Province-level units of the demo: the two blocs, the police and the military."""

from __future__ import annotations

from datetime import date

from ptdv.demo.units import (
    DONG_HA,
    DONG_HOI,
    KHE_SANH,
    QUANG_TRI,
    VINH_LINH,
    Area,
    Unit,
    cells,
    grassroots_cell,
    grassroots_committee,
)
from ptdv.orgs.models import OrgField, OrgKind


def party_bloc() -> Unit:
    def agency(seg: str, name: str) -> Unit:
        return grassroots_cell(seg, f"Chi bộ {name}", OrgField.PARTY_MASS, "party_agency")

    return Unit(
        "CQD",
        "Đảng bộ các cơ quan Đảng tỉnh",
        OrgKind.BLOC,
        field=OrgField.PARTY_MASS,
        children=[
            grassroots_committee(
                "VPTU",
                "Đảng bộ Văn phòng Tỉnh ủy",
                OrgField.PARTY_MASS,
                "party_agency",
                cells(["Phòng Tổng hợp", "Phòng Quản trị – Tài vụ", "Nhà khách Tỉnh ủy"]),
            ),
            agency("BTC", "Ban Tổ chức Tỉnh ủy"),
            agency("UBKT", "Ủy ban Kiểm tra Tỉnh ủy"),
            agency("BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
            agency("BNC", "Ban Nội chính Tỉnh ủy"),
            grassroots_committee(
                "MTTQ",
                "Đảng bộ Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                OrgField.PARTY_MASS,
                "party_agency",
                cells(
                    [
                        "Văn phòng Ủy ban Mặt trận",
                        "Hội Nông dân",
                        "Hội Liên hiệp Phụ nữ",
                        "Tỉnh đoàn",
                        "Liên đoàn Lao động",
                    ],
                ),
            ),
            grassroots_committee(
                "BPTTH",
                "Đảng bộ Báo và Phát thanh, Truyền hình Quảng Trị",
                OrgField.PUBLIC_SERVICE,
                "public_service",
                cells(["Ban Thời sự", "Ban Chuyên đề", "Ban Kỹ thuật – Công nghệ"]),
            ),
            grassroots_cell(
                "TCT", "Chi bộ Trường Chính trị Lê Duẩn", OrgField.PUBLIC_SERVICE, "lecturers"
            ),
        ],
    )


def government_bloc() -> Unit:
    def dept(seg: str, name: str, cell_names: list[str]) -> Unit:
        return grassroots_committee(
            seg, f"Đảng bộ {name}", OrgField.ADMINISTRATION, "state_agency", cells(cell_names)
        )

    return Unit(
        "UBT",
        "Đảng bộ Ủy ban nhân dân tỉnh",
        OrgKind.BLOC,
        field=OrgField.ADMINISTRATION,
        children=[
            dept(
                "VPUB",
                "Văn phòng Ủy ban nhân dân tỉnh",
                ["Phòng Tổng hợp", "Phòng Kinh tế", "Trung tâm Phục vụ hành chính công"],
            ),
            dept("STC", "Sở Tài chính", ["Văn phòng Sở", "Phòng Ngân sách", "Phòng Đầu tư"]),
            dept(
                "SNNMT",
                "Sở Nông nghiệp và Môi trường",
                ["Văn phòng Sở", "Chi cục Kiểm lâm", "Chi cục Thủy lợi", "Trung tâm Khuyến nông"],
            ),
            dept(
                "SGD",
                "Sở Giáo dục và Đào tạo",
                ["Văn phòng Sở", "Phòng Giáo dục phổ thông", "Phòng Tổ chức cán bộ"],
            ),
            dept("SYT", "Sở Y tế", ["Văn phòng Sở", "Phòng Nghiệp vụ Y – Dược", "Chi cục Dân số"]),
            dept("SXD", "Sở Xây dựng", ["Văn phòng Sở", "Phòng Quản lý xây dựng", "Thanh tra Sở"]),
            dept(
                "SVHTTDL",
                "Sở Văn hóa, Thể thao và Du lịch",
                ["Văn phòng Sở", "Bảo tàng tỉnh", "Trung tâm Văn hóa – Điện ảnh"],
            ),
            grassroots_cell(
                "SKHCN", "Chi bộ Sở Khoa học và Công nghệ", OrgField.ADMINISTRATION, "state_agency"
            ),
            grassroots_cell("SNV", "Chi bộ Sở Nội vụ", OrgField.ADMINISTRATION, "state_agency"),
            grassroots_committee(
                "BVDK",
                "Đảng bộ Bệnh viện Đa khoa tỉnh Quảng Trị",
                OrgField.HEALTH,
                "hospital",
                cells(
                    [
                        "Khối Nội",
                        "Khối Ngoại",
                        "Khoa Sản – Nhi",
                        "Khoa Hồi sức tích cực – Chống độc",
                        "Khối Cận lâm sàng",
                        "Phòng chức năng",
                    ]
                ),
                delegated=True,
            ),
            grassroots_committee(
                "BVTH",
                "Đảng bộ Bệnh viện Đa khoa khu vực Triệu Hải",
                OrgField.HEALTH,
                "hospital",
                cells(["Khối Lâm sàng", "Khối Cận lâm sàng", "Phòng chức năng"]),
                area=QUANG_TRI,
            ),
            grassroots_cell(
                "CDC", "Chi bộ Trung tâm Kiểm soát bệnh tật tỉnh", OrgField.HEALTH, "hospital"
            ),
            grassroots_committee(
                "DHQB",
                "Đảng bộ Trường Đại học Quảng Bình",
                OrgField.UNIVERSITY,
                "university",
                cells(
                    [
                        "Khoa Sư phạm",
                        "Khoa Kinh tế – Du lịch",
                        "Khoa Kỹ thuật – Công nghệ",
                        "Khoa Nông – Lâm – Ngư",
                        "Phòng chức năng",
                        "Sinh viên",
                    ]
                ),
                area=DONG_HOI,
                delegated=True,
            ),
            grassroots_committee(
                "LNBH",
                "Đảng bộ Công ty TNHH MTV Lâm nghiệp Bến Hải",
                OrgField.STATE_ENTERPRISE,
                "state_enterprise",
                cells(
                    [
                        "Văn phòng Công ty",
                        "Đội Sản xuất lâm nghiệp số 1",
                        "Đội Sản xuất lâm nghiệp số 2",
                        "Xưởng Chế biến gỗ",
                    ]
                ),
                area=VINH_LINH,
            ),
            grassroots_committee(
                "TLQT",
                "Đảng bộ Công ty TNHH MTV Quản lý khai thác công trình thủy lợi Quảng Trị",
                OrgField.STATE_ENTERPRISE,
                "state_enterprise",
                cells(
                    [
                        "Văn phòng Công ty",
                        "Xí nghiệp Thủy lợi Gio Linh – Vĩnh Linh",
                        "Xí nghiệp Thủy lợi Triệu Phong – Hải Lăng",
                    ]
                ),
            ),
        ],
    )


def police() -> Unit:
    def station(seg: str, area: Area) -> Unit:
        return grassroots_cell(
            seg, f"Chi bộ Công an {area.name}", OrgField.POLICE, "police", area=area
        )

    return grassroots_committee(
        "CA",
        "Đảng bộ Công an tỉnh",
        OrgField.POLICE,
        "police",
        [
            grassroots_committee(
                "CSGT",
                "Đảng bộ Phòng Cảnh sát giao thông",
                OrgField.POLICE,
                "police",
                cells(
                    [
                        "Đội Tuần tra kiểm soát số 1",
                        "Đội Tuần tra kiểm soát số 2",
                        "Đội Đăng ký, quản lý phương tiện",
                        "Đội Tổng hợp",
                    ]
                ),
            ),
            grassroots_committee(
                "CSCD",
                "Đảng bộ Phòng Cảnh sát cơ động",
                OrgField.POLICE,
                "police",
                cells(["Đại đội 1", "Đại đội 2", "Trung đội Đặc nhiệm"]),
            ),
            grassroots_cell("PTM", "Chi bộ Phòng Tham mưu", OrgField.POLICE, "police"),
            grassroots_cell(
                "ANCT", "Chi bộ Phòng An ninh chính trị nội bộ", OrgField.POLICE, "police"
            ),
            grassroots_cell("CSHS", "Chi bộ Phòng Cảnh sát hình sự", OrgField.POLICE, "police"),
            station("CADHA", DONG_HA),
            station("CAKSA", KHE_SANH),
            station("CAVLI", VINH_LINH),
        ],
        vested=True,
        valid_from=date(1989, 7, 1),
    )


def military() -> Unit:
    return grassroots_committee(
        "QS",
        "Đảng bộ Quân sự tỉnh",
        OrgField.MILITARY,
        "military",
        cells(
            [
                "Ban Tham mưu",
                "Ban Chính trị",
                "Ban Hậu cần – Kỹ thuật",
                "Ban Chỉ huy Phòng thủ khu vực 1 – Đông Hà",
                "Ban Chỉ huy Phòng thủ khu vực 2 – Hướng Hóa",
                "Đại đội Bộ binh 1",
            ],
        ),
        delegated=True,
        valid_from=date(1989, 7, 1),
    )
