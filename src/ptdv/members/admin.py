from django.contrib import admin

from ptdv.members.models import CommitteeMember


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Committee seats (cấp ủy viên): who votes in a committee vote (VOTE-ELECTORATE)."""

    list_display = ("person", "org", "role", "started_on", "ended_on")
    list_filter = ("role",)
    search_fields = ("person__full_name", "org__name", "org__code")
    # Units and people are picked by id and search, never from a flat list of all of them.
    raw_id_fields = ("org", "person")
