"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from ptdv.api import api

admin.site.site_header = "PTĐV — Quản trị"
admin.site.site_title = "PTĐV"
admin.site.index_title = "Danh mục và người dùng"

urlpatterns = [
    path("", include("ptdv.core.urls")),
    path("tai-khoan/", include("ptdv.access.urls")),
    path("to-chuc/", include("ptdv.orgs.urls")),
    path("nhan-su/", include("ptdv.people.urls")),
    path("phat-trien-dang-vien/", include("ptdv.pipeline.urls")),
    path("api/", api.urls),
    path("quan-tri/", admin.site.urls),
]
