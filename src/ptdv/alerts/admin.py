from django.contrib import admin
from django.http import HttpRequest

from ptdv.alerts.models import SentDigest


@admin.register(SentDigest)
class SentDigestAdmin(admin.ModelAdmin[SentDigest]):
    """Read-only: the record of what `ptdv remind` sent."""

    list_display = ("sent_at", "user", "email", "as_of", "overdue", "due", "at_risk")
    list_filter = ("as_of",)
    search_fields = ("user__username", "email")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
