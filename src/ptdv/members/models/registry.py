"""The member registry (DOMAIN.md §4-§5): memberships, their dated events, and what derives.

Events are the truth (decision D29): append-only, dated, corrected only by a later event that
supersedes an earlier one. `Membership.status`/`cell`/... and `MemberPeriod` rows are caches
derived by replaying the events (`members.rules.replay`), rewritten in the same transaction as
the event and rebuilt by `ptdv members rebuild`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ptdv.core.models import VersionedModel
from ptdv.orgs.models import Org
from ptdv.people.models import Person


class Standing(models.TextChoices):
    """A person's party standing on a day; "quần chúng" is having no membership."""

    NONE = "", _("Quần chúng")
    PROBATIONARY = "probationary", _("Đảng viên dự bị")
    OFFICIAL = "official", _("Đảng viên chính thức")
    LEFT = "left", _("Đã ra khỏi Đảng")


class EventKind(models.TextChoices):
    ADMITTED = "admitted", _("Kết nạp vào Đảng")
    READMITTED = "readmitted", _("Kết nạp lại")
    RECOGNISED = "recognised", _("Công nhận đảng viên chính thức")
    PROBATION_DELETED = "probation_deleted", _("Xóa tên trong danh sách đảng viên dự bị")
    TRANSFER_OUT = "transfer_out", _("Chuyển sinh hoạt đảng chính thức đi")
    TRANSFER_IN = "transfer_in", _("Tiếp nhận sinh hoạt đảng chính thức")
    NOT_PRESENTED = "not_presented", _("Không xuất trình giấy giới thiệu sinh hoạt đảng")
    TEMP_OUT = "temp_out", _("Chuyển sinh hoạt đảng tạm thời")
    TEMP_BACK = "temp_back", _("Trở lại sinh hoạt sau chuyển tạm thời")
    EXEMPT_START = "exempt_start", _("Miễn công tác và sinh hoạt đảng")
    EXEMPT_END = "exempt_end", _("Thôi miễn công tác và sinh hoạt đảng")
    REMOVED = "removed", _("Xóa tên khỏi danh sách đảng viên")
    EXPELLED = "expelled", _("Khai trừ ra khỏi Đảng")
    RESIGNED = "resigned", _("Xin ra khỏi Đảng")
    DIED = "died", _("Từ trần")
    VOIDED = "voided", _("Hủy sự kiện ghi nhầm")


class RemovalGround(models.TextChoices):
    """The five grounds for removal from the roll (24-QĐ/TW item 8.1; DOMAIN §5.4)."""

    ABSENT_OR_UNPAID = (
        "absent_unpaid",
        _(
            "Bỏ sinh hoạt đảng hoặc không đóng đảng phí 3 tháng trong năm "
            "mà không có lý do chính đáng"
        ),
    )
    CARD_RETURNED = "card_returned", _("Tự ý trả thẻ đảng viên hoặc tự hủy thẻ đảng viên")
    NO_PROGRESS = (
        "no_progress",
        _(
            "Giảm sút ý chí, không thực hiện nhiệm vụ đảng viên, "
            "đã được giáo dục 12 tháng không tiến bộ"
        ),
    )
    QUALITY_TWO_YEARS = "quality_two_years", _("Hai năm liền vi phạm tư cách đảng viên")
    POLITICAL_STANDARD = (
        "political_standard",
        _("Không đảm bảo tiêu chuẩn chính trị theo quy định của Bộ Chính trị"),
    )


