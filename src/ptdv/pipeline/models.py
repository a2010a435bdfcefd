"""Admission cases: the source pool, training batches, cases built from append-only steps.

The current stage of a case is derived from its steps by `rules.derive_stage` and cached on
the case (with its due dates) by the services in the same transaction, so the board, "overdue"
and "due in N days" are indexed queries.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ptdv.access.models import User
from ptdv.core.models import VersionedModel
from ptdv.orgs.models import Org
from ptdv.people.models import Person
from ptdv.pipeline.rules.funnel import CaseFacts, decided_state

# What the funnel's kept counts read of a case (D50), and the mark of a case loaded without them.
_COUNTED_FIELDS = ("cell_path", "stage", "stage_since", "next_due_on", "outcome", "decision_on",
                   "ceremony_on", "closed_on")  # fmt: skip
_UNKNOWN = object()


class Source(models.TextChoices):
    """Where an outstanding person comes from (issue 3 §1)."""

    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    TRADE_UNION = "trade_union", _("Công đoàn")
    WOMEN_UNION = "women_union", _("Hội Liên hiệp Phụ nữ")
    VILLAGE_HEAD = "village_head", _("Trưởng, phó thôn, tổ dân phố")
    MILITIA = "militia", _("Dân quân tự vệ")
    RESERVIST = "reservist", _("Quân nhân dự bị")
    PRIVATE_WORKER = "private_worker", _("Người lao động doanh nghiệp tư nhân")
    STUDENT = "student", _("Học sinh, sinh viên")
    OTHER = "other", _("Khác")


class CellPathed(VersionedModel):
    """A row owned by a cell that carries the cell's path in the tree (`cell_path`), so that
    "everything under a unit" and the access scope are one indexed range on the row's own table
    instead of a join through the cells (decision D48).

    The path is copied from the cell when the row is first saved or moves to another cell, and
    rewritten in the move's transaction when the cell's branch of the tree moves
    (`ptdv.orgs.signals.paths_moved`, received by `ptdv.pipeline.paths`). Bulk writes must set
    it themselves."""

    cell_path = models.CharField(max_length=255, default="", editable=False)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._cell_loaded = instance.__dict__.get("cell_id")
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        cell_id = self.__dict__.get("cell_id")
        if cell_id is not None and (
            not self.cell_path or cell_id != getattr(self, "_cell_loaded", None)
        ):
            self.cell_path = self.cell.path  # type: ignore[attr-defined]
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "cell_path"}
        super().save(*args, **kwargs)
        self._cell_loaded = cell_id


class PoolEntry(CellPathed):
    """A person on a cell's list of outstanding non-members (quần chúng ưu tú)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang theo dõi")
        DROPPED = "dropped", _("Đã đưa ra khỏi danh sách")
        IN_CASE = "in_case", _("Đã lập hồ sơ phát triển")

    cell = models.ForeignKey(
        Org, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.PROTECT, related_name="pool_entries"
    )
    source = models.CharField(_("nguồn"), max_length=32, choices=Source.choices)
    proposed_by = models.CharField(_("người / tổ chức đề xuất"), max_length=255, blank=True)
    listed_on = models.DateField(_("đưa vào danh sách ngày"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    dropped_on = models.DateField(_("ngày đưa ra"), null=True, blank=True)
    drop_reason = models.CharField(_("lý do đưa ra"), max_length=255, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords(excluded_fields=["cell_path"])

    class Meta:
        verbose_name = _("quần chúng ưu tú")
        verbose_name_plural = _("danh sách quần chúng ưu tú")
        constraints = [
            # One active entry per person: a person is followed by one cell at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="pipeline_pool_one_active_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["cell", "status"], name="pipeline_pool_cell_status"),
            models.Index(
                fields=["cell_path", "listed_on"],
                include=["source", "status"],
                name="pipeline_pool_path",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class PoolReview(models.Model):
    """The cell's monthly review of its list: each entry kept or dropped (with a reason)."""

    cell = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng được rà soát."))
    reviewed_on = models.DateField(_("ngày rà soát"))
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("rà soát danh sách hằng tháng")
        verbose_name_plural = _("rà soát danh sách hằng tháng")
        constraints = [
            models.UniqueConstraint(fields=["cell", "month"], name="pipeline_review_one_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.cell} {self.month:%m/%Y}"


class PoolReviewItem(models.Model):
    review = models.ForeignKey(PoolReview, on_delete=models.CASCADE, related_name="items")
    entry = models.ForeignKey(PoolEntry, on_delete=models.PROTECT, related_name="review_items")
    keep = models.BooleanField(_("tiếp tục theo dõi"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "entry"], name="pipeline_review_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {'giữ' if self.keep else 'đưa ra'}"


class TrainingBatch(models.Model):
    """A course run (awareness course for candidates, or political course for new members)."""

    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng")
        NEW_MEMBER = "new_member", _("Lớp bồi dưỡng lý luận chính trị cho đảng viên mới")

    kind = models.CharField(_("loại lớp"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("tên lớp"), max_length=255)
    organiser = models.ForeignKey(
        Org, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.CharField(
        _("nơi cấp giấy chứng nhận"),
        max_length=255,
        help_text=_("Ví dụ: Trung tâm Chính trị …"),
    )
    starts_on = models.DateField(_("khai giảng"))
    ends_on = models.DateField(_("bế giảng"))

    class Meta:
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="pipeline_batch_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """A course certificate held by a person (Mẫu CN-NTVĐ for the awareness course)."""

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("loại lớp"), max_length=16, choices=TrainingBatch.Kind.choices)
    batch = models.ForeignKey(
        TrainingBatch,
        verbose_name=_("lớp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    number = models.CharField(_("số giấy chứng nhận"), max_length=50)
    issued_on = models.DateField(_("ngày cấp"))
    issuer = models.CharField(_("nơi cấp"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "number"], name="pipeline_certificate_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class Stage(models.TextChoices):
    """Where a case stands; derived from its steps (rules.derive_stage), in path order."""

    SOURCE = "source", _("Tạo nguồn")
    TRAINED = "trained", _("Đã học lớp nhận thức về Đảng")
    CANDIDATE = "candidate", _("Đối tượng kết nạp (có người giúp đỡ)")
    DOSSIER = "dossier", _("Đã nhận đơn và lý lịch")
    VERIFIED = "verified", _("Đã thẩm tra lý lịch")
    INTRODUCED = "introduced", _("Đã có người giới thiệu")
    OPINIONS = "opinions", _("Đã tổng hợp ý kiến")
    CELL_APPROVED = "cell_approved", _("Chi bộ đề nghị kết nạp")
    APPRAISED = "appraised", _("Đảng ủy bộ phận đã thẩm định")
    COMMITTEE_APPROVED = "committee_approved", _("Đảng ủy cơ sở đề nghị kết nạp")
    DECIDED = "decided", _("Đã có quyết định kết nạp")
    PROBATION = "probation", _("Đảng viên dự bị")
    RECOGNITION_CELL = "recognition_cell", _("Chi bộ đề nghị công nhận chính thức")
    RECOGNITION_COMMITTEE = "recognition_committee", _("Đảng ủy cơ sở đề nghị công nhận")
    OFFICIAL = "official", _("Đảng viên chính thức")
    EXITED = "exited", _("Đã dừng")


class Outcome(models.TextChoices):
    OPEN = "", _("Đang thực hiện")
    OFFICIAL = "official", _("Đã công nhận đảng viên chính thức")
    WITHDRAWN = "withdrawn", _("Người xin vào Đảng rút đơn")
    DROPPED = "dropped", _("Đưa ra khỏi danh sách")
    REJECTED = "rejected", _("Không được biểu quyết thông qua")
    REFUSED = "refused", _("Cấp có thẩm quyền không kết nạp")
    EXPIRED = "expired", _("Quá hạn, hồ sơ hết hiệu lực")
    PROBATION_DELETED = "probation_deleted", _("Xóa tên trong danh sách đảng viên dự bị")


def funnel_facts(
    path: str,
    stage: str,
    since: Any,
    due: Any,
    outcome: str,
    decided_on: Any,
    ceremony_held: bool,
    closed_on: Any,
) -> CaseFacts:
    """Return what a case with these values counts for in the funnel's kept rows (D50, D55)."""
    is_open = outcome == Outcome.OPEN
    return CaseFacts(
        path, stage, since, due, is_open,
        decided_on=decided_on,
        decided_as=decided_state(ceremony_held=ceremony_held, open=is_open) if decided_on else "",
        refused_on=closed_on if outcome == Outcome.REFUSED else None,
    )  # fmt: skip


# Vietnamese labels of the values of the catalogue's Choice fields (actions.py keeps only the
# values, being free of Django models): introduction modes and exit outcomes.
CHOICE_LABELS: dict[str, object] = {
    "two_members": _("Hai đảng viên chính thức giới thiệu"),
    "youth_union": _("Nghị quyết Đoàn TNCS Hồ Chí Minh và một đảng viên chính thức"),
    "trade_union": _("Nghị quyết Công đoàn cơ sở và một đảng viên chính thức"),
    **{value: label for value, label in Outcome.choices if value},
}


class Case(CellPathed):
    """One person's path from the source pool to official member, owned by one cell."""

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.PROTECT, related_name="cases"
    )
    # The membership the ceremony created (the registry's record of this admission).
    membership = models.OneToOneField(
        "members.Membership",
        verbose_name=_("đảng viên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    cell = models.ForeignKey(
        Org, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="cases"
    )
    pool_entry = models.ForeignKey(
        PoolEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    source = models.CharField(_("nguồn"), max_length=32, choices=Source.choices)
    opened_on = models.DateField(_("lập hồ sơ ngày"))
    is_readmission = models.BooleanField(_("kết nạp lại"), default=False)

    # Cached from the steps by the services (same transaction); never edited by hand.
    stage = models.CharField(_("giai đoạn"), max_length=32, choices=Stage.choices)
    stage_since = models.DateField(_("ở giai đoạn này từ"))
    outcome = models.CharField(
        _("kết quả"), max_length=32, choices=Outcome.choices, default=Outcome.OPEN, blank=True
    )
    closed_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    next_due_on = models.DateField(_("hạn kế tiếp"), null=True, blank=True)
    next_due_rule = models.CharField(_("căn cứ hạn"), max_length=32, blank=True)
    # The three dates a member keeps (DOMAIN §4): decision (seniority), ceremony (probation
    # start, "ngày vào Đảng"), official (= ceremony + 12 months, whatever the approval date).
    decision_on = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    decision_received_on = models.DateField(_("ngày nhận quyết định"), null=True, blank=True)
    ceremony_on = models.DateField(_("ngày lễ kết nạp"), null=True, blank=True)
    probation_ends_on = models.DateField(_("hết thời hạn dự bị"), null=True, blank=True)
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    recognition_decision_on = models.DateField(
        _("ngày quyết định công nhận"), null=True, blank=True
    )

    history = HistoricalRecords(excluded_fields=["cell_path"])

    class Meta:
        verbose_name = _("hồ sơ phát triển đảng viên")
        verbose_name_plural = _("hồ sơ phát triển đảng viên")
        constraints = [
            # A person has at most one open case at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(outcome=""),
                name="pipeline_case_one_open_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["cell", "stage"], name="pipeline_case_cell_stage"),
            models.Index(fields=["next_due_on"], name="pipeline_case_due"),
            models.Index(fields=["outcome", "next_due_on"], name="pipeline_case_open_due"),
            # The open cases under a unit: the funnel, the board, the forecast's pipeline, read
            # from the index alone (the outcome's equality, then the path's range). The columns
            # read are key columns, not INCLUDE ones, which Django writes on PostgreSQL only, and
            # the index is not partial: given statistics, SQLite's planner did not take the
            # partial one for the ORM's `outcome = ?` and read each case's row through the
            # every-case index (a province's funnel 74 → 28 ms at full scale, the pipeline 49 →
            # 5).
            models.Index(
                fields=["outcome", "cell_path", "stage", "stage_since", "next_due_on", "source"],
                include=["id"],
                name="pipeline_case_path_open",
            ),
            # Each stage's open cases in the board's order (D68): a large unit's first cards
            # are a short walk of its stage (the unit's path tested in the index), not a ranking
            # of all its cases; `id` before the path keeps the order total on SQLite too.
            models.Index(
                fields=["outcome", "stage", "next_due_on", "stage_since", "id", "cell_path"],
                name="pipeline_case_stage_due",
            ),
            # Every case under a unit: the pass-through of the years (decided, refused,
            # admitted), from the index alone on both databases (SQLite: 78 → 2 ms).
            models.Index(
                fields=["cell_path", "decision_on", "outcome", "closed_on", "ceremony_on"],
                include=["id"],
                name="pipeline_case_path",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_stage_display()}"

    # The funnel's kept counts (D50) follow every save: what the case counted for when it was
    # loaded (or last saved) is taken away, what it counts for now is added.
    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._counted = instance._counted_now()
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._counted = self._counted_now()

    def _counted_now(self) -> Any:
        """Return `counted_as()`, or _UNKNOWN when a field it reads was not loaded."""
        if any(f not in self.__dict__ for f in _COUNTED_FIELDS):
            return _UNKNOWN
        return self.counted_as()

    def counted_as(self) -> CaseFacts | None:
        """Return what the case counts for in the funnel's kept rows, from its values now."""
        if not self.cell_path:
            return None
        return funnel_facts(self.cell_path, self.stage, self.stage_since, self.next_due_on,
                            self.outcome, self.decision_on, self.ceremony_on is not None,
                            self.closed_on)  # fmt: skip

    def save(self, *args: Any, **kwargs: Any) -> None:
        from ptdv.pipeline import stagecounts

        before: Any = None if self._state.adding else getattr(self, "_counted", _UNKNOWN)
        if before is _UNKNOWN:
            before = Case.objects.get(pk=self.pk).counted_as()
        super().save(*args, **kwargs)
        self._counted = self.counted_as()
        stagecounts.saved(before, self._counted)

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN


class Step(models.Model):
    """One dated event of a case. Append-only: a mistake is corrected by a new step."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    seq = models.PositiveIntegerField(_("thứ tự"))
    action = models.CharField(_("hành động"), max_length=64)
    occurred_on = models.DateField(_("ngày diễn ra"))
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("người ghi nhận"), on_delete=models.PROTECT, related_name="+"
    )
    # What the step carries (numbers, votes, decision numbers, introducers ...), validated by
    # the step's input schema before it is stored; plain JSON so both databases store it alike.
    data = models.JSONField(_("nội dung"), default=dict, blank=True)
    documents = models.JSONField(
        _("giấy tờ đã nhận"), default=list, blank=True, help_text=_("Mã mẫu, ví dụ 1-KNĐ.")
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bước")
        verbose_name_plural = _("các bước")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="pipeline_step_seq_unique")
        ]
        indexes = [models.Index(fields=["action", "occurred_on"], name="pipeline_step_action")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class Mentor(models.Model):
    """An official member assigned to help a candidate or a probationary member."""

    class Phase(models.TextChoices):
        CANDIDATE = "candidate", _("Giúp đỡ quần chúng")
        PROBATION = "probation", _("Giúp đỡ đảng viên dự bị")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mentors")
    member = models.ForeignKey(
        Person, verbose_name=_("đảng viên"), on_delete=models.PROTECT, related_name="mentoring"
    )
    phase = models.CharField(_("giai đoạn"), max_length=16, choices=Phase.choices)
    assigned_on = models.DateField(_("phân công ngày"))
    ended_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("người giúp đỡ")
        verbose_name_plural = _("người giúp đỡ")

    def __str__(self) -> str:
        return f"{self.member} → {self.case.person}"


class StageCount(models.Model):
    """How many open cases of a unit at a kept level entered a stage on a day (kind "s") or in
    a month (kind "m", the month's first day: D69), or are due on a day (kind "d") or in a
    month (kind "u"); and its decided and refused cases per day (D55) (decision D50): today's
    funnel of a large unit in a few hundred rows. Keyed by the unit and the kind first: a read
    of one kind across the stages (the overdue, the decided) is one range. The unit is named by
    its tree path, as the cases' copy names their cell (D48). Kept by pipeline.stagecounts on
    every save of a case and every move of the tree, in the write's transaction; `ptdv
    pipeline recompute` recomputes them."""

    path = models.CharField(max_length=255)
    stage = models.CharField(max_length=32)
    kind = models.CharField(max_length=1)
    day = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["path", "kind", "stage", "day"], name="pipeline_stagecount_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.stage} {self.kind} {self.day:%d/%m/%Y}: {self.n}"
