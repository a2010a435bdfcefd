from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ptdv.people.models import (
    Conscription,
    EducationLevel,
    EthnicGroup,
    Occupation,
    Qualification,
    Religion,
    TheoryLevel,
)


class ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # one admin for six models
    list_display: tuple[str, ...] = ("name", "code", "rank", "is_active")
    list_editable = ("rank", "is_active")
    search_fields = ("name", "code")


admin.site.register(Religion, ReferenceAdmin)
admin.site.register(Qualification, ReferenceAdmin)
admin.site.register(TheoryLevel, ReferenceAdmin)
admin.site.register(Occupation, ReferenceAdmin)


@admin.register(EthnicGroup)
class EthnicGroupAdmin(ReferenceAdmin):
    list_display = ("name", "code", "is_minority", "rank", "is_active")


@admin.register(EducationLevel)
class EducationLevelAdmin(ReferenceAdmin):
    list_display = ("name", "code", "meets_lower_secondary", "rank", "is_active")


@admin.register(Conscription)
class ConscriptionAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Conscriptions are entered on the person's page (people:conscription); the admin lists
    them for administrators."""

    list_display = ("person", "entered_on", "org")
    list_filter = ("entered_on",)
    search_fields = ("person__full_name", "person__national_id")
    raw_id_fields = ("person", "org")
    date_hierarchy = "entered_on"
