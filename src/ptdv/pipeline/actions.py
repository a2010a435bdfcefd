"""The catalogue of steps a case can record: codes, labels, the data each carries, its forms.

Pure data (no database). Shared by rules.py (which decides whether a step is allowed and what it
means), services.py (which validates and appends it), forms, schemas and templates. A step's
`data` is a JSON object whose keys are the `fields` below.

Field types: "date", "int", "str", "text", "bool", "person" (id of a Person), "persons" (list of
ids), "org" (id of an Org), "batch" (id of a TrainingBatch), "choice:<a>|<b>|..." (one of).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Labels stay lazy so they are translated when rendered, not when this module is imported.
Label = str | Promise


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    label: Label
    required: bool = True
    help: Label = ""


@dataclass(frozen=True)
class ActionSpec:
    code: str
    label: Label
    fields: tuple[FieldSpec, ...] = ()
    documents: tuple[str, ...] = ()  # paper forms whose receipt this step records
    closes: bool = False  # ends the case (an exit or the final recognition)
    # Who records it: "record" (the cell), "committee" (grassroots committee), "decide" (the
    # deciding level); services map these to access.policy actions.
    permission: str = "record"
    help: Label = ""
    extra: dict[str, str] = field(default_factory=dict)


def _f(name: str, type_: str, label: Label, required: bool = True, help: Label = "") -> FieldSpec:
    return FieldSpec(name, type_, label, required, help)


VOTE_FIELDS = (
    _f("eligible", "int", _("Số đảng viên chính thức / ủy viên có quyền biểu quyết")),
    _f("present", "int", _("Số có mặt")),
    _f("agree", "int", _("Số tán thành")),
    _f("resolution_number", "str", _("Số nghị quyết"), required=False),
)

# Codes are dotted, as the audit trail (STYLE.md §3) wants.
OPEN = "pipeline.case.opened"
COURSE = "pipeline.course.completed"
CANDIDATE_LISTED = "pipeline.candidate.listed"
MENTOR_ASSIGNED = "pipeline.mentor.assigned"
MENTOR_REPORT = "pipeline.mentor.reported"
APPLICATION = "pipeline.dossier.application_received"
HISTORY = "pipeline.dossier.history_received"
VERIFY_REQUESTED = "pipeline.verification.requested"
VERIFIED = "pipeline.verification.concluded"
INTRODUCED = "pipeline.introduction.recorded"
OPINIONS = "pipeline.opinions.collected"
OVER60_CONSENT = "pipeline.consent.over_60"
READMISSION_CONSENT = "pipeline.consent.readmission"
CELL_VOTE = "pipeline.vote.cell"
APPRAISAL = "pipeline.appraisal.recorded"
COMMITTEE_VOTE = "pipeline.vote.committee"
EXTENSION = "pipeline.decision.extended"
DECISION = "pipeline.decision.issued"
CEREMONY_CONSENT = "pipeline.consent.late_ceremony"
CEREMONY = "pipeline.ceremony.held"
NEW_MEMBER_COURSE = "pipeline.probation.course_completed"
SELF_REVIEW = "pipeline.probation.self_review"
MENTOR_ASSESSMENT = "pipeline.probation.mentor_assessment"
PROBATION_OPINIONS = "pipeline.probation.opinions"
RECOGNITION_CELL_VOTE = "pipeline.recognition.vote_cell"
RECOGNITION_COMMITTEE_VOTE = "pipeline.recognition.vote_committee"
RECOGNITION_EXTENSION = "pipeline.recognition.extended"
RECOGNITION_DECISION = "pipeline.recognition.decision"
TRANSFERRED = "pipeline.case.transferred"
EXIT = "pipeline.case.exited"

ACTIONS: dict[str, ActionSpec] = {
    a.code: a
    for a in (
        ActionSpec(OPEN, _("Lập hồ sơ phát triển đảng viên")),
        ActionSpec(
            COURSE,
            _("Hoàn thành lớp bồi dưỡng nhận thức về Đảng"),
            (
                _f("certificate_number", "str", _("Số giấy chứng nhận")),
                _f("issued_on", "date", _("Ngày cấp")),
                _f("issuer", "str", _("Nơi cấp")),
                _f("batch", "batch", _("Lớp"), required=False),
            ),
            documents=("CN-NTVĐ",),
        ),
        ActionSpec(
            CANDIDATE_LISTED,
            _("Chi bộ đưa vào danh sách đối tượng kết nạp, phân công người giúp đỡ"),
            (
                _f("resolution_number", "str", _("Số nghị quyết chi bộ"), required=False),
                _f("mentor", "person", _("Đảng viên chính thức được phân công giúp đỡ")),
                _f("tasks", "text", _("Nhiệm vụ giao cho quần chúng"), required=False),
            ),
        ),
        ActionSpec(
            MENTOR_ASSIGNED,
            _("Phân công lại người giúp đỡ"),
            (
                _f("mentor", "person", _("Đảng viên chính thức được phân công")),
                _f("reason", "str", _("Lý do"), required=False),
            ),
        ),
        ActionSpec(
            MENTOR_REPORT,
            _("Người giúp đỡ báo cáo định kỳ"),
            (_f("report", "text", _("Nội dung nhận xét")),),
        ),
        ActionSpec(APPLICATION, _("Nhận đơn xin vào Đảng"), documents=("1-KNĐ",)),
        ActionSpec(
            HISTORY,
            _("Nhận lý lịch của người xin vào Đảng"),
            documents=("2-KNĐ",),
        ),
        ActionSpec(
            VERIFY_REQUESTED,
            _("Gửi yêu cầu thẩm tra lý lịch"),
            (_f("places", "text", _("Nơi được đề nghị thẩm tra")),),
        ),
        ActionSpec(
            VERIFIED,
            _("Kết luận thẩm tra, cấp ủy cơ sở chứng nhận lý lịch"),
            (
                _f("relatives_verified", "text", _("Người thân đã thẩm tra")),
                _f("conclusion", "text", _("Kết luận")),
                _f("certified_by", "str", _("Cấp ủy chứng nhận lý lịch")),
                _f("satisfactory", "bool", _("Đủ tiêu chuẩn chính trị")),
            ),
            permission="committee",
        ),
        ActionSpec(
            INTRODUCED,
            _("Giới thiệu người vào Đảng"),
            (
                _f(
                    "mode",
                    "choice:two_members|youth_union|trade_union",
                    _("Hình thức giới thiệu"),
                ),
                _f("introducers", "persons", _("Đảng viên chính thức giới thiệu")),
                _f("resolution_number", "str", _("Số nghị quyết Đoàn / Công đoàn"), required=False),
                _f(
                    "worked_together_months",
                    "int",
                    _("Số tháng cùng công tác, học tập hoặc cư trú với người được giới thiệu"),
                ),
                _f(
                    "replacement",
                    "bool",
                    _("Người giới thiệu được chi bộ phân công thay thế"),
                    required=False,
                ),
            ),
            documents=("3-KNĐ",),
        ),
        ActionSpec(
            OPINIONS,
            _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú"),
            (
                _f("organisations", "text", _("Các tổ chức đã cho ý kiến")),
                _f("residence_cell", "str", _("Chi ủy / chi bộ nơi cư trú")),
                _f("favourable", "bool", _("Ý kiến nhìn chung tán thành")),
            ),
            documents=("5-KNĐ",),
        ),
        ActionSpec(
            OVER60_CONSENT,
            _("Ban Thường vụ tỉnh ủy đồng ý bằng văn bản (trên 60 tuổi)"),
            (_f("document_number", "str", _("Số văn bản")),),
            permission="decide",
        ),
        ActionSpec(
            READMISSION_CONSENT,
            _("Ban Thường vụ tỉnh ủy đồng ý kết nạp lại bằng văn bản"),
            (_f("document_number", "str", _("Số văn bản")),),
            permission="decide",
        ),
        ActionSpec(CELL_VOTE, _("Chi bộ xét, biểu quyết đề nghị kết nạp"), VOTE_FIELDS, ("6-KNĐ",)),
        ActionSpec(
            APPRAISAL,
            _("Đảng ủy bộ phận thẩm định"),
            (_f("agrees", "bool", _("Đồng ý đề nghị kết nạp")),),
            ("7-KNĐ",),
            permission="committee",
        ),
        ActionSpec(
            COMMITTEE_VOTE,
            _("Đảng ủy cơ sở xét, biểu quyết đề nghị kết nạp"),
            VOTE_FIELDS,
            ("8-KNĐ",),
            permission="committee",
        ),
        ActionSpec(
            EXTENSION,
            _("Gia hạn thời gian xem xét quyết định kết nạp (thêm tối đa 30 ngày làm việc)"),
            (_f("reason", "text", _("Lý do")),),
            permission="decide",
        ),
        ActionSpec(
            DECISION,
            _("Quyết định kết nạp đảng viên"),
            (
                _f("decision_number", "str", _("Số quyết định")),
                _f("signer", "str", _("Người ký")),
                _f("authority", "org", _("Cấp ủy quyết định")),
                _f("received_on", "date", _("Ngày chi bộ nhận quyết định")),
                _f("admitted", "bool", _("Đồng ý kết nạp (bỏ chọn nếu không kết nạp)")),
            ),
            ("9-KNĐ",),
            permission="decide",
        ),
        ActionSpec(
            CEREMONY_CONSENT,
            _("Cấp ủy cấp trên đồng ý tổ chức lễ kết nạp quá hạn"),
            (_f("document_number", "str", _("Số văn bản")),),
            permission="decide",
        ),
        ActionSpec(
            CEREMONY,
            _("Tổ chức lễ kết nạp, phân công đảng viên giúp đỡ đảng viên dự bị"),
            (_f("mentor", "person", _("Đảng viên chính thức giúp đỡ đảng viên dự bị")),),
        ),
        ActionSpec(
            NEW_MEMBER_COURSE,
            _("Hoàn thành lớp bồi dưỡng lý luận chính trị cho đảng viên mới"),
            (
                _f("certificate_number", "str", _("Số giấy chứng nhận")),
                _f("issued_on", "date", _("Ngày cấp")),
                _f("issuer", "str", _("Nơi cấp")),
                _f("batch", "batch", _("Lớp"), required=False),
            ),
        ),
        ActionSpec(SELF_REVIEW, _("Nhận bản tự kiểm điểm của đảng viên dự bị"), (), ("10-KNĐ",)),
        ActionSpec(
            MENTOR_ASSESSMENT,
            _("Nhận bản nhận xét của đảng viên giúp đỡ"),
            (),
            ("11-KNĐ",),
        ),
        ActionSpec(
            PROBATION_OPINIONS,
            _("Tổng hợp ý kiến về đảng viên dự bị"),
            (_f("favourable", "bool", _("Ý kiến nhìn chung tán thành")),),
            ("12-KNĐ",),
        ),
        ActionSpec(
            RECOGNITION_CELL_VOTE,
            _("Chi bộ xét, biểu quyết đề nghị công nhận đảng viên chính thức"),
            VOTE_FIELDS,
            ("13-KNĐ",),
        ),
        ActionSpec(
            RECOGNITION_COMMITTEE_VOTE,
            _("Đảng ủy cơ sở xét, biểu quyết đề nghị công nhận đảng viên chính thức"),
            VOTE_FIELDS,
            ("15-KNĐ",),
            permission="committee",
        ),
        ActionSpec(
            RECOGNITION_EXTENSION,
            _("Gia hạn thời gian quyết định công nhận (thêm tối đa 30 ngày làm việc)"),
            (_f("reason", "text", _("Lý do")),),
            permission="decide",
        ),
        ActionSpec(
            RECOGNITION_DECISION,
            _("Quyết định công nhận đảng viên chính thức"),
            (
                _f("decision_number", "str", _("Số quyết định")),
                _f("authority", "org", _("Cấp ủy quyết định")),
                _f("recognised", "bool", _("Công nhận (bỏ chọn để xóa tên khỏi danh sách dự bị)")),
            ),
            ("16-KNĐ",),
            closes=True,
            permission="decide",
        ),
        ActionSpec(
            TRANSFERRED,
            _("Chuyển hồ sơ sang chi bộ khác"),
            (
                _f("to_cell", "org", _("Chi bộ nhận")),
                _f("reason", "str", _("Lý do")),
            ),
            permission="committee",
        ),
        ActionSpec(
            EXIT,
            _("Dừng hồ sơ"),
            (
                _f(
                    "outcome",
                    "choice:withdrawn|dropped|rejected|refused|expired|probation_deleted",
                    _("Lý do dừng"),
                ),
                _f("reason", "text", _("Diễn giải")),
            ),
            closes=True,
        ),
    )
}

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
