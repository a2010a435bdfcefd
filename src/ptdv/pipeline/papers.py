"""The paper forms (mẫu) of an admission file: their titles, and which a stage expects.

Pure data; a step declares the forms it records (`actions.ActionSpec.documents`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ptdv.pipeline.fields import Label

# Paper forms expected by the time a stage is reached (DOMAIN §2 "Complete admission file").
FORMS_BY_STAGE: dict[str, tuple[str, ...]] = {
    "dossier": ("CN-NTVĐ", "1-KNĐ", "2-KNĐ"),
    "cell_approved": ("CN-NTVĐ", "1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ", "6-KNĐ"),
    "decided": ("CN-NTVĐ", "1-KNĐ", "2-KNĐ", "3-KNĐ", "5-KNĐ", "6-KNĐ", "8-KNĐ", "9-KNĐ"),
    "recognition_cell": ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ"),
    "official": ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ", "16-KNĐ"),
}
FORM_TITLES: dict[str, Label] = {
    "CN-NTVĐ": _("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"),
    "1-KNĐ": _("Đơn xin vào Đảng"),
    "2-KNĐ": _("Lý lịch của người xin vào Đảng"),
    "3-KNĐ": _("Giấy giới thiệu người vào Đảng"),
    "4-KNĐ": _("Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng (Đoàn TN)"),
    "4A-KNĐ": _("Nghị quyết giới thiệu đoàn viên công đoàn ưu tú vào Đảng"),
    "5-KNĐ": _("Tổng hợp ý kiến nhận xét của tổ chức đoàn thể và chi ủy nơi cư trú"),
    "6-KNĐ": _("Nghị quyết đề nghị kết nạp đảng viên (chi bộ)"),
    "7-KNĐ": _("Báo cáo thẩm định của đảng ủy bộ phận"),
    "8-KNĐ": _("Nghị quyết đề nghị kết nạp đảng viên (đảng ủy cơ sở)"),
    "9-KNĐ": _("Quyết định kết nạp đảng viên"),
    "10-KNĐ": _("Bản tự kiểm điểm của đảng viên dự bị"),
    "11-KNĐ": _("Bản nhận xét đảng viên dự bị của đảng viên giúp đỡ"),
    "12-KNĐ": _("Tổng hợp ý kiến nhận xét đối với đảng viên dự bị"),
    "13-KNĐ": _("Nghị quyết đề nghị công nhận đảng viên chính thức (chi bộ)"),
    "15-KNĐ": _("Nghị quyết đề nghị công nhận đảng viên chính thức (đảng ủy cơ sở)"),
    "16-KNĐ": _("Quyết định công nhận đảng viên chính thức"),
}
