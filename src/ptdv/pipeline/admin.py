"""The pipeline in Django's admin: training batches are edited here, the rest is read-only.

Cases, steps, mentors, certificates and the pool change only through the services (which
check the rules and keep the step history), so the admin only lists them.

The working-day calendar's extra days off and make-up days (core.CalendarOverride) are edited
in the admin too; core cannot know about cases (it sits below the pipeline), so the pipeline
replaces core's admin for them with one that recomputes the due dates a change moves.
"""

from datetime import date

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ptdv.core.admin import CalendarOverrideAdmin, ReadOnlyAdmin
from ptdv.core.models import CalendarOverride
from ptdv.pipeline.models import (
    Case,
    Certificate,
    Mentor,
    PoolEntry,
    PoolReview,
    Step,
    TrainingBatch,
)
from ptdv.pipeline.services import recompute_after_calendar_change


class ParticipantInline(admin.TabularInline[Certificate, TrainingBatch]):
    """The batch's participants: the certificates recorded against it (read-only here; a
    certificate is created by the course step of a case)."""

    model = Certificate
    extra = 0
    can_delete = False
    fields = ("person", "number", "issued_on", "issuer")
    readonly_fields = fields
    verbose_name = "học viên"
    verbose_name_plural = "học viên (giấy chứng nhận đã cấp)"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(TrainingBatch)
class TrainingBatchAdmin(admin.ModelAdmin[TrainingBatch]):
    inlines = [ParticipantInline]
    list_display = ("name", "kind", "organiser", "issuer", "starts_on", "ends_on")
    list_filter = ("kind",)
    search_fields = ("name", "issuer")
    date_hierarchy = "starts_on"
    raw_id_fields = ("organiser",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("person", "cell", "stage", "stage_since", "outcome", "next_due_on")
    list_filter = ("stage", "outcome", "source")
    search_fields = ("person__full_name", "person__national_id")
    list_select_related = ("person", "cell")


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ("case", "seq", "action", "occurred_on", "recorded_by", "recorded_at")
    list_filter = ("action",)
    list_select_related = ("case__person", "recorded_by")


@admin.register(Mentor)
class MentorAdmin(ReadOnlyAdmin):
    list_display = ("member", "case", "phase", "assigned_on", "ended_on")
    list_filter = ("phase",)
    list_select_related = ("member", "case__person")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "person", "kind", "issued_on", "issuer")
    list_filter = ("kind",)
    search_fields = ("number", "person__full_name")
    list_select_related = ("person",)


@admin.register(PoolEntry)
class PoolEntryAdmin(ReadOnlyAdmin):
    list_display = ("person", "cell", "source", "listed_on", "status")
    list_filter = ("status", "source")
    list_select_related = ("person", "cell")


@admin.register(PoolReview)
class PoolReviewAdmin(ReadOnlyAdmin):
    list_display = ("cell", "month", "reviewed_on", "reviewed_by")
    list_select_related = ("cell", "reviewed_by")


admin.site.unregister(CalendarOverride)


@admin.register(CalendarOverride)
class CalendarOverrideWithDueDatesAdmin(CalendarOverrideAdmin):
    """Core's calendar admin, plus: the open cases' due dates follow every change."""

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: object, change: bool
    ) -> None:
        # An edit may move the day: the old day stops counting and the new one starts.
        old = CalendarOverride.objects.filter(pk=obj.pk).values_list("day", flat=True).first()
        super().save_model(request, obj, form, change)
        self._recompute([d for d in (old, obj.day) if d is not None])

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        day = obj.day
        super().delete_model(request, obj)
        self._recompute([day])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        days = list(queryset.values_list("day", flat=True))
        super().delete_queryset(request, queryset)
        self._recompute(days)

    def _recompute(self, days: list[date]) -> None:
        recompute_after_calendar_change(days=days, today=timezone.localdate())
