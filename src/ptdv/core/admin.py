from django.contrib import admin
from django.http import HttpRequest

from ptdv.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # one admin for several models
    """Lists only: no add, change or delete from the admin (records written by the services)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
