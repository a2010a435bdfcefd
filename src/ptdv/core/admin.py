from django.contrib import admin

from ptdv.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"
