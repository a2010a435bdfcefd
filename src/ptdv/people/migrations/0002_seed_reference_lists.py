"""Seed the reference lists; administrators may edit them afterwards in the admin."""

from django.db import migrations

# The 54 ethnic groups with the official codes of the General Statistics Office
# (Quyết định 121-TCTK/PPCĐ, 1979).
ETHNIC_GROUPS = [
    "Kinh",
    "Tày",
    "Thái",
    "Hoa",
    "Khơ-me",
    "Mường",
    "Nùng",
    "Mông",
    "Dao",
    "Gia-rai",
    "Ngái",
    "Ê-đê",
    "Ba-na",
    "Xơ-đăng",
    "Sán Chay",
    "Cơ-ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Ra-glai",
    "Xtiêng",
    "Bru-Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ-tu",
    "Gié-Triêng",
    "Mạ",
    "Khơ-mú",
    "Co",
    "Tà-ôi",
    "Chơ-ro",
    "Kháng",
    "Xinh-mun",
    "Hà Nhì",
    "Chu-ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cơ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ-măm",
]

# The 16 religions recognised by the State (Ban Tôn giáo Chính phủ).
RELIGIONS = [
    ("phat_giao", "Phật giáo"),
    ("cong_giao", "Công giáo"),
    ("tin_lanh", "Tin lành"),
    ("cao_dai", "Cao Đài"),
    ("hoa_hao", "Phật giáo Hòa Hảo"),
    ("hoi_giao", "Hồi giáo"),
    ("bahai", "Tôn giáo Baha'i"),
    ("tinh_do_cu_si", "Tịnh độ Cư sĩ Phật hội Việt Nam"),
    ("co_doc_phuc_lam", "Cơ đốc Phục lâm Việt Nam"),
    ("tu_an_hieu_nghia", "Phật giáo Tứ Ân Hiếu Nghĩa"),
    ("minh_su_dao", "Minh Sư Đạo"),
    ("minh_ly_dao", "Minh Lý Đạo – Tam Tông Miếu"),
    ("ba_la_mon", "Chăm Bà-la-môn"),
    ("mac_mon", "Giáo hội Các Thánh hữu ngày sau của Chúa Giê-su Ky-tô (Mặc Môn)"),
    ("hieu_nghia_ta_lon", "Phật giáo Hiếu Nghĩa Tà Lơn"),
    ("buu_son_ky_huong", "Bửu Sơn Kỳ Hương"),
]

# General education: highest level completed. "meets" = lower-secondary diploma or higher,
# the minimum for admission since 24-QĐ/TW (DOMAIN.md §3.2).
EDUCATION = [
    ("chua_tot_nghiep_tieu_hoc", "Chưa tốt nghiệp tiểu học", False),
    ("tieu_hoc", "Tốt nghiệp tiểu học", False),
    ("thcs", "Tốt nghiệp trung học cơ sở", True),
    ("thpt", "Tốt nghiệp trung học phổ thông", True),
]

QUALIFICATIONS = [
    ("chua_dao_tao", "Chưa qua đào tạo"),
    ("so_cap", "Sơ cấp"),
    ("trung_cap", "Trung cấp"),
    ("cao_dang", "Cao đẳng"),
    ("dai_hoc", "Đại học"),
    ("thac_si", "Thạc sĩ"),
    ("tien_si", "Tiến sĩ"),
]

THEORY_LEVELS = [
    ("chua_co", "Chưa qua đào tạo"),
    ("so_cap", "Sơ cấp"),
    ("trung_cap", "Trung cấp"),
    ("cao_cap", "Cao cấp"),
    ("cu_nhan", "Cử nhân"),
]

# Occupation / social composition as provincial statistics break it down (DOMAIN.md §6.2).
OCCUPATIONS = [
    ("cong_chuc", "Cán bộ, công chức cơ quan nhà nước từ cấp tỉnh, huyện"),
    ("dang_doan_the", "Cán bộ cơ quan Đảng, Mặt trận, đoàn thể"),
    ("can_bo_xa", "Cán bộ, công chức cấp xã, người hoạt động không chuyên trách cấp xã"),
    ("khong_chuyen_trach_thon", "Người hoạt động không chuyên trách ở thôn, tổ dân phố"),
    ("vien_chuc", "Viên chức đơn vị sự nghiệp công lập"),
    ("doanh_nghiep", "Người quản lý, người lao động trong doanh nghiệp"),
    ("chu_doanh_nghiep", "Chủ doanh nghiệp tư nhân"),
    ("nong_lam_ngu", "Nông, lâm, ngư nghiệp"),
    ("vu_trang", "Sĩ quan, chiến sĩ quân đội, công an"),
    ("hoc_sinh_sinh_vien", "Học sinh, sinh viên"),
    ("huu_tri", "Nghỉ hưu"),
    ("lao_dong_tu_do", "Lao động tự do"),
    ("khac", "Khác"),
]


def seed(apps, schema_editor):
    EthnicGroup = apps.get_model("people", "EthnicGroup")
    for i, name in enumerate(ETHNIC_GROUPS, start=1):
        EthnicGroup.objects.update_or_create(
            code=f"{i:02d}", defaults={"name": name, "rank": i, "is_minority": name != "Kinh"}
        )
    for model, rows in (
        ("Religion", RELIGIONS),
        ("Qualification", QUALIFICATIONS),
        ("TheoryLevel", THEORY_LEVELS),
        ("Occupation", OCCUPATIONS),
    ):
        Model = apps.get_model("people", model)
        for i, (code, name) in enumerate(rows, start=1):
            Model.objects.update_or_create(code=code, defaults={"name": name, "rank": i})
    EducationLevel = apps.get_model("people", "EducationLevel")
    for i, (code, name, meets) in enumerate(EDUCATION, start=1):
        EducationLevel.objects.update_or_create(
            code=code, defaults={"name": name, "rank": i, "meets_lower_secondary": meets}
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
