"""Word lists for the demo people: Vietnamese names by sex and generation, and home towns.

Weights are rough shares from published surname statistics, tilted to the North Central
coast (more Lê, Hồ, Võ/Phan than the national average). Names are drawn, never taken from
real records.
"""

from __future__ import annotations

# (name, weight)
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 30), ("Lê", 14), ("Trần", 10), ("Phạm", 4.5), ("Hoàng", 4.5), ("Phan", 4.5),
    ("Võ", 4.5), ("Hồ", 4), ("Trương", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.5), ("Ngô", 1.5),
    ("Đoàn", 1.5), ("Dương", 1), ("Mai", 1), ("Cao", 1), ("Hà", 1), ("Đinh", 1), ("Lương", 1),
    ("Huỳnh", 1), ("Vũ", 1), ("Thái", 0.8), ("Lý", 0.5), ("Tôn", 0.5), ("Hứa", 0.3),
)  # fmt: skip

# Bru-Vân Kiều and Tà Ôi families mostly use Vietnamese-script surnames, Hồ above all.
MINORITY_FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Hồ", 55), ("Lê", 9), ("Nguyễn", 7), ("Kray", 6), ("Pả", 5), ("Ăm", 4), ("Kăn", 4),
    ("Pi", 3), ("Hoàng", 3), ("Arất", 2), ("Côn", 2),
)  # fmt: skip

# Middle names: the older generation mostly Văn / Thị, the younger much more varied.
MIDDLE_OLDER = {
    "M": (("Văn", 45), ("Đức", 8), ("Minh", 8), ("Hữu", 6), ("Quang", 6), ("Đình", 6),
          ("Xuân", 6), ("Công", 5), ("Thanh", 5), ("Ngọc", 5)),
    "F": (("Thị", 70), ("Thu", 5), ("Thanh", 5), ("Ngọc", 5), ("Hồng", 4), ("Kim", 4),
          ("Minh", 3), ("Phương", 2), ("Mai", 2)),
}  # fmt: skip
MIDDLE_YOUNGER = {
    "M": (("Văn", 15), ("Minh", 12), ("Đức", 10), ("Quang", 8), ("Hoàng", 6), ("Anh", 6),
          ("Duy", 6), ("Quốc", 6), ("Nhật", 5), ("Gia", 5), ("Hữu", 5), ("Thành", 5),
          ("Trọng", 4), ("Tiến", 4), ("Tuấn", 4)),
    "F": (("Thị", 25), ("Ngọc", 10), ("Thu", 8), ("Thùy", 7), ("Thanh", 6), ("Khánh", 6),
          ("Phương", 6), ("Bảo", 5), ("Minh", 5), ("Hà", 4), ("Mỹ", 4), ("Hồng", 4),
          ("Quỳnh", 4), ("Diệu", 3), ("Ánh", 3)),
}  # fmt: skip
GIVEN_OLDER = {
    "M": ("Hùng", "Dũng", "Hải", "Sơn", "Thắng", "Tuấn", "Minh", "Cường", "Hòa", "Bình", "Hưng",
          "Thành", "Lâm", "Lợi", "Phúc", "Quang", "Toàn", "Tiến", "Vinh", "Chiến", "Hiếu", "Long",
          "Trung", "Nam", "Đức", "Kiên", "Tâm", "Việt", "Tài", "Lộc", "Nghĩa", "Phước", "Định",
          "Thịnh", "Sáu", "Bảy", "Thuận", "Hậu"),
    "F": ("Hoa", "Lan", "Hương", "Hồng", "Thủy", "Hà", "Hạnh", "Hằng", "Hiền", "Liên", "Loan",
          "Mai", "Nga", "Nhung", "Oanh", "Phương", "Tâm", "Thảo", "Trang", "Tuyết", "Vân", "Yến",
          "Dung", "Huế", "Lệ", "Lý", "Xuân", "Sương", "Hòa", "Thơm", "Cúc", "Tình"),
}  # fmt: skip
GIVEN_YOUNGER = {
    "M": ("Huy", "Khang", "Khánh", "Khoa", "Bảo", "Duy", "Đạt", "Hoàng", "Phong", "Quân", "Hiếu",
          "Tùng", "Nam", "Minh", "Anh", "Long", "Vũ", "Kiên", "Thái", "Nhật", "Phúc", "Lộc",
          "Trí", "Tín", "Sang", "Thịnh", "Hưng", "Toàn", "Tuấn", "Dương"),
    "F": ("Anh", "Linh", "Ngọc", "Trang", "Nhi", "Vy", "My", "Quyên", "Trinh", "Uyên", "Hân",
          "Thảo", "Hà", "Giang", "Huyền", "Ngân", "Châu", "Chi", "Duyên", "Quỳnh", "Diễm",
          "Nhung", "Yến", "Phương", "Thư", "Tiên", "Hiền", "Mai", "Trâm", "Loan"),
}  # fmt: skip
YOUNGER_FROM = 1985  # birth year from which the younger name lists apply

# Mobile prefixes of the Vietnamese networks (10-digit numbers since 2018).
MOBILE_PREFIXES = (
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "032", "033",
    "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081",
    "082", "083", "084", "085", "056", "058",
)  # fmt: skip

# Home towns by the province code that opens a CCCD number registered there. Quảng Bình
# (044) merged into Quảng Trị on 1/7/2025; cards keep the old code, addresses use the new
# province.
HOME_TOWNS: dict[str, tuple[str, ...]] = {
    "045": ("phường Đông Hà", "phường Nam Đông Hà", "phường Quảng Trị", "xã Cam Lộ",
            "xã Khe Sanh", "xã Lao Bảo", "xã Hướng Phùng", "xã Vĩnh Linh", "xã Gio Linh",
            "xã Hải Lăng", "xã Triệu Phong", "xã Đakrông", "xã Cửa Tùng", "xã Cồn Tiên"),
    "044": ("phường Đồng Hới", "phường Đồng Thuận", "phường Đồng Sơn", "phường Ba Đồn",
            "xã Lệ Thủy", "xã Quảng Ninh", "xã Bố Trạch", "xã Phong Nha"),
    "046": ("phường Thuận Hóa", "phường Phú Xuân", "phường Hương Trà"),
    "042": ("phường Thành Sen", "xã Cẩm Xuyên"),
    "040": ("phường Trường Vinh", "phường Vinh Phú"),
    "038": ("phường Hạc Thành",),
    "048": ("phường Hải Châu", "phường Thanh Khê"),
    "001": ("phường Ba Đình", "phường Cầu Giấy"),
}  # fmt: skip
PROVINCE_OF_CODE = {
    "045": "tỉnh Quảng Trị",
    "044": "tỉnh Quảng Trị",
    "046": "thành phố Huế",
    "042": "tỉnh Hà Tĩnh",
    "040": "tỉnh Nghệ An",
    "038": "tỉnh Thanh Hóa",
    "048": "thành phố Đà Nẵng",
    "001": "thành phố Hà Nội",
}
# Where people born outside the area's own province were registered, with weights.
OTHER_BIRTH_CODES: tuple[tuple[str, float], ...] = (
    ("045", 40), ("044", 25), ("046", 12), ("042", 6), ("040", 6), ("038", 4), ("048", 4),
    ("001", 3),
)  # fmt: skip
