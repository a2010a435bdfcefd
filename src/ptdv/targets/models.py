"""Targets (chỉ tiêu) of party member development per unit and period (DOMAIN §6.1; D40)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ptdv.core.models import VersionedModel
from ptdv.orgs.models import Org


class Metric(models.TextChoices):
    """What a target measures: a count of admissions, or a share of a cohort in percent."""

    NEW_MEMBERS = "new_members", _("Số đảng viên mới kết nạp")
    WOMEN = "women", _("Tỷ lệ nữ trong số đảng viên mới")
    YOUTH = "youth", _("Tỷ lệ 18–30 tuổi (khi kết nạp) trong số đảng viên mới")
    ETHNIC_MINORITY = "ethnic_minority", _("Tỷ lệ người dân tộc thiểu số trong số đảng viên mới")
    PRIVATE_ENTERPRISE = (
        "private_enterprise",
        _("Tỷ lệ người lao động doanh nghiệp tư nhân trong số đảng viên mới"),
    )
    CONSCRIPTS = (
        "conscripts",
        _("Tỷ lệ đảng viên chính thức trong số thanh niên nhập ngũ"),
    )


# Metrics counted in people (a parent's count splits among its children); the others are
# percentages of a cohort.
COUNT_METRICS = frozenset({Metric.NEW_MEMBERS})


class Target(VersionedModel):
    """A unit's target for one metric over a period: a calendar year (start == end) or a
    congress term such as 2020–2025 (whole years, 1/1 of the first to 31/12 of the last)."""

    unit = models.ForeignKey(
        Org, verbose_name=_("tổ chức đảng"), on_delete=models.PROTECT, related_name="targets"
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    metric = models.CharField(_("chỉ tiêu"), max_length=32, choices=Metric.choices)
    # A count (whole number) for count metrics, a percentage (0–100) for the shares.
    value = models.DecimalField(_("mức chỉ tiêu"), max_digits=9, decimal_places=2)
    notes = models.CharField(_("căn cứ, ghi chú"), max_length=255, blank=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["start_year", "end_year", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "start_year", "end_year", "metric"],
                name="targets_target_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="targets_target_period",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="targets_target_value_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["start_year", "end_year", "metric"], name="targets_target_period_i"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_metric_display()} {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.start_year, self.end_year)

    @property
    def is_count(self) -> bool:
        return self.metric in COUNT_METRICS

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 1, 1)

    @property
    def ends_on(self) -> date:
        return date(self.end_year, 12, 31)


def period_label(start_year: int, end_year: int) -> str:
    """Return "năm 2025" or "nhiệm kỳ 2020–2025"."""
    if start_year == end_year:
        return f"năm {start_year}"
    return f"nhiệm kỳ {start_year}–{end_year}"
