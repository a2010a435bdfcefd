"""The party organisation tree (DOMAIN.md §1.1, §1.2)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from ptdv.core.models import VersionedModel
from ptdv.core.text import prefix_upper_bound, search_terms, unit_label


class OrgKind(models.TextChoices):
    """Levels of the party organisation, top to bottom (DOMAIN.md §1.1)."""

    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh ủy / Thành ủy")
    CENTRAL_DIRECT = "central_direct", _("Đảng bộ trực thuộc Trung ương")
    DISTRICT = "district", _("Huyện ủy / Quận ủy / Thị ủy / Thành ủy thuộc tỉnh (đến 30/6/2025)")
    BLOC = "bloc", _("Đảng ủy khối")
    COMMUNE = "commune", _("Đảng bộ xã / phường / đặc khu (từ 1/7/2025)")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    SUB_COMMITTEE = "sub_committee", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ trực thuộc")


# Levels above grassroots: they direct grassroots organisations and (by default) decide
# admissions for them (DOMAIN.md §1.2 item 2).
SUPERIOR_KINDS = frozenset(
    {
        OrgKind.CENTRAL,
        OrgKind.PROVINCE,
        OrgKind.CENTRAL_DIRECT,
        OrgKind.DISTRICT,
        OrgKind.BLOC,
        OrgKind.COMMUNE,
    }
)
GRASSROOTS_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL})
# Units whose members sit in a cell and vote there (admission and recognition votes).
CELL_KINDS = frozenset({OrgKind.CELL, OrgKind.GRASSROOTS_CELL})

# Which kinds may sit directly under which (None = a root). Kept permissive where the 2025
# reorganisation made several shapes legal at once.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str | None]] = {
    OrgKind.CENTRAL: frozenset({None}),
    OrgKind.PROVINCE: frozenset({None, OrgKind.CENTRAL}),
    OrgKind.CENTRAL_DIRECT: frozenset({None, OrgKind.CENTRAL}),
    OrgKind.DISTRICT: frozenset({OrgKind.PROVINCE, OrgKind.CENTRAL_DIRECT}),
    OrgKind.BLOC: frozenset({OrgKind.PROVINCE, OrgKind.CENTRAL_DIRECT, OrgKind.CENTRAL}),
    OrgKind.COMMUNE: frozenset({OrgKind.PROVINCE, OrgKind.DISTRICT}),
    OrgKind.GRASSROOTS_COMMITTEE: frozenset(
        {
            OrgKind.PROVINCE,
            OrgKind.CENTRAL_DIRECT,
            OrgKind.DISTRICT,
            OrgKind.BLOC,
            OrgKind.COMMUNE,
            OrgKind.GRASSROOTS_COMMITTEE,  # under a committee vested with superior powers
        }
    ),
    OrgKind.GRASSROOTS_CELL: frozenset(
        {
            OrgKind.PROVINCE,
            OrgKind.CENTRAL_DIRECT,
            OrgKind.DISTRICT,
            OrgKind.BLOC,
            OrgKind.COMMUNE,
            OrgKind.GRASSROOTS_COMMITTEE,
        }
    ),
    OrgKind.SUB_COMMITTEE: frozenset({OrgKind.GRASSROOTS_COMMITTEE}),
    OrgKind.CELL: frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE}),
}


class OrgField(models.TextChoices):
    """Sector or area of a unit, as statistics and plans break them down."""

    RESIDENTIAL = "residential", _("Khu dân cư (thôn, tổ dân phố)")
    COMMUNE_GOV = "commune_gov", _("Xã, phường, đặc khu")
    SCHOOL = "school", _("Trường học")
    UNIVERSITY = "university", _("Đại học, cao đẳng")
    STATE_ENTERPRISE = "state_enterprise", _("Doanh nghiệp nhà nước")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Doanh nghiệp tư nhân")
    FDI_ENTERPRISE = "fdi_enterprise", _("Doanh nghiệp có vốn đầu tư nước ngoài")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    ADMINISTRATION = "administration", _("Cơ quan hành chính nhà nước")
    PARTY_MASS = "party_mass", _("Cơ quan Đảng, Mặt trận, đoàn thể")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp công lập")
    HEALTH = "health", _("Y tế")
    POLICE = "police", _("Công an")
    MILITARY = "military", _("Quân đội")
    OTHER = "other", _("Khác")


class DecidingBody(models.TextChoices):
    """Which body of a committee decides admissions (DOMAIN.md §1.2 items 1-3)."""

    FULL_COMMITTEE = "full_committee", _("Tập thể đảng ủy cơ sở (được ủy quyền)")
    STANDING_COMMITTEE = "standing_committee", _("Ban thường vụ")
    PERMANENT_MEMBERS = (
        "permanent_members",
        _("Thường trực cấp ủy cùng các đồng chí ủy viên ban thường vụ là trưởng các ban đảng"),
    )


class OrgQuerySet(models.QuerySet["Org"]):
    def subtree(self, org: Org) -> OrgQuerySet:
        """Return org and everything under it: one range query on the indexed path."""
        return self.filter(path__gte=org.path, path__lt=prefix_upper_bound(org.path))

    def subtree_of_paths(self, paths: list[str]) -> OrgQuerySet:
        """Return every org under any of the given paths."""
        condition = models.Q(pk__in=[])
        for path in paths:
            condition |= models.Q(path__gte=path, path__lt=prefix_upper_bound(path))
        return self.filter(condition)

    def active_on(self, day: date) -> OrgQuerySet:
        """Return the units existing on the given day."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day)
        )


