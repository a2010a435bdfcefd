from django.contrib import admin

from ptdv.alerts.models import SentDigest
from ptdv.core.admin import ReadOnlyAdmin


@admin.register(SentDigest)
class SentDigestAdmin(ReadOnlyAdmin):
    """Read-only: the record of what `ptdv remind` sent."""

    list_display = ("sent_at", "user", "email", "as_of", "overdue", "due", "at_risk")
    list_filter = ("as_of",)
    search_fields = ("user__username", "email")
    date_hierarchy = "sent_at"
