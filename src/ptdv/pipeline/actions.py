"""The catalogue of steps a case can record: each step code declared once, with everything.

Pure data (no database). One `ActionSpec` per step code declares its typed data, its place in
the state machine, who records it, its paper forms, deadlines, checks and side effects; the
rules, services, forms, API schemas and "next steps" all read it (decision D24).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ptdv.pipeline.fields import FieldSpec, Kind, Label, field
from ptdv.pipeline.papers import FORM_TITLES, FORMS_BY_STAGE

__all__ = ["FORMS_BY_STAGE", "FORM_TITLES", "FieldSpec", "Kind", "Label"]

# --- stages and outcomes (the same values as pipeline.models.Stage / Outcome) ----------------
# Repeated here because models import django.db; a test checks the two lists agree.

SOURCE = "source"
TRAINED = "trained"
CANDIDATE = "candidate"
DOSSIER = "dossier"
VERIFIED_STAGE = "verified"
INTRODUCED_STAGE = "introduced"
OPINIONS_STAGE = "opinions"
CELL_APPROVED = "cell_approved"
APPRAISED = "appraised"
COMMITTEE_APPROVED = "committee_approved"
DECIDED = "decided"
PROBATION = "probation"
RECOGNITION_CELL = "recognition_cell"
RECOGNITION_COMMITTEE = "recognition_committee"
OFFICIAL = "official"
EXITED = "exited"

STAGES: tuple[str, ...] = (
    SOURCE,
    TRAINED,
    CANDIDATE,
    DOSSIER,
    VERIFIED_STAGE,
    INTRODUCED_STAGE,
    OPINIONS_STAGE,
    CELL_APPROVED,
    APPRAISED,
    COMMITTEE_APPROVED,
    DECIDED,
    PROBATION,
    RECOGNITION_CELL,
    RECOGNITION_COMMITTEE,
    OFFICIAL,
    EXITED,
)

OUTCOME_OPEN = ""
OUTCOME_OFFICIAL = "official"
OUTCOME_REFUSED = "refused"
OUTCOME_REJECTED = "rejected"
OUTCOME_PROBATION_DELETED = "probation_deleted"

# The reasons a case may stop for (the EXIT step's choices).
EXIT_OUTCOMES = ("withdrawn", "dropped", "rejected", "refused", "expired", "probation_deleted")

# `needs` value: the stage just before `leads_to` on this case's path (which skips the
# appraisal without a sub-committee and the committee votes in a chi bộ cơ sở).
PREVIOUS = "previous"


@dataclass(frozen=True)
class ActionSpec:
    code: str
    label: Label
    fields: tuple[FieldSpec, ...] = ()
    documents: tuple[str, ...] = ()  # paper forms whose receipt this step records
    closes: bool = False  # ends the case when it passes (an exit or the final recognition)
    # Who records it: "record" (the cell), "committee" (grassroots committee), "decide" (the
    # deciding level); services map these to access.policy actions.
    permission: str = "record"
    help: Label = ""
    # --- the state machine (rules.state derives the order checks and the replay from these)
    needs: str = ""  # the stage the case must have reached (or PREVIOUS)
    until: str = ""  # the stage before which it must be recorded
    leads_to: str = ""  # the stage reached when it passes
    together: tuple[str, ...] = ()  # steps that must all be recorded to reach `leads_to`
    passes_if: str = ""  # "vote" (2/3 of the eligible), a bool field's name, or "" (always)
    passes_default: bool = True  # how a missing bool field is read
    refusal: str = ""  # the outcome closing the case when it does not pass
    refusal_needs: str = ""  # the stage a non-passing one needs instead of `needs`
    retake: bool = False  # may be recorded again after `leads_to` is reached
    requires: tuple[str, ...] = ()  # steps recorded before it (each named by its own `rule`)
    once: str = ""  # the rule allowing it only once
    applies: str = ""  # "readmission" | "appraisal" | "committee": else not applicable
    guard: str = ""  # a special order check: "opening" | "exit" | "transfer"
    marks: tuple[tuple[str, str], ...] = ()  # (case-state date, data field or "" = step date)
    # A vote whose failures send the case up (VOTE-ESCALATE, VOTE-GRASSROOTS): the RulesConfig
    # flag allowing it and the number of failures; the next step then no longer needs its stage.
    escalates: tuple[str, int] | None = None
    rule: str = "ORDER"  # the rule named when this step is missing
    # --- what judges it, what it starts, what it writes, how it is offered
    checks: tuple[str, ...] = ()  # rules.case checks, in order
    deadlines: tuple[str, ...] = ()  # deadline rules it starts, extends or meets
    effects: tuple[str, ...] = ()  # services.steps side effects, in order
    repeatable: bool = False  # offered again as a next step after it was recorded
    offer_if: str = ""  # "over60": offered only when the candidate is near or over 60
    waits: Label = _("ghi nhận")  # "Chờ <unit> <waits>" when another level records it
    # Extra paper forms a choice brings: (field, value, forms).
    documents_by_choice: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def is_vote(self) -> bool:
        return self.passes_if == "vote"

    def field_named(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


_f = field

VOTE_FIELDS = (
    _f("eligible", Kind.INT, _("Số đảng viên chính thức / ủy viên có quyền biểu quyết")),
    _f("present", Kind.INT, _("Số có mặt")),
    _f("agree", Kind.INT, _("Số tán thành")),
    _f("resolution_number", Kind.STR, _("Số nghị quyết"), required=False),
)
CERTIFICATE_FIELDS = (
    _f("certificate_number", Kind.STR, _("Số giấy chứng nhận")),
    _f("issued_on", Kind.DATE, _("Ngày cấp")),
    _f("issuer", Kind.STR, _("Nơi cấp")),
    _f("batch", Kind.BATCH, _("Lớp"), required=False),
)
_VOTE = _("biểu quyết")
_CONSENT = _("đồng ý bằng văn bản")

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

_PROBATION_FILE = (NEW_MEMBER_COURSE, SELF_REVIEW, MENTOR_ASSESSMENT, PROBATION_OPINIONS)
_RECOGNITION_FAILURES = ("recognition_failures_go_up", 3)  # VOTE-ESCALATE

ACTIONS: dict[str, ActionSpec] = {
    a.code: a
    for a in (
        ActionSpec(OPEN, _("Lập hồ sơ phát triển đảng viên"), guard="opening"),
        ActionSpec(
            COURSE,
            _("Hoàn thành lớp bồi dưỡng nhận thức về Đảng"),
            CERTIFICATE_FIELDS,
            documents=("CN-NTVĐ",),
            until=CELL_APPROVED,
            leads_to=TRAINED,
            retake=True,
            effects=("certificate",),
        ),
        ActionSpec(
            CANDIDATE_LISTED,
            _("Chi bộ đưa vào danh sách đối tượng kết nạp, phân công người giúp đỡ"),
            (
                _f("resolution_number", Kind.STR, _("Số nghị quyết chi bộ"), required=False),
                _f("mentor", Kind.PERSON, _("Đảng viên chính thức được phân công giúp đỡ")),
                _f("tasks", Kind.TEXT, _("Nhiệm vụ giao cho quần chúng"), required=False),
            ),
            needs=TRAINED,
            leads_to=CANDIDATE,
            checks=("mentor",),
            effects=("mentor",),
        ),
        ActionSpec(
            MENTOR_ASSIGNED,
            _("Phân công lại người giúp đỡ"),
            (
                _f("mentor", Kind.PERSON, _("Đảng viên chính thức được phân công")),
                _f("reason", Kind.STR, _("Lý do"), required=False),
            ),
            needs=CANDIDATE,
            checks=("mentor",),
            effects=("mentor",),
            repeatable=True,
        ),
        ActionSpec(
            MENTOR_REPORT,
            _("Người giúp đỡ báo cáo định kỳ"),
            (_f("report", Kind.TEXT, _("Nội dung nhận xét")),),
            needs=CANDIDATE,
            repeatable=True,
        ),
        ActionSpec(
            APPLICATION,
            _("Nhận đơn xin vào Đảng"),
            (
                # READMIT: a former member sentenced before is judged from this date.
                _f(
                    "record_cleared_on",
                    Kind.DATE,
                    _("Ngày được xóa án tích"),
                    required=False,
                    help=_("Chỉ ghi khi xin kết nạp lại người từng bị kết án."),
                ),
            ),
            documents=("1-KNĐ",),
            needs=CANDIDATE,
            until=CELL_APPROVED,
            leads_to=DOSSIER,
            together=(APPLICATION, HISTORY),
            retake=True,
            checks=("readmission",),
        ),
        ActionSpec(
            HISTORY,
            _("Nhận lý lịch của người xin vào Đảng"),
            (
                # EDU-MIN: what the lý lịch says about education, beyond the person's level.
                _f(
                    "education_exception",
                    Kind.BOOL,
                    _("Thuộc diện ngoại lệ về trình độ học vấn"),
                    required=False,
                    help=_(
                        "Vùng cao, vùng sâu, vùng xa, hải đảo, đồng bào dân tộc thiểu số, ngư "
                        "dân … : đã hoàn thành chương trình tiểu học là đủ."
                    ),
                ),
                _f(
                    "education_equivalent",
                    Kind.BOOL,
                    _("Có văn bằng tương đương trung học cơ sở"),
                    required=False,
                    help=_("Chỉ được chấp nhận khi chi bộ xét trước ngày 30/7/2021."),
                ),
            ),
            documents=("2-KNĐ",),
            needs=CANDIDATE,
            until=CELL_APPROVED,
            leads_to=DOSSIER,
            together=(APPLICATION, HISTORY),
            retake=True,
        ),
        ActionSpec(
            VERIFY_REQUESTED,
            _("Gửi yêu cầu thẩm tra lý lịch"),
            (_f("places", Kind.TEXT, _("Nơi được đề nghị thẩm tra")),),
            needs=DOSSIER,
            until=CELL_APPROVED,
            rule="VERIFY",
        ),
        ActionSpec(
            VERIFIED,
            _("Kết luận thẩm tra, cấp ủy cơ sở chứng nhận lý lịch"),
            (
                _f("relatives_verified", Kind.TEXT, _("Người thân đã thẩm tra")),
                _f("conclusion", Kind.TEXT, _("Kết luận")),
                _f("certified_by", Kind.STR, _("Cấp ủy chứng nhận lý lịch")),
                _f("satisfactory", Kind.BOOL, _("Đủ tiêu chuẩn chính trị")),
            ),
            permission="committee",
            needs=DOSSIER,
            until=CELL_APPROVED,
            leads_to=VERIFIED_STAGE,
            passes_if="satisfactory",
            passes_default=False,
            retake=True,
            requires=(VERIFY_REQUESTED,),
            rule="VERIFY",
            waits=_("thẩm tra, chứng nhận lý lịch"),
        ),
        ActionSpec(
            INTRODUCED,
            _("Giới thiệu người vào Đảng"),
            (
                _f(
                    "mode",
                    Kind.CHOICE,
                    _("Hình thức giới thiệu"),
                    choices=("two_members", "youth_union", "trade_union"),
                ),
                _f("introducers", Kind.PERSONS, _("Đảng viên chính thức giới thiệu")),
                _f(
                    "resolution_number",
                    Kind.STR,
                    _("Số nghị quyết Đoàn / Công đoàn"),
                    required=False,
                ),
                _f(
                    "worked_together_months",
                    Kind.INT,
                    _("Số tháng cùng công tác, học tập hoặc cư trú với người được giới thiệu"),
                ),
                _f(
                    "replacement",
                    Kind.BOOL,
                    _("Người giới thiệu được chi bộ phân công thay thế"),
                    required=False,
                ),
            ),
            documents=("3-KNĐ",),
            documents_by_choice=(
                ("mode", "youth_union", ("4-KNĐ",)),
                ("mode", "trade_union", ("4A-KNĐ",)),
            ),
            needs=VERIFIED_STAGE,
            until=CELL_APPROVED,
            leads_to=INTRODUCED_STAGE,
            retake=True,
            rule="INTRO",
            checks=("introduction",),
        ),
        ActionSpec(
            OPINIONS,
            _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú"),
            (
                _f("organisations", Kind.TEXT, _("Các tổ chức đã cho ý kiến")),
                _f("residence_cell", Kind.STR, _("Chi ủy / chi bộ nơi cư trú")),
                _f("favourable", Kind.BOOL, _("Ý kiến nhìn chung tán thành")),
            ),
            documents=("5-KNĐ",),
            needs=INTRODUCED_STAGE,
            until=CELL_APPROVED,
            leads_to=OPINIONS_STAGE,
            retake=True,
        ),
        ActionSpec(
            OVER60_CONSENT,
            _("Ban Thường vụ tỉnh ủy đồng ý bằng văn bản (trên 60 tuổi)"),
            (_f("document_number", Kind.STR, _("Số văn bản")),),
            permission="decide",
            until=DECIDED,
            checks=("over60_consent",),
            offer_if="over60",
            waits=_CONSENT,
        ),
        ActionSpec(
            READMISSION_CONSENT,
            _("Ban Thường vụ tỉnh ủy đồng ý kết nạp lại bằng văn bản"),
            (_f("document_number", Kind.STR, _("Số văn bản")),),
            permission="decide",
            until=DECIDED,
            applies="readmission",
            waits=_CONSENT,
        ),
        ActionSpec(
            CELL_VOTE,
            _("Chi bộ xét, biểu quyết đề nghị kết nạp"),
            VOTE_FIELDS,
            ("6-KNĐ",),
            needs=OPINIONS_STAGE,
            leads_to=CELL_APPROVED,
            passes_if="vote",
            marks=(("cell_vote_on", ""),),
            rule="VOTE-CELL",
            checks=("vote", "eligibility"),
            deadlines=("DECIDE-60WD",),
            waits=_VOTE,
        ),
        ActionSpec(
            APPRAISAL,
            _("Đảng ủy bộ phận thẩm định"),
            (_f("agrees", Kind.BOOL, _("Đồng ý đề nghị kết nạp")),),
            ("7-KNĐ",),
            permission="committee",
            applies="appraisal",
            needs=CELL_APPROVED,
            leads_to=APPRAISED,
            waits=_("thẩm định"),
        ),
        ActionSpec(
            COMMITTEE_VOTE,
            _("Đảng ủy cơ sở xét, biểu quyết đề nghị kết nạp"),
            VOTE_FIELDS,
            ("8-KNĐ",),
            permission="committee",
            applies="committee",
            needs=PREVIOUS,
            leads_to=COMMITTEE_APPROVED,
            passes_if="vote",
            escalates=("committee_failure_goes_up", 1),  # VOTE-GRASSROOTS
            rule="VOTE-GRASSROOTS",
            checks=("vote",),
            waits=_VOTE,
        ),
        ActionSpec(
            EXTENSION,
            _("Gia hạn thời gian xem xét quyết định kết nạp (thêm tối đa 30 ngày làm việc)"),
            (_f("reason", Kind.TEXT, _("Lý do")),),
            permission="decide",
            needs=CELL_APPROVED,
            until=DECIDED,
            once="DECIDE-60WD",
            deadlines=("DECIDE-60WD",),
            waits=_("gia hạn"),
        ),
        ActionSpec(
            DECISION,
            _("Quyết định kết nạp đảng viên"),
            (
                _f("decision_number", Kind.STR, _("Số quyết định")),
                _f("signer", Kind.STR, _("Người ký")),
                _f("authority", Kind.ORG, _("Cấp ủy quyết định")),
                _f("received_on", Kind.DATE, _("Ngày chi bộ nhận quyết định")),
                _f("admitted", Kind.BOOL, _("Đồng ý kết nạp (bỏ chọn nếu không kết nạp)")),
            ),
            ("9-KNĐ",),
            permission="decide",
            needs=PREVIOUS,
            leads_to=DECIDED,
            passes_if="admitted",
            refusal=OUTCOME_REFUSED,
            marks=(("decision_on", ""), ("received_on", "received_on")),
            checks=("authority", "decision"),
            deadlines=("DECIDE-60WD", "CEREMONY-30WD"),
            effects=("decision_dates",),
            waits=_("quyết định"),
        ),
        ActionSpec(
            CEREMONY_CONSENT,
            _("Cấp ủy cấp trên đồng ý tổ chức lễ kết nạp quá hạn"),
            (_f("document_number", Kind.STR, _("Số văn bản")),),
            permission="decide",
            needs=DECIDED,
            until=PROBATION,
            deadlines=("CEREMONY-30WD",),
            waits=_CONSENT,
        ),
        ActionSpec(
            CEREMONY,
            _("Tổ chức lễ kết nạp, phân công đảng viên giúp đỡ đảng viên dự bị"),
            (_f("mentor", Kind.PERSON, _("Đảng viên chính thức giúp đỡ đảng viên dự bị")),),
            needs=DECIDED,
            leads_to=PROBATION,
            marks=(("ceremony_on", ""),),
            checks=("mentor", "ceremony"),
            deadlines=("CEREMONY-30WD", "PROBATION-END", "RECOG-30WD"),
            effects=("ceremony",),
        ),
        ActionSpec(
            NEW_MEMBER_COURSE,
            _("Hoàn thành lớp bồi dưỡng lý luận chính trị cho đảng viên mới"),
            CERTIFICATE_FIELDS,
            needs=PROBATION,
            rule="NEW-MEMBER-COURSE",
            effects=("certificate",),
        ),
        ActionSpec(
            SELF_REVIEW,
            _("Nhận bản tự kiểm điểm của đảng viên dự bị"),
            (),
            ("10-KNĐ",),
            needs=PROBATION,
            checks=("self_review",),
        ),
        ActionSpec(
            MENTOR_ASSESSMENT,
            _("Nhận bản nhận xét của đảng viên giúp đỡ"),
            (),
            ("11-KNĐ",),
            needs=PROBATION,
        ),
        ActionSpec(
            PROBATION_OPINIONS,
            _("Tổng hợp ý kiến về đảng viên dự bị"),
            (_f("favourable", Kind.BOOL, _("Ý kiến nhìn chung tán thành")),),
            ("12-KNĐ",),
            needs=PROBATION,
        ),
        ActionSpec(
            RECOGNITION_CELL_VOTE,
            _("Chi bộ xét, biểu quyết đề nghị công nhận đảng viên chính thức"),
            VOTE_FIELDS,
            ("13-KNĐ",),
            needs=PROBATION,
            leads_to=RECOGNITION_CELL,
            passes_if="vote",
            requires=_PROBATION_FILE,
            marks=(("recognition_cell_on", ""),),
            escalates=_RECOGNITION_FAILURES,
            rule="VOTE-CELL",
            checks=("vote", "recognition"),
            deadlines=("RECOG-30WD", "RECOG-DECIDE-30WD"),
            waits=_VOTE,
        ),
        ActionSpec(
            RECOGNITION_COMMITTEE_VOTE,
            _("Đảng ủy cơ sở xét, biểu quyết đề nghị công nhận đảng viên chính thức"),
            VOTE_FIELDS,
            ("15-KNĐ",),
            permission="committee",
            applies="committee",
            needs=PREVIOUS,
            leads_to=RECOGNITION_COMMITTEE,
            passes_if="vote",
            requires=_PROBATION_FILE,
            escalates=_RECOGNITION_FAILURES,
            rule="VOTE-GRASSROOTS",
            checks=("vote",),
            waits=_VOTE,
        ),
        ActionSpec(
            RECOGNITION_EXTENSION,
            _("Gia hạn thời gian quyết định công nhận (thêm tối đa 30 ngày làm việc)"),
            (_f("reason", Kind.TEXT, _("Lý do")),),
            permission="decide",
            needs=RECOGNITION_CELL,
            once="RECOG-DECIDE-30WD",
            deadlines=("RECOG-DECIDE-30WD",),
            waits=_("gia hạn"),
        ),
        ActionSpec(
            RECOGNITION_DECISION,
            _("Quyết định công nhận đảng viên chính thức"),
            (
                _f("decision_number", Kind.STR, _("Số quyết định")),
                _f("authority", Kind.ORG, _("Cấp ủy quyết định")),
                _f(
                    "recognised",
                    Kind.BOOL,
                    _("Công nhận (bỏ chọn để xóa tên khỏi danh sách dự bị)"),
                ),
            ),
            ("16-KNĐ",),
            closes=True,
            permission="decide",
            needs=PREVIOUS,
            leads_to=OFFICIAL,
            passes_if="recognised",
            refusal=OUTCOME_PROBATION_DELETED,
            # Deletion from the probationary list may be decided at any time of probation.
            refusal_needs=PROBATION,
            requires=_PROBATION_FILE,
            checks=("authority", "recognition"),
            deadlines=("RECOG-DECIDE-30WD", "RECOG-DATE"),
            effects=("recognition",),
            waits=_("quyết định"),
        ),
        ActionSpec(
            TRANSFERRED,
            _("Chuyển hồ sơ sang chi bộ khác"),
            (
                _f("to_cell", Kind.ORG, _("Chi bộ nhận")),
                _f("reason", Kind.STR, _("Lý do")),
            ),
            permission="committee",
            guard="transfer",
            effects=("transfer",),
            repeatable=True,
            waits=_("chuyển hồ sơ"),
        ),
        ActionSpec(
            EXIT,
            _("Dừng hồ sơ"),
            (
                _f(
                    "outcome",
                    Kind.CHOICE,
                    _("Lý do dừng"),
                    choices=EXIT_OUTCOMES,
                ),
                _f("reason", Kind.TEXT, _("Diễn giải")),
            ),
            closes=True,
            leads_to=EXITED,
            guard="exit",
            effects=("exit",),
            repeatable=True,
        ),
    )
}

VOTE_ACTIONS = frozenset(code for code, spec in ACTIONS.items() if spec.is_vote)
