"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from ptdv.access.views import home
from ptdv.api import api
from ptdv.core.views import favicon

admin.site.site_header = "PTĐV — Quản trị"
admin.site.site_title = "PTĐV"
admin.site.index_title = "Danh mục và người dùng"

# The site's own pages keep the `core:` names the templates and settings use. The home page
# lists what the user's grants reach, so its view is access's: core sits below access.
site_urls = (
    [
        path("", home, name="home"),
        # Browsers ask for /favicon.ico on pages that name no icon (files, errors): point them
        # at the static icon instead of a 404.
        path("favicon.ico", favicon, name="favicon"),
    ],
    "core",
)

urlpatterns = [
    path("", include(site_urls)),
    path("tai-khoan/", include("ptdv.access.urls")),
    path("to-chuc/", include("ptdv.orgs.urls")),
    path("nhan-su/", include("ptdv.people.urls")),
    path("dang-vien/", include("ptdv.members.urls")),
    path("phat-trien-dang-vien/", include("ptdv.pipeline.urls")),
    path("bao-cao/", include("ptdv.reports.urls")),
    path("chi-tieu/", include("ptdv.targets.urls")),
    path("chuyen-sinh-hoat/", include("ptdv.members.transfer_urls")),
    path("api/", api.urls),
    path("quan-tri/", admin.site.urls),
]
