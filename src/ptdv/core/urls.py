from django.urls import path

from ptdv.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (files, errors): point them at
    # the static icon instead of a 404.
    path("favicon.ico", views.favicon, name="favicon"),
]