class Membership(VersionedModel):
    """One admission of a person to the Party; a re-admitted person has a second, linked one."""

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.PROTECT, related_name="memberships"
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("lần vào Đảng trước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="readmission",
    )
    # NULL, not "": the number is unique among the members who hold a card.
    card_number = models.CharField(  # noqa: DJ001
        _("số thẻ đảng viên"), max_length=20, null=True, blank=True
    )
    card_issued_on = models.DateField(_("ngày cấp thẻ"), null=True, blank=True)
    dossier_number = models.CharField(_("số lý lịch đảng viên"), max_length=32, blank=True)
    decision_on = models.DateField(_("ngày quyết định kết nạp"))
    joined_on = models.DateField(_("ngày vào Đảng (lễ kết nạp)"))
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    away_without_transfer = models.BooleanField(
        _("đi làm ăn xa chưa chuyển sinh hoạt"),
        default=False,
        help_text=_("Chi bộ đánh dấu đảng viên đi làm ăn xa nhưng chưa chuyển sinh hoạt đảng."),
    )
    seriously_ill = models.BooleanField(
        _("đang ốm đau nặng"),
        default=False,
        help_text=_(
            "Chi bộ đánh dấu đảng viên ốm đau nặng: huy hiệu Đảng được xét tặng sớm "
            "(Hướng dẫn 01-HD/TW, mục 18)."
        ),
    )

    # Derived by replaying the events (members.rules.replay); never written by hand.
    status = models.CharField(_("tình trạng"), max_length=16, choices=Standing.choices)
    cell = models.ForeignKey(
        Org,
        verbose_name=_("chi bộ sinh hoạt"),
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Chi bộ đang tính đảng số của đảng viên (nơi sinh hoạt chính thức)."),
    )
    exempted = models.BooleanField(_("được miễn sinh hoạt"), default=False)
    temp_cell = models.ForeignKey(
        Org,
        verbose_name=_("nơi sinh hoạt tạm thời"),
        on_delete=models.PROTECT,
        related_name="temporary_members",
        null=True,
        blank=True,
    )
    in_transit = models.BooleanField(_("đang chuyển sinh hoạt"), default=False)
    # The cell of the admission in force (joined_on is its day); NULL for a membership that
    # began by a transfer from outside PTĐV. What the admission aggregates count (D43).
    admission_cell = models.ForeignKey(
        Org,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # leads the index members_membership_cell_adm
    )
    left_on = models.DateField(_("ngày ra khỏi Đảng"), null=True, blank=True)
    left_kind = models.CharField(
        _("hình thức ra khỏi Đảng"), max_length=20, choices=EventKind.choices, blank=True
    )
    # Cached for lists: the person's Vietnamese sort key, so a cell's roll is one index scan.
    sort_key = models.CharField(max_length=255, editable=False)

    history = HistoricalRecords(
        excluded_fields=["sort_key"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"],
                condition=models.Q(card_number__isnull=False),
                name="members_membership_card_unique",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(status="left"),
                name="members_membership_one_active",
            ),
        ]
        indexes = [
            models.Index(fields=["cell", "status", "sort_key"], name="members_membership_roll"),
            models.Index(fields=["sort_key"], name="members_membership_sort"),
            # The admissions of a period, of one cell or of all (the idle cells, D43's moves):
            # PostgreSQL seeks the first per cell under a small unit, and hashes one range of
            # the second under a large one.
            models.Index(
                fields=["admission_cell", "joined_on"], name="members_membership_cell_adm"
            ),
            models.Index(
                fields=["joined_on", "admission_cell"], name="members_membership_admitted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.joined_on:%d/%m/%Y})"


class MemberEvent(models.Model):
    """One dated fact of a membership. Append-only: a mistake is corrected by a new event
    whose `supersedes` names the wrong one (kind VOIDED to cancel without replacement)."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=EventKind.choices)
    on = models.DateField(_("ngày hiệu lực"))
    # The cell the event happened in (the admitting, sending or receiving cell).
    cell = models.ForeignKey(
        Org, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="+"
    )
    # The other side of a transfer inside PTĐV (receiving cell, or temporary cell).
    other_cell = models.ForeignKey(
        Org,
        verbose_name=_("chi bộ bên kia"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    other_party = models.CharField(
        _("tổ chức đảng bên ngoài"),
        max_length=255,
        blank=True,
        help_text=_("Tổ chức đảng nơi chuyển đi hoặc chuyển đến khi không dùng PTĐV."),
    )
    ground = models.CharField(
        _("căn cứ xóa tên"), max_length=24, choices=RemovalGround.choices, blank=True
    )
    # Why a member left, in the re-admission rule's terms (pipeline READMIT_REASONS keys),
    # when the exit was entered from a re-admission dossier.
    cause = models.CharField(_("lý do ra khỏi Đảng"), max_length=32, blank=True)
    document = models.CharField(_("số quyết định / văn bản"), max_length=100, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("sửa sự kiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    reason = models.TextField(_("lý do sửa"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện đảng viên")
        verbose_name_plural = _("sự kiện đảng viên")
        ordering = ["membership_id", "on", "pk"]
        indexes = [
            models.Index(fields=["kind", "on"], name="members_event_kind_on"),
            models.Index(fields=["cell", "on"], name="members_event_cell_on"),
            # A cell's last admission up to a day: one index seek (the idle cells, D41).
            models.Index(fields=["cell", "kind", "on"], name="members_event_cell_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}"


class MemberPeriod(models.Model):
    """A stretch of time in which a member's place on the roll did not change (derived).

    Replaying a membership's events yields these contiguous periods; "members of X on day D"
    is the periods in force on D whose cell stood under X on D (decision D30).
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="periods")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    cell = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    standing = models.CharField(max_length=16, choices=Standing.choices)
    exempted = models.BooleanField(default=False)
    temp_cell = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="members_memberperiod_valid_range",
            )
        ]
        indexes = [
            models.Index(fields=["cell", "valid_from"], name="members_period_cell"),
            models.Index(fields=["temp_cell", "valid_from"], name="members_period_temp"),
        ]

    def __str__(self) -> str:
        return f"{self.cell_id} {self.valid_from:%d/%m/%Y}–{self.valid_to or ''}"