class Org(MP_Node, VersionedModel):  # type: ignore[misc]  # treebeard ships no type hints
    """A party organisation at any level; the tree is a materialised path (treebeard)."""

    # 4 characters per level from 36 symbols: 1.6 million siblings per parent, 63 levels.
    steplen = 4
    node_order_by: list[str] = []

    name = models.CharField(_("tên tổ chức"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    code = models.CharField(
        _("mã tổ chức"),
        max_length=32,
        unique=True,
        help_text=_("Mã duy nhất, ví dụ mã trên cơ sở dữ liệu đảng viên."),
    )
    kind = models.CharField(_("cấp tổ chức"), max_length=32, choices=OrgKind.choices)
    field = models.CharField(
        _("lĩnh vực, loại hình"),
        max_length=32,
        choices=OrgField.choices,
        default=OrgField.OTHER,
    )
    vested_superior_powers = models.BooleanField(
        _("được giao quyền cấp trên cơ sở"),
        default=False,
        help_text=_("Đảng ủy cơ sở được giao một số quyền của cấp ủy cấp trên cơ sở."),
    )
    admission_delegated = models.BooleanField(
        _("được ủy quyền kết nạp đảng viên"),
        default=False,
        help_text=_("Đảng ủy cơ sở được cấp trên ủy quyền quyết định kết nạp đảng viên."),
    )
    admission_delegated_from = models.DateField(
        _("ủy quyền kết nạp có hiệu lực từ"), null=True, blank=True
    )
    deciding_body = models.CharField(
        _("cơ quan quyết định kết nạp"),
        max_length=32,
        choices=DecidingBody.choices,
        blank=True,
        help_text=_("Để trống để dùng mặc định theo cấp tổ chức."),
    )
    valid_from = models.DateField(_("thành lập ngày"), default=date(2000, 1, 1))
    valid_to = models.DateField(_("giải thể / chấm dứt ngày"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    # Derived columns, kept by orgs.services (create, edit of the parent's name, move): the
    # parent's name, so a unit is shown "Chi bộ Khu phố 2 — Đảng bộ phường Đông Thanh" from
    # its own row (no extra query wherever it is select_related), and the folded words a picker
    # searches (name, short name, code and parent's name, accents removed; decision D23).
    parent_name = models.CharField(_("tên tổ chức cấp trên"), max_length=255, blank=True)
    search_text = models.CharField(max_length=700, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["path", "depth", "numchild", "parent_name", "search_text"],
        history_change_reason_field=models.TextField(null=True),
    )

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="orgs_org_valid_range",
            ),
            models.CheckConstraint(
                condition=models.Q(admission_delegated=False)
                | models.Q(admission_delegated_from__isnull=False),
                name="orgs_org_delegation_has_date",
            ),
        ]
        indexes = [models.Index(fields=["kind", "path"], name="orgs_org_kind_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """Return the name with the parent's, so that ten "Chi bộ Khu phố 2" differ."""
        return unit_label(self.name, self.parent_name)

    def folded_search_text(self) -> str:
        """Return what a unit picker matches words against: the words of every name of the
        unit and of its parent's name, folded (lower case, no accents), each after a space,
        so that " word" finds the words starting with it ("ha" finds Hà, not Thanh)."""
        words = search_terms(f"{self.name} {self.short_name} {self.code} {self.parent_name}")
        return "".join(f" {word}" for word in words)

    @property
    def is_dissolved(self) -> bool:
        return self.valid_to is not None

    def is_active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to > day)

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def ancestor_paths(self) -> list[str]:
        """Return the paths of every ancestor, root first (no query needed)."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth)]


# One level of a span path: the unit's primary key, zero-padded, so that a span path never
# depends on treebeard's sibling numbering (which a move renumbers) and a unit's past paths
# never collide with another unit's (decision D28).
SPAN_STEP = 8


def span_segment(org_id: int) -> str:
    """Return the span-path level of one unit."""
    return f"{org_id:0{SPAN_STEP}d}"


class OrgSpanQuerySet(models.QuerySet["OrgSpan"]):
    def on(self, day: date) -> OrgSpanQuerySet:
        """Return the spans in force on the given day (valid_to is exclusive)."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day)
        )

    def under(self, path: str) -> OrgSpanQuerySet:
        """Return the spans whose path starts with `path` (one indexed range)."""
        return self.filter(path__gte=path, path__lt=prefix_upper_bound(path))

    def changed_ids(self, after: date, through: date | None = None, *, under: str = "") -> set[int]:
        """Return the units of these spans (`under`: under that span path) whose place or form
        changed in (after, through] (None: any day after): a span that began or ended then.
        One query, the union of the two days' index ranges (few units change in a month or a
        year), the path tested as a prefix on the spans they find: as one OR'ed condition
        beside a range of the path's index, SQLite — whose statistics cannot tell how much of
        the tree a range holds — walked every span under the path instead (the nation's
        360,000: 80–110 ms at full scale)."""
        spans = self.order_by()
        if under:
            spans = spans.alias(prefix=Substr("path", 1, len(under))).filter(prefix=under)
        began = spans.filter(valid_from__gt=after)
        ended = spans.filter(valid_to__gt=after)
        if through is not None:
            began, ended = (
                began.filter(valid_from__lte=through),
                ended.filter(valid_to__lte=through),
            )
        found = began.values_list("org_id", flat=True).union(ended.values_list("org_id", flat=True))
        return set(found)


class OrgSpan(models.Model):
    """Where a unit stood, and what it was called, over one period (the dated tree, D28).

    Every unit has contiguous spans from its founding day to its dissolution; a move, a rename
    or a change of kind closes the current span and opens the next one on its effective day.
    `path` chains the primary keys of the unit's ancestors as they were in that period, so
    "everything under X on day D" is one range over the spans in force on D. Written only by
    `orgs.services`; rebuildable from the units' history is not possible (history holds no
    effective dates), so the spans are the record of the past.
    """

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="spans")
    parent = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên tổ chức"), max_length=255)
    kind = models.CharField(_("cấp tổ chức"), max_length=32, choices=OrgKind.choices)
    field = models.CharField(
        _("lĩnh vực, loại hình"), max_length=32, choices=OrgField.choices, default=OrgField.OTHER
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến trước ngày"), null=True, blank=True)

    objects = OrgSpanQuerySet.as_manager()

    class Meta:
        verbose_name = _("giai đoạn tổ chức")
        verbose_name_plural = _("giai đoạn tổ chức")
        ordering = ["org_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="orgs_orgspan_valid_range",
            ),
            models.UniqueConstraint(fields=["org", "valid_from"], name="orgs_orgspan_one_start"),
        ]
        indexes = [
            models.Index(fields=["path", "valid_from"], name="orgs_orgspan_path"),
            models.Index(fields=["kind", "path"], name="orgs_orgspan_kind_path"),
            # The spans that began or ended in a period: what moved (members.asof.moved_cells).
            models.Index(fields=["valid_from"], name="orgs_orgspan_from"),
            models.Index(fields=["valid_to"], name="orgs_orgspan_to"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y})"
