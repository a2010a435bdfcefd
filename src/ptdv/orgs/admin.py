from django.contrib import admin

from ptdv.orgs.models import Org


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin[Org]):
    """Read-only in the admin: the tree is changed through the app, which checks the rules."""

    list_display = ("name", "code", "kind", "field", "valid_from", "valid_to")
    list_filter = ("kind", "field")
    search_fields = ("name", "code")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