class Transfer(VersionedModel):
    """A transfer of party activity as a flow (DOMAIN §5.2): started by the sending cell,
    with due dates on the working-day calendar, closed by acceptance or non-presentation."""

    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("Chuyển sinh hoạt đảng chính thức")
        TEMPORARY = "temporary", _("Chuyển sinh hoạt đảng tạm thời")

    class State(models.TextChoices):
        STARTED = "started", _("Đang làm thủ tục")
        SENT = "sent", _("Đã cấp giấy giới thiệu, chờ nơi đến tiếp nhận")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        NOT_PRESENTED = "not_presented", _("Không xuất trình giấy giới thiệu")
        RETURNED = "returned", _("Đã trở lại sinh hoạt")
        CANCELLED = "cancelled", _("Đã hủy")

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices)
    from_cell = models.ForeignKey(
        Org, verbose_name=_("chi bộ chuyển đi"), on_delete=models.PROTECT, related_name="+"
    )
    to_cell = models.ForeignKey(
        Org,
        verbose_name=_("chi bộ chuyển đến"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        null=True,
        blank=True,
    )
    outside_party = models.CharField(
        _("tổ chức đảng nơi đến (ngoài PTĐV)"), max_length=255, blank=True
    )
    reason = models.CharField(_("lý do chuyển"), max_length=255, blank=True)
    trigger_on = models.DateField(
        _("ngày quyết định / thay đổi nơi cư trú có hiệu lực"),
        help_text=_("Mốc tính 60 ngày làm việc để làm thủ tục chuyển sinh hoạt."),
    )
    letter_due_on = models.DateField(_("hạn làm thủ tục chuyển"))
    letter_on = models.DateField(_("ngày giấy giới thiệu"), null=True, blank=True)
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=50, blank=True)
    present_due_on = models.DateField(_("hạn xuất trình giấy giới thiệu"), null=True, blank=True)
    planned_end_on = models.DateField(_("dự kiến trở về"), null=True, blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    out_event = models.OneToOneField(
        MemberEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_event = models.OneToOneField(
        MemberEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("chuyển sinh hoạt đảng")
        verbose_name_plural = _("chuyển sinh hoạt đảng")
        indexes = [
            models.Index(fields=["to_cell", "state"], name="members_transfer_incoming"),
            models.Index(fields=["state", "letter_due_on"], name="members_transfer_due"),
        ]


class RatingLevel(models.TextChoices):
    """The four levels of the annual quality rating (124-QĐ/TW art. 12; DOMAIN §5.3)."""

    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")


class Rating(VersionedModel):
    """One member's quality rating for one year."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("xếp loại"), max_length=16, choices=RatingLevel.choices)
    # The grassroots organisation whose cap applies (where the member was rated).
    grassroots = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    cell = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("xếp loại chất lượng")
        verbose_name_plural = _("xếp loại chất lượng")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "year"], name="members_rating_one_per_year"
            )
        ]
        indexes = [models.Index(fields=["grassroots", "year"], name="members_rating_grassroots")]


class CellMeeting(VersionedModel):
    """A regular meeting of a cell (sinh hoạt chi bộ định kỳ) and who missed it."""

    cell = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("ngày họp"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("buổi sinh hoạt chi bộ")
        verbose_name_plural = _("buổi sinh hoạt chi bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "held_on"], name="members_cellmeeting_one_a_day"
            )
        ]


class Absence(models.Model):
    meeting = models.ForeignKey(CellMeeting, on_delete=models.CASCADE, related_name="absences")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="absences")
    with_reason = models.BooleanField(_("có lý do"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="members_absence_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.meeting_id}"


class DuesPayment(models.Model):
    """The months of dues a member has paid (one row per month, so gaps are visible)."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="dues")
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng đã đóng đảng phí."))
    recorded_on = models.DateField(_("ngày ghi"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "month"], name="members_dues_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:%m/%Y}"


class CommitteeMember(VersionedModel):
    """A seat on a party committee (cấp ủy) for a period: who votes in a committee vote."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("Bí thư")
        DEPUTY = "deputy", _("Phó Bí thư")
        STANDING = "standing", _("Ủy viên Ban Thường vụ")
        MEMBER = "member", _("Cấp ủy viên")

    org = models.ForeignKey(
        Org, verbose_name=_("cấp ủy của"), on_delete=models.PROTECT, related_name="committee"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField(_("chức danh"), max_length=16, choices=Role.choices)
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến trước ngày"), null=True, blank=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("cấp ủy viên")
        verbose_name_plural = _("cấp ủy viên")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gt=models.F("started_on")),
                name="members_committeemember_valid_range",
            )
        ]
        indexes = [models.Index(fields=["org", "started_on"], name="members_committee_org")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.person}"
