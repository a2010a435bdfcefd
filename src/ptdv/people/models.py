"""A person's record: the lý lịch fields that forms and statistics need (DOMAIN.md §6.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ptdv.core.models import VersionedModel
from ptdv.orgs.models import Org


class ReferenceItem(models.Model):
    """An entry of a reference list, seeded by migrations and editable in the admin."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    rank = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        abstract = True
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class EthnicGroup(ReferenceItem):
    is_minority = models.BooleanField(_("dân tộc thiểu số"), default=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("dân tộc")
        verbose_name_plural = _("dân tộc")


class Religion(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("tôn giáo")
        verbose_name_plural = _("tôn giáo")


class EducationLevel(ReferenceItem):
    """General education (giáo dục phổ thông): the highest level completed."""

    meets_lower_secondary = models.BooleanField(
        _("đạt tốt nghiệp THCS trở lên"),
        default=False,
        help_text=_("Dùng cho điều kiện học vấn khi xét kết nạp."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("trình độ giáo dục phổ thông")
        verbose_name_plural = _("trình độ giáo dục phổ thông")


class Qualification(ReferenceItem):
    """Professional qualification (chuyên môn nghiệp vụ)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("trình độ chuyên môn")
        verbose_name_plural = _("trình độ chuyên môn")


class TheoryLevel(ReferenceItem):
    """Political theory level (lý luận chính trị)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("trình độ lý luận chính trị")
        verbose_name_plural = _("trình độ lý luận chính trị")


class Occupation(ReferenceItem):
    """Occupation / social composition as the statistical reports break it down."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("nghề nghiệp, thành phần xã hội")
        verbose_name_plural = _("nghề nghiệp, thành phần xã hội")


# The person's fields that point at a reference list (forms, the API and the dossier query).
REFERENCE_FIELDS = (
    "ethnic_group",
    "religion",
    "education",
    "qualification",
    "theory_level",
    "occupation",
)


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Person(VersionedModel):
    """One human being, once: the national ID number (CCCD) is unique."""

    org = models.ForeignKey(
        Org,
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Chi bộ hoặc tổ chức đảng đang theo dõi hồ sơ của người này."),
    )
    family_name = models.CharField(_("họ"), max_length=50)
    middle_name = models.CharField(_("tên đệm"), max_length=100, blank=True)
    given_name = models.CharField(_("tên"), max_length=50)
    other_names = models.CharField(_("tên gọi khác"), max_length=100, blank=True)
    # Derived from the name parts by the services; indexed for search and ordering.
    full_name = models.CharField(_("họ và tên"), max_length=210, editable=False)
    name_folded = models.CharField(max_length=210, editable=False)
    sort_key = models.CharField(max_length=255, editable=False)

    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    ethnic_group = models.ForeignKey(
        EthnicGroup, verbose_name=_("dân tộc"), on_delete=models.PROTECT
    )
    religion = models.ForeignKey(
        Religion,
        verbose_name=_("tôn giáo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Để trống nếu không theo tôn giáo nào."),
    )
    education = models.ForeignKey(
        EducationLevel,
        verbose_name=_("giáo dục phổ thông"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    qualification = models.ForeignKey(
        Qualification,
        verbose_name=_("chuyên môn nghiệp vụ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    theory_level = models.ForeignKey(
        TheoryLevel,
        verbose_name=_("lý luận chính trị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("nghề nghiệp, thành phần"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    job_title = models.CharField(_("chức vụ, nơi làm việc"), max_length=255, blank=True)
    youth_union_member = models.BooleanField(_("đoàn viên Đoàn TNCS Hồ Chí Minh"), default=False)
    trade_union_member = models.BooleanField(_("đoàn viên công đoàn"), default=False)
    home_town = models.CharField(_("quê quán"), max_length=255, blank=True)
    birth_place = models.CharField(_("nơi sinh"), max_length=255, blank=True)
    residence = models.CharField(_("nơi thường trú"), max_length=255, blank=True)
    current_address = models.CharField(_("nơi ở hiện nay"), max_length=255, blank=True)
    national_id = models.CharField(
        _("số CCCD"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Số căn cước công dân / định danh cá nhân, 12 chữ số."),
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords(
        excluded_fields=["name_folded", "sort_key", "full_name"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        indexes = [
            models.Index(fields=["sort_key"], name="people_person_sort"),
            models.Index(fields=["org", "sort_key"], name="people_person_org_sort"),
            models.Index(fields=["name_folded"], name="people_person_folded"),
        ]

    def __str__(self) -> str:
        return self.full_name


class PersonNameToken(models.Model):
    """One folded word of a person's name, for indexed accent-insensitive prefix search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=50)

    class Meta:
        indexes = [models.Index(fields=["token", "person"], name="people_token_token")]
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="people_token_unique")
        ]

    def __str__(self) -> str:
        return self.token


class Conscription(VersionedModel):
    """A person's enlistment for military service (nhập ngũ): a dated fact of the person's
    record, counted by the targets "official members among the year's conscripts" (D40)."""

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.PROTECT, related_name="conscriptions"
    )
    # The unit that sent the person (where the count places them), on the enlistment day.
    org = models.ForeignKey(
        Org, verbose_name=_("đơn vị giao quân"), on_delete=models.PROTECT, related_name="+"
    )
    entered_on = models.DateField(_("ngày nhập ngũ"))
    notes = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("nhập ngũ")
        verbose_name_plural = _("nhập ngũ")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "entered_on"], name="people_conscription_unique"
            )
        ]
        indexes = [models.Index(fields=["entered_on"], name="people_conscription_on")]

    def __str__(self) -> str:
        return f"{self.person} — {self.entered_on:%d/%m/%Y}"
