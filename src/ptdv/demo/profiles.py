"""Who the demo people are: the kinds of people each unit holds and their lý lịch fields.

Codes refer to the reference lists seeded by people/migrations/0002.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

W = Sequence[tuple[str, float]]

# Ethnic group codes (General Statistics Office): 01 Kinh, 23 Bru-Vân Kiều, 31 Tà-ôi.
ETHNIC_MIXES: dict[str, W] = {
    "kinh": (("01", 97.5), ("23", 1.5), ("31", 1.0)),
    "mixed": (("01", 62), ("23", 32), ("31", 6)),
    "van_kieu": (("23", 82), ("01", 13), ("31", 5)),
    "ta_oi": (("31", 58), ("23", 27), ("01", 15)),
}


@dataclass(frozen=True)
class Role:
    """A kind of person found in a unit: age range and the lý lịch fields that go with it."""

    years: tuple[int, int]
    occupation: str
    education: W
    qualification: W
    theory: W
    titles: tuple[str, ...]  # {unit}: the workplace, {place}: the village, {area}: the commune
    female: float = 0.5
    trade_union: bool = False


_THPT = (("thpt", 1.0),)
_GRADUATE = (("dai_hoc", 70), ("thac_si", 27), ("tien_si", 3))
_CADRE_THEORY = (("trung_cap", 45), ("cao_cap", 30), ("so_cap", 20), ("chua_co", 5))

ROLES: dict[str, Role] = {
    "teacher": Role(
        (1966, 1999), "vien_chuc", _THPT, (("dai_hoc", 80), ("thac_si", 18), ("cao_dang", 2)),
        (("chua_co", 30), ("so_cap", 45), ("trung_cap", 25)),
        ("Giáo viên, {unit}", "Giáo viên, {unit}", "Giáo viên, {unit}",
         "Tổ trưởng chuyên môn, {unit}"),
        female=0.68, trade_union=True,
    ),
    "pupil": Role(
        (2007, 2007), "hoc_sinh_sinh_vien", (("thcs", 1.0),), (("chua_dao_tao", 1.0),),
        (("chua_co", 1.0),), ("Học sinh lớp 12, {unit}",), female=0.55,
    ),
    "student": Role(
        (2003, 2007), "hoc_sinh_sinh_vien", _THPT, (("chua_dao_tao", 1.0),), (("chua_co", 1.0),),
        ("Sinh viên, {unit}",), female=0.55,
    ),
    "lecturer": Role(
        (1965, 1995), "vien_chuc", _THPT, (("thac_si", 50), ("tien_si", 25), ("dai_hoc", 25)),
        (("trung_cap", 40), ("cao_cap", 35), ("so_cap", 25)), ("Giảng viên, {unit}",),
        female=0.5, trade_union=True,
    ),
    "doctor": Role(
        (1965, 1998), "vien_chuc", _THPT, (("dai_hoc", 60), ("thac_si", 33), ("tien_si", 7)),
        (("so_cap", 45), ("trung_cap", 35), ("chua_co", 20)), ("Bác sĩ, {unit}",),
        female=0.45, trade_union=True,
    ),
    "nurse": Role(
        (1970, 2002), "vien_chuc", _THPT, (("cao_dang", 45), ("dai_hoc", 35), ("trung_cap", 20)),
        (("chua_co", 55), ("so_cap", 45)),
        ("Điều dưỡng, {unit}", "Điều dưỡng, {unit}", "Hộ sinh, {unit}", "Kỹ thuật viên, {unit}",
         "Dược sĩ, {unit}"),
        female=0.78, trade_union=True,
    ),
    "civil_servant": Role(
        (1966, 2000), "cong_chuc", _THPT, _GRADUATE, _CADRE_THEORY,
        ("Chuyên viên, {unit}", "Chuyên viên, {unit}", "Chuyên viên chính, {unit}",
         "Phó Trưởng phòng, {unit}", "Trưởng phòng, {unit}"),
        trade_union=True,
    ),
    "party_staff": Role(
        (1966, 2000), "dang_doan_the", _THPT, _GRADUATE,
        (("cao_cap", 40), ("trung_cap", 30), ("cu_nhan", 12), ("so_cap", 18)),
        ("Chuyên viên, {unit}", "Chuyên viên, {unit}", "Chuyên viên chính, {unit}",
         "Phó Trưởng phòng, {unit}"),
        trade_union=True,
    ),
    "public_servant": Role(
        (1968, 2001), "vien_chuc", _THPT, (("dai_hoc", 80), ("thac_si", 12), ("cao_dang", 8)),
        (("so_cap", 50), ("trung_cap", 30), ("chua_co", 20)),
        ("Phóng viên, {unit}", "Biên tập viên, {unit}", "Kỹ thuật viên, {unit}",
         "Viên chức, {unit}"),
        trade_union=True,
    ),
    "commune_staff": Role(
        (1968, 2000), "can_bo_xa", _THPT,
        (("dai_hoc", 70), ("trung_cap", 15), ("cao_dang", 10), ("thac_si", 5)),
        (("trung_cap", 55), ("so_cap", 35), ("cao_cap", 5), ("chua_co", 5)),
        ("Công chức, Ủy ban nhân dân {area}",
         "Chuyên viên, Trung tâm Phục vụ hành chính công {area}",
         "Cán bộ, Ủy ban Mặt trận Tổ quốc Việt Nam {area}",
         "Chỉ huy phó, Ban Chỉ huy Quân sự {area}"),
        trade_union=True,
    ),
    "farmer": Role(
        (1960, 2000), "nong_lam_ngu", (("thcs", 52), ("thpt", 40), ("tieu_hoc", 8)),
        (("chua_dao_tao", 85), ("so_cap", 15)), (("chua_co", 85), ("so_cap", 15)),
        ("Nông dân, {place}", "Trồng trọt, chăn nuôi, {place}", "Trồng rừng, {place}"),
    ),
    "village_worker": Role(
        (1962, 1992), "khong_chuyen_trach_thon", _THPT,
        (("trung_cap", 40), ("chua_dao_tao", 40), ("so_cap", 20)),
        (("so_cap", 80), ("trung_cap", 20)),
        ("Trưởng {place_lower}", "Chi hội trưởng Hội Nông dân, {place}",
         "Chi hội trưởng Hội Phụ nữ, {place}", "Bí thư Chi đoàn, {place}"),
    ),
    "retiree": Role(
        (1960, 1964), "huu_tri", _THPT, (("dai_hoc", 40), ("trung_cap", 30), ("chua_dao_tao", 30)),
        (("so_cap", 40), ("trung_cap", 40), ("chua_co", 20)),
        ("Nghỉ hưu, {place}", "Cựu chiến binh, {place}"),
    ),
    "freelance": Role(
        (1970, 2004), "lao_dong_tu_do", (("thpt", 65), ("thcs", 35)),
        (("chua_dao_tao", 60), ("so_cap", 20), ("trung_cap", 20)), (("chua_co", 95), ("so_cap", 5)),
        ("Kinh doanh, buôn bán, {place}", "Lao động tự do, {place}", "Thợ sửa chữa, {place}",
         "Thợ may, {place}"),
    ),
    "youth": Role(
        (1996, 2006), "lao_dong_tu_do", _THPT,
        (("chua_dao_tao", 40), ("trung_cap", 25), ("cao_dang", 15), ("dai_hoc", 20)),
        (("chua_co", 1.0),),
        ("Lao động tự do, {place}", "Kinh doanh trực tuyến, {place}",
         "Phó Bí thư Chi đoàn, {place}"),
    ),
    "police": Role(
        (1972, 2004), "vu_trang", _THPT, (("dai_hoc", 60), ("trung_cap", 30), ("thac_si", 10)),
        (("trung_cap", 40), ("so_cap", 40), ("cao_cap", 10), ("chua_co", 10)),
        ("Cán bộ, {unit}", "Chiến sĩ, {unit}", "Sĩ quan, {unit}", "Đội trưởng, {unit}"),
        female=0.18,
    ),
    "soldier": Role(
        (1970, 2006), "vu_trang", _THPT,
        (("dai_hoc", 40), ("chua_dao_tao", 30), ("trung_cap", 20), ("cao_dang", 10)),
        (("trung_cap", 40), ("so_cap", 40), ("cao_cap", 10), ("chua_co", 10)),
        ("Sĩ quan, {unit}", "Quân nhân chuyên nghiệp, {unit}", "Hạ sĩ quan, chiến sĩ, {unit}"),
        female=0.1,
    ),
    "worker": Role(
        (1975, 2005), "doanh_nghiep", (("thpt", 85), ("thcs", 15)),
        (("trung_cap", 30), ("so_cap", 25), ("cao_dang", 20), ("dai_hoc", 20), ("chua_dao_tao", 5)),
        (("chua_co", 80), ("so_cap", 20)),
        ("Công nhân, {unit}", "Công nhân, {unit}", "Kỹ thuật viên, {unit}", "Nhân viên, {unit}",
         "Kỹ sư, {unit}"),
        trade_union=True,
    ),
    "manager": Role(
        (1968, 1990), "doanh_nghiep", _THPT, (("dai_hoc", 75), ("thac_si", 25)),
        (("trung_cap", 50), ("so_cap", 35), ("cao_cap", 15)),
        ("Giám đốc, {unit}", "Phó Giám đốc, {unit}", "Kế toán trưởng, {unit}",
         "Trưởng phòng, {unit}"),
        female=0.35, trade_union=True,
    ),
    "owner": Role(
        (1968, 1988), "chu_doanh_nghiep", _THPT, (("dai_hoc", 80), ("thac_si", 20)),
        (("so_cap", 70), ("chua_co", 30)), ("Chủ tịch Hội đồng quản trị, {unit}",), female=0.3,
    ),
}  # fmt: skip

PROFILES: dict[str, W] = {
    "residential_urban": (("retiree", 18), ("freelance", 30), ("village_worker", 8),
                          ("youth", 18), ("worker", 14), ("civil_servant", 6), ("teacher", 6)),
    "residential_rural": (("farmer", 48), ("retiree", 10), ("village_worker", 10),
                          ("freelance", 10), ("youth", 18), ("worker", 4)),
    "commune_agency": (("commune_staff", 1.0),),
    "school_thpt": (("teacher", 70), ("pupil", 30)),
    "school_basic": (("teacher", 1.0),),
    "university": (("lecturer", 45), ("student", 55)),
    "lecturers": (("lecturer", 1.0),),
    "hospital": (("doctor", 35), ("nurse", 65)),
    "health": (("doctor", 30), ("nurse", 70)),
    "party_agency": (("party_staff", 1.0),),
    "state_agency": (("civil_servant", 1.0),),
    "public_service": (("public_servant", 1.0),),
    "police": (("police", 1.0),),
    "military": (("soldier", 1.0),),
    "state_enterprise": (("worker", 85), ("manager", 15)),
    "private_enterprise": (("worker", 80), ("manager", 14), ("owner", 6)),
    "fdi_enterprise": (("worker", 88), ("manager", 12)),
    "cooperative": (("farmer", 70), ("manager", 15), ("worker", 15)),
}  # fmt: skip
RESIDENTIAL_PROFILES = frozenset({"residential_urban", "residential_rural"})
# Where a workplace's name needs its parent to make sense ("Phòng Tham mưu, Công an tỉnh").
