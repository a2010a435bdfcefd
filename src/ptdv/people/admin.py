from django.contrib import admin

from ptdv.people.models import (
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
